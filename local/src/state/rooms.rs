//! Rooms: create, read, update, delete and list (newest `updateTime` first, filtered), with
//! the account's room limit and the rule that attached logging configurations must exist.

use time::OffsetDateTime;

use super::ids::new_id;
use super::{Page, RegionData, RegionState, StateError, Tags};

/// Default `maximumMessageRatePerSecond`.
pub const DEFAULT_MAXIMUM_MESSAGE_RATE_PER_SECOND: u32 = 10;
/// Default `maximumMessageLength`, in code points.
pub const DEFAULT_MAXIMUM_MESSAGE_LENGTH: u32 = 500;

/// What the room does with a message when its review handler fails or times out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum FallbackResult {
    #[default]
    Allow,
    Deny,
}

impl FallbackResult {
    pub fn as_str(self) -> &'static str {
        match self {
            FallbackResult::Allow => "ALLOW",
            FallbackResult::Deny => "DENY",
        }
    }
}

/// A room's message review handler. An empty `uri` means none is attached.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct MessageReviewHandler {
    pub uri: String,
    pub fallback_result: FallbackResult,
}

/// A `messageReviewHandler` as CreateRoom or UpdateRoom give it. The structure replaces the
/// current handler, except that a missing `uri` keeps the current one (none, for a new room);
/// an empty `uri` detaches the handler.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct MessageReviewHandlerChange {
    pub uri: Option<String>,
    pub fallback_result: FallbackResult,
}

impl MessageReviewHandlerChange {
    fn apply(self, current: Option<MessageReviewHandler>) -> Option<MessageReviewHandler> {
        let uri = self
            .uri
            .or(current.map(|handler| handler.uri))
            .unwrap_or_default();
        (!uri.is_empty()).then_some(MessageReviewHandler {
            uri,
            fallback_result: self.fallback_result,
        })
    }
}

/// A chat room, as the service stores it. ARNs are derived from the id and the region.
#[derive(Clone, Debug)]
pub struct Room {
    pub id: String,
    pub name: String,
    pub create_time: OffsetDateTime,
    pub update_time: OffsetDateTime,
    pub maximum_message_rate_per_second: u32,
    pub maximum_message_length: u32,
    pub message_review_handler: Option<MessageReviewHandler>,
    pub tags: Tags,
    /// Ids of the attached logging configurations (at most 3), in the order given.
    pub logging_configuration_ids: Vec<String>,
    revision: u64,
}

/// A room's current messaging limits and hooks; UpdateRoom changes apply to the next message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoomLimits {
    pub maximum_message_rate_per_second: u32,
    pub maximum_message_length: u32,
    pub message_review_handler: Option<MessageReviewHandler>,
    pub logging_configuration_ids: Vec<String>,
}

/// The members of CreateRoom, validated; `None` takes the service default.
#[derive(Clone, Debug, Default)]
pub struct NewRoom {
    pub name: Option<String>,
    pub maximum_message_rate_per_second: Option<u32>,
    pub maximum_message_length: Option<u32>,
    pub message_review_handler: Option<MessageReviewHandlerChange>,
    pub tags: Tags,
    pub logging_configuration_ids: Vec<String>,
}

/// The members of UpdateRoom, validated; `None` leaves the value unchanged.
#[derive(Clone, Debug, Default)]
pub struct RoomUpdate {
    pub name: Option<String>,
    pub maximum_message_rate_per_second: Option<u32>,
    pub maximum_message_length: Option<u32>,
    /// A handler with an empty `uri` detaches the current one.
    pub message_review_handler: Option<MessageReviewHandlerChange>,
    /// Replaces the whole list when present.
    pub logging_configuration_ids: Option<Vec<String>>,
}

/// ListRooms filters; all given filters must match (AND).
#[derive(Clone, Debug, Default)]
pub struct RoomFilter {
    pub name: Option<String>,
    pub message_review_handler_uri: Option<String>,
    pub logging_configuration_id: Option<String>,
}

impl RoomFilter {
    fn matches(&self, room: &Room) -> bool {
        self.name.as_ref().is_none_or(|name| &room.name == name)
            && self.message_review_handler_uri.as_ref().is_none_or(|uri| {
                room.message_review_handler
                    .as_ref()
                    .is_some_and(|handler| &handler.uri == uri)
            })
            && self
                .logging_configuration_id
                .as_ref()
                .is_none_or(|id| room.logging_configuration_ids.contains(id))
    }
}

impl RegionData {
    fn check_logging_configurations_exist(&self, ids: &[String]) -> Result<(), StateError> {
        match ids
            .iter()
            .find(|id| !self.logging_configurations.contains_key(*id))
        {
            Some(missing) => Err(StateError::LoggingConfigurationNotFound(missing.clone())),
            None => Ok(()),
        }
    }
}

