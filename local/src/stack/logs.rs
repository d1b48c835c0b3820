//! Chat logging in `ivschat-local up`: the template's IVS Chat logging configurations,
//! created through the IVS Chat API before the rooms that name them (and their ARNs given to
//! the functions whose environment names them), and its functions' `CloudWatchLogs` events,
//! put as subscription filters on the running service so that a room's chat log reaches the
//! function as an `awslogs` event, as in AWS.

use std::collections::BTreeMap;

use aws_sdk_ivschat::types::{
    CloudWatchLogsDestinationConfiguration, DestinationConfiguration,
    FirehoseDestinationConfiguration, S3DestinationConfiguration,
};

use super::template::{
    LocalScope, LoggingConfigurationRef, LoggingDestinationDef, RoomDef, StackTemplate,
};
use super::{user_value, EnvironmentOverride};
use crate::log_subscriptions::{is_supported_pattern, SubscriptionError, SubscriptionFilter};
use crate::server::RunningServer;

/// Why the template's chat logging cannot be set up.
#[derive(Debug, thiserror::Error)]
pub enum LoggingError {
    #[error("cannot create logging configuration {configuration}: {detail}")]
    Create {
        configuration: String,
        detail: String,
    },
    #[error("event {event} of function {function}: {source}")]
    Subscription {
        function: String,
        event: String,
        source: Box<SubscriptionError>,
    },
}

/// Creates the template's logging configurations; their ARNs by logical id.
pub async fn create_logging_configurations(
    ivs: &aws_sdk_ivschat::Client,
    template: &StackTemplate,
) -> Result<BTreeMap<String, String>, LoggingError> {
    let mut created = BTreeMap::new();
    for configuration in &template.logging_configurations {
        let failed = |detail: String| LoggingError::Create {
            configuration: configuration.logical_id.clone(),
            detail,
        };
        let destination = match &configuration.destination {
            LoggingDestinationDef::CloudWatchLogs { log_group_name } => {
                CloudWatchLogsDestinationConfiguration::builder()
                    .log_group_name(log_group_name)
                    .build()
                    .map(DestinationConfiguration::CloudWatchLogs)
            }
            LoggingDestinationDef::S3 { bucket_name } => S3DestinationConfiguration::builder()
                .bucket_name(bucket_name)
                .build()
                .map(DestinationConfiguration::S3),
            LoggingDestinationDef::Firehose {
                delivery_stream_name,
            } => FirehoseDestinationConfiguration::builder()
                .delivery_stream_name(delivery_stream_name)
                .build()
                .map(DestinationConfiguration::Firehose),
        }
        .map_err(|e| failed(e.to_string()))?;
        let mut request = ivs
            .create_logging_configuration()
            .set_name(configuration.name.clone())
            .destination_configuration(destination);
        for (key, value) in &configuration.tags {
            request = request.tags(key, value);
        }
        let output = request.send().await.map_err(|e| {
            failed(aws_smithy_types::error::display::DisplayErrorContext(e).to_string())
        })?;
        let arn = output
            .arn()
            .ok_or_else(|| failed("the answer has no ARN".to_owned()))?;
        created.insert(configuration.logical_id.clone(), arn.to_owned());
    }
    Ok(created)
}

/// Gives the functions the ARNs of the created logging configurations their environment
/// names, except for the variables the user set with `--function-env` (`user_env`), which
/// keep the user's value and are returned. Processes start at the first invocation, after
/// this.
pub fn pass_logging_configuration_arns(
    server: &RunningServer,
    template: &StackTemplate,
    created: &BTreeMap<String, String>,
    user_env: &[crate::config::FunctionEnv],
) -> Vec<EnvironmentOverride> {
    let invoker = server.function_invoker();
    let mut overrides = Vec::new();
    for function in &template.functions {
        let Some(hosted) = invoker.hosted(&function.binary) else {
            continue;
        };
        for (key, logical_id) in &function.logging_configuration_environment {
            let Some(arn) = created.get(logical_id) else {
                continue;
            };
            match user_value(user_env, &function.binary, key) {
                Some(user) => overrides.push(EnvironmentOverride {
                    function: function.binary.clone(),
                    variable: key.clone(),
                    stack_value: arn.clone(),
                    user_value: user.to_owned(),
                }),
                None => hosted.set_environment_variable(key, arn),
            }
        }
    }
    overrides
}

/// The identifiers to create `room` with: the ARNs of the template's configurations it names
/// (the template checked that they exist) and existing ARNs as written.
pub fn room_logging_configurations(
    room: &RoomDef,
    created: &BTreeMap<String, String>,
) -> Vec<String> {
    room.logging_configurations
        .iter()
        .filter_map(|reference| match reference {
            LoggingConfigurationRef::Template(logical_id) => created.get(logical_id).cloned(),
            LoggingConfigurationRef::Existing(arn) => Some(arn.clone()),
        })
        .collect()
}

/// Refuses, before anything starts, a `CloudWatchLogs` event whose filter pattern cannot be
/// applied locally (only the empty pattern, every event, can).
pub fn check_subscriptions(template: &StackTemplate) -> Result<(), LoggingError> {
    for function in &template.functions {
        for event in &function.log_subscriptions {
            if !is_supported_pattern(&event.filter_pattern) {
                return Err(LoggingError::Subscription {
                    function: function.logical_id.clone(),
                    event: event.event.clone(),
                    source: Box::new(SubscriptionError::UnsupportedPattern {
                        log_group: event.log_group_name.clone(),
                        filter: filter_name(&function.logical_id, &event.event),
                        pattern: event.filter_pattern.clone(),
                    }),
                });
            }
        }
    }
    Ok(())
}

/// The name SAM gives the subscription filter of a function's event.
fn filter_name(function: &str, event: &str) -> String {
    format!("{function}{event}")
}

/// Puts a subscription filter for every `CloudWatchLogs` event of the template's functions,
/// named `<FunctionLogicalId><EventName>` like the filter SAM generates. A filter pattern
/// other than the empty one is refused rather than applied wrongly.
pub fn subscribe(
    server: &RunningServer,
    template: &StackTemplate,
    scope: &LocalScope,
) -> Result<(), LoggingError> {
    let subscriptions = server.log_subscriptions();
    for function in &template.functions {
        for event in &function.log_subscriptions {
            subscriptions
                .put_subscription_filter(SubscriptionFilter {
                    log_group_name: event.log_group_name.clone(),
                    filter_name: filter_name(&function.logical_id, &event.event),
                    filter_pattern: event.filter_pattern.clone(),
                    destination_arn: format!(
                        "arn:aws:lambda:{}:{}:function:{}",
                        scope.region, scope.account_id, function.binary
                    ),
                })
                .map_err(|source| LoggingError::Subscription {
                    function: function.logical_id.clone(),
                    event: event.event.clone(),
                    source: Box::new(source),
                })?;
        }
    }
    Ok(())
}
