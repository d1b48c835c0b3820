//! The message-review Lambda: wiring only. Reads the configuration and compiles the moderation
//! policy once at cold start, opens the ban store and the room moderation table when they are
//! configured, then reviews every message IVS Chat sends. The review is the moderation
//! crate's; `shared` brings the ban store and the room's live rules. The built-in policy's
//! lexicon was compiled when the function was built, and is read, not compiled, here.

mod handler;
mod prebuilt_lexicon;

use ivschat_moderation::{prebuilt, InvocationPayload, ReviewConfig, Reviewer};
use lambda_runtime::{run, service_fn, Error, LambdaEvent};
use shared::bans::{DynamoBanStore, SenderBanCheck, SenderCheckConfig};
use shared::room_moderation::{GuardConfig, RoomGuard, RoomModerationStore, RoomRulesCache};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    lambda_runtime::tracing::init_default_subscriber();
    let config = ReviewConfig::from_env()?;
    let ban_check = SenderCheckConfig::from_env()?;
    let room_rules = GuardConfig::from_env()?;
    prebuilt::register(prebuilt_lexicon::BUILTIN);
    let reviewer = Reviewer::new(config.moderator()?, config.fail_mode);
    let sdk = shared::aws::load_from_env().await;
    let dynamodb = shared::aws::dynamo::client(&sdk);
    let bans = match &ban_check {
        Some(bans) => Some(SenderBanCheck::new(
            DynamoBanStore::new(dynamodb.clone(), bans.table.as_str())?,
            bans.settings,
        )),
        None => None,
    };
    // Timeouts are room bans: live room rules need the ban table too.
    let guard = match (&room_rules, &ban_check) {
        (Some(rules), Some(bans)) => Some(RoomGuard::new(
            RoomRulesCache::new(
                RoomModerationStore::new(dynamodb.clone(), rules.table.as_str()),
                config.fail_mode,
                rules.cache,
            ),
            DynamoBanStore::new(dynamodb.clone(), bans.table.as_str())?,
            shared::aws::ivs::client(&sdk),
            rules.state_timeout,
        )),
        _ => None,
    };
    tracing::info!(
        fail_mode = ?config.fail_mode,
        policy = %config.policy_label(),
        prebuilt_lexicon = reviewer.moderator().lexicon_prebuilt(),
        ban_check = ?ban_check,
        room_rules = ?room_rules,
        "message review ready"
    );
    let (reviewer, bans, guard) = (&reviewer, bans.as_ref(), guard.as_ref());
    run(service_fn(
        move |event: LambdaEvent<InvocationPayload>| async move {
            Ok::<_, Error>(handler::review(reviewer, bans, guard, event).await)
        },
    ))
    .await
}
