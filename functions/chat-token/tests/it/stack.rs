//! The stack the tests run: moto with a bans table, the local IVS Chat service hosting the
//! chat-token function, and the local HTTP API with its two routes and the JWT authorizer.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Duration;

use aws_sdk_ivschat::Client;
use futures_util::StreamExt;
use http::{Method, Request};
use ivschat_local::gateway::{
    HttpApi, HttpApiConfig, JwtAuthorizerConfig, LocalIssuerKey, RouteAuthorization, RouteConfig,
    RunningHttpApi, LOCAL_ISSUER,
};
use ivschat_local::identity::{generate_key_pem, TokenRequest};
use ivschat_local::{RunningServer, ServeConfig, Server};
use moto::MotoServer;
use serde_json::Value;
use shared::bans::{create_table, DynamoBanStore};
use shared::ivs_client::{self, EndpointSettings};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{connect_async, MaybeTlsStream, WebSocketStream};

pub const FUNCTION: &str = "chat-token";
pub const AUDIENCE: &str = "chat-console";
/// How long to wait for something that should happen at once; never a measured quantity.
pub const WAIT: Duration = Duration::from_secs(10);

pub type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

fn key_pem() -> &'static str {
    static KEY: OnceLock<String> = OnceLock::new();
    KEY.get_or_init(|| generate_key_pem().expect("an RSA key"))
}

pub struct Stack {
    pub server: RunningServer,
    pub api: RunningHttpApi,
    /// The control-plane client, as an operator would use it.
    pub ivs: Client,
    pub bans: DynamoBanStore,
    http: reqwest_like::Http,
}

/// A minimal HTTP/1.1 client over hyper for the API's JSON answers.
mod reqwest_like {
    use bytes::Bytes;
    use http::Request;
    use http_body_util::{BodyExt, Full};
    use hyper_util::client::legacy::connect::HttpConnector;
    use hyper_util::client::legacy::Client;
    use hyper_util::rt::TokioExecutor;

    pub struct Http(Client<HttpConnector, Full<Bytes>>);

    pub struct Answer {
        pub status: u16,
        pub headers: http::HeaderMap,
        pub body: Bytes,
    }

    impl Http {
        pub fn new() -> Self {
            Http(Client::builder(TokioExecutor::new()).build(HttpConnector::new()))
        }

        pub async fn send(&self, request: Request<Full<Bytes>>) -> Answer {
            let response = self.0.request(request).await.expect("the API answers");
            let (parts, body) = response.into_parts();
            Answer {
                status: parts.status.as_u16(),
                headers: parts.headers,
                body: body.collect().await.expect("a body").to_bytes(),
            }
        }
    }
}

pub use reqwest_like::Answer;

impl Answer {
    #[track_caller]
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }
}

/// Starts the stack; `env` adds to the function's environment and `tweak` changes the local
/// service's settings.
pub async fn start(env: &[(&str, &str)], tweak: impl FnOnce(&mut ServeConfig)) -> Stack {
    let moto = MotoServer::shared();
    let table = format!("bans-{}", uuid_like());
    let mut dynamo_settings = EndpointSettings::local(moto.endpoint());
    // The table lives in the function's region (moto keeps regions apart, as AWS does).
    dynamo_settings.region = ServeConfig::for_tests().default_region;
    let dynamo = shared::bans::client_for_endpoint(&dynamo_settings);
    create_table(&dynamo, &table).await.expect("the bans table");
    let bans = DynamoBanStore::new(dynamo, table.clone()).expect("a store");

    let mut config = ServeConfig::for_tests();
    config.functions = vec![(
        FUNCTION.to_owned(),
        PathBuf::from(env!("CARGO_BIN_EXE_chat-token")),
    )];
    let mut function_env = vec![
        ("BANS_TABLE_NAME".to_owned(), table),
        (
            "AWS_ENDPOINT_URL_DYNAMODB".to_owned(),
            moto.endpoint().to_owned(),
        ),
    ];
    function_env.extend(env.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())));
    config.function_env = function_env
        .into_iter()
        .map(|(k, v)| (FUNCTION.to_owned(), k, v))
        .collect();
    tweak(&mut config);
    let function_arn = format!(
        "arn:aws:lambda:{}:{}:function:{FUNCTION}",
        config.default_region, config.account_id
    );
    let account_id = config.account_id.clone();
    let region = config.default_region.clone();
    let function_region = region.clone();
    let server = Server::bind(config).await.expect("bind").spawn();

    let route = |path: &str, authorization| RouteConfig {
        method: Some(Method::POST),
        path: path.to_owned(),
        function_arn: function_arn.clone(),
        authorization,
    };
    let api_config = HttpApiConfig {
        api_id: "chatapi".into(),
        account_id,
        region,
        routes: vec![
            route("/rooms/{roomId}/chat-token", RouteAuthorization::Default),
            route("/rooms/{roomId}/viewer-token", RouteAuthorization::None),
        ],
        authorizers: vec![JwtAuthorizerConfig {
            name: "jwt".into(),
            issuer: LOCAL_ISSUER.into(),
            audiences: vec![AUDIENCE.into()],
            identity_header: "authorization".into(),
        }],
        default_authorizer: Some("jwt".into()),
        cors: None,
        integration_timeout: Duration::from_secs(30),
    };
    let api = HttpApi::bind(
        "127.0.0.1:0".parse().expect("address"),
        api_config,
        server.function_invoker(),
        Some(LocalIssuerKey {
            pem: key_pem().to_owned(),
            audience: AUDIENCE.into(),
        }),
    )
    .await
    .expect("the API binds")
    .spawn();
    let mut settings = EndpointSettings::local(server.endpoint_url());
    settings.max_attempts = 1;
    // Rooms live where the function does: its account and region.
    settings.region = function_region;
    let ivs = ivs_client::for_endpoint(&settings);
    Stack {
        server,
        api,
        ivs,
        bans,
        http: reqwest_like::Http::new(),
    }
}

