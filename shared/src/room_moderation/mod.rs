//! Live moderation that a room's moderators run themselves: the room's settings document
//! (blocked and allowed terms, links, slow mode, strikes, category levels), validated and
//! versioned, and the DynamoDB table that keeps it beside the state that must be exact across
//! every instance of the review function (slow mode, strike counts).
//!
//! The moderation API reads and replaces the settings; the review function reads them (cached
//! for a few seconds per room) and applies them on top of the stack's policy.

mod error;
mod settings;
mod store;

pub use error::StoreError;
pub use settings::{
    BlockedTerm, CategoryLevels, LinkRule, RoomModerationSettings, SettingsBody, SettingsError,
    StrikeRule, TermRule, DEFAULT_HELD_MESSAGE_MINUTES, MAX_MINUTES, MAX_SLOW_MODE_SECONDS,
    MAX_STRIKE_LIMIT, MAX_TERMS, MAX_TERM_CHARS,
};
pub use store::{
    create_table, table_name_from_lookup, RoomModerationStore, SlowMode, StoredSettings,
    TABLE_NAME_VAR,
};
