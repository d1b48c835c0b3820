//! The chat-token Lambda: wiring only. Reads the configuration, loads the SDK configuration
//! and builds the IVS Chat and DynamoDB clients once at cold start, then answers API Gateway's
//! token requests.

mod handler;

use lambda_http::{run, service_fn, Error, Request};
use shared::bans::DynamoBanStore;
use shared::chat_tokens::{ChatTokenConfig, RoomGate, TokenIssuer};

#[tokio::main]
async fn main() -> Result<(), Error> {
    lambda_http::tracing::init_default_subscriber();
    let config = ChatTokenConfig::from_env()?;
    let sdk = shared::aws::load_from_env().await;
    let ivs = shared::aws::ivs::client(&sdk);
    let bans = DynamoBanStore::from_env(&sdk)?;
    let issuer = TokenIssuer::new(ivs.clone(), RoomGate::new(ivs, bans, config));
    let issuer = &issuer;
    run(service_fn(move |request: Request| async move {
        Ok::<_, Error>(handler::handle(issuer, request).await)
    }))
    .await
}
