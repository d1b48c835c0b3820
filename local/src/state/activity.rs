//! Room activity caused by the control plane (SendEvent, DeleteMessage, DisconnectUser,
//! DeleteRoom): recorded in a bounded log and handed, synchronously and in order, to every
//! registered sink (the messaging hub delivers it to connected clients).

use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;

use parking_lot::{Mutex, RwLock};
use time::OffsetDateTime;

/// One thing that happened to a room through the control plane.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RoomActivity {
    /// SendEvent: an EVENT for every connection in the room.
    EventSent {
        region: String,
        room_id: String,
        id: String,
        event_name: String,
        attributes: BTreeMap<String, String>,
        send_time: OffsetDateTime,
    },
    /// DeleteMessage: the `aws:DELETE_MESSAGE` event for a message.
    MessageDeleted {
        region: String,
        room_id: String,
        id: String,
        message_id: String,
        reason: Option<String>,
        send_time: OffsetDateTime,
    },
    /// DisconnectUser: the `aws:DISCONNECT_USER` event, then every connection of the user closes.
    UserDisconnected {
        region: String,
        room_id: String,
        id: String,
        user_id: String,
        reason: Option<String>,
        send_time: OffsetDateTime,
    },
    /// DeleteRoom: every connection of the room closes.
    RoomDeleted { region: String, room_id: String },
}

/// Something that acts on room activity as it is recorded. Called with no lock held by the
/// recorder; it must not block.
pub trait ActivitySink: Send + Sync {
    fn deliver(&self, activity: &RoomActivity);
}

/// How many recent activities are kept for inspection.
const RECENT_CAPACITY: usize = 1024;

/// The activity log and its sinks.
#[derive(Default)]
pub struct Activity {
    sinks: RwLock<Vec<Arc<dyn ActivitySink>>>,
    recent: Mutex<VecDeque<Arc<RoomActivity>>>,
}

impl Activity {
    pub fn record(&self, activity: RoomActivity) {
        let activity = Arc::new(activity);
        {
            let mut recent = self.recent.lock();
            if recent.len() == RECENT_CAPACITY {
                recent.pop_front();
            }
            recent.push_back(Arc::clone(&activity));
        }
        for sink in self.sinks.read().iter() {
            sink.deliver(&activity);
        }
    }

    /// Registers a sink for every activity recorded from now on.
    pub fn add_sink(&self, sink: Arc<dyn ActivitySink>) {
        self.sinks.write().push(sink);
    }

    /// The most recent activities, oldest first.
    pub fn recent(&self) -> Vec<Arc<RoomActivity>> {
        self.recent.lock().iter().cloned().collect()
    }
}
