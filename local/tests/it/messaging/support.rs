//! Helpers for the WebSocket messaging tests: the test kit's chat clients aimed at a running
//! server, the requests a client publishes, and the assertions on the frames it gets.

use aws_sdk_ivschat::types::ChatTokenCapability;
use aws_sdk_ivschat::Client;
use futures_util::StreamExt;
use http::StatusCode;
use ivschat_local::RunningServer;
use serde_json::{json, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use tokio_tungstenite::tungstenite::handshake::client::Response;
use tokio_tungstenite::tungstenite::{Error, Message};

pub use ivschat_testkit::chat::{
    next_frame, next_message, next_of_type, send, send_message, send_message_with_attributes,
    send_text, Socket, WAIT,
};

use crate::support::assert_id;

/// Every capability a chat token can grant.
pub const ALL_CAPABILITIES: &[ChatTokenCapability] = &[
    ChatTokenCapability::SendMessage,
    ChatTokenCapability::DeleteMessage,
    ChatTokenCapability::DisconnectUser,
];

/// Only SEND_MESSAGE.
pub const SEND: &[ChatTokenCapability] = &[ChatTokenCapability::SendMessage];

/// No capability: the connection can only watch.
pub const VIEW_ONLY: &[ChatTokenCapability] = &[];

/// A chat token from CreateChatToken for `user_id` in `room` with these capabilities.
pub async fn chat_token(
    client: &Client,
    room: &str,
    user_id: &str,
    capabilities: &[ChatTokenCapability],
) -> String {
    ivschat_testkit::chat::chat_token(client, room, user_id, capabilities, &[]).await
}

/// A chat token from CreateChatToken that also carries `attributes`.
pub async fn chat_token_with_attributes(
    client: &Client,
    room: &str,
    user_id: &str,
    capabilities: &[ChatTokenCapability],
    attributes: &[(&str, &str)],
) -> String {
    ivschat_testkit::chat::chat_token(client, room, user_id, capabilities, attributes).await
}

/// Opens a WebSocket to `path` on the server, offering `token` (when given) as the
/// subprotocol, and returns the socket and the handshake response, or why it failed.
pub async fn try_connect(
    server: &RunningServer,
    path: &str,
    token: Option<&str>,
) -> Result<(Socket, Response), Error> {
    ivschat_testkit::chat::try_connect(&format!("ws://{}{path}", server.local_addr()), token).await
}

/// Connects with `token` at the root path; panics when the handshake fails.
pub async fn connect(server: &RunningServer, token: &str) -> Socket {
    match try_connect(server, "/", Some(token)).await {
        Ok((socket, _)) => socket,
        Err(error) => panic!(
            "the handshake failed: {}",
            ivschat_testkit::chat::describe(&error)
        ),
    }
}

/// Connects and expects the handshake to be refused with an HTTP status; returns it.
pub async fn refused(server: &RunningServer, path: &str, token: Option<&str>) -> StatusCode {
    match try_connect(server, path, token).await {
        Ok(_) => panic!("the handshake to {path} was accepted"),
        Err(Error::Http(response)) => response.status(),
        Err(error) => panic!("the handshake failed without an HTTP status: {error}"),
    }
}

/// A chat token for `user_id` in `room`, connected.
pub async fn join(
    server: &RunningServer,
    client: &Client,
    room: &str,
    user_id: &str,
    capabilities: &[ChatTokenCapability],
) -> Socket {
    let token = chat_token(client, room, user_id, capabilities).await;
    connect(server, &token).await
}

/// A `DELETE_MESSAGE` request.
pub fn delete_message(request_id: &str, id: &str, reason: Option<&str>) -> Value {
    let mut request = json!({"Action": "DELETE_MESSAGE", "RequestId": request_id, "Id": id});
    if let Some(reason) = reason {
        request["Reason"] = json!(reason);
    }
    request
}

/// A `DISCONNECT_USER` request.
pub fn disconnect_user(request_id: &str, user_id: &str, reason: Option<&str>) -> Value {
    let mut request =
        json!({"Action": "DISCONNECT_USER", "RequestId": request_id, "UserId": user_id});
    if let Some(reason) = reason {
        request["Reason"] = json!(reason);
    }
    request
}

/// Expects a close frame next; returns its code and reason, and checks the connection ends.
pub async fn next_close(socket: &mut Socket) -> (u16, String) {
    let close = match next_message(socket).await {
        Message::Close(Some(frame)) => (u16::from(frame.code), frame.reason.as_str().to_owned()),
        other => panic!("expected a close frame, got {other:?}"),
    };
    let end = tokio::time::timeout(WAIT, socket.next())
        .await
        .expect("the connection ends after the close frame");
    assert!(
        matches!(end, None | Some(Err(_))),
        "a frame after the close frame: {end:?}"
    );
    close
}

/// Sends `content` and waits for the sender's own echo; returns the MESSAGE frame.
pub async fn say(socket: &mut Socket, request_id: &str, content: &str) -> Value {
    send(socket, &send_message(request_id, content)).await;
    let frame = next_of_type(socket, "MESSAGE").await;
    assert_eq!(frame["RequestId"], request_id, "not the echo: {frame}");
    frame
}

/// Asserts that the next frame is the MESSAGE with this content: the sentinel that shows
/// nothing else was queued before it.
pub async fn assert_next_message_is(socket: &mut Socket, content: &str) {
    let frame = next_frame(socket).await;
    assert_eq!(
        frame["Type"], "MESSAGE",
        "expected {content:?}, got {frame}"
    );
    assert_eq!(
        frame["Content"], content,
        "expected {content:?}, got {frame}"
    );
}

/// Asserts an ERROR frame: code, the request's `RequestId`, a 12-character `Id` and a message.
#[track_caller]
pub fn assert_error(frame: &Value, code: u16, request_id: &str) {
    assert_eq!(frame["Type"], "ERROR", "not an ERROR: {frame}");
    assert_eq!(frame["ErrorCode"], code, "wrong code: {frame}");
    assert_eq!(frame["RequestId"], request_id, "wrong RequestId: {frame}");
    assert_id(frame["Id"].as_str().expect("a string Id"));
    assert!(
        frame["ErrorMessage"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "no ErrorMessage: {frame}"
    );
}

/// Asserts `SendTime` is RFC 3339 in UTC with nine fractional digits, like
/// `2022-12-02T08:21:20.754555595Z`, and returns it parsed.
#[track_caller]
pub fn assert_send_time(frame: &Value) -> OffsetDateTime {
    let text = frame["SendTime"].as_str().expect("a string SendTime");
    let parsed = OffsetDateTime::parse(text, &Rfc3339)
        .unwrap_or_else(|error| panic!("SendTime {text:?} is not RFC 3339: {error}"));
    let fraction = text
        .strip_suffix('Z')
        .and_then(|rest| rest.rsplit_once('.'))
        .map(|(_, fraction)| fraction)
        .unwrap_or_else(|| panic!("SendTime {text:?} is not UTC with a fraction"));
    assert!(
        fraction.len() == 9 && fraction.bytes().all(|b| b.is_ascii_digit()),
        "SendTime {text:?} does not have 9 fractional digits"
    );
    parsed
}
