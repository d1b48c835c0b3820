//! DeleteLoggingConfiguration: removes one no room uses (204); one still attached to a room
//! is a conflict.

use super::input::{Input, LOGGING_CONFIGURATION_IDENTIFIER};
use super::{Context, Reply};
use crate::control_plane::error::ServiceError;

pub fn handle(context: &Context, mut input: Input) -> Result<Reply, ServiceError> {
    let identifier = input.required_string("identifier", &LOGGING_CONFIGURATION_IDENTIFIER);
    input.finish()?;
    let id = context.logging_configuration_id(&identifier.unwrap_or_default())?;
    context
        .region
        .delete_logging_configuration(&id)
        .map_err(|error| context.state_error(error))?;
    Ok(Reply::NoContent)
}
