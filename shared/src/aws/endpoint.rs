//! Where and as whom to reach an AWS endpoint explicitly (the local service, moto), touching
//! no environment: the SDK configuration tests, benchmarks and the local stack build clients
//! from.

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_credential_types::Credentials;

/// An explicit endpoint, region and static key pair.
#[derive(Clone, Debug)]
pub struct EndpointSettings {
    /// `http://HOST:PORT` of the service.
    pub endpoint_url: String,
    pub region: String,
    pub access_key_id: String,
    pub secret_access_key: String,
    /// Attempts per call, the first included; 1 turns retries off.
    pub max_attempts: u32,
}

impl EndpointSettings {
    /// The local service's defaults: region `us-west-2`, credentials `test` / `test`, and the
    /// SDK's standard three attempts.
    pub fn local(endpoint_url: impl Into<String>) -> Self {
        EndpointSettings {
            endpoint_url: endpoint_url.into(),
            region: "us-west-2".into(),
            access_key_id: "test".into(),
            secret_access_key: "test".into(),
            max_attempts: 3,
        }
    }

    /// The SDK configuration for these settings, touching no environment: any AWS SDK client
    /// built from it talks to `endpoint_url` as the given key pair.
    pub fn sdk_config(&self) -> SdkConfig {
        let credentials = Credentials::new(
            self.access_key_id.clone(),
            self.secret_access_key.clone(),
            None,
            None,
            "ivschat-serverless-static",
        );
        SdkConfig::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new(self.region.clone()))
            .endpoint_url(self.endpoint_url.clone())
            .credentials_provider(SharedCredentialsProvider::new(credentials))
            .retry_config(
                aws_config::retry::RetryConfig::standard()
                    .with_max_attempts(self.max_attempts.max(1)),
            )
            .build()
    }
}
