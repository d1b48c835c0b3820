//! The wire types of the review handler: what IVS Chat sends and what it accepts back.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The reply attribute that carries the reason of a DENY; IVS passes it to the sender in the
/// ERROR 406 frame.
pub const REASON_ATTRIBUTE: &str = "Reason";

/// IVS Chat's hard maximum for a message's `Content`, in code points: a room's
/// `maximumMessageLength` is at most this
/// ([CreateRoom](https://docs.aws.amazon.com/ivs/latest/ChatAPIReference/API_CreateRoom.html)).
pub const MAX_CONTENT_CHARS: usize = 500;
/// IVS Chat's limit on the total size of a reply's `Attributes` (every key and value, in UTF-8
/// bytes): 1 KB, as for chat-token and event attributes. A reply over it is invalid and the
/// room's `fallbackResult` decides instead
/// ([review handler](https://docs.aws.amazon.com/ivs/latest/ChatUserGuide/chat-message-review-handler.html)).
pub const MAX_ATTRIBUTES_BYTES: usize = 1024;

/// The size of `attributes` as IVS counts it: every key and value, in bytes.
pub fn attributes_bytes(attributes: &Attributes) -> usize {
    attributes.iter().map(|(k, v)| k.len() + v.len()).sum()
}

/// Message and sender attributes: string keys to string values. A `BTreeMap` so replies and
/// logs are stable.
pub type Attributes = BTreeMap<String, String>;

/// The request IVS Chat sends to the review handler for each SEND_MESSAGE.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ReviewRequest {
    pub content: String,
    #[serde(default)]
    pub message_id: String,
    #[serde(default)]
    pub room_arn: String,
    /// The message attributes the client sent.
    #[serde(default)]
    pub attributes: Attributes,
    #[serde(default)]
    pub sender: ReviewSender,
}

/// Who sent the message: the token's user id and attributes, and the client's address.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ReviewSender {
    #[serde(default)]
    pub user_id: String,
    #[serde(default)]
    pub attributes: Attributes,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip: Option<String>,
}

/// ALLOW delivers `Content` with `Attributes`; DENY refuses the message (ERROR 406 to the
/// sender, with the `Reason` attribute).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum ReviewResult {
    Allow,
    Deny,
}

/// The reply the review handler returns. `Content` is always present (IVS asks for it even
/// when unchanged) and never longer than the message reviewed.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ReviewResponse {
    pub review_result: ReviewResult,
    pub content: String,
    pub attributes: Attributes,
}

/// Why a reply would not be accepted by IVS Chat for the message it answers.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ContractViolation {
    #[error("Content has {chars} code points; the message reviewed had {original} and IVS allows at most {MAX_CONTENT_CHARS}")]
    ContentTooLong { chars: usize, original: usize },
    #[error("Attributes take {bytes} bytes; IVS allows at most {MAX_ATTRIBUTES_BYTES}")]
    AttributesTooLarge { bytes: usize },
    #[error("a DENY carries no Reason attribute")]
    DenyWithoutReason,
}

impl ReviewResponse {
    /// Checks the reply against IVS Chat's review contract for a message whose content was
    /// `original`: `Content` no longer than the message (so within the room's own
    /// `maximumMessageLength`) nor than [`MAX_CONTENT_CHARS`], `Attributes` within
    /// [`MAX_ATTRIBUTES_BYTES`], and a DENY with a non-empty `Reason` for the sender.
    pub fn check(&self, original: &str) -> Result<(), ContractViolation> {
        let chars = self.content.chars().count();
        let original = original.chars().count();
        if chars > original.min(MAX_CONTENT_CHARS) {
            return Err(ContractViolation::ContentTooLong { chars, original });
        }
        let bytes = attributes_bytes(&self.attributes);
        if bytes > MAX_ATTRIBUTES_BYTES {
            return Err(ContractViolation::AttributesTooLarge { bytes });
        }
        if self.review_result == ReviewResult::Deny
            && self
                .attributes
                .get(REASON_ATTRIBUTE)
                .is_none_or(|reason| reason.trim().is_empty())
        {
            return Err(ContractViolation::DenyWithoutReason);
        }
        Ok(())
    }
}

/// What the Lambda runtime hands the review function: the invocation's payload as JSON, or
/// why it is not JSON (an empty or malformed payload). Reading never fails, so such a payload
/// is answered by the fail mode instead of failing the invocation.
#[derive(Debug, Clone, PartialEq)]
pub enum InvocationPayload {
    Json(serde_json::Value),
    Unreadable(String),
}

impl<'de> Deserialize<'de> for InvocationPayload {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(match serde_json::Value::deserialize(deserializer) {
            Ok(value) => InvocationPayload::Json(value),
            Err(error) => InvocationPayload::Unreadable(error.to_string()),
        })
    }
}
