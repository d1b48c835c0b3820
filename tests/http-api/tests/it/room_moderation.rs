//! Live room moderation end to end: moderators read and replace a room's settings through the
//! HTTP API (validated, versioned, plain users refused), and message review applies them.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use ivschat_testkit::chat;
use serde_json::{json, Value};
use time::format_description::well_known::Rfc3339;

use crate::history::history_until;
use crate::stack::{say, start, Socket, Stack};

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
        (
            r#"{"blockedTerms": [{"term": "f*ck", "action": "deny"}]}"#,
            "blockedTerms[0].term",
        ),
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
    stack
        .call("PUT", &path, Some(&moderator), "")
        .await
        .expect_error(400, "invalid_request", Some("body"));
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

/// Waits until the review function applies the room's rules: a bystander's probe word comes
/// back masked. A cold review function (process start) can outlast IVS's 200 ms, and the
/// room's fallback then delivers unreviewed, as in AWS; new rules are compiled off the review
/// path and apply once ready, within seconds at most.
async fn until_rules_apply(stack: &Stack, room: &str) -> Duration {
    let started = Instant::now();
    let mut bystander = stack.join(room, "bystander", &[]).await;
    loop {
        let frame = answer(&mut bystander, "probeword").await;
        if frame["Content"].as_str().is_some_and(|c| c.contains('*')) {
            return started.elapsed();
        }
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "rules not applied within 5 s: {frame}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A room reviewed by the stack's function with `settings` saved, plus the probe word of
/// [`until_rules_apply`] masked; its id.
async fn room_with(stack: &Stack, mut settings: Value) -> String {
    let room = stack.room(json!({})).await;
    let probe = json!({"term": "probeword", "action": "mask"});
    match settings["blockedTerms"].as_array_mut() {
        Some(terms) => terms.push(probe),
        None => settings["blockedTerms"] = json!([probe]),
    }
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
    until_rules_apply(&stack, &room).await;
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
    until_rules_apply(&stack, &room).await;
    let first = answer(&mut troll, "rosebud").await;
    assert_eq!(first["ErrorCode"], 406, "{first}");
    // The second refusal times the troll out: the disconnect, which says why, comes while
    // the message is still in review, so before (or instead of) its ERROR. Should the ban not
    // be stored in time, the count stays at the limit and the next refusal tries again.
    let mut events = Vec::new();
    for _ in 0..4 {
        say(&mut troll, "rosebud again").await;
        let mut closed = true;
        while let Some(frame) = chat::next_frame_or_closed(&mut troll).await {
            if frame["Type"] == "EVENT" {
                events.push(frame);
            } else if frame["Type"] == "ERROR" {
                closed = false;
                break;
            }
        }
        if closed {
            break;
        }
    }
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

#[tokio::test]
async fn held_messages_wait_for_a_moderator_and_an_approval_delivers_once_into_the_history() {
    let stack = start(|_| {}).await;
    let moderator = stack.moderator();
    let room = room_with(
        &stack,
        json!({"blockedTerms": [{"term": "giveaway", "action": "hold"}]}),
    )
    .await;
    let mut alice = stack.join(&room, "alice", &[]).await;
    let mut watcher = stack.join(&room, "watcher", &[]).await;
    until_rules_apply(&stack, &room).await;

    for text in ["free giveaway at noon", "another giveaway"] {
        let held = answer(&mut alice, text).await;
        assert!(
            held["ErrorMessage"]
                .as_str()
                .is_some_and(|m| m.contains("awaits a moderator")),
            "{held}"
        );
    }
    let listed = stack
        .call(
            "GET",
            &format!("/rooms/{room}/held-messages"),
            Some(&moderator),
            "",
        )
        .await
        .expect(200)
        .json();
    let items = listed["items"].as_array().cloned().unwrap_or_default();
    assert_eq!(items.len(), 2, "{listed}");
    assert_eq!(items[0]["content"], "free giveaway at noon", "oldest first");
    assert_eq!(items[0]["sender"]["userId"], "alice");
    assert_eq!(
        items[0]["sender"]["attributes"]["displayName"],
        "alice (display)"
    );
    assert_eq!(items[0]["rules"], json!(["room.hold:term"]));
    let (first, second) = (
        items[0]["id"].as_str().unwrap_or_default().to_owned(),
        items[1]["id"].as_str().unwrap_or_default().to_owned(),
    );

    let approve = format!("/rooms/{room}/held-messages/{first}/approve");
    let approved = stack
        .call("POST", &approve, Some(&moderator), "")
        .await
        .expect(200)
        .json();
    assert_eq!(approved["status"], "approved");
    assert_eq!(approved["decidedBy"], "mod");
    let event = chat::next_of(&mut watcher, "EVENT").await;
    assert_eq!(event["EventName"], "ivschat-serverless:approved-message");
    assert_eq!(event["Attributes"]["Content"], "free giveaway at noon");
    assert_eq!(event["Attributes"]["UserId"], "alice");
    assert_eq!(event["Id"], approved["eventId"]);
    // Approving twice delivers once: the same answer, no second event.
    let again = stack
        .call("POST", &approve, Some(&stack.admin()), "")
        .await
        .expect(200)
        .json();
    assert_eq!(again, approved);

    let reject = format!("/rooms/{room}/held-messages/{second}/reject");
    let rejected = stack
        .call("POST", &reject, Some(&moderator), "")
        .await
        .expect(200)
        .json();
    assert_eq!(rejected["status"], "rejected");
    stack
        .call(
            "POST",
            &format!("/rooms/{room}/held-messages/{second}/approve"),
            Some(&moderator),
            "",
        )
        .await
        .expect_error(409, "conflict", None);
    stack
        .call(
            "POST",
            &format!("/rooms/{room}/held-messages/{first}/reject"),
            Some(&moderator),
            "",
        )
        .await
        .expect_error(409, "conflict", None);
    stack
        .call(
            "POST",
            &format!("/rooms/{room}/held-messages/0000nothing/approve"),
            Some(&moderator),
            "",
        )
        .await
        .expect_error(404, "not_found", None);
    let listed = stack
        .call(
            "GET",
            &format!("/rooms/{room}/held-messages"),
            Some(&moderator),
            "",
        )
        .await
        .expect(200)
        .json();
    assert_eq!(
        listed["items"],
        json!([]),
        "decided messages leave the list"
    );
    stack
        .call(
            "GET",
            &format!("/rooms/{room}/held-messages"),
            Some(&stack.jwt("alice", &[])),
            "",
        )
        .await
        .expect_error(403, "forbidden", None);

    // The chat history keeps the approved message as the message it was, once.
    let history = history_until(&stack, &room, &moderator, |messages| {
        messages
            .iter()
            .any(|m| m["content"] == "free giveaway at noon")
    })
    .await;
    let approved_in_history: Vec<&Value> = history
        .iter()
        .filter(|m| m["content"] == "free giveaway at noon")
        .collect();
    assert_eq!(approved_in_history.len(), 1, "{history:?}");
    assert_eq!(approved_in_history[0]["sender"]["userId"], "alice");
    assert!(!history.iter().any(|m| m["content"] == "another giveaway"));
}

#[tokio::test]
async fn moderators_time_users_out_for_one_five_or_ten_minutes() {
    let stack = start(|_| {}).await;
    let moderator = stack.moderator();
    let room = stack.room(json!({ "messageReviewHandler": null })).await;
    let mut troll = stack.join(&room, "troll", &[]).await;
    let path = format!("/rooms/{room}/users/troll/timeout");
    stack
        .call("POST", &path, Some(&moderator), r#"{"minutes": 3}"#)
        .await
        .expect_error(400, "invalid_request", Some("minutes"));
    let banned = stack
        .call(
            "POST",
            &path,
            Some(&moderator),
            r#"{"minutes": 5, "reason": "cool off"}"#,
        )
        .await
        .expect(200)
        .json();
    assert_eq!(banned["scope"], "room");
    assert_eq!(banned["reason"], "cool off");
    assert_eq!(banned["disconnectedRooms"], 1);
    let created = banned["createdAt"].as_str().unwrap_or_default();
    let expires = banned["expiresAt"].as_str().unwrap_or_default();
    let minutes = (time::OffsetDateTime::parse(expires, &Rfc3339).expect("expiry")
        - time::OffsetDateTime::parse(created, &Rfc3339).expect("creation"))
    .whole_minutes();
    assert_eq!(minutes, 5, "{banned}");
    let events = chat::until_closed(&mut troll).await;
    let disconnect = events
        .iter()
        .find(|e| e["EventName"] == "aws:DISCONNECT_USER")
        .unwrap_or_else(|| panic!("the live session ended: {events:?}"));
    assert_eq!(
        disconnect["Attributes"]["Reason"], "timed out for 5 minutes: cool off",
        "{disconnect}"
    );
    stack
        .call(
            "POST",
            &path,
            Some(&stack.jwt("alice", &[])),
            r#"{"minutes": 1}"#,
        )
        .await
        .expect_error(403, "forbidden", None);
}

#[tokio::test]
async fn a_ban_can_remove_the_users_recent_messages() {
    let stack = start(|serve| serve.log_subscription_interval_ms = 50).await;
    let moderator = stack.moderator();
    let room = stack.room(json!({ "messageReviewHandler": null })).await;
    let mut troll = stack.join(&room, "troll", &[]).await;
    let mut alice = stack.join(&room, "alice", &[]).await;
    for text in ["spam one", "spam two"] {
        answer(&mut troll, text).await;
    }
    answer(&mut alice, "innocent").await;
    history_until(&stack, &room, &moderator, |messages| messages.len() >= 3).await;

    let banned = stack
        .call(
            "PUT",
            &format!("/rooms/{room}/bans/troll"),
            Some(&moderator),
            r#"{"reason": "spam", "removeRecentMessagesMinutes": 10}"#,
        )
        .await
        .expect(200)
        .json();
    assert_eq!(banned["removedMessages"], 2, "{banned}");
    assert_eq!(banned["removeFailedMessages"], json!([]));
    let mut deleted = 0;
    while deleted < 2 {
        let event = chat::next_of(&mut alice, "EVENT").await;
        if event["EventName"] == "aws:DELETE_MESSAGE" {
            deleted += 1;
        }
    }
    let history = history_until(&stack, &room, &moderator, |messages| messages.len() == 1).await;
    assert_eq!(history[0]["content"], "innocent");
    stack
        .call(
            "PUT",
            "/bans/troll",
            Some(&moderator),
            r#"{"removeRecentMessagesMinutes": 10}"#,
        )
        .await
        .expect_error(400, "invalid_request", Some("removeRecentMessagesMinutes"));
}
