//! The AWS SDK side of every function: one SDK configuration loaded once per cold start, the
//! IVS Chat and DynamoDB clients built from it (or for an explicit endpoint, such as the local
//! service), and DynamoDB's batch calls and table pieces that every store shares.
//!
//! ```no_run
//! # async fn example() {
//! let sdk = shared::aws::load_from_env().await;
//! let ivs = shared::aws::ivs::client(&sdk);
//! let dynamodb = shared::aws::dynamo::client(&sdk);
//! # let _ = (ivs, dynamodb);
//! # }
//! ```

pub mod dynamo;
pub(crate) mod dynamo_batch;
pub(crate) mod dynamo_schema;
mod endpoint;
pub mod ivs;

pub use aws_config::SdkConfig;
pub use endpoint::EndpointSettings;

use aws_config::BehaviorVersion;

/// The SDK configuration of the environment, the standard way (region, credentials, retries,
/// and per-service endpoints such as `AWS_ENDPOINT_URL_IVSCHAT` and
/// `AWS_ENDPOINT_URL_DYNAMODB`, which the SDK reads itself). Load it once at cold start and
/// build every client from it: loading resolves credentials and region, which takes time.
pub async fn load_from_env() -> SdkConfig {
    aws_config::defaults(BehaviorVersion::latest()).load().await
}
