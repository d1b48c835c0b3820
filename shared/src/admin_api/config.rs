//! The administration API's configuration, read once from the environment at cold start.

use crate::http_api::AccessConfig;

/// Settings of the administration routes; README lists every variable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdminConfig {
    /// Claims and groups (`GROUPS_CLAIM`, `ADMIN_GROUP`, …).
    pub access: AccessConfig,
    /// `STACK_NAME` (required): the value of the managed-by tag on the rooms and logging
    /// configurations this API creates, which the room janitor looks for.
    pub stack_name: String,
    /// `REVIEW_FUNCTION_ARN` (default none): the review handler new rooms get unless the
    /// request says otherwise.
    pub review_function_arn: Option<String>,
    /// `REVIEW_FALLBACK_RESULT` (`ALLOW` or `DENY`, default `ALLOW`): that handler's fallback.
    pub review_fallback_result: String,
    /// `CHAT_LOGGING_CONFIGURATION_ARN` (default none): the logging configuration new rooms
    /// get unless the request names theirs; the stack's chat history reads what it logs.
    pub chat_logging_configuration_arn: Option<String>,
}

/// A setting that cannot be used; names the variable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{variable}: {problem}")]
pub struct AdminConfigError {
    pub variable: &'static str,
    pub problem: String,
}

impl AdminConfig {
    pub fn from_env() -> Result<Self, AdminConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads the settings through `lookup`; blank values count as unset.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, AdminConfigError> {
        let get = |name: &str| {
            lookup(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let stack_name = get("STACK_NAME").ok_or(AdminConfigError {
            variable: "STACK_NAME",
            problem: "is required: rooms this API creates are tagged with it".to_owned(),
        })?;
        let review_function_arn = get("REVIEW_FUNCTION_ARN");
        if let Some(arn) = &review_function_arn {
            if !arn.starts_with("arn:") || !arn.contains(":lambda:") {
                return Err(AdminConfigError {
                    variable: "REVIEW_FUNCTION_ARN",
                    problem: format!("`{arn}` is not a Lambda function ARN"),
                });
            }
        }
        let review_fallback_result = match get("REVIEW_FALLBACK_RESULT") {
            None => "ALLOW".to_owned(),
            Some(v) if v == "ALLOW" || v == "DENY" => v,
            Some(v) => {
                return Err(AdminConfigError {
                    variable: "REVIEW_FALLBACK_RESULT",
                    problem: format!("`{v}` is neither ALLOW nor DENY"),
                })
            }
        };
        let chat_logging_configuration_arn = get("CHAT_LOGGING_CONFIGURATION_ARN");
        if let Some(arn) = &chat_logging_configuration_arn {
            if !arn.starts_with("arn:") || !arn.contains(":logging-configuration/") {
                return Err(AdminConfigError {
                    variable: "CHAT_LOGGING_CONFIGURATION_ARN",
                    problem: format!("`{arn}` is not an IVS Chat logging configuration ARN"),
                });
            }
        }
        Ok(AdminConfig {
            access: AccessConfig::from_lookup(&lookup),
            stack_name,
            review_function_arn,
            review_fallback_result,
            chat_logging_configuration_arn,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(vars: &[(&str, &str)]) -> Result<AdminConfig, AdminConfigError> {
        AdminConfig::from_lookup(|name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        })
    }

    #[test]
    fn the_stack_name_is_required_and_the_rest_has_defaults() {
        assert_eq!(load(&[]).map_err(|e| e.variable), Err("STACK_NAME"));
        let config = load(&[("STACK_NAME", "chat")]).expect("valid");
        assert_eq!(config.review_function_arn, None);
        assert_eq!(config.review_fallback_result, "ALLOW");
    }

    #[test]
    fn bad_values_name_their_variable() {
        let error = load(&[("STACK_NAME", "chat"), ("REVIEW_FUNCTION_ARN", "review")])
            .expect_err("not an ARN");
        assert_eq!(error.variable, "REVIEW_FUNCTION_ARN");
        let error = load(&[("STACK_NAME", "chat"), ("REVIEW_FALLBACK_RESULT", "MAYBE")])
            .expect_err("bad fallback");
        assert_eq!(error.variable, "REVIEW_FALLBACK_RESULT");
    }
}
