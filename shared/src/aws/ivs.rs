//! The Amazon IVS Chat control-plane client: from the cold start's SDK configuration, from
//! the environment, or for an explicit endpoint such as the local service.

use aws_config::SdkConfig;

pub use super::endpoint::EndpointSettings;
pub use aws_sdk_ivschat::Client;

/// The client of the cold start's SDK configuration ([`super::load_from_env`]).
pub fn client(sdk: &SdkConfig) -> Client {
    Client::new(sdk)
}

/// A client configured from the environment the standard way (region, credentials, retries).
/// `AWS_ENDPOINT_URL_IVSCHAT` (or `AWS_ENDPOINT_URL`) points it at another endpoint, such as
/// `ivschat-local`; the SDK reads those variables itself. A function that needs other clients
/// too loads the configuration once instead ([`super::load_from_env`], then [`client`]).
pub async fn from_env() -> Client {
    client(&super::load_from_env().await)
}

/// A client for an explicit endpoint, region and static key pair, touching no environment.
pub fn for_endpoint(settings: &EndpointSettings) -> Client {
    Client::new(&settings.sdk_config())
}
