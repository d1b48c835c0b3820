//! The service's state and rules: rooms, logging configurations, chat tokens and recorded
//! room activity, partitioned by region like AWS. Nothing here knows about HTTP; the wire
//! layer in `control_plane` translates requests into these calls and errors into responses.

pub mod activity;
pub mod chat_tokens;
pub mod ids;
pub mod logging_configurations;
pub mod rooms;
pub mod tags;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use parking_lot::RwLock;
use time::OffsetDateTime;

pub use activity::{Activity, ActivitySink, RoomActivity};
pub use chat_tokens::{Capability, ChatTokenGrant, ChatTokens};
pub use logging_configurations::{
    Destination, LoggingConfiguration, LoggingConfigurationUpdate, NewLoggingConfiguration,
};
pub use rooms::{
    FallbackResult, MessageReviewHandler, MessageReviewHandlerChange, NewRoom, Room, RoomFilter,
    RoomLimits, RoomUpdate,
};
pub use tags::{ResourceRef, Tags, MAX_TAGS_PER_RESOURCE};

/// Account limits that answer ServiceQuotaExceededException when reached.
#[derive(Clone, Copy, Debug)]
pub struct AccountLimits {
    pub max_rooms: usize,
    pub max_logging_configurations: usize,
}

/// What a state operation can refuse; `control_plane::error` maps each to its modeled error.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum StateError {
    #[error("room {0} not found")]
    RoomNotFound(String),
    #[error("logging configuration {0} not found")]
    LoggingConfigurationNotFound(String),
    #[error("the account already has {limit} rooms in this region")]
    RoomQuotaExceeded { limit: usize },
    #[error("the account already has {limit} logging configurations in this region")]
    LoggingConfigurationQuotaExceeded { limit: usize },
    #[error("logging configuration {id} is still used by {rooms} room(s)")]
    LoggingConfigurationInUse { id: String, rooms: usize },
    #[error("a resource can have at most {limit} tags")]
    TooManyTags { limit: usize },
}

/// One page of a listing, newest `updateTime` first, with the cursor of the next page.
#[derive(Debug)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Revision to continue below, when more items exist.
    pub next: Option<u64>,
}

/// The whole service: every region's resources, chat tokens and activity.
pub struct ServiceState {
    account_id: String,
    limits: AccountLimits,
    regions: RwLock<HashMap<String, Arc<RegionState>>>,
    pub chat_tokens: ChatTokens,
    pub activity: Activity,
}

impl ServiceState {
    pub fn new(account_id: String, limits: AccountLimits) -> Self {
        ServiceState {
            account_id,
            limits,
            regions: RwLock::new(HashMap::new()),
            chat_tokens: ChatTokens::default(),
            activity: Activity::default(),
        }
    }

    pub fn account_id(&self) -> &str {
        &self.account_id
    }

    /// The resources of one region, created empty on first use.
    pub fn region(&self, region: &str) -> Arc<RegionState> {
        if let Some(state) = self.regions.read().get(region) {
            return Arc::clone(state);
        }
        let mut regions = self.regions.write();
        Arc::clone(regions.entry(region.to_owned()).or_insert_with(|| {
            Arc::new(RegionState {
                region: region.to_owned(),
                limits: self.limits,
                data: RwLock::new(RegionData::default()),
            })
        }))
    }
}

/// The resources of one account in one region.
pub struct RegionState {
    region: String,
    limits: AccountLimits,
    data: RwLock<RegionData>,
}

impl RegionState {
    pub fn name(&self) -> &str {
        &self.region
    }
}

/// Everything behind one region's lock. Listings are ordered by a revision number that grows
/// with every create or update, so "newest `updateTime` first" is a reverse walk of a B-tree.
#[derive(Default)]
struct RegionData {
    rooms: HashMap<String, Room>,
    rooms_by_revision: BTreeMap<u64, String>,
    logging_configurations: HashMap<String, LoggingConfiguration>,
    logging_configurations_by_revision: BTreeMap<u64, String>,
    revision: u64,
    last_time: Option<OffsetDateTime>,
}

impl RegionData {
    /// The next revision and a timestamp that never runs backwards within the region, so that
    /// revision order and `updateTime` order agree.
    fn stamp(&mut self) -> (u64, OffsetDateTime) {
        self.revision += 1;
        let now = ids::now();
        let time = match self.last_time {
            Some(last) if last > now => last,
            _ => now,
        };
        self.last_time = Some(time);
        (self.revision, time)
    }
}
