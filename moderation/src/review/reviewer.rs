//! The reviewer: reads IVS Chat's request, runs the moderation engine, and always produces a
//! valid reply — the engine's decision, or the configured fail mode when it cannot decide.

use std::panic::{catch_unwind, AssertUnwindSafe};

use serde::Deserialize;

use super::config::FailMode;
use super::contract::{
    attributes_bytes, Attributes, ContractViolation, InvocationPayload, ReviewRequest,
    ReviewResponse, ReviewResult, MAX_ATTRIBUTES_BYTES, MAX_CONTENT_CHARS, REASON_ATTRIBUTE,
};
use crate::{Decision, Moderator, RoomRef};

/// The reply attribute that names the rules that fired, comma-separated (for example
/// `blocklist.mask:builtin-en,pii.email.mask`). Set only when a rule fired; a value sent by
/// the client under this key is dropped so that clients cannot fake it.
pub const RULES_ATTRIBUTE: &str = "moderation.rules";
const UNREVIEWABLE_REASON: &str = "Message could not be reviewed.";
/// The reason of a DENY for a message whose own attributes leave no room for a valid reply.
pub const ATTRIBUTES_TOO_LARGE_REASON: &str = "Message attributes are too large.";
/// The reason of a DENY for a message longer than IVS Chat allows.
pub const TOO_LONG_REASON: &str = "Message is too long.";

/// How a reply came about, for logs and metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutcomeKind {
    /// The engine allowed the message unchanged.
    Allowed,
    /// The engine allowed the message with masked content.
    Rewritten,
    /// The engine denied the message.
    Denied,
    /// The request could not be read; the fail mode answered.
    BadRequest,
    /// The engine failed; the fail mode answered.
    EngineFailure,
}

impl OutcomeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Allowed => "allowed",
            Self::Rewritten => "rewritten",
            Self::Denied => "denied",
            Self::BadRequest => "bad_request",
            Self::EngineFailure => "engine_failure",
        }
    }
}

/// A reply and what led to it. `rules` is the value of the rules attribute (empty when no
/// rule fired); `detail` says what went wrong for the failure kinds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub response: ReviewResponse,
    pub kind: OutcomeKind,
    pub rules: String,
    pub message_id: String,
    pub room_arn: String,
    pub detail: Option<String>,
}

/// The moderation engine with the fail mode: build once at cold start, share by reference.
#[derive(Debug)]
pub struct Reviewer {
    moderator: Moderator,
    fail_mode: FailMode,
}

/// The parts of a request that can still be read when the request as a whole cannot.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct SalvagedRequest {
    content: Option<serde_json::Value>,
    message_id: Option<serde_json::Value>,
    room_arn: Option<serde_json::Value>,
}

impl Reviewer {
    pub fn new(moderator: Moderator, fail_mode: FailMode) -> Self {
        Self {
            moderator,
            fail_mode,
        }
    }

    pub fn fail_mode(&self) -> FailMode {
        self.fail_mode
    }

    /// The moderation engine this reviewer runs (to derive other policies from, such as a
    /// room's own rules on top of it).
    pub fn moderator(&self) -> &Moderator {
        &self.moderator
    }

    /// Reviews a raw request body. Never panics and always returns a valid reply.
    pub fn review_payload(&self, payload: &[u8]) -> Outcome {
        match serde_json::from_slice::<ReviewRequest>(payload) {
            Ok(request) => self.review(&request),
            Err(error) => {
                let salvaged = serde_json::from_slice(payload).unwrap_or_default();
                self.unreadable(salvaged, error.to_string())
            }
        }
    }

    /// Reviews a request already parsed as JSON (what the Lambda runtime hands over). Never
    /// panics and always returns a valid reply.
    pub fn review_value(&self, payload: &serde_json::Value) -> Outcome {
        match ReviewRequest::deserialize(payload) {
            Ok(request) => self.review(&request),
            Err(error) => {
                let salvaged = SalvagedRequest::deserialize(payload).unwrap_or_default();
                self.unreadable(salvaged, error.to_string())
            }
        }
    }

    /// Reads what the Lambda runtime handed over, JSON or not, as a request; when it cannot be
    /// read, the `Err` is the fail mode's valid reply.
    pub fn read(&self, payload: &InvocationPayload) -> Result<ReviewRequest, Box<Outcome>> {
        match payload {
            InvocationPayload::Json(value) => ReviewRequest::deserialize(value).map_err(|error| {
                let salvaged = SalvagedRequest::deserialize(value).unwrap_or_default();
                Box::new(self.unreadable(salvaged, error.to_string()))
            }),
            InvocationPayload::Unreadable(why) => Err(Box::new(self.unreadable(
                SalvagedRequest::default(),
                format!("the payload is not JSON: {why}"),
            ))),
        }
    }

