//! Turning DynamoDB SDK failures into `BanStoreError`s: throttling, a missing table, the rest.

use aws_sdk_dynamodb::error::{BuildError, DisplayErrorContext, ProvideErrorMetadata, SdkError};

use crate::bans::error::BanStoreError;

/// What a failed call means for the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Failure {
    /// Over capacity: try again later (429).
    Throttled,
    TableNotFound,
    Other,
}

/// Error codes DynamoDB answers when a request exceeds a table's or the account's capacity.
const THROTTLING_CODES: &[&str] = &[
    "ProvisionedThroughputExceededException",
    "RequestLimitExceeded",
    "ThrottlingException",
    "Throttling",
];

/// Classifies a failure by its AWS error code (`None` for failures without a service answer,
/// such as a refused connection or a timeout).
pub(crate) fn classify(code: Option<&str>) -> Failure {
    match code {
        Some(code) if THROTTLING_CODES.contains(&code) => Failure::Throttled,
        Some("ResourceNotFoundException") => Failure::TableNotFound,
        _ => Failure::Other,
    }
}

/// The `BanStoreError` for a failed SDK call of `operation` on `table`.
pub(crate) fn from_sdk<E, R>(
    error: SdkError<E, R>,
    table: &str,
    operation: &'static str,
) -> BanStoreError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    let table = table.to_owned();
    match classify(error.code()) {
        Failure::Throttled => BanStoreError::Throttled {
            table,
            operation,
            message: DisplayErrorContext(&error).to_string(),
        },
        Failure::TableNotFound => BanStoreError::TableNotFound { table, operation },
        Failure::Other => BanStoreError::Service {
            table,
            operation,
            message: DisplayErrorContext(&error).to_string(),
            source: Some(Box::new(error)),
        },
    }
}

/// A request the SDK refused to build (a required member missing): a bug, reported as a
/// failure of the operation rather than a panic.
pub(crate) fn from_build(error: BuildError, table: &str, operation: &'static str) -> BanStoreError {
    BanStoreError::Service {
        table: table.to_owned(),
        operation,
        message: error.to_string(),
        source: Some(Box::new(error)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capacity_errors_are_throttling() {
        for code in THROTTLING_CODES {
            assert_eq!(classify(Some(code)), Failure::Throttled, "{code}");
        }
    }

    #[test]
    fn a_missing_table_and_other_errors_are_told_apart() {
        assert_eq!(
            classify(Some("ResourceNotFoundException")),
            Failure::TableNotFound
        );
        for code in [
            Some("AccessDeniedException"),
            Some("ValidationException"),
            Some("InternalServerError"),
            None,
        ] {
            assert_eq!(classify(code), Failure::Other, "{code:?}");
        }
    }
}
