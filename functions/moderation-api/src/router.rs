//! The moderation routes: each route key to its action, the moderator check, the call into
//! `shared::moderation_api`, and the answer's status. Every request is audited.

use lambda_http::{Body, Request, Response};
use serde::Deserialize;
use serde_json::json;
use shared::admin_api::ResourceNames;
use shared::bans::BanStore;
use shared::http_api::{json, no_content, serve, AccessConfig, ApiError, ApiRequest, Permission};
use shared::moderation_api::ModerationApi;
use time::OffsetDateTime;

/// `POST /rooms/{roomId}/users/{userId}/disconnect`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct DisconnectBody {
    reason: Option<String>,
}

/// Answers one request.
pub(crate) async fn handle<B: BanStore>(
    api: &ModerationApi<B>,
    access: &AccessConfig,
    request: Request,
) -> Response<Body> {
    let request = &ApiRequest::new(request, access);
    serve(
        request,
        access,
        Permission::Moderate,
        action_of,
        "messageId",
        |name, moderator| async move { run(api, request, name, &moderator).await },
    )
    .await
}

/// The action a route key names.
fn action_of(route_key: &str) -> Option<&'static str> {
    Some(match route_key {
        "DELETE /rooms/{roomId}/messages/{messageId}" => "DeleteMessage",
        "POST /rooms/{roomId}/users/{userId}/disconnect" => "DisconnectUser",
        "POST /rooms/{roomId}/events" => "SendEvent",
        "GET /rooms/{roomId}/bans" => "ListRoomBans",
        "PUT /rooms/{roomId}/bans/{userId}" => "BanUserFromRoom",
        "DELETE /rooms/{roomId}/bans/{userId}" => "UnbanUserFromRoom",
        "GET /bans" => "ListGlobalBans",
        "PUT /bans/{userId}" => "BanUserGlobally",
        "DELETE /bans/{userId}" => "UnbanUserGlobally",
        _ => return None,
    })
}

async fn run<B: BanStore>(
    api: &ModerationApi<B>,
    request: &ApiRequest,
    action: &str,
    moderator: &str,
) -> Result<Response<Body>, ApiError> {
    let now = OffsetDateTime::now_utc();
    let names = ResourceNames::of_function(&request.function_arn)?;
    let names = &names;
    let room = request.optional_path("roomId");
    let room = room.as_deref();
    let required_room = || request.path("roomId");
    let user = || request.path("userId");
    let max_results = || {
        request
            .query_number("maxResults", 1..=100)
            .map(|n| n.map(|n| n as u32))
    };
    Ok(match action {
        "DeleteMessage" => {
            let id = api
                .delete_message(
                    names,
                    &required_room()?,
                    &request.path("messageId")?,
                    request.query("reason"),
                )
                .await?;
            json(200, &json!({ "id": id }))
        }
        "DisconnectUser" => {
            let body: DisconnectBody = request.body()?;
            api.disconnect_user(names, &required_room()?, &user()?, body.reason)
                .await?;
            no_content()
        }
        "SendEvent" => {
            let id = api
                .send_event(names, &required_room()?, request.body()?)
                .await?;
            json(200, &json!({ "id": id }))
        }
        "ListRoomBans" | "ListGlobalBans" => json(
            200,
            &api.list_bans(room, max_results()?, request.query("nextToken"), now)
                .await?,
        ),
        "BanUserFromRoom" | "BanUserGlobally" => json(
            200,
            &api.ban(names, room, &user()?, request.body()?, moderator, now)
                .await?,
        ),
        "UnbanUserFromRoom" | "UnbanUserGlobally" => {
            api.unban(room, &user()?).await?;
            no_content()
        }
        other => return Err(ApiError::Internal(format!("action {other} has no handler"))),
    })
}
