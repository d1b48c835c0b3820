//! The token issuer's configuration, read once from the environment at cold start.

use crate::env_number::bounded_number;
use std::time::Duration;

use crate::http_api::AccessConfig;

/// The token issuer's settings; every field has an environment variable (README lists them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatTokenConfig {
    /// The claims and groups (`GROUPS_CLAIM`, `NAME_CLAIM`, `PICTURE_CLAIM`,
    /// `MODERATOR_GROUP`, `ADMIN_GROUP`): admins moderate too.
    pub access: AccessConfig,
    /// `VIEWER_GROUP` (default none): signed-in members of it may only watch.
    pub viewer_group: Option<String>,
    /// `SESSION_DURATION_MINUTES` (default 60, 1 to 180): the longest session a token opens.
    pub session_duration_minutes: u32,
    /// `CHAT_ENDPOINT` (default `wss://edge.ivschat.<AWS_REGION>.amazonaws.com`, or the
    /// `ws://` form of `AWS_ENDPOINT_URL_IVSCHAT` when that points the client elsewhere).
    pub chat_endpoint: String,
    /// `ROOM_CACHE_SECONDS` (default 30): how long a room's tags are reused (GetRoom is
    /// limited to 5 TPS per account).
    pub room_cache: Duration,
    /// `ACTIVITY_INTERVAL_SECONDS` (default 900; 0 turns it off): the least time between two
    /// writes of a room's last-active tag.
    pub activity_interval: Option<Duration>,
}

/// A setting that cannot be used; names the variable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{variable}: {problem}")]
pub struct ConfigError {
    pub variable: &'static str,
    pub problem: String,
}

impl ChatTokenConfig {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads the settings through `lookup`; empty values count as unset.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let get = |name: &str| {
            lookup(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let number = |variable: &'static str, default: u64, range| {
            bounded_number(&lookup, variable, default, range).map_err(|e| ConfigError {
                variable: e.var,
                problem: e.to_string(),
            })
        };
        let chat_endpoint = match get("CHAT_ENDPOINT") {
            Some(endpoint) => {
                if !(endpoint.starts_with("wss://") || endpoint.starts_with("ws://")) {
                    return Err(ConfigError {
                        variable: "CHAT_ENDPOINT",
                        problem: format!("`{endpoint}` is not a ws:// or wss:// URL"),
                    });
                }
                endpoint
            }
            None if get("AWS_ENDPOINT_URL_IVSCHAT").is_some() => {
                // The control plane is overridden (the local service): chat is on its listener.
                let endpoint = get("AWS_ENDPOINT_URL_IVSCHAT").unwrap_or_default();
                endpoint
                    .replacen("https://", "wss://", 1)
                    .replacen("http://", "ws://", 1)
            }
            None => {
                let region = get("AWS_REGION").ok_or_else(|| ConfigError {
                    variable: "CHAT_ENDPOINT",
                    problem: "unset, and AWS_REGION is unset too".to_owned(),
                })?;
                format!("wss://edge.ivschat.{region}.amazonaws.com")
            }
        };
        let activity = number("ACTIVITY_INTERVAL_SECONDS", 900, 0..=86_400)?;
        Ok(ChatTokenConfig {
            access: AccessConfig::from_lookup(&lookup),
            viewer_group: get("VIEWER_GROUP"),
            session_duration_minutes: number("SESSION_DURATION_MINUTES", 60, 1..=180)? as u32,
            chat_endpoint,
            room_cache: Duration::from_secs(number("ROOM_CACHE_SECONDS", 30, 0..=3600)?),
            activity_interval: (activity > 0).then(|| Duration::from_secs(activity)),
        })
    }

    /// The defaults with a local chat endpoint, for tests.
    pub fn for_tests() -> Self {
        Self::from_lookup(|name| {
            (name == "CHAT_ENDPOINT").then(|| "ws://127.0.0.1:8330".to_owned())
        })
        .expect("the test defaults are valid")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(vars: &[(&str, &str)]) -> Result<ChatTokenConfig, ConfigError> {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        ChatTokenConfig::from_lookup(|name| {
            vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
        })
    }

    #[test]
    fn defaults_follow_cognito_and_the_region() {
        let config = config(&[("AWS_REGION", "eu-west-1")]).expect("valid");
        assert_eq!(config.access.claims.groups, "cognito:groups");
        assert_eq!(config.access.moderator_group, "moderators");
        assert_eq!(config.access.admin_group.as_deref(), Some("admins"));
        assert_eq!(config.session_duration_minutes, 60);
        assert_eq!(
            config.chat_endpoint,
            "wss://edge.ivschat.eu-west-1.amazonaws.com"
        );
        assert_eq!(config.activity_interval, Some(Duration::from_secs(900)));
    }

    #[test]
    fn a_local_control_plane_endpoint_gives_the_local_chat_endpoint() {
        let config = config(&[
            ("AWS_REGION", "us-east-1"),
            ("AWS_ENDPOINT_URL_IVSCHAT", "http://127.0.0.1:8330"),
        ])
        .expect("valid");
        assert_eq!(config.chat_endpoint, "ws://127.0.0.1:8330");
    }

    #[test]
    fn bad_values_name_their_variable() {
        let error = config(&[("AWS_REGION", "x"), ("SESSION_DURATION_MINUTES", "181")])
            .expect_err("out of range");
        assert_eq!(error.variable, "SESSION_DURATION_MINUTES");
        let error = config(&[("CHAT_ENDPOINT", "http://x")]).expect_err("not ws");
        assert_eq!(error.variable, "CHAT_ENDPOINT");
        let error = config(&[]).expect_err("no region");
        assert_eq!(error.variable, "CHAT_ENDPOINT");
    }

    #[test]
    fn an_empty_admin_group_means_none_and_zero_turns_activity_off() {
        let config = config(&[
            ("AWS_REGION", "x"),
            ("ADMIN_GROUP", ""),
            ("ACTIVITY_INTERVAL_SECONDS", "0"),
        ])
        .expect("valid");
        assert_eq!(config.access.admin_group, None);
        assert_eq!(config.activity_interval, None);
    }
}
