//! The ban domain types: who is banned, where, why, by whom and until when, validated once.

use std::cmp::Ordering;
use std::fmt;

use time::{Duration, OffsetDateTime, UtcOffset};

use super::error::BanValidationError;
use crate::ids::{RoomId, UserId};

/// Longest ban reason, in characters.
pub const MAX_REASON_CHARS: usize = 500;
/// Longest `banned_by` (a moderator's user id or principal), in characters.
pub const MAX_BANNED_BY_CHARS: usize = 256;

/// Where a ban applies: every room, or one room.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum BanScope {
    Global,
    Room(RoomId),
}

impl BanScope {
    pub fn is_global(&self) -> bool {
        matches!(self, BanScope::Global)
    }
}

impl fmt::Display for BanScope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BanScope::Global => f.write_str("global"),
            BanScope::Room(room) => write!(f, "room {room}"),
        }
    }
}

/// A ban of one user in one scope. Times are UTC and kept to the second, as the store keeps
/// them: `created_at` is rounded down and `expires_at` up, so a ban never ends early.
/// Built only through [`Ban::new`], so every `Ban` is valid.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ban {
    scope: BanScope,
    user_id: UserId,
    reason: String,
    banned_by: String,
    created_at: OffsetDateTime,
    expires_at: Option<OffsetDateTime>,
}

impl Ban {
    /// A ban created at `created_at` (the moment of the request), permanent when `expires_at`
    /// is `None`. The reason may be empty; `banned_by` may not. The expiry must come after
    /// the creation, so a new ban cannot already be over.
    pub fn new(
        scope: BanScope,
        user_id: UserId,
        reason: impl Into<String>,
        banned_by: impl Into<String>,
        created_at: OffsetDateTime,
        expires_at: Option<OffsetDateTime>,
    ) -> Result<Self, BanValidationError> {
        let reason = reason.into();
        let chars = reason.chars().count();
        if chars > MAX_REASON_CHARS {
            return Err(BanValidationError::ReasonTooLong { chars });
        }
        let banned_by = banned_by.into();
        let chars = banned_by.chars().count();
        if chars == 0 {
            return Err(BanValidationError::EmptyBannedBy);
        }
        if chars > MAX_BANNED_BY_CHARS {
            return Err(BanValidationError::BannedByTooLong { chars });
        }
        if let Some(expires_at) = expires_at {
            if expires_at <= created_at {
                return Err(BanValidationError::ExpiryNotInFuture {
                    created_at,
                    expires_at,
                });
            }
        }
        Ok(Ban {
            scope,
            user_id,
            reason,
            banned_by,
            created_at: floor_to_second(created_at),
            expires_at: expires_at.map(ceil_to_second),
        })
    }

    /// A ban from `now` for `duration` (which must be positive).
    pub fn for_duration(
        scope: BanScope,
        user_id: UserId,
        reason: impl Into<String>,
        banned_by: impl Into<String>,
        now: OffsetDateTime,
        duration: Duration,
    ) -> Result<Self, BanValidationError> {
        let expires_at = now
            .checked_add(duration)
            .ok_or(BanValidationError::DurationOutOfRange)?;
        Ban::new(scope, user_id, reason, banned_by, now, Some(expires_at))
    }

    pub fn scope(&self) -> &BanScope {
        &self.scope
    }

    pub fn user_id(&self) -> &UserId {
        &self.user_id
    }

    pub fn reason(&self) -> &str {
        &self.reason
    }

    pub fn banned_by(&self) -> &str {
        &self.banned_by
    }

    pub fn created_at(&self) -> OffsetDateTime {
        self.created_at
    }

    /// `None` for a permanent ban.
    pub fn expires_at(&self) -> Option<OffsetDateTime> {
        self.expires_at
    }

    pub fn is_permanent(&self) -> bool {
        self.expires_at.is_none()
    }

