//! Chat tokens through the whole stack: each role's capabilities, asking for fewer or more,
//! members-only and anonymous access, bans, bad input, the gateway's 401, throttling, the
//! activity tag, and a token that really connects with exactly its capabilities.

use futures_util::SinkExt;
use serde_json::json;
use shared::bans::{Ban, BanScope, BanStore, RoomId, UserId};
use shared::room_tags;
use time::OffsetDateTime;
use tokio_tungstenite::tungstenite::Message;

use crate::stack::{next_frame, start};

#[tokio::test]
async fn a_user_gets_send_message_and_a_profile_and_really_chats_with_it() {
    let stack = start(&[], |_| {}).await;
    let room = stack.room(&[]).await;
    let answer = stack.chat_token(&room, &stack.jwt("alice", &[]), "").await;
    assert_eq!(answer.status, 200, "{:?}", answer.body);
    let body = answer.json();
    assert_eq!(body["userId"], "alice");
    assert_eq!(body["role"], "user");
    assert_eq!(body["capabilities"], json!(["SEND_MESSAGE"]));
    for field in ["tokenExpirationTime", "sessionExpirationTime"] {
        let text = body[field].as_str().expect("a time");
        assert!(
            OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).is_ok(),
            "{field}: {text}"
        );
    }

    let mut socket = stack.connect(&body).await;
    let send = json!({ "Action": "SEND_MESSAGE", "RequestId": "m1", "Content": "hi all" });
    socket
        .send(Message::text(send.to_string()))
        .await
        .expect("send");
    let frame = next_frame(&mut socket).await;
    assert_eq!(frame["Type"], "MESSAGE", "{frame}");
    assert_eq!(frame["Sender"]["UserId"], "alice");
    assert_eq!(
        frame["Sender"]["Attributes"]["displayName"],
        "alice (display)"
    );
    assert_eq!(
        frame["Sender"]["Attributes"]["avatarUrl"],
        "https://cdn.example.com/alice.png"
    );
    assert_eq!(frame["Sender"]["Attributes"]["role"], "user");

    let delete =
        json!({ "Action": "DELETE_MESSAGE", "RequestId": "d1", "Id": frame["Id"], "Reason": "x" });
    socket
        .send(Message::text(delete.to_string()))
        .await
        .expect("send");
    let frame = next_frame(&mut socket).await;
    assert_eq!(frame["Type"], "ERROR", "a user may not delete: {frame}");
    assert_eq!(frame["ErrorCode"], 403);
}

