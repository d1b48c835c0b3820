//! UpdateLoggingConfiguration: a new name and/or destination; omitted members stay.

use super::input::{Input, LOGGING_CONFIGURATION_IDENTIFIER, NAME};
use super::output::LoggingConfigurationOut;
use super::{members, Context, Reply};
use crate::control_plane::error::ServiceError;
use crate::state::LoggingConfigurationUpdate;

pub fn handle(context: &Context, mut input: Input) -> Result<Reply, ServiceError> {
    let identifier = input.required_string("identifier", &LOGGING_CONFIGURATION_IDENTIFIER);
    let name = input.string("name", &NAME);
    let destination = members::destination_configuration(&mut input, false);
    input.finish()?;
    let id = context.logging_configuration_id(&identifier.unwrap_or_default())?;
    let config = context
        .region
        .update_logging_configuration(&id, LoggingConfigurationUpdate { name, destination })
        .map_err(|error| context.state_error(error))?;
    Reply::json(&LoggingConfigurationOut::new(&config, &context.scope))
}
