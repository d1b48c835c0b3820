//! The messaging API's JSON frames: requests a client publishes (SEND_MESSAGE,
//! DELETE_MESSAGE, DISCONNECT_USER) and the MESSAGE, EVENT and ERROR frames it receives
//! (<https://docs.aws.amazon.com/ivs/latest/chatmsgapireference/chat-messaging-api.html>).

use std::collections::BTreeMap;

use axum::extract::ws::Utf8Bytes;
use serde::Serialize;
use serde_json::Value;
use time::macros::format_description;
use time::OffsetDateTime;

/// `SendTime`: UTC with nanoseconds, like `2022-12-02T08:21:20.754555595Z`.
pub fn send_time(time: OffsetDateTime) -> String {
    let format =
        format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:9]Z");
    time.format(format).unwrap_or_default()
}

/// A request a client published, checked for shape (not yet for capabilities or limits).
#[derive(Debug, PartialEq, Eq)]
pub enum Request {
    SendMessage {
        content: String,
        attributes: Option<BTreeMap<String, String>>,
    },
    DeleteMessage {
        id: String,
        reason: Option<String>,
    },
    DisconnectUser {
        user_id: String,
        reason: Option<String>,
    },
}

/// A request that cannot be read, with whatever `RequestId` could be salvaged.
#[derive(Debug, PartialEq, Eq)]
pub struct BadRequest {
    pub request_id: String,
    pub message: String,
}

/// Parses one text frame into `(RequestId, Request)`.
pub fn parse_request(text: &str) -> Result<(String, Request), BadRequest> {
    let value: Value = serde_json::from_str(text).map_err(|error| BadRequest {
        request_id: String::new(),
        message: format!("The frame is not valid JSON: {error}"),
    })?;
    let Value::Object(mut fields) = value else {
        return Err(BadRequest {
            request_id: String::new(),
            message: "The frame must be a JSON object".into(),
        });
    };
    let request_id = match fields.remove("RequestId") {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(id)) => id,
        Some(_) => {
            return Err(BadRequest {
                request_id: String::new(),
                message: "RequestId must be a string".into(),
            })
        }
    };
    let bad = |message: String| BadRequest {
        request_id: request_id.clone(),
        message,
    };
    let mut string = |name: &str, required: bool| -> Result<Option<String>, BadRequest> {
        match fields.remove(name) {
            None | Some(Value::Null) if required => Err(bad(format!("{name} is required"))),
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(value)) => Ok(Some(value)),
            Some(_) => Err(bad(format!("{name} must be a string"))),
        }
    };
    let action = string("Action", true)?.unwrap_or_default();
    let request = match action.as_str() {
        "SEND_MESSAGE" => {
            let content = string("Content", true)?.unwrap_or_default();
            let attributes = match fields.remove("Attributes") {
                None | Some(Value::Null) => None,
                Some(value) => Some(
                    serde_json::from_value::<BTreeMap<String, String>>(value).map_err(|_| {
                        bad("Attributes must be a map of strings to strings".into())
                    })?,
                ),
            };
            Request::SendMessage {
                content,
                attributes,
            }
        }
        "DELETE_MESSAGE" => {
            let id = string("Id", true)?.unwrap_or_default();
            Request::DeleteMessage {
                id,
                reason: string("Reason", false)?,
            }
        }
        "DISCONNECT_USER" => {
            let user_id = string("UserId", true)?.unwrap_or_default();
            Request::DisconnectUser {
                user_id,
                reason: string("Reason", false)?,
            }
        }
        other => {
            return Err(bad(format!(
            "Unknown Action '{other}': expected SEND_MESSAGE, DELETE_MESSAGE or DISCONNECT_USER"
        )))
        }
    };
    Ok((request_id, request))
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct SenderOut<'a> {
    user_id: &'a str,
    attributes: &'a BTreeMap<String, String>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct MessageOut<'a> {
    #[serde(rename = "Type")]
    kind: &'static str,
    id: &'a str,
    request_id: &'a str,
    content: &'a str,
    attributes: Option<&'a BTreeMap<String, String>>,
    send_time: String,
    sender: SenderOut<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct EventOut<'a> {
    #[serde(rename = "Type")]
    kind: &'static str,
    id: &'a str,
    request_id: &'a str,
    event_name: &'a str,
    attributes: &'a BTreeMap<String, String>,
    send_time: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ErrorOut<'a> {
    #[serde(rename = "Type")]
    kind: &'static str,
    id: &'a str,
    request_id: &'a str,
    error_code: u16,
    error_message: &'a str,
}

