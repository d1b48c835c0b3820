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

pub use config::{ConfigError, FailMode, PolicySource, ReviewConfig};
pub use contract::Attributes;
pub use contract::{ReviewRequest, ReviewResponse, ReviewResult, ReviewSender};
pub use reviewer::{Outcome, OutcomeKind, Reviewer, REASON_ATTRIBUTE, RULES_ATTRIBUTE};
