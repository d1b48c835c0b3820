//! Helpers shared by the janitor's integration tests: the real local service on a loopback
//! port (with or without quotas), rooms and logging configurations seeded straight into its
//! state (the sweep itself always goes over HTTP), and the janitor's settings for tests.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Duration;

use ivschat_local::config::QuotaSwitch;
use ivschat_local::state::{
    Destination, NewLoggingConfiguration, NewRoom, RegionState, ServiceState,
};
use ivschat_local::RunningServer;
use shared::janitor::{JanitorConfig, Run, SdkChatApi};
use shared::room_tags::{EXPIRES_AT, LAST_ACTIVE, MANAGED_BY, RETAIN};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use tokio::time::Instant;

/// The region the control-plane client of the test kit signs for.
pub use ivschat_testkit::service::REGION;
/// The managed-by value of the stack under test.
pub const STACK: &str = "it-stack";
/// Generous time for a run that should finish; only there so a broken sweep cannot hang.
pub const AMPLE: Duration = Duration::from_secs(300);

/// Starts the service with quotas at AWS's values times `scale`, or off.
pub async fn start(quota_scale: Option<f64>) -> RunningServer {
    ivschat_testkit::service::start_with(|config| match quota_scale {
        Some(scale) => {
            config.quotas = QuotaSwitch::On;
            config.quota_scale = scale;
        }
        None => config.quotas = QuotaSwitch::Off,
    })
    .await
}

/// The janitor's IVS Chat API for `server`, over HTTP with the real SDK client.
pub fn api(server: &RunningServer) -> SdkChatApi {
    SdkChatApi::new(&ivschat_testkit::Endpoint::local(server.endpoint_url()).ivschat())
}

/// The janitor's settings for tests: this stack, a 7-day idle TTL, the given rate for every
/// operation, quick backoffs.
pub fn config(tps: f64) -> JanitorConfig {
    let mut config = JanitorConfig::with_defaults(STACK);
    config.policy.idle_ttl = Some(Duration::from_secs(7 * 24 * 3600));
    config.delete_tps = tps;
    config.list_tps = tps;
    config.logging_configuration_tps = tps;
    config.time_margin = Duration::from_millis(1000);
    config.call_timeout = Duration::from_millis(900);
    config.retry.base_delay = Duration::from_millis(20);
    config.retry.max_delay = Duration::from_millis(500);
    config
}

/// A run whose clock is `shift` ahead of the service's, so that rooms the service just created
/// look `shift` old, with an ample time budget.
pub fn run(dry_run: bool, shift: Duration) -> Run {
    Run {
        dry_run,
        now: OffsetDateTime::now_utc() + shift,
        deadline: Instant::now() + AMPLE,
    }
}

pub fn rfc3339(time: OffsetDateTime) -> String {
    time.format(&Rfc3339).expect("formats")
}

/// The service's resources in the test region.
pub fn region(server: &RunningServer) -> Arc<RegionState> {
    region_of(server.state(), REGION)
}

pub fn region_of(state: &ServiceState, region: &str) -> Arc<RegionState> {
    state.region(region)
}

/// Creates a room with these tags; returns its ARN.
pub fn seed_room(region: &RegionState, name: &str, tags: &[(&str, String)]) -> String {
    let room = region
        .create_room(NewRoom {
            name: Some(name.to_owned()),
            tags: tags
                .iter()
                .map(|(k, v)| ((*k).to_owned(), v.clone()))
                .collect::<BTreeMap<_, _>>(),
            ..NewRoom::default()
        })
        .expect("the room is created");
    room_arn(region, &room.id)
}

/// Creates a room using these logging configurations (by id); returns its ARN.
pub fn seed_room_logged(
    region: &RegionState,
    name: &str,
    tags: &[(&str, String)],
    logging_configuration_ids: &[String],
) -> String {
    let room = region
        .create_room(NewRoom {
            name: Some(name.to_owned()),
            tags: tags
                .iter()
                .map(|(k, v)| ((*k).to_owned(), v.clone()))
                .collect(),
            logging_configuration_ids: logging_configuration_ids.to_vec(),
            ..NewRoom::default()
        })
        .expect("the room is created");
    room_arn(region, &room.id)
}

/// Creates a logging configuration with these tags; returns its id.
pub fn seed_logging_configuration(
    region: &RegionState,
    name: &str,
    tags: &[(&str, String)],
) -> String {
    region
        .create_logging_configuration(NewLoggingConfiguration {
            name: Some(name.to_owned()),
            destination: Destination::S3 {
                bucket_name: "chat-logs".into(),
            },
            tags: tags
                .iter()
                .map(|(k, v)| ((*k).to_owned(), v.clone()))
                .collect(),
        })
        .expect("the logging configuration is created")
        .id
}

pub fn room_arn(region: &RegionState, id: &str) -> String {
    format!("arn:aws:ivschat:{}:123456789012:room/{id}", region.name())
}

