//! The moderation routes end to end: bans that really end sessions and stop new tokens,
//! deletions and events that reach connected clients, moderators and admins only.

use serde_json::json;

use crate::stack::{connect, next_of, say, start, until_closed};

#[tokio::test]
async fn a_room_ban_disconnects_the_user_and_stops_new_tokens_until_lifted() {
    let stack = start(|_| {}).await;
    let moderator = stack.moderator();
    let room = stack.room(json!({ "messageReviewHandler": null })).await;
    let mut troll = stack.join(&room, "troll", &[]).await;

    let banned = stack
        .call(
            "PUT",
            &format!("/rooms/{room}/bans/troll"),
            Some(&moderator),
            r#"{"reason":"spam","durationMinutes":60}"#,
        )
        .await
        .expect(200)
        .json();
    assert_eq!(banned["userId"], "troll");
    assert_eq!(banned["scope"], "room");
    assert_eq!(banned["roomId"], room.as_str());
    assert_eq!(banned["bannedBy"], "mod");
    assert_eq!(banned["reason"], "spam");
    assert!(banned["expiresAt"].is_string(), "{banned}");
    assert_eq!(banned["disconnectedRooms"], 1);

    let events = until_closed(&mut troll).await;
    let disconnect = events
        .iter()
        .find(|e| e["EventName"] == "aws:DISCONNECT_USER")
        .unwrap_or_else(|| panic!("the live session ended: {events:?}"));
    // The user learns the moderator's reason from the ban alone.
    assert_eq!(
        disconnect["Attributes"]["Reason"], "banned: spam",
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

    let listed = stack
        .call("GET", &format!("/rooms/{room}/bans"), Some(&moderator), "")
        .await
        .expect(200)
        .json();
    assert_eq!(listed["items"][0]["userId"], "troll", "{listed}");

    stack
        .call(
            "DELETE",
            &format!("/rooms/{room}/bans/troll"),
            Some(&moderator),
            "",
        )
        .await
        .expect(204);
    stack
        .call(
            "DELETE",
            &format!("/rooms/{room}/bans/troll"),
            Some(&moderator),
            "",
        )
        .await
        .expect_error(404, "not_found", None);
    stack.join(&room, "troll", &[]).await;
}

#[tokio::test]
async fn a_global_ban_ends_the_users_sessions_in_every_room() {
    let stack = start(|_| {}).await;
    let admin = stack.admin();
    let first = stack.room(json!({ "messageReviewHandler": null })).await;
    let second = stack.room(json!({ "messageReviewHandler": null })).await;
    let mut in_first = stack.join(&first, "troll", &[]).await;
    let mut in_second = stack.join(&second, "troll", &[]).await;
    let mut bystander = stack.join(&first, "alice", &[]).await;

    let banned = stack
        .call("PUT", "/bans/troll", Some(&admin), r#"{"reason":"raid"}"#)
        .await
        .expect(200)
        .json();
    assert_eq!(banned["scope"], "global");
    assert!(banned["expiresAt"].is_null(), "permanent: {banned}");
    assert!(banned["disconnectedRooms"].as_u64() >= Some(3), "{banned}");
    assert_eq!(banned["disconnectFailedRooms"], json!([]));
    for socket in [&mut in_first, &mut in_second] {
        let events = until_closed(socket).await;
        let disconnect = events
            .iter()
            .find(|e| e["EventName"] == "aws:DISCONNECT_USER")
            .unwrap_or_else(|| panic!("the live session ended: {events:?}"));
        assert_eq!(
            disconnect["Attributes"]["Reason"], "banned: raid",
            "{disconnect}"
        );
    }
    // Others stay connected.
    say(&mut bystander, "still here").await;
    assert_eq!(
        next_of(&mut bystander, "MESSAGE").await["Content"],
        "still here"
    );

    stack
        .call(
            "POST",
            &format!("/rooms/{second}/chat-token"),
            Some(&stack.jwt("troll", &[])),
            "",
        )
        .await
        .expect(403);
    let listed = stack
        .call("GET", "/bans", Some(&admin), "")
        .await
        .expect(200)
        .json();
    assert_eq!(listed["items"][0]["userId"], "troll", "{listed}");
    stack
        .call("DELETE", "/bans/troll", Some(&admin), "")
        .await
        .expect(204);
    let listed = stack
        .call("GET", "/bans", Some(&admin), "")
        .await
        .expect(200)
        .json();
    assert_eq!(listed["items"], json!([]));
}

#[tokio::test]
async fn deletions_disconnects_and_events_reach_connected_clients() {
    let stack = start(|_| {}).await;
    let moderator = stack.moderator();
    let room = stack.room(json!({ "messageReviewHandler": null })).await;
    let mut alice = stack.join(&room, "alice", &[]).await;
    let mut bob = stack.join(&room, "bob", &[]).await;

    say(&mut alice, "buy cheap followers").await;
    let message = next_of(&mut bob, "MESSAGE").await;
    let message_id = message["Id"].as_str().expect("an id");
    let deleted = stack
        .call(
            "DELETE",
            &format!("/rooms/{room}/messages/{message_id}?reason=spam"),
            Some(&moderator),
            "",
        )
        .await
        .expect(200)
        .json();
    assert!(deleted["id"].is_string());
    let event = next_of(&mut bob, "EVENT").await;
    assert_eq!(event["EventName"], "aws:DELETE_MESSAGE");
    assert_eq!(event["Attributes"]["MessageID"], message_id);
    assert_eq!(event["Attributes"]["Reason"], "spam");

    let sent = stack
        .call(
            "POST",
            &format!("/rooms/{room}/events"),
            Some(&moderator),
            r#"{"eventName":"poll:start","attributes":{"question":"Best map?"}}"#,
        )
        .await
        .expect(200)
        .json();
    assert!(sent["id"].is_string());
    let event = next_of(&mut bob, "EVENT").await;
    assert_eq!(event["EventName"], "poll:start");
    assert_eq!(event["Attributes"]["question"], "Best map?");

    stack
        .call(
            "POST",
            &format!("/rooms/{room}/users/alice/disconnect"),
            Some(&moderator),
            r#"{"reason":"cool down"}"#,
        )
        .await
        .expect(204);
    let events = until_closed(&mut alice).await;
    assert!(events
        .iter()
        .any(|e| e["EventName"] == "aws:DISCONNECT_USER"));
}

#[tokio::test]
async fn a_token_fetched_before_a_ban_gets_no_message_into_the_room() {
    let stack = start(|_| {}).await;
    let moderator = stack.moderator();
    // A room reviewed by message-review, which checks every sender against the bans.
    let room = stack.room(json!({})).await;
    let early_token = stack.chat_token(&room, "troll", &[]).await;
    let mut bystander = stack.join(&room, "bystander", &[]).await;
    // The review function starts on its first message, and a debug build's start can take
    // longer than IVS's 200 ms (the room's fallback then decides): start it first.
    say(&mut bystander, "hello").await;
    next_of(&mut bystander, "MESSAGE").await;

    stack
        .call(
            "PUT",
            &format!("/rooms/{room}/bans/troll"),
            Some(&moderator),
            r#"{"reason":"raid"}"#,
        )
        .await
        .expect(200);

    // The token still opens a connection (tokens cannot be revoked)...
    let mut troll = connect(&early_token).await;
    say(&mut troll, "I am back").await;
    // ...but nothing it sends is delivered: the review refuses the banned sender.
    let refused = next_of(&mut troll, "ERROR").await;
    assert_eq!(refused["ErrorCode"], 406, "{refused}");
    let message = refused["ErrorMessage"].as_str().expect("a message");
    assert!(message.contains("banned"), "{message}");
    say(&mut bystander, "all quiet").await;
    let seen = next_of(&mut bystander, "MESSAGE").await;
    assert_eq!(
        seen["Content"], "all quiet",
        "the banned message never arrived: {seen}"
    );
}

#[tokio::test]
async fn only_moderators_and_admins_moderate_and_bad_input_names_its_field() {
    let stack = start(|_| {}).await;
    let room = stack
        .stack
        .rooms
        .get("DemoRoom")
        .expect("the demo room")
        .clone();
    let user = stack.jwt("alice", &[]);
    stack
        .call("PUT", &format!("/rooms/{room}/bans/bob"), Some(&user), "{}")
        .await
        .expect_error(403, "forbidden", None);
    // A group whose name holds a comma is that one group, not `moderators`.
    let comma = stack.jwt("eve", &["x,moderators"]);
    stack
        .call(
            "PUT",
            &format!("/rooms/{room}/bans/bob"),
            Some(&comma),
            "{}",
        )
        .await
        .expect_error(403, "forbidden", None);
    stack
        .call("GET", "/bans", Some(&user), "")
        .await
        .expect_error(403, "forbidden", None);
    assert_eq!(stack.call("GET", "/bans", None, "").await.status, 401);

    let moderator = stack.moderator();
    let moderator = Some(moderator.as_str());
    stack
        .call(
            "PUT",
            &format!("/rooms/{room}/bans/bob"),
            moderator,
            r#"{"durationMinutes":0}"#,
        )
        .await
        .expect_error(400, "invalid_request", Some("durationMinutes"));
    stack
        .call(
            "PUT",
            &format!("/rooms/{room}/bans/bob"),
            moderator,
            r#"{"until":"never"}"#,
        )
        .await
        .expect_error(400, "invalid_request", Some("until"));
    stack
        .call("PUT", "/rooms/bad/bans/bob", moderator, "{}")
        .await
        .expect_error(400, "invalid_request", Some("roomId"));
    // A ban in a room that does not exist is refused and not kept.
    stack
        .call("PUT", "/rooms/AAAAAAAAAAAA/bans/bob", moderator, "{}")
        .await
        .expect_error(404, "not_found", None);
    let listed = stack
        .call("GET", "/rooms/AAAAAAAAAAAA/bans", moderator, "")
        .await
        .expect(200)
        .json();
    assert_eq!(listed["items"], json!([]));
    stack
        .call(
            "POST",
            &format!("/rooms/{room}/events"),
            moderator,
            r#"{"eventName":"aws:FAKE"}"#,
        )
        .await
        .expect_error(400, "invalid_request", Some("eventName"));
    // A missing required member is named itself, not its parent.
    stack
        .call(
            "POST",
            &format!("/rooms/{room}/events"),
            moderator,
            r#"{"attributes":{"q":"1"}}"#,
        )
        .await
        .expect_error(400, "invalid_request", Some("eventName"));
    stack
        .call(
            "DELETE",
            &format!("/rooms/{room}/messages/not!an!id"),
            moderator,
            "",
        )
        .await
        .expect_error(400, "invalid_request", Some("messageId"));
    stack
        .call("GET", "/bans?nextToken=forged", moderator, "")
        .await
        .expect_error(400, "invalid_request", Some("nextToken"));
}
