//! The local HTTP API: routes to the hosted fixture function, the v2 event it
//! receives, response mapping, the JWT authorizer against the local issuer, CORS, and the
//! gateway's own error answers.

use std::net::SocketAddr;
use std::sync::OnceLock;
use std::time::Duration;

use bytes::Bytes;
use http::{Method, Request};
use http_body_util::Full;
use ivschat_local::gateway::{
    CorsConfig, HttpApi, HttpApiConfig, JwtAuthorizerConfig, LocalIssuerKey, RouteAuthorization,
    RouteConfig, RunningHttpApi, LOCAL_ISSUER,
};
use ivschat_local::identity::{generate_key_pem, LocalIssuer, TokenRequest};
use ivschat_local::RunningServer;
use serde_json::{json, Value};

use crate::support::{fixture_function, start_with, Connection, RawResponse, ACCOUNT};

const AUDIENCE: &str = "local-console";

/// One signing key per test run: RSA key generation is the slow part.
fn key_pem() -> &'static str {
    static KEY: OnceLock<String> = OnceLock::new();
    KEY.get_or_init(|| generate_key_pem().expect("an RSA key"))
}

fn other_key_pem() -> &'static str {
    static KEY: OnceLock<String> = OnceLock::new();
    KEY.get_or_init(|| generate_key_pem().expect("an RSA key"))
}

fn function_arn() -> String {
    format!("arn:aws:lambda:us-east-1:{ACCOUNT}:function:fixture")
}

fn route(method: Option<Method>, path: &str, authorization: RouteAuthorization) -> RouteConfig {
    RouteConfig {
        method,
        path: path.to_owned(),
        function_arn: function_arn(),
        authorization,
    }
}

struct Stack {
    _server: RunningServer,
    api: RunningHttpApi,
}

impl Stack {
    fn address(&self) -> SocketAddr {
        self.api
            .url()
            .trim_start_matches("http://")
            .parse()
            .expect("an address")
    }

    fn issuer(&self) -> &LocalIssuer {
        self.api.issuer().expect("the API serves the local issuer")
    }

    fn token(&self, user: &str, groups: &[&str]) -> String {
        self.issuer()
            .mint(&TokenRequest {
                user: user.to_owned(),
                groups: groups.iter().map(|g| (*g).to_owned()).collect(),
                name: Some("Alice A.".to_owned()),
                picture: None,
                lifetime: Duration::from_secs(300),
            })
            .expect("a token")
    }

    async fn send(&self, request: Request<Full<Bytes>>) -> RawResponse {
        Connection::open_at(self.address())
            .await
            .send(request)
            .await
    }

    async fn get(&self, path: &str, headers: &[(&str, &str)]) -> RawResponse {
        self.send(request(Method::GET, path, headers, Bytes::new()))
            .await
    }
}

fn request(
    method: Method,
    path: &str,
    headers: &[(&str, &str)],
    body: Bytes,
) -> Request<Full<Bytes>> {
    let mut builder = Request::builder()
        .method(method)
        .uri(path)
        .header("host", "127.0.0.1");
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    builder.body(Full::new(body)).expect("a request")
}

async fn start(tweak: impl FnOnce(&mut HttpApiConfig)) -> Stack {
    let server = start_with(|config| {
        config.functions = vec![ivschat_local::FunctionSpec::new(
            "fixture",
            fixture_function(),
        )];
    })
    .await;
    let mut config = HttpApiConfig {
        api_id: "localapi".into(),
        account_id: ACCOUNT.into(),
        region: "us-east-1".into(),
        routes: vec![
            route(None, "/public/{proxy+}", RouteAuthorization::None),
            route(
                Some(Method::POST),
                "/rooms/{roomId}/token",
                RouteAuthorization::Default,
            ),
            route(
                Some(Method::GET),
                "/scoped",
                RouteAuthorization::Jwt {
                    authorizer: "local".into(),
                    scopes: vec!["chat/admin".into()],
                },
            ),
        ],
        authorizers: vec![JwtAuthorizerConfig {
            name: "local".into(),
            issuer: LOCAL_ISSUER.into(),
            audiences: vec![AUDIENCE.into()],
            identity_header: "authorization".into(),
        }],
        default_authorizer: Some("local".into()),
        cors: None,
        integration_timeout: Duration::from_secs(2),
    };
    tweak(&mut config);
    let key = LocalIssuerKey {
        pem: key_pem().to_owned(),
        audience: AUDIENCE.into(),
    };
    let api = HttpApi::bind(
        "127.0.0.1:0".parse().expect("address"),
        config,
        server.function_invoker(),
        Some(key),
    )
    .await
    .expect("the API binds")
    .spawn();
    Stack {
        _server: server,
        api,
    }
}

