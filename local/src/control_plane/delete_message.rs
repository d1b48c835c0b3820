//! DeleteMessage: the `aws:DELETE_MESSAGE` event for a message id, with an optional reason;
//! recorded for delivery, answered with the operation's id.

use serde::Serialize;

use super::input::{Input, MESSAGE_ID, REASON, ROOM_IDENTIFIER};
use super::{Context, Reply};
use crate::control_plane::error::ServiceError;
use crate::state::{ids, RoomActivity};

#[derive(Serialize)]
struct IdOut {
    id: String,
}

pub fn handle(context: &Context, mut input: Input) -> Result<Reply, ServiceError> {
    let room_arn = input.required_string("roomIdentifier", &ROOM_IDENTIFIER);
    let message_id = input.required_string("id", &MESSAGE_ID);
    let reason = input.string("reason", &REASON);
    input.finish()?;
    let room_id = context.room_id(&room_arn.unwrap_or_default())?;
    context
        .region
        .get_room(&room_id)
        .map_err(|error| context.state_error(error))?;
    let id = ids::new_id();
    context.state.activity.record(RoomActivity::MessageDeleted {
        region: context.scope.region.clone(),
        room_id,
        id: id.clone(),
        message_id: message_id.unwrap_or_default(),
        reason,
        send_time: ids::now(),
    });
    Reply::json(&IdOut { id })
}
