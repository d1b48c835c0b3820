//! The message-review Lambda: wiring only. Reads the configuration and compiles the moderation
//! policy once at cold start, opens the ban store when one is configured, then reviews every
//! message IVS Chat sends. The review is the moderation crate's; `shared` only brings the ban
//! store.

mod handler;

use ivschat_moderation::{InvocationPayload, ReviewConfig, Reviewer};
use lambda_runtime::{run, service_fn, Error, LambdaEvent};
use shared::bans::{client_from_env, DynamoBanStore, SenderBanCheck, SenderCheckConfig};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    lambda_runtime::tracing::init_default_subscriber();
    let config = ReviewConfig::from_env()?;
    let ban_check = SenderCheckConfig::from_env()?;
    let reviewer = Reviewer::new(config.moderator()?, config.fail_mode);
    let bans = match &ban_check {
        Some(bans) => Some(SenderBanCheck::new(
            DynamoBanStore::new(client_from_env().await, bans.table.as_str())?,
            bans.settings,
        )),
        None => None,
    };
    tracing::info!(
        fail_mode = ?config.fail_mode,
        policy = %config.policy_label(),
        ban_check = ?ban_check,
        "message review ready"
    );
    let (reviewer, bans) = (&reviewer, bans.as_ref());
    run(service_fn(
        move |event: LambdaEvent<InvocationPayload>| async move {
            Ok::<_, Error>(handler::review(reviewer, bans, event).await)
        },
    ))
    .await
}
