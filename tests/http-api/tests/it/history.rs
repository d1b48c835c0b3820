//! Chat history end to end, the AWS way: messages sent over WebSocket are logged by the local
//! IVS Chat service to the template's CloudWatch Logs group, its subscription invokes the
//! chat-history-writer function with the `awslogs` event, and the history routes read them
//! back through the HTTP API.

use std::time::Duration;

use bytes::Bytes;
use serde_json::{json, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::stack::{next_of, repository, say, start, start_with, Stack, WAIT};

/// Polls the latest history of `room` as `jwt` until `done` holds (the chat log reaches the
/// history within the subscription's delivery interval); answers the last body.
pub(crate) async fn history_until(
    stack: &Stack,
    room: &str,
    jwt: &str,
    done: impl Fn(&[Value]) -> bool,
) -> Vec<Value> {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let body = stack
            .call("GET", &format!("/rooms/{room}/history"), Some(jwt), "")
            .await
            .expect(200)
            .json();
        let messages = body["messages"].as_array().cloned().unwrap_or_default();
        if done(&messages) {
            return messages;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "history never got there: {body}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn contents(messages: &[Value]) -> Vec<&str> {
    messages
        .iter()
        .map(|m| m["content"].as_str().unwrap_or_default())
        .collect()
}

#[tokio::test]
async fn sent_messages_reach_the_history_masked_in_order_without_denied_or_deleted_ones() {
    let stack = start(|serve| serve.log_subscription_interval_ms = 50).await;
    // A room made through the admin API gets the stack's logging configuration and reviewer.
    let room = stack.room(json!({ "name": "history" })).await;
    let alice = stack.jwt("alice", &[]);
    let mut socket = stack.join(&room, "alice", &[]).await;
    let mut sent = Vec::new();
    for content in [
        "first",
        "second",
        "this lag is sh1t, again",
        "🎉🔥😂👏💯🙌😎🤣👍😍🥳🤩😱🚀🎮",
        "last",
    ] {
        say(&mut socket, content).await;
        let frame = if content.starts_with('🎉') {
            next_of(&mut socket, "ERROR").await
        } else {
            next_of(&mut socket, "MESSAGE").await
        };
        sent.push(frame);
    }
    assert_eq!(
        sent[3]["ErrorCode"], 406,
        "the review denies it: {}",
        sent[3]
    );
    let masked = sent[2]["Content"].as_str().expect("content").to_owned();
    assert_ne!(masked, "this lag is sh1t, again", "the review masks it");
    let second_id = sent[1]["Id"].as_str().expect("id").to_owned();
    stack
        .call(
            "DELETE",
            &format!("/rooms/{room}/messages/{second_id}?reason=spam"),
            Some(&stack.moderator()),
            "",
        )
        .await
        .expect(200);

    let history = history_until(&stack, &room, &alice, |m| {
        contents(m).last() == Some(&"last") && !contents(m).contains(&"second")
    })
    .await;
    assert_eq!(contents(&history), ["first", masked.as_str(), "last"]);
    // The chat SDK's message shape, with the ids live clients saw.
    let first = &history[0];
    assert_eq!(first["id"], sent[0]["Id"]);
    assert_eq!(first["sendTime"], sent[0]["SendTime"]);
    assert_eq!(first["sender"]["userId"], "alice");
    assert_eq!(
        first["sender"]["attributes"],
        sent[0]["Sender"]["Attributes"]
    );
    assert_eq!(first["attributes"], json!({}));

    // Replay: a time range in pages of two, then the limit of "latest".
    let from = sent[0]["SendTime"].as_str().expect("time");
    let mut replayed = Vec::new();
    let mut next: Option<String> = None;
    for _ in 0..5 {
        let mut path = format!("/rooms/{room}/history?from={from}&limit=2");
        if let Some(token) = &next {
            path.push_str(&format!("&nextToken={token}"));
        }
        let page = stack
            .call("GET", &path, Some(&alice), "")
            .await
            .expect(200)
            .json();
        let messages = page["messages"].as_array().cloned().unwrap_or_default();
        assert!(messages.len() <= 2, "{page}");
        replayed.extend(messages);
        match page["nextToken"].as_str() {
            Some(token) => next = Some(token.to_owned()),
            None => break,
        }
    }
    assert_eq!(contents(&replayed), contents(&history));
    let one = stack
        .call(
            "GET",
            &format!("/rooms/{room}/history?limit=1"),
            Some(&alice),
            "",
        )
        .await
        .expect(200)
        .json();
    assert_eq!(
        contents(one["messages"].as_array().expect("messages")),
        ["last"]
    );
    let before = OffsetDateTime::parse(from, &Rfc3339).expect("time") - time::Duration::hours(1);
    let empty = stack
        .call(
            "GET",
            &format!(
                "/rooms/{room}/history?from={}&to={}",
                before.format(&Rfc3339).expect("time"),
                (before + time::Duration::minutes(1))
                    .format(&Rfc3339)
                    .expect("time")
            ),
            Some(&alice),
            "",
        )
        .await
        .expect(200)
        .json();
    assert_eq!(empty["messages"], json!([]));
    assert!(empty.get("nextToken").is_none(), "{empty}");
}

#[tokio::test]
async fn reading_history_is_allowed_where_joining_is() {
    let stack = start(|serve| serve.log_subscription_interval_ms = 50).await;
    let open = stack.room(json!({ "anonymousView": true })).await;
    let closed = stack
        .room(json!({ "access": "members", "memberGroups": ["vip"] }))
        .await;
    let mut socket = stack.join(&open, "troll", &[]).await;
    say(&mut socket, "visible until banned").await;
    next_of(&mut socket, "MESSAGE").await;
    let reader = stack.jwt("reader", &[]);
    history_until(&stack, &open, &reader, |m| m.len() == 1).await;

    // Anonymous viewers where the room allows view-only, and only there.
    let anonymous = stack
        .call("GET", &format!("/rooms/{open}/viewer-history"), None, "")
        .await
        .expect(200)
        .json();
    assert_eq!(
        contents(anonymous["messages"].as_array().expect("messages")),
        ["visible until banned"]
    );
    stack
        .call("GET", &format!("/rooms/{closed}/viewer-history"), None, "")
        .await
        .expect_error(401, "sign_in_required", None);
    stack
        .call("GET", &format!("/rooms/{open}/history"), None, "")
        .await
        .expect(401);
    // Members-only rooms: members and moderators.
    stack
        .call(
            "GET",
            &format!("/rooms/{closed}/history"),
            Some(&reader),
            "",
        )
        .await
        .expect_error(403, "forbidden", None);
    stack
        .call(
            "GET",
            &format!("/rooms/{closed}/history"),
            Some(&stack.jwt("v", &["vip"])),
            "",
        )
        .await
        .expect(200);
    stack
        .call(
            "GET",
            &format!("/rooms/{closed}/history"),
            Some(&stack.moderator()),
            "",
        )
        .await
        .expect(200);

    // A banned user reads nothing, and nobody reads what the banned user sent.
    let ban = json!({ "reason": "spam" }).to_string();
    stack
        .call(
            "PUT",
            &format!("/rooms/{open}/bans/troll"),
            Some(&stack.moderator()),
            &ban,
        )
        .await
        .expect(200);
    stack
        .call(
            "GET",
            &format!("/rooms/{open}/history"),
            Some(&stack.jwt("troll", &[])),
            "",
        )
        .await
        .expect_error(403, "banned", None);
    let after = stack
        .call("GET", &format!("/rooms/{open}/history"), Some(&reader), "")
        .await
        .expect(200)
        .json();
    assert_eq!(after["messages"], json!([]), "{after}");

    // Bad input names its field; unknown rooms are 404.
    for (query, field) in [
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("from=yesterday", "from"),
        ("nextToken=abc", "from"),
        ("from=2026-01-01T00:00:00Z&nextToken=abc", "nextToken"),
        ("from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z", "to"),
    ] {
        stack
            .call(
                "GET",
                &format!("/rooms/{open}/history?{query}"),
                Some(&reader),
                "",
            )
            .await
            .expect_error(400, "invalid_request", Some(field));
    }
    stack
        .call("GET", "/rooms/nOsUcHrOoM12/history", Some(&reader), "")
        .await
        .expect_error(404, "room_not_found", None);
}

#[tokio::test]
async fn the_writer_sample_counts_bad_records_and_a_replayed_batch_stores_nothing_twice() {
    // The sample's messages were sent on 2026-11-26: keep them for ten years, so the test
    // does not age.
    let stack = start_with(|_| {}, &[("ChatHistoryRetentionDays", "3650")]).await;
    let path = repository().join("events/chat-history-writer-batch.json");
    let sample = std::fs::read(&path).expect("the sample event");
    let arn = "arn:aws:lambda:us-east-1:123456789012:function:chat-history-writer";
    let mut summaries = Vec::new();
    for _ in 0..2 {
        let output = stack
            .stack
            .server
            .function_invoker()
            .invoke(arn, Bytes::from(sample.clone()), Duration::from_secs(30))
            .await
            .expect("the writer answers");
        summaries.push(serde_json::from_slice::<Value>(&output).expect("a JSON summary"));
    }
    for summary in &summaries {
        assert_eq!(summary["logEvents"], 5, "{summary}");
        assert_eq!(summary["messagesStored"], 2, "{summary}");
        assert_eq!(summary["deletions"], 1, "{summary}");
        assert_eq!(summary["alreadyDeleted"], 1, "{summary}");
        assert_eq!(summary["badRecords"], 1, "{summary}");
    }
    // The sample's room does not exist here, so read its table directly.
    let mut settings = shared::ivs_client::EndpointSettings::local(stack.stack.moto.endpoint());
    settings.region = stack.stack.region.clone();
    let dynamo = shared::bans::client_for_endpoint(&settings);
    let store = shared::history::HistoryStore::new(dynamo, "ChatHistoryTable");
    let latest = store
        .latest("g1H2I3j4k5L6", 100, OffsetDateTime::now_utc())
        .await
        .expect("reads");
    let ids: Vec<&str> = latest.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(
        ids,
        ["Xk2aB9cD3eF4", "Yq7wE1rT5yU6"],
        "stored once, the deleted one gone"
    );
}
