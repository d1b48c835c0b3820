//! CreateChatToken: a single-use token for one user in one room, with capabilities,
//! attributes (at most 1 KB) and a session of 1–180 minutes (default 60).

use serde::Serialize;
use time::Duration;

use super::input::{Input, ROOM_IDENTIFIER, USER_ID};
use super::output::timestamp;
use super::{Context, Reply};
use crate::control_plane::error::ServiceError;
use crate::state::chat_tokens::Capability;
use crate::state::{ids, ChatTokenGrant};

/// Default `sessionDurationInMinutes`.
const DEFAULT_SESSION_MINUTES: i64 = 60;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CreateChatTokenOut {
    token: String,
    token_expiration_time: String,
    session_expiration_time: String,
}

pub fn handle(context: &Context, mut input: Input) -> Result<Reply, ServiceError> {
    let room_arn = input.required_string("roomIdentifier", &ROOM_IDENTIFIER);
    let user_id = input.required_string("userId", &USER_ID);
    let capabilities = read_capabilities(&mut input);
    let session_minutes = input.integer("sessionDurationInMinutes", 1, 180);
    let attributes = input.attributes("attributes");
    input.finish()?;
    let room_id = context.room_id(&room_arn.unwrap_or_default())?;
    context
        .region
        .get_room(&room_id)
        .map_err(|error| context.state_error(error))?;

    let now = ids::now();
    let session_duration = Duration::minutes(session_minutes.unwrap_or(DEFAULT_SESSION_MINUTES));
    let token_lifetime = Duration::try_from(context.token_lifetime).unwrap_or(Duration::MINUTE);
    let grant = ChatTokenGrant {
        region: context.scope.region.clone(),
        room_id,
        user_id: user_id.unwrap_or_default(),
        capabilities,
        attributes: attributes.unwrap_or_default(),
        token_expiration_time: now + token_lifetime,
        session_expiration_time: now + session_duration,
        session_duration,
    };
    let out = CreateChatTokenOut {
        token_expiration_time: timestamp(grant.token_expiration_time),
        session_expiration_time: timestamp(grant.session_expiration_time),
        token: context.state.chat_tokens.issue(grant),
    };
    Reply::json(&out)
}

fn read_capabilities(input: &mut Input) -> Vec<Capability> {
    const NAMES: [&str; 3] = ["SEND_MESSAGE", "DISCONNECT_USER", "DELETE_MESSAGE"];
    let values = input
        .string_list("capabilities", &super::input::CAPABILITY, usize::MAX)
        .unwrap_or_default();
    let mut capabilities = Vec::with_capacity(values.len());
    for value in values {
        match Capability::parse(&value) {
            Some(capability) if !capabilities.contains(&capability) => {
                capabilities.push(capability)
            }
            Some(_) => {}
            None => input.fail(
                "capabilities",
                Some(&value),
                format!("Member must satisfy enum value set: [{}]", NAMES.join(", ")),
            ),
        }
    }
    capabilities
}
