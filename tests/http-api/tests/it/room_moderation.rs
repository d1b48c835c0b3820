//! Live room moderation end to end: moderators read and replace a room's settings through the
//! HTTP API (validated, versioned, plain users refused), and message review applies them.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use ivschat_testkit::chat;
use serde_json::{json, Value};

use crate::stack::{say, start, until_closed, Socket, Stack};

#[tokio::test]
async fn moderators_read_and_replace_a_rooms_settings_with_versions() {
    let stack = start(|_| {}).await;
    let moderator = stack.moderator();
    let room = stack.room(json!({ "messageReviewHandler": null })).await;
    let path = format!("/rooms/{room}/moderation");

    let fresh = stack
        .call("GET", &path, Some(&moderator), "")
        .await
        .expect(200)
        .json();
    assert_eq!(fresh["roomId"], room.as_str());
    assert_eq!(fresh["version"], 0);
    assert_eq!(fresh["blockedTerms"], json!([]));
    assert!(
        fresh["updatedAt"].is_null() && fresh["updatedBy"].is_null(),
        "{fresh}"
    );

    let document = json!({
        "blockedTerms": [{"term": "spoiler", "action": "hold"}, {"term": "rosebud", "action": "deny"}],
        "allowedTerms": ["grape"],
        "links": "mask",
        "slowModeSeconds": 5,
        "strikes": {"limit": 3, "windowMinutes": 10, "timeoutMinutes": 5},
        "categories": {"sexual": 3},
        "version": 0
    });
    let saved = stack
        .call("PUT", &path, Some(&moderator), &document.to_string())
        .await
        .expect(200)
        .json();
    assert_eq!(saved["version"], 1);
    assert_eq!(saved["updatedBy"], "mod");
    assert!(saved["updatedAt"].is_string());
    assert_eq!(saved["blockedTerms"][0]["action"], "hold");
    assert_eq!(saved["heldMessageMinutes"], 60);
    assert_eq!(saved["categories"]["sexual"], 3);

    let read = stack
        .call("GET", &path, Some(&stack.admin()), "")
        .await
        .expect(200)
        .json();
    assert_eq!(read, saved);

    // A second edit of version 0 lost the race: 409, nothing overwritten.
    stack
        .call("PUT", &path, Some(&stack.admin()), &document.to_string())
        .await
        .expect_error(409, "conflict", None);
    // Without a version the last writer wins.
    let last = stack
        .call(
            "PUT",
            &path,
            Some(&stack.admin()),
            r#"{"slowModeSeconds": 0}"#,
        )
        .await
        .expect(200)
        .json();
    assert_eq!(last["version"], 2);
    assert_eq!(last["updatedBy"], "root");
    assert_eq!(last["blockedTerms"], json!([]));
}

