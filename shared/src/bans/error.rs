//! The ban store's errors: invalid input (a caller's 400), throttling (429) and failures of
//! the table (500), each naming the table and the operation.

use time::OffsetDateTime;

use super::model::{MAX_BANNED_BY_CHARS, MAX_REASON_CHARS};
use crate::ids::IdError;

/// Why a ban, an id or a listing request is not acceptable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BanValidationError {
    /// A user id or room id that is not one.
    #[error(transparent)]
    Id(#[from] IdError),
    #[error("reason has {chars} characters, at most {MAX_REASON_CHARS} are allowed")]
    ReasonTooLong { chars: usize },
    #[error("banned_by is empty")]
    EmptyBannedBy,
    #[error("banned_by has {chars} characters, at most {MAX_BANNED_BY_CHARS} are allowed")]
    BannedByTooLong { chars: usize },
    #[error("expiry {expires_at} is not after the ban's creation at {created_at}")]
    ExpiryNotInFuture {
        created_at: OffsetDateTime,
        expires_at: OffsetDateTime,
    },
    #[error("ban duration is out of range")]
    DurationOutOfRange,
    #[error("page size {limit} is out of range: 1 to {max}")]
    InvalidLimit { limit: u32, max: u32 },
    #[error("invalid page token: {problem}")]
    InvalidPageToken { problem: &'static str },
}

/// What a ban-store call can fail with.
#[derive(Debug, thiserror::Error)]
pub enum BanStoreError {
    /// The caller's input is wrong (answer 400).
    #[error(transparent)]
    Invalid(#[from] BanValidationError),
    /// DynamoDB refused the request for capacity (answer 429, retry later). The SDK has already
    /// retried with backoff.
    #[error("DynamoDB throttled {operation} on table `{table}`: {message}")]
    Throttled {
        table: String,
        operation: &'static str,
        message: String,
    },
    #[error("DynamoDB table `{table}` does not exist ({operation})")]
    TableNotFound {
        table: String,
        operation: &'static str,
    },
    /// Any other failure of the call: network, credentials, permissions, service errors.
    #[error("{operation} on DynamoDB table `{table}` failed: {message}")]
    Service {
        table: String,
        operation: &'static str,
        message: String,
        #[source]
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    },
    /// An item of the table is not a ban this code wrote.
    #[error("malformed ban item in table `{table}`: {problem}")]
    CorruptItem { table: String, problem: String },
    /// The store cannot be configured (a missing or bad environment variable).
    #[error("{0}")]
    Config(String),
}

impl BanStoreError {
    /// DynamoDB throttled the call: callers answer 429.
    pub fn is_throttling(&self) -> bool {
        matches!(self, BanStoreError::Throttled { .. })
    }

    /// The caller's input was wrong (a bad id, reason, expiry, page size or page token):
    /// callers answer 400.
    pub fn is_invalid_input(&self) -> bool {
        matches!(self, BanStoreError::Invalid(_))
    }
}
