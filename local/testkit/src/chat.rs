//! Chat clients: a chat token from the control plane, a WebSocket connection that offers it
//! as the subprotocol, requests sent as text frames, and frames read with a generous timeout
//! (only there so that a broken server cannot hang a suite).

use std::time::Duration;

use aws_sdk_ivschat::types::ChatTokenCapability;
use futures_util::{SinkExt, StreamExt};
use http::header::SEC_WEBSOCKET_PROTOCOL;
use http::HeaderValue;
use serde_json::{json, Value};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::handshake::client::Response;
use tokio_tungstenite::tungstenite::{Error, Message};
use tokio_tungstenite::{connect_async, MaybeTlsStream, WebSocketStream};

/// How long to wait for something that should happen at once; never a measured quantity.
pub const WAIT: Duration = Duration::from_secs(10);

/// A chat connection.
pub type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// A chat token from CreateChatToken for `user_id` in `room` with these capabilities and
/// attributes.
pub async fn chat_token(
    client: &aws_sdk_ivschat::Client,
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

/// Opens a WebSocket to `url` (`ws://HOST:PORT/PATH`), offering `token` (when given) as the
/// subprotocol; the socket and the handshake response, or why it failed.
pub async fn try_connect(url: &str, token: Option<&str>) -> Result<(Socket, Response), Error> {
    let mut request = url.into_client_request().expect("a valid WebSocket URL");
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

/// Connects to `url` with `token`; panics when the handshake fails.
pub async fn connect(url: &str, token: &str) -> Socket {
    match try_connect(url, Some(token)).await {
        Ok((socket, _)) => socket,
        Err(error) => panic!("the handshake failed: {}", describe(&error)),
    }
}

/// Connects with the token of a chat-token route's answer (`token`, `chatEndpoint`).
pub async fn connect_with(answer: &Value) -> Socket {
    let endpoint = answer["chatEndpoint"].as_str().expect("a chat endpoint");
    connect(endpoint, answer["token"].as_str().expect("a token")).await
}

/// A chat token for `user_id` in `room` from `client`, connected to the service at
/// `chat_url` (`ws://HOST:PORT`).
pub async fn join(
    chat_url: &str,
    client: &aws_sdk_ivschat::Client,
    room: &str,
    user_id: &str,
    capabilities: &[ChatTokenCapability],
) -> Socket {
    let token = chat_token(client, room, user_id, capabilities, &[]).await;
    connect(chat_url, &token).await
}

/// A handshake error as a person reads it: the HTTP status and body when there is one.
pub fn describe(error: &Error) -> String {
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

/// The next JSON text frame, or `None` once the server closes the connection.
pub async fn next_frame_or_closed(socket: &mut Socket) -> Option<Value> {
    loop {
        let message = tokio::time::timeout(WAIT, socket.next())
            .await
            .expect("a frame in time");
        match message {
            Some(Ok(Message::Text(text))) => {
                return Some(
                    serde_json::from_str(text.as_str())
                        .unwrap_or_else(|error| panic!("frame is not JSON ({error}): {text}")),
                )
            }
            Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return None,
            Some(Ok(_)) => {}
        }
    }
}

/// The next frame of `kind` (`MESSAGE`, `EVENT`, `ERROR`), skipping frames of other kinds.
pub async fn next_of(socket: &mut Socket, kind: &str) -> Value {
    loop {
        let frame = next_frame(socket).await;
        if frame["Type"] == kind {
            return frame;
        }
    }
}

/// The next frame, which must be of this `Type`.
pub async fn next_of_type(socket: &mut Socket, kind: &str) -> Value {
    let frame = next_frame(socket).await;
    assert_eq!(frame["Type"], kind, "unexpected frame {frame}");
    frame
}

/// Reads frames until the server closes the connection; the events seen before.
pub async fn until_closed(socket: &mut Socket) -> Vec<Value> {
    let mut events = Vec::new();
    while let Some(frame) = next_frame_or_closed(socket).await {
        if frame["Type"] == "EVENT" {
            events.push(frame);
        }
    }
    events
}

/// Chat line `i` as the benchmarks write it: 6 to 25 common words of a gaming chat, the same
/// line for the same `i`.
pub fn bench_line(i: usize) -> String {
    const WORDS: [&str; 20] = [
        "gg",
        "well",
        "played",
        "that",
        "was",
        "close",
        "lol",
        "nice",
        "shot",
        "who",
        "is",
        "streaming",
        "next",
        "map",
        "looks",
        "great",
        "again",
        "team",
        "push",
        "mid",
    ];
    (0..(6 + i % 20))
        .map(|j| WORDS[(i * 7 + j * 3) % WORDS.len()])
        .collect::<Vec<_>>()
        .join(" ")
}
