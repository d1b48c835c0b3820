//! The janitor's configuration, read once from the environment at cold start. Every setting
//! but the stack name has a safe default; a bad value stops the function at start-up with a
//! message naming the variable.

use std::time::Duration;

use super::policy::Policy;
use super::retry::RetryPolicy;

/// The managed-by tag value of this stack's rooms (required).
pub const STACK_NAME_VAR: &str = "JANITOR_STACK_NAME";
/// Hours of idleness after which a managed room is stale, or `off`.
pub const IDLE_TTL_HOURS_VAR: &str = "JANITOR_IDLE_TTL_HOURS";
/// `true`: report what would be deleted, delete nothing.
pub const DRY_RUN_VAR: &str = "JANITOR_DRY_RUN";
/// DeleteRoom calls per second (AWS quota: 5).
pub const DELETE_TPS_VAR: &str = "JANITOR_DELETE_TPS";
/// ListRooms calls per second (AWS quota: 5).
pub const LIST_TPS_VAR: &str = "JANITOR_LIST_TPS";
/// ListLoggingConfigurations and DeleteLoggingConfiguration calls per second (AWS quota: 3).
pub const LOGGING_CONFIGURATION_TPS_VAR: &str = "JANITOR_LOGGING_CONFIGURATION_TPS";
/// Rooms being checked or deleted at once.
pub const MAX_CONCURRENCY_VAR: &str = "JANITOR_MAX_CONCURRENCY";
/// Milliseconds of Lambda time left at which no new work starts.
pub const TIME_MARGIN_MS_VAR: &str = "JANITOR_TIME_MARGIN_MS";
/// Milliseconds one IVS Chat call may take before it is abandoned (and retried).
pub const CALL_TIMEOUT_MS_VAR: &str = "JANITOR_CALL_TIMEOUT_MS";
/// Attempts per call, the first included.
pub const MAX_ATTEMPTS_VAR: &str = "JANITOR_MAX_ATTEMPTS";
/// `true`: read a candidate's tags again just before deleting it.
pub const RECHECK_TAGS_VAR: &str = "JANITOR_RECHECK_TAGS";
/// `true`: also delete this stack's logging configurations that no room uses.
pub const CLEAN_LOGGING_CONFIGURATIONS_VAR: &str = "JANITOR_CLEAN_LOGGING_CONFIGURATIONS";
/// CloudWatch namespace of the run's metrics.
pub const METRICS_NAMESPACE_VAR: &str = "JANITOR_METRICS_NAMESPACE";

/// Default idle TTL: 30 days.
pub const DEFAULT_IDLE_TTL_HOURS: u64 = 720;
/// Default DeleteRoom and ListRooms rate: AWS's quota for each.
pub const DEFAULT_ROOM_TPS: f64 = 5.0;
/// Default logging-configuration operation rate: AWS's quota.
pub const DEFAULT_LOGGING_CONFIGURATION_TPS: f64 = 3.0;
pub const DEFAULT_MAX_CONCURRENCY: usize = 4;
pub const DEFAULT_TIME_MARGIN: Duration = Duration::from_secs(10);
pub const DEFAULT_CALL_TIMEOUT: Duration = Duration::from_secs(5);
pub const DEFAULT_METRICS_NAMESPACE: &str = "IvsChatServerless/RoomJanitor";

/// Why the janitor cannot start; each names the variable to fix.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConfigError {
    #[error("{0} is required")]
    Missing(&'static str),
    #[error("{var} = {value:?}: expected {expected}")]
    Invalid {
        var: &'static str,
        value: String,
        expected: &'static str,
    },
    #[error(
        "{CALL_TIMEOUT_MS_VAR} ({call_timeout_ms}) must be below {TIME_MARGIN_MS_VAR} \
         ({time_margin_ms}), so that a call started just before the margin ends in time"
    )]
    TimeoutExceedsMargin {
        call_timeout_ms: u128,
        time_margin_ms: u128,
    },
}

/// Everything a janitor run needs to know.
#[derive(Clone, Debug, PartialEq)]
pub struct JanitorConfig {
    /// Which rooms are this stack's and when they are stale.
    pub policy: Policy,
    /// Report only, delete nothing. An invocation can ask for a dry run, never out of one.
    pub dry_run: bool,
    pub delete_tps: f64,
    pub list_tps: f64,
    pub logging_configuration_tps: f64,
    pub max_concurrency: usize,
    /// No new work starts when less Lambda time than this is left.
    pub time_margin: Duration,
    /// One call's time limit; a call that exceeds it is retried.
    pub call_timeout: Duration,
    pub retry: RetryPolicy,
    /// Read each candidate's tags again just before deleting it, so that a room that became
    /// active, was retained or got a later expiry since the listing is kept.
    pub recheck_tags: bool,
    pub clean_logging_configurations: bool,
    pub metrics_namespace: String,
}

