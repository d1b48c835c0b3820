//! Bans of chat users from one room or from all rooms: the types, the `BanStore` port that the
//! chat-token issuer and the moderation API use, and its DynamoDB implementation.
//!
//! The token issuer asks [`BanStore::active_ban`] once per token request (one round trip
//! that covers the room ban and the global ban); the moderation API bans with
//! [`BanStore::put`], unbans with [`BanStore::remove`] and pages through a scope's bans with
//! [`BanStore::list`]. The review function asks [`SenderBanCheck`] about every message's
//! sender, so a user banned after getting a token cannot chat with it; [`SenderCheckConfig`]
//! reads that check's settings from the environment.

mod dynamo;

mod error;
mod model;
mod sender_check;
mod sender_check_config;

use std::collections::HashSet;
use std::future::Future;

use time::OffsetDateTime;

// The DynamoDB client's builders, here too for the callers that build a ban store by hand.
pub use crate::aws::dynamo::{client_for_endpoint, client_from_env};
// Ids are defined in `crate::ids`; the ban store's callers find them here too.
pub use crate::ids::{RoomId, UserId, MAX_ROOM_ID_CHARS, MAX_USER_ID_CHARS};
pub use dynamo::{
    create_table, table_name_from_lookup, DynamoBanStore, TableSchema, MAX_PAGE_LIMIT,
    TABLE_NAME_VAR, TABLE_SCHEMA,
};
pub use error::{BanStoreError, BanValidationError};
pub use model::{Ban, BanPage, BanScope, MAX_BANNED_BY_CHARS, MAX_REASON_CHARS};
pub use sender_check::{SenderBanCheck, SenderCheckSettings, SenderStatus};
pub use sender_check_config::{
    SenderCheckConfig, SenderCheckConfigError, BAN_CHECK_MAX_AGE_VAR, BAN_CHECK_TIMEOUT_VAR,
};

/// Where bans are kept. `now` is the caller's clock: a ban whose expiry is not after `now`
/// is over, whether or not it is still stored.
pub trait BanStore: Send + Sync {
    /// The ban that keeps `user_id` out of `room_id` at `now`, if any: of the room ban and
    /// the global ban, the most severe active one (see [`Ban::severity_cmp`]).
    fn active_ban(
        &self,
        room_id: &RoomId,
        user_id: &UserId,
        now: OffsetDateTime,
    ) -> impl Future<Output = Result<Option<Ban>, BanStoreError>> + Send;

    /// Which of `user_ids` are kept out of `room_id` at `now` (by a room or a global ban):
    /// one consistent read per 50 users.
    fn banned_among(
        &self,
        room_id: &RoomId,
        user_ids: &[UserId],
        now: OffsetDateTime,
    ) -> impl Future<Output = Result<HashSet<UserId>, BanStoreError>> + Send;

    /// Stores `ban`, replacing any ban of the same user in the same scope.
    fn put(&self, ban: &Ban) -> impl Future<Output = Result<(), BanStoreError>> + Send;

    /// Deletes the ban of `user_id` in `scope`; `true` if one was stored (even if expired).
    fn remove(
        &self,
        scope: &BanScope,
        user_id: &UserId,
    ) -> impl Future<Output = Result<bool, BanStoreError>> + Send;

    /// One page of the active bans of `scope` (a room's, or the global ones; a room's
    /// listing does not include global bans), in user id order, at most `limit`
    /// (1 to [`MAX_PAGE_LIMIT`]). `page_token` is the previous page's `next_page_token`;
    /// a token that this store did not issue for this scope is
    /// [`BanValidationError::InvalidPageToken`].
    fn list(
        &self,
        scope: &BanScope,
        page_token: Option<&str>,
        limit: u32,
        now: OffsetDateTime,
    ) -> impl Future<Output = Result<BanPage, BanStoreError>> + Send;
}
