//! Chat moderation behind the HTTP API: delete a message, disconnect a user, send a custom
//! event to a room, and ban (room or global, for a time or for good), unban and list bans.
//! A ban is written to the ban store (so the token issuer refuses the user) and then ends the
//! user's live sessions at once: in the room, or in every room of the account for a global ban.

mod bans;
mod chat;
mod views;

pub use bans::{BanBody, MAX_BAN_MINUTES};
pub use chat::{EventBody, MAX_EVENT_ATTRIBUTES_BYTES, MAX_REASON_CHARS};
pub use views::{BanListView, BanView, BannedView};

use crate::aws::ivs::Client;
use crate::bans::BanStore;

/// How many rooms a global ban disconnects in parallel (DisconnectUser allows 100 TPS).
pub const DISCONNECT_CONCURRENCY: usize = 8;

/// The moderation operations, with the IVS Chat client and the ban store they share.
#[derive(Debug, Clone)]
pub struct ModerationApi<B> {
    ivs: Client,
    bans: B,
}

impl<B: BanStore> ModerationApi<B> {
    pub fn new(ivs: Client, bans: B) -> Self {
        ModerationApi { ivs, bans }
    }
}
