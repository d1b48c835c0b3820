//! The room-janitor Lambda: wiring only. Reads the configuration and builds the IVS Chat
//! client once at cold start, then runs the janitor for every scheduled or manual invocation.

mod handler;

use lambda_runtime::{run, service_fn, Error, LambdaEvent};
use shared::janitor::{JanitorConfig, SdkChatApi};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    lambda_runtime::tracing::init_default_subscriber();
    let config = JanitorConfig::from_env()?;
    let api = SdkChatApi::new(&shared::aws::ivs::from_env().await);
    tracing::info!(
        stack_name = %config.policy.stack_name,
        idle_ttl_hours = config.policy.idle_ttl.map(|ttl| ttl.as_secs() / 3600),
        dry_run = config.dry_run,
        delete_tps = config.delete_tps,
        list_tps = config.list_tps,
        max_concurrency = config.max_concurrency,
        clean_logging_configurations = config.clean_logging_configurations,
        "room janitor ready"
    );
    let janitor = handler::Janitor {
        api,
        config,
        metrics: handler::Stdout,
    };
    let janitor = &janitor;
    run(service_fn(
        move |event: LambdaEvent<serde_json::Value>| async move {
            handler::handle(janitor, event).await
        },
    ))
    .await
}
