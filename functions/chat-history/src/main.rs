//! The chat-history Lambda: wiring only. Reads the configuration, loads the SDK configuration
//! and builds the IVS Chat and DynamoDB clients once at cold start, then answers API Gateway's
//! history requests.

mod handler;

use lambda_http::{run, service_fn, Error, Request};
use shared::bans::DynamoBanStore;
use shared::chat_tokens::{ChatTokenConfig, RoomGate};
use shared::history::{HistoryConfig, HistoryStore};

#[tokio::main]
async fn main() -> Result<(), Error> {
    lambda_http::tracing::init_default_subscriber();
    // Who may read a room is decided exactly as who may join it: the token routes' gate.
    let access = ChatTokenConfig::from_env()?;
    let history = HistoryConfig::from_env()?;
    let sdk = shared::aws::load_from_env().await;
    let dynamo = shared::aws::dynamo::client(&sdk);
    let bans = DynamoBanStore::new(
        dynamo.clone(),
        shared::bans::table_name_from_lookup(|name| std::env::var(name).ok())?,
    )?;
    let gate = RoomGate::new(shared::aws::ivs::client(&sdk), bans, access);
    let store = HistoryStore::new(dynamo, history.table_name);
    let (gate, store) = (&gate, &store);
    run(service_fn(move |request: Request| async move {
        Ok::<_, Error>(handler::handle(gate, store, request).await)
    }))
    .await
}
