//! Fuzzes the message-review path: any bytes as IVS Chat's request, any text as message
//! content, and the bytes read as a message built from pieces of every script the engine
//! folds (the fuzzer rarely writes valid Hangul, kana or Devanagari on its own). The reviewer
//! must never panic, must always answer ALLOW or DENY validly (a DENY with a reason), and the
//! content it allows must never be longer than the message and must be stable when reviewed
//! again. Seeds of every script are in `seeds/review`, their tokens in `review.dict`.

#![no_main]

use std::sync::OnceLock;

use ivschat_moderation::review::REASON_ATTRIBUTE;
use ivschat_moderation::{FailMode, Moderator, ReviewRequest, ReviewResult, Reviewer};
use libfuzzer_sys::fuzz_target;

fn reviewer() -> &'static Reviewer {
    static REVIEWER: OnceLock<Reviewer> = OnceLock::new();
    REVIEWER.get_or_init(|| {
        Reviewer::new(
            Moderator::builtin().expect("the built-in policy compiles"),
            FailMode::Allow,
        )
    })
}

/// Pieces of every script, with the variants and disguises folding makes one.
const PIECES: &[&str] = &[
    "fuck",
    "f.u.c.k",
    "sh1t",
    " ",
    ".",
    "*",
    "\u{200B}",
    "a",
    "I",
    "ｆｕｃｋ",
    "fu\u{0441}k",
    "блядь",
    "х\u{0443}й",
    "и",
    "Scheiße",
    "İ",
    "ı",
    "sık",
    "con",
    "t'es",
    "un",
    "puta",
    "é",
    "시발",
    "ㅅ",
    "ㅂ",
    "시",
    "발",
    "バカ",
    "ﾊﾞｶ",
    "ﾞ",
    "グローバル",
    "グロ",
    "幹",
    "他妈的",
    "媽",
    "كــلب",
    "\u{0640}",
    "\u{064E}",
    "شرموطة",
    "चूतिया",
    "\u{093C}",
    "\u{0901}",
    "chutiya",
    "\u{095C}",
    "\u{094D}",
    "\u{200D}",
    "\u{200C}",
    "गांड",
    "लण्ड",
    "१",
    "।",
    "κ",
    "Καλημέρα",
    "\u{0301}",
    "ｆ",
    "\u{1109}",
    "ㅣ",
    "😂",
    "👨\u{200D}👩",
    "👍🏽",
    "🇮🇳",
    "1\u{FE0F}\u{20E3}",
    "\u{3000}",
    "、",
];

/// The message the bytes spell out of `PIECES`.
fn scripted(data: &[u8]) -> String {
    data.iter()
        .map(|&b| PIECES[usize::from(b) % PIECES.len()])
        .collect()
}

fn check(reviewer: &Reviewer, content: &str) {
    let request = ReviewRequest {
        content: content.to_owned(),
        message_id: "m".to_owned(),
        room_arn: "arn:aws:ivschat:us-east-1:123456789012:room/abcdEFGH1234".to_owned(),
        attributes: Default::default(),
        sender: Default::default(),
    };
    let first = reviewer.review(&request);
    if first.response.review_result == ReviewResult::Deny {
        let reason = first.response.attributes.get(REASON_ATTRIBUTE);
        assert!(
            reason.is_some_and(|r| !r.trim().is_empty()),
            "DENY without a reason"
        );
    }
    if first.response.review_result == ReviewResult::Allow {
        let allowed = &first.response.content;
        assert!(allowed.chars().count() <= content.chars().count());
        assert!(allowed.len() <= content.len());
        let again = reviewer.review(&ReviewRequest {
            content: allowed.clone(),
            ..request
        });
        assert_eq!(again.response.review_result, ReviewResult::Allow);
        assert_eq!(
            &again.response.content, allowed,
            "reviewing twice changes nothing"
        );
    }
}

fuzz_target!(|data: &[u8]| {
    let reviewer = reviewer();
    check(reviewer, &scripted(data));
    // Any bytes as the request body.
    let outcome = reviewer.review_payload(data);
    if outcome.response.review_result == ReviewResult::Allow {
        assert!(serde_json::to_string(&outcome.response).is_ok());
    }
    // Any text as the message content.
    let Ok(content) = std::str::from_utf8(data) else {
        return;
    };
    check(reviewer, content);
});
