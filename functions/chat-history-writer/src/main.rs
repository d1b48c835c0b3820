//! The chat-history-writer Lambda: wiring only. Reads the configuration and builds the
//! DynamoDB client once at cold start, then applies every CloudWatch Logs delivery of the
//! chat log to the history table.

mod handler;

use lambda_runtime::{run, service_fn, Error, LambdaEvent};
use shared::history::{HistoryConfig, HistoryStore};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    lambda_runtime::tracing::init_default_subscriber();
    let config = HistoryConfig::from_env()?;
    let store = HistoryStore::new(
        shared::aws::dynamo::client_from_env().await,
        config.table_name.clone(),
    );
    let (store, config) = (&store, &config);
    run(service_fn(
        move |event: LambdaEvent<serde_json::Value>| async move {
            handler::handle(store, config, event.payload).await
        },
    ))
    .await
}
