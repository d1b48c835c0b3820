//! The handler: one review request in, one valid reply out, and one log line saying what was
//! decided and why (never the message text).

use lambda_runtime::LambdaEvent;
use shared::moderation::RoomRef;
use shared::review::{OutcomeKind, ReviewResponse, Reviewer};

/// Reviews the message of one invocation. Infallible: a request that cannot be read or an
/// engine failure is answered by the configured fail mode.
pub(crate) fn review(reviewer: &Reviewer, event: LambdaEvent<serde_json::Value>) -> ReviewResponse {
    let outcome = reviewer.review_value(&event.payload);
    let room = RoomRef::from_arn(&outcome.room_arn).id;
    match outcome.kind {
        OutcomeKind::Allowed | OutcomeKind::Rewritten | OutcomeKind::Denied => tracing::info!(
            request_id = %event.context.request_id,
            message_id = %outcome.message_id,
            room,
            decision = outcome.kind.as_str(),
            rules = %outcome.rules,
            "reviewed"
        ),
        OutcomeKind::BadRequest | OutcomeKind::EngineFailure => tracing::error!(
            request_id = %event.context.request_id,
            message_id = %outcome.message_id,
            room,
            decision = outcome.kind.as_str(),
            fail_mode = ?reviewer.fail_mode(),
            result = ?outcome.response.review_result,
            detail = outcome.detail.as_deref().unwrap_or_default(),
            "message not reviewed; the fail mode answered"
        ),
    }
    outcome.response
}

#[cfg(test)]
mod tests {
    use super::*;
    use lambda_runtime::Context;
    use shared::moderation::Moderator;
    use shared::review::{FailMode, ReviewResult, REASON_ATTRIBUTE, RULES_ATTRIBUTE};

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

    fn invoke(case: &str) -> (serde_json::Value, ReviewResponse) {
        let payload = sample(case);
        let response = review(
            &reviewer(),
            LambdaEvent::new(payload.clone(), Context::default()),
        );
        (payload, response)
    }

    #[test]
    fn clean_sample_is_allowed_unchanged_with_its_attributes() {
        let (payload, response) = invoke("clean");
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

    #[test]
    fn masked_sample_is_allowed_with_masked_content_of_the_same_length() {
        let (payload, response) = invoke("masked");
        let original = payload["Content"].as_str().expect("content");
        assert_eq!(response.review_result, ReviewResult::Allow);
        assert_ne!(response.content, original);
        assert!(response.content.contains('*'));
        assert_eq!(response.content.chars().count(), original.chars().count());
        assert!(response.attributes[RULES_ATTRIBUTE].contains("blocklist.mask"));
    }

    #[test]
    fn denied_sample_is_refused_with_a_reason() {
        let (_, response) = invoke("denied");
        assert_eq!(response.review_result, ReviewResult::Deny);
        assert_eq!(
            response.attributes[REASON_ATTRIBUTE],
            "Message looks like spam."
        );
        assert_eq!(response.attributes[RULES_ATTRIBUTE], "spam.emoji_flood");
    }

    #[test]
    fn malformed_sample_gets_the_fail_mode_answer_not_an_error() {
        let (payload, response) = invoke("malformed");
        assert_eq!(response.review_result, ReviewResult::Allow);
        assert_eq!(
            response.content,
            payload["Content"].as_str().expect("content")
        );
    }
}
