//! The DynamoDB client (from the cold start's SDK configuration, the environment, or an
//! explicit endpoint such as moto), and what a failed DynamoDB call means for the caller.

use aws_config::SdkConfig;
use aws_sdk_dynamodb::Client;

use super::endpoint::EndpointSettings;

/// The client of the cold start's SDK configuration ([`super::load_from_env`]).
pub fn client(sdk: &SdkConfig) -> Client {
    Client::new(sdk)
}

/// A DynamoDB client configured from the environment (region, credentials, retries, and
/// `AWS_ENDPOINT_URL_DYNAMODB` or `AWS_ENDPOINT_URL`). A function that needs other clients
/// too loads the configuration once instead ([`super::load_from_env`], then [`client`]).
pub async fn client_from_env() -> Client {
    client(&super::load_from_env().await)
}

/// A DynamoDB client for an explicit endpoint, region and static key pair.
pub fn client_for_endpoint(settings: &EndpointSettings) -> Client {
    Client::new(&settings.sdk_config())
}

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
