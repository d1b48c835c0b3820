//! The review handler's contract with IVS Chat, as a property: for any request IVS could send
//! (and for requests it could not), every reply is one IVS accepts. An invalid reply would let
//! the room's fallback (ALLOW by default) deliver the original, unreviewed message.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use ivschat_moderation::review::{
    attributes_bytes, FailMode, ReviewRequest, ReviewResponse, ReviewResult, ReviewSender,
    Reviewer, MAX_ATTRIBUTES_BYTES, MAX_CONTENT_CHARS, REASON_ATTRIBUTE, RULES_ATTRIBUTE,
};
use ivschat_moderation::{Moderator, PolicySet};
use proptest::prelude::*;

const ROOM: &str = "arn:aws:ivschat:us-east-1:123456789012:room/abcdEFGH1234";

/// The reviewers under test: the built-in policy and a strict one (links and personal
/// information denied), each with both fail modes.
fn reviewers() -> &'static [Reviewer] {
    static R: OnceLock<Vec<Reviewer>> = OnceLock::new();
    R.get_or_init(|| {
        let strict = PolicySet::from_json_str(
            r#"{"default":{"pii":{"emails":"deny","phones":"deny"},"links":{"action":"deny"}}}"#,
        )
        .expect("strict policy");
        let mut all = Vec::new();
        for fail_mode in [FailMode::Allow, FailMode::Deny] {
            all.push(Reviewer::new(
                Moderator::builtin().expect("built-in"),
                fail_mode,
            ));
            all.push(Reviewer::new(
                Moderator::new(&strict).expect("strict compiles"),
                fail_mode,
            ));
        }
        all
    })
}

/// Chat text of any length up to past IVS's maximum: profanity and its evasions, emoji
/// floods, over-long tokens, links, personal information, words of every script the engine
/// folds, any character.
fn content() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("fuck".to_owned()),
        Just("f.u.c.k".to_owned()),
        Just("sh1t".to_owned()),
        Just("ｆｕｃｋ".to_owned()),
        Just("😂😂😂😂😂😂😂😂".to_owned()),
        Just("🎉".to_owned()),
        Just("a".repeat(60)),
        Just("jo@example.com".to_owned()),
        Just("https://x.example/a".to_owned()),
        Just("+1 555 123 4567".to_owned()),
        Just("AAAAAAAA LOUD".to_owned()),
        super::moderation_properties::script_word(),
        "[a-zA-Z]{1,8}",
        "[ .\\-_*!$@|0-9]{1,3}",
        any::<char>().prop_map(String::from),
    ];
    prop::collection::vec(piece, 1..80).prop_map(|v| v.concat())
}

/// Message attributes from none to well over IVS's 1 KB, sometimes with the keys a reply
/// itself uses (a forged rules attribute, a forged reason).
fn attributes() -> impl Strategy<Value = BTreeMap<String, String>> {
    let key = prop_oneof![
        Just(RULES_ATTRIBUTE.to_owned()),
        Just(REASON_ATTRIBUTE.to_owned()),
        Just(String::new()),
        "[a-zA-Z.]{1,12}",
        "\\PC{1,40}",
    ];
    let value = prop_oneof![
        "\\PC{0,20}",
        (0usize..1200).prop_map(|n| "v".repeat(n)),
        (0usize..300).prop_map(|n| "é".repeat(n)),
    ];
    prop::collection::btree_map(key, value, 0..6)
}

fn request() -> impl Strategy<Value = ReviewRequest> {
    (content(), attributes(), "[a-zA-Z0-9]{0,12}", attributes()).prop_map(
        |(content, attributes, user_id, sender_attributes)| ReviewRequest {
            content,
            message_id: "msg-1".to_owned(),
            room_arn: ROOM.to_owned(),
            attributes,
            sender: ReviewSender {
                user_id,
                attributes: sender_attributes,
                ip: Some("203.0.113.7".to_owned()),
            },
        },
    )
}

