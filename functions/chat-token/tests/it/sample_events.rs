//! The sample events of `events/chat-token-*.json`, sent to the hosted function through the
//! Lambda Invoke API (as `cargo lambda invoke --data-file` does), with the room id swapped for
//! a room of the test.

use bytes::Bytes;
use serde_json::Value;
use shared::room_tags;

use crate::stack::{start, FUNCTION};

fn sample(case: &str, room: &str) -> Bytes {
    let path = format!(
        "{}/../../events/chat-token-{case}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    Bytes::from(text.replace("g1H2I3j4k5L6", room))
}

async fn invoke(stack: &crate::stack::Stack, payload: Bytes) -> Value {
    let arn = format!("arn:aws:lambda:us-east-1:123456789012:function:{FUNCTION}");
    let output = stack
        .server
        .function_invoker()
        .invoke(&arn, payload, std::time::Duration::from_secs(30))
        .await
        .expect("the function answers");
    serde_json::from_slice(&output).expect("JSON")
}

#[tokio::test]
async fn the_signed_in_sample_gets_a_token_for_its_user() {
    let stack = start(&[], |_| {}).await;
    let room = stack.room(&[]).await;
    let response = invoke(&stack, sample("user", &room)).await;
    assert_eq!(response["statusCode"], 200, "{response}");
    let body: Value =
        serde_json::from_str(response["body"].as_str().expect("a body")).expect("JSON body");
    assert_eq!(body["userId"], "alice");
    assert_eq!(body["capabilities"], serde_json::json!(["SEND_MESSAGE"]));
}

#[tokio::test]
async fn the_anonymous_sample_gets_a_view_only_token_where_allowed() {
    let stack = start(&[], |_| {}).await;
    let open = stack.room(&[(room_tags::ANONYMOUS_VIEW, "true")]).await;
    let response = invoke(&stack, sample("anonymous", &open)).await;
    assert_eq!(response["statusCode"], 200, "{response}");
    let closed = stack.room(&[]).await;
    let response = invoke(&stack, sample("anonymous", &closed)).await;
    assert_eq!(response["statusCode"], 401, "{response}");
}