fn encode<T: Serialize>(frame: &T) -> Utf8Bytes {
    // Serialising these plain structs cannot fail.
    Utf8Bytes::from(serde_json::to_string(frame).unwrap_or_default())
}

/// A delivered chat message.
pub struct Message<'a> {
    pub id: &'a str,
    pub request_id: &'a str,
    pub content: &'a str,
    pub attributes: Option<&'a BTreeMap<String, String>>,
    pub send_time: OffsetDateTime,
    pub sender_user_id: &'a str,
    pub sender_attributes: &'a BTreeMap<String, String>,
}

/// The MESSAGE frame; `Attributes` is `null` when the sender gave none.
pub fn message(message: &Message<'_>) -> Utf8Bytes {
    encode(&MessageOut {
        kind: "MESSAGE",
        id: message.id,
        request_id: message.request_id,
        content: message.content,
        attributes: message.attributes,
        send_time: send_time(message.send_time),
        sender: SenderOut {
            user_id: message.sender_user_id,
            attributes: message.sender_attributes,
        },
    })
}

/// An EVENT frame (custom events and the `aws:` system events).
pub fn event(
    id: &str,
    request_id: &str,
    event_name: &str,
    attributes: &BTreeMap<String, String>,
    time: OffsetDateTime,
) -> Utf8Bytes {
    encode(&EventOut {
        kind: "EVENT",
        id,
        request_id,
        event_name,
        attributes,
        send_time: send_time(time),
    })
}

/// An ERROR frame, for the requester only.
pub fn error(id: &str, request_id: &str, code: u16, message: &str) -> Utf8Bytes {
    encode(&ErrorOut {
        kind: "ERROR",
        id,
        request_id,
        error_code: code,
        error_message: message,
    })
}

/// Attributes of `aws:DELETE_MESSAGE`: `MessageId` and its deprecated twin `MessageID`, which
/// the JavaScript SDK reads, and the reason when there is one.
pub fn delete_message_attributes(
    message_id: &str,
    reason: Option<&str>,
) -> BTreeMap<String, String> {
    let mut attributes = BTreeMap::from([
        ("MessageId".to_owned(), message_id.to_owned()),
        ("MessageID".to_owned(), message_id.to_owned()),
    ]);
    if let Some(reason) = reason {
        attributes.insert("Reason".into(), reason.to_owned());
    }
    attributes
}

/// Attributes of `aws:DISCONNECT_USER`.
pub fn disconnect_user_attributes(user_id: &str, reason: Option<&str>) -> BTreeMap<String, String> {
    let mut attributes = BTreeMap::from([("UserId".to_owned(), user_id.to_owned())]);
    if let Some(reason) = reason {
        attributes.insert("Reason".into(), reason.to_owned());
    }
    attributes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn send_message_is_parsed_with_its_request_id() {
        let parsed = parse_request(
            r#"{"Action":"SEND_MESSAGE","RequestId":"r1","Content":"hi","Attributes":{"a":"b"}}"#,
        );
        assert_eq!(
            parsed,
            Ok((
                "r1".into(),
                Request::SendMessage {
                    content: "hi".into(),
                    attributes: Some(BTreeMap::from([("a".into(), "b".into())]))
                }
            ))
        );
    }

    #[test]
    fn bad_frames_keep_the_request_id_when_they_can() {
        assert_eq!(
            parse_request("nope").map_err(|e| e.request_id),
            Err(String::new())
        );
        let missing = parse_request(r#"{"Action":"SEND_MESSAGE","RequestId":"r2"}"#);
        assert_eq!(missing.map_err(|e| e.request_id), Err("r2".to_owned()));
        let unknown = parse_request(r#"{"Action":"SHOUT","RequestId":"r3"}"#);
        assert!(unknown.is_err());
    }

    #[test]
    fn send_time_has_nanoseconds() {
        let time = OffsetDateTime::from_unix_timestamp_nanos(1_669_969_280_754_555_595)
            .unwrap_or(OffsetDateTime::UNIX_EPOCH);
        assert_eq!(send_time(time), "2022-12-02T08:21:20.754555595Z");
    }
}
