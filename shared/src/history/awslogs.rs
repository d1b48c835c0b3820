//! The event a CloudWatch Logs subscription filter sends to a Lambda function:
//! `{"awslogs":{"data":"<base64 of gzip of JSON>"}}`, the JSON being one batch of log events
//! of one log stream. Decoding is bounded (a batch inflates to at most [`MAX_INFLATED_BYTES`]),
//! and the encoder is here too, for tests, benchmarks and the local stack's fixtures.
//!
//! `aws_lambda_events::cloudwatch_logs::LogsEvent` reads the same events (the writer's tests
//! check it on the sample events), but inflates without a bound: a small event could expand
//! to gigabytes. So the writer decodes with this one.

use std::io::{Read, Write};

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use flate2::Compression;
use serde::{Deserialize, Serialize};

/// CloudWatch Logs sends at most 1 MB of log events per delivery; anything that inflates far
/// beyond that is not a delivery.
pub const MAX_INFLATED_BYTES: u64 = 8 * 1024 * 1024;

/// The Lambda event. Members AWS may add beside `awslogs` are ignored, so that a new one
/// cannot fail every delivery.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct LogsEvent {
    pub awslogs: AwsLogs,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AwsLogs {
    pub data: String,
}

/// One delivery, decoded.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LogBatch {
    /// `DATA_MESSAGE`, or `CONTROL_MESSAGE` (CloudWatch Logs checking that it can reach the
    /// function; it carries no chat).
    pub message_type: String,
    pub owner: String,
    pub log_group: String,
    pub log_stream: String,
    pub subscription_filters: Vec<String>,
    pub log_events: Vec<LogEvent>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct LogEvent {
    pub id: String,
    /// Epoch milliseconds.
    pub timestamp: i64,
    pub message: String,
}

impl LogBatch {
    pub fn is_control(&self) -> bool {
        self.message_type == "CONTROL_MESSAGE"
    }
}

/// Why an event is not a readable delivery.
#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    #[error("awslogs.data is not base64: {0}")]
    Base64(#[from] base64::DecodeError),
    #[error("awslogs.data is not gzip: {0}")]
    Gzip(std::io::Error),
    #[error("awslogs.data inflates past {MAX_INFLATED_BYTES} bytes")]
    TooLarge,
    #[error("awslogs.data is not a log batch: {0}")]
    Json(#[from] serde_json::Error),
}

impl LogsEvent {
    /// The batch this event carries.
    pub fn decode(&self) -> Result<LogBatch, DecodeError> {
        let compressed = STANDARD.decode(self.awslogs.data.trim())?;
        let mut json = Vec::with_capacity(compressed.len() * 8);
        GzDecoder::new(compressed.as_slice())
            .take(MAX_INFLATED_BYTES + 1)
            .read_to_end(&mut json)
            .map_err(DecodeError::Gzip)?;
        if json.len() as u64 > MAX_INFLATED_BYTES {
            return Err(DecodeError::TooLarge);
        }
        Ok(serde_json::from_slice(&json)?)
    }

    /// The event CloudWatch Logs would send for `batch` (padded standard base64, as AWS
    /// writes it).
    pub fn encode(batch: &LogBatch) -> Result<LogsEvent, std::io::Error> {
        let json = serde_json::to_vec(batch).map_err(std::io::Error::other)?;
        let mut gzip = GzEncoder::new(Vec::new(), Compression::default());
        gzip.write_all(&json)?;
        let compressed = gzip.finish()?;
        Ok(LogsEvent {
            awslogs: AwsLogs {
                data: STANDARD.encode(compressed),
            },
        })
    }
}

/// The room of a chat-log stream, `aws/IVSChatLogs/1.0/room_<roomId>`.
pub fn room_of_stream(log_stream: &str) -> Option<&str> {
    let room = log_stream.strip_prefix("aws/IVSChatLogs/1.0/room_")?;
    (!room.is_empty() && room.len() <= 64 && room.bytes().all(|b| b.is_ascii_alphanumeric()))
        .then_some(room)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn batch() -> LogBatch {
        LogBatch {
            message_type: "DATA_MESSAGE".into(),
            owner: "123456789012".into(),
            log_group: "/ivschat/stack/chat".into(),
            log_stream: "aws/IVSChatLogs/1.0/room_abcDEF123456".into(),
            subscription_filters: vec!["f".into()],
            log_events: vec![LogEvent {
                id: "1".into(),
                timestamp: 1_700_000_000_000,
                message: "{}".into(),
            }],
        }
    }

    #[test]
    fn encode_and_decode_round_trip_with_padding() {
        let event = LogsEvent::encode(&batch()).expect("encodes");
        assert_eq!(event.awslogs.data.len() % 4, 0, "padded base64");
        let text = serde_json::to_string(&event).expect("serialises");
        let parsed: LogsEvent = serde_json::from_str(&text).expect("parses");
        assert_eq!(parsed.decode().expect("decodes"), batch());
    }

    #[test]
    fn bad_data_says_why() {
        let event = |data: &str| LogsEvent {
            awslogs: AwsLogs { data: data.into() },
        };
        assert!(matches!(event("%%%").decode(), Err(DecodeError::Base64(_))));
        assert!(matches!(
            event(&STANDARD.encode(b"plain")).decode(),
            Err(DecodeError::Gzip(_))
        ));
        let mut gzip = GzEncoder::new(Vec::new(), Compression::default());
        gzip.write_all(b"[1,2]").expect("writes");
        let data = STANDARD.encode(gzip.finish().expect("gzip"));
        assert!(matches!(event(&data).decode(), Err(DecodeError::Json(_))));
        assert!(serde_json::from_str::<LogsEvent>(r#"{"awslogs":{"data":"","x":1}}"#).is_err());
    }

    #[test]
    fn a_bomb_is_refused() {
        let mut gzip = GzEncoder::new(Vec::new(), Compression::best());
        let zeros = vec![b' '; 1024 * 1024];
        for _ in 0..9 {
            gzip.write_all(&zeros).expect("writes");
        }
        let data = STANDARD.encode(gzip.finish().expect("gzip"));
        let event = LogsEvent {
            awslogs: AwsLogs { data },
        };
        assert!(matches!(event.decode(), Err(DecodeError::TooLarge)));
    }

    #[test]
    fn rooms_of_streams() {
        assert_eq!(
            room_of_stream("aws/IVSChatLogs/1.0/room_abcDEF123456"),
            Some("abcDEF123456")
        );
        for bad in [
            "",
            "aws/IVSChatLogs/1.0/room_",
            "other",
            "aws/IVSChatLogs/1.0/room_a/b",
        ] {
            assert_eq!(room_of_stream(bad), None, "{bad}");
        }
    }
}
