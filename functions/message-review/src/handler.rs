//! The handler: one review request in, one valid reply out, and one log line saying what was
//! decided and why (never the message text). A sender the ban store keeps out of the room is
//! refused before the moderation engine runs; the room's live rules (read at the same time as
//! the bans) are applied on top of the stack's policy, with slow mode and strikes.

use ivschat_moderation::{
    FailMode, InvocationPayload, Outcome, OutcomeKind, ReviewRequest, ReviewResponse, Reviewer,
    RoomRef,
};
use lambda_runtime::LambdaEvent;
use shared::bans::{BanStore, RoomId, SenderBanCheck, SenderStatus, UserId};
use shared::room_moderation::RoomGuard;
use time::format_description::well_known::Rfc3339;

/// The rules attribute of a reply refusing a banned sender.
pub(crate) const BANNED_RULE: &str = "ban";
/// The rules attribute of a reply refusing a sender whose bans could not be read, under fail
/// mode `deny`.
pub(crate) const BAN_UNKNOWN_RULE: &str = "ban.unknown";

/// Reviews the message of one invocation. Infallible: a request that cannot be read, an
/// engine failure or a ban store that cannot answer is answered by the configured fail mode.
pub(crate) async fn review<S: BanStore>(
    reviewer: &Reviewer,
    bans: Option<&SenderBanCheck<S>>,
    guard: Option<&RoomGuard<S>>,
    event: LambdaEvent<InvocationPayload>,
) -> ReviewResponse {
    let request_id = event.context.request_id.as_str();
    let outcome = match reviewer.read(&event.payload) {
        Err(unreadable) => *unreadable,
        Ok(request) if bans.is_none() && guard.is_none() => reviewer.review(&request),
        Ok(request) => checked(reviewer, bans, guard, &request, request_id).await,
    };
    log(reviewer, &outcome, request_id);
    outcome.response
}

/// The review of a request whose sender is first checked against the room's and the global
/// bans, under the room's live rules when it has some.
async fn checked<S: BanStore>(
    reviewer: &Reviewer,
    bans: Option<&SenderBanCheck<S>>,
    guard: Option<&RoomGuard<S>>,
    request: &ReviewRequest,
    request_id: &str,
) -> Outcome {
    let (Ok(room), Ok(user)) = (
        RoomId::from_identifier(&request.room_arn),
        UserId::new(request.sender.user_id.as_str()),
    ) else {
        // No room or no sender that a ban or a room rule could name: nothing to check.
        return reviewer.review(request);
    };
    let now = time::OffsetDateTime::now_utc();
    // Both reads at once: each is bounded, and together they stay within one bound.
    let ban = async {
        match bans {
            Some(bans) => bans.status(&room, &user, now).await,
            None => SenderStatus::Clear,
        }
    };
    let rules = async {
        match guard {
            // Boxed, as the ban check's read: the store's futures are deep.
            Some(guard) => Box::pin(guard.rules(reviewer, &room, &request.room_arn)).await,
            None => None,
        }
    };
    let (status, rules) = tokio::join!(ban, rules);
    let engine = || async {
        match guard {
            Some(guard) => {
                let guarded =
                    Box::pin(guard.review(reviewer, rules.as_deref(), request, &room, &user, now))
                        .await;
                guarded.outcome
            }
            None => reviewer.review(request),
        }
    };
    match status {
        SenderStatus::Clear => engine().await,
        SenderStatus::Banned(ban) => {
            let reason = match ban.expires_at().and_then(|t| t.format(&Rfc3339).ok()) {
                Some(until) => format!("You are banned from this room until {until}."),
                None => "You are banned from this room.".to_owned(),
            };
            reviewer.refuse(request, &reason, BANNED_RULE)
        }
        SenderStatus::Unknown(detail) => {
            tracing::error!(
                request_id,
                room_id = room.as_str(),
                fail_mode = ?reviewer.fail_mode(),
                detail = detail.as_str(),
                "sender's bans unknown; the fail mode decides"
            );
            match reviewer.fail_mode() {
                FailMode::Allow => engine().await,
                FailMode::Deny => {
                    reviewer.refuse(request, "Message could not be reviewed.", BAN_UNKNOWN_RULE)
                }
            }
        }
    }
}

