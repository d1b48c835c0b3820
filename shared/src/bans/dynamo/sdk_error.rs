//! Turning DynamoDB SDK failures into `BanStoreError`s: throttling, a missing table, the rest.

use aws_sdk_dynamodb::error::{BuildError, DisplayErrorContext, ProvideErrorMetadata, SdkError};

use crate::aws::dynamo::{classify, Failure};
use crate::bans::error::BanStoreError;

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
