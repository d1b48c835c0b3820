//! Message review as IVS Chat calls it (DIGEST §3): the request it sends for every message, the
//! reply it accepts, and the reviewer that turns a moderation decision into that reply.
//!
//! ```
//! use shared::moderation::Moderator;
//! use shared::review::{FailMode, Reviewer, ReviewResult};
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
    BanCheckConfig, ConfigError, FailMode, PolicySource, ReviewConfig, BAN_CHECK_MAX_AGE_VAR,
    BAN_CHECK_TIMEOUT_VAR,
};
pub use contract::Attributes;
pub use contract::{
    attributes_bytes, ContractViolation, InvocationPayload, ReviewRequest, ReviewResponse,
    ReviewResult, ReviewSender, MAX_ATTRIBUTES_BYTES, MAX_CONTENT_CHARS, REASON_ATTRIBUTE,
};
pub use reviewer::{
    Outcome, OutcomeKind, Reviewer, ATTRIBUTES_TOO_LARGE_REASON, RULES_ATTRIBUTE, TOO_LONG_REASON,
};
