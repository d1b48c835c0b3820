//! CreateLoggingConfiguration: a destination (exactly one of S3, CloudWatch Logs, Firehose),
//! ACTIVE at once, within the account's limit.

use super::input::{Input, NAME};
use super::output::LoggingConfigurationOut;
use super::{members, Context, Reply};
use crate::control_plane::error::ServiceError;
use crate::state::NewLoggingConfiguration;

pub fn handle(context: &Context, mut input: Input) -> Result<Reply, ServiceError> {
    let name = input.string("name", &NAME);
    let destination = members::destination_configuration(&mut input, true);
    let tags = input.tags("tags");
    input.finish()?;
    let Some(destination) = destination else {
        return Err(ServiceError::malformed(
            "destinationConfiguration is required.",
        ));
    };
    let config = context
        .region
        .create_logging_configuration(NewLoggingConfiguration {
            name,
            destination,
            tags: tags.unwrap_or_default(),
        })
        .map_err(|error| context.state_error(error))?;
    Reply::json(&LoggingConfigurationOut::new(&config, &context.scope))
}
