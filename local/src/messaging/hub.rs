//! Who is connected to which room, and fan-out: every frame for a room is encoded once and
//! queued to each of its connections under one lock, so all clients see the same order.
//! Also the room's message-rate bucket, and delivery of control-plane activity.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::frames;
use super::outbox::Outbox;
use crate::chat_logging::{ChatLogger, RecordType};
use crate::quotas::TokenBucket;
use crate::state::{ActivitySink, RoomActivity};
use axum::extract::ws::Utf8Bytes;
use parking_lot::Mutex;

/// A room, by region and id.
pub type RoomKey = (String, String);

/// What a connection's writer sends next.
#[derive(Debug, Clone)]
pub enum Outbound {
    Frame(Utf8Bytes),
    /// A close frame with this code and reason; the writer stops after it.
    Close(u16, String),
}

struct Member {
    user_id: Arc<str>,
    outbox: Arc<Outbox>,
}

#[derive(Default)]
struct RoomMembers {
    members: HashMap<u64, Member>,
    /// Frames broadcast in the last `HANDOVER_WINDOW`, oldest first.
    recent: VecDeque<(Instant, Utf8Bytes)>,
}

impl RoomMembers {
    fn remember(&mut self, frame: &Utf8Bytes, now: Instant) {
        while self
            .recent
            .front()
            .is_some_and(|(at, _)| now.duration_since(*at) > HANDOVER_WINDOW)
            || self.recent.len() >= HANDOVER_FRAMES
        {
            self.recent.pop_front();
        }
        self.recent.push_back((now, frame.clone()));
    }
}

/// A client that opens a new connection while its previous one is still open is handing over
/// (the JavaScript SDK does so before its token expires, and drops the old connection the
/// moment the new one opens). Frames broadcast this recently are queued to the new connection
/// too, so that none is lost in flight on the old one; the SDK drops the ones it has seen by
/// their `Id`. It forgets the Ids it has seen 500 ms after each handover, so the window stays
/// well under that: a frame is in flight for milliseconds, not hundreds of them.
const HANDOVER_WINDOW: Duration = Duration::from_millis(250);
/// At most this many frames are replayed at a handover.
const HANDOVER_FRAMES: usize = 256;

/// Every live connection, by room, and the chat log that delivered frames go to.
pub struct Hub {
    rooms: Mutex<HashMap<RoomKey, RoomMembers>>,
    /// Rate buckets live apart from the connections, so that reconnecting does not refill
    /// a room's budget; a deleted room's bucket goes with it.
    rates: Mutex<HashMap<RoomKey, TokenBucket>>,
    next_connection: AtomicU64,
    logger: Option<Arc<ChatLogger>>,
}

impl Hub {
    pub fn new(logger: Option<Arc<ChatLogger>>) -> Self {
        Hub {
            rooms: Mutex::new(HashMap::new()),
            rates: Mutex::new(HashMap::new()),
            next_connection: AtomicU64::new(0),
            logger,
        }
    }

    /// Delivers a MESSAGE or EVENT to every connection of a room and records it in the room's
    /// chat logs.
    pub fn publish(
        &self,
        room: &RoomKey,
        kind: RecordType,
        frame: &Utf8Bytes,
        time: time::OffsetDateTime,
    ) {
        self.broadcast(room, frame);
        self.log(room, kind, frame, time);
    }

    fn log(&self, room: &RoomKey, kind: RecordType, frame: &Utf8Bytes, time: time::OffsetDateTime) {
        if let Some(logger) = &self.logger {
            logger.log(&room.0, &room.1, kind, frame.as_str(), time);
        }
    }

    /// Adds a connection to a room; returns its id for `leave`.
    pub fn join(&self, room: &RoomKey, user_id: Arc<str>, outbox: Arc<Outbox>) -> u64 {
        let id = self.next_connection.fetch_add(1, Ordering::Relaxed);
        let mut rooms = self.rooms.lock();
        let members = rooms.entry(room.clone()).or_default();
        let handover = members
            .members
            .values()
            .any(|member| member.user_id == user_id);
        if handover {
            let now = Instant::now();
            for (at, frame) in &members.recent {
                if now.duration_since(*at) <= HANDOVER_WINDOW {
                    outbox.push(Outbound::Frame(frame.clone()));
                }
            }
        }
        members.members.insert(id, Member { user_id, outbox });
        id
    }

    pub fn leave(&self, room: &RoomKey, connection: u64) {
        let mut rooms = self.rooms.lock();
        if let Some(members) = rooms.get_mut(room) {
            members.members.remove(&connection);
            if members.members.is_empty() {
                rooms.remove(room);
            }
        }
    }

    /// Number of live connections in a room.
    pub fn connections(&self, room: &RoomKey) -> usize {
        self.rooms
            .lock()
            .get(room)
            .map_or(0, |members| members.members.len())
    }

