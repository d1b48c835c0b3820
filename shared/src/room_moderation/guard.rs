//! What the review function does with a room's live rules around the engine: the room's
//! engine (or the stack's alone), then slow mode for a message about to be delivered, and a
//! strike for a refused one, which times the sender out (a room ban with an end, and a
//! disconnect) at the room's limit; a held message is stored for the moderators. Every
//! DynamoDB write is bounded in time; when the table does not answer, the message is reviewed
//! without that rule and an error is logged, so the store never blocks chat.

use std::sync::Arc;
use std::time::Duration;

use ivschat_moderation::{Outcome, OutcomeKind, ReviewRequest, Reviewer};
use time::OffsetDateTime;

use super::cache::RoomRulesCache;
use super::held::{held_id, HeldMessage, HeldStatus};
use super::rules::{RoomReview, RoomRules};
use super::store::SlowMode;
use crate::aws::ivs::Client as IvsClient;
use crate::bans::{Ban, BanScope, BanStore};
use crate::ids::{RoomId, UserId};

/// The rules attribute of a message refused by slow mode.
pub const SLOW_MODE_RULE: &str = "room.slow_mode";
/// The rules attribute of the message that timed its sender out.
pub const TIMEOUT_RULE: &str = "room.strikes.timeout";
/// Who a timeout's ban names as its author.
pub const TIMEOUT_BANNED_BY: &str = "room-moderation";

/// What the guard decided beyond the reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Guarded {
    pub outcome: Outcome,
    /// The rules of a held message (the reply is its DENY).
    pub held: Option<Vec<String>>,
    /// The ban of a sender just timed out.
    pub timed_out: Option<Ban>,
}

/// The room rules around the engine. Build once per cold start.
#[derive(Debug)]
pub struct RoomGuard<B> {
    cache: RoomRulesCache,
    bans: B,
    ivs: IvsClient,
    /// The longest a slow-mode or strike write, a timeout's ban or its disconnect may take.
    state_timeout: Duration,
}

impl<B: BanStore> RoomGuard<B> {
    pub fn new(cache: RoomRulesCache, bans: B, ivs: IvsClient, state_timeout: Duration) -> Self {
        RoomGuard {
            cache,
            bans,
            ivs,
            state_timeout,
        }
    }

    /// The room's compiled rules on top of the stack's (see [`RoomRulesCache::rules`]).
    pub async fn rules(
        &self,
        stack: &Reviewer,
        room: &RoomId,
        room_arn: &str,
    ) -> Option<Arc<RoomRules>> {
        self.cache.rules(stack.moderator(), room, room_arn).await
    }

    /// Reviews `request` from `user` in `room` under `rules` (or the stack's `reviewer`
    /// alone), then applies slow mode and strikes.
    pub async fn review(
        &self,
        reviewer: &Reviewer,
        rules: Option<&RoomRules>,
        request: &ReviewRequest,
        room: &RoomId,
        user: &UserId,
        now: OffsetDateTime,
    ) -> Guarded {
        let Some(rules) = rules else {
            return Guarded {
                outcome: reviewer.review(request),
                held: None,
                timed_out: None,
            };
        };
        let mut outcome = match rules.review(request) {
            RoomReview::Held {
                outcome,
                rules: fired,
            } => {
                let held = HeldMessage {
                    id: held_id(now, &request.message_id),
                    room_id: room.as_str().to_owned(),
                    message_id: request.message_id.clone(),
                    content: request.content.clone(),
                    attributes: request.attributes.clone(),
                    sender_user_id: user.as_str().to_owned(),
                    sender_attributes: request.sender.attributes.clone(),
                    rules: fired.clone(),
                    held_at: now,
                    expires_at: now
                        + time::Duration::minutes(i64::from(rules.settings.held_message_minutes)),
                    status: HeldStatus::Held,
                    decided_by: None,
                    decided_at: None,
                    event_id: None,
                    approval: None,
                };
                // Not stored in time: the sender is still told it awaits a moderator, and the
                // error (alarmed) says the message is lost.
                self.bounded("hold", room, self.cache.store().hold(room, &held))
                    .await;
                return Guarded {
                    outcome,
                    held: Some(fired),
                    timed_out: None,
                };
            }
            RoomReview::Reviewed(outcome) => outcome,
        };
        let settings = &rules.settings;
        let delivered = matches!(outcome.kind, OutcomeKind::Allowed | OutcomeKind::Rewritten);
        if delivered && settings.slow_mode_seconds > 0 {
            if let Some(until) = self
                .slow_mode(room, user, now, settings.slow_mode_seconds)
                .await
            {
                let wait = (until - now).whole_seconds().max(1);
                let reason = format!(
                    "Slow mode is on: you may send again in {wait} s ({}).",
                    until
                        .format(&time::format_description::well_known::Rfc3339)
                        .unwrap_or_default()
                );
                outcome = rules.reviewer().refuse(request, &reason, SLOW_MODE_RULE);
            }
        }
        let mut timed_out = None;
        if outcome.kind == OutcomeKind::Denied {
            if let Some(strikes) = settings.strikes {
                let count = self
                    .bounded(
                        "strike",
                        room,
                        self.cache.store().add_strike(room, user, now, &strikes),
                    )
                    .await;
                if count.is_some_and(|count| count >= strikes.limit) {
                    let reason = format!(
                        "You are timed out for {} minutes: {} messages refused within {} minutes.",
                        strikes.timeout_minutes, strikes.limit, strikes.window_minutes
                    );
                    timed_out = self
                        .time_out(request, room, user, now, strikes.timeout_minutes, &reason)
                        .await;
                    if timed_out.is_some() {
                        outcome = rules.reviewer().refuse(request, &reason, TIMEOUT_RULE);
                    }
                }
            }
        }
        Guarded {
            outcome,
            held: None,
            timed_out,
        }
    }

