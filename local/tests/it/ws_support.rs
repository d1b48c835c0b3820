//! Helpers for the WebSocket messaging tests: chat tokens from the real SDK, connections that
//! offer the token as the subprotocol, the JSON requests a client publishes, and reading
//! frames with a generous timeout (only there so that a broken server cannot hang the suite).

use std::time::Duration;

use aws_sdk_ivschat::types::ChatTokenCapability;
use aws_sdk_ivschat::Client;
use futures_util::{SinkExt, StreamExt};
use http::header::SEC_WEBSOCKET_PROTOCOL;
use http::{HeaderValue, StatusCode};
use ivschat_local::RunningServer;
use serde_json::{json, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::handshake::client::Response;
use tokio_tungstenite::tungstenite::{Error, Message};
use tokio_tungstenite::{connect_async, MaybeTlsStream, WebSocketStream};

use crate::support::assert_id;

/// How long to wait for something that should happen at once; never a measured quantity.
pub const WAIT: Duration = Duration::from_secs(5);

/// A chat connection.
pub type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

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
    chat_token_with_attributes(client, room, user_id, capabilities, &[]).await
}

/// A chat token from CreateChatToken that also carries `attributes`.
pub async fn chat_token_with_attributes(
    client: &Client,
    room: &str,
    user_id: &str,
    capabilities: &[ChatTokenCapability],
    attributes: &[(&str, &str)],
) -> String {
    let mut request = client
        .create_chat_token()
        .room_identifier(room)
        .user_id(user_id);
    for capability in capabilities {
        request = request.capabilities(capability.clone());
    }
    for (key, value) in attributes {
        request = request.attributes(*key, *value);
    }
    let token = request.send().await.expect("CreateChatToken");
    token.token().expect("a token").to_owned()
}

/// Opens a WebSocket to `path` on the server, offering `token` (when given) as the
/// subprotocol, and returns the socket and the handshake response, or why it failed.
pub async fn try_connect(
    server: &RunningServer,
    path: &str,
    token: Option<&str>,
) -> Result<(Socket, Response), Error> {
    let mut request = format!("ws://{}{path}", server.local_addr())
        .into_client_request()
        .expect("a valid WebSocket URL");
    if let Some(token) = token {
        request.headers_mut().insert(
            SEC_WEBSOCKET_PROTOCOL,
            HeaderValue::from_str(token).expect("a token is a valid header value"),
        );
    }
    tokio::time::timeout(WAIT, connect_async(request))
        .await
        .expect("the handshake finishes")
}

/// Connects with `token` at the root path; panics when the handshake fails.
pub async fn connect(server: &RunningServer, token: &str) -> Socket {
    match try_connect(server, "/", Some(token)).await {
        Ok((socket, _)) => socket,
        Err(error) => panic!("the handshake failed: {}", describe(&error)),
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

fn describe(error: &Error) -> String {
    match error {
        Error::Http(response) => format!(
            "HTTP {} {:?}",
            response.status(),
            response
                .body()
                .as_deref()
                .map(String::from_utf8_lossy)
                .unwrap_or_default()
        ),
        other => other.to_string(),
    }
}

/// Sends a JSON request as a text frame.
pub async fn send(socket: &mut Socket, request: &Value) {
    send_text(socket, &request.to_string()).await;
}

/// Sends a text frame as written.
pub async fn send_text(socket: &mut Socket, text: &str) {
    tokio::time::timeout(WAIT, socket.send(Message::text(text)))
        .await
        .expect("the frame is sent in time")
        .expect("the frame is sent");
}

/// A `SEND_MESSAGE` request without attributes.
pub fn send_message(request_id: &str, content: &str) -> Value {
    json!({"Action": "SEND_MESSAGE", "RequestId": request_id, "Content": content})
}

/// A `SEND_MESSAGE` request with attributes.
pub fn send_message_with_attributes(request_id: &str, content: &str, attributes: Value) -> Value {
    json!({
        "Action": "SEND_MESSAGE",
        "RequestId": request_id,
        "Content": content,
        "Attributes": attributes,
    })
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

/// The next message from the server other than ping and pong; panics when none comes.
pub async fn next_message(socket: &mut Socket) -> Message {
    loop {
        let next = tokio::time::timeout(WAIT, socket.next())
            .await
            .expect("the server sends something within the wait");
        match next {
            Some(Ok(Message::Ping(_) | Message::Pong(_))) => {}
            Some(Ok(message)) => return message,
            Some(Err(error)) => panic!("the connection failed: {error}"),
            None => panic!("the connection ended"),
        }
    }
}

/// The next frame, parsed as JSON; panics on a close or anything that is not a JSON text frame.
pub async fn next_frame(socket: &mut Socket) -> Value {
    match next_message(socket).await {
        Message::Text(text) => serde_json::from_str(text.as_str())
            .unwrap_or_else(|error| panic!("frame is not JSON ({error}): {text}")),
        other => panic!("expected a JSON text frame, got {other:?}"),
    }
}

/// The next frame, which must be of this `Type`.
pub async fn next_of_type(socket: &mut Socket, kind: &str) -> Value {
    let frame = next_frame(socket).await;
    assert_eq!(frame["Type"], kind, "unexpected frame {frame}");
    frame
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
