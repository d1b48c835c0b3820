//! The review function's ban check: is a message's sender kept out of its room right now?
//!
//! A chat token cannot be revoked, so a user who got one before being banned can still connect
//! and send until it expires. Review is the one place every message passes, so it asks the ban
//! store about the sender: one consistent read (the room ban and the global ban at once),
//! remembered per room and user for at most `max_age`. A ban therefore stops a user's
//! messages at most `max_age` after it is stored, however the token, the ban and the
//! connection are timed. Each read has `read_timeout`, well inside IVS's 200 ms review
//! budget; when the store cannot answer in time, the last answer known for that sender is
//! used, however old, and when there is none the caller decides (see [`SenderStatus`]). The
//! memory is [`ReadThrough`], as for the rooms' live rules.

use std::time::Duration;

use time::OffsetDateTime;

use super::model::Ban;
use super::BanStore;
use crate::ids::{RoomId, UserId};
use crate::read_through::{Answer, ReadThrough, ReadThroughSettings};

/// Senders remembered at most; past this, answers older than `max_age` are forgotten first.
const MAX_REMEMBERED: usize = 50_000;

/// What the check found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SenderStatus {
    /// No active ban keeps the sender out.
    Clear,
    /// This ban (the most severe active one) keeps the sender out.
    Banned(Ban),
    /// The store could not answer and nothing is known of this sender; the detail says why.
    Unknown(String),
}

/// The check's settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SenderCheckSettings {
    /// How long an answer is trusted: the longest a new ban (or unban) takes to apply.
    pub max_age: Duration,
    /// How long one read of the store may take before the last known answer is used.
    pub read_timeout: Duration,
}

impl Default for SenderCheckSettings {
    fn default() -> Self {
        SenderCheckSettings {
            max_age: Duration::from_secs(2),
            read_timeout: Duration::from_millis(100),
        }
    }
}

/// The ban check with its memory of recent answers. Build once per cold start.
#[derive(Debug)]
pub struct SenderBanCheck<S> {
    store: S,
    settings: SenderCheckSettings,
    known: ReadThrough<(RoomId, UserId), Option<Ban>>,
}

impl<S: BanStore> SenderBanCheck<S> {
    pub fn new(store: S, settings: SenderCheckSettings) -> Self {
        let memory = ReadThroughSettings {
            max_age: settings.max_age,
            read_timeout: settings.read_timeout,
        };
        SenderBanCheck {
            store,
            settings,
            known: ReadThrough::new(memory, MAX_REMEMBERED),
        }
    }

    pub fn settings(&self) -> SenderCheckSettings {
        self.settings
    }

    /// Whether `user_id` is kept out of `room_id` at `now` (the caller's clock).
    pub async fn status(
        &self,
        room_id: &RoomId,
        user_id: &UserId,
        now: OffsetDateTime,
    ) -> SenderStatus {
        let key = (room_id.clone(), user_id.clone());
        // Boxed: the store's future is deep, and callers nest this one in their own.
        let read = || Box::pin(self.store.active_ban(room_id, user_id, now));
        match self.known.get(&key, read).await {
            Answer::Fresh(ban) => verdict(ban.as_ref(), now),
            Answer::Unavailable {
                last_known: Some(ban),
                failure,
                just_now,
            } => {
                if just_now {
                    tracing::warn!(
                        room_id = room_id.as_str(),
                        user_id = user_id.as_str(),
                        detail = %failure,
                        "ban check used the last known answer"
                    );
                }
                verdict(ban.as_ref(), now)
            }
            Answer::Unavailable {
                last_known: None,
                failure,
                ..
            } => SenderStatus::Unknown(failure.to_string()),
        }
    }
}

fn verdict(ban: Option<&Ban>, now: OffsetDateTime) -> SenderStatus {
    match ban {
        Some(ban) if ban.is_active_at(now) => SenderStatus::Banned(ban.clone()),
        _ => SenderStatus::Clear,
    }
}
