//! The moderation-api Lambda: wiring only. Loads the SDK configuration and builds the IVS Chat
//! client, the ban store and the room moderation table once at cold start, then answers the
//! moderation routes of the HTTP API.

mod router;

use lambda_http::{run, service_fn, Error, Request};
use shared::bans::DynamoBanStore;
use shared::history::HistoryStore;
use shared::http_api::AccessConfig;
use shared::moderation_api::ModerationApi;
use shared::room_moderation::RoomModerationStore;

#[tokio::main]
async fn main() -> Result<(), Error> {
    lambda_http::tracing::init_default_subscriber();
    let access = AccessConfig::from_lookup(|name| std::env::var(name).ok());
    let sdk = shared::aws::load_from_env().await;
    let api = ModerationApi::new(
        shared::aws::ivs::client(&sdk),
        DynamoBanStore::from_env(&sdk)?,
    )
    .with_room_moderation(RoomModerationStore::from_env(&sdk)?);
    // Without chat history, a ban cannot find the user's recent messages to remove.
    let api = match std::env::var("HISTORY_TABLE_NAME") {
        Ok(table) if !table.trim().is_empty() => api.with_history(HistoryStore::new(
            shared::aws::dynamo::client(&sdk),
            table.trim(),
        )),
        _ => api,
    };
    let (api, access) = (&api, &access);
    run(service_fn(move |request: Request| async move {
        Ok::<_, Error>(router::handle(api, access, request).await)
    }))
    .await
}
