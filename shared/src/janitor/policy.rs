//! The staleness decision: given a room's tags and update time, the stack's name, the idle TTL
//! and the current time, whether the janitor may delete the room, and why. Pure: no I/O, no
//! clock of its own.
//!
//! The rules, in order (the first that applies decides):
//!
//! 1. no managed-by tag: never touched ([`Keep::Unmanaged`]); a managed-by tag naming another
//!    stack: never touched ([`Keep::OtherStack`]);
//! 2. any janitor tag that cannot be read (a retain tag other than `true`, an expiry or
//!    last-active time that is not RFC 3339): skipped and reported, never deleted
//!    ([`Verdict::Malformed`]);
//! 3. a retain tag `true`: kept ([`Keep::Retained`]);
//! 4. an expiry time that has passed: stale ([`Stale::Expired`]);
//! 5. idle longer than the idle TTL, idleness measured from the latest of the room's update
//!    time and its last-active tag: stale ([`Stale::Idle`]);
//! 6. otherwise kept ([`Keep::NotStale`]).

use std::fmt;
use std::time::Duration;

use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use super::api::Tags;
use crate::room_tags::{EXPIRES_AT, LAST_ACTIVE, MANAGED_BY, RETAIN};

/// Why a room (or logging configuration) is left alone.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Keep {
    /// No managed-by tag: this stack did not create it.
    Unmanaged,
    /// Managed by another stack.
    OtherStack,
    /// Carries the retain tag.
    Retained,
    /// Neither expired nor idle for longer than the TTL.
    NotStale,
}

impl Keep {
    /// The reason's name in summaries, metrics and logs.
    pub fn as_str(self) -> &'static str {
        match self {
            Keep::Unmanaged => "unmanaged",
            Keep::OtherStack => "otherStack",
            Keep::Retained => "retained",
            Keep::NotStale => "notStale",
        }
    }
}

/// Why a room is stale.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stale {
    /// Its expiry time has passed.
    Expired { expires_at: OffsetDateTime },
    /// Nothing happened in it for longer than the idle TTL.
    Idle {
        /// The latest of its update time and its last-active tag.
        last_active: OffsetDateTime,
        /// How long it has been idle.
        idle_for: Duration,
    },
}

impl Stale {
    /// The reason's name in summaries, metrics and logs.
    pub fn as_str(&self) -> &'static str {
        match self {
            Stale::Expired { .. } => "expired",
            Stale::Idle { .. } => "idle",
        }
    }
}

impl fmt::Display for Stale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Stale::Expired { expires_at } => write!(f, "expired at {}", rfc3339(*expires_at)),
            Stale::Idle {
                last_active,
                idle_for,
            } => write!(
                f,
                "idle for {} h since {}",
                idle_for.as_secs() / 3600,
                rfc3339(*last_active)
            ),
        }
    }
}

/// A janitor tag whose value cannot be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TagProblem {
    pub tag: &'static str,
    pub value: String,
    pub problem: &'static str,
}

impl fmt::Display for TagProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} = {:?}: {}", self.tag, self.value, self.problem)
    }
}

/// The decision on one room.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// The janitor may delete it.
    Stale(Stale),
    /// Left alone, for this reason.
    Keep(Keep),
    /// Managed by this stack but with tags that cannot be read: skipped and reported.
    Malformed(Vec<TagProblem>),
}

/// The janitor's policy: which stack's rooms it manages and when an untouched room is stale.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Policy {
    /// The managed-by tag value of rooms this stack created.
    pub stack_name: String,
    /// Rooms idle for longer than this are stale; `None`: idleness never makes a room stale.
    pub idle_ttl: Option<Duration>,
}

impl Policy {
    /// The decision on a room with these tags and update time, at `now`.
    pub fn assess_room(
        &self,
        tags: &Tags,
        update_time: OffsetDateTime,
        now: OffsetDateTime,
    ) -> Verdict {
        if let Some(keep) = self.ownership(tags) {
            return Verdict::Keep(keep);
        }
        let mut problems = Vec::new();
        let retained = retain_flag(tags, &mut problems);
        let expires_at = time_tag(tags, EXPIRES_AT, &mut problems);
        let last_active_tag = time_tag(tags, LAST_ACTIVE, &mut problems);
        if !problems.is_empty() {
            return Verdict::Malformed(problems);
        }
        if retained {
            return Verdict::Keep(Keep::Retained);
        }
        if let Some(expires_at) = expires_at.filter(|at| *at <= now) {
            return Verdict::Stale(Stale::Expired { expires_at });
        }
        if let Some(ttl) = self.idle_ttl {
            let last_active = last_active_tag.map_or(update_time, |tag| tag.max(update_time));
            if let Ok(idle_for) = Duration::try_from(now - last_active) {
                if idle_for > ttl {
                    return Verdict::Stale(Stale::Idle {
                        last_active,
                        idle_for,
                    });
                }
            }
        }
        Verdict::Keep(Keep::NotStale)
    }

