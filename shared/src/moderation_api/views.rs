//! The JSON shapes of the ban routes.

use serde::Serialize;
use time::format_description::well_known::Rfc3339;

use crate::bans::{Ban, BanScope};

/// A ban.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BanView {
    pub user_id: String,
    /// `global` or `room`.
    pub scope: &'static str,
    /// The room of a room ban.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub room_id: Option<String>,
    pub reason: String,
    pub banned_by: String,
    pub created_at: String,
    /// `null`: permanent.
    pub expires_at: Option<String>,
}

/// The answer to a ban: the ban, and the sessions it ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BannedView {
    #[serde(flatten)]
    pub ban: BanView,
    /// Rooms whose DisconnectUser call succeeded.
    pub disconnected_rooms: usize,
    /// Rooms whose DisconnectUser call failed (the ban holds; those sessions end when their
    /// tokens do, and no new token is issued).
    pub disconnect_failed_rooms: Vec<String>,
    /// With `removeRecentMessagesMinutes`: the user's messages deleted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub removed_messages: Option<usize>,
    /// With `removeRecentMessagesMinutes`: ids whose deletion failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remove_failed_messages: Option<Vec<String>>,
}

/// A page of bans.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BanListView {
    pub items: Vec<BanView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

impl From<&Ban> for BanView {
    fn from(ban: &Ban) -> Self {
        let (scope, room_id) = match ban.scope() {
            BanScope::Global => ("global", None),
            BanScope::Room(room) => ("room", Some(room.as_str().to_owned())),
        };
        BanView {
            user_id: ban.user_id().as_str().to_owned(),
            scope,
            room_id,
            reason: ban.reason().to_owned(),
            banned_by: ban.banned_by().to_owned(),
            created_at: ban.created_at().format(&Rfc3339).unwrap_or_default(),
            expires_at: ban.expires_at().and_then(|t| t.format(&Rfc3339).ok()),
        }
    }
}
