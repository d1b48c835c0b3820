//! The sample events of the API functions (`events/admin-api-*.json`, `moderation-api-*.json`,
//! `chat-history-*.json`; the writer's batch is used in `history.rs`), sent to the
//! hosted functions through the Lambda Invoke API (as `cargo lambda invoke --data-file` does),
//! with the sample room id swapped for a room of the test.

use bytes::Bytes;
use serde_json::{json, Value};
use shared::room_tags;

use crate::stack::{repository, start, Stack};

const SAMPLE_ROOM: &str = "g1H2I3j4k5L6";

fn sample(name: &str, room: &str) -> Bytes {
    let path = repository().join("events").join(format!("{name}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    Bytes::from(text.replace(SAMPLE_ROOM, room))
}

/// Invokes `function` with `payload`; answers the API Gateway response's status and body.
async fn invoke(stack: &Stack, function: &str, payload: Bytes) -> (u64, Value) {
    let arn = format!("arn:aws:lambda:us-east-1:123456789012:function:{function}");
    let output = stack
        .stack
        .server
        .function_invoker()
        .invoke(&arn, payload, std::time::Duration::from_secs(30))
        .await
        .expect("the function answers");
    let response: Value = serde_json::from_slice(&output).expect("JSON");
    let body = response["body"]
        .as_str()
        .map(|text| serde_json::from_str(text).expect("a JSON body"))
        .unwrap_or(Value::Null);
    (response["statusCode"].as_u64().unwrap_or_default(), body)
}

#[tokio::test]
async fn the_create_room_sample_creates_a_managed_reviewed_room() {
    let stack = start(|_| {}).await;
    let (status, room) = invoke(&stack, "admin-api", sample("admin-api-create-room", "")).await;
    assert_eq!(status, 201, "{room}");
    assert_eq!(room["name"], "launch-party");
    assert_eq!(room["tags"][room_tags::MANAGED_BY], "ivschat-local");
    assert_eq!(room["tags"][room_tags::ANONYMOUS_VIEW], "true");
    assert!(room["messageReviewHandler"]["uri"].is_string(), "{room}");
}

#[tokio::test]
async fn the_ban_sample_bans_its_user_from_the_room() {
    let stack = start(|_| {}).await;
    let room = stack.room(json!({})).await;
    let (status, ban) = invoke(
        &stack,
        "moderation-api",
        sample("moderation-api-ban-user", &room),
    )
    .await;
    assert_eq!(status, 200, "{ban}");
    assert_eq!(ban["userId"], "troll");
    assert_eq!(ban["roomId"], room.as_str());
    assert_eq!(ban["bannedBy"], "mod-dave");
    let listed = stack
        .call(
            "GET",
            &format!("/rooms/{room}/bans"),
            Some(&stack.moderator()),
            "",
        )
        .await
        .expect(200)
        .json();
    assert_eq!(listed["items"][0]["userId"], "troll", "{listed}");
}

#[tokio::test]
async fn the_history_sample_reads_a_rooms_latest_messages() {
    let stack = start(|_| {}).await;
    let room = stack.room(json!({})).await;
    let (status, history) =
        invoke(&stack, "chat-history", sample("chat-history-latest", &room)).await;
    assert_eq!(status, 200, "{history}");
    assert_eq!(history["roomId"], room.as_str());
    assert_eq!(history["messages"], json!([]), "a new room has no history");
}
