//! DisconnectUser: the `aws:DISCONNECT_USER` event, then every connection of the user in the
//! room closes; recorded for delivery, answered with an empty structure.

use super::input::{Input, REASON, ROOM_IDENTIFIER, USER_ID};
use super::{Context, Reply};
use crate::control_plane::error::ServiceError;
use crate::state::{ids, RoomActivity};

pub fn handle(context: &Context, mut input: Input) -> Result<Reply, ServiceError> {
    let room_arn = input.required_string("roomIdentifier", &ROOM_IDENTIFIER);
    let user_id = input.required_string("userId", &USER_ID);
    let reason = input.string("reason", &REASON);
    input.finish()?;
    let room_id = context.room_id(&room_arn.unwrap_or_default())?;
    context
        .region
        .get_room(&room_id)
        .map_err(|error| context.state_error(error))?;
    context
        .state
        .activity
        .record(RoomActivity::UserDisconnected {
            region: context.scope.region.clone(),
            room_id,
            id: ids::new_id(),
            user_id: user_id.unwrap_or_default(),
            reason,
            send_time: ids::now(),
        });
    Ok(Reply::empty())
}
