//! CreateRoom: a room with the given or default limits, review handler, tags and logging
//! configurations (which must exist), within the account's room limit.

use super::input::{Input, LOGGING_CONFIGURATION_IDENTIFIER, NAME};
use super::output::RoomOut;
use super::{members, Context, Reply};
use crate::control_plane::error::ServiceError;
use crate::state::NewRoom;

pub fn handle(context: &Context, mut input: Input) -> Result<Reply, ServiceError> {
    let name = input.string("name", &NAME);
    let rate = input.integer("maximumMessageRatePerSecond", 1, 100);
    let length = input.integer("maximumMessageLength", 1, 500);
    let handler = members::message_review_handler(&mut input, &context.scope);
    let tags = input.tags("tags");
    let logging = input.string_list(
        "loggingConfigurationIdentifiers",
        &LOGGING_CONFIGURATION_IDENTIFIER,
        3,
    );
    input.finish()?;
    let logging_configuration_ids = logging
        .unwrap_or_default()
        .iter()
        .map(|arn| context.logging_configuration_id(arn))
        .collect::<Result<Vec<_>, _>>()?;
    let room = context
        .region
        .create_room(NewRoom {
            name,
            maximum_message_rate_per_second: rate.and_then(|v| u32::try_from(v).ok()),
            maximum_message_length: length.and_then(|v| u32::try_from(v).ok()),
            message_review_handler: handler,
            tags: tags.unwrap_or_default(),
            logging_configuration_ids,
        })
        .map_err(|error| context.state_error(error))?;
    Reply::json(&RoomOut::room(&room, &context.scope))
}
