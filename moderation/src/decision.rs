//! What a review decides: allow (maybe rewritten) or deny with a reason, and the rules that fired.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Allow,
    Deny,
}

/// Why a message was denied; `as_str` is machine-readable, `message` is for the sender.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DenyReason {
    BlockedLanguage,
    BlockedLink,
    PersonalInformation,
    Spam,
}

impl DenyReason {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::BlockedLanguage => "blocked_language",
            Self::BlockedLink => "blocked_link",
            Self::PersonalInformation => "personal_information",
            Self::Spam => "spam",
        }
    }

    pub fn message(self) -> &'static str {
        match self {
            Self::BlockedLanguage => "Message contains language that is not allowed in this room.",
            Self::BlockedLink => "Message contains a link that is not allowed in this room.",
            Self::PersonalInformation => "Message contains personal information.",
            Self::Spam => "Message looks like spam.",
        }
    }
}

/// A rule of the engine, as reported in `Decision::rules`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RuleKind {
    BlocklistMask,
    BlocklistDeny,
    LinkMask,
    LinkDeny,
    EmailMask,
    EmailDeny,
    PhoneMask,
    PhoneDeny,
    Shouting,
    CharFlood,
    EmojiFlood,
    LongToken,
}

impl RuleKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::BlocklistMask => "blocklist.mask",
            Self::BlocklistDeny => "blocklist.deny",
            Self::LinkMask => "link.mask",
            Self::LinkDeny => "link.deny",
            Self::EmailMask => "pii.email.mask",
            Self::EmailDeny => "pii.email.deny",
            Self::PhoneMask => "pii.phone.mask",
            Self::PhoneDeny => "pii.phone.deny",
            Self::Shouting => "spam.shouting",
            Self::CharFlood => "spam.char_flood",
            Self::EmojiFlood => "spam.emoji_flood",
            Self::LongToken => "spam.long_token",
        }
    }
}

/// A rule that fired, with the blocklist it came from where there is one. Displays as
/// `blocklist.mask:builtin-en` or `spam.shouting`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FiredRule {
    pub kind: RuleKind,
    pub list: Option<Arc<str>>,
}

impl fmt::Display for FiredRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.list {
            Some(list) => write!(f, "{}:{list}", self.kind.as_str()),
            None => f.write_str(self.kind.as_str()),
        }
    }
}

/// The outcome of reviewing one message.
///
/// Invariants: `content` is never longer than the message reviewed (in characters and in
/// bytes); reviewing `content` again allows it unchanged; on `Deny`, `reason` is set and
/// `content` is the original.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision<'a> {
    pub verdict: Verdict,
    pub content: Cow<'a, str>,
    pub reason: Option<DenyReason>,
    pub rules: Vec<FiredRule>,
}

impl Decision<'_> {
    pub fn is_allow(&self) -> bool {
        self.verdict == Verdict::Allow
    }

    /// Whether the content was changed.
    pub fn is_rewritten(&self) -> bool {
        matches!(self.content, Cow::Owned(_))
    }

    /// The rules that fired, comma-separated, for a message attribute or a log field.
    pub fn rules_attribute(&self) -> String {
        let mut out = String::new();
        for (i, rule) in self.rules.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(&rule.to_string());
        }
        out
    }
}
