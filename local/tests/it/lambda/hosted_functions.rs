//! Functions hosted by the service: the fixture function, a real
//! `lambda_runtime` binary, runs as a child process behind its own Runtime API. Driven here
//! through the Invoke API on the service's listener (raw HTTP/1.1), as the review handler of
//! rooms over WebSocket, and through the real `ivschat-local serve --function`.
//!
//! The fixture's behaviour is chosen by the `Content` of its payload: `deny`, `rewrite`,
//! `sleep N`, `fail`, `panic`, `crash`, `echo-env NAME`, anything else allows and answers
//! with attribute `reviewed-by: <pid>`, which tells which process ran an invocation.

use std::net::SocketAddr;
use std::process::Stdio;
use std::time::Duration;

use aws_sdk_ivschat::types::{FallbackResult, MessageReviewHandler};
use aws_sdk_ivschat::Client;
use bytes::Bytes;
use http::{HeaderValue, Method, Request, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;
use ivschat_local::{FunctionSpec, RunningServer, ServeConfig};
use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::net::TcpStream;
use tokio::process::{Child, Command};

use crate::messaging::support::{
    assert_error, assert_next_message_is, join, next_frame, next_of_type, say, send as ws_send,
    send_message_with_attributes, SEND, VIEW_ONLY,
};
use crate::support::{
    client, fixture_function, send, sign_request, signed_as, start_with, RawResponse, Signing,
    ACCOUNT, REGION,
};

/// The fixture function binary.
/// The service binary.
const BINARY: &str = env!("CARGO_BIN_EXE_ivschat-local");
/// The name the fixture is hosted under.
pub(crate) const FUNCTION: &str = "review";
/// How long any single Invoke API call may take before the test gives up; only there so that
/// a broken server cannot hang the suite, never a measured quantity.
const INVOKE_WAIT: Duration = Duration::from_secs(20);

pub(crate) fn function_arn() -> String {
    format!("arn:aws:lambda:{REGION}:{ACCOUNT}:function:{FUNCTION}")
}

/// A server hosting the fixture as `review`, with the test defaults changed by `tweak`.
pub(crate) async fn start_hosting(tweak: impl FnOnce(&mut ServeConfig)) -> RunningServer {
    start_with(|config| {
        config.functions = vec![FunctionSpec::new(FUNCTION, fixture_function())];
        tweak(config);
    })
    .await
}

/// An Invoke API request for the function `label` (sent as written, so already
/// percent-encoded) with this payload and, when given, `X-Amz-Invocation-Type`, signed for
/// service `lambda` with the server's key pair.
pub(crate) fn invoke_request(
    server: &RunningServer,
    label: &str,
    payload: &Value,
    invocation_type: Option<&str>,
) -> Request<Full<Bytes>> {
    let mut request = signed_as(
        server,
        Method::POST,
        &format!("/2015-03-31/functions/{label}/invocations"),
        payload.to_string().as_bytes(),
        &lambda_signing(),
    );
    if let Some(invocation_type) = invocation_type {
        request.headers_mut().insert(
            "x-amz-invocation-type",
            HeaderValue::from_str(invocation_type).expect("a valid header value"),
        );
    }
    request
}

/// The server's key pair, signing for the Invoke API (service `lambda`).
pub(crate) fn lambda_signing() -> Signing {
    Signing {
        service: "lambda",
        ..Signing::valid()
    }
}

/// Sends an Invoke API request and reads the whole answer.
pub(crate) async fn call(server: &RunningServer, request: Request<Full<Bytes>>) -> RawResponse {
    tokio::time::timeout(INVOKE_WAIT, send(server, request))
        .await
        .expect("the Invoke API answers within the wait")
}

/// Invokes `review` synchronously with `{"Content": content}`.
async fn invoke(server: &RunningServer, content: &str) -> RawResponse {
    call(
        server,
        invoke_request(server, FUNCTION, &json!({ "Content": content }), None),
    )
    .await
}

/// Asserts a successful synchronous invocation (200, `$LATEST`, no function error) and
/// returns the function's JSON answer.
#[track_caller]
pub(crate) fn assert_result(response: &RawResponse) -> Value {
    assert_eq!(
        response.status,
        StatusCode::OK,
        "{:?}",
        String::from_utf8_lossy(&response.body)
    );
    assert_eq!(
        response.header("x-amz-function-error"),
        None,
        "unexpected function error: {:?}",
        String::from_utf8_lossy(&response.body)
    );
    assert_eq!(response.header("x-amz-executed-version"), Some("$LATEST"));
    response.json()
}

/// Asserts a function error as Lambda reports it (200 + `X-Amz-Function-Error: Unhandled`)
/// and returns the error body.
#[track_caller]
fn assert_function_error(response: &RawResponse) -> Value {
    assert_eq!(
        response.status,
        StatusCode::OK,
        "{:?}",
        String::from_utf8_lossy(&response.body)
    );
    assert_eq!(
        response.header("x-amz-function-error"),
        Some("Unhandled"),
        "no function error: {:?}",
        String::from_utf8_lossy(&response.body)
    );
    assert_eq!(response.header("x-amz-executed-version"), Some("$LATEST"));
    let body = response.json();
    assert!(
        body["errorType"].as_str().is_some_and(|t| !t.is_empty()),
        "no errorType in {body}"
    );
    assert!(
        body["errorMessage"].as_str().is_some_and(|m| !m.is_empty()),
        "no errorMessage in {body}"
    );
    body
}

/// The pid of the process that ran an allowing invocation (`reviewed-by`).
#[track_caller]
fn pid_of(result: &Value) -> u32 {
    result["Attributes"]["reviewed-by"]
        .as_str()
        .and_then(|pid| pid.parse().ok())
        .unwrap_or_else(|| panic!("no reviewed-by pid in {result}"))
}

/// Invokes an allowing payload and returns the pid of the process that ran it.
async fn running_pid(server: &RunningServer) -> u32 {
    pid_of(&assert_result(&invoke(server, "who-runs-this").await))
}

/// The value of environment variable `name` in the function's process.
async fn function_env(server: &RunningServer, name: &str) -> String {
    let result = assert_result(&invoke(server, &format!("echo-env {name}")).await);
    result["Content"]
        .as_str()
        .unwrap_or_else(|| panic!("no Content in {result}"))
        .to_owned()
}

// ---------------------------------------------------------------------------------------
// Invoke API

#[tokio::test]
async fn invoke_returns_the_functions_json_with_200_and_executed_version_latest() {
    let server = start_hosting(|_| {}).await;

    let response = invoke(&server, "hello").await;

    let result = assert_result(&response);
    assert_eq!(result["ReviewResult"], "ALLOW", "{result}");
    assert_eq!(result["Content"], "hello", "{result}");
    assert!(pid_of(&result) > 0);
    assert_eq!(
        response.header("content-type"),
        Some("application/json"),
        "{:?}",
        response.headers
    );
}

#[tokio::test]
async fn a_handler_error_is_200_with_function_error_unhandled_and_the_runtimes_error_body() {
    let server = start_hosting(|_| {}).await;

    let body = assert_function_error(&invoke(&server, "fail now").await);

    assert_eq!(body["errorMessage"], "fixture failure", "{body}");
    assert_eq!(body.get("stackTrace"), None, "{body}");
}

#[tokio::test]
async fn a_handler_panic_is_an_unhandled_function_error_saying_lambda_panicked() {
    let server = start_hosting(|_| {}).await;

    let body = assert_function_error(&invoke(&server, "panic now").await);

    assert_eq!(
        body["errorMessage"], "Lambda panicked: fixture panic",
        "{body}"
    );
}

#[tokio::test]
async fn a_handler_panic_does_not_end_the_process() {
    let server = start_hosting(|_| {}).await;
    let before = running_pid(&server).await;

    assert_function_error(&invoke(&server, "panic now").await);

    assert_eq!(running_pid(&server).await, before);
}

#[tokio::test]
async fn a_crash_fails_the_invocation_with_runtime_exit_error_and_the_next_runs_on_a_new_process() {
    let server = start_hosting(|_| {}).await;
    let before = running_pid(&server).await;

    let body = assert_function_error(&invoke(&server, "crash now").await);

    assert_eq!(body["errorType"], "Runtime.ExitError", "{body}");
    let message = body["errorMessage"].as_str().unwrap_or_default();
    assert!(
        message.starts_with("RequestId: ") && message.contains("Runtime exited"),
        "{body}"
    );
    // Lambda says "exit status 3"; either way the status ends the message.
    assert!(
        message.contains("exit status") && message.ends_with(" 3"),
        "the exit status is not in {body}"
    );
    let after = running_pid(&server).await;
    assert_ne!(after, before, "the crashed process answered again");
}

#[tokio::test]
async fn a_timed_out_invocation_fails_with_sandbox_timedout_and_the_next_runs_on_a_new_process() {
    let server = start_hosting(|config| config.functions[0].timeout = Duration::from_secs(1)).await;
    let before = running_pid(&server).await;

    let body = assert_function_error(&invoke(&server, "sleep 1500").await);

    assert_eq!(body["errorType"], "Sandbox.Timedout", "{body}");
    let message = body["errorMessage"].as_str().unwrap_or_default();
    assert!(
        message.contains("Task timed out after 1.00 seconds"),
        "{body}"
    );
    let after = running_pid(&server).await;
    assert_ne!(after, before, "the timed-out process answered again");
}

#[tokio::test]
async fn a_function_that_exits_during_init_fails_each_invocation_instead_of_hanging() {
    let server = start_hosting(|config| {
        config.functions[0] = config.functions[0].clone().env("FIXTURE_FAIL_INIT", "1");
    })
    .await;

    for attempt in ["first", "second"] {
        let body = assert_function_error(&invoke(&server, attempt).await);
        let error_type = body["errorType"].as_str().unwrap_or_default();
        assert!(error_type.starts_with("Runtime."), "{attempt}: {body}");
    }
}

#[tokio::test]
async fn an_unknown_function_is_404_resource_not_found() {
    let server = start_hosting(|_| {}).await;

    let response = call(
        &server,
        invoke_request(&server, "nobody", &json!({"Content": "hello"}), None),
    )
    .await;

    assert_eq!(response.status, StatusCode::NOT_FOUND);
    assert_eq!(
        response.header("x-amzn-errortype"),
        Some("ResourceNotFoundException")
    );
    let body = response.json();
    let message = body["Message"].as_str().unwrap_or_default();
    assert!(
        message.starts_with("Function not found: arn:aws:lambda:") && message.ends_with(":nobody"),
        "{body}"
    );
}

/// Every AWS answer, errors included, carries `x-amzn-RequestId`; the SDKs put it in the
/// error's metadata (`request_id()`), and the control plane of this service sends it.
#[tokio::test]
async fn invoke_api_errors_carry_a_request_id() {
    let server = start_hosting(|_| {}).await;

    let response = call(
        &server,
        invoke_request(&server, "nobody", &json!({"Content": "hello"}), None),
    )
    .await;

    response.assert_error(404, "ResourceNotFoundException");
}

#[tokio::test]
async fn the_function_name_may_be_a_full_arn_percent_encoded_as_sdks_send_it() {
    let server = start_hosting(|_| {}).await;
    let label = function_arn().replace(':', "%3A");

    let response = call(
        &server,
        invoke_request(&server, &label, &json!({"Content": "by arn"}), None),
    )
    .await;

    assert_eq!(assert_result(&response)["Content"], "by arn");
}

#[tokio::test]
async fn the_function_name_may_carry_a_qualifier() {
    let server = start_hosting(|_| {}).await;

    for label in ["review:$LATEST", "review%3A%24LATEST", "review:live"] {
        let response = call(
            &server,
            invoke_request(&server, label, &json!({"Content": label}), None),
        )
        .await;

        assert_eq!(assert_result(&response)["Content"], label, "{label}");
    }
}

#[tokio::test]
async fn a_partial_arn_names_the_function() {
    let server = start_hosting(|_| {}).await;
    let label = format!("{ACCOUNT}%3Afunction%3A{FUNCTION}");

    let response = call(
        &server,
        invoke_request(&server, &label, &json!({"Content": "partial"}), None),
    )
    .await;

    assert_eq!(assert_result(&response)["Content"], "partial");
}

#[tokio::test]
async fn a_dry_run_is_204_and_does_not_run_the_function() {
    let server = start_hosting(|_| {}).await;
    let before = running_pid(&server).await;

    let response = call(
        &server,
        invoke_request(
            &server,
            FUNCTION,
            &json!({"Content": "crash if run"}),
            Some("DryRun"),
        ),
    )
    .await;

    assert_eq!(response.status, StatusCode::NO_CONTENT);
    assert!(response.body.is_empty(), "{:?}", response.body);
    // Had it run, the process would have crashed and a new one would answer.
    assert_eq!(running_pid(&server).await, before);
}

#[tokio::test]
async fn an_event_invocation_is_202_with_an_empty_body_and_runs_the_function() {
    let server = start_hosting(|_| {}).await;
    let before = running_pid(&server).await;

    let response = call(
        &server,
        invoke_request(
            &server,
            FUNCTION,
            &json!({"Content": "crash when run"}),
            Some("Event"),
        ),
    )
    .await;

    assert_eq!(response.status, StatusCode::ACCEPTED);
    assert!(response.body.is_empty(), "{:?}", response.body);
    // It runs after the answer: once it has, its crash shows as a new process.
    let ran = tokio::time::timeout(INVOKE_WAIT, async {
        while running_pid(&server).await == before {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await;
    assert!(ran.is_ok(), "the event invocation never ran");
}

#[tokio::test]
async fn an_unknown_invocation_type_is_refused() {
    let server = start_hosting(|_| {}).await;

    let response = call(
        &server,
        invoke_request(&server, FUNCTION, &json!({"Content": "x"}), Some("Later")),
    )
    .await;

    assert_eq!(response.status, StatusCode::BAD_REQUEST, "{response:?}");
    assert!(
        response.header("x-amzn-errortype").is_some(),
        "{response:?}"
    );
}

#[tokio::test]
async fn per_function_environment_reaches_the_process() {
    let server = start_hosting(|config| {
        config.functions[0] = config.functions[0].clone().env("GREETING", "hello there");
    })
    .await;

    assert_eq!(function_env(&server, "GREETING").await, "hello there");
    assert_eq!(function_env(&server, "NOT_MINE").await, "");
}

#[tokio::test]
async fn the_process_gets_lambdas_reserved_environment() {
    let server = start_hosting(|_| {}).await;

    assert_eq!(
        function_env(&server, "AWS_LAMBDA_FUNCTION_NAME").await,
        FUNCTION
    );
    assert_eq!(
        function_env(&server, "AWS_LAMBDA_FUNCTION_VERSION").await,
        "$LATEST"
    );
    assert_eq!(
        function_env(&server, "AWS_LAMBDA_FUNCTION_MEMORY_SIZE").await,
        "128"
    );
    assert_eq!(
        function_env(&server, "AWS_LAMBDA_INITIALIZATION_TYPE").await,
        "on-demand"
    );
    let runtime_api = function_env(&server, "AWS_LAMBDA_RUNTIME_API").await;
    let address: SocketAddr = runtime_api
        .parse()
        .unwrap_or_else(|_| panic!("AWS_LAMBDA_RUNTIME_API {runtime_api:?} is not host:port"));
    assert!(address.ip().is_loopback(), "{runtime_api}");
    assert_ne!(address, server.local_addr(), "{runtime_api}");
}

#[tokio::test]
async fn the_process_does_not_inherit_the_services_environment() {
    // Set in every test process by cargo, never by Lambda.
    assert!(std::env::var("CARGO_PKG_NAME").is_ok());
    let server = start_hosting(|_| {}).await;

    assert_eq!(function_env(&server, "CARGO_PKG_NAME").await, "");
}

#[tokio::test]
async fn concurrent_invocations_all_complete_queued_on_one_process() {
    let server = start_hosting(|_| {}).await;

    let calls: Vec<_> = (0..16)
        .map(|n| {
            let request = invoke_request(
                &server,
                FUNCTION,
                &json!({"Content": format!("caller-{n}")}),
                None,
            );
            let server = &server;
            async move { (n, call(server, request).await) }
        })
        .collect();
    let responses = futures_util::future::join_all(calls).await;

    let mut pids = Vec::new();
    for (n, response) in &responses {
        let result = assert_result(response);
        assert_eq!(result["Content"], format!("caller-{n}"), "{result}");
        pids.push(pid_of(&result));
    }
    pids.dedup();
    assert_eq!(pids.len(), 1, "more than one process ran them: {pids:?}");
}

/// Invocations that arrive while a crashed process has not yet been noticed start the next
/// process; they must run there, not be failed as if they had been on the crashed one.
/// (Timing decides whether an invocation lands in that window, so each round staggers its
/// followers over the tens of milliseconds after the crash.)
#[tokio::test]
async fn invocations_arriving_just_after_a_crash_all_complete() {
    let server = start_hosting(|_| {}).await;
    running_pid(&server).await;

    for round in 0..5 {
        let crash = call(
            &server,
            invoke_request(&server, FUNCTION, &json!({"Content": "crash now"}), None),
        );
        let followers = futures_util::future::join_all((0..30u64).map(|n| {
            let request = invoke_request(
                &server,
                FUNCTION,
                &json!({"Content": format!("follower-{n}")}),
                None,
            );
            let server = &server;
            async move {
                tokio::time::sleep(Duration::from_millis(n)).await;
                (n, call(server, request).await)
            }
        }));
        let (crashed, followers) = tokio::join!(crash, followers);

        assert_eq!(
            assert_function_error(&crashed)["errorType"],
            "Runtime.ExitError"
        );
        for (n, response) in &followers {
            assert_eq!(
                response.header("x-amz-function-error"),
                None,
                "round {round}, follower {n} failed: {:?}",
                String::from_utf8_lossy(&response.body)
            );
            assert_eq!(assert_result(response)["Content"], format!("follower-{n}"));
        }
    }
}

// ---------------------------------------------------------------------------------------
// Message review through the hosted function, over WebSocket

/// A room whose messages the hosted `review` reviews, with this fallback.
async fn review_room(client: &Client, fallback: FallbackResult) -> String {
    client
        .create_room()
        .message_review_handler(
            MessageReviewHandler::builder()
                .uri(function_arn())
                .fallback_result(fallback)
                .build(),
        )
        .send()
        .await
        .expect("CreateRoom with a review handler")
        .arn()
        .expect("a room ARN")
        .to_owned()
}

/// A hosting server whose function process is already running, so that no cold start eats
/// into the 200 ms review budget; returns the server and the process's pid.
async fn start_warm() -> (RunningServer, u32) {
    let server = start_hosting(|_| {}).await;
    let pid = running_pid(&server).await;
    (server, pid)
}

#[tokio::test]
async fn hosted_review_allow_delivers_the_message_with_the_functions_attributes() {
    let (server, pid) = start_warm().await;
    let client = client(&server);
    let room = review_room(&client, FallbackResult::Deny).await;
    let mut alice = join(&server, &client, &room, "alice", SEND).await;
    let mut bob = join(&server, &client, &room, "bob", VIEW_ONLY).await;

    ws_send(
        &mut alice,
        &send_message_with_attributes("r1", "hello", json!({"a": "1"})),
    )
    .await;

    for socket in [&mut alice, &mut bob] {
        let message = next_of_type(socket, "MESSAGE").await;
        assert_eq!(message["Content"], "hello", "{message}");
        assert_eq!(
            message["Attributes"],
            json!({"reviewed-by": pid.to_string()}),
            "{message}"
        );
    }
}

#[tokio::test]
async fn hosted_review_rewrite_delivers_uppercase_content_and_the_rewritten_attribute() {
    let (server, _) = start_warm().await;
    let client = client(&server);
    let room = review_room(&client, FallbackResult::Allow).await;
    let mut alice = join(&server, &client, &room, "alice", SEND).await;
    let mut bob = join(&server, &client, &room, "bob", VIEW_ONLY).await;

    ws_send(
        &mut alice,
        &send_message_with_attributes("r1", "rewrite me please", json!({"a": "1"})),
    )
    .await;

    let echo = next_of_type(&mut alice, "MESSAGE").await;
    assert_eq!(echo["RequestId"], "r1");
    for message in [echo, next_of_type(&mut bob, "MESSAGE").await] {
        assert_eq!(message["Content"], "REWRITE ME PLEASE", "{message}");
        assert_eq!(
            message["Attributes"],
            json!({"rewritten": "yes"}),
            "{message}"
        );
    }
}

#[tokio::test]
async fn hosted_review_deny_sends_error_406_with_the_functions_reason() {
    let (server, _) = start_warm().await;
    let client = client(&server);
    let room = review_room(&client, FallbackResult::Allow).await;
    let mut alice = join(&server, &client, &room, "alice", SEND).await;
    let mut bob = join(&server, &client, &room, "bob", VIEW_ONLY).await;

    ws_send(
        &mut alice,
        &send_message_with_attributes("deny-me", "deny this", json!({})),
    )
    .await;

    let error = next_frame(&mut alice).await;
    assert_error(&error, 406, "deny-me");
    let message = error["ErrorMessage"].as_str().unwrap_or_default();
    assert!(message.contains("fixture says no"), "{error}");
    // Bob never saw the denied message: alice's next one is the first thing he gets.
    say(&mut alice, "sentinel", "fine").await;
    assert_next_message_is(&mut bob, "fine").await;
}

/// `content` in a room with fallback ALLOW must be delivered as sent; in one with fallback
/// DENY it must be refused with ERROR 406 and reach nobody.
async fn assert_fallback_applies(server: &RunningServer, content: &str) {
    let client = client(server);
    let allow_room = review_room(&client, FallbackResult::Allow).await;
    let deny_room = review_room(&client, FallbackResult::Deny).await;
    let mut alice = join(server, &client, &allow_room, "alice", SEND).await;
    let mut bob = join(server, &client, &allow_room, "bob", VIEW_ONLY).await;
    let mut carol = join(server, &client, &deny_room, "carol", SEND).await;
    let mut dave = join(server, &client, &deny_room, "dave", VIEW_ONLY).await;

    ws_send(
        &mut alice,
        &send_message_with_attributes("allowed", content, json!({"a": "1"})),
    )
    .await;
    let echo = next_of_type(&mut alice, "MESSAGE").await;
    assert_eq!(echo["RequestId"], "allowed", "{echo}");
    for message in [echo, next_of_type(&mut bob, "MESSAGE").await] {
        assert_eq!(message["Content"], content, "{message}");
        assert_eq!(message["Attributes"], json!({"a": "1"}), "{message}");
    }

    ws_send(
        &mut carol,
        &send_message_with_attributes("denied", content, json!({"a": "1"})),
    )
    .await;
    assert_error(&next_frame(&mut carol).await, 406, "denied");
    client
        .send_event()
        .room_identifier(&deny_room)
        .event_name("sentinel")
        .send()
        .await
        .expect("SendEvent");
    let next = next_frame(&mut dave).await;
    assert_eq!(next["EventName"], "sentinel", "{next}");
}

#[tokio::test]
async fn a_crashing_review_function_lets_the_fallback_decide() {
    let (server, _) = start_warm().await;

    assert_fallback_applies(&server, "crash now").await;
}

#[tokio::test]
async fn review_works_again_after_the_function_crashed() {
    let (server, before) = start_warm().await;
    let client = client(&server);
    let room = review_room(&client, FallbackResult::Allow).await;
    let mut alice = join(&server, &client, &room, "alice", SEND).await;
    let crashed = say(&mut alice, "r1", "crash now").await;
    assert_eq!(crashed["Content"], "crash now", "{crashed}");
    // The next process starts here (its cold start is not the point of this test).
    let after = running_pid(&server).await;
    assert_ne!(after, before);

    let rewritten = say(&mut alice, "r2", "rewrite me").await;

    assert_eq!(rewritten["Content"], "REWRITE ME", "{rewritten}");
}

#[tokio::test]
async fn a_review_function_slower_than_200_ms_lets_the_fallback_decide() {
    let (server, _) = start_warm().await;

    assert_fallback_applies(&server, "sleep 400").await;
}

// ---------------------------------------------------------------------------------------
// The real binary: `serve --function NAME=PATH`

/// The binary with no `IVSCHAT_LOCAL_*` variable inherited from the test's environment.
fn binary() -> Command {
    let mut command = Command::new(BINARY);
    for (name, _) in std::env::vars() {
        if name.starts_with("IVSCHAT_LOCAL_") {
            command.env_remove(name);
        }
    }
    command.kill_on_drop(true);
    command
}

/// Starts `serve` with these extra arguments; returns the child and its address.
async fn serve(args: &[&str]) -> (Child, SocketAddr) {
    let mut child = binary()
        .args(["serve", "--listen", "127.0.0.1:0", "--quotas", "off"])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the binary starts");
    let stdout = child.stdout.take().expect("piped stdout");
    let mut line = String::new();
    tokio::time::timeout(INVOKE_WAIT, BufReader::new(stdout).read_line(&mut line))
        .await
        .expect("serve prints its address")
        .expect("a line on stdout");
    let address = line
        .trim_end()
        .strip_prefix("ivschat-local listening on http://")
        .and_then(|address| address.parse().ok())
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"));
    (child, address)
}

/// What `aws lambda invoke --endpoint-url http://ADDRESS --function-name NAME --payload P`
/// sends: a SigV4-signed (service `lambda`) POST of the payload.
fn lambda_invoke(
    address: SocketAddr,
    function_name: &str,
    payload: &Value,
) -> Request<Full<Bytes>> {
    let path = format!("/2015-03-31/functions/{function_name}/invocations");
    let body = payload.to_string().into_bytes();
    let mut request = Request::builder()
        .method(Method::POST)
        .uri(&path)
        .header("host", address.to_string())
        .header("x-amz-invocation-type", "RequestResponse")
        .header("x-amz-log-type", "None")
        .body(Full::new(Bytes::from(body.clone())))
        .expect("a valid request");
    sign_request(
        &mut request,
        &format!("http://{address}{path}"),
        &body,
        &lambda_signing(),
    );
    request
}

/// Sends one request on a fresh connection to `address` and reads the whole answer.
async fn send_to(address: SocketAddr, request: Request<Full<Bytes>>) -> RawResponse {
    let exchange = async {
        let stream = TcpStream::connect(address)
            .await
            .expect("connects to the server");
        let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .expect("HTTP/1.1 handshake");
        tokio::spawn(async move {
            let _ = connection.await;
        });
        let response = sender
            .send_request(request)
            .await
            .expect("the server answers");
        let (parts, body) = response.into_parts();
        let body = body.collect().await.expect("the whole body").to_bytes();
        RawResponse {
            status: parts.status,
            headers: parts.headers,
            body,
        }
    };
    tokio::time::timeout(INVOKE_WAIT, exchange)
        .await
        .expect("the server answers within the wait")
}

#[tokio::test]
async fn serve_with_a_function_flag_hosts_it_for_aws_lambda_invoke() {
    let function = format!("{FUNCTION}={}", fixture_function().display());
    let (mut child, address) = serve(&["--function", &function]).await;

    let response = send_to(
        address,
        lambda_invoke(address, FUNCTION, &json!({"Content": "from the cli"})),
    )
    .await;

    let result = assert_result(&response);
    assert_eq!(result["ReviewResult"], "ALLOW", "{result}");
    assert_eq!(result["Content"], "from the cli", "{result}");
    child.kill().await.expect("the server stops");
}

#[tokio::test]
async fn serve_refuses_to_start_when_a_function_executable_does_not_exist() {
    let output = tokio::time::timeout(
        INVOKE_WAIT,
        binary()
            .args([
                "serve",
                "--listen",
                "127.0.0.1:0",
                "--function",
                "review=/does/not/exist",
            ])
            .output(),
    )
    .await
    .expect("serve exits on its own")
    .expect("the binary runs");

    assert!(!output.status.success(), "{:?}", output.status);
    assert!(output.stdout.is_empty(), "{:?}", output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("review") && stderr.contains("/does/not/exist"),
        "{stderr}"
    );
}
