//! What the room moderation store can fail with, and how the HTTP API answers each.

use crate::http_api::ApiError;

use super::settings::SettingsError;

/// A failed call on the room moderation table; each names the table and the operation.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// DynamoDB refused the call for capacity; the SDK has already retried.
    #[error("DynamoDB throttled {operation} on table `{table}`: {message}")]
    Throttled {
        table: String,
        operation: &'static str,
        message: String,
    },
    /// A conditional write found another version than the one the edit was based on.
    #[error("the settings were changed meanwhile (now version {current}); read them again")]
    VersionConflict { current: u64 },
    /// Any other failure: network, credentials, permissions, a missing table.
    #[error("{operation} on DynamoDB table `{table}` failed: {message}")]
    Service {
        table: String,
        operation: &'static str,
        message: String,
    },
    /// An item this code did not write.
    #[error("malformed item in table `{table}`: {problem}")]
    CorruptItem { table: String, problem: String },
    /// The store cannot be configured (a missing or bad environment variable).
    #[error("{0}")]
    Config(String),
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Throttled { .. } => ApiError::Throttled {
                retry_after_seconds: 1,
            },
            StoreError::VersionConflict { .. } => ApiError::Conflict(error.to_string()),
            other => ApiError::Internal(other.to_string()),
        }
    }
}

impl From<SettingsError> for ApiError {
    fn from(error: SettingsError) -> Self {
        ApiError::invalid(error.field, error.message)
    }
}