fn uuid_like() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    format!(
        "{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

impl Stack {
    /// A JWT from the local issuer for `user` in `groups`.
    pub fn jwt(&self, user: &str, groups: &[&str]) -> String {
        self.api
            .issuer()
            .expect("the local issuer")
            .mint(&TokenRequest {
                user: user.to_owned(),
                groups: groups.iter().map(|g| (*g).to_owned()).collect(),
                name: Some(format!("{user} (display)")),
                picture: Some(format!("https://cdn.example.com/{user}.png")),
                lifetime: Duration::from_secs(600),
            })
            .expect("a JWT")
    }

    /// The ARN of the room `id` (in the function's account and region).
    pub fn room_arn(&self, id: &str) -> String {
        let config = ServeConfig::for_tests();
        format!(
            "arn:aws:ivschat:{}:{}:room/{id}",
            config.default_region, config.account_id
        )
    }

    /// A room with these tags; returns its id.
    pub async fn room(&self, tags: &[(&str, &str)]) -> String {
        let tags: HashMap<String, String> = tags
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        let room = self
            .ivs
            .create_room()
            .set_tags(Some(tags))
            .send()
            .await
            .expect("CreateRoom");
        room.id().expect("an id").to_owned()
    }

    /// POSTs `body` to `path` of the API, with `jwt` as a bearer token when given.
    pub async fn post(&self, path: &str, jwt: Option<&str>, body: &str) -> Answer {
        let mut request = Request::builder()
            .method(Method::POST)
            .uri(format!("{}{path}", self.api.url()))
            .header("content-type", "application/json");
        if let Some(jwt) = jwt {
            request = request.header("authorization", format!("Bearer {jwt}"));
        }
        let request = request
            .body(http_body_util::Full::new(bytes::Bytes::from(
                body.to_owned(),
            )))
            .expect("a request");
        self.http.send(request).await
    }

    /// Asks for a chat token for `room` as the holder of `jwt`.
    pub async fn chat_token(&self, room: &str, jwt: &str, body: &str) -> Answer {
        self.post(&format!("/rooms/{room}/chat-token"), Some(jwt), body)
            .await
    }

    /// Connects to the chat endpoint the answer names with its token.
    pub async fn connect(&self, answer: &Value) -> Socket {
        let endpoint = answer["chatEndpoint"].as_str().expect("a chat endpoint");
        assert_eq!(
            endpoint,
            self.server.endpoint_url().replacen("http", "ws", 1),
            "the chat endpoint is the local service's"
        );
        let mut request = endpoint.into_client_request().expect("a request");
        request.headers_mut().insert(
            "Sec-WebSocket-Protocol",
            HeaderValue::from_str(answer["token"].as_str().expect("a token")).expect("header"),
        );
        connect_async(request).await.expect("the handshake").0
    }
}

/// The next text frame, as JSON.
pub async fn next_frame(socket: &mut Socket) -> Value {
    loop {
        let message = tokio::time::timeout(WAIT, socket.next())
            .await
            .expect("a frame in time")
            .expect("the connection stays open")
            .expect("a readable frame");
        if let Message::Text(text) = message {
            return serde_json::from_str(&text).expect("a JSON frame");
        }
    }
}
