//! Room activity caused by the control plane (SendEvent, DeleteMessage, DisconnectUser,
//! DeleteRoom): recorded in a bounded log and broadcast to whoever delivers it to clients.

use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;

use parking_lot::Mutex;
use time::OffsetDateTime;
use tokio::sync::broadcast;

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

/// How many recent activities are kept for inspection.
const RECENT_CAPACITY: usize = 1024;

/// The activity log and its broadcast channel.
pub struct Activity {
    sender: broadcast::Sender<Arc<RoomActivity>>,
    recent: Mutex<VecDeque<Arc<RoomActivity>>>,
}

impl Default for Activity {
    fn default() -> Self {
        let (sender, _) = broadcast::channel(4096);
        Activity {
            sender,
            recent: Mutex::new(VecDeque::with_capacity(RECENT_CAPACITY)),
        }
    }
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
        // Nobody listening is normal when no client is connected.
        let _ = self.sender.send(activity);
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Arc<RoomActivity>> {
        self.sender.subscribe()
    }

    /// The most recent activities, oldest first.
    pub fn recent(&self) -> Vec<Arc<RoomActivity>> {
        self.recent.lock().iter().cloned().collect()
    }
}
