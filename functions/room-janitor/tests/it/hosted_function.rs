//! The real `room-janitor` binary, hosted by the local service the way Lambda runs it (its
//! configuration from the environment, its deadline from the Runtime API), invoked through
//! the Lambda Invoke API (SigV4-signed, as Lambda requires) with the sample events.

use std::time::Duration;

use bytes::Bytes;
use http::{Method, Request};
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;
use ivschat_local::auth::{SigV4Signer, LAMBDA_SERVICE};
use ivschat_local::{RunningServer, ServeConfig, Server};
use serde_json::Value;
use shared::room_tags::{EXPIRES_AT, MANAGED_BY};
use tokio::net::TcpStream;

use crate::support::{region_of, remaining_rooms, rfc3339, seed_room, STACK};

const FUNCTION: &str = "room-janitor";
/// Hosted functions get the service's default region.
const FUNCTION_REGION: &str = "us-east-1";
/// Only there so that a broken function cannot hang the suite.
const INVOKE_WAIT: Duration = Duration::from_secs(120);

async fn start_hosting(env: &[(&str, &str)]) -> RunningServer {
    let mut config = ServeConfig::for_tests();
    config.default_region = FUNCTION_REGION.into();
    config.quotas = ivschat_local::config::QuotaSwitch::On;
    config.quota_scale = 10.0;
    config.function_timeout_seconds = 60;
    let function = config
        .function(FUNCTION, env!("CARGO_BIN_EXE_room-janitor"))
        .envs(env.iter().copied());
    config.functions = vec![function];
    Server::bind(config).await.expect("bind").spawn()
}

/// The sample event `events/room-janitor-<case>.json`.
fn sample(case: &str) -> Vec<u8> {
    let path = format!(
        "{}/../../events/room-janitor-{case}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Invokes the function synchronously; returns the function-error header and the JSON answer.
async fn invoke(server: &RunningServer, payload: Vec<u8>) -> (Option<String>, Value) {
    let stream = TcpStream::connect(server.local_addr())
        .await
        .expect("connects");
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .expect("handshake");
    tokio::spawn(connection);
    // The Invoke API requires SigV4 (service `lambda`) with the service's key pair.
    let (mut parts, ()) = Request::builder()
        .method(Method::POST)
        .uri(format!("/2015-03-31/functions/{FUNCTION}/invocations"))
        .header("host", server.local_addr().to_string())
        .header("content-type", "application/json")
        .body(())
        .expect("a request")
        .into_parts();
    SigV4Signer::new("test", "test")
        .sign(
            &mut parts,
            &payload,
            FUNCTION_REGION,
            LAMBDA_SERVICE,
            time::OffsetDateTime::now_utc(),
        )
        .expect("the request signs");
    let request = Request::from_parts(parts, Full::new(Bytes::from(payload)));
    let response = tokio::time::timeout(INVOKE_WAIT, sender.send_request(request))
        .await
        .expect("the Invoke API answers in time")
        .expect("an answer");
    let function_error = response
        .headers()
        .get("x-amz-function-error")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body = response
        .into_body()
        .collect()
        .await
        .expect("a body")
        .to_bytes();
    let json = serde_json::from_slice(&body)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&body)));
    (function_error, json)
}

/// Seeds one expired managed room, one live managed room and one expired unmanaged room in the
/// function's region; returns (expired managed, the other two).
fn seed(server: &RunningServer) -> (String, [String; 2]) {
    let region = region_of(server.state(), FUNCTION_REGION);
    let past = rfc3339(time::OffsetDateTime::now_utc() - Duration::from_secs(3600));
    let managed = (MANAGED_BY, STACK.to_owned());
    let expired = seed_room(
        &region,
        "expired",
        &[managed.clone(), (EXPIRES_AT, past.clone())],
    );
    let live = seed_room(&region, "live", &[managed]);
    let foreign = seed_room(&region, "foreign", &[(EXPIRES_AT, past)]);
    (expired, [live, foreign])
}

#[tokio::test]
async fn the_scheduled_event_deletes_the_expired_managed_room_and_returns_the_summary() {
    let server =
        start_hosting(&[("JANITOR_STACK_NAME", STACK), ("JANITOR_DELETE_TPS", "50")]).await;
    let (expired, others) = seed(&server);

    let (function_error, summary) = invoke(&server, sample("scheduled")).await;

    assert_eq!(function_error, None, "{summary}");
    assert_eq!(summary["stackName"], STACK);
    assert_eq!(summary["dryRun"], false);
    assert_eq!(summary["complete"], true);
    assert_eq!(summary["rooms"]["scanned"], 3);
    assert_eq!(summary["rooms"]["deleted"], 1);
    assert_eq!(summary["rooms"]["skipped"]["unmanaged"], 1);
    assert_eq!(summary["rooms"]["skipped"]["notStale"], 1);
    let region = region_of(server.state(), FUNCTION_REGION);
    let remaining = remaining_rooms(&region);
    assert!(!remaining.contains(&expired));
    assert_eq!(remaining, others.into_iter().collect());
}

#[tokio::test]
async fn the_dry_run_event_deletes_nothing_and_reports_the_candidate() {
    let server = start_hosting(&[("JANITOR_STACK_NAME", STACK)]).await;
    let (expired, _) = seed(&server);

    let (function_error, summary) = invoke(&server, sample("dry-run")).await;

    assert_eq!(function_error, None, "{summary}");
    assert_eq!(summary["dryRun"], true);
    assert_eq!(summary["rooms"]["wouldDelete"], 1);
    assert_eq!(summary["rooms"]["deleted"], 0);
    let region = region_of(server.state(), FUNCTION_REGION);
    assert!(remaining_rooms(&region).contains(&expired));
    assert_eq!(remaining_rooms(&region).len(), 3);
}

#[tokio::test]
async fn an_unrecognised_event_fails_the_invocation_with_a_clear_error_and_deletes_nothing() {
    let server = start_hosting(&[("JANITOR_STACK_NAME", STACK)]).await;
    seed(&server);

    let (function_error, error) = invoke(&server, br#"{"dryrun": true}"#.to_vec()).await;

    assert_eq!(function_error.as_deref(), Some("Unhandled"));
    assert_eq!(error["errorType"], "RoomJanitor.BadEvent");
    let message = error["errorMessage"].as_str().expect("a message");
    assert!(message.contains("dryrun"), "{message}");
    let region = region_of(server.state(), FUNCTION_REGION);
    assert_eq!(remaining_rooms(&region).len(), 3);
}
