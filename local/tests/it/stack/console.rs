//! The web console's server (`ivschat_local::console`): the embedded page, script and style,
//! `/config.json` describing the stack, and the local issuer answering the console's origin
//! (CORS) so that the page can sign in.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::Duration;

use bytes::Bytes;
use http::{Method, Request};
use http_body_util::Full;
use ivschat_local::console::{Console, ConsoleDocument, ConsoleRoom};
use ivschat_local::gateway::{
    CorsConfig, HttpApi, HttpApiConfig, LocalIssuerKey, LOCAL_ISSUER_PATH,
};
use ivschat_local::identity::generate_key_pem;

use crate::support::{start_with, Connection, RawResponse};

fn request(
    method: Method,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> Request<Full<Bytes>> {
    let mut builder = Request::builder()
        .method(method)
        .uri(path)
        .header("host", "127.0.0.1");
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    builder
        .body(Full::new(Bytes::from(body.to_owned())))
        .expect("a request")
}

async fn send(address: SocketAddr, request: Request<Full<Bytes>>) -> RawResponse {
    Connection::open_at(address).await.send(request).await
}

#[tokio::test]
async fn the_console_serves_its_page_script_style_and_the_stack_document() {
    let console = Console::bind("127.0.0.1:0".parse().expect("address"))
        .await
        .expect("the console binds");
    let address = console.local_addr();
    assert_eq!(
        console.origins(),
        vec![
            format!("http://localhost:{}", address.port()),
            format!("http://{address}"),
        ]
    );
    let document = ConsoleDocument {
        api_url: "http://127.0.0.1:8331".into(),
        chat_endpoint: "ws://127.0.0.1:8330".into(),
        region: "us-east-1".into(),
        issuer: Some("http://127.0.0.1:8331/_local/oidc".into()),
        rooms: BTreeMap::from([(
            "DemoRoom".to_owned(),
            ConsoleRoom {
                id: "AbCdEfGhIjKl".into(),
                name: "ivschat-local-demo".into(),
            },
        )]),
        groups_claim: "cognito:groups".into(),
        moderator_group: "moderators".into(),
        admin_group: "admins".into(),
    };
    let running = console.spawn(&document).expect("the console serves");
    assert_eq!(running.url(), format!("http://{address}/"));

    let page = send(address, request(Method::GET, "/", &[], "")).await;
    assert_eq!(page.status, 200);
    assert_eq!(
        page.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    let html = String::from_utf8_lossy(&page.body).into_owned();
    assert!(html.contains(r#"src="app.js""#), "{html}");
    assert!(
        page.header("content-security-policy")
            .is_some_and(|p| p.contains("script-src 'self'")),
        "a content security policy"
    );

    let script = send(address, request(Method::GET, "/app.js", &[], "")).await;
    assert_eq!(script.status, 200);
    assert_eq!(
        script.header("content-type"),
        Some("text/javascript; charset=utf-8")
    );
    assert!(script.body.len() > 1000, "the bundle");
    let style = send(address, request(Method::GET, "/app.css", &[], "")).await;
    assert_eq!(
        style.header("content-type"),
        Some("text/css; charset=utf-8")
    );

    let config = send(address, request(Method::GET, "/config.json", &[], "")).await;
    assert_eq!(config.status, 200);
    assert_eq!(config.header("cache-control"), Some("no-store"));
    let config = config.json();
    assert_eq!(config["apiUrl"], "http://127.0.0.1:8331");
    assert_eq!(config["chatEndpoint"], "ws://127.0.0.1:8330");
    assert_eq!(config["rooms"]["DemoRoom"]["id"], "AbCdEfGhIjKl");
    assert_eq!(config["rooms"]["DemoRoom"]["name"], "ivschat-local-demo");
    assert_eq!(config["issuer"], "http://127.0.0.1:8331/_local/oidc");
    assert_eq!(config["moderatorGroup"], "moderators");

    let missing = send(address, request(Method::GET, "/nothing.js", &[], "")).await;
    assert_eq!(missing.status, 404);
    let posted = send(address, request(Method::POST, "/", &[], "x")).await;
    assert_eq!(posted.status, 405);
}

#[tokio::test]
async fn the_local_issuer_answers_an_origin_the_api_admits() {
    let server = start_with(|_| {}).await;
    let config = HttpApiConfig {
        cors: Some(CorsConfig {
            allow_origins: vec!["http://localhost:8333".into()],
            allow_methods: vec!["GET".into(), "POST".into()],
            allow_headers: vec!["authorization".into(), "content-type".into()],
            expose_headers: Vec::new(),
            max_age_seconds: Some(600),
            allow_credentials: false,
        }),
        integration_timeout: Duration::from_secs(2),
        ..HttpApiConfig::default()
    };
    let api = HttpApi::bind(
        "127.0.0.1:0".parse().expect("address"),
        config,
        server.function_invoker(),
        Some(LocalIssuerKey {
            pem: generate_key_pem().expect("an RSA key"),
            audience: "ivschat-local".into(),
        }),
    )
    .await
    .expect("the API binds");
    let address = api.local_addr();
    let _api = api.spawn();
    let token_path = format!("{LOCAL_ISSUER_PATH}/token");

    let preflight = send(
        address,
        request(
            Method::OPTIONS,
            &token_path,
            &[
                ("origin", "http://localhost:8333"),
                ("access-control-request-method", "POST"),
                ("access-control-request-headers", "content-type"),
            ],
            "",
        ),
    )
    .await;
    assert_eq!(preflight.status, 204);
    assert_eq!(
        preflight.header("access-control-allow-origin"),
        Some("http://localhost:8333")
    );
    assert_eq!(
        preflight.header("access-control-allow-headers"),
        Some("authorization,content-type")
    );

    let minted = send(
        address,
        request(
            Method::POST,
            &token_path,
            &[
                ("origin", "http://localhost:8333"),
                ("content-type", "application/json"),
            ],
            r#"{"user":"alice","groups":["moderators"]}"#,
        ),
    )
    .await;
    assert_eq!(minted.status, 200);
    assert_eq!(
        minted.header("access-control-allow-origin"),
        Some("http://localhost:8333")
    );
    assert!(minted.json()["idToken"].is_string());

    let foreign = send(
        address,
        request(
            Method::POST,
            &token_path,
            &[("origin", "http://evil.test")],
            r#"{"user":"mallory"}"#,
        ),
    )
    .await;
    assert_eq!(
        foreign.header("access-control-allow-origin"),
        None,
        "an origin the API does not admit gets no CORS headers"
    );
}
