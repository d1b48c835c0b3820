//! The message-review Lambda: wiring only. Reads the configuration and compiles the moderation
//! policy once at cold start, then reviews every message IVS Chat sends.

mod handler;

use lambda_runtime::{run, service_fn, Error, LambdaEvent};
use shared::review::{ReviewConfig, Reviewer};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    lambda_runtime::tracing::init_default_subscriber();
    let config = ReviewConfig::from_env()?;
    let reviewer = Reviewer::new(config.moderator()?, config.fail_mode);
    tracing::info!(fail_mode = ?config.fail_mode, policy = %config.policy_label(), "message review ready");
    let reviewer = &reviewer;
    run(service_fn(
        move |event: LambdaEvent<serde_json::Value>| async move {
            Ok::<_, Error>(handler::review(reviewer, event))
        },
    ))
    .await
}
