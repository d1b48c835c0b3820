//! ListRooms: newest `updateTime` first, filtered by name, review handler and logging
//! configuration (all given filters apply), paginated by an opaque token.

use serde::Serialize;

use super::input::{
    Input, LAMBDA_ARN_SHAPE, LOGGING_CONFIGURATION_IDENTIFIER, NAME, PAGINATION_TOKEN,
};
use super::output::RoomOut;
use super::pagination::{self, Listing};
use super::{Context, Reply};
use crate::control_plane::error::ServiceError;
use crate::state::RoomFilter;

/// Default and largest `maxResults`.
const MAX_RESULTS: i64 = 50;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ListRoomsOut<'a> {
    rooms: Vec<RoomOut<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
}

pub fn handle(context: &Context, mut input: Input) -> Result<Reply, ServiceError> {
    let name = input.string("name", &NAME);
    let next_token = input.string("nextToken", &PAGINATION_TOKEN);
    let max_results = input.integer("maxResults", 1, MAX_RESULTS);
    let handler_uri = input.string("messageReviewHandlerUri", &LAMBDA_ARN_SHAPE);
    let logging = input.string(
        "loggingConfigurationIdentifier",
        &LOGGING_CONFIGURATION_IDENTIFIER,
    );
    input.finish()?;
    let before = pagination::decode(Listing::Rooms, next_token.as_deref())?;
    let filter = RoomFilter {
        name: name.filter(|n| !n.is_empty()),
        message_review_handler_uri: handler_uri.filter(|u| !u.is_empty()),
        logging_configuration_id: logging
            .map(|arn| context.logging_configuration_id(&arn))
            .transpose()?,
    };
    let limit = usize::try_from(max_results.unwrap_or(MAX_RESULTS)).unwrap_or(50);
    let page = context
        .region
        .list_rooms(&filter, before, limit)
        .map_err(|error| context.state_error(error))?;
    Reply::json(&ListRoomsOut {
        rooms: page
            .items
            .iter()
            .map(|room| RoomOut::summary(room, &context.scope))
            .collect(),
        next_token: page
            .next
            .map(|revision| pagination::encode(Listing::Rooms, revision)),
    })
}
