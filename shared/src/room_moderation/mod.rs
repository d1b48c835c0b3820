//! Live moderation that a room's moderators run themselves: the room's settings document
//! (blocked and allowed terms, links, slow mode, strikes, category levels), validated and
//! versioned, and the DynamoDB table that keeps it beside the state that must be exact across
//! every instance of the review function (slow mode, strike counts).
//!
//! The moderation API reads and replaces the settings; the review function reads them (cached
//! for a few seconds per room) and applies them on top of the stack's policy.

mod cache;
mod config;
mod error;
mod guard;
mod held;
mod rules;
mod settings;
mod store;

pub use cache::{CacheSettings, RoomRulesCache, UNREADABLE_LOG};
pub use config::{GuardConfig, GuardConfigError, MAX_AGE_VAR, READ_TIMEOUT_VAR, STATE_TIMEOUT_VAR};
pub use error::StoreError;
pub use guard::{Guarded, RoomGuard, SLOW_MODE_RULE, TIMEOUT_BANNED_BY, TIMEOUT_RULE};
pub use held::{
    held_id, is_held_id, ApprovalClaim, EventTooLarge, HeldMessage, HeldPage, HeldStatus,
    APPROVED_EVENT, MAX_EVENT_ATTRIBUTES_BYTES, SENDER_PREFIX,
};
pub use rules::{
    check_terms, room_policy, RoomReview, RoomRules, DENY_LIST, HOLD_LIST, HOLD_REASON, HOLD_RULE,
    MASK_LIST,
};
pub use settings::{
    BlockedTerm, CategoryLevels, LinkRule, RoomModerationSettings, SettingsBody, SettingsError,
    StrikeRule, TermRule, DEFAULT_HELD_MESSAGE_MINUTES, MAX_MINUTES, MAX_SLOW_MODE_SECONDS,
    MAX_STRIKE_LIMIT, MAX_TERMS, MAX_TERM_CHARS,
};
pub use store::{
    create_table, table_name_from_lookup, RoomModerationStore, SlowMode, StoredSettings,
    TABLE_NAME_VAR,
};