/// Every rule of the contract, stated apart from the code under test.
fn assert_valid(reply: &ReviewResponse, original: &str) -> Result<(), TestCaseError> {
    let chars = reply.content.chars().count();
    prop_assert!(chars <= MAX_CONTENT_CHARS, "Content of {chars} code points");
    prop_assert!(
        chars <= original.chars().count(),
        "Content longer than the message"
    );
    let bytes = attributes_bytes(&reply.attributes);
    prop_assert!(bytes <= MAX_ATTRIBUTES_BYTES, "Attributes of {bytes} bytes");
    if reply.review_result == ReviewResult::Deny {
        let reason = reply.attributes.get(REASON_ATTRIBUTE);
        prop_assert!(
            reason.is_some_and(|r| !r.trim().is_empty()),
            "DENY without a reason"
        );
    }
    let wire = serde_json::to_value(reply).expect("a reply serializes");
    prop_assert!(matches!(
        wire["ReviewResult"].as_str(),
        Some("ALLOW") | Some("DENY")
    ));
    prop_assert!(wire["Content"].is_string());
    prop_assert!(wire["Attributes"].is_object());
    prop_assert!(reply.check(original).is_ok());
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn every_reply_to_any_request_is_one_ivs_accepts(request in request()) {
        for reviewer in reviewers() {
            let outcome = reviewer.review(&request);
            assert_valid(&outcome.response, &request.content)?;
            // A message whose own attributes cannot fit a reply is refused, never delivered
            // with them dropped or as the fallback's original.
            let own: BTreeMap<_, _> = request
                .attributes
                .iter()
                .filter(|(k, _)| k.as_str() != RULES_ATTRIBUTE)
                .collect();
            let own_bytes: usize = own.iter().map(|(k, v)| k.len() + v.len()).sum();
            if own_bytes > MAX_ATTRIBUTES_BYTES {
                prop_assert_eq!(outcome.response.review_result, ReviewResult::Deny);
            }
            // A client never forges the rules attribute.
            if let Some(rules) = outcome.response.attributes.get(RULES_ATTRIBUTE) {
                prop_assert_eq!(rules, &outcome.rules);
            }
        }
    }

    #[test]
    fn every_reply_to_any_payload_bytes_is_one_ivs_accepts(
        request in request(),
        cut in any::<prop::sample::Index>(),
        noise in prop::collection::vec(any::<u8>(), 0..40),
    ) {
        let whole = serde_json::to_vec(&request).expect("serializes");
        let truncated = &whole[..cut.index(whole.len() + 1)];
        for payload in [&whole[..], truncated, &noise[..]] {
            for reviewer in reviewers() {
                let outcome = reviewer.review_payload(payload);
                let original = if payload == &whole[..] { request.content.as_str() } else { "" };
                // For an unreadable payload the only content is whatever could be salvaged;
                // the reply may never be longer than the message it names.
                let salvaged = serde_json::from_slice::<serde_json::Value>(payload)
                    .ok()
                    .and_then(|v| v.get("Content").and_then(|c| c.as_str().map(str::to_owned)));
                let original = salvaged.as_deref().unwrap_or(original);
                assert_valid(&outcome.response, original)?;
            }
        }
    }
}

#[test]
fn oversized_client_attributes_get_a_deny_not_an_invalid_allow() {
    let reviewer = &reviewers()[0];
    let request = ReviewRequest {
        content: "oh f.u.c.k off".to_owned(),
        message_id: "m".to_owned(),
        room_arn: ROOM.to_owned(),
        attributes: BTreeMap::from([("pad".to_owned(), "x".repeat(2000))]),
        sender: ReviewSender::default(),
    };
    let outcome = reviewer.review(&request);
    assert_eq!(outcome.response.review_result, ReviewResult::Deny);
    assert_eq!(
        outcome.response.attributes[REASON_ATTRIBUTE],
        "Message attributes are too large."
    );
    assert!(outcome.response.check(&request.content).is_ok());
}

#[test]
fn content_over_ivs_maximum_is_refused_with_a_reply_ivs_accepts() {
    let content = "a".repeat(MAX_CONTENT_CHARS + 1);
    for reviewer in reviewers() {
        let outcome = reviewer.review_payload(
            serde_json::json!({"Content": content, "MessageId": "m", "RoomArn": ROOM})
                .to_string()
                .as_bytes(),
        );
        assert_eq!(outcome.response.review_result, ReviewResult::Deny);
        assert_eq!(outcome.response.content.chars().count(), MAX_CONTENT_CHARS);
        assert!(outcome.response.check(&content).is_ok());
    }
}
