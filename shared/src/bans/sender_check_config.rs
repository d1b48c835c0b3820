//! The ban check's settings in the review function, read once from the environment at cold
//! start: on when the bans table is named, with bounded times.

use std::time::Duration;

use super::dynamo::TABLE_NAME_VAR;
use super::sender_check::SenderCheckSettings;
use crate::env_number::{bounded_number, NumberError};

/// Environment variable: how long, in milliseconds, the answer of the ban check is trusted
/// (the longest a new ban takes to stop a sender's messages). Default 2000; 0 reads the
/// store for every message.
pub const BAN_CHECK_MAX_AGE_VAR: &str = "BAN_CHECK_MAX_AGE_MS";
/// Environment variable: how long, in milliseconds, one read of the ban store may take
/// before the last known answer is used. Default 100, at most 150 (IVS gives review 200 ms).
pub const BAN_CHECK_TIMEOUT_VAR: &str = "BAN_CHECK_TIMEOUT_MS";

/// Longest allowed ban-check read: leaves the engine and the runtime most of IVS's 200 ms.
const MAX_BAN_CHECK_TIMEOUT_MS: u64 = 150;
/// Longest allowed trust in a ban-check answer.
const MAX_BAN_CHECK_MAX_AGE_MS: u64 = 60_000;

/// The ban check of the review function: which table, and how long answers are trusted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SenderCheckConfig {
    /// The bans table (`BANS_TABLE_NAME`).
    pub table: String,
    pub settings: SenderCheckSettings,
}

/// Why the ban check's settings cannot be used; each names the variable to fix.
#[derive(Debug, thiserror::Error)]
pub enum SenderCheckConfigError {
    #[error("{var}: {source} (milliseconds)", var = .source.var)]
    Millis {
        #[from]
        source: NumberError,
    },
}

impl SenderCheckConfig {
    /// Reads the settings from the process environment; `None` when `BANS_TABLE_NAME` is not
    /// set (senders are then not checked against bans).
    pub fn from_env() -> Result<Option<Self>, SenderCheckConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads the settings through `lookup` (the environment, or a map in tests). Empty values
    /// count as unset.
    pub fn from_lookup(
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<Option<Self>, SenderCheckConfigError> {
        let get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        let millis = |var: &'static str, default: Duration, min: u64, max: u64| {
            let default = u64::try_from(default.as_millis()).unwrap_or(u64::MAX);
            bounded_number(&lookup, var, default, min..=max).map(Duration::from_millis)
        };
        let Some(table) = get(TABLE_NAME_VAR) else {
            return Ok(None);
        };
        let defaults = SenderCheckSettings::default();
        Ok(Some(Self {
            table,
            settings: SenderCheckSettings {
                max_age: millis(
                    BAN_CHECK_MAX_AGE_VAR,
                    defaults.max_age,
                    0,
                    MAX_BAN_CHECK_MAX_AGE_MS,
                )?,
                read_timeout: millis(
                    BAN_CHECK_TIMEOUT_VAR,
                    defaults.read_timeout,
                    1,
                    MAX_BAN_CHECK_TIMEOUT_MS,
                )?,
            },
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config(vars: &[(&str, &str)]) -> Result<Option<SenderCheckConfig>, SenderCheckConfigError> {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        SenderCheckConfig::from_lookup(|name| vars.get(name).cloned())
    }

    #[test]
    fn the_ban_check_is_on_with_a_table_and_its_times_are_bounded() {
        assert_eq!(config(&[]).expect("defaults"), None);
        let bans = config(&[(TABLE_NAME_VAR, "Bans")])
            .expect("bans")
            .expect("on");
        assert_eq!(bans.table, "Bans");
        assert_eq!(bans.settings, SenderCheckSettings::default());
        let bans = config(&[
            (TABLE_NAME_VAR, "Bans"),
            (BAN_CHECK_MAX_AGE_VAR, "0"),
            (BAN_CHECK_TIMEOUT_VAR, "50"),
        ])
        .expect("bans")
        .expect("on");
        assert_eq!(bans.settings.max_age, Duration::ZERO);
        assert_eq!(bans.settings.read_timeout, Duration::from_millis(50));
        for (var, value) in [
            (BAN_CHECK_TIMEOUT_VAR, "500"),
            (BAN_CHECK_TIMEOUT_VAR, "0"),
            (BAN_CHECK_MAX_AGE_VAR, "-1"),
            (BAN_CHECK_MAX_AGE_VAR, "soon"),
        ] {
            let error = config(&[(TABLE_NAME_VAR, "Bans"), (var, value)]).expect_err(value);
            assert!(error.to_string().contains(var), "{error}");
        }
    }
}