impl JanitorConfig {
    /// The defaults for a stack: 30 days' idle TTL, AWS's quotas, 4 at once, a 10 s time
    /// margin, 5 s per call, 6 attempts, tags re-read before deleting, logging
    /// configurations left alone, deleting (not a dry run).
    pub fn with_defaults(stack_name: impl Into<String>) -> Self {
        JanitorConfig {
            policy: Policy {
                stack_name: stack_name.into(),
                idle_ttl: Some(hours(DEFAULT_IDLE_TTL_HOURS)),
            },
            dry_run: false,
            delete_tps: DEFAULT_ROOM_TPS,
            list_tps: DEFAULT_ROOM_TPS,
            logging_configuration_tps: DEFAULT_LOGGING_CONFIGURATION_TPS,
            max_concurrency: DEFAULT_MAX_CONCURRENCY,
            time_margin: DEFAULT_TIME_MARGIN,
            call_timeout: DEFAULT_CALL_TIMEOUT,
            retry: RetryPolicy::default(),
            recheck_tags: true,
            clean_logging_configurations: false,
            metrics_namespace: DEFAULT_METRICS_NAMESPACE.to_owned(),
        }
    }

    /// Reads the settings from the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads the settings through `lookup` (the environment, or a map in tests). Empty values
    /// count as unset.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let get = |var: &'static str| {
            lookup(var)
                .map(|value| value.trim().to_owned())
                .filter(|value| !value.is_empty())
                .map(|value| (var, value))
        };
        let stack_name = get(STACK_NAME_VAR)
            .ok_or(ConfigError::Missing(STACK_NAME_VAR))?
            .1;
        if stack_name.chars().count() > 256 {
            return Err(invalid(
                STACK_NAME_VAR,
                &stack_name,
                "a tag value of at most 256 characters",
            ));
        }
        let mut config = JanitorConfig::with_defaults(stack_name);
        if let Some((var, value)) = get(IDLE_TTL_HOURS_VAR) {
            config.policy.idle_ttl = if value.eq_ignore_ascii_case("off") {
                None
            } else {
                Some(hours(parse_int(var, &value, 1, 24 * 365 * 10)?))
            };
        }
        if let Some((var, value)) = get(DRY_RUN_VAR) {
            config.dry_run = parse_bool(var, &value)?;
        }
        if let Some((var, value)) = get(DELETE_TPS_VAR) {
            config.delete_tps = parse_rate(var, &value)?;
        }
        if let Some((var, value)) = get(LIST_TPS_VAR) {
            config.list_tps = parse_rate(var, &value)?;
        }
        if let Some((var, value)) = get(LOGGING_CONFIGURATION_TPS_VAR) {
            config.logging_configuration_tps = parse_rate(var, &value)?;
        }
        if let Some((var, value)) = get(MAX_CONCURRENCY_VAR) {
            config.max_concurrency = parse_int(var, &value, 1, 64)? as usize;
        }
        if let Some((var, value)) = get(TIME_MARGIN_MS_VAR) {
            config.time_margin = Duration::from_millis(parse_int(var, &value, 1, 900_000)?);
        }
        if let Some((var, value)) = get(CALL_TIMEOUT_MS_VAR) {
            config.call_timeout = Duration::from_millis(parse_int(var, &value, 1, 900_000)?);
        }
        if let Some((var, value)) = get(MAX_ATTEMPTS_VAR) {
            config.retry.max_attempts = parse_int(var, &value, 1, 20)? as u32;
        }
        if let Some((var, value)) = get(RECHECK_TAGS_VAR) {
            config.recheck_tags = parse_bool(var, &value)?;
        }
        if let Some((var, value)) = get(CLEAN_LOGGING_CONFIGURATIONS_VAR) {
            config.clean_logging_configurations = parse_bool(var, &value)?;
        }
        if let Some((_, value)) = get(METRICS_NAMESPACE_VAR) {
            config.metrics_namespace = value;
        }
        if config.call_timeout >= config.time_margin {
            return Err(ConfigError::TimeoutExceedsMargin {
                call_timeout_ms: config.call_timeout.as_millis(),
                time_margin_ms: config.time_margin.as_millis(),
            });
        }
        Ok(config)
    }
}

fn hours(count: u64) -> Duration {
    Duration::from_secs(count * 3600)
}

fn invalid(var: &'static str, value: &str, expected: &'static str) -> ConfigError {
    ConfigError::Invalid {
        var,
        value: value.to_owned(),
        expected,
    }
}

fn parse_bool(var: &'static str, value: &str) -> Result<bool, ConfigError> {
    match value.to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" => Ok(true),
        "false" | "0" | "no" => Ok(false),
        _ => Err(invalid(var, value, "`true` or `false`")),
    }
}

fn parse_int(var: &'static str, value: &str, min: u64, max: u64) -> Result<u64, ConfigError> {
    match value.parse::<u64>() {
        Ok(number) if (min..=max).contains(&number) => Ok(number),
        _ => Err(invalid(
            var,
            value,
            "a whole number in the documented range",
        )),
    }
}

