//! Message review as IVS does it: the room's handler function gets each message with the
//! documented payload and 200 ms to answer; ALLOW delivers the returned content and
//! attributes, DENY refuses the message, and a timeout, an error or an invalid answer lets the
//! room's `fallbackResult` decide
//! (<https://docs.aws.amazon.com/ivs/latest/ChatUserGuide/chat-message-review-handler.html>).

use std::collections::BTreeMap;
use std::time::Duration;

use bytes::Bytes;
use serde::{Deserialize, Serialize};

// The handler's returned attributes have the same 1 KB budget as token and event attributes.
use crate::control_plane::input::MAX_ATTRIBUTES_BYTES;
use crate::lambda::FunctionInvoker;
use crate::state::{FallbackResult, MessageReviewHandler};

/// IVS gives the handler this long, and it cannot be changed.
pub const REVIEW_TIMEOUT: Duration = Duration::from_millis(200);

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ReviewSender<'a> {
    pub attributes: &'a BTreeMap<String, String>,
    pub user_id: &'a str,
    pub ip: &'a str,
}

/// The payload the handler is invoked with.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ReviewRequest<'a> {
    pub content: &'a str,
    pub message_id: &'a str,
    pub room_arn: &'a str,
    pub attributes: &'a BTreeMap<String, String>,
    pub sender: ReviewSender<'a>,
    /// Whether the sender gave `Attributes` at all (an empty map is still a map), so that a
    /// fallback ALLOW delivers exactly what was sent.
    #[serde(skip)]
    pub attributes_given: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ReviewResponse {
    review_result: String,
    content: Option<String>,
    attributes: Option<BTreeMap<String, String>>,
}

/// What happens to the message.
#[derive(Debug, PartialEq, Eq)]
pub enum ReviewOutcome {
    /// Deliver this content with these attributes.
    Allow {
        content: String,
        attributes: Option<BTreeMap<String, String>>,
    },
    /// Refuse it; the sender gets ERROR 406 with the reason.
    Deny { reason: String },
}

/// Why the fallback applied, for the log.
#[derive(Debug, thiserror::Error)]
pub enum InvalidReview {
    #[error("the handler's answer is not valid JSON of the review response shape: {0}")]
    Malformed(String),
    #[error("ReviewResult must be ALLOW or DENY, not '{0}'")]
    UnknownResult(String),
    #[error("an ALLOW answer must carry Content")]
    MissingContent,
    #[error("the returned Content has {length} code points; the room allows {maximum}")]
    ContentTooLong { length: usize, maximum: u32 },
    #[error("the returned Attributes exceed {MAX_ATTRIBUTES_BYTES} bytes")]
    AttributesTooLarge,
}

/// Reads a handler's answer against the room's limits.
pub fn read_response(
    body: &[u8],
    maximum_message_length: u32,
) -> Result<ReviewOutcome, InvalidReview> {
    let response: ReviewResponse = serde_json::from_slice(body)
        .map_err(|error| InvalidReview::Malformed(error.to_string()))?;
    if let Some(attributes) = &response.attributes {
        if attributes
            .iter()
            .map(|(k, v)| k.len() + v.len())
            .sum::<usize>()
            > MAX_ATTRIBUTES_BYTES
        {
            return Err(InvalidReview::AttributesTooLarge);
        }
    }
    match response.review_result.as_str() {
        "ALLOW" => {
            let content = response.content.ok_or(InvalidReview::MissingContent)?;
            let length = content.chars().count();
            if length > maximum_message_length as usize {
                return Err(InvalidReview::ContentTooLong {
                    length,
                    maximum: maximum_message_length,
                });
            }
            Ok(ReviewOutcome::Allow {
                content,
                attributes: response.attributes,
            })
        }
        "DENY" => {
            let reason = response
                .attributes
                .and_then(|mut attributes| attributes.remove("Reason"));
            Ok(ReviewOutcome::Deny {
                reason: reason
                    .unwrap_or_else(|| "Message rejected by the room's review handler".into()),
            })
        }
        other => Err(InvalidReview::UnknownResult(other.to_owned())),
    }
}

/// Reviews one message with the room's handler; never fails, the fallback covers every fault.
pub async fn review(
    invoker: &FunctionInvoker,
    handler: &MessageReviewHandler,
    request: &ReviewRequest<'_>,
    maximum_message_length: u32,
) -> ReviewOutcome {
    let payload = match serde_json::to_vec(request) {
        Ok(payload) => Bytes::from(payload),
        Err(error) => return fallback(handler, request, &error.to_string()),
    };
    match invoker.invoke(&handler.uri, payload, REVIEW_TIMEOUT).await {
        Ok(body) => match read_response(&body, maximum_message_length) {
            Ok(outcome) => outcome,
            Err(invalid) => fallback(handler, request, &invalid.to_string()),
        },
        Err(error) => fallback(handler, request, &error.to_string()),
    }
}

fn fallback(
    handler: &MessageReviewHandler,
    request: &ReviewRequest<'_>,
    why: &str,
) -> ReviewOutcome {
    tracing::warn!(handler = %handler.uri, fallback = handler.fallback_result.as_str(), "message review failed: {why}");
    match handler.fallback_result {
        FallbackResult::Allow => ReviewOutcome::Allow {
            content: request.content.to_owned(),
            attributes: request.attributes_given.then(|| request.attributes.clone()),
        },
        FallbackResult::Deny => ReviewOutcome::Deny {
            reason: "Message rejected: the review handler failed and the room's fallback is DENY"
                .into(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allow_with_rewritten_content_and_deny_with_reason() {
        assert_eq!(
            read_response(
                br#"{"ReviewResult":"ALLOW","Content":"h*llo","Attributes":{"k":"v"}}"#,
                500
            )
            .ok(),
            Some(ReviewOutcome::Allow {
                content: "h*llo".into(),
                attributes: Some(BTreeMap::from([("k".into(), "v".into())]))
            })
        );
        assert_eq!(
            read_response(
                br#"{"ReviewResult":"DENY","Attributes":{"Reason":"rude"}}"#,
                500
            )
            .ok(),
            Some(ReviewOutcome::Deny {
                reason: "rude".into()
            })
        );
    }

    #[test]
    fn invalid_answers_are_refused() {
        assert!(read_response(b"not json", 500).is_err());
        assert!(read_response(br#"{"ReviewResult":"MAYBE"}"#, 500).is_err());
        assert!(read_response(br#"{"ReviewResult":"ALLOW"}"#, 500).is_err());
        assert!(read_response(br#"{"ReviewResult":"ALLOW","Content":"too long"}"#, 3).is_err());
    }
}