/// ARNs of every room the service holds in `region`.
pub fn remaining_rooms(region: &RegionState) -> BTreeSet<String> {
    let mut arns = BTreeSet::new();
    let mut before = None;
    loop {
        let page = region
            .list_rooms(&Default::default(), before, 1000)
            .expect("lists");
        arns.extend(page.items.iter().map(|room| room_arn(region, &room.id)));
        match page.next {
            Some(next) => before = Some(next),
            None => return arns,
        }
    }
}

/// The kinds of room in the seeded mix, each with how it must come out of a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Managed, its expiry passed an hour ago: deleted.
    Expired,
    /// Managed, no activity since its creation (10 days before the run's clock): deleted.
    IdleSinceCreated,
    /// Managed, last active 8 days before the run's clock: deleted.
    IdleSinceLastActive,
    /// Managed, active an hour ago: kept.
    RecentlyActive,
    /// Managed, expires tomorrow, active an hour ago: kept.
    NotYetExpired,
    /// No managed-by tag, expired and idle: never touched.
    Unmanaged,
    /// Another stack's, expired: never touched.
    OtherStack,
    /// Managed, retained, expired and idle: kept.
    Retained,
    /// Managed, an expiry that is not a time: skipped and reported.
    MalformedExpiry,
    /// Managed, a last-active time that is not a time, and expired: skipped and reported.
    MalformedLastActive,
    /// Managed, a retain tag of `false`, expired: skipped and reported.
    MalformedRetain,
}

impl Kind {
    pub const ALL: [Kind; 11] = [
        Kind::Expired,
        Kind::IdleSinceCreated,
        Kind::IdleSinceLastActive,
        Kind::RecentlyActive,
        Kind::NotYetExpired,
        Kind::Unmanaged,
        Kind::OtherStack,
        Kind::Retained,
        Kind::MalformedExpiry,
        Kind::MalformedLastActive,
        Kind::MalformedRetain,
    ];

    pub fn is_stale(self) -> bool {
        matches!(
            self,
            Kind::Expired | Kind::IdleSinceCreated | Kind::IdleSinceLastActive
        )
    }

    pub fn is_malformed(self) -> bool {
        matches!(
            self,
            Kind::MalformedExpiry | Kind::MalformedLastActive | Kind::MalformedRetain
        )
    }

    /// The tags of a room of this kind, for a run whose clock reads `now`.
    pub fn tags(self, now: OffsetDateTime) -> Vec<(&'static str, String)> {
        const HOUR: Duration = Duration::from_secs(3600);
        let managed = (MANAGED_BY, STACK.to_owned());
        let expired = (EXPIRES_AT, rfc3339(now - HOUR));
        let active_recently = (LAST_ACTIVE, rfc3339(now - HOUR));
        match self {
            Kind::Expired => vec![managed, expired],
            Kind::IdleSinceCreated => vec![managed],
            Kind::IdleSinceLastActive => vec![managed, (LAST_ACTIVE, rfc3339(now - HOUR * 24 * 8))],
            Kind::RecentlyActive => vec![managed, active_recently],
            Kind::NotYetExpired => vec![
                managed,
                (EXPIRES_AT, rfc3339(now + HOUR * 24)),
                active_recently,
            ],
            Kind::Unmanaged => vec![expired],
            Kind::OtherStack => vec![(MANAGED_BY, "another-stack".into()), expired],
            Kind::Retained => vec![managed, (RETAIN, "true".into()), expired],
            Kind::MalformedExpiry => vec![managed, (EXPIRES_AT, "next tuesday".into())],
            Kind::MalformedLastActive => vec![
                managed,
                expired,
                (LAST_ACTIVE, "2026-13-45T00:00:00Z".into()),
            ],
            Kind::MalformedRetain => vec![managed, (RETAIN, "false".into()), expired],
        }
    }
}

/// How far the runs' clock is ahead of the service's in the seeded mix: 10 days, so that
/// rooms the service just created look 10 days idle.
pub const SHIFT: Duration = Duration::from_secs(10 * 24 * 3600);

/// A seeded mix: `per_kind` rooms of every kind, created now, tagged for a run at
/// `now + SHIFT`.
pub struct Mix {
    pub rooms: Vec<(Kind, String)>,
}

impl Mix {
    pub fn seed(region: &RegionState, per_kind: usize) -> Mix {
        let now = OffsetDateTime::now_utc() + SHIFT;
        let mut rooms = Vec::new();
        for index in 0..per_kind {
            for kind in Kind::ALL {
                let name = format!("{kind:?}-{index}");
                rooms.push((kind, seed_room(region, &name, &kind.tags(now))));
            }
        }
        Mix { rooms }
    }

    pub fn arns(&self, keep: impl Fn(Kind) -> bool) -> BTreeSet<String> {
        self.rooms
            .iter()
            .filter(|(kind, _)| keep(*kind))
            .map(|(_, arn)| arn.clone())
            .collect()
    }

    pub fn count(&self, keep: impl Fn(Kind) -> bool) -> u64 {
        self.rooms.iter().filter(|(kind, _)| keep(*kind)).count() as u64
    }

    pub fn all(&self) -> BTreeSet<String> {
        self.arns(|_| true)
    }

    /// The rooms a complete run must leave.
    pub fn survivors(&self) -> BTreeSet<String> {
        self.arns(|kind| !kind.is_stale())
    }
}
