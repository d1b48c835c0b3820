//! GetLoggingConfiguration: one logging configuration by ARN.

use super::input::{Input, LOGGING_CONFIGURATION_IDENTIFIER};
use super::output::LoggingConfigurationOut;
use super::{Context, Reply};
use crate::control_plane::error::ServiceError;

pub fn handle(context: &Context, mut input: Input) -> Result<Reply, ServiceError> {
    let identifier = input.required_string("identifier", &LOGGING_CONFIGURATION_IDENTIFIER);
    input.finish()?;
    let id = context.logging_configuration_id(&identifier.unwrap_or_default())?;
    let config = context
        .region
        .get_logging_configuration(&id)
        .map_err(|error| context.state_error(error))?;
    Reply::json(&LoggingConfigurationOut::new(&config, &context.scope))
}
