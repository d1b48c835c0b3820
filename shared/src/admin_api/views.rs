//! The JSON shapes the administration routes answer: IVS Chat's own field names (camelCase),
//! times in RFC 3339, and every list as a page with an opaque `nextToken`.

use std::collections::HashMap;

use aws_sdk_ivschat::types::{
    DestinationConfiguration, LoggingConfigurationSummary, MessageReviewHandler, RoomSummary,
};
use aws_smithy_types::date_time::Format;
use aws_smithy_types::DateTime;
use serde::Serialize;
use serde_json::{json, Value};

/// A room, as GetRoom, CreateRoom and UpdateRoom describe it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RoomView {
    pub id: String,
    pub arn: String,
    pub name: String,
    pub create_time: Option<String>,
    pub update_time: Option<String>,
    pub maximum_message_length: Option<i32>,
    pub maximum_message_rate_per_second: Option<i32>,
    /// `null` when no handler reviews the room's messages.
    pub message_review_handler: Option<ReviewHandlerView>,
    pub logging_configuration_identifiers: Vec<String>,
    pub tags: HashMap<String, String>,
}

/// A room in a listing (IVS lists no limits).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RoomSummaryView {
    pub id: String,
    pub arn: String,
    pub name: String,
    pub create_time: Option<String>,
    pub update_time: Option<String>,
    pub message_review_handler: Option<ReviewHandlerView>,
    pub logging_configuration_identifiers: Vec<String>,
    pub tags: HashMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReviewHandlerView {
    pub uri: String,
    pub fallback_result: String,
}

/// A logging configuration.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LoggingConfigurationView {
    pub id: String,
    pub arn: String,
    pub name: String,
    pub create_time: Option<String>,
    pub update_time: Option<String>,
    /// `{"s3": {"bucketName"}}`, `{"cloudWatchLogs": {"logGroupName"}}` or
    /// `{"firehose": {"deliveryStreamName"}}`.
    pub destination_configuration: Value,
    pub state: String,
    pub tags: HashMap<String, String>,
}

/// One page of a listing; `nextToken` is absent on the last page.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Page<T> {
    pub items: Vec<T>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

pub(crate) fn time(t: Option<&DateTime>) -> Option<String> {
    t.and_then(|t| t.fmt(Format::DateTime).ok())
}

pub(crate) fn review_handler(handler: Option<&MessageReviewHandler>) -> Option<ReviewHandlerView> {
    handler
        .and_then(|h| h.uri())
        .filter(|uri| !uri.is_empty())
        .map(|uri| ReviewHandlerView {
            uri: uri.to_owned(),
            fallback_result: handler
                .and_then(|h| h.fallback_result())
                .map(|f| f.as_str().to_owned())
                .unwrap_or_else(|| "ALLOW".to_owned()),
        })
}

pub(crate) fn destination(destination: Option<&DestinationConfiguration>) -> Value {
    match destination {
        Some(DestinationConfiguration::S3(s3)) => {
            json!({ "s3": { "bucketName": s3.bucket_name() } })
        }
        Some(DestinationConfiguration::CloudWatchLogs(logs)) => {
            json!({ "cloudWatchLogs": { "logGroupName": logs.log_group_name() } })
        }
        Some(DestinationConfiguration::Firehose(firehose)) => {
            json!({ "firehose": { "deliveryStreamName": firehose.delivery_stream_name() } })
        }
        _ => json!({}),
    }
}

/// Builds a [`RoomView`] from any IVS output that describes a whole room.
macro_rules! room_view {
    ($output:expr) => {{
        let output = &$output;
        $crate::admin_api::RoomView {
            id: output.id().unwrap_or_default().to_owned(),
            arn: output.arn().unwrap_or_default().to_owned(),
            name: output.name().unwrap_or_default().to_owned(),
            create_time: $crate::admin_api::views::time(output.create_time()),
            update_time: $crate::admin_api::views::time(output.update_time()),
            maximum_message_length: output.maximum_message_length(),
            maximum_message_rate_per_second: output.maximum_message_rate_per_second(),
            message_review_handler: $crate::admin_api::views::review_handler(
                output.message_review_handler(),
            ),
            logging_configuration_identifiers: output.logging_configuration_identifiers().to_vec(),
            tags: output.tags().cloned().unwrap_or_default(),
        }
    }};
}
pub(crate) use room_view;

/// Builds a [`LoggingConfigurationView`] from any IVS output that describes one.
macro_rules! logging_configuration_view {
    ($output:expr) => {{
        let output = &$output;
        $crate::admin_api::LoggingConfigurationView {
            id: output.id().unwrap_or_default().to_owned(),
            arn: output.arn().unwrap_or_default().to_owned(),
            name: output.name().unwrap_or_default().to_owned(),
            create_time: $crate::admin_api::views::time(output.create_time()),
            update_time: $crate::admin_api::views::time(output.update_time()),
            destination_configuration: $crate::admin_api::views::destination(
                output.destination_configuration(),
            ),
            state: output
                .state()
                .map(|s| s.as_str().to_owned())
                .unwrap_or_default(),
            tags: output.tags().cloned().unwrap_or_default(),
        }
    }};
}
pub(crate) use logging_configuration_view;

impl From<&RoomSummary> for RoomSummaryView {
    fn from(room: &RoomSummary) -> Self {
        RoomSummaryView {
            id: room.id().unwrap_or_default().to_owned(),
            arn: room.arn().unwrap_or_default().to_owned(),
            name: room.name().unwrap_or_default().to_owned(),
            create_time: time(room.create_time()),
            update_time: time(room.update_time()),
            message_review_handler: review_handler(room.message_review_handler()),
            logging_configuration_identifiers: room.logging_configuration_identifiers().to_vec(),
            tags: room.tags().cloned().unwrap_or_default(),
        }
    }
}

impl From<&LoggingConfigurationSummary> for LoggingConfigurationView {
    fn from(summary: &LoggingConfigurationSummary) -> Self {
        logging_configuration_view!(summary)
    }
}
