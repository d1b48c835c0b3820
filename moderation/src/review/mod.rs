//! Message review as IVS Chat calls it: the request it sends a [review
//! handler](https://docs.aws.amazon.com/ivs/latest/ChatUserGuide/chat-message-review-handler.html)
//! for every message, the reply it accepts, and the [`Reviewer`] that turns a moderation
//! decision into that reply, always a valid one.
//!
//! Three parts, one file each: `contract` (the wire types and IVS's limits on a reply),
//! `reviewer` (request in, reply out, with the fail mode), `config` (the reviewer's settings
//! from the environment).
//!
//! ```
//! use ivschat_moderation::{FailMode, Moderator, ReviewResult, Reviewer};
//!
//! let reviewer = Reviewer::new(Moderator::builtin().expect("built-in policy"), FailMode::Allow);
//! let payload = br#"{"Content":"oh f.u.c.k off","MessageId":"m1",
//!   "RoomArn":"arn:aws:ivschat:us-east-1:123456789012:room/abcdEFGH1234",
//!   "Attributes":{"emote":"wave"},"Sender":{"UserId":"alice","Attributes":{},"Ip":"203.0.113.7"}}"#;
//! let outcome = reviewer.review_payload(payload);
//! assert_eq!(outcome.response.review_result, ReviewResult::Allow);
//! assert_eq!(outcome.response.content, "oh ******* off");
//! assert_eq!(outcome.response.attributes["emote"], "wave");
//! ```

mod config;
mod contract;
mod reviewer;

pub use config::{
    ConfigError, FailMode, PolicySource, ReviewConfig, FAIL_MODE_VAR, POLICY_JSON_VAR,
    POLICY_PATH_VAR,
};
pub use contract::{
    attributes_bytes, Attributes, ContractViolation, InvocationPayload, ReviewRequest,
    ReviewResponse, ReviewResult, ReviewSender, MAX_ATTRIBUTES_BYTES, MAX_CONTENT_CHARS,
    REASON_ATTRIBUTE,
};
pub use reviewer::{
    Outcome, OutcomeKind, Reviewer, ATTRIBUTES_TOO_LARGE_REASON, RULES_ATTRIBUTE, TOO_LONG_REASON,
};