    /// Whether a logging configuration with these tags is this stack's and not retained:
    /// `Ok(())` if the janitor may delete it once no room uses it.
    pub fn assess_logging_configuration(&self, tags: &Tags) -> Result<(), Verdict> {
        if let Some(keep) = self.ownership(tags) {
            return Err(Verdict::Keep(keep));
        }
        let mut problems = Vec::new();
        let retained = retain_flag(tags, &mut problems);
        if !problems.is_empty() {
            return Err(Verdict::Malformed(problems));
        }
        if retained {
            return Err(Verdict::Keep(Keep::Retained));
        }
        Ok(())
    }

    /// `None` when the resource is this stack's; otherwise why it is not.
    fn ownership(&self, tags: &Tags) -> Option<Keep> {
        match tags.get(MANAGED_BY) {
            None => Some(Keep::Unmanaged),
            Some(stack) if *stack != self.stack_name => Some(Keep::OtherStack),
            Some(_) => None,
        }
    }
}

/// The retain tag: absent is `false`, `true` (any case) is `true`; anything else, `false`
/// included, is a problem, so that a room someone meant to protect is never deleted because
/// of a typo.
fn retain_flag(tags: &Tags, problems: &mut Vec<TagProblem>) -> bool {
    match tags.get(RETAIN) {
        None => false,
        Some(value) if value.trim().eq_ignore_ascii_case("true") => true,
        Some(value) => {
            problems.push(TagProblem {
                tag: RETAIN,
                value: value.clone(),
                problem: "the retain tag must be `true`; remove it to let the janitor act",
            });
            false
        }
    }
}

fn time_tag(
    tags: &Tags,
    tag: &'static str,
    problems: &mut Vec<TagProblem>,
) -> Option<OffsetDateTime> {
    let value = tags.get(tag)?;
    match OffsetDateTime::parse(value.trim(), &Rfc3339) {
        Ok(time) => Some(time),
        Err(_) => {
            problems.push(TagProblem {
                tag,
                value: value.clone(),
                problem: "not an RFC 3339 time such as 2026-12-01T18:00:00Z",
            });
            None
        }
    }
}

