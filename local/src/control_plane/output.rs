//! The response shapes (Room, RoomSummary, LoggingConfiguration, ...) as the service writes
//! them: camelCase members, ISO 8601 timestamps with milliseconds, ARNs built from the
//! request's region and the account.

use serde::Serialize;
use time::macros::format_description;
use time::OffsetDateTime;

use crate::state::{Destination, LoggingConfiguration, MessageReviewHandler, Room, Tags};

/// The region and account that ARNs are minted in.
#[derive(Clone, Debug)]
pub struct ArnScope {
    pub region: String,
    pub account_id: String,
}

impl ArnScope {
    pub fn room_arn(&self, id: &str) -> String {
        format!(
            "arn:aws:ivschat:{}:{}:room/{id}",
            self.region, self.account_id
        )
    }

    pub fn logging_configuration_arn(&self, id: &str) -> String {
        format!(
            "arn:aws:ivschat:{}:{}:logging-configuration/{id}",
            self.region, self.account_id
        )
    }
}

/// `2022-09-14T17:48:00.653Z`, the form the service uses.
pub fn timestamp(time: OffsetDateTime) -> String {
    let format =
        format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z");
    time.format(format).unwrap_or_default()
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MessageReviewHandlerOut<'a> {
    uri: &'a str,
    fallback_result: &'static str,
}

impl<'a> From<&'a MessageReviewHandler> for MessageReviewHandlerOut<'a> {
    fn from(handler: &'a MessageReviewHandler) -> Self {
        MessageReviewHandlerOut {
            uri: &handler.uri,
            fallback_result: handler.fallback_result.as_str(),
        }
    }
}

/// Room (Create/Get/UpdateRoom) or, without the two limits, RoomSummary (ListRooms).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RoomOut<'a> {
    arn: String,
    id: &'a str,
    name: &'a str,
    create_time: String,
    update_time: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    maximum_message_rate_per_second: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    maximum_message_length: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message_review_handler: Option<MessageReviewHandlerOut<'a>>,
    tags: &'a Tags,
    logging_configuration_identifiers: Vec<String>,
}

impl<'a> RoomOut<'a> {
    pub fn room(room: &'a Room, scope: &ArnScope) -> Self {
        RoomOut {
            maximum_message_rate_per_second: Some(room.maximum_message_rate_per_second),
            maximum_message_length: Some(room.maximum_message_length),
            ..RoomOut::summary(room, scope)
        }
    }

    pub fn summary(room: &'a Room, scope: &ArnScope) -> Self {
        RoomOut {
            arn: scope.room_arn(&room.id),
            id: &room.id,
            name: &room.name,
            create_time: timestamp(room.create_time),
            update_time: timestamp(room.update_time),
            maximum_message_rate_per_second: None,
            maximum_message_length: None,
            message_review_handler: room
                .message_review_handler
                .as_ref()
                .map(MessageReviewHandlerOut::from),
            tags: &room.tags,
            logging_configuration_identifiers: room
                .logging_configuration_ids
                .iter()
                .map(|id| scope.logging_configuration_arn(id))
                .collect(),
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub enum DestinationOut<'a> {
    S3 {
        #[serde(rename = "bucketName")]
        bucket_name: &'a str,
    },
    CloudWatchLogs {
        #[serde(rename = "logGroupName")]
        log_group_name: &'a str,
    },
    Firehose {
        #[serde(rename = "deliveryStreamName")]
        delivery_stream_name: &'a str,
    },
}

impl<'a> From<&'a Destination> for DestinationOut<'a> {
    fn from(destination: &'a Destination) -> Self {
        match destination {
            Destination::S3 { bucket_name } => DestinationOut::S3 { bucket_name },
            Destination::CloudWatchLogs { log_group_name } => {
                DestinationOut::CloudWatchLogs { log_group_name }
            }
            Destination::Firehose {
                delivery_stream_name,
            } => DestinationOut::Firehose {
                delivery_stream_name,
            },
        }
    }
}

/// LoggingConfiguration (Create/Get/Update) and its List summary, which has the same members.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LoggingConfigurationOut<'a> {
    arn: String,
    id: &'a str,
    create_time: String,
    update_time: String,
    name: &'a str,
    destination_configuration: DestinationOut<'a>,
    state: &'static str,
    tags: &'a Tags,
}

impl<'a> LoggingConfigurationOut<'a> {
    pub fn new(config: &'a LoggingConfiguration, scope: &ArnScope) -> Self {
        LoggingConfigurationOut {
            arn: scope.logging_configuration_arn(&config.id),
            id: &config.id,
            create_time: timestamp(config.create_time),
            update_time: timestamp(config.update_time),
            name: &config.name,
            destination_configuration: DestinationOut::from(&config.destination),
            state: "ACTIVE",
            tags: &config.tags,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_have_milliseconds_and_z() {
        let time = OffsetDateTime::from_unix_timestamp_nanos(1_663_177_680_653_123_456)
            .unwrap_or(OffsetDateTime::UNIX_EPOCH);
        assert_eq!(timestamp(time), "2022-09-14T17:48:00.653Z");
    }

    #[test]
    fn destination_is_a_union_with_one_member() {
        let destination = Destination::S3 {
            bucket_name: "my-bucket".into(),
        };
        let json = serde_json::to_string(&DestinationOut::from(&destination)).unwrap_or_default();
        assert_eq!(json, r#"{"s3":{"bucketName":"my-bucket"}}"#);
    }
}
