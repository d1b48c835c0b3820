//! The moderation routes: each route key to its action, the call into
//! `shared::moderation_api`, and the answer's status; `shared::http_api::serve` checks that the
//! caller is a moderator (or an admin), shapes errors and audits every request.

use lambda_http::{Body, Request, Response};
use serde::Deserialize;
use serde_json::json;
use shared::bans::BanStore;
use shared::http_api::{
    json, no_content, serve, AccessConfig, ApiError, ApiRequest, Permission, RouteAction, Routes,
};
use shared::ids::ResourceNames;
use shared::moderation_api::{ModerationApi, MAX_SETTINGS_BODY_BYTES};
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
    let routes = Routes {
        access,
        permission: Some(Permission::Moderate),
        audit_target: Some("messageId"),
    };
    serve(request, routes, |action| run(api, request, action)).await
}

/// The moderation routes, one per route key of the template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    DeleteMessage,
    DisconnectUser,
    SendEvent,
    ListRoomBans,
    BanUserFromRoom,
    UnbanUserFromRoom,
    ListGlobalBans,
    BanUserGlobally,
    UnbanUserGlobally,
    GetRoomModeration,
    PutRoomModeration,
    ListHeldMessages,
    ApproveHeldMessage,
    RejectHeldMessage,
    TimeOutUser,
}

impl RouteAction for Action {
    fn of_route(route_key: &str) -> Option<Self> {
        use Action::*;
        Some(match route_key {
            "DELETE /rooms/{roomId}/messages/{messageId}" => DeleteMessage,
            "POST /rooms/{roomId}/users/{userId}/disconnect" => DisconnectUser,
            "POST /rooms/{roomId}/events" => SendEvent,
            "GET /rooms/{roomId}/bans" => ListRoomBans,
            "PUT /rooms/{roomId}/bans/{userId}" => BanUserFromRoom,
            "DELETE /rooms/{roomId}/bans/{userId}" => UnbanUserFromRoom,
            "GET /bans" => ListGlobalBans,
            "PUT /bans/{userId}" => BanUserGlobally,
            "DELETE /bans/{userId}" => UnbanUserGlobally,
            "GET /rooms/{roomId}/moderation" => GetRoomModeration,
            "PUT /rooms/{roomId}/moderation" => PutRoomModeration,
            "GET /rooms/{roomId}/held-messages" => ListHeldMessages,
            "POST /rooms/{roomId}/held-messages/{heldMessageId}/approve" => ApproveHeldMessage,
            "POST /rooms/{roomId}/held-messages/{heldMessageId}/reject" => RejectHeldMessage,
            "POST /rooms/{roomId}/users/{userId}/timeout" => TimeOutUser,
            _ => return None,
        })
    }

    fn name(self) -> &'static str {
        use Action::*;
        match self {
            DeleteMessage => "DeleteMessage",
            DisconnectUser => "DisconnectUser",
            SendEvent => "SendEvent",
            ListRoomBans => "ListRoomBans",
            BanUserFromRoom => "BanUserFromRoom",
            UnbanUserFromRoom => "UnbanUserFromRoom",
            ListGlobalBans => "ListGlobalBans",
            BanUserGlobally => "BanUserGlobally",
            UnbanUserGlobally => "UnbanUserGlobally",
            GetRoomModeration => "GetRoomModeration",
            PutRoomModeration => "PutRoomModeration",
            ListHeldMessages => "ListHeldMessages",
            ApproveHeldMessage => "ApproveHeldMessage",
            RejectHeldMessage => "RejectHeldMessage",
            TimeOutUser => "TimeOutUser",
        }
    }
}

async fn run<B: BanStore>(
    api: &ModerationApi<B>,
    request: &ApiRequest,
    action: Action,
) -> Result<Response<Body>, ApiError> {
    // `serve` has let only a signed-in moderator this far.
    let moderator = request.actor();
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
        Action::DeleteMessage => {
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
        Action::DisconnectUser => {
            let body: DisconnectBody = request.body()?;
            api.disconnect_user(names, &required_room()?, &user()?, body.reason)
                .await?;
            no_content()
        }
        Action::SendEvent => {
            let id = api
                .send_event(names, &required_room()?, request.body()?)
                .await?;
            json(200, &json!({ "id": id }))
        }
        Action::ListRoomBans | Action::ListGlobalBans => json(
            200,
            &api.list_bans(room, max_results()?, request.query("nextToken"), now)
                .await?,
        ),
        Action::BanUserFromRoom | Action::BanUserGlobally => json(
            200,
            &api.ban(names, room, &user()?, request.body()?, moderator, now)
                .await?,
        ),
        Action::UnbanUserFromRoom | Action::UnbanUserGlobally => {
            api.unban(room, &user()?).await?;
            no_content()
        }
        Action::GetRoomModeration => json(200, &api.room_settings(&required_room()?).await?),
        Action::PutRoomModeration => {
            // The whole document replaces the room's: a missing one is a mistake, not `{}`.
            if request.body_is_empty() {
                return Err(ApiError::invalid(
                    "body",
                    "is required: the room's whole settings document",
                ));
            }
            let body = request.body_up_to(MAX_SETTINGS_BODY_BYTES)?;
            let saved = api
                .put_room_settings(&required_room()?, body, moderator, now)
                .await?;
            // The audit line says who changed what; this one says which version it became.
            tracing::info!(
                target: "audit",
                room_id = saved.room_id.as_str(),
                version = saved.version,
                updated_by = moderator,
                blocked_terms = saved.settings.blocked_terms.len(),
                slow_mode_seconds = saved.settings.slow_mode_seconds,
                "room moderation settings saved"
            );
            json(200, &saved)
        }
        Action::ListHeldMessages => json(
            200,
            &api.held_messages(
                &required_room()?,
                max_results()?,
                request.query("nextToken"),
                now,
            )
            .await?,
        ),
        Action::TimeOutUser => json(
            200,
            &api.time_out(
                names,
                &required_room()?,
                &user()?,
                request.body()?,
                moderator,
                now,
            )
            .await?,
        ),
        Action::ApproveHeldMessage | Action::RejectHeldMessage => {
            let (room, id) = (required_room()?, request.path("heldMessageId")?);
            let decided = if action == Action::ApproveHeldMessage {
                api.approve_held(names, &room, &id, moderator, now).await?
            } else {
                api.reject_held(&room, &id, moderator, now).await?
            };
            // The audit line names the room and the caller; this one the message and outcome.
            tracing::info!(
                target: "audit",
                room_id = room.as_str(),
                held_message_id = id.as_str(),
                status = decided.status,
                decided_by = decided.decided_by.as_str(),
                event_id = decided.event_id.as_deref(),
                "held message decided"
            );
            json(200, &decided)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_has_its_route_in_the_template() {
        let keys =
            shared::http_api::template_routes::route_keys(include_str!("../../../template.yaml"));
        for action in [
            Action::DeleteMessage,
            Action::DisconnectUser,
            Action::SendEvent,
            Action::ListRoomBans,
            Action::BanUserFromRoom,
            Action::UnbanUserFromRoom,
            Action::ListGlobalBans,
            Action::BanUserGlobally,
            Action::UnbanUserGlobally,
            Action::GetRoomModeration,
            Action::PutRoomModeration,
            Action::ListHeldMessages,
            Action::ApproveHeldMessage,
            Action::RejectHeldMessage,
            Action::TimeOutUser,
        ] {
            assert!(
                keys.iter().any(|key| Action::of_route(key) == Some(action)),
                "no route of the template is {}",
                action.name()
            );
        }
        assert_eq!(Action::of_route("POST /rooms"), None);
    }
}
