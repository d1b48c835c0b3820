//! The stack each test runs: `ivschat_local::stack::up` on the repository's `template.yaml`,
//! with an HTTP client for the API, the local issuer for JWTs, and WebSocket chat clients.

use std::path::PathBuf;
use std::time::Duration;

use bytes::Bytes;
use futures_util::{SinkExt, StreamExt};
use http::{Method, Request};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client as HttpClient;
use hyper_util::rt::TokioExecutor;
use ivschat_local::identity::TokenRequest;
use ivschat_local::stack::{up, RunningStack, UpConfig};
use ivschat_local::ServeConfig;
use serde_json::{json, Value};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{connect_async, MaybeTlsStream, WebSocketStream};

/// How long to wait for something that should happen at once; never a measured quantity.
pub const WAIT: Duration = Duration::from_secs(10);

pub type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// The repository's root.
pub fn repository() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub struct Stack {
    pub stack: RunningStack,
    pub data_dir: PathBuf,
    http: HttpClient<HttpConnector, Full<Bytes>>,
}

/// An API answer.
pub struct Answer {
    pub status: u16,
    pub headers: http::HeaderMap,
    pub body: Bytes,
}

impl Answer {
    #[track_caller]
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "not JSON ({e}), status {}: {}",
                self.status,
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    /// Asserts the status, showing the body when it differs.
    #[track_caller]
    pub fn expect(self, status: u16) -> Self {
        assert_eq!(
            self.status,
            status,
            "{}",
            String::from_utf8_lossy(&self.body)
        );
        self
    }

    /// Asserts an error answer: its status, code and (for 400) the field it names.
    #[track_caller]
    pub fn expect_error(self, status: u16, code: &str, field: Option<&str>) -> Value {
        let body = self.expect(status).json();
        assert_eq!(body["code"], code, "{body}");
        assert!(
            body["requestId"].as_str().is_some_and(|id| !id.is_empty()),
            "{body}"
        );
        if let Some(field) = field {
            assert_eq!(body["field"], field, "{body}");
        }
        body
    }
}

/// Brings the stack up; `tweak` changes the local service's settings.
pub async fn start(tweak: impl FnOnce(&mut ServeConfig)) -> Stack {
    start_with(tweak, &[]).await
}

/// [`start`] with template parameters (`NAME`, `VALUE`).
pub async fn start_with(
    tweak: impl FnOnce(&mut ServeConfig),
    parameters: &[(&str, &str)],
) -> Stack {
    let mut serve = ServeConfig::for_tests();
    let data_dir = serve.data_dir.clone();
    tweak(&mut serve);
    let functions_dir = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent()?.parent().map(PathBuf::from))
        .expect("the target folder");
    let config = UpConfig {
        serve,
        template: repository().join("template.yaml"),
        api_listen: "127.0.0.1:0".parse().expect("address"),
        parameters: parameters
            .iter()
            .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
            .collect(),
        no_build: true,
        functions_dir: Some(functions_dir),
    };
    let stack = up(config).await.expect("the stack comes up");
    Stack {
        stack,
        data_dir,
        http: HttpClient::builder(TokioExecutor::new()).build(HttpConnector::new()),
    }
}

impl Stack {
    /// A JWT from the local issuer for `user` in `groups`.
    pub fn jwt(&self, user: &str, groups: &[&str]) -> String {
        self.stack
            .api
            .issuer()
            .expect("the local issuer")
            .mint(&TokenRequest {
                user: user.to_owned(),
                groups: groups.iter().map(|g| (*g).to_owned()).collect(),
                name: Some(format!("{user} (display)")),
                picture: None,
                lifetime: Duration::from_secs(600),
            })
            .expect("a JWT")
    }

    pub fn admin(&self) -> String {
        self.jwt("root", &["admins"])
    }

    pub fn moderator(&self) -> String {
        self.jwt("mod", &["moderators"])
    }

    /// Calls `method path` with `body` (JSON text; empty for none) as the holder of `jwt`.
    pub async fn call(&self, method: &str, path: &str, jwt: Option<&str>, body: &str) -> Answer {
        let mut request = Request::builder()
            .method(Method::from_bytes(method.as_bytes()).expect("a method"))
            .uri(format!("{}{path}", self.stack.api.url()));
        if !body.is_empty() {
            request = request.header("content-type", "application/json");
        }
        if let Some(jwt) = jwt {
            request = request.header("authorization", format!("Bearer {jwt}"));
        }
        let request = request
            .body(Full::new(Bytes::from(body.to_owned())))
            .expect("a request");
        let response = self.http.request(request).await.expect("the API answers");
        let (parts, body) = response.into_parts();
        Answer {
            status: parts.status.as_u16(),
            headers: parts.headers,
            body: body.collect().await.expect("a body").to_bytes(),
        }
    }

    /// A room created through the API by an admin; returns its id.
    pub async fn room(&self, body: Value) -> String {
        let answer = self
            .call("POST", "/rooms", Some(&self.admin()), &body.to_string())
            .await
            .expect(201);
        answer.json()["id"].as_str().expect("an id").to_owned()
    }

    /// A chat connection to `room` as `user` (a token from the chat-token route).
    pub async fn join(&self, room: &str, user: &str, groups: &[&str]) -> Socket {
        let answer = self.chat_token(room, user, groups).await;
        connect(&answer).await
    }

    /// The chat-token route's answer for `user` in `room`.
    pub async fn chat_token(&self, room: &str, user: &str, groups: &[&str]) -> Value {
        self.call(
            "POST",
            &format!("/rooms/{room}/chat-token"),
            Some(&self.jwt(user, groups)),
            "",
        )
        .await
        .expect(200)
        .json()
    }
}

/// A chat connection with the token of a chat-token `answer`.
pub async fn connect(answer: &Value) -> Socket {
    {
        let endpoint = answer["chatEndpoint"].as_str().expect("a chat endpoint");
        let mut request = endpoint.into_client_request().expect("a request");
        request.headers_mut().insert(
            "Sec-WebSocket-Protocol",
            HeaderValue::from_str(answer["token"].as_str().expect("a token")).expect("header"),
        );
        connect_async(request).await.expect("the handshake").0
    }
}

/// Sends a chat message on `socket`.
pub async fn say(socket: &mut Socket, content: &str) {
    let frame = json!({ "Action": "SEND_MESSAGE", "RequestId": "r1", "Content": content });
    socket
        .send(Message::text(frame.to_string()))
        .await
        .expect("send");
}

/// The next text frame, as JSON; `None` once the server closes the connection.
pub async fn next_frame(socket: &mut Socket) -> Option<Value> {
    loop {
        let message = tokio::time::timeout(WAIT, socket.next())
            .await
            .expect("a frame in time");
        match message {
            Some(Ok(Message::Text(text))) => {
                return Some(serde_json::from_str(&text).expect("a JSON frame"))
            }
            Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return None,
            Some(Ok(_)) => {}
        }
    }
}

/// The next frame of `kind` (`MESSAGE`, `EVENT`, `ERROR`), skipping others.
pub async fn next_of(socket: &mut Socket, kind: &str) -> Value {
    loop {
        let frame = next_frame(socket).await.expect("the connection stays open");
        if frame["Type"] == kind {
            return frame;
        }
    }
}

/// Reads frames until the server closes the connection; returns the events seen before.
pub async fn until_closed(socket: &mut Socket) -> Vec<Value> {
    let mut events = Vec::new();
    while let Some(frame) = next_frame(socket).await {
        if frame["Type"] == "EVENT" {
            events.push(frame);
        }
    }
    events
}