/// A time as RFC 3339, for logs and summaries.
pub fn rfc3339(time: OffsetDateTime) -> String {
    time.format(&Rfc3339)
        .unwrap_or_else(|_| time.unix_timestamp().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const HOUR: Duration = Duration::from_secs(3600);
    const NOW: OffsetDateTime = datetime!(2026-06-15 12:00 UTC);

    fn policy() -> Policy {
        Policy {
            stack_name: "prod-chat".into(),
            idle_ttl: Some(Duration::from_secs(72 * 3600)),
        }
    }

    fn managed(extra: &[(&str, &str)]) -> Tags {
        let mut tags: Tags = extra
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        tags.insert(MANAGED_BY.into(), "prod-chat".into());
        tags
    }

    fn assess(tags: &Tags, updated_hours_ago: u64) -> Verdict {
        policy().assess_room(tags, NOW - HOUR * updated_hours_ago as u32, NOW)
    }

    #[test]
    fn a_room_without_the_managed_tag_is_never_stale_even_if_expired_and_idle() {
        let tags: Tags = [(EXPIRES_AT.to_owned(), "2020-01-01T00:00:00Z".to_owned())].into();
        assert_eq!(assess(&tags, 10_000), Verdict::Keep(Keep::Unmanaged));
    }

    #[test]
    fn a_room_of_another_stack_is_never_stale() {
        let mut tags = managed(&[(EXPIRES_AT, "2020-01-01T00:00:00Z")]);
        tags.insert(MANAGED_BY.into(), "staging-chat".into());
        assert_eq!(assess(&tags, 10_000), Verdict::Keep(Keep::OtherStack));
    }

    #[test]
    fn a_retained_room_is_kept_even_if_expired_and_idle() {
        let tags = managed(&[(RETAIN, "true"), (EXPIRES_AT, "2020-01-01T00:00:00Z")]);
        assert_eq!(assess(&tags, 10_000), Verdict::Keep(Keep::Retained));
        let tags = managed(&[(RETAIN, "TRUE")]);
        assert_eq!(assess(&tags, 10_000), Verdict::Keep(Keep::Retained));
    }

    #[test]
    fn a_retain_tag_that_is_not_true_is_malformed_not_ignored() {
        for value in ["false", "yes", ""] {
            let tags = managed(&[(RETAIN, value), (EXPIRES_AT, "2020-01-01T00:00:00Z")]);
            match assess(&tags, 10_000) {
                Verdict::Malformed(problems) => assert_eq!(problems[0].tag, RETAIN),
                other => panic!("retain={value:?}: {other:?}"),
            }
        }
    }

    #[test]
    fn a_passed_expiry_makes_a_recently_updated_room_stale() {
        let tags = managed(&[(EXPIRES_AT, "2026-06-15T11:59:59Z")]);
        assert_eq!(
            assess(&tags, 0),
            Verdict::Stale(Stale::Expired {
                expires_at: datetime!(2026-06-15 11:59:59 UTC)
            })
        );
        let tags = managed(&[(EXPIRES_AT, "2026-06-15T14:00:00+02:00")]);
        assert!(matches!(
            assess(&tags, 0),
            Verdict::Stale(Stale::Expired { .. })
        ));
    }

    #[test]
    fn a_future_expiry_keeps_an_active_room() {
        let tags = managed(&[(EXPIRES_AT, "2026-06-16T00:00:00Z")]);
        assert_eq!(assess(&tags, 1), Verdict::Keep(Keep::NotStale));
    }

    #[test]
    fn a_room_idle_past_the_ttl_since_its_update_is_stale() {
        let verdict = assess(&managed(&[]), 73);
        assert_eq!(
            verdict,
            Verdict::Stale(Stale::Idle {
                last_active: NOW - HOUR * 73,
                idle_for: HOUR * 73
            })
        );
        assert_eq!(assess(&managed(&[]), 72), Verdict::Keep(Keep::NotStale));
    }

    #[test]
    fn a_recent_last_active_tag_keeps_a_room_updated_long_ago() {
        let tags = managed(&[(LAST_ACTIVE, "2026-06-15T10:00:00Z")]);
        assert_eq!(assess(&tags, 1000), Verdict::Keep(Keep::NotStale));
    }

    #[test]
    fn an_old_last_active_tag_does_not_hide_a_recent_update() {
        let tags = managed(&[(LAST_ACTIVE, "2020-01-01T00:00:00Z")]);
        assert_eq!(assess(&tags, 2), Verdict::Keep(Keep::NotStale));
    }

    #[test]
    fn idleness_counts_from_the_latest_of_update_and_last_active() {
        let tags = managed(&[(LAST_ACTIVE, "2026-06-11T12:00:00Z")]);
        match assess(&tags, 1000) {
            Verdict::Stale(Stale::Idle {
                last_active,
                idle_for,
            }) => {
                assert_eq!(last_active, datetime!(2026-06-11 12:00 UTC));
                assert_eq!(idle_for, HOUR * 96);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn unreadable_times_are_malformed_and_all_reported() {
        let tags = managed(&[
            (EXPIRES_AT, "tomorrow"),
            (LAST_ACTIVE, "2026-13-01T00:00:00Z"),
        ]);
        match assess(&tags, 10_000) {
            Verdict::Malformed(problems) => {
                let named: Vec<_> = problems.iter().map(|p| p.tag).collect();
                assert_eq!(named, [EXPIRES_AT, LAST_ACTIVE]);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_malformed_tag_wins_over_a_valid_passed_expiry() {
        let tags = managed(&[(EXPIRES_AT, "2020-01-01T00:00:00Z"), (LAST_ACTIVE, "soon")]);
        assert!(matches!(assess(&tags, 10_000), Verdict::Malformed(_)));
    }

    #[test]
    fn without_an_idle_ttl_only_expiry_makes_a_room_stale() {
        let policy = Policy {
            idle_ttl: None,
            ..policy()
        };
        let old = NOW - HOUR * 100_000;
        assert_eq!(
            policy.assess_room(&managed(&[]), old, NOW),
            Verdict::Keep(Keep::NotStale)
        );
        let expired = managed(&[(EXPIRES_AT, "2020-01-01T00:00:00Z")]);
        assert!(matches!(
            policy.assess_room(&expired, old, NOW),
            Verdict::Stale(Stale::Expired { .. })
        ));
    }

    #[test]
    fn a_last_active_time_in_the_future_is_not_idle() {
        let tags = managed(&[(LAST_ACTIVE, "2027-01-01T00:00:00Z")]);
        assert_eq!(assess(&tags, 10_000), Verdict::Keep(Keep::NotStale));
    }

    #[test]
    fn logging_configurations_follow_the_ownership_and_retain_rules() {
        let policy = policy();
        assert_eq!(policy.assess_logging_configuration(&managed(&[])), Ok(()));
        assert_eq!(
            policy.assess_logging_configuration(&Tags::new()),
            Err(Verdict::Keep(Keep::Unmanaged))
        );
        assert_eq!(
            policy.assess_logging_configuration(&managed(&[(RETAIN, "true")])),
            Err(Verdict::Keep(Keep::Retained))
        );
        assert!(matches!(
            policy.assess_logging_configuration(&managed(&[(RETAIN, "no")])),
            Err(Verdict::Malformed(_))
        ));
    }
}
