//! Chat moderation behind the HTTP API: delete a message, disconnect a user, send a custom
//! event to a room, and ban (room or global, for a time or for good), unban and list bans.
//! A ban is written to the ban store (so the token issuer refuses the user) and then ends the
//! user's live sessions at once: in the room, or in every room of the account for a global ban.
//! A room's live moderation settings are read and replaced here too.

mod bans;
mod chat;
mod held;
mod settings;
mod views;

pub use bans::{BanBody, TimeoutBody, MAX_BAN_MINUTES, MAX_REMOVE_MINUTES, TIMEOUT_MINUTES};
pub use chat::{EventBody, MAX_EVENT_ATTRIBUTES_BYTES, MAX_REASON_CHARS};
pub use held::{DecisionView, HeldMessageView, HeldPageView, HeldSenderView, APPROVAL_LEASE};
pub use settings::{RoomModerationView, MAX_SETTINGS_BODY_BYTES};
pub use views::{BanListView, BanView, BannedView};

use crate::aws::ivs::Client;
use crate::bans::BanStore;
use crate::history::HistoryStore;
use crate::room_moderation::RoomModerationStore;

/// How many rooms a global ban disconnects in parallel (DisconnectUser allows 100 TPS).
pub const DISCONNECT_CONCURRENCY: usize = 8;

/// The moderation operations, with the IVS Chat client and the ban store they share.
#[derive(Debug, Clone)]
pub struct ModerationApi<B> {
    ivs: Client,
    bans: B,
    room_moderation: Option<RoomModerationStore>,
    history: Option<HistoryStore>,
}

impl<B: BanStore> ModerationApi<B> {
    pub fn new(ivs: Client, bans: B) -> Self {
        ModerationApi {
            ivs,
            bans,
            room_moderation: None,
            history: None,
        }
    }

    /// With the chat history (a ban's `removeRecentMessagesMinutes` finds messages there).
    pub fn with_history(mut self, store: HistoryStore) -> Self {
        self.history = Some(store);
        self
    }

    /// With the room moderation table (the settings routes need it).
    pub fn with_room_moderation(mut self, store: RoomModerationStore) -> Self {
        self.room_moderation = Some(store);
        self
    }
}
