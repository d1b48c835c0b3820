//! The stack the tests run: moto with a bans table, the local IVS Chat service hosting the
//! chat-token function, and the local HTTP API with its two routes and the JWT authorizer.

use std::collections::HashMap;
use std::sync::OnceLock;
use std::time::Duration;

use aws_sdk_ivschat::Client;
use http::{Method, Request};
use ivschat_local::gateway::{
    HttpApi, HttpApiConfig, JwtAuthorizerConfig, LocalIssuerKey, RouteAuthorization, RouteConfig,
    RunningHttpApi, LOCAL_ISSUER,
};
use ivschat_local::identity::generate_key_pem;
use ivschat_local::{FunctionSpec, RunningServer, ServeConfig, Server};
use ivschat_testkit::http::Http;
use ivschat_testkit::Endpoint;
use moto::MotoServer;
use serde_json::Value;
use shared::bans::{create_table, DynamoBanStore};

pub use ivschat_testkit::chat::{next_frame, Socket};
pub use ivschat_testkit::http::Answer;

pub const FUNCTION: &str = "chat-token";
pub const AUDIENCE: &str = "chat-console";
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
    http: Http,
}

/// Starts the stack; `env` adds to the function's environment and `tweak` changes the local
/// service's settings.
pub async fn start(env: &[(&str, &str)], tweak: impl FnOnce(&mut ServeConfig)) -> Stack {
    let moto = MotoServer::shared();
    let table = format!("bans-{}", uuid_like());
    // The table lives in the function's region (moto keeps regions apart, as AWS does).
    let dynamo = Endpoint::local(moto.endpoint())
        .in_region(ServeConfig::for_tests().default_region)
        .dynamodb();
    create_table(&dynamo, &table).await.expect("the bans table");
    let bans = DynamoBanStore::new(dynamo, table.clone()).expect("a store");

    let mut config = ServeConfig::for_tests();
    config.functions = vec![
        FunctionSpec::new(FUNCTION, env!("CARGO_BIN_EXE_chat-token"))
            .env("BANS_TABLE_NAME", table)
            .env("AWS_ENDPOINT_URL_DYNAMODB", moto.endpoint())
            .envs(env.iter().copied()),
    ];
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
    // Rooms live where the function does: its account and region.
    let ivs = Endpoint::local(server.endpoint_url())
        .in_region(function_region)
        .without_retries()
        .ivschat();
    Stack {
        server,
        api,
        ivs,
        bans,
        http: Http::default(),
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
        let picture = format!("https://cdn.example.com/{user}.png");
        ivschat_testkit::stack::local_jwt(&self.api, user, groups, Some(picture))
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
        ivschat_testkit::chat::connect_with(answer).await
    }
}
