//! One chat-log record (v1.0, as IVS Chat writes it to every logging destination) read into
//! what the history keeps: a delivered message, the deletion of one, or nothing.
//!
//! ```json
//! {"event_timestamp":"2023-01-05T14:33:32.894Z","type":"MESSAGE",
//!  "payload":{"Type":"MESSAGE","Id":"WhO6MW6iRdS5","RequestId":"","Attributes":{},
//!             "Content":"hi","SendTime":"2023-01-05T14:33:32.894089757Z",
//!             "Sender":{"UserId":"alice","Attributes":{}}},
//!  "version":"1.0"}
//! ```
//!
//! The payload is exactly the frame clients receive. A deletion is the `EVENT` named
//! `aws:DELETE_MESSAGE` whose attributes name the message (`MessageId`, or its older twin
//! `MessageID`). A held message a moderator approved is delivered as the event
//! `ivschat-serverless:approved-message` and kept as the message it was (content and sender
//! from the event's attributes, the event's id and send time). Every other event (custom
//! events, `aws:DISCONNECT_USER`) is not history.

use std::collections::BTreeMap;

use serde::Deserialize;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::room_moderation::{APPROVED_EVENT, SENDER_PREFIX};

/// The event IVS Chat sends and logs when a message is deleted.
pub const DELETE_MESSAGE_EVENT: &str = "aws:DELETE_MESSAGE";

/// Longest message id, content and attribute text the history accepts from a record (IVS
/// Chat's own limits are far below: ids are 12 characters, content at most 500 code points,
/// attributes 1 KB).
const MAX_ID_CHARS: usize = 128;
const MAX_CONTENT_BYTES: usize = 64 * 1024;

/// A delivered chat message, in the shape of the chat SDK's `ChatMessage`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatMessage {
    pub id: String,
    pub request_id: String,
    pub content: String,
    pub attributes: BTreeMap<String, String>,
    /// RFC 3339 with IVS Chat's nanoseconds, as the frame had it.
    pub send_time: String,
    /// The same instant, parsed.
    pub sent_at: OffsetDateTime,
    pub sender_user_id: String,
    pub sender_attributes: BTreeMap<String, String>,
}

/// What one record means for the history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HistoryRecord {
    Message(ChatMessage),
    /// `aws:DELETE_MESSAGE`: the message with this id is gone.
    Deletion {
        message_id: String,
        at: OffsetDateTime,
    },
    /// A record the history does not keep (other events).
    Ignored,
}

/// Why a record could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecordError {
    #[error("not a chat-log record: {0}")]
    Malformed(String),
    #[error("unsupported chat-log version {0:?}")]
    Version(String),
    #[error("unknown record type {0:?}")]
    Type(String),
    #[error("{field}: {problem}")]
    Field {
        field: &'static str,
        problem: String,
    },
}