    /// Refuses `request` before the engine sees it (the sender is banned, for example):
    /// a DENY with `reason` for the sender and `rule` in the rules attribute.
    pub fn refuse(&self, request: &ReviewRequest, reason: &str, rule: &str) -> Outcome {
        let mut response = deny(&request.content, reason);
        if attributes_bytes(&response.attributes) + RULES_ATTRIBUTE.len() + rule.len()
            <= MAX_ATTRIBUTES_BYTES
        {
            response
                .attributes
                .insert(RULES_ATTRIBUTE.to_owned(), rule.to_owned());
        }
        let outcome = Outcome {
            response,
            kind: OutcomeKind::Denied,
            rules: rule.to_owned(),
            message_id: request.message_id.clone(),
            room_arn: request.room_arn.clone(),
            detail: None,
        };
        conform(outcome, &request.content)
    }

    /// Reviews one request. Never panics and always returns a reply that IVS Chat accepts
    /// (see [`ReviewResponse::check`]), whatever the request holds.
    pub fn review(&self, request: &ReviewRequest) -> Outcome {
        if let Some(refusal) = refuse_unanswerable(request) {
            return refusal;
        }
        let room = RoomRef::from_arn(&request.room_arn);
        let decided = catch_unwind(AssertUnwindSafe(|| {
            let decision = self.moderator.review(room, &request.content);
            reply(request, &decision)
        }));
        let outcome = match decided {
            Ok(outcome) => outcome,
            Err(panic) => {
                let detail = panic
                    .downcast_ref::<&str>()
                    .map(|s| (*s).to_owned())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "the moderation engine panicked".to_owned());
                self.failed(
                    Some(&request.content),
                    OutcomeKind::EngineFailure,
                    request.message_id.clone(),
                    request.room_arn.clone(),
                    detail,
                )
            }
        };
        conform(outcome, &request.content)
    }

    fn unreadable(&self, salvaged: SalvagedRequest, detail: String) -> Outcome {
        let text = |v: Option<serde_json::Value>| match v {
            Some(serde_json::Value::String(s)) => Some(s),
            _ => None,
        };
        let content = text(salvaged.content);
        let outcome = self.failed(
            content.as_deref(),
            OutcomeKind::BadRequest,
            text(salvaged.message_id).unwrap_or_default(),
            text(salvaged.room_arn).unwrap_or_default(),
            detail,
        );
        conform(outcome, content.as_deref().unwrap_or_default())
    }

    /// The fail-mode reply. ALLOW needs the original content; without it the message is
    /// refused, because nothing valid can be delivered.
    fn failed(
        &self,
        content: Option<&str>,
        kind: OutcomeKind,
        message_id: String,
        room_arn: String,
        detail: String,
    ) -> Outcome {
        let response = match (self.fail_mode, content) {
            (FailMode::Allow, Some(content)) => ReviewResponse {
                review_result: ReviewResult::Allow,
                content: content.to_owned(),
                attributes: Attributes::new(),
            },
            (_, content) => deny(content.unwrap_or_default(), UNREVIEWABLE_REASON),
        };
        Outcome {
            response,
            kind,
            rules: String::new(),
            message_id,
            room_arn,
            detail: Some(detail),
        }
    }
}

/// A DENY with `reason` for a message whose content was `original`. `Content` is the original
/// (IVS asks for it in every reply), cut to what IVS allows.
fn deny(original: &str, reason: &str) -> ReviewResponse {
    ReviewResponse {
        review_result: ReviewResult::Deny,
        content: original.chars().take(MAX_CONTENT_CHARS).collect(),
        attributes: Attributes::from([(REASON_ATTRIBUTE.to_owned(), reason.to_owned())]),
    }
}

