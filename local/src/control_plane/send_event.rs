//! SendEvent: an event (name 1–100, attributes at most 1 KB) for every client of a room;
//! recorded for delivery, answered with the event's id.

use serde::Serialize;

use super::input::{Input, EVENT_NAME, ROOM_IDENTIFIER};
use super::{Context, Reply};
use crate::control_plane::error::ServiceError;
use crate::state::{ids, RoomActivity};

#[derive(Serialize)]
struct IdOut {
    id: String,
}

pub fn handle(context: &Context, mut input: Input) -> Result<Reply, ServiceError> {
    let room_arn = input.required_string("roomIdentifier", &ROOM_IDENTIFIER);
    let event_name = input.required_string("eventName", &EVENT_NAME);
    let attributes = input.attributes("attributes");
    input.finish()?;
    let room_id = context.room_id(&room_arn.unwrap_or_default())?;
    context
        .region
        .get_room(&room_id)
        .map_err(|error| context.state_error(error))?;
    let id = ids::new_id();
    context.state.activity.record(RoomActivity::EventSent {
        region: context.scope.region.clone(),
        room_id,
        id: id.clone(),
        event_name: event_name.unwrap_or_default(),
        attributes: attributes.unwrap_or_default(),
        send_time: ids::now(),
    });
    Reply::json(&IdOut { id })
}
