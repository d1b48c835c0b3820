//! The administration routes: each route key to its action, the call into
//! `shared::admin_api`, and the answer's status; `shared::http_api::serve` checks that the
//! caller is an admin, shapes errors and audits every request.

use lambda_http::{Body, Request, Response};
use shared::admin_api::{AdminApi, ListRoomsQuery};
use shared::http_api::{
    json, no_content, serve, ApiError, ApiRequest, Permission, RouteAction, Routes,
};
use shared::ids::ResourceNames;
use time::OffsetDateTime;

/// Answers one request.
pub(crate) async fn handle(api: &AdminApi, request: Request) -> Response<Body> {
    let access = &api.config().access;
    let request = ApiRequest::new(request, access);
    let routes = Routes {
        access,
        permission: Some(Permission::Administer),
        audit_target: Some("loggingConfigurationId"),
    };
    serve(&request, routes, |action| run(api, &request, action)).await
}

/// The administration routes, one per route key of the template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    CreateRoom,
    ListRooms,
    GetRoom,
    UpdateRoom,
    DeleteRoom,
    ListRoomTags,
    TagRoom,
    UntagRoom,
    CreateLoggingConfiguration,
    ListLoggingConfigurations,
    GetLoggingConfiguration,
    UpdateLoggingConfiguration,
    DeleteLoggingConfiguration,
    AttachLoggingConfiguration,
    DetachLoggingConfiguration,
}

impl RouteAction for Action {
    fn of_route(route_key: &str) -> Option<Self> {
        use Action::*;
        Some(match route_key {
            "POST /rooms" => CreateRoom,
            "GET /rooms" => ListRooms,
            "GET /rooms/{roomId}" => GetRoom,
            "PATCH /rooms/{roomId}" => UpdateRoom,
            "DELETE /rooms/{roomId}" => DeleteRoom,
            "GET /rooms/{roomId}/tags" => ListRoomTags,
            "POST /rooms/{roomId}/tags" => TagRoom,
            "DELETE /rooms/{roomId}/tags" => UntagRoom,
            "POST /logging-configurations" => CreateLoggingConfiguration,
            "GET /logging-configurations" => ListLoggingConfigurations,
            "GET /logging-configurations/{loggingConfigurationId}" => GetLoggingConfiguration,
            "PATCH /logging-configurations/{loggingConfigurationId}" => UpdateLoggingConfiguration,
            "DELETE /logging-configurations/{loggingConfigurationId}" => DeleteLoggingConfiguration,
            "PUT /rooms/{roomId}/logging-configurations/{loggingConfigurationId}" => {
                AttachLoggingConfiguration
            }
            "DELETE /rooms/{roomId}/logging-configurations/{loggingConfigurationId}" => {
                DetachLoggingConfiguration
            }
            _ => return None,
        })
    }

    fn name(self) -> &'static str {
        use Action::*;
        match self {
            CreateRoom => "CreateRoom",
            ListRooms => "ListRooms",
            GetRoom => "GetRoom",
            UpdateRoom => "UpdateRoom",
            DeleteRoom => "DeleteRoom",
            ListRoomTags => "ListRoomTags",
            TagRoom => "TagRoom",
            UntagRoom => "UntagRoom",
            CreateLoggingConfiguration => "CreateLoggingConfiguration",
            ListLoggingConfigurations => "ListLoggingConfigurations",
            GetLoggingConfiguration => "GetLoggingConfiguration",
            UpdateLoggingConfiguration => "UpdateLoggingConfiguration",
            DeleteLoggingConfiguration => "DeleteLoggingConfiguration",
            AttachLoggingConfiguration => "AttachLoggingConfiguration",
            DetachLoggingConfiguration => "DetachLoggingConfiguration",
        }
    }
}

async fn run(
    api: &AdminApi,
    request: &ApiRequest,
    action: Action,
) -> Result<Response<Body>, ApiError> {
    let now = OffsetDateTime::now_utc();
    let names = ResourceNames::of_function(&request.function_arn)?;
    let names = &names;
    let room = || request.path("roomId");
    let logging = || request.path("loggingConfigurationId");
    Ok(match action {
        Action::CreateRoom => json(201, &api.create_room(request.body()?, now).await?),
        Action::ListRooms => json(
            200,
            &api.list_rooms(ListRoomsQuery {
                name: request.query("name"),
                logging_configuration_identifier: request.query("loggingConfigurationIdentifier"),
                message_review_handler_uri: request.query("messageReviewHandlerUri"),
                max_results: request
                    .query_number("maxResults", 1..=50)?
                    .map(|n| n as i32),
                next_token: request.query("nextToken"),
            })
            .await?,
        ),
        Action::GetRoom => json(200, &api.get_room(names, &room()?).await?),
        Action::UpdateRoom => json(
            200,
            &api.update_room(names, &room()?, request.body()?, now)
                .await?,
        ),
        Action::DeleteRoom => {
            api.delete_room(names, &room()?).await?;
            no_content()
        }
        Action::ListRoomTags => json(
            200,
            &serde_json::json!({ "tags": api.list_room_tags(names, &room()?).await? }),
        ),
        Action::TagRoom => {
            api.tag_room(names, &room()?, request.body()?).await?;
            no_content()
        }
        Action::UntagRoom => {
            api.untag_room(names, &room()?, request.query_all("tagKeys"))
                .await?;
            no_content()
        }
        Action::CreateLoggingConfiguration => json(
            201,
            &api.create_logging_configuration(request.body()?).await?,
        ),
        Action::ListLoggingConfigurations => json(
            200,
            &api.list_logging_configurations(
                request
                    .query_number("maxResults", 1..=50)?
                    .map(|n| n as i32),
                request.query("nextToken"),
            )
            .await?,
        ),
        Action::GetLoggingConfiguration => json(
            200,
            &api.get_logging_configuration(names, &logging()?).await?,
        ),
        Action::UpdateLoggingConfiguration => json(
            200,
            &api.update_logging_configuration(names, &logging()?, request.body()?)
                .await?,
        ),
        Action::DeleteLoggingConfiguration => {
            api.delete_logging_configuration(names, &logging()?).await?;
            no_content()
        }
        Action::AttachLoggingConfiguration => json(
            200,
            &api.set_room_logging(names, &room()?, &logging()?, true)
                .await?,
        ),
        Action::DetachLoggingConfiguration => json(
            200,
            &api.set_room_logging(names, &room()?, &logging()?, false)
                .await?,
        ),
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
            Action::CreateRoom,
            Action::ListRooms,
            Action::GetRoom,
            Action::UpdateRoom,
            Action::DeleteRoom,
            Action::ListRoomTags,
            Action::TagRoom,
            Action::UntagRoom,
            Action::CreateLoggingConfiguration,
            Action::ListLoggingConfigurations,
            Action::GetLoggingConfiguration,
            Action::UpdateLoggingConfiguration,
            Action::DeleteLoggingConfiguration,
            Action::AttachLoggingConfiguration,
            Action::DetachLoggingConfiguration,
        ] {
            assert!(
                keys.iter().any(|key| Action::of_route(key) == Some(action)),
                "no route of the template is {}",
                action.name()
            );
        }
        assert_eq!(Action::of_route("GET /bans"), None);
    }
}
