//! AWS SDK clients for an explicit endpoint, region and static key pair, touching no
//! environment: the local IVS Chat service's control plane and the local DynamoDB (moto).

use aws_sdk_ivschat::config::retry::RetryConfig;
use aws_sdk_ivschat::config::{BehaviorVersion, Credentials, Region};

/// Where and as whom to reach an endpoint.
#[derive(Clone, Debug)]
pub struct Endpoint {
    /// `http://HOST:PORT` of the service.
    pub url: String,
    pub region: String,
    pub access_key_id: String,
    pub secret_access_key: String,
    /// Attempts per call, the first included; 1 turns retries off.
    pub max_attempts: u32,
}

impl Endpoint {
    /// The local service's defaults: region `us-west-2`, credentials `test` / `test`, and the
    /// SDK's standard three attempts.
    pub fn local(url: impl Into<String>) -> Self {
        Endpoint {
            url: url.into(),
            region: "us-west-2".into(),
            access_key_id: "test".into(),
            secret_access_key: "test".into(),
            max_attempts: 3,
        }
    }

    /// The same endpoint in `region`.
    pub fn in_region(mut self, region: impl Into<String>) -> Self {
        self.region = region.into();
        self
    }

    /// The same endpoint without retries, so that a throttled or failed call shows as it is.
    pub fn without_retries(mut self) -> Self {
        self.max_attempts = 1;
        self
    }

    fn credentials(&self) -> Credentials {
        Credentials::new(
            self.access_key_id.clone(),
            self.secret_access_key.clone(),
            None,
            None,
            "ivschat-testkit",
        )
    }

    fn retry(&self) -> RetryConfig {
        RetryConfig::standard().with_max_attempts(self.max_attempts.max(1))
    }

    /// An IVS Chat control-plane client.
    pub fn ivschat(&self) -> aws_sdk_ivschat::Client {
        let config = aws_sdk_ivschat::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new(self.region.clone()))
            .endpoint_url(self.url.clone())
            .credentials_provider(self.credentials())
            .retry_config(self.retry())
            .build();
        aws_sdk_ivschat::Client::from_conf(config)
    }

    /// A DynamoDB client.
    pub fn dynamodb(&self) -> aws_sdk_dynamodb::Client {
        let config = aws_sdk_dynamodb::Config::builder()
            .behavior_version(aws_sdk_dynamodb::config::BehaviorVersion::latest())
            .region(aws_sdk_dynamodb::config::Region::new(self.region.clone()))
            .endpoint_url(self.url.clone())
            .credentials_provider(self.credentials())
            .retry_config(self.retry())
            .build();
        aws_sdk_dynamodb::Client::from_conf(config)
    }
}
