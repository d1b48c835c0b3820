//! Size limits on what a chat client sends: SEND_MESSAGE attributes over 1 KB (keys and
//! values, in UTF-8 bytes) get ERROR 413 and are neither delivered nor reviewed, and a
//! WebSocket message over the server's maximum closes the connection cleanly with 1009
//! (Message Too Big) and a reason.

use serde_json::{json, Value};

use crate::lambda::fake_lambda::{Answer, FakeLambda};
use crate::messaging::support::{
    assert_error, assert_next_message_is, join, next_close, next_frame, say, send,
    send_message_with_attributes, send_text, SEND, VIEW_ONLY,
};
use crate::support::{client, create_room, start, start_with, ACCOUNT, REGION};
use aws_sdk_ivschat::types::{FallbackResult, MessageReviewHandler};

/// Attributes of exactly `bytes` bytes in all: one key `k` and a value of `bytes - 1` `x`.
fn attributes_of(bytes: usize) -> Value {
    json!({ "k": "x".repeat(bytes - 1) })
}

#[tokio::test]
async fn attributes_over_1_kb_get_error_413_and_are_not_delivered() {
    let server = start().await;
    let client = client(&server);
    let room = create_room(&client).await;
    let mut alice = join(&server, &client, &room, "alice", SEND).await;
    let mut bob = join(&server, &client, &room, "bob", VIEW_ONLY).await;

    send(
        &mut alice,
        &send_message_with_attributes("big", "hello", attributes_of(1025)),
    )
    .await;

    let error = next_frame(&mut alice).await;
    assert_error(&error, 413, "big");
    assert!(
        error["ErrorMessage"]
            .as_str()
            .is_some_and(|m| m.contains("1024")),
        "the message does not state the limit: {error}"
    );
    // Multi-byte characters count by their UTF-8 bytes: 342 × 3 = 1026 bytes.
    send(
        &mut alice,
        &send_message_with_attributes("wide", "hello", json!({ "€": "€".repeat(341) })),
    )
    .await;
    assert_error(&next_frame(&mut alice).await, 413, "wide");

    // Exactly 1 KB is fine, and it is the first thing bob sees.
    send(
        &mut alice,
        &send_message_with_attributes("fits", "fits", attributes_of(1024)),
    )
    .await;
    assert_next_message_is(&mut bob, "fits").await;
}

#[tokio::test]
async fn attributes_over_1_kb_are_not_sent_to_review() {
    let fake = FakeLambda::start(|payload| {
        Answer::Json(json!({"ReviewResult": "ALLOW", "Content": payload["Content"]}))
    })
    .await;
    let url = fake.url();
    let server = start_with(move |config| config.lambda_endpoint = Some(url)).await;
    let client = client(&server);
    let room = client
        .create_room()
        .message_review_handler(
            MessageReviewHandler::builder()
                .uri(format!("arn:aws:lambda:{REGION}:{ACCOUNT}:function:review"))
                .fallback_result(FallbackResult::Allow)
                .build(),
        )
        .send()
        .await
        .expect("CreateRoom with a review handler")
        .arn()
        .expect("a room ARN")
        .to_owned();
    let mut alice = join(&server, &client, &room, "alice", SEND).await;

    send(
        &mut alice,
        &send_message_with_attributes("big", "hello", attributes_of(2048)),
    )
    .await;
    assert_error(&next_frame(&mut alice).await, 413, "big");
    say(&mut alice, "small", "after").await;

    let reviewed: Vec<Value> = fake
        .invocations()
        .into_iter()
        .map(|invocation| invocation.payload["Content"].clone())
        .collect();
    assert_eq!(reviewed, [json!("after")]);
}

#[tokio::test]
async fn a_message_over_the_maximum_size_closes_the_connection_with_1009() {
    let server = start_with(|config| config.max_chat_frame_bytes = 4096).await;
    let client = client(&server);
    let room = create_room(&client).await;
    let mut alice = join(&server, &client, &room, "alice", SEND).await;
    let mut bob = join(&server, &client, &room, "bob", VIEW_ONLY).await;
    // Proves the connection worked before.
    say(&mut alice, "r0", "before").await;
    assert_next_message_is(&mut bob, "before").await;

    let huge = send_message_with_attributes("r1", "hi", json!({ "k": "x".repeat(8192) }));
    send_text(&mut alice, &huge.to_string()).await;

    let (code, reason) = next_close(&mut alice).await;
    assert_eq!(code, 1009, "reason {reason:?}");
    assert!(
        reason.to_lowercase().contains("too big"),
        "the reason does not say why: {reason:?}"
    );
    // The room carries on without it.
    let mut carol = join(&server, &client, &room, "carol", SEND).await;
    say(&mut carol, "r2", "still here").await;
    assert_next_message_is(&mut bob, "still here").await;
}

#[tokio::test]
async fn the_default_maximum_admits_the_largest_valid_message() {
    let server = start().await;
    let client = client(&server);
    let room = create_room(&client).await;
    let mut alice = join(&server, &client, &room, "alice", SEND).await;

    // 500 four-byte code points and 1 KB of attributes, every character escaped as JSON
    // allows: about 8 KB on the wire.
    let content = "😀".repeat(500);
    let escaped: String = content
        .encode_utf16()
        .map(|unit| format!("\\u{unit:04x}"))
        .collect();
    let value = "x".repeat(1023);
    let frame = format!(
        r#"{{"Action":"SEND_MESSAGE","RequestId":"max","Content":"{escaped}","Attributes":{{"k":"{value}"}}}}"#
    );
    send_text(&mut alice, &frame).await;

    let echo = next_frame(&mut alice).await;
    assert_eq!(echo["Type"], "MESSAGE", "{echo}");
    assert_eq!(echo["Content"], content.as_str());
}