    /// Takes one message from the room's rate bucket (`maximumMessageRatePerSecond` across all
    /// senders, a burst of one second's worth), or says the room is over its rate.
    pub fn try_take_message(&self, room: &RoomKey, rate_per_second: u32) -> bool {
        let rate = f64::from(rate_per_second.max(1));
        let now = Instant::now();
        let mut rates = self.rates.lock();
        rates
            .entry(room.clone())
            .or_insert_with(|| TokenBucket::full(rate, now))
            .try_take(rate, now)
    }

    /// Queues a frame to every connection of a room.
    pub fn broadcast(&self, room: &RoomKey, frame: &Utf8Bytes) {
        if let Some(members) = self.rooms.lock().get_mut(room) {
            members.remember(frame, Instant::now());
            for member in members.members.values() {
                member.outbox.push(Outbound::Frame(frame.clone()));
            }
        }
    }

    /// Delivers `event` (`aws:DISCONNECT_USER`) to the room, logs it, then closes (code 1000)
    /// every connection of `user_id`.
    pub fn disconnect_user(
        &self,
        room: &RoomKey,
        user_id: &str,
        event: &Utf8Bytes,
        time: time::OffsetDateTime,
        reason: &str,
    ) {
        if let Some(members) = self.rooms.lock().get_mut(room) {
            members.remember(event, Instant::now());
            for member in members.members.values() {
                member.outbox.push(Outbound::Frame(event.clone()));
            }
            for member in members
                .members
                .values()
                .filter(|member| &*member.user_id == user_id)
            {
                member.outbox.push(Outbound::Close(1000, reason.to_owned()));
            }
        }
        self.log(room, RecordType::Event, event, time);
    }

    /// Closes (code 1000) every connection of a room.
    pub fn close_room(&self, room: &RoomKey, reason: &str) {
        self.rates.lock().remove(room);
        if let Some(members) = self.rooms.lock().get(room) {
            for member in members.members.values() {
                member.outbox.push(Outbound::Close(1000, reason.to_owned()));
            }
        }
    }
}

impl ActivitySink for Hub {
    fn deliver(&self, activity: &RoomActivity) {
        match activity {
            RoomActivity::EventSent {
                region,
                room_id,
                id,
                event_name,
                attributes,
                send_time,
            } => {
                let frame = frames::event(id, "", event_name, attributes, *send_time);
                let room = (region.clone(), room_id.clone());
                self.publish(&room, RecordType::Event, &frame, *send_time);
            }
            RoomActivity::MessageDeleted {
                region,
                room_id,
                id,
                message_id,
                reason,
                send_time,
            } => {
                let attributes = frames::delete_message_attributes(message_id, reason.as_deref());
                let frame = frames::event(id, "", "aws:DELETE_MESSAGE", &attributes, *send_time);
                let room = (region.clone(), room_id.clone());
                self.publish(&room, RecordType::Event, &frame, *send_time);
            }
            RoomActivity::UserDisconnected {
                region,
                room_id,
                id,
                user_id,
                reason,
                send_time,
            } => {
                let attributes = frames::disconnect_user_attributes(user_id, reason.as_deref());
                let frame = frames::event(id, "", "aws:DISCONNECT_USER", &attributes, *send_time);
                let close_reason = reason
                    .as_deref()
                    .unwrap_or("Disconnected by the room's moderator");
                self.disconnect_user(
                    &(region.clone(), room_id.clone()),
                    user_id,
                    &frame,
                    *send_time,
                    close_reason,
                );
            }
            RoomActivity::RoomDeleted { region, room_id } => {
                self.close_room(&(region.clone(), room_id.clone()), "The room was deleted");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::VecDeque;

    fn frames(outbox: &Outbox) -> Vec<String> {
        let mut batch = VecDeque::new();
        outbox.close();
        let mut out = Vec::new();
        while futures_util::FutureExt::now_or_never(outbox.take_all(&mut batch)) == Some(true) {
            for outbound in batch.drain(..) {
                if let Outbound::Frame(frame) = outbound {
                    out.push(frame.as_str().to_owned());
                }
            }
        }
        out
    }

    #[test]
    fn a_handing_over_user_gets_recent_frames_and_a_new_user_does_not() {
        let hub = Hub::new(None);
        let room: RoomKey = ("us-west-2".into(), "AbCdEfGhIjKl".into());
        let alice_old = Arc::new(Outbox::default());
        hub.join(&room, Arc::from("alice"), Arc::clone(&alice_old));
        hub.broadcast(&room, &Utf8Bytes::from("m1"));
        assert_eq!(frames(&alice_old), ["m1"]);

        let alice_new = Arc::new(Outbox::default());
        hub.join(&room, Arc::from("alice"), Arc::clone(&alice_new));
        let bob = Arc::new(Outbox::default());
        hub.join(&room, Arc::from("bob"), Arc::clone(&bob));
        hub.broadcast(&room, &Utf8Bytes::from("m2"));

        assert_eq!(frames(&alice_new), ["m1", "m2"]);
        assert_eq!(frames(&bob), ["m2"]);
    }
}
