//! Fuzzes the message-review path: any bytes as IVS Chat's request, and any text as message
//! content. The reviewer must never panic, must always answer ALLOW or DENY validly, and the
//! content it allows must never be longer than the message and must be stable when reviewed
//! again.

#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use ivschat_moderation::{FailMode, Moderator, ReviewRequest, ReviewResult, Reviewer};

fn reviewer() -> &'static Reviewer {
    static REVIEWER: OnceLock<Reviewer> = OnceLock::new();
    REVIEWER.get_or_init(|| {
        Reviewer::new(
            Moderator::builtin().expect("the built-in policy compiles"),
            FailMode::Allow,
        )
    })
}

fuzz_target!(|data: &[u8]| {
    let reviewer = reviewer();
    // Any bytes as the request body.
    let outcome = reviewer.review_payload(data);
    if outcome.response.review_result == ReviewResult::Allow {
        assert!(serde_json::to_string(&outcome.response).is_ok());
    }
    // Any text as the message content.
    let Ok(content) = std::str::from_utf8(data) else {
        return;
    };
    let request = ReviewRequest {
        content: content.to_owned(),
        message_id: "m".to_owned(),
        room_arn: "arn:aws:ivschat:us-east-1:123456789012:room/abcdEFGH1234".to_owned(),
        attributes: Default::default(),
        sender: Default::default(),
    };
    let first = reviewer.review(&request);
    if first.response.review_result == ReviewResult::Allow {
        let allowed = &first.response.content;
        assert!(allowed.chars().count() <= content.chars().count());
        assert!(allowed.len() <= content.len());
        let again = reviewer.review(&ReviewRequest {
            content: allowed.clone(),
            ..request
        });
        assert_eq!(again.response.review_result, ReviewResult::Allow);
        assert_eq!(&again.response.content, allowed, "reviewing twice changes nothing");
    }
});
