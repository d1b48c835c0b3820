//! The history's settings, read once from the environment at cold start.

use time::Duration;

/// `HISTORY_TABLE_NAME` (required) and `HISTORY_RETENTION_DAYS` (default 30, 1 to 3650).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryConfig {
    pub table_name: String,
    pub retention: Duration,
}

pub const TABLE_NAME_VAR: &str = "HISTORY_TABLE_NAME";
pub const RETENTION_DAYS_VAR: &str = "HISTORY_RETENTION_DAYS";
pub const DEFAULT_RETENTION_DAYS: i64 = 30;

impl HistoryConfig {
    pub fn from_env() -> Result<Self, super::HistoryError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads the settings through `lookup`; empty values count as unset.
    pub fn from_lookup(
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, super::HistoryError> {
        let get = |name: &str| {
            lookup(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let table_name = get(TABLE_NAME_VAR).ok_or_else(|| {
            super::HistoryError::Config(format!(
                "{TABLE_NAME_VAR} is not set: name the chat history table"
            ))
        })?;
        let days = match get(RETENTION_DAYS_VAR) {
            None => DEFAULT_RETENTION_DAYS,
            Some(text) => text
                .parse::<i64>()
                .ok()
                .filter(|d| (1..=3650).contains(d))
                .ok_or_else(|| {
                    super::HistoryError::Config(format!(
                        "{RETENTION_DAYS_VAR}: `{text}` is not a whole number of days from 1 to 3650"
                    ))
                })?,
        };
        Ok(HistoryConfig {
            table_name,
            retention: Duration::days(days),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_refusals() {
        let config = HistoryConfig::from_lookup(|name| {
            (name == TABLE_NAME_VAR).then(|| "History".to_owned())
        })
        .expect("valid");
        assert_eq!(config.table_name, "History");
        assert_eq!(config.retention, Duration::days(30));
        let missing = HistoryConfig::from_lookup(|_| None).expect_err("no table");
        assert!(missing.to_string().contains(TABLE_NAME_VAR));
        for bad in ["0", "3651", "x", "1.5"] {
            let error = HistoryConfig::from_lookup(|name| match name {
                TABLE_NAME_VAR => Some("History".to_owned()),
                _ => Some(bad.to_owned()),
            })
            .expect_err(bad);
            assert!(error.to_string().contains(RETENTION_DAYS_VAR), "{bad}");
        }
    }
}