#[tokio::test]
async fn bad_documents_name_the_field_and_plain_users_are_refused() {
    let stack = start(|_| {}).await;
    let moderator = stack.moderator();
    let room = stack.room(json!({ "messageReviewHandler": null })).await;
    let path = format!("/rooms/{room}/moderation");

    for (body, field) in [
        (r#"{"slowModeSeconds": 121}"#, "slowModeSeconds"),
        (
            r#"{"blockedTerms": [{"term": "", "action": "mask"}]}"#,
            "blockedTerms[0].term",
        ),
        (
            r#"{"blockedTerms": [{"term": "x", "action": "shadowban"}]}"#,
            "blockedTerms[0].action",
        ),
        (r#"{"links": "sometimes"}"#, "links"),
        (r#"{"blockedTerms": [{"term": "f*ck", "action": "deny"}]}"#, "blockedTerms[0].term"),
        (r#"{"allowedTerms": ["!"]}"#, "allowedTerms[0]"),
        (
            r#"{"strikes": {"limit": 0, "windowMinutes": 1, "timeoutMinutes": 1}}"#,
            "strikes.limit",
        ),
        (
            r#"{"categories": {"hostility": 9}}"#,
            "categories.hostility",
        ),
        (r#"{"slowmode": 3}"#, "slowmode"),
    ] {
        stack
            .call("PUT", &path, Some(&moderator), body)
            .await
            .expect_error(400, "invalid_request", Some(field));
    }
    // 1,000 terms fit; the 1,001st does not.
    let terms: Vec<_> = (0..1000)
        .map(|i| json!({"term": format!("term number {i}"), "action": "mask"}))
        .collect();
    stack
        .call(
            "PUT",
            &path,
            Some(&moderator),
            &json!({ "blockedTerms": terms }).to_string(),
        )
        .await
        .expect(200);
    let mut too_many = terms.clone();
    too_many.push(json!({"term": "one more", "action": "mask"}));
    stack
        .call(
            "PUT",
            &path,
            Some(&moderator),
            &json!({ "blockedTerms": too_many }).to_string(),
        )
        .await
        .expect_error(400, "invalid_request", Some("blockedTerms"));

    let user = stack.jwt("alice", &[]);
    stack
        .call("GET", &path, Some(&user), "")
        .await
        .expect_error(403, "forbidden", None);
    stack
        .call("PUT", &path, Some(&user), r#"{"slowModeSeconds": 1}"#)
        .await
        .expect_error(403, "forbidden", None);
    stack.call("GET", &path, None, "").await.expect(401);
    stack
        .call("GET", "/rooms/not-a-room/moderation", Some(&moderator), "")
        .await
        .expect_error(400, "invalid_request", Some("roomId"));
}

/// Sends `content` and answers the sender's own MESSAGE echo or its ERROR (others' messages
/// are skipped: they carry another request id).
async fn answer(socket: &mut Socket, content: &str) -> Value {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let request_id = format!("q{}", NEXT.fetch_add(1, Ordering::Relaxed));
    chat::send(socket, &chat::send_message(&request_id, content)).await;
    loop {
        let frame = chat::next_frame(socket).await;
        if (frame["Type"] == "MESSAGE" || frame["Type"] == "ERROR")
            && frame["RequestId"] == request_id.as_str()
        {
            return frame;
        }
    }
}

/// A first message in `room` from a bystander: the review function's cold start (process
/// start, then the tables' connections) can outlast IVS's 200 ms, and the room's fallback then
/// delivers that message unreviewed, as in AWS.
async fn warm_up(stack: &Stack, room: &str) {
    let mut bystander = stack.join(room, "bystander", &[]).await;
    answer(&mut bystander, "hello").await;
}

/// A room reviewed by the stack's function with `settings` saved; its id.
async fn room_with(stack: &Stack, settings: Value) -> String {
    let room = stack.room(json!({})).await;
    stack
        .call(
            "PUT",
            &format!("/rooms/{room}/moderation"),
            Some(&stack.moderator()),
            &settings.to_string(),
        )
        .await
        .expect(200);
    room
}

#[tokio::test]
async fn a_settings_change_takes_effect_within_seconds_with_mask_deny_and_hold() {
    let stack = start(|_| {}).await;
    let room = stack.room(json!({})).await;
    let mut alice = stack.join(&room, "alice", &[]).await;
    assert_eq!(
        answer(&mut alice, "rosebud is a sled").await["Type"],
        "MESSAGE"
    );

    let changed = Instant::now();
    stack
        .call(
            "PUT",
            &format!("/rooms/{room}/moderation"),
            Some(&stack.moderator()),
            &json!({"blockedTerms": [
                {"term": "rosebud", "action": "deny"},
                {"term": "spoiler", "action": "mask"},
                {"term": "giveaway", "action": "hold"}
            ]})
            .to_string(),
        )
        .await
        .expect(200);
    let effect = loop {
        let frame = answer(&mut alice, "rosebud is a sled").await;
        if frame["Type"] == "ERROR" {
            break changed.elapsed();
        }
        assert!(
            changed.elapsed() < Duration::from_secs(5),
            "no effect within 5 s"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    println!("settings change to first effect: {} ms", effect.as_millis());
    let denied = answer(&mut alice, "R0SEBUD!").await;
    assert_eq!(denied["ErrorCode"], 406, "{denied}");
    let masked = answer(&mut alice, "no s.p.o.i.l.e.r please").await;
    assert_eq!(masked["Content"], "no ************* please", "{masked}");
    let held = answer(&mut alice, "free giveaway today").await;
    assert_eq!(held["ErrorCode"], 406, "{held}");
    assert!(
        held["ErrorMessage"]
            .as_str()
            .is_some_and(|m| m.contains("awaits a moderator")),
        "{held}"
    );
}

#[tokio::test]
async fn slow_mode_refuses_a_quick_second_message_saying_when_to_send_again() {
    let stack = start(|_| {}).await;
    let room = room_with(&stack, json!({"slowModeSeconds": 30})).await;
    let mut alice = stack.join(&room, "alice", &[]).await;
    let mut bob = stack.join(&room, "bob", &[]).await;
    warm_up(&stack, &room).await;
    assert_eq!(answer(&mut alice, "first").await["Type"], "MESSAGE");
    let refused = answer(&mut alice, "second").await;
    assert_eq!(refused["ErrorCode"], 406, "{refused}");
    let text = refused["ErrorMessage"].as_str().unwrap_or_default();
    assert!(
        text.contains("Slow mode") && text.contains("send again in"),
        "{refused}"
    );
    // Others are not slowed by alice.
    assert_eq!(answer(&mut bob, "hello").await["Type"], "MESSAGE");
}

#[tokio::test]
async fn strikes_time_a_user_out_with_a_ban_a_disconnect_and_the_reason() {
    let stack = start(|_| {}).await;
    let room = room_with(
        &stack,
        json!({
            "blockedTerms": [{"term": "rosebud", "action": "deny"}],
            "strikes": {"limit": 2, "windowMinutes": 10, "timeoutMinutes": 5}
        }),
    )
    .await;
    let mut troll = stack.join(&room, "troll", &[]).await;
    warm_up(&stack, &room).await;
    let first = answer(&mut troll, "rosebud").await;
    assert_eq!(first["ErrorCode"], 406, "{first}");
    // The second refusal times the troll out: the disconnect, which says why, comes while
    // the message is still in review, so before (or instead of) its ERROR.
    say(&mut troll, "rosebud again").await;
    let events = until_closed(&mut troll).await;
    let disconnect = events
        .iter()
        .find(|e| e["EventName"] == "aws:DISCONNECT_USER")
        .unwrap_or_else(|| panic!("no disconnect: {events:?}"));
    assert!(
        disconnect["Attributes"]["Reason"]
            .as_str()
            .is_some_and(|r| r.contains("timed out for 5 minutes")),
        "{disconnect}"
    );
    let refused = stack
        .call(
            "POST",
            &format!("/rooms/{room}/chat-token"),
            Some(&stack.jwt("troll", &[])),
            "",
        )
        .await
        .expect(403)
        .json();
    assert_eq!(refused["code"], "banned");
    let bans = stack
        .call(
            "GET",
            &format!("/rooms/{room}/bans"),
            Some(&stack.moderator()),
            "",
        )
        .await
        .expect(200)
        .json();
    assert_eq!(bans["items"][0]["bannedBy"], "room-moderation", "{bans}");
}
