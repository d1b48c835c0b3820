//! The administration routes: each route key to its action, the admin check, the call into
//! `shared::admin_api`, and the answer's status. Every request is audited.

use lambda_http::{Body, Request, Response};
use shared::admin_api::{AdminApi, ListRoomsQuery, ResourceNames};
use shared::http_api::{json, no_content, serve, ApiError, ApiRequest, Permission};
use time::OffsetDateTime;

/// Answers one request.
pub(crate) async fn handle(api: &AdminApi, request: Request) -> Response<Body> {
    let access = &api.config().access;
    let request = ApiRequest::new(request, access);
    serve(
        &request,
        access,
        Permission::Administer,
        action_of,
        "loggingConfigurationId",
        |name, _admin| run(api, &request, name),
    )
    .await
}

/// The action a route key names.
fn action_of(route_key: &str) -> Option<&'static str> {
    Some(match route_key {
        "POST /rooms" => "CreateRoom",
        "GET /rooms" => "ListRooms",
        "GET /rooms/{roomId}" => "GetRoom",
        "PATCH /rooms/{roomId}" => "UpdateRoom",
        "DELETE /rooms/{roomId}" => "DeleteRoom",
        "GET /rooms/{roomId}/tags" => "ListRoomTags",
        "POST /rooms/{roomId}/tags" => "TagRoom",
        "DELETE /rooms/{roomId}/tags" => "UntagRoom",
        "POST /logging-configurations" => "CreateLoggingConfiguration",
        "GET /logging-configurations" => "ListLoggingConfigurations",
        "GET /logging-configurations/{loggingConfigurationId}" => "GetLoggingConfiguration",
        "PATCH /logging-configurations/{loggingConfigurationId}" => "UpdateLoggingConfiguration",
        "DELETE /logging-configurations/{loggingConfigurationId}" => "DeleteLoggingConfiguration",
        "PUT /rooms/{roomId}/logging-configurations/{loggingConfigurationId}" => {
            "AttachLoggingConfiguration"
        }
        "DELETE /rooms/{roomId}/logging-configurations/{loggingConfigurationId}" => {
            "DetachLoggingConfiguration"
        }
        _ => return None,
    })
}

async fn run(
    api: &AdminApi,
    request: &ApiRequest,
    action: &str,
) -> Result<Response<Body>, ApiError> {
    let now = OffsetDateTime::now_utc();
    let names = ResourceNames::of_function(&request.function_arn)?;
    let names = &names;
    let room = || request.path("roomId");
    let logging = || request.path("loggingConfigurationId");
    Ok(match action {
        "CreateRoom" => json(201, &api.create_room(request.body()?, now).await?),
        "ListRooms" => json(
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
        "GetRoom" => json(200, &api.get_room(names, &room()?).await?),
        "UpdateRoom" => json(
            200,
            &api.update_room(names, &room()?, request.body()?, now)
                .await?,
        ),
        "DeleteRoom" => {
            api.delete_room(names, &room()?).await?;
            no_content()
        }
        "ListRoomTags" => json(
            200,
            &serde_json::json!({ "tags": api.list_room_tags(names, &room()?).await? }),
        ),
        "TagRoom" => {
            api.tag_room(names, &room()?, request.body()?).await?;
            no_content()
        }
        "UntagRoom" => {
            api.untag_room(names, &room()?, request.query_all("tagKeys"))
                .await?;
            no_content()
        }
        "CreateLoggingConfiguration" => json(
            201,
            &api.create_logging_configuration(request.body()?).await?,
        ),
        "ListLoggingConfigurations" => json(
            200,
            &api.list_logging_configurations(
                request
                    .query_number("maxResults", 1..=50)?
                    .map(|n| n as i32),
                request.query("nextToken"),
            )
            .await?,
        ),
        "GetLoggingConfiguration" => json(
            200,
            &api.get_logging_configuration(names, &logging()?).await?,
        ),
        "UpdateLoggingConfiguration" => json(
            200,
            &api.update_logging_configuration(names, &logging()?, request.body()?)
                .await?,
        ),
        "DeleteLoggingConfiguration" => {
            api.delete_logging_configuration(names, &logging()?).await?;
            no_content()
        }
        "AttachLoggingConfiguration" => json(
            200,
            &api.set_room_logging(names, &room()?, &logging()?, true)
                .await?,
        ),
        "DetachLoggingConfiguration" => json(
            200,
            &api.set_room_logging(names, &room()?, &logging()?, false)
                .await?,
        ),
        other => return Err(ApiError::Internal(format!("action {other} has no handler"))),
    })
}