fn parse_rate(var: &'static str, value: &str) -> Result<f64, ConfigError> {
    match value.parse::<f64>() {
        Ok(rate) if rate.is_finite() && rate > 0.0 && rate <= 10_000.0 => Ok(rate),
        _ => Err(invalid(
            var,
            value,
            "calls per second, a number above 0 and at most 10000",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn load(vars: &[(&str, &str)]) -> Result<JanitorConfig, ConfigError> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        JanitorConfig::from_lookup(|name| map.get(name).cloned())
    }

    #[test]
    fn the_stack_name_is_required() {
        assert_eq!(load(&[]), Err(ConfigError::Missing(STACK_NAME_VAR)));
        assert_eq!(
            load(&[(STACK_NAME_VAR, "  ")]),
            Err(ConfigError::Missing(STACK_NAME_VAR))
        );
    }

    #[test]
    fn defaults_are_safe_and_at_the_aws_quotas() {
        let config = load(&[(STACK_NAME_VAR, "prod-chat")]).expect("valid");
        assert_eq!(config, JanitorConfig::with_defaults("prod-chat"));
        assert_eq!(config.policy.stack_name, "prod-chat");
        assert_eq!(
            config.policy.idle_ttl,
            Some(Duration::from_secs(720 * 3600))
        );
        assert!(!config.dry_run);
        assert_eq!(config.delete_tps, 5.0);
        assert_eq!(config.list_tps, 5.0);
        assert_eq!(config.logging_configuration_tps, 3.0);
        assert!(config.recheck_tags);
        assert!(!config.clean_logging_configurations);
        assert!(config.call_timeout < config.time_margin);
    }

    #[test]
    fn every_setting_is_read() {
        let config = load(&[
            (STACK_NAME_VAR, "prod-chat"),
            (IDLE_TTL_HOURS_VAR, "48"),
            (DRY_RUN_VAR, "TRUE"),
            (DELETE_TPS_VAR, "2.5"),
            (LIST_TPS_VAR, "1"),
            (LOGGING_CONFIGURATION_TPS_VAR, "0.5"),
            (MAX_CONCURRENCY_VAR, "8"),
            (TIME_MARGIN_MS_VAR, "20000"),
            (CALL_TIMEOUT_MS_VAR, "3000"),
            (MAX_ATTEMPTS_VAR, "3"),
            (RECHECK_TAGS_VAR, "false"),
            (CLEAN_LOGGING_CONFIGURATIONS_VAR, "1"),
            (METRICS_NAMESPACE_VAR, "Chat/Janitor"),
        ])
        .expect("valid");
        assert_eq!(config.policy.idle_ttl, Some(Duration::from_secs(48 * 3600)));
        assert!(config.dry_run);
        assert_eq!(config.delete_tps, 2.5);
        assert_eq!(config.list_tps, 1.0);
        assert_eq!(config.logging_configuration_tps, 0.5);
        assert_eq!(config.max_concurrency, 8);
        assert_eq!(config.time_margin, Duration::from_secs(20));
        assert_eq!(config.call_timeout, Duration::from_secs(3));
        assert_eq!(config.retry.max_attempts, 3);
        assert!(!config.recheck_tags);
        assert!(config.clean_logging_configurations);
        assert_eq!(config.metrics_namespace, "Chat/Janitor");
    }

    #[test]
    fn the_idle_ttl_can_be_turned_off_but_not_set_to_zero() {
        let config = load(&[(STACK_NAME_VAR, "s"), (IDLE_TTL_HOURS_VAR, "off")]).expect("valid");
        assert_eq!(config.policy.idle_ttl, None);
        let error = load(&[(STACK_NAME_VAR, "s"), (IDLE_TTL_HOURS_VAR, "0")]);
        assert!(matches!(
            error,
            Err(ConfigError::Invalid {
                var: IDLE_TTL_HOURS_VAR,
                ..
            })
        ));
    }

    #[test]
    fn bad_values_name_their_variable() {
        for (var, value) in [
            (DRY_RUN_VAR, "maybe"),
            (DELETE_TPS_VAR, "0"),
            (DELETE_TPS_VAR, "fast"),
            (LIST_TPS_VAR, "-1"),
            (MAX_CONCURRENCY_VAR, "0"),
            (MAX_ATTEMPTS_VAR, "100"),
            (TIME_MARGIN_MS_VAR, "soon"),
        ] {
            let error = load(&[(STACK_NAME_VAR, "s"), (var, value)]).expect_err(var);
            assert!(error.to_string().starts_with(var), "{error}");
        }
    }

    #[test]
    fn a_call_timeout_must_fit_inside_the_time_margin() {
        let error = load(&[
            (STACK_NAME_VAR, "s"),
            (TIME_MARGIN_MS_VAR, "2000"),
            (CALL_TIMEOUT_MS_VAR, "2000"),
        ]);
        assert!(matches!(
            error,
            Err(ConfigError::TimeoutExceedsMargin { .. })
        ));
    }
}
