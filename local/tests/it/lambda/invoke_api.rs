//! The Lambda Invoke API's gatekeeping, over raw HTTP/1.1 to the real server hosting the
//! fixture function: SigV4 (service `lambda`, the service's key pair) is required as in
//! Lambda, with Lambda's 403 error shapes, unless signatures are not verified; a payload that
//! is not JSON is refused with 400 `InvalidRequestContentException`, and an empty one reaches
//! the function as `{}`. The service's own calls to `--lambda-endpoint` are signed, so a
//! second local service that verifies signatures accepts them.

use aws_sdk_ivschat::types::{FallbackResult, MessageReviewHandler};
use bytes::Bytes;
use http::{Method, StatusCode};
use http_body_util::Full;
use ivschat_local::RunningServer;
use serde_json::json;

use crate::lambda::hosted_functions::{
    assert_result, call, function_arn, invoke_request, lambda_signing, start_hosting, FUNCTION,
};
use crate::messaging::support::{assert_error, join, next_frame, send, send_message, SEND};
use crate::support::{client, signed_as, start_with, unsigned, RawResponse, Signing};

const PATH: &str = "/2015-03-31/functions/review/invocations";

/// An Invoke API request with this raw body, signed as `signing` says.
fn raw_invoke(
    server: &RunningServer,
    body: &[u8],
    signing: &Signing,
) -> http::Request<Full<Bytes>> {
    signed_as(server, Method::POST, PATH, body, signing)
}

/// Asserts an error as AWS answers it on the Invoke API: status, `x-amzn-ErrorType`, a
/// request id and a JSON `message`; and that no function ran (no executed version).
#[track_caller]
fn assert_refused(response: &RawResponse, status: u16, error_type: &str) {
    response.assert_error(status, error_type);
    assert_eq!(
        response.header("x-amz-executed-version"),
        None,
        "the function ran: {:?}",
        String::from_utf8_lossy(&response.body)
    );
}

#[tokio::test]
async fn an_unsigned_invoke_is_refused_with_missing_authentication_token() {
    let server = start_hosting(|_| {}).await;

    let response = call(
        &server,
        unsigned(&server, Method::POST, PATH, br#"{"Content":"hello"}"#),
    )
    .await;

    assert_refused(&response, 403, "MissingAuthenticationTokenException");
}

#[tokio::test]
async fn invokes_signed_with_a_wrong_key_secret_or_service_are_refused() {
    let server = start_hosting(|_| {}).await;
    let body = br#"{"Content":"hello"}"#;
    let cases = [
        (
            Signing {
                access_key_id: "someone-else".into(),
                ..lambda_signing()
            },
            "UnrecognizedClientException",
        ),
        (
            Signing {
                secret_access_key: "not-the-secret".into(),
                ..lambda_signing()
            },
            "InvalidSignatureException",
        ),
        (
            Signing {
                service: "ivschat",
                ..lambda_signing()
            },
            "InvalidSignatureException",
        ),
    ];
    for (signing, error_type) in cases {
        let response = call(&server, raw_invoke(&server, body, &signing)).await;
        assert_refused(&response, 403, error_type);
    }

    // A signature does not carry over to another body.
    let mut tampered = raw_invoke(&server, body, &lambda_signing());
    *tampered.body_mut() = Full::new(Bytes::from_static(br#"{"Content":"deny"}"#));
    let response = call(&server, tampered).await;
    assert_refused(&response, 403, "InvalidSignatureException");
}

#[tokio::test]
async fn a_signed_invoke_runs_the_function() {
    let server = start_hosting(|_| {}).await;

    let response = call(
        &server,
        invoke_request(&server, FUNCTION, &json!({"Content": "rewrite me"}), None),
    )
    .await;

    let answer = assert_result(&response);
    assert_eq!(answer["ReviewResult"], "ALLOW", "{answer}");
    assert_eq!(answer["Content"], "REWRITE ME", "{answer}");
}

#[tokio::test]
async fn without_signature_verification_an_unsigned_invoke_runs_the_function() {
    let server = start_hosting(|config| config.no_verify_signatures = true).await;

    let response = call(
        &server,
        unsigned(&server, Method::POST, PATH, br#"{"Content":"rewrite me"}"#),
    )
    .await;

    assert_eq!(assert_result(&response)["Content"], "REWRITE ME");
}

#[tokio::test]
async fn an_invoke_whose_payload_is_not_json_gets_invalid_request_content() {
    let server = start_hosting(|_| {}).await;

    for body in [&b"not json"[..], b"{\"Content\":", b"   "] {
        let response = call(&server, raw_invoke(&server, body, &lambda_signing())).await;
        let error = response.json();
        assert_refused(&response, 400, "InvalidRequestContentException");
        assert_eq!(error["Type"], "User", "{error}");
    }
}

#[tokio::test]
async fn an_empty_payload_reaches_the_function_as_an_empty_object() {
    let server = start_hosting(|_| {}).await;

    let response = call(&server, raw_invoke(&server, b"", &lambda_signing())).await;

    // The fixture answers an event without Content by allowing empty content; an empty
    // payload handed on as such would fail to deserialise in the runtime instead.
    let answer = assert_result(&response);
    assert_eq!(answer["ReviewResult"], "ALLOW", "{answer}");
    assert_eq!(answer["Content"], "", "{answer}");
}

/// A server whose review handlers live on `functions`' Invoke API, and a room there that
/// `review` on it reviews, falling back to ALLOW.
async fn reviewing_through(functions: &RunningServer) -> (RunningServer, String) {
    let endpoint = functions.endpoint_url();
    let server = start_with(move |config| config.lambda_endpoint = Some(endpoint)).await;
    let room = client(&server)
        .create_room()
        .message_review_handler(
            MessageReviewHandler::builder()
                .uri(function_arn())
                .fallback_result(FallbackResult::Allow)
                .build(),
        )
        .send()
        .await
        .expect("CreateRoom with a review handler")
        .arn()
        .expect("a room ARN")
        .to_owned();
    (server, room)
}

#[tokio::test]
async fn review_handlers_on_a_lambda_endpoint_are_invoked_with_a_valid_signature() {
    let functions = start_hosting(|_| {}).await;
    let (server, room) = reviewing_through(&functions).await;
    let mut alice = join(&server, &client(&server), &room, "alice", SEND).await;

    send(&mut alice, &send_message("r1", "deny this")).await;

    // Only the function can deny: the fallback would have allowed the message.
    assert_error(&next_frame(&mut alice).await, 406, "r1");
}

#[tokio::test]
async fn a_lambda_endpoint_with_other_keys_refuses_the_services_invocations() {
    let functions = start_hosting(|config| config.secret_access_key = "other-secret".into()).await;
    let (server, room) = reviewing_through(&functions).await;
    let mut alice = join(&server, &client(&server), &room, "alice", SEND).await;

    send(&mut alice, &send_message("r1", "deny this")).await;

    // The endpoint refused the call (403), so the room's fallback (ALLOW) decided.
    let frame = next_frame(&mut alice).await;
    assert_eq!(frame["Type"], "MESSAGE", "{frame}");
    assert_eq!(frame["Content"], "deny this", "{frame}");
}

#[tokio::test]
async fn an_unsigned_invoke_is_refused_before_the_function_is_looked_up() {
    let server = start_hosting(|_| {}).await;

    let response = call(
        &server,
        unsigned(
            &server,
            Method::POST,
            "/2015-03-31/functions/no-such-function/invocations",
            b"{}",
        ),
    )
    .await;

    assert_refused(&response, 403, "MissingAuthenticationTokenException");
    assert_ne!(response.status, StatusCode::NOT_FOUND);
}
