//! The wire types of the review handler: what IVS Chat sends and what it accepts back.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

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
