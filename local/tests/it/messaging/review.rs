//! Message review: a room's handler function is invoked through a Lambda Invoke
//! API look-alike with the documented payload; ALLOW delivers the returned content and
//! attributes, DENY refuses the message with ERROR 406 and its reason, and a timeout, a
//! function error, an invalid answer or a missing endpoint let `fallbackResult` decide.

use std::time::Duration;

use aws_sdk_ivschat::types::{FallbackResult, MessageReviewHandler};
use aws_sdk_ivschat::Client;
use ivschat_local::RunningServer;
use serde_json::{json, Value};

use crate::lambda::fake_lambda::{Answer, FakeLambda};
use crate::messaging::support::{
    assert_error, assert_next_message_is, chat_token_with_attributes, connect, join, next_frame,
    next_of_type, say, send, send_message, send_message_with_attributes, SEND, VIEW_ONLY,
};
use crate::support::{assert_id, client, create_room, start, start_with, ACCOUNT, REGION};

const FUNCTION: &str = "chat-review";

/// The room's maximum message length in these tests.
const MAXIMUM_LENGTH: usize = 20;

fn function_arn(name: &str) -> String {
    format!("arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}")
}

/// A room whose messages `FUNCTION` reviews.
async fn review_room(client: &Client, fallback: FallbackResult) -> String {
    client
        .create_room()
        .maximum_message_length(MAXIMUM_LENGTH as i32)
        .message_review_handler(
            MessageReviewHandler::builder()
                .uri(function_arn(FUNCTION))
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

/// A server that invokes functions on `fake`.
async fn start_for(fake: &FakeLambda) -> RunningServer {
    let url = fake.url();
    start_with(move |config| config.lambda_endpoint = Some(url)).await
}

/// ALLOW with the content and attributes the handler was given.
fn allow_unchanged(payload: &Value) -> Answer {
    Answer::Json(json!({
        "ReviewResult": "ALLOW",
        "Content": payload["Content"],
        "Attributes": payload["Attributes"],
    }))
}

/// A valid ALLOW that rewrites the message, so that ignoring a fault would show.
fn allow_rewritten() -> Value {
    json!({"ReviewResult": "ALLOW", "Content": "rewritten", "Attributes": {"rewritten": "yes"}})
}

#[tokio::test]
async fn review_allow_delivers_the_message_unchanged() {
    let fake = FakeLambda::start(allow_unchanged).await;
    let server = start_for(&fake).await;
    let client = client(&server);
    let room = review_room(&client, FallbackResult::Deny).await;
    let mut alice = join(&server, &client, &room, "alice", SEND).await;
    let mut bob = join(&server, &client, &room, "bob", VIEW_ONLY).await;

    send(
        &mut alice,
        &send_message_with_attributes("r1", "hello", json!({"a": "1"})),
    )
    .await;

    for socket in [&mut alice, &mut bob] {
        let message = next_of_type(socket, "MESSAGE").await;
        assert_eq!(message["Content"], "hello");
        assert_eq!(message["Attributes"], json!({"a": "1"}));
    }
    assert_eq!(fake.invocations().len(), 1);
}

#[tokio::test]
async fn review_allow_with_rewritten_content_and_attributes_delivers_the_rewritten_ones() {
    let fake = FakeLambda::start(|_| {
        Answer::Json(json!({
            "ReviewResult": "ALLOW",
            "Content": "h*ck",
            "Attributes": {"filtered": "true"},
        }))
    })
    .await;
    let server = start_for(&fake).await;
    let client = client(&server);
    let room = review_room(&client, FallbackResult::Deny).await;
    let mut alice = join(&server, &client, &room, "alice", SEND).await;
    let mut bob = join(&server, &client, &room, "bob", VIEW_ONLY).await;

    send(
        &mut alice,
        &send_message_with_attributes("r1", "heck", json!({"a": "1"})),
    )
    .await;

    let echo = next_of_type(&mut alice, "MESSAGE").await;
    assert_eq!(echo["RequestId"], "r1");
    for message in [echo, next_of_type(&mut bob, "MESSAGE").await] {
        assert_eq!(message["Content"], "h*ck");
        assert_eq!(message["Attributes"], json!({"filtered": "true"}));
        assert_eq!(message["Sender"]["UserId"], "alice");
    }
}

/// Denies "bad" with a reason and allows everything else unchanged.
fn deny_bad(payload: &Value) -> Answer {
    if payload["Content"] == "bad" {
        Answer::Json(json!({"ReviewResult": "DENY", "Attributes": {"Reason": "profanity"}}))
    } else {
        allow_unchanged(payload)
    }
}

#[tokio::test]
async fn review_deny_sends_error_406_with_the_reason_to_the_sender_and_delivers_nothing() {
    let fake = FakeLambda::start(deny_bad).await;
    let server = start_for(&fake).await;
    let client = client(&server);
    let room = review_room(&client, FallbackResult::Allow).await;
    let mut alice = join(&server, &client, &room, "alice", SEND).await;
    let mut bob = join(&server, &client, &room, "bob", VIEW_ONLY).await;

    send(&mut alice, &send_message("deny-me", "bad")).await;

    let error = next_frame(&mut alice).await;
    assert_error(&error, 406, "deny-me");
    let message = error["ErrorMessage"].as_str().unwrap_or_default();
    assert!(
        message.contains("profanity"),
        "the reason is not in {message:?}"
    );
    // Alice's request is fully handled; her next message is the first thing bob sees.
    say(&mut alice, "sentinel", "fine").await;
    assert_next_message_is(&mut bob, "fine").await;
}

#[tokio::test]
async fn review_deny_without_a_reason_is_still_error_406() {
    let fake = FakeLambda::start(|_| Answer::Json(json!({"ReviewResult": "DENY"}))).await;
    let server = start_for(&fake).await;
    let client = client(&server);
    let room = review_room(&client, FallbackResult::Allow).await;
    let mut alice = join(&server, &client, &room, "alice", SEND).await;

    send(&mut alice, &send_message("deny-me", "anything")).await;

    assert_error(&next_frame(&mut alice).await, 406, "deny-me");
}

/// The messaging reference: an ERROR's `Id` is the failed operation's IVS-generated id when
/// it has one. A reviewed message has one before it is denied: the `MessageId` the handler got.
#[tokio::test]
async fn review_denial_error_id_is_the_message_id_the_handler_was_given() {
    let fake = FakeLambda::start(deny_bad).await;
    let server = start_for(&fake).await;
    let client = client(&server);
    let room = review_room(&client, FallbackResult::Allow).await;
    let mut alice = join(&server, &client, &room, "alice", SEND).await;

    send(&mut alice, &send_message("deny-me", "bad")).await;

    let error = next_frame(&mut alice).await;
    assert_error(&error, 406, "deny-me");
    let invocations = fake.invocations();
    assert_eq!(invocations.len(), 1);
    assert_eq!(error["Id"], invocations[0].payload["MessageId"]);
}

#[tokio::test]
async fn review_handler_receives_the_documented_payload() {
    let fake = FakeLambda::start(allow_unchanged).await;
    let server = start_for(&fake).await;
    let client = client(&server);
    let room = review_room(&client, FallbackResult::Deny).await;
    let token =
        chat_token_with_attributes(&client, &room, "alice", SEND, &[("displayName", "Alice")])
            .await;
    let mut alice = connect(&server, &token).await;

    send(
        &mut alice,
        &send_message_with_attributes("r1", "hello there", json!({"k": "v"})),
    )
    .await;
    let delivered = next_of_type(&mut alice, "MESSAGE").await;

    let invocations = fake.invocations();
    assert_eq!(invocations.len(), 1);
    assert_eq!(invocations[0].function, FUNCTION);
    let payload = &invocations[0].payload;
    let mut keys: Vec<&str> = payload
        .as_object()
        .expect("a JSON object")
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        ["Attributes", "Content", "MessageId", "RoomArn", "Sender"]
    );
    assert_eq!(payload["Content"], "hello there");
    assert_id(payload["MessageId"].as_str().expect("a MessageId"));
    assert_eq!(payload["RoomArn"], room);
    assert_eq!(payload["Attributes"], json!({"k": "v"}));
    assert_eq!(
        payload["Sender"],
        json!({"UserId": "alice", "Attributes": {"displayName": "Alice"}, "Ip": "127.0.0.1"})
    );
    // The delivered message keeps the id the handler saw.
    assert_eq!(delivered["Id"], payload["MessageId"]);
}

#[tokio::test]
async fn rooms_without_a_review_handler_do_not_invoke_any_function() {
    let fake = FakeLambda::start(|_| Answer::Json(json!({"ReviewResult": "DENY"}))).await;
    let server = start_for(&fake).await;
    let client = client(&server);
    let room = create_room(&client).await;
    let mut alice = join(&server, &client, &room, "alice", SEND).await;

    say(&mut alice, "r1", "unreviewed").await;

    assert!(fake.invocations().is_empty());
}

/// Sends a message to a room with fallback ALLOW, which must be delivered as sent, and to
/// one with fallback DENY, which must be refused with ERROR 406.
async fn assert_fallback_applies(server: &RunningServer) {
    let client = client(server);
    let allow_room = review_room(&client, FallbackResult::Allow).await;
    let deny_room = review_room(&client, FallbackResult::Deny).await;
    let mut alice = join(server, &client, &allow_room, "alice", SEND).await;
    let mut bob = join(server, &client, &allow_room, "bob", VIEW_ONLY).await;
    let mut carol = join(server, &client, &deny_room, "carol", SEND).await;
    let mut dave = join(server, &client, &deny_room, "dave", VIEW_ONLY).await;

    send(
        &mut alice,
        &send_message_with_attributes("allowed", "original", json!({"a": "1"})),
    )
    .await;
    let echo = next_of_type(&mut alice, "MESSAGE").await;
    assert_eq!(echo["RequestId"], "allowed");
    for message in [echo, next_of_type(&mut bob, "MESSAGE").await] {
        assert_eq!(message["Content"], "original", "{message}");
        assert_eq!(message["Attributes"], json!({"a": "1"}), "{message}");
    }

    send(&mut carol, &send_message("denied", "original")).await;
    assert_error(&next_frame(&mut carol).await, 406, "denied");
    // Every message in this room is denied, so an event is dave's sentinel.
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
async fn review_timeout_applies_the_fallback() {
    // Well past the fixed 200 ms review timeout.
    let fake =
        FakeLambda::start(|_| Answer::After(Duration::from_millis(400), allow_rewritten())).await;
    let server = start_for(&fake).await;

    assert_fallback_applies(&server).await;

    assert_eq!(fake.invocations().len(), 2);
}

#[tokio::test]
async fn review_function_error_applies_the_fallback() {
    let fake = FakeLambda::start(|_| Answer::FunctionError(allow_rewritten())).await;
    let server = start_for(&fake).await;

    assert_fallback_applies(&server).await;

    assert_eq!(fake.invocations().len(), 2);
}

#[tokio::test]
async fn review_answer_that_is_not_json_applies_the_fallback() {
    let fake = FakeLambda::start(|_| Answer::Raw("ALLOW, I guess")).await;
    let server = start_for(&fake).await;

    assert_fallback_applies(&server).await;

    assert_eq!(fake.invocations().len(), 2);
}

#[tokio::test]
async fn review_result_other_than_allow_or_deny_applies_the_fallback() {
    let fake = FakeLambda::start(|_| {
        Answer::Json(json!({"ReviewResult": "MAYBE", "Content": "rewritten"}))
    })
    .await;
    let server = start_for(&fake).await;

    assert_fallback_applies(&server).await;

    assert_eq!(fake.invocations().len(), 2);
}

#[tokio::test]
async fn review_allow_without_content_applies_the_fallback() {
    let fake = FakeLambda::start(|_| {
        Answer::Json(json!({"ReviewResult": "ALLOW", "Attributes": {"rewritten": "yes"}}))
    })
    .await;
    let server = start_for(&fake).await;

    assert_fallback_applies(&server).await;

    assert_eq!(fake.invocations().len(), 2);
}

#[tokio::test]
async fn review_allow_with_content_over_the_room_maximum_length_applies_the_fallback() {
    let fake = FakeLambda::start(|_| {
        Answer::Json(json!({
            "ReviewResult": "ALLOW",
            "Content": "é".repeat(MAXIMUM_LENGTH + 1),
        }))
    })
    .await;
    let server = start_for(&fake).await;

    assert_fallback_applies(&server).await;

    assert_eq!(fake.invocations().len(), 2);
}

#[tokio::test]
async fn review_allow_with_content_of_exactly_the_room_maximum_length_is_delivered() {
    let fake = FakeLambda::start(|_| {
        Answer::Json(json!({"ReviewResult": "ALLOW", "Content": "é".repeat(MAXIMUM_LENGTH)}))
    })
    .await;
    let server = start_for(&fake).await;
    let client = client(&server);
    let room = review_room(&client, FallbackResult::Deny).await;
    let mut alice = join(&server, &client, &room, "alice", SEND).await;

    let echo = say(&mut alice, "r1", "short").await;

    assert_eq!(echo["Content"], "é".repeat(MAXIMUM_LENGTH));
}

#[tokio::test]
async fn review_without_a_lambda_endpoint_applies_the_fallback() {
    let server = start().await;

    assert_fallback_applies(&server).await;
}
