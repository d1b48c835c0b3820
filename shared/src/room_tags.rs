//! The room tags this stack reads and writes: which rooms it manages, who may join them, when
//! they expire and when they were last active. One place, so the token issuer, the janitor and
//! the admin API agree. Tag values may hold letters, digits, spaces and `_ . : / = + - @`
//! (AWS tag rules), so lists are space-separated and times are RFC 3339 in UTC.

/// Marks a room created by this stack; the value is the stack name. The janitor only ever
/// deletes rooms carrying it with its own stack name.
pub const MANAGED_BY: &str = "ivschat-serverless:managed-by";

/// Present with the value `true`: the janitor never deletes the room.
pub const RETAIN: &str = "ivschat-serverless:retain";

/// When the room expires (RFC 3339, e.g. `2026-12-01T18:00:00Z`); the janitor deletes it after.
pub const EXPIRES_AT: &str = "ivschat-serverless:expires-at";

/// When a chat token was last issued for the room (RFC 3339), written by the token issuer at
/// most once per interval; the janitor measures idleness from it.
pub const LAST_ACTIVE: &str = "ivschat-serverless:last-active";

/// Who may join: `public` (default: any signed-in user) or `members` (only the groups named
/// by [`MEMBER_GROUPS`], and moderators).
pub const ACCESS: &str = "ivschat-serverless:access";

/// The groups allowed in a `members` room, space-separated.
pub const MEMBER_GROUPS: &str = "ivschat-serverless:member-groups";

/// `true`: anonymous callers may get view-only tokens for the room. Absent or anything else:
/// they may not.
pub const ANONYMOUS_VIEW: &str = "ivschat-serverless:anonymous-view";