impl RegionState {
    pub fn create_room(&self, new_room: NewRoom) -> Result<Room, StateError> {
        let mut data = self.data.write();
        if data.rooms.len() >= self.limits.max_rooms {
            return Err(StateError::RoomQuotaExceeded {
                limit: self.limits.max_rooms,
            });
        }
        data.check_logging_configurations_exist(&new_room.logging_configuration_ids)?;
        let (revision, time) = data.stamp();
        let mut id = new_id();
        while data.rooms.contains_key(&id) {
            id = new_id();
        }
        let room = Room {
            id: id.clone(),
            name: new_room.name.unwrap_or_default(),
            create_time: time,
            update_time: time,
            maximum_message_rate_per_second: new_room
                .maximum_message_rate_per_second
                .unwrap_or(DEFAULT_MAXIMUM_MESSAGE_RATE_PER_SECOND),
            maximum_message_length: new_room
                .maximum_message_length
                .unwrap_or(DEFAULT_MAXIMUM_MESSAGE_LENGTH),
            message_review_handler: new_room
                .message_review_handler
                .and_then(|change| change.apply(None)),
            tags: new_room.tags,
            logging_configuration_ids: new_room.logging_configuration_ids,
            revision,
        };
        data.rooms_by_revision.insert(revision, id.clone());
        data.rooms.insert(id, room.clone());
        Ok(room)
    }

    pub fn get_room(&self, id: &str) -> Result<Room, StateError> {
        self.data
            .read()
            .rooms
            .get(id)
            .cloned()
            .ok_or_else(|| StateError::RoomNotFound(id.to_owned()))
    }

    pub fn update_room(&self, id: &str, update: RoomUpdate) -> Result<Room, StateError> {
        let mut data = self.data.write();
        if !data.rooms.contains_key(id) {
            return Err(StateError::RoomNotFound(id.to_owned()));
        }
        if let Some(ids) = &update.logging_configuration_ids {
            data.check_logging_configurations_exist(ids)?;
        }
        let (revision, time) = data.stamp();
        let data = &mut *data;
        let room = data
            .rooms
            .get_mut(id)
            .ok_or_else(|| StateError::RoomNotFound(id.to_owned()))?;
        data.rooms_by_revision.remove(&room.revision);
        data.rooms_by_revision.insert(revision, id.to_owned());
        room.revision = revision;
        room.update_time = time;
        if let Some(name) = update.name {
            room.name = name;
        }
        if let Some(rate) = update.maximum_message_rate_per_second {
            room.maximum_message_rate_per_second = rate;
        }
        if let Some(length) = update.maximum_message_length {
            room.maximum_message_length = length;
        }
        if let Some(change) = update.message_review_handler {
            room.message_review_handler = change.apply(room.message_review_handler.take());
        }
        if let Some(ids) = update.logging_configuration_ids {
            room.logging_configuration_ids = ids;
        }
        Ok(room.clone())
    }

    pub fn delete_room(&self, id: &str) -> Result<Room, StateError> {
        let mut data = self.data.write();
        let room = data
            .rooms
            .remove(id)
            .ok_or_else(|| StateError::RoomNotFound(id.to_owned()))?;
        data.rooms_by_revision.remove(&room.revision);
        Ok(room)
    }

    /// Rooms matching `filter`, newest `updateTime` first, starting below revision `before`.
    pub fn list_rooms(
        &self,
        filter: &RoomFilter,
        before: Option<u64>,
        max_results: usize,
    ) -> Result<Page<Room>, StateError> {
        let data = self.data.read();
        if let Some(id) = &filter.logging_configuration_id {
            data.check_logging_configurations_exist(std::slice::from_ref(id))?;
        }
        let upper = before.unwrap_or(u64::MAX);
        let mut matching = data
            .rooms_by_revision
            .range(..upper)
            .rev()
            .filter_map(|(_, id)| data.rooms.get(id))
            .filter(|room| filter.matches(room));
        let items: Vec<Room> = matching.by_ref().take(max_results).cloned().collect();
        let next = match (items.last(), matching.next()) {
            (Some(last), Some(_)) => Some(last.revision),
            _ => None,
        };
        Ok(Page { items, next })
    }

    /// What messaging needs of a room for every message, without copying the whole room.
    pub fn room_limits(&self, id: &str) -> Option<RoomLimits> {
        self.data.read().rooms.get(id).map(|room| RoomLimits {
            maximum_message_rate_per_second: room.maximum_message_rate_per_second,
            maximum_message_length: room.maximum_message_length,
            message_review_handler: room.message_review_handler.clone(),
            logging_configuration_ids: room.logging_configuration_ids.clone(),
        })
    }

    /// Number of rooms in the region.
    pub fn room_count(&self) -> usize {
        self.data.read().rooms.len()
    }
}
