//! The token issuer's cost: its own work per request (everything but the waits for IVS Chat
//! and DynamoDB), and tokens per second through the whole local stack (HTTP API, JWT
//! authorizer, the hosted function, the local IVS Chat service, moto).
//!
//! Run: `cargo bench -p chat-token --bench issuer` (needs moto: `MOTO_SERVER` or `.venv`).

use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::Method;
use http_body_util::{BodyExt, Full};
use ivschat_local::gateway::{
    HttpApi, HttpApiConfig, JwtAuthorizerConfig, LocalIssuerKey, RouteAuthorization, RouteConfig,
    LOCAL_ISSUER,
};
use ivschat_local::identity::{generate_key_pem, TokenRequest};
use ivschat_local::{ServeConfig, Server};
use moto::MotoServer;
use shared::bans::{create_table, DynamoBanStore};
use shared::chat_tokens::{Caller, ChatTokenConfig, RoomGate, SignedIn, TokenAsk, TokenIssuer};
use shared::ids::ResourceNames;
use shared::ivs_client::{self, EndpointSettings};

const FUNCTION_ARN: &str = "arn:aws:lambda:us-east-1:123456789012:function:chat-token";
const IN_PROCESS_REQUESTS: usize = 2_000;
const HTTP_SECONDS: u64 = 10;
const HTTP_CLIENTS: usize = 8;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn us(d: Duration) -> String {
    format!("{:.1} us", d.as_secs_f64() * 1e6)
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

#[tokio::main]
async fn main() {
    let moto = MotoServer::start().unwrap_or_else(|e| panic!("{e}"));
    let mut dynamo_settings = EndpointSettings::local(moto.endpoint());
    dynamo_settings.region = "us-east-1".into();
    let dynamo = shared::bans::client_for_endpoint(&dynamo_settings);
    create_table(&dynamo, "bans").await.expect("the bans table");

    let mut config = ServeConfig::for_tests();
    config.functions =
        vec![
            ivschat_local::FunctionSpec::new("chat-token", env!("CARGO_BIN_EXE_chat-token"))
                .env("BANS_TABLE_NAME", "bans")
                .env("AWS_ENDPOINT_URL_DYNAMODB", moto.endpoint())
                .env("RUST_LOG", "warn"),
        ];
    let server = Server::bind(config).await.expect("bind").spawn();
    let mut settings = EndpointSettings::local(server.endpoint_url());
    settings.region = "us-east-1".into();
    let ivs = ivs_client::for_endpoint(&settings);
    let room = ivs.create_room().send().await.expect("CreateRoom");
    let room_id = room.id().expect("an id").to_owned();

    // 1. The issuer in process: own time = total − waits for IVS Chat and DynamoDB.
    let issuer = TokenIssuer::new(
        ivs.clone(),
        RoomGate::new(
            ivs.clone(),
            DynamoBanStore::new(dynamo, "bans").expect("a store"),
            ChatTokenConfig::for_tests(),
        ),
    );
    let names = ResourceNames::of_function(FUNCTION_ARN).expect("a function ARN");
    let caller = Caller::SignedIn(SignedIn {
        user_id: "alice".into(),
        groups: vec!["subscribers".into()],
        display_name: Some("Alice".into()),
        picture: Some("https://cdn.example.com/alice.png".into()),
    });
    let mut own = Vec::with_capacity(IN_PROCESS_REQUESTS);
    let mut total = Vec::with_capacity(IN_PROCESS_REQUESTS);
    for i in 0..IN_PROCESS_REQUESTS + 100 {
        let started = Instant::now();
        let token = issuer
            .issue(
                &names,
                &room_id,
                &caller,
                &TokenAsk::default(),
                time::OffsetDateTime::now_utc(),
            )
            .await
            .expect("a token");
        let elapsed = started.elapsed();
        if i >= 100 {
            own.push(elapsed.saturating_sub(token.remote_time));
            total.push(elapsed);
        }
    }
    own.sort();
    total.sort();
    println!("chat-token issuer, in process ({IN_PROCESS_REQUESTS} requests, room tags cached)");
    println!(
        "  own work (excluding IVS Chat and DynamoDB calls)  p50 {}  p99 {}  max {}",
        us(percentile(&own, 0.5)),
        us(percentile(&own, 0.99)),
        us(percentile(&own, 1.0))
    );
    println!(
        "  whole request incl. the calls                     p50 {}  p99 {}",
        ms(percentile(&total, 0.5)),
        ms(percentile(&total, 0.99))
    );

    // 2. Tokens per second through the local stack.
    let api = HttpApi::bind(
        "127.0.0.1:0".parse().expect("address"),
        HttpApiConfig {
            api_id: "bench".into(),
            account_id: "123456789012".into(),
            region: "us-east-1".into(),
            routes: vec![RouteConfig {
                method: Some(Method::POST),
                path: "/rooms/{roomId}/chat-token".into(),
                function_arn: FUNCTION_ARN.into(),
                authorization: RouteAuthorization::Default,
            }],
            authorizers: vec![JwtAuthorizerConfig {
                name: "jwt".into(),
                issuer: LOCAL_ISSUER.into(),
                audiences: vec!["bench".into()],
                identity_header: "authorization".into(),
            }],
            default_authorizer: Some("jwt".into()),
            cors: None,
            integration_timeout: Duration::from_secs(30),
        },
        server.function_invoker(),
        Some(LocalIssuerKey {
            pem: generate_key_pem().expect("a key"),
            audience: "bench".into(),
        }),
    )
    .await
    .expect("the API")
    .spawn();
    let jwt = api
        .issuer()
        .expect("issuer")
        .mint(&TokenRequest {
            user: "alice".into(),
            lifetime: Duration::from_secs(600),
            ..TokenRequest::default()
        })
        .expect("a JWT");
    let url = Arc::new(format!("{}/rooms/{room_id}/chat-token", api.url()));
    let jwt = Arc::new(format!("Bearer {jwt}"));
    let client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .build_http::<Full<Bytes>>();
    let deadline = Instant::now() + Duration::from_secs(HTTP_SECONDS);
    let mut workers = Vec::new();
    for _ in 0..HTTP_CLIENTS {
        let (client, url, jwt) = (client.clone(), Arc::clone(&url), Arc::clone(&jwt));
        workers.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut failures = 0usize;
            while Instant::now() < deadline {
                let request = http::Request::post(url.as_str())
                    .header("authorization", jwt.as_str())
                    .body(Full::new(Bytes::new()))
                    .expect("a request");
                let started = Instant::now();
                match client.request(request).await {
                    Ok(response) if response.status() == 200 => {
                        let _ = response.into_body().collect().await;
                        latencies.push(started.elapsed());
                    }
                    _ => failures += 1,
                }
            }
            (latencies, failures)
        }));
    }
    let mut latencies = Vec::new();
    let mut failures = 0;
    for worker in workers {
        let (l, f) = worker.await.expect("a worker");
        latencies.extend(l);
        failures += f;
    }
    latencies.sort();
    println!(
        "through the local stack ({HTTP_CLIENTS} clients, {HTTP_SECONDS} s, one hosted instance, quotas off)"
    );
    println!(
        "  {:.0} tokens/s, latency p50 {} p99 {}, {} failures",
        latencies.len() as f64 / HTTP_SECONDS as f64,
        ms(percentile(&latencies, 0.5)),
        ms(percentile(&latencies, 0.99)),
        failures
    );
}
