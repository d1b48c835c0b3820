//! A room's live moderation settings: the document moderators edit through the HTTP API,
//! its defaults and its validation (the first bad field named).

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

/// Most blocked terms, and most allowed terms, a room may have.
pub const MAX_TERMS: usize = 1000;
/// Longest term, in characters.
pub const MAX_TERM_CHARS: usize = 100;
/// Longest slow mode, in seconds.
pub const MAX_SLOW_MODE_SECONDS: u32 = 120;
/// Longest strike window, timeout and held-message wait, in minutes (a day).
pub const MAX_MINUTES: u32 = 1440;
/// Most refusals a strike rule may count to.
pub const MAX_STRIKE_LIMIT: u32 = 100;
/// How long a held message waits for a moderator unless the room says otherwise.
pub const DEFAULT_HELD_MESSAGE_MINUTES: u32 = 60;

/// What a blocked term does to a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TermRule {
    /// The term is replaced by `*`.
    Mask,
    /// The message is refused.
    Deny,
    /// The message is kept back for a moderator (refused for now, the sender told so).
    Hold,
}

/// What links get in the room.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LinkRule {
    Allow,
    Mask,
    Hold,
    Deny,
}

/// One blocked word or phrase.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BlockedTerm {
    pub term: String,
    pub action: TermRule,
}

/// Refused messages that time a user out: `limit` refusals within `window_minutes` ban the
/// user from the room for `timeout_minutes` and disconnect them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StrikeRule {
    pub limit: u32,
    pub window_minutes: u32,
    pub timeout_minutes: u32,
}

/// Category levels in the spirit of AutoMod: 0 leaves the stack's policy as it is, 1 to 4
/// filter more of the category (4 the most). They only ever tighten the stack's policy.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct CategoryLevels {
    pub profanity: u8,
    pub sexual: u8,
    pub discrimination: u8,
    pub hostility: u8,
}

impl CategoryLevels {
    /// Each category with its level and the built-in list's tags it covers.
    pub fn each(&self) -> [(&'static str, u8, &'static [&'static str]); 4] {
        [
            ("profanity", self.profanity, &["general"]),
            ("sexual", self.sexual, &["sexual"]),
            (
                "discrimination",
                self.discrimination,
                &["racial", "lgbtq", "religious"],
            ),
            ("hostility", self.hostility, &["shock"]),
        ]
    }
}

/// A room's settings, as saved. Every field has a default, so `{}` is "the stack's policy".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct RoomModerationSettings {
    pub blocked_terms: Vec<BlockedTerm>,
    pub allowed_terms: Vec<String>,
    /// `None`: as the stack's policy says.
    pub links: Option<LinkRule>,
    pub slow_mode_seconds: u32,
    /// `None`: no strikes.
    pub strikes: Option<StrikeRule>,
    pub categories: CategoryLevels,
    pub held_message_minutes: u32,
}

impl Default for RoomModerationSettings {
    fn default() -> Self {
        RoomModerationSettings {
            blocked_terms: Vec::new(),
            allowed_terms: Vec::new(),
            links: None,
            slow_mode_seconds: 0,
            strikes: None,
            categories: CategoryLevels::default(),
            held_message_minutes: DEFAULT_HELD_MESSAGE_MINUTES,
        }
    }
}

/// `PUT /rooms/{roomId}/moderation`: the whole document, and the version it was based on.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SettingsBody {
    #[serde(default)]
    pub blocked_terms: Vec<BlockedTerm>,
    #[serde(default)]
    pub allowed_terms: Vec<String>,
    #[serde(default)]
    pub links: Option<LinkRule>,
    #[serde(default)]
    pub slow_mode_seconds: u32,
    #[serde(default)]
    pub strikes: Option<StrikeRule>,
    #[serde(default)]
    pub categories: CategoryLevels,
    #[serde(default)]
    pub held_message_minutes: Option<u32>,
    /// The version this edit is based on; `None`: the last writer wins.
    #[serde(default)]
    pub version: Option<u64>,
}

impl SettingsBody {
    /// The settings and the version the edit expects.
    pub fn into_parts(self) -> (RoomModerationSettings, Option<u64>) {
        let settings = RoomModerationSettings {
            blocked_terms: self.blocked_terms,
            allowed_terms: self.allowed_terms,
            links: self.links,
            slow_mode_seconds: self.slow_mode_seconds,
            strikes: self.strikes,
            categories: self.categories,
            held_message_minutes: self
                .held_message_minutes
                .unwrap_or(DEFAULT_HELD_MESSAGE_MINUTES),
        };
        (settings, self.version)
    }
}

/// A field of the document that is not acceptable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct SettingsError {
    /// The field's path, e.g. `blockedTerms[3].term`.
    pub field: String,
    pub message: String,
}

fn invalid(field: impl Into<String>, message: impl Into<String>) -> SettingsError {
    SettingsError {
        field: field.into(),
        message: message.into(),
    }
}

fn check_term(field: String, term: &str) -> Result<(), SettingsError> {
    let chars = term.chars().count();
    if term.trim().is_empty() {
        return Err(invalid(field, "is blank"));
    }
    if chars > MAX_TERM_CHARS {
        return Err(invalid(
            field,
            format!("has {chars} characters; at most {MAX_TERM_CHARS} are allowed"),
        ));
    }
    if term.chars().any(char::is_control) {
        return Err(invalid(field, "contains control characters"));
    }
    Ok(())
}

fn check_range(
    field: &str,
    value: u32,
    range: std::ops::RangeInclusive<u32>,
) -> Result<(), SettingsError> {
    if range.contains(&value) {
        Ok(())
    } else {
        Err(invalid(
            field,
            format!(
                "is {value}; it must be from {} to {}",
                range.start(),
                range.end()
            ),
        ))
    }
}

