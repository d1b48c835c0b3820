//! ListLoggingConfigurations: newest `updateTime` first, paginated by an opaque token.

use serde::Serialize;

use super::input::{Input, PAGINATION_TOKEN};
use super::output::LoggingConfigurationOut;
use super::pagination::{self, Listing};
use super::{Context, Reply};
use crate::control_plane::error::ServiceError;

/// Default and largest `maxResults`.
const MAX_RESULTS: i64 = 50;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ListLoggingConfigurationsOut<'a> {
    logging_configurations: Vec<LoggingConfigurationOut<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
}

pub fn handle(context: &Context, mut input: Input) -> Result<Reply, ServiceError> {
    let next_token = input.string("nextToken", &PAGINATION_TOKEN);
    let max_results = input.integer("maxResults", 1, MAX_RESULTS);
    input.finish()?;
    let before = pagination::decode(Listing::LoggingConfigurations, next_token.as_deref())?;
    let limit = usize::try_from(max_results.unwrap_or(MAX_RESULTS)).unwrap_or(50);
    let page = context.region.list_logging_configurations(before, limit);
    Reply::json(&ListLoggingConfigurationsOut {
        logging_configurations: page
            .items
            .iter()
            .map(|config| LoggingConfigurationOut::new(config, &context.scope))
            .collect(),
        next_token: page
            .next
            .map(|revision| pagination::encode(Listing::LoggingConfigurations, revision)),
    })
}