/// The client's attributes as a reply may carry them: without a forged rules attribute.
fn client_attributes(request: &ReviewRequest) -> Attributes {
    request
        .attributes
        .iter()
        .filter(|(key, _)| key.as_str() != RULES_ATTRIBUTE)
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// The DENY for a request no valid ALLOW can answer, before the engine runs: content over
/// IVS's maximum, or client attributes over IVS's 1 KB budget for a reply's attributes. IVS
/// refuses such messages itself before review; a reply that echoed them would be invalid,
/// and the room's fallback (ALLOW by default) would then deliver the original unreviewed.
fn refuse_unanswerable(request: &ReviewRequest) -> Option<Outcome> {
    let reason = if request.content.chars().count() > MAX_CONTENT_CHARS {
        TOO_LONG_REASON
    } else if attributes_bytes(&client_attributes(request)) > MAX_ATTRIBUTES_BYTES {
        ATTRIBUTES_TOO_LARGE_REASON
    } else {
        return None;
    };
    Some(Outcome {
        response: deny(&request.content, reason),
        kind: OutcomeKind::Denied,
        rules: String::new(),
        message_id: request.message_id.clone(),
        room_arn: request.room_arn.clone(),
        detail: Some(reason.to_owned()),
    })
}

/// The last step of every reply: one that IVS would not accept (see
/// [`ReviewResponse::check`]) becomes a DENY, never an invalid answer that the room's
/// fallback would overrule.
fn conform(mut outcome: Outcome, original: &str) -> Outcome {
    if let Err(violation) = outcome.response.check(original) {
        let reason = match violation {
            ContractViolation::AttributesTooLarge { .. } => ATTRIBUTES_TOO_LARGE_REASON,
            ContractViolation::ContentTooLong { .. } => TOO_LONG_REASON,
            ContractViolation::DenyWithoutReason => UNREVIEWABLE_REASON,
        };
        outcome.response = deny(original, reason);
        if matches!(outcome.kind, OutcomeKind::Allowed | OutcomeKind::Rewritten) {
            outcome.kind = OutcomeKind::Denied;
        }
        let detail = match outcome.detail.take() {
            Some(before) => format!("{before}; the reply broke IVS's contract: {violation}"),
            None => format!("the reply broke IVS's contract: {violation}"),
        };
        outcome.detail = Some(detail);
    }
    outcome
}

/// The reply for an engine decision: the client's attributes (without a forged rules
/// attribute) plus the rules attribute when it fits IVS's 1 KB budget.
fn reply(request: &ReviewRequest, decision: &Decision<'_>) -> Outcome {
    let rules = decision.rules_attribute();
    let mut attributes = client_attributes(request);
    let (review_result, kind) = match (decision.is_allow(), decision.is_rewritten()) {
        (true, false) => (ReviewResult::Allow, OutcomeKind::Allowed),
        (true, true) => (ReviewResult::Allow, OutcomeKind::Rewritten),
        (false, _) => (ReviewResult::Deny, OutcomeKind::Denied),
    };
    if review_result == ReviewResult::Deny {
        // The sender sees the reason; the message is not delivered, so its own attributes
        // have no reader.
        attributes.clear();
        let reason = decision
            .reason
            .map(|r| r.message())
            .unwrap_or(UNREVIEWABLE_REASON);
        attributes.insert(REASON_ATTRIBUTE.to_owned(), reason.to_owned());
    }
    if !rules.is_empty()
        && attributes_bytes(&attributes) + RULES_ATTRIBUTE.len() + rules.len()
            <= MAX_ATTRIBUTES_BYTES
    {
        attributes.insert(RULES_ATTRIBUTE.to_owned(), rules.clone());
    }
    let content = match review_result {
        ReviewResult::Allow => decision.content.clone().into_owned(),
        ReviewResult::Deny => request.content.chars().take(MAX_CONTENT_CHARS).collect(),
    };
    Outcome {
        response: ReviewResponse {
            review_result,
            content,
            attributes,
        },
        kind,
        rules,
        message_id: request.message_id.clone(),
        room_arn: request.room_arn.clone(),
        detail: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::PolicySet;

    const ROOM: &str = "arn:aws:ivschat:us-east-1:123456789012:room/abcdEFGH1234";

    fn reviewer(fail_mode: FailMode) -> Reviewer {
        Reviewer::new(Moderator::builtin().expect("built-in policy"), fail_mode)
    }

    fn request(content: &str, attributes: &[(&str, &str)]) -> ReviewRequest {
        ReviewRequest {
            content: content.to_owned(),
            message_id: "msg-1".to_owned(),
            room_arn: ROOM.to_owned(),
            attributes: attributes
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            sender: Default::default(),
        }
    }

    #[test]
    fn clean_message_is_allowed_unchanged_with_the_clients_attributes_only() {
        let outcome = reviewer(FailMode::Allow).review(&request("gg well played", &[("a", "1")]));
        assert_eq!(outcome.kind, OutcomeKind::Allowed);
        assert_eq!(outcome.response.review_result, ReviewResult::Allow);
        assert_eq!(outcome.response.content, "gg well played");
        assert_eq!(
            outcome.response.attributes,
            Attributes::from([("a".to_owned(), "1".to_owned())])
        );
        assert!(outcome.rules.is_empty());
    }

    #[test]
    fn masked_message_is_rewritten_and_names_the_rules() {
        let outcome = reviewer(FailMode::Allow).review(&request("you are a sh1t", &[]));
        assert_eq!(outcome.kind, OutcomeKind::Rewritten);
        assert_eq!(outcome.response.review_result, ReviewResult::Allow);
        assert_eq!(outcome.response.content, "you are a ****");
        let rules = &outcome.response.attributes[RULES_ATTRIBUTE];
        assert!(rules.starts_with("blocklist.mask"), "{rules}");
        assert_eq!(rules, &outcome.rules);
    }

    #[test]
    fn denied_message_carries_a_reason_and_the_original_content() {
        let outcome = reviewer(FailMode::Allow).review(&request("mail me at a.b@example.com", &[]));
        // The built-in policy masks e-mail addresses; a custom one denies them.
        assert_eq!(outcome.kind, OutcomeKind::Rewritten);
        let set =
            PolicySet::from_json_str(r#"{"default":{"pii":{"emails":"deny"}}}"#).expect("policy");
        let strict = Reviewer::new(Moderator::new(&set).expect("compiles"), FailMode::Allow);
        let outcome = strict.review(&request("mail me at a.b@example.com", &[("k", "v")]));
        assert_eq!(outcome.kind, OutcomeKind::Denied);
        assert_eq!(outcome.response.review_result, ReviewResult::Deny);
        assert_eq!(outcome.response.content, "mail me at a.b@example.com");
        assert_eq!(
            outcome.response.attributes[REASON_ATTRIBUTE],
            "Message contains personal information."
        );
        assert_eq!(
            outcome.response.attributes[RULES_ATTRIBUTE],
            "pii.email.deny"
        );
        assert!(!outcome.response.attributes.contains_key("k"));
    }

    #[test]
    fn a_client_cannot_forge_the_rules_attribute() {
        let outcome = reviewer(FailMode::Allow)
            .review(&request("hello there", &[(RULES_ATTRIBUTE, "approved")]));
        assert!(!outcome.response.attributes.contains_key(RULES_ATTRIBUTE));
    }

    #[test]
    fn the_rules_attribute_is_left_out_when_it_would_break_the_1kb_budget() {
        let big = "x".repeat(1000);
        let outcome =
            reviewer(FailMode::Allow).review(&request("you are a sh1t", &[("big", &big)]));
        assert_eq!(outcome.response.content, "you are a ****");
        assert!(!outcome.response.attributes.contains_key(RULES_ATTRIBUTE));
        assert!(
            !outcome.rules.is_empty(),
            "the outcome still names the rules for the log"
        );
    }

    #[test]
    fn the_wire_reply_has_the_documented_shape() {
        let outcome = reviewer(FailMode::Allow).review_payload(
            br#"{"Content":"hi","MessageId":"m","RoomArn":"r","Attributes":{},"Sender":{"UserId":"u","Attributes":{},"Ip":"127.0.0.1"}}"#,
        );
        let json = serde_json::to_value(&outcome.response).expect("serializes");
        assert_eq!(
            json,
            serde_json::json!({"ReviewResult":"ALLOW","Content":"hi","Attributes":{}})
        );
    }

    #[test]
    fn unreadable_requests_get_the_fail_mode_answer() {
        let allow = reviewer(FailMode::Allow);
        let deny = reviewer(FailMode::Deny);
        // Content readable, attributes not: ALLOW the original under fail mode allow.
        let payload = br#"{"Content":"hi","MessageId":"m1","Attributes":{"n":1}}"#;
        let outcome = allow.review_payload(payload);
        assert_eq!(outcome.kind, OutcomeKind::BadRequest);
        assert_eq!(outcome.response.review_result, ReviewResult::Allow);
        assert_eq!(outcome.response.content, "hi");
        assert_eq!(outcome.message_id, "m1");
        assert!(outcome.detail.is_some());
        let outcome = deny.review_payload(payload);
        assert_eq!(outcome.response.review_result, ReviewResult::Deny);
        assert_eq!(
            outcome.response.attributes[REASON_ATTRIBUTE],
            UNREVIEWABLE_REASON
        );
        // No content at all: nothing valid can be allowed, so even fail mode allow refuses.
        for payload in [&b"[1,2]"[..], b"not json", b"{}", b"{\"Content\":7}"] {
            let outcome = allow.review_payload(payload);
            assert_eq!(outcome.response.review_result, ReviewResult::Deny);
            assert_eq!(outcome.kind, OutcomeKind::BadRequest);
        }
        // The same through an already-parsed value.
        let value = serde_json::json!({"Content": "hi", "Sender": "nobody"});
        let outcome = allow.review_value(&value);
        assert_eq!(outcome.kind, OutcomeKind::BadRequest);
        assert_eq!(outcome.response.content, "hi");
        let outcome = allow.review_value(&serde_json::json!(null));
        assert_eq!(outcome.response.review_result, ReviewResult::Deny);
    }
}