impl RoomModerationSettings {
    /// Checks every field a type cannot; the error names the first bad one.
    pub fn validate(&self) -> Result<(), SettingsError> {
        if self.blocked_terms.len() > MAX_TERMS {
            return Err(invalid(
                "blockedTerms",
                format!(
                    "has {} terms; at most {MAX_TERMS} are allowed",
                    self.blocked_terms.len()
                ),
            ));
        }
        let mut seen = HashSet::new();
        for (i, blocked) in self.blocked_terms.iter().enumerate() {
            let field = format!("blockedTerms[{i}].term");
            check_term(field.clone(), &blocked.term)?;
            if !seen.insert(blocked.term.trim().to_lowercase()) {
                return Err(invalid(field, "is listed twice"));
            }
        }
        if self.allowed_terms.len() > MAX_TERMS {
            return Err(invalid(
                "allowedTerms",
                format!(
                    "has {} terms; at most {MAX_TERMS} are allowed",
                    self.allowed_terms.len()
                ),
            ));
        }
        for (i, term) in self.allowed_terms.iter().enumerate() {
            check_term(format!("allowedTerms[{i}]"), term)?;
        }
        check_range(
            "slowModeSeconds",
            self.slow_mode_seconds,
            0..=MAX_SLOW_MODE_SECONDS,
        )?;
        if let Some(strikes) = &self.strikes {
            check_range("strikes.limit", strikes.limit, 1..=MAX_STRIKE_LIMIT)?;
            check_range(
                "strikes.windowMinutes",
                strikes.window_minutes,
                1..=MAX_MINUTES,
            )?;
            check_range(
                "strikes.timeoutMinutes",
                strikes.timeout_minutes,
                1..=MAX_MINUTES,
            )?;
        }
        for (name, level, _) in self.categories.each() {
            check_range(&format!("categories.{name}"), u32::from(level), 0..=4)?;
        }
        check_range(
            "heldMessageMinutes",
            self.held_message_minutes,
            1..=MAX_MINUTES,
        )?;
        Ok(())
    }

    /// Whether any blocked term or the link rule holds messages.
    pub fn holds(&self) -> bool {
        self.links == Some(LinkRule::Hold)
            || self
                .blocked_terms
                .iter()
                .any(|t| t.action == TermRule::Hold)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> RoomModerationSettings {
        let body: SettingsBody = serde_json::from_str(json).expect("a body");
        body.into_parts().0
    }

    fn bad_field(json: &str) -> String {
        parse(json).validate().expect_err(json).field
    }

    #[test]
    fn an_empty_document_is_the_stacks_policy_with_an_hour_for_held_messages() {
        let settings = parse("{}");
        assert_eq!(settings, RoomModerationSettings::default());
        assert_eq!(settings.held_message_minutes, 60);
        assert!(settings.validate().is_ok());
        assert!(!settings.holds());
    }

    #[test]
    fn a_full_document_reads_and_writes_back_the_same() {
        let settings = parse(
            r#"{"blockedTerms":[{"term":"spoiler","action":"hold"},{"term":"rosebud","action":"deny"}],
                "allowedTerms":["grape"],"links":"hold","slowModeSeconds":10,
                "strikes":{"limit":3,"windowMinutes":10,"timeoutMinutes":5},
                "categories":{"sexual":4},"heldMessageMinutes":30,"version":7}"#,
        );
        assert!(settings.validate().is_ok());
        assert!(settings.holds());
        let json = serde_json::to_string(&settings).expect("json");
        let again: RoomModerationSettings = serde_json::from_str(&json).expect("back");
        assert_eq!(again, settings);
    }

    #[test]
    fn every_bad_field_is_named() {
        assert_eq!(bad_field(r#"{"slowModeSeconds":121}"#), "slowModeSeconds");
        assert_eq!(
            bad_field(
                r#"{"blockedTerms":[{"term":"a","action":"mask"},{"term":"  ","action":"deny"}]}"#
            ),
            "blockedTerms[1].term"
        );
        assert_eq!(
            bad_field(
                r#"{"blockedTerms":[{"term":"Spoiler","action":"mask"},{"term":"spoiler","action":"deny"}]}"#
            ),
            "blockedTerms[1].term"
        );
        assert_eq!(
            bad_field(&format!(r#"{{"allowedTerms":["{}"]}}"#, "x".repeat(101))),
            "allowedTerms[0]"
        );
        assert_eq!(
            bad_field(r#"{"strikes":{"limit":0,"windowMinutes":1,"timeoutMinutes":1}}"#),
            "strikes.limit"
        );
        assert_eq!(
            bad_field(r#"{"strikes":{"limit":3,"windowMinutes":1,"timeoutMinutes":2000}}"#),
            "strikes.timeoutMinutes"
        );
        assert_eq!(
            bad_field(r#"{"categories":{"hostility":5}}"#),
            "categories.hostility"
        );
        assert_eq!(
            bad_field(r#"{"heldMessageMinutes":0}"#),
            "heldMessageMinutes"
        );
        let many: Vec<String> = (0..1001)
            .map(|i| format!(r#"{{"term":"t{i}","action":"mask"}}"#))
            .collect();
        assert_eq!(
            bad_field(&format!(r#"{{"blockedTerms":[{}]}}"#, many.join(","))),
            "blockedTerms"
        );
    }

    #[test]
    fn unknown_fields_and_actions_are_refused_when_read() {
        assert!(serde_json::from_str::<SettingsBody>(r#"{"slowmode":3}"#).is_err());
        assert!(serde_json::from_str::<SettingsBody>(
            r#"{"blockedTerms":[{"term":"a","action":"shadowban"}]}"#
        )
        .is_err());
    }
}