    /// Whether the ban is in force at `now`: permanent, or not yet expired. Expired bans stay
    /// in the table until DynamoDB's TTL removes them (up to days later) and must be ignored.
    pub fn is_active_at(&self, now: OffsetDateTime) -> bool {
        self.expires_at.is_none_or(|expires_at| now < expires_at)
    }

    /// Orders bans by severity: a permanent ban beats a timed one, a later expiry beats an
    /// earlier one, and at equal length a global ban beats a room ban.
    pub fn severity_cmp(&self, other: &Ban) -> Ordering {
        let length = match (self.expires_at, other.expires_at) {
            (None, None) => Ordering::Equal,
            (None, Some(_)) => Ordering::Greater,
            (Some(_), None) => Ordering::Less,
            (Some(mine), Some(theirs)) => mine.cmp(&theirs),
        };
        length.then_with(|| self.scope.is_global().cmp(&other.scope.is_global()))
    }

    /// Rebuilds a stored ban without the checks meant for new ones (it may have expired since).
    pub(crate) fn from_stored(
        scope: BanScope,
        user_id: UserId,
        reason: String,
        banned_by: String,
        created_at: OffsetDateTime,
        expires_at: Option<OffsetDateTime>,
    ) -> Self {
        Ban {
            scope,
            user_id,
            reason,
            banned_by,
            created_at,
            expires_at,
        }
    }
}

/// One page of active bans, in user id order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BanPage {
    pub bans: Vec<Ban>,
    /// Give it back to `list` for the next page; `None` on the last page. A page may hold
    /// fewer bans than asked for while more follow, and the last page may be empty.
    pub next_page_token: Option<String>,
}

fn floor_to_second(t: OffsetDateTime) -> OffsetDateTime {
    let t = t.to_offset(UtcOffset::UTC);
    t - Duration::nanoseconds(i64::from(t.nanosecond()))
}

fn ceil_to_second(t: OffsetDateTime) -> OffsetDateTime {
    let floor = floor_to_second(t);
    if floor == t {
        floor
    } else {
        floor.checked_add(Duration::SECOND).unwrap_or(floor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn user(id: &str) -> UserId {
        UserId::new(id).expect("valid user id")
    }

    fn room(id: &str) -> BanScope {
        BanScope::Room(RoomId::new(id).expect("valid room id"))
    }

    #[test]
    fn times_are_kept_to_the_second_without_shortening_the_ban() {
        let ban = Ban::new(
            room("lobby"),
            user("alice"),
            "",
            "mod",
            datetime!(2030-01-01 10:00:00.700 UTC),
            Some(datetime!(2030-01-01 10:00:01.200 UTC)),
        )
        .expect("valid ban");
        assert_eq!(ban.created_at(), datetime!(2030-01-01 10:00:00 UTC));
        assert_eq!(ban.expires_at(), Some(datetime!(2030-01-01 10:00:02 UTC)));
    }

    #[test]
    fn times_in_other_offsets_are_stored_as_utc() {
        let ban = Ban::new(
            BanScope::Global,
            user("alice"),
            "",
            "mod",
            datetime!(2030-01-01 12:00:00 +02:00),
            None,
        )
        .expect("valid ban");
        assert_eq!(ban.created_at().offset(), UtcOffset::UTC);
        assert_eq!(ban.created_at(), datetime!(2030-01-01 10:00:00 UTC));
    }

    #[test]
    fn a_ban_is_active_until_its_expiry_exclusive() {
        let ban = Ban::new(
            BanScope::Global,
            user("alice"),
            "",
            "mod",
            datetime!(2030-01-01 10:00:00 UTC),
            Some(datetime!(2030-01-01 11:00:00 UTC)),
        )
        .expect("valid ban");
        assert!(ban.is_active_at(datetime!(2030-01-01 10:59:59 UTC)));
        assert!(!ban.is_active_at(datetime!(2030-01-01 11:00:00 UTC)));
    }
}