/// The event the fixture echoed.
fn echoed(response: &RawResponse) -> Value {
    assert_eq!(
        response.status,
        200,
        "{:?}",
        String::from_utf8_lossy(&response.body)
    );
    response.json()
}

#[tokio::test]
async fn the_function_receives_a_payload_v2_event() {
    let stack = start(|_| {}).await;
    let response = stack
        .send(request(
            Method::POST,
            "/public/echo/a%20b?x=1&x=2&y=z%21",
            &[
                ("x-custom", "one"),
                ("x-custom", "two"),
                ("cookie", "c1=v1; c2=v2"),
                ("content-type", "application/json"),
                ("user-agent", "gateway-test"),
            ],
            Bytes::from_static(br#"{"hello":"world"}"#),
        ))
        .await;
    let event = echoed(&response);
    assert_eq!(event["version"], "2.0");
    assert_eq!(event["routeKey"], "ANY /public/{proxy+}");
    assert_eq!(event["rawPath"], "/public/echo/a%20b");
    assert_eq!(event["rawQueryString"], "x=1&x=2&y=z%21");
    assert_eq!(
        event["queryStringParameters"],
        json!({ "x": "1,2", "y": "z!" })
    );
    assert_eq!(event["pathParameters"], json!({ "proxy": "echo/a b" }));
    assert_eq!(event["headers"]["x-custom"], "one,two");
    assert_eq!(event["headers"]["content-type"], "application/json");
    assert!(event["headers"].get("cookie").is_none());
    assert_eq!(event["cookies"], json!(["c1=v1", "c2=v2"]));
    assert_eq!(event["body"], r#"{"hello":"world"}"#);
    assert_eq!(event["isBase64Encoded"], false);
    let context = &event["requestContext"];
    assert_eq!(context["accountId"], ACCOUNT);
    assert_eq!(context["apiId"], "localapi");
    assert_eq!(context["stage"], "$default");
    assert_eq!(context["http"]["method"], "POST");
    assert_eq!(context["http"]["path"], "/public/echo/a b");
    assert_eq!(context["http"]["sourceIp"], "127.0.0.1");
    assert_eq!(context["http"]["userAgent"], "gateway-test");
    assert_eq!(
        context["requestId"].as_str(),
        response.header("apigw-requestid")
    );
    assert!(context["timeEpoch"]
        .as_i64()
        .is_some_and(|t| t > 1_700_000_000_000));
    assert!(context.get("authorizer").is_none());
    assert!(event.get("httpMethod").is_none(), "no v1 field");
}

#[tokio::test]
async fn binary_bodies_are_base64_and_empty_ones_absent() {
    let stack = start(|_| {}).await;
    let response = stack
        .send(request(
            Method::PUT,
            "/public/echo",
            &[("content-type", "application/octet-stream")],
            Bytes::from_static(&[0, 1, 2, 255]),
        ))
        .await;
    let event = echoed(&response);
    assert_eq!(event["body"], "AAEC/w==");
    assert_eq!(event["isBase64Encoded"], true);
    let event = echoed(&stack.get("/public/echo", &[]).await);
    assert!(event.get("body").is_none());
    assert!(event.get("queryStringParameters").is_none());
}

#[tokio::test]
async fn function_answers_are_mapped_like_api_gateway() {
    let stack = start(|_| {}).await;

    let response = stack.get("/public/status/418", &[]).await;
    assert_eq!(response.status, 418);
    assert_eq!(response.header("content-type"), Some("text/plain"));
    assert_eq!(response.body.as_ref(), b"status 418");

    let response = stack.get("/public/shortcut", &[]).await;
    assert_eq!(response.status, 200);
    assert_eq!(response.header("content-type"), Some("application/json"));
    assert_eq!(
        response.json(),
        json!({ "ok": true, "path": "/public/shortcut" })
    );

    let response = stack.get("/public/binary", &[]).await;
    assert_eq!(response.body.as_ref(), &[0, 1, 2, 255]);

    let response = stack.get("/public/cookies", &[]).await;
    let cookies: Vec<_> = response.headers.get_all("set-cookie").iter().collect();
    assert_eq!(cookies, vec!["a=1; Path=/", "b=2"]);

    for path in ["/public/invalid", "/public/fail"] {
        let response = stack.get(path, &[]).await;
        assert_eq!(response.status, 500, "{path}");
        assert_eq!(
            response.json(),
            json!({ "message": "Internal Server Error" })
        );
    }

    let response = stack.get("/public/sleep/3000", &[]).await;
    assert_eq!(response.status, 503);
    assert_eq!(response.json(), json!({ "message": "Service Unavailable" }));
}

#[tokio::test]
async fn unknown_routes_are_404_from_the_gateway() {
    let stack = start(|_| {}).await;
    let response = stack.get("/nowhere", &[]).await;
    assert_eq!(response.status, 404);
    assert_eq!(response.json(), json!({ "message": "Not Found" }));
    let response = stack.get("/rooms/abc/token", &[]).await;
    assert_eq!(response.status, 404, "GET has no route; only POST does");
}

#[tokio::test]
async fn a_valid_jwt_reaches_the_function_with_its_claims_as_strings() {
    let stack = start(|_| {}).await;
    let token = stack.token("alice", &["moderators", "admins"]);
    for header in [format!("Bearer {token}"), token.clone()] {
        let response = stack
            .send(request(
                Method::POST,
                "/rooms/r1/token",
                &[("authorization", &header)],
                Bytes::new(),
            ))
            .await;
        let event = echoed(&response);
        assert_eq!(event["routeKey"], "POST /rooms/{roomId}/token");
        assert_eq!(event["pathParameters"]["roomId"], "r1");
        let claims = &event["requestContext"]["authorizer"]["jwt"]["claims"];
        assert_eq!(claims["sub"], "alice");
        assert_eq!(claims["cognito:groups"], "[moderators admins]");
        assert_eq!(claims["name"], "Alice A.");
        assert_eq!(claims["aud"], AUDIENCE);
        assert_eq!(claims["iss"].as_str(), Some(stack.issuer().issuer_url()));
        assert!(
            claims
                .as_object()
                .expect("claims")
                .values()
                .all(Value::is_string),
            "every claim is a string: {claims}"
        );
        assert_eq!(
            event["requestContext"]["authorizer"]["jwt"]["scopes"],
            Value::Null
        );
    }
}

async fn assert_unauthorized(stack: &Stack, authorization: Option<&str>, why: &str) {
    let headers: Vec<(&str, &str)> = authorization
        .map(|a| vec![("authorization", a)])
        .unwrap_or_default();
    let response = stack
        .send(request(
            Method::POST,
            "/rooms/r1/token",
            &headers,
            Bytes::new(),
        ))
        .await;
    assert_eq!(response.status, 401, "{why}");
    assert_eq!(
        response.body.as_ref(),
        br#"{"message":"Unauthorized"}"#,
        "{why}"
    );
    let challenge = response.header("www-authenticate").unwrap_or_default();
    assert!(challenge.starts_with("Bearer"), "{why}: {challenge}");
}

#[tokio::test]
async fn missing_forged_expired_and_foreign_tokens_get_401_from_the_gateway() {
    let stack = start(|_| {}).await;
    assert_unauthorized(&stack, None, "no token").await;
    assert_unauthorized(&stack, Some("Bearer not.a.jwt"), "garbage").await;

    let issuer_url = stack.issuer().issuer_url().to_owned();
    let request = |lifetime: u64| TokenRequest {
        user: "mallory".into(),
        groups: vec!["admins".into()],
        lifetime: Duration::from_secs(lifetime),
        ..TokenRequest::default()
    };
    // Signed by another key that claims the same issuer and key id shape.
    let forger =
        LocalIssuer::from_pem(other_key_pem(), issuer_url.clone(), AUDIENCE).expect("issuer");
    let forged = forger.mint(&request(300)).expect("token");
    assert_unauthorized(&stack, Some(&forged), "other key").await;

    let wrong_audience = LocalIssuer::from_pem(key_pem(), issuer_url.clone(), "someone-else")
        .expect("issuer")
        .mint(&request(300))
        .expect("token");
    assert_unauthorized(&stack, Some(&wrong_audience), "audience").await;

    let wrong_issuer = LocalIssuer::from_pem(key_pem(), "http://elsewhere.test", AUDIENCE)
        .expect("issuer")
        .mint(&request(300))
        .expect("token");
    assert_unauthorized(&stack, Some(&wrong_issuer), "issuer").await;

    let expired = stack.issuer().mint(&request(1)).expect("token");
    tokio::time::sleep(Duration::from_millis(2100)).await;
    assert_unauthorized(&stack, Some(&expired), "expired").await;
}

#[tokio::test]
async fn a_route_with_scopes_needs_one_of_them() {
    let stack = start(|_| {}).await;
    let token = stack.token("alice", &["admins"]);
    let response = stack
        .get("/scoped", &[("authorization", &format!("Bearer {token}"))])
        .await;
    assert_eq!(response.status, 401, "an ID token has no scope");
}

#[tokio::test]
async fn cors_preflight_is_answered_by_the_gateway_and_responses_get_allow_origin() {
    let stack = start(|config| {
        config.cors = Some(CorsConfig {
            allow_origins: vec!["http://console.test".into()],
            allow_methods: vec!["GET".into(), "POST".into()],
            allow_headers: vec!["authorization".into(), "content-type".into()],
            expose_headers: vec!["retry-after".into()],
            max_age_seconds: Some(300),
            allow_credentials: false,
        });
    })
    .await;
    let response = stack
        .send(request(
            Method::OPTIONS,
            "/rooms/r1/token",
            &[
                ("origin", "http://console.test"),
                ("access-control-request-method", "POST"),
            ],
            Bytes::new(),
        ))
        .await;
    assert_eq!(response.status, 204, "no authorizer on a preflight");
    assert_eq!(
        response.header("access-control-allow-origin"),
        Some("http://console.test")
    );
    assert_eq!(
        response.header("access-control-allow-methods"),
        Some("GET,POST")
    );
    assert_eq!(response.header("access-control-max-age"), Some("300"));

    let response = stack
        .get("/public/cors", &[("origin", "http://console.test")])
        .await;
    assert_eq!(
        response.header("access-control-allow-origin"),
        Some("http://console.test"),
        "the gateway's CORS replaces the function's"
    );
    assert_eq!(
        response.header("access-control-expose-headers"),
        Some("retry-after")
    );

    let response = stack
        .get("/public/cors", &[("origin", "http://evil.test")])
        .await;
    assert_eq!(response.header("access-control-allow-origin"), None);
}

#[tokio::test]
async fn the_local_issuer_serves_discovery_keys_and_dev_tokens() {
    let stack = start(|_| {}).await;
    let issuer_url = stack.issuer().issuer_url().to_owned();
    let path = issuer_url
        .split_once("127.0.0.1")
        .map(|(_, p)| p)
        .unwrap_or_default();
    let path = &path[path.find('/').unwrap_or(0)..];

    let discovery = stack
        .get(&format!("{path}/.well-known/openid-configuration"), &[])
        .await
        .json();
    assert_eq!(discovery["issuer"].as_str(), Some(issuer_url.as_str()));
    let jwks = stack
        .get(&format!("{path}/.well-known/jwks.json"), &[])
        .await
        .json();
    assert_eq!(jwks["keys"][0]["kty"], "RSA");
    assert_eq!(jwks["keys"][0]["alg"], "RS256");

    let minted = stack
        .send(request(
            Method::POST,
            &format!("{path}/token"),
            &[("content-type", "application/json")],
            Bytes::from(json!({ "user": "bob", "groups": ["moderators"] }).to_string()),
        ))
        .await;
    assert_eq!(minted.status, 200);
    let token = minted.json()["idToken"]
        .as_str()
        .expect("a token")
        .to_owned();
    let event = echoed(
        &stack
            .send(request(
                Method::POST,
                "/rooms/r2/token",
                &[("authorization", &token)],
                Bytes::new(),
            ))
            .await,
    );
    assert_eq!(
        event["requestContext"]["authorizer"]["jwt"]["claims"]["cognito:groups"],
        "[moderators]"
    );

    let refused = stack
        .send(request(
            Method::POST,
            &format!("{path}/token"),
            &[],
            Bytes::from_static(br#"{"user":"x","admin":true}"#),
        ))
        .await;
    assert_eq!(refused.status, 400, "unknown fields are refused");
}

#[tokio::test]
async fn bodies_over_10_mb_are_refused_with_413() {
    let stack = start(|_| {}).await;
    let response = stack
        .send(request(
            Method::POST,
            "/public/echo",
            &[("content-type", "text/plain")],
            Bytes::from(vec![b'a'; 10 * 1024 * 1024 + 1]),
        ))
        .await;
    assert_eq!(response.status, 413);
}
