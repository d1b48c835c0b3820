//! The AWS SDK clients `up` uses to set up the stack it runs: the local IVS Chat service and
//! the local DynamoDB, each reached at an explicit endpoint with a static key pair, touching
//! no environment.

use aws_sdk_ivschat::config::{BehaviorVersion, Credentials, Region};

/// Where and as whom a client talks: `endpoint_url` in `region`, signed with the key pair.
#[derive(Clone, Debug)]
pub struct Endpoint {
    pub url: String,
    pub region: String,
    pub access_key_id: String,
    pub secret_access_key: String,
}

impl Endpoint {
    fn credentials(&self) -> Credentials {
        Credentials::new(
            self.access_key_id.clone(),
            self.secret_access_key.clone(),
            None,
            None,
            "ivschat-local-static",
        )
    }
}

/// An IVS Chat control-plane client for `endpoint`.
pub fn ivschat(endpoint: &Endpoint) -> aws_sdk_ivschat::Client {
    let config = aws_sdk_ivschat::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(endpoint.region.clone()))
        .endpoint_url(endpoint.url.clone())
        .credentials_provider(endpoint.credentials())
        .build();
    aws_sdk_ivschat::Client::from_conf(config)
}

/// A DynamoDB client for `endpoint`.
pub fn dynamodb(endpoint: &Endpoint) -> aws_sdk_dynamodb::Client {
    let config = aws_sdk_dynamodb::Config::builder()
        .behavior_version(aws_sdk_dynamodb::config::BehaviorVersion::latest())
        .region(aws_sdk_dynamodb::config::Region::new(
            endpoint.region.clone(),
        ))
        .endpoint_url(endpoint.url.clone())
        .credentials_provider(endpoint.credentials())
        .build();
    aws_sdk_dynamodb::Client::from_conf(config)
}