fn log(reviewer: &Reviewer, outcome: &Outcome, request_id: &str) {
    let room = RoomRef::from_arn(&outcome.room_arn).id;
    match outcome.kind {
        OutcomeKind::Allowed | OutcomeKind::Rewritten | OutcomeKind::Denied => tracing::info!(
            request_id,
            message_id = outcome.message_id.as_str(),
            room,
            decision = outcome.kind.as_str(),
            rules = outcome.rules.as_str(),
            "reviewed"
        ),
        OutcomeKind::BadRequest | OutcomeKind::EngineFailure => tracing::error!(
            request_id,
            message_id = outcome.message_id.as_str(),
            room,
            decision = outcome.kind.as_str(),
            fail_mode = ?reviewer.fail_mode(),
            result = ?outcome.response.review_result,
            detail = outcome.detail.as_deref().unwrap_or_default(),
            "message not reviewed; the fail mode answered"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ivschat_moderation::review::{REASON_ATTRIBUTE, RULES_ATTRIBUTE};
    use ivschat_moderation::{Moderator, ReviewResult};
    use lambda_runtime::Context;
    use shared::bans::DynamoBanStore;

    /// No ban check: these tests are about the reply; the ban check is tested against a real
    /// store in `tests/it`.
    const NO_BANS: Option<&SenderBanCheck<DynamoBanStore>> = None;
    const NO_ROOM_RULES: Option<&RoomGuard<DynamoBanStore>> = None;

    fn reviewer() -> Reviewer {
        Reviewer::new(
            Moderator::builtin().expect("built-in policy"),
            FailMode::Allow,
        )
    }

    /// The sample event `events/message-review-<case>.json`.
    fn sample(case: &str) -> serde_json::Value {
        let path = format!(
            "{}/../../events/message-review-{case}.json",
            env!("CARGO_MANIFEST_DIR")
        );
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    /// The reply to `payload` as the Lambda runtime hands it over: it deserializes the body
    /// from a `serde_json::Deserializer` without checking for trailing input, as here.
    async fn invoke_bytes(payload: &[u8]) -> ReviewResponse {
        use serde::Deserialize;
        let mut body = serde_json::Deserializer::from_slice(payload);
        let payload = InvocationPayload::deserialize(&mut body).expect("every payload reads");
        review(
            &reviewer(),
            NO_BANS,
            NO_ROOM_RULES,
            LambdaEvent::new(payload, Context::default()),
        )
        .await
    }

    async fn invoke(case: &str) -> (serde_json::Value, ReviewResponse) {
        let payload = sample(case);
        let bytes = serde_json::to_vec(&payload).expect("json");
        (payload, invoke_bytes(&bytes).await)
    }

    #[tokio::test]
    async fn clean_sample_is_allowed_unchanged_with_its_attributes() {
        let (payload, response) = invoke("clean").await;
        assert_eq!(response.review_result, ReviewResult::Allow);
        assert_eq!(
            response.content,
            payload["Content"].as_str().expect("content")
        );
        assert_eq!(
            serde_json::to_value(&response.attributes).expect("json"),
            payload["Attributes"]
        );
    }

    #[tokio::test]
    async fn masked_sample_is_allowed_with_masked_content_of_the_same_length() {
        let (payload, response) = invoke("masked").await;
        let original = payload["Content"].as_str().expect("content");
        assert_eq!(response.review_result, ReviewResult::Allow);
        assert_ne!(response.content, original);
        assert!(response.content.contains('*'));
        assert_eq!(response.content.chars().count(), original.chars().count());
        assert!(response.attributes[RULES_ATTRIBUTE].contains("blocklist.mask"));
    }

    #[tokio::test]
    async fn denied_sample_is_refused_with_a_reason() {
        let (_, response) = invoke("denied").await;
        assert_eq!(response.review_result, ReviewResult::Deny);
        assert_eq!(
            response.attributes[REASON_ATTRIBUTE],
            "Message looks like spam."
        );
        assert_eq!(response.attributes[RULES_ATTRIBUTE], "spam.emoji_flood");
    }

    #[tokio::test]
    async fn malformed_sample_gets_the_fail_mode_answer_not_an_error() {
        let (payload, response) = invoke("malformed").await;
        assert_eq!(response.review_result, ReviewResult::Allow);
        assert_eq!(
            response.content,
            payload["Content"].as_str().expect("content")
        );
    }

    #[tokio::test]
    async fn empty_and_non_json_payloads_get_a_valid_reply_not_a_failed_invocation() {
        for payload in [&b""[..], b"   ", b"not json", b"{\"Content\":", b"\xff\xfe"] {
            let response = invoke_bytes(payload).await;
            // Nothing to deliver: even fail mode allow refuses, with a reason.
            assert_eq!(response.review_result, ReviewResult::Deny, "{payload:?}");
            assert!(response.check("").is_ok(), "{payload:?}");
            assert!(!response.attributes[REASON_ATTRIBUTE].is_empty());
        }
    }

    #[tokio::test]
    async fn oversized_attributes_get_a_deny_that_ivs_accepts_not_the_masked_allow() {
        let mut payload = sample("masked");
        payload["Attributes"] = serde_json::json!({ "pad": "x".repeat(2000) });
        let bytes = serde_json::to_vec(&payload).expect("json");
        let response = invoke_bytes(&bytes).await;
        assert_eq!(response.review_result, ReviewResult::Deny);
        assert_eq!(
            response.attributes[REASON_ATTRIBUTE],
            "Message attributes are too large."
        );
        let original = payload["Content"].as_str().expect("content");
        assert!(response.check(original).is_ok());
    }
}
