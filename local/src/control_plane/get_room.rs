//! GetRoom: one room by ARN.

use super::input::{Input, ROOM_IDENTIFIER};
use super::output::RoomOut;
use super::{Context, Reply};
use crate::control_plane::error::ServiceError;

pub fn handle(context: &Context, mut input: Input) -> Result<Reply, ServiceError> {
    let identifier = input.required_string("identifier", &ROOM_IDENTIFIER);
    input.finish()?;
    let id = context.room_id(&identifier.unwrap_or_default())?;
    let room = context
        .region
        .get_room(&id)
        .map_err(|error| context.state_error(error))?;
    Reply::json(&RoomOut::room(&room, &context.scope))
}
