//! DeleteRoom: removes the room (204) and records it, so that its connections close.

use super::input::{Input, ROOM_IDENTIFIER};
use super::{Context, Reply};
use crate::control_plane::error::ServiceError;
use crate::state::RoomActivity;

pub fn handle(context: &Context, mut input: Input) -> Result<Reply, ServiceError> {
    let identifier = input.required_string("identifier", &ROOM_IDENTIFIER);
    input.finish()?;
    let id = context.room_id(&identifier.unwrap_or_default())?;
    let room = context
        .region
        .delete_room(&id)
        .map_err(|error| context.state_error(error))?;
    context.state.activity.record(RoomActivity::RoomDeleted {
        region: context.scope.region.clone(),
        room_id: room.id,
    });
    Ok(Reply::NoContent)
}