#[tokio::test]
async fn moderators_get_every_capability_and_may_ask_for_fewer() {
    let stack = start(&[], |_| {}).await;
    let room = stack.room(&[]).await;
    let moderator = stack.jwt("mod", &["moderators"]);
    let body = stack.chat_token(&room, &moderator, "").await.json();
    assert_eq!(body["role"], "moderator");
    assert_eq!(
        body["capabilities"],
        json!(["SEND_MESSAGE", "DELETE_MESSAGE", "DISCONNECT_USER"])
    );
    let fewer = stack
        .chat_token(&room, &moderator, r#"{"capabilities":["DELETE_MESSAGE"]}"#)
        .await;
    assert_eq!(fewer.status, 200);
    assert_eq!(fewer.json()["capabilities"], json!(["DELETE_MESSAGE"]));
    let admin = stack.jwt("root", &["admins"]);
    assert_eq!(
        stack.chat_token(&room, &admin, "").await.json()["role"],
        "moderator"
    );
}

#[tokio::test]
async fn asking_for_more_than_the_role_allows_is_403_and_issues_nothing() {
    let stack = start(&[], |_| {}).await;
    let room = stack.room(&[]).await;
    let answer = stack
        .chat_token(
            &room,
            &stack.jwt("alice", &[]),
            r#"{"capabilities":["SEND_MESSAGE","DISCONNECT_USER"]}"#,
        )
        .await;
    assert_eq!(answer.status, 403);
    let body = answer.json();
    assert_eq!(body["code"], "forbidden");
    assert!(body.get("token").is_none());
    assert!(body["message"]
        .as_str()
        .is_some_and(|m| m.contains("DISCONNECT_USER")));
}

#[tokio::test]
async fn members_only_rooms_admit_their_groups_and_moderators() {
    let stack = start(&[], |_| {}).await;
    let room = stack
        .room(&[
            (room_tags::ACCESS, "members"),
            (room_tags::MEMBER_GROUPS, "subscribers vip"),
        ])
        .await;
    let outsider = stack.chat_token(&room, &stack.jwt("eve", &[]), "").await;
    assert_eq!(outsider.status, 403);
    assert_eq!(outsider.json()["code"], "forbidden");
    let member = stack
        .chat_token(&room, &stack.jwt("vic", &["vip"]), "")
        .await;
    assert_eq!(member.status, 200);
    let moderator = stack
        .chat_token(&room, &stack.jwt("mod", &["moderators"]), "")
        .await;
    assert_eq!(moderator.status, 200);
}

#[tokio::test]
async fn anonymous_view_only_tokens_only_where_the_room_allows_them() {
    let stack = start(&[], |_| {}).await;
    let open = stack.room(&[(room_tags::ANONYMOUS_VIEW, "true")]).await;
    let closed = stack.room(&[]).await;
    let answer = stack
        .post(&format!("/rooms/{open}/viewer-token"), None, "")
        .await;
    assert_eq!(answer.status, 200, "{:?}", answer.body);
    let body = answer.json();
    assert_eq!(body["role"], "viewer");
    assert_eq!(body["capabilities"], json!([]));
    assert!(body["userId"]
        .as_str()
        .is_some_and(|u| u.starts_with("anonymous-")));

    let mut socket = stack.connect(&body).await;
    let send = json!({ "Action": "SEND_MESSAGE", "RequestId": "m1", "Content": "hi" });
    socket
        .send(Message::text(send.to_string()))
        .await
        .expect("send");
    let frame = next_frame(&mut socket).await;
    assert_eq!(frame["ErrorCode"], 403, "a viewer may not send: {frame}");

    let answer = stack
        .post(&format!("/rooms/{closed}/viewer-token"), None, "")
        .await;
    assert_eq!(answer.status, 401);
    assert_eq!(answer.json()["code"], "sign_in_required");
    let answer = stack
        .post(
            &format!("/rooms/{open}/viewer-token"),
            None,
            r#"{"capabilities":["SEND_MESSAGE"]}"#,
        )
        .await;
    assert_eq!(answer.status, 403, "anonymous callers cannot ask for more");
}

#[tokio::test]
async fn banned_users_get_403_and_no_token_until_the_ban_ends() {
    let stack = start(&[], |_| {}).await;
    let room = stack.room(&[]).await;
    let other_room = stack.room(&[]).await;
    let now = OffsetDateTime::now_utc();
    let user = |id: &str| UserId::new(id).expect("user id");
    let room_scope = BanScope::Room(RoomId::new(room.clone()).expect("room id"));

    let ban = Ban::new(room_scope.clone(), user("rob"), "spam", "mod", now, None).expect("ban");
    stack.bans.put(&ban).await.expect("put");
    let answer = stack.chat_token(&room, &stack.jwt("rob", &[]), "").await;
    assert_eq!(answer.status, 403);
    let body = answer.json();
    assert_eq!(body["code"], "banned");
    assert_eq!(body["bannedUntil"], json!(null));
    assert!(body.get("token").is_none());
    assert_eq!(
        stack
            .chat_token(&other_room, &stack.jwt("rob", &[]), "")
            .await
            .status,
        200,
        "a room ban is for that room only"
    );

    let until = now + time::Duration::hours(1);
    let global = Ban::new(
        BanScope::Global,
        user("gus"),
        "abuse",
        "mod",
        now,
        Some(until),
    )
    .expect("ban");
    stack.bans.put(&global).await.expect("put");
    let answer = stack
        .chat_token(&other_room, &stack.jwt("gus", &["moderators"]), "")
        .await;
    assert_eq!(answer.status, 403, "a global ban covers moderators too");
    assert!(answer.json()["bannedUntil"].as_str().is_some());

    let expired = Ban::new(
        room_scope,
        user("eva"),
        "old",
        "mod",
        now - time::Duration::hours(2),
        Some(now - time::Duration::hours(1)),
    )
    .expect("ban");
    stack.bans.put(&expired).await.expect("put");
    assert_eq!(
        stack
            .chat_token(&room, &stack.jwt("eva", &[]), "")
            .await
            .status,
        200,
        "an expired ban no longer counts"
    );
}

#[tokio::test]
async fn bad_input_is_400_and_unknown_rooms_404() {
    let stack = start(&[], |_| {}).await;
    let jwt = stack.jwt("alice", &[]);
    let room = stack.room(&[]).await;
    let cases = [
        ("not-a-room", "", 400),
        ("AbCdEfGhIjKl", "", 404),
        (room.as_str(), "{not json", 400),
        (room.as_str(), r#"{"userId":"someone-else"}"#, 400),
        (room.as_str(), r#"{"capabilities":["FLY"]}"#, 400),
        (room.as_str(), r#"{"sessionDurationMinutes":500}"#, 400),
    ];
    for (room_id, body, status) in cases {
        let answer = stack.chat_token(room_id, &jwt, body).await;
        assert_eq!(answer.status, status, "{room_id} {body}: {:?}", answer.body);
        let json = answer.json();
        assert!(json["message"].as_str().is_some_and(|m| !m.is_empty()));
        assert!(json["requestId"].as_str().is_some_and(|m| !m.is_empty()));
    }
}

#[tokio::test]
async fn a_missing_or_bad_jwt_is_401_from_the_gateway() {
    let stack = start(&[], |_| {}).await;
    let room = stack.room(&[]).await;
    let answer = stack
        .post(&format!("/rooms/{room}/chat-token"), None, "")
        .await;
    assert_eq!(answer.status, 401);
    assert_eq!(answer.json(), json!({ "message": "Unauthorized" }));
    let answer = stack.chat_token(&room, "e30.e30.e30", "").await;
    assert_eq!(answer.status, 401);
}

#[tokio::test]
async fn control_plane_throttling_is_429_with_retry_after() {
    // CreateChatToken at 200 TPS × 0.01 = 2 per second, and no SDK retries in the function.
    let stack = start(&[("AWS_MAX_ATTEMPTS", "1")], |config| {
        config.quotas = ivschat_local::config::QuotaSwitch::On;
        config.quota_scale = 0.01;
    })
    .await;
    let room = {
        // Rooms are made by an operator with quotas of their own; wait out CreateRoom's.
        stack.room(&[]).await
    };
    let jwt = stack.jwt("alice", &[]);
    let mut statuses = Vec::new();
    for _ in 0..8 {
        let answer = stack.chat_token(&room, &jwt, "").await;
        if answer.status == 429 {
            assert_eq!(
                answer
                    .headers
                    .get("retry-after")
                    .and_then(|v| v.to_str().ok()),
                Some("1")
            );
            assert_eq!(answer.json()["code"], "throttled");
        }
        statuses.push(answer.status);
    }
    assert!(statuses.contains(&200), "{statuses:?}");
    assert!(statuses.contains(&429), "{statuses:?}");
    assert!(
        statuses.iter().all(|s| *s == 200 || *s == 429),
        "{statuses:?}"
    );
}

#[tokio::test]
async fn the_first_token_marks_the_room_active_and_later_ones_leave_the_tag_alone() {
    let stack = start(&[("ROOM_CACHE_SECONDS", "0")], |_| {}).await;
    let room = stack.room(&[]).await;
    let before = OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .expect("time");
    let jwt = stack.jwt("alice", &[]);
    assert_eq!(stack.chat_token(&room, &jwt, "").await.status, 200);
    let tags = |stack: &crate::stack::Stack, room: String| {
        let ivs = stack.ivs.clone();
        let room = stack.room_arn(&room);
        async move {
            ivs.get_room()
                .identifier(room)
                .send()
                .await
                .expect("GetRoom")
                .tags()
                .cloned()
                .unwrap_or_default()
        }
    };
    let first = tags(&stack, room.clone()).await;
    let stamp = first
        .get(room_tags::LAST_ACTIVE)
        .expect("the last-active tag")
        .clone();
    let written = OffsetDateTime::parse(&stamp, &time::format_description::well_known::Rfc3339)
        .expect("RFC 3339");
    assert!(written >= before, "{stamp}");
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    assert_eq!(stack.chat_token(&room, &jwt, "").await.status, 200);
    let second = tags(&stack, room).await;
    assert_eq!(
        second.get(room_tags::LAST_ACTIVE),
        Some(&stamp),
        "within the interval"
    );
}
