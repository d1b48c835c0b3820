//! UpdateRoom: changes the given members and leaves the rest; a review handler with an empty
//! `uri` detaches it; a logging-configuration list replaces the whole list.

use super::input::{Input, LOGGING_CONFIGURATION_IDENTIFIER, NAME, ROOM_IDENTIFIER};
use super::output::RoomOut;
use super::{members, Context, Reply};
use crate::control_plane::error::ServiceError;
use crate::state::RoomUpdate;

pub fn handle(context: &Context, mut input: Input) -> Result<Reply, ServiceError> {
    let identifier = input.required_string("identifier", &ROOM_IDENTIFIER);
    let name = input.string("name", &NAME);
    let rate = input.integer("maximumMessageRatePerSecond", 1, 100);
    let length = input.integer("maximumMessageLength", 1, 500);
    let handler = members::message_review_handler(&mut input, &context.scope);
    let logging = input.string_list(
        "loggingConfigurationIdentifiers",
        &LOGGING_CONFIGURATION_IDENTIFIER,
        3,
    );
    input.finish()?;
    let id = context.room_id(&identifier.unwrap_or_default())?;
    let logging_configuration_ids = logging
        .map(|arns| {
            arns.iter()
                .map(|arn| context.logging_configuration_id(arn))
                .collect::<Result<Vec<_>, _>>()
        })
        .transpose()?;
    let room = context
        .region
        .update_room(
            &id,
            RoomUpdate {
                name,
                maximum_message_rate_per_second: rate.and_then(|v| u32::try_from(v).ok()),
                maximum_message_length: length.and_then(|v| u32::try_from(v).ok()),
                message_review_handler: handler,
                logging_configuration_ids,
            },
        )
        .map_err(|error| context.state_error(error))?;
    Reply::json(&RoomOut::room(&room, &context.scope))
}
