//! A chat message moderation engine: a typed policy, compiled once, that reviews a chat
//! message in microseconds and says ALLOW (maybe rewritten, with blocked words, links and
//! personal information masked) or DENY with a reason, and which rules fired. Around it, the
//! review contract of [Amazon IVS
//! Chat](https://docs.aws.amazon.com/ivs/latest/ChatUserGuide/chat-message-review-handler.html):
//! the request IVS sends a review handler and the only replies it accepts.
//!
//! The crate does no I/O of its own beyond reading a policy file when asked to, and knows
//! nothing of AWS Lambda or the AWS SDKs: any program that reviews chat text can use it.
//!
//! # Moderating text
//!
//! ```
//! use ivschat_moderation::{Moderator, PolicySet, RoomRef, Verdict};
//!
//! // The built-in policy: an English word list, links, e-mail addresses and phone numbers
//! // masked, floods and shouting rewritten.
//! let moderator = Moderator::builtin().expect("the built-in policy compiles");
//! let room = RoomRef::from_arn("arn:aws:ivschat:us-west-2:123456789012:room/abcd1234");
//! let decision = moderator.review(room, "oh f.u.c.k off");
//! assert!(decision.is_allow());
//! assert_eq!(decision.content, "oh ******* off");
//! assert_eq!(
//!     decision.rules_attribute(),
//!     "blocklist.mask:builtin-en,blocklist.mask:en-compounds"
//! );
//!
//! // A policy of one's own (JSON here; files may also be YAML), with a stricter room.
//! let set = PolicySet::from_json_str(
//!     r#"{"rooms": [{"ids": ["kids1234"], "policy": {"links": {"action": "deny"}}}]}"#,
//! )
//! .expect("a valid policy");
//! let moderator = Moderator::new(&set).expect("it compiles");
//! let kids = RoomRef { id: "kids1234", name: None };
//! let decision = moderator.review(kids, "see https://example.com");
//! assert_eq!(decision.verdict, Verdict::Deny);
//! assert_eq!(
//!     decision.reason.map(|r| r.message()),
//!     Some("Message contains a link that is not allowed in this room.")
//! );
//! ```
//!
//! # Answering IVS Chat
//!
//! A [`Reviewer`] reads IVS Chat's request (any bytes), runs the engine and always produces a
//! reply IVS accepts; when it cannot review, its [`FailMode`] decides.
//!
//! ```
//! use ivschat_moderation::{FailMode, Moderator, ReviewResult, Reviewer};
//!
//! let reviewer = Reviewer::new(Moderator::builtin().expect("built-in policy"), FailMode::Deny);
//! let outcome = reviewer.review_payload(br#"{"Content":"hello","MessageId":"m1",
//!   "RoomArn":"arn:aws:ivschat:us-east-1:123456789012:room/abcdEFGH1234",
//!   "Attributes":{},"Sender":{"UserId":"alice","Attributes":{},"Ip":"203.0.113.7"}}"#);
//! assert_eq!(outcome.response.review_result, ReviewResult::Allow);
//! assert_eq!(outcome.response.content, "hello");
//! assert!(outcome.response.check("hello").is_ok());
//!
//! let outcome = reviewer.review_payload(b"not json");
//! assert_eq!(outcome.response.review_result, ReviewResult::Deny);
//! ```
//!
//! # Layout
//!
//! - [`policy`]: what a policy file may say ([`PolicySet`], [`Policy`] and their parts), its
//!   defaults, loading (JSON or YAML) and validation ([`PolicyError`]).
//! - `engine`: the compiled [`Moderator`]; text folding against disguises, the term lexicon,
//!   links and addresses, phone numbers, spam rules and the rewrite, one private module each.
//! - [`prebuilt`]: a policy's lexicon compiled when a program is built, embedded in it and
//!   read back at start-up instead of compiled again.
//! - `decision`: what a review says ([`Decision`], [`Verdict`], [`DenyReason`], [`RuleKind`]).
//! - `rooms`: [`RoomRef`], and how a policy set picks a room's policy.
//! - [`review`]: IVS Chat's review contract ([`ReviewRequest`], [`ReviewResponse`]), the
//!   [`Reviewer`] and its settings ([`ReviewConfig`]).
//!
//! The built-in word list and policy are embedded from the crate's `data/` folder (licence and
//! provenance beside them).

mod decision;
mod engine;
pub mod evasion;
pub mod policy;
pub mod review;
mod rooms;

pub use decision::{Decision, DenyReason, FiredRule, RuleKind, Verdict};
pub use engine::{prebuilt, Moderator};
pub use policy::{Policy, PolicyError, PolicySet};
pub use review::{
    Attributes, ConfigError, ContractViolation, FailMode, InvocationPayload, Outcome, OutcomeKind,
    PolicySource, ReviewConfig, ReviewRequest, ReviewResponse, ReviewResult, ReviewSender,
    Reviewer,
};
pub use rooms::RoomRef;

/// The folded form of `text` (case, accents, look-alikes, leetspeak and spelling-out undone),
/// runs of a letter written out in full: the form the word dictionaries in `data/` are stored
/// in. For the tools that build them; not needed to moderate text.
#[doc(hidden)]
pub fn folded_key(text: &str) -> String {
    engine::normalize::folded_key(text)
}

/// [`folded_key`] with Cyrillic and Greek letters read as the Latin letters they look like:
/// the second form the engine compiles a Cyrillic or Greek term in, to catch it disguised in
/// Latin letters (`cyka`). For the tools that build the lexicons.
#[doc(hidden)]
pub fn lookalike_key(text: &str) -> String {
    engine::normalize::lookalike_key(text)
}
