//! The review function's settings for live room moderation, read once at cold start: the
//! table (unset: rooms have no live rules) and how long reads and writes may take.

use std::time::Duration;

use super::cache::CacheSettings;
use super::store::TABLE_NAME_VAR;
use crate::env_number::bounded_number;

/// How long a room's settings are used before they are read again (milliseconds).
pub const MAX_AGE_VAR: &str = "ROOM_SETTINGS_MAX_AGE_MS";
/// The longest read of a room's settings (milliseconds).
pub const READ_TIMEOUT_VAR: &str = "ROOM_SETTINGS_TIMEOUT_MS";
/// The longest slow-mode or strike write, timeout ban or disconnect (milliseconds).
pub const STATE_TIMEOUT_VAR: &str = "ROOM_STATE_TIMEOUT_MS";

/// The settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GuardConfig {
    pub table: String,
    pub cache: CacheSettings,
    pub state_timeout: Duration,
}

/// A variable that is not acceptable, named.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{var}: {message}")]
pub struct GuardConfigError {
    pub var: &'static str,
    pub message: String,
}

fn millis(
    lookup: &impl Fn(&str) -> Option<String>,
    var: &'static str,
    default: u64,
    range: std::ops::RangeInclusive<u64>,
) -> Result<Duration, GuardConfigError> {
    bounded_number(lookup, var, default, range)
        .map(Duration::from_millis)
        .map_err(|e| GuardConfigError {
            var: e.var,
            message: format!("{e} (milliseconds)"),
        })
}

impl GuardConfig {
    /// Reads the settings through `lookup`; `None` when the table is not named.
    pub fn from_lookup(
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<Option<GuardConfig>, GuardConfigError> {
        let Some(table) = lookup(TABLE_NAME_VAR)
            .map(|t| t.trim().to_owned())
            .filter(|t| !t.is_empty())
        else {
            return Ok(None);
        };
        Ok(Some(GuardConfig {
            table,
            cache: CacheSettings {
                // At most 5 s: a change must take effect within 5 s everywhere.
                max_age: millis(&lookup, MAX_AGE_VAR, 2000, 0..=5000)?,
                read_timeout: millis(&lookup, READ_TIMEOUT_VAR, 100, 1..=150)?,
                compile_wait: CacheSettings::default().compile_wait,
            },
            state_timeout: millis(&lookup, STATE_TIMEOUT_VAR, 40, 1..=100)?,
        }))
    }

    /// Reads the settings from the process environment.
    pub fn from_env() -> Result<Option<GuardConfig>, GuardConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(vars: &[(&str, &str)]) -> Result<Option<GuardConfig>, GuardConfigError> {
        let vars: std::collections::HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        GuardConfig::from_lookup(|name| vars.get(name).cloned())
    }

    #[test]
    fn without_a_table_rooms_have_no_live_rules_and_defaults_fit_the_review_budget() {
        assert_eq!(config(&[]), Ok(None));
        let config = config(&[(TABLE_NAME_VAR, "T")])
            .expect("valid")
            .expect("on");
        assert_eq!(config.cache.max_age, Duration::from_secs(2));
        assert_eq!(config.cache.read_timeout, Duration::from_millis(100));
        assert_eq!(config.state_timeout, Duration::from_millis(40));
    }

    #[test]
    fn bad_values_name_their_variable() {
        let error = config(&[(TABLE_NAME_VAR, "T"), (MAX_AGE_VAR, "6000")]).expect_err("> 5 s");
        assert_eq!(error.var, MAX_AGE_VAR);
        let error =
            config(&[(TABLE_NAME_VAR, "T"), (STATE_TIMEOUT_VAR, "soon")]).expect_err("text");
        assert_eq!(error.var, STATE_TIMEOUT_VAR);
    }
}
