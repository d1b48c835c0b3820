//! The message moderation engine: a typed policy, compiled once, that reviews a chat message in
//! microseconds and says ALLOW (maybe rewritten) or DENY, and which rules fired.
//!
//! ```
//! use shared::moderation::{Moderator, RoomRef};
//!
//! let moderator = Moderator::builtin().expect("the built-in policy compiles");
//! let room = RoomRef::from_arn("arn:aws:ivschat:us-west-2:123456789012:room/abcd1234");
//! let decision = moderator.review(room, "oh f.u.c.k off");
//! assert!(decision.is_allow());
//! assert_eq!(decision.content, "oh ******* off");
//! ```

mod decision;
mod engine;
mod error;
mod lexicon;
mod links;
mod normalize;
mod pii;
mod policy;
mod rooms;
mod spam;

pub use decision::{Decision, DenyReason, FiredRule, RuleKind, Verdict};
pub use engine::Moderator;
pub use error::PolicyError;
pub use policy::{
    Blocklists, BuiltinList, CharFlood, ContentAction, EmojiFlood, LinkPolicy, LongToken,
    MatchMode, PiiPolicy, Policy, PolicySet, RoomPolicy, Shouting, SpamAction, SpamPolicy,
    TermAction, TermList,
};
pub use rooms::RoomRef;
