//! The reviewer's configuration (which policy, what to answer when review fails), read once
//! from the environment at cold start.

use std::path::PathBuf;
use std::str::FromStr;

use crate::{Moderator, Policy, PolicyError, PolicySet};

/// Environment variable naming a policy file (`.json`, `.yaml` or `.yml`).
pub const POLICY_PATH_VAR: &str = "MODERATION_POLICY_PATH";
/// Environment variable holding a JSON policy inline (used when no path is set).
pub const POLICY_JSON_VAR: &str = "MODERATION_POLICY_JSON";
/// Environment variable choosing what an internal failure answers: `allow` or `deny`.
pub const FAIL_MODE_VAR: &str = "REVIEW_FAIL_MODE";

/// What the reviewer answers when it cannot review a message (an unreadable request or an
/// internal failure): ALLOW delivers the message unchanged, DENY refuses it. The default is
/// ALLOW, like the default `fallbackResult` of an IVS room.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum FailMode {
    #[default]
    Allow,
    Deny,
}

impl FromStr for FailMode {
    type Err = ConfigError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.trim().to_ascii_lowercase().as_str() {
            "allow" => Ok(Self::Allow),
            "deny" => Ok(Self::Deny),
            _ => Err(ConfigError::FailMode(text.to_owned())),
        }
    }
}

/// Where the moderation policy comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PolicySource {
    /// The policy embedded in the crate ([`PolicySet::builtin`]).
    Builtin,
    /// A policy file (`MODERATION_POLICY_PATH`).
    File(PathBuf),
    /// A JSON policy given inline (`MODERATION_POLICY_JSON`).
    InlineJson(String),
}

/// The reviewer's settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewConfig {
    pub policy: PolicySource,
    pub fail_mode: FailMode,
}

/// Why the reviewer's settings cannot be used; each names the variable to fix.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{FAIL_MODE_VAR} must be `allow` or `deny`, not `{0}`")]
    FailMode(String),
    #[error("{var}: {source}")]
    Policy {
        var: &'static str,
        #[source]
        source: PolicyError,
    },
}

impl ReviewConfig {
    /// Reads the settings from the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads the settings through `lookup` (the environment, or a map in tests). Empty values
    /// count as unset.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        let policy = match (get(POLICY_PATH_VAR), get(POLICY_JSON_VAR)) {
            (Some(path), _) => PolicySource::File(PathBuf::from(path)),
            (None, Some(json)) => PolicySource::InlineJson(json),
            (None, None) => PolicySource::Builtin,
        };
        let fail_mode = match get(FAIL_MODE_VAR) {
            Some(text) => text.parse()?,
            None => FailMode::default(),
        };
        Ok(Self { policy, fail_mode })
    }

    /// Where the policy comes from, for the start-up log line (inline JSON is not repeated).
    pub fn policy_label(&self) -> String {
        match &self.policy {
            PolicySource::Builtin => "built-in".to_owned(),
            PolicySource::File(path) => path.display().to_string(),
            PolicySource::InlineJson(_) => POLICY_JSON_VAR.to_owned(),
        }
    }

    /// Loads, validates and compiles the configured policy.
    pub fn moderator(&self) -> Result<Moderator, ConfigError> {
        let (var, set) = match &self.policy {
            PolicySource::Builtin => return Ok(builtin()),
            PolicySource::File(path) => (POLICY_PATH_VAR, PolicySet::from_path(path)),
            PolicySource::InlineJson(json) => (POLICY_JSON_VAR, PolicySet::from_json_str(json)),
        };
        set.and_then(|set| Moderator::new(&set))
            .map_err(|source| ConfigError::Policy { var, source })
    }
}

fn builtin() -> Moderator {
    // The built-in policy is compiled by unit tests of the moderation module; should it ever
    // fail, a moderator with the code defaults is better than a function that cannot start.
    Moderator::builtin().unwrap_or_else(|_| {
        let code_defaults = PolicySet {
            default: Policy::default(),
            rooms: Vec::new(),
        };
        Moderator::new(&code_defaults).expect("the code-default policy compiles")
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config(vars: &[(&str, &str)]) -> Result<ReviewConfig, ConfigError> {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        ReviewConfig::from_lookup(|name| vars.get(name).cloned())
    }

    #[test]
    fn defaults_are_builtin_policy_and_allow() {
        let config = config(&[]).expect("defaults");
        assert_eq!(config.policy, PolicySource::Builtin);
        assert_eq!(config.fail_mode, FailMode::Allow);
    }

    #[test]
    fn fail_mode_is_parsed_case_insensitively_and_bad_values_name_the_variable() {
        assert_eq!(
            config(&[(FAIL_MODE_VAR, "DENY")]).expect("deny").fail_mode,
            FailMode::Deny
        );
        let error = config(&[(FAIL_MODE_VAR, "maybe")]).expect_err("bad");
        assert!(error.to_string().contains(FAIL_MODE_VAR), "{error}");
        assert!(error.to_string().contains("maybe"), "{error}");
    }

    #[test]
    fn a_path_wins_over_inline_json_and_a_missing_file_names_the_variable() {
        let config = config(&[
            (POLICY_PATH_VAR, "/nonexistent/policy.json"),
            (POLICY_JSON_VAR, "{}"),
        ])
        .expect("config");
        let error = config.moderator().expect_err("missing file");
        let text = error.to_string();
        assert!(text.contains(POLICY_PATH_VAR), "{text}");
        assert!(text.contains("/nonexistent/policy.json"), "{text}");
    }

    #[test]
    fn inline_json_policy_is_validated() {
        let error = config(&[(POLICY_JSON_VAR, "{not json")])
            .expect("config")
            .moderator()
            .expect_err("bad json");
        assert!(error.to_string().contains(POLICY_JSON_VAR), "{error}");
    }
}