    /// Slow mode's answer: `Some(until)` when the message must wait; `None` when it may go
    /// (or the table did not answer: then it goes, with an error logged).
    async fn slow_mode(
        &self,
        room: &RoomId,
        user: &UserId,
        now: OffsetDateTime,
        seconds: u32,
    ) -> Option<OffsetDateTime> {
        let claim = self.cache.store().claim_slow_mode(room, user, now, seconds);
        match self.bounded("slow mode", room, claim).await {
            Some(SlowMode::Wait { until }) => Some(until),
            Some(SlowMode::Clear) | None => None,
        }
    }

    /// Runs a table call within the state timeout; a failure is logged and answers `None`.
    async fn bounded<T>(
        &self,
        what: &'static str,
        room: &RoomId,
        call: impl std::future::Future<Output = Result<T, super::StoreError>>,
    ) -> Option<T> {
        match tokio::time::timeout(self.state_timeout, call).await {
            Ok(Ok(value)) => Some(value),
            Ok(Err(error)) => {
                tracing::error!(room_id = room.as_str(), rule = what, detail = %error, "room moderation state unwritable; rule skipped");
                None
            }
            Err(_) => {
                tracing::error!(
                    room_id = room.as_str(),
                    rule = what,
                    detail = format!("no answer within {} ms", self.state_timeout.as_millis()),
                    "room moderation state unwritable; rule skipped"
                );
                None
            }
        }
    }

    /// Bans `user` from `room` for `minutes` and ends their sessions there, telling them why.
    async fn time_out(
        &self,
        request: &ReviewRequest,
        room: &RoomId,
        user: &UserId,
        now: OffsetDateTime,
        minutes: u32,
        reason: &str,
    ) -> Option<Ban> {
        let ban = Ban::for_duration(
            BanScope::Room(room.clone()),
            user.clone(),
            reason,
            TIMEOUT_BANNED_BY,
            now,
            time::Duration::minutes(i64::from(minutes)),
        )
        .ok()?;
        // Both at once, each bounded: the ban keeps new tokens and messages out, the
        // disconnect ends the sessions and tells the user why.
        let disconnect = self
            .ivs
            .disconnect_user()
            .room_identifier(request.room_arn.as_str())
            .user_id(user.as_str())
            .reason(reason.chars().take(256).collect::<String>())
            .send();
        let (stored, disconnected) = tokio::join!(
            tokio::time::timeout(self.state_timeout, self.bans.put(&ban)),
            tokio::time::timeout(self.state_timeout, disconnect)
        );
        match disconnected {
            Ok(Ok(_)) => {}
            Ok(Err(error)) => tracing::warn!(
                room_id = room.as_str(),
                detail = %aws_smithy_types::error::display::DisplayErrorContext(&error),
                "timeout: disconnect failed"
            ),
            Err(_) => tracing::warn!(
                room_id = room.as_str(),
                "timeout: disconnect unanswered in time"
            ),
        }
        match stored {
            Ok(Ok(())) => {}
            Ok(Err(error)) => {
                // The strike count stays at the limit: the next refusal tries again.
                tracing::error!(room_id = room.as_str(), detail = %error, "room moderation state unwritable; timeout ban not stored");
                return None;
            }
            Err(_) => {
                tracing::error!(
                    room_id = room.as_str(),
                    "room moderation state unwritable; timeout ban not stored in time"
                );
                return None;
            }
        }
        tracing::info!(
            room_id = room.as_str(),
            user_id = user.as_str(),
            minutes,
            "sender timed out by strikes"
        );
        Some(ban)
    }
}