#[derive(Deserialize)]
struct RawRecord {
    #[serde(rename = "type")]
    kind: String,
    version: String,
    payload: RawPayload,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RawPayload {
    id: Option<String>,
    request_id: Option<String>,
    content: Option<String>,
    event_name: Option<String>,
    #[serde(default)]
    attributes: Option<BTreeMap<String, String>>,
    send_time: Option<String>,
    sender: Option<RawSender>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RawSender {
    user_id: Option<String>,
    #[serde(default)]
    attributes: Option<BTreeMap<String, String>>,
}

fn required(value: Option<String>, field: &'static str) -> Result<String, RecordError> {
    match value {
        Some(v) if !v.is_empty() => Ok(v),
        _ => Err(RecordError::Field {
            field,
            problem: "missing".to_owned(),
        }),
    }
}

fn checked_id(value: Option<String>, field: &'static str) -> Result<String, RecordError> {
    let id = required(value, field)?;
    if id.chars().count() > MAX_ID_CHARS || id.chars().any(char::is_control) {
        return Err(RecordError::Field {
            field,
            problem: "not an id".to_owned(),
        });
    }
    Ok(id)
}

fn parse_time(text: &str, field: &'static str) -> Result<OffsetDateTime, RecordError> {
    OffsetDateTime::parse(text, &Rfc3339).map_err(|e| RecordError::Field {
        field,
        problem: format!("not an RFC 3339 time: {e}"),
    })
}

/// The message an approved held message's event delivered.
fn approved_message(payload: RawPayload) -> Result<HistoryRecord, RecordError> {
    let id = checked_id(payload.id, "payload.Id")?;
    let mut attributes = payload.attributes.unwrap_or_default();
    let content = attributes.remove("Content").unwrap_or_default();
    let sender_user_id = required(attributes.remove("UserId"), "payload.Attributes.UserId")?;
    let held_id = attributes.remove("MessageId").unwrap_or_default();
    let send_time = required(payload.send_time, "payload.SendTime")?;
    let sent_at = parse_time(&send_time, "payload.SendTime")?;
    let sender_attributes = attributes
        .iter()
        .filter_map(|(k, v)| Some((k.strip_prefix(SENDER_PREFIX)?.to_owned(), v.clone())))
        .collect();
    Ok(HistoryRecord::Message(ChatMessage {
        id,
        request_id: String::new(),
        content,
        attributes: BTreeMap::from([(APPROVED_ATTRIBUTE.to_owned(), held_id)]),
        send_time,
        sent_at,
        sender_user_id,
        sender_attributes,
    }))
}

/// The attribute of an approved message in the history: the held message's id.
pub const APPROVED_ATTRIBUTE: &str = "moderation.approved";

/// Reads one record (a log event's message).
pub fn parse_record(text: &str) -> Result<HistoryRecord, RecordError> {
    let raw: RawRecord =
        serde_json::from_str(text).map_err(|e| RecordError::Malformed(e.to_string()))?;
    if raw.version != "1.0" {
        return Err(RecordError::Version(raw.version));
    }
    let payload = raw.payload;
    match raw.kind.as_str() {
        "MESSAGE" => {
            let id = checked_id(payload.id, "payload.Id")?;
            let content = payload.content.unwrap_or_default();
            if content.len() > MAX_CONTENT_BYTES {
                return Err(RecordError::Field {
                    field: "payload.Content",
                    problem: "too long".to_owned(),
                });
            }
            let send_time = required(payload.send_time, "payload.SendTime")?;
            let sent_at = parse_time(&send_time, "payload.SendTime")?;
            let sender = payload.sender.ok_or(RecordError::Field {
                field: "payload.Sender",
                problem: "missing".to_owned(),
            })?;
            Ok(HistoryRecord::Message(ChatMessage {
                id,
                request_id: payload.request_id.unwrap_or_default(),
                content,
                attributes: payload.attributes.unwrap_or_default(),
                send_time,
                sent_at,
                sender_user_id: required(sender.user_id, "payload.Sender.UserId")?,
                sender_attributes: sender.attributes.unwrap_or_default(),
            }))
        }
        "EVENT" if payload.event_name.as_deref() == Some(APPROVED_EVENT) => {
            approved_message(payload)
        }
        "EVENT" => {
            if payload.event_name.as_deref() != Some(DELETE_MESSAGE_EVENT) {
                return Ok(HistoryRecord::Ignored);
            }
            let mut attributes = payload.attributes.unwrap_or_default();
            let message_id = attributes
                .remove("MessageId")
                .or_else(|| attributes.remove("MessageID"));
            let message_id = checked_id(message_id, "payload.Attributes.MessageId")?;
            let at = match payload.send_time {
                Some(text) => parse_time(&text, "payload.SendTime")?,
                None => OffsetDateTime::now_utc(),
            };
            Ok(HistoryRecord::Deletion { message_id, at })
        }
        other => Err(RecordError::Type(other.to_owned())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MESSAGE: &str = r#"{"event_timestamp":"2023-01-05T14:33:32.894Z","type":"MESSAGE","payload":{"Type":"MESSAGE","Id":"WhO6MW6iRdS5","RequestId":"r1","Attributes":{"k":"v"},"Content":"bbiab!","SendTime":"2023-01-05T14:33:32.894089757Z","Sender":{"UserId":"alice","Attributes":{"displayName":"Alice"}}},"version":"1.0"}"#;

    #[test]
    fn an_approved_held_message_reads_as_the_message_it_was() {
        let record = r#"{"event_timestamp":"2023-01-05T14:33:33.000Z","type":"EVENT","payload":{"Type":"EVENT","Id":"EvT1234abcde","RequestId":"","EventName":"ivschat-serverless:approved-message","Attributes":{"Content":"free giveaway","UserId":"alice","MessageId":"1700000000000abc","Sender.displayName":"Alice"},"SendTime":"2023-01-05T14:33:33.1Z"},"version":"1.0"}"#;
        let HistoryRecord::Message(message) = parse_record(record).expect("reads") else {
            panic!("not a message");
        };
        assert_eq!(message.id, "EvT1234abcde");
        assert_eq!(message.content, "free giveaway");
        assert_eq!(message.sender_user_id, "alice");
        assert_eq!(message.sender_attributes["displayName"], "Alice");
        assert_eq!(message.attributes[APPROVED_ATTRIBUTE], "1700000000000abc");
    }

    #[test]
    fn a_message_record_reads_whole() {
        let HistoryRecord::Message(message) = parse_record(MESSAGE).expect("reads") else {
            panic!("not a message");
        };
        assert_eq!(message.id, "WhO6MW6iRdS5");
        assert_eq!(message.request_id, "r1");
        assert_eq!(message.content, "bbiab!");
        assert_eq!(message.attributes.get("k").map(String::as_str), Some("v"));
        assert_eq!(message.send_time, "2023-01-05T14:33:32.894089757Z");
        assert_eq!(message.sent_at.nanosecond(), 894_089_757);
        assert_eq!(message.sender_user_id, "alice");
        assert_eq!(
            message
                .sender_attributes
                .get("displayName")
                .map(String::as_str),
            Some("Alice")
        );
    }

    #[test]
    fn deletions_read_either_attribute_spelling() {
        for attribute in ["MessageId", "MessageID"] {
            let record = format!(
                r#"{{"event_timestamp":"2023-01-05T14:33:33.000Z","type":"EVENT","payload":{{"Type":"EVENT","Id":"e1","RequestId":"","EventName":"aws:DELETE_MESSAGE","Attributes":{{"{attribute}":"WhO6MW6iRdS5","Reason":"spam"}},"SendTime":"2023-01-05T14:33:33.1Z"}},"version":"1.0"}}"#
            );
            match parse_record(&record).expect("reads") {
                HistoryRecord::Deletion { message_id, .. } => {
                    assert_eq!(message_id, "WhO6MW6iRdS5")
                }
                other => panic!("{other:?}"),
            }
        }
    }

    #[test]
    fn other_events_are_ignored() {
        let record = r#"{"event_timestamp":"2023-01-05T14:33:33.000Z","type":"EVENT","payload":{"Type":"EVENT","Id":"e1","EventName":"aws:DISCONNECT_USER","Attributes":{"UserId":"bob"},"SendTime":"2023-01-05T14:33:33.1Z"},"version":"1.0"}"#;
        assert_eq!(parse_record(record), Ok(HistoryRecord::Ignored));
    }

    #[test]
    fn bad_records_say_why() {
        let cases = [
            ("not json", "not a chat-log record"),
            (
                r#"{"type":"MESSAGE","version":"2.0","payload":{}}"#,
                "unsupported chat-log version",
            ),
            (
                r#"{"type":"REACTION","version":"1.0","payload":{}}"#,
                "unknown record type",
            ),
            (
                r#"{"type":"MESSAGE","version":"1.0","payload":{"Id":"a","SendTime":"2023-01-05T14:33:33Z","Sender":{"UserId":"u"}}}"#,
                "",
            ),
            (
                r#"{"type":"MESSAGE","version":"1.0","payload":{"SendTime":"2023-01-05T14:33:33Z","Sender":{"UserId":"u"}}}"#,
                "payload.Id: missing",
            ),
            (
                r#"{"type":"MESSAGE","version":"1.0","payload":{"Id":"a","SendTime":"yesterday","Sender":{"UserId":"u"}}}"#,
                "payload.SendTime: not an RFC 3339 time",
            ),
            (
                r#"{"type":"MESSAGE","version":"1.0","payload":{"Id":"a","SendTime":"2023-01-05T14:33:33Z"}}"#,
                "payload.Sender: missing",
            ),
            (
                r#"{"type":"EVENT","version":"1.0","payload":{"EventName":"aws:DELETE_MESSAGE","Attributes":{}}}"#,
                "payload.Attributes.MessageId: missing",
            ),
        ];
        for (record, expected) in cases {
            let result = parse_record(record);
            if expected.is_empty() {
                assert!(result.is_ok(), "{record}: {result:?}");
            } else {
                let error = result.expect_err(record).to_string();
                assert!(error.contains(expected), "{record}: {error}");
            }
        }
    }
}
