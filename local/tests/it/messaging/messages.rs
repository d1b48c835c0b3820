//! SEND_MESSAGE over WebSocket: the MESSAGE frame every connection gets,
//! the capability check (403), the room's length (400, in code points) and rate (429)
//! limits, and malformed requests (400) that leave the connection open.

use std::collections::HashMap;

use aws_sdk_ivschat::Client;
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::Message;

use crate::messaging::support::{
    assert_error, assert_next_message_is, assert_send_time, chat_token_with_attributes, connect,
    join, next_frame, next_of_type, say, send, send_message, send_message_with_attributes,
    send_text, SEND, VIEW_ONLY,
};
use crate::support::{assert_id, client, create_room, start};

/// Creates a room with these limits and returns its ARN.
async fn room_with_limits(client: &Client, maximum_length: i32, maximum_rate: i32) -> String {
    client
        .create_room()
        .maximum_message_length(maximum_length)
        .maximum_message_rate_per_second(maximum_rate)
        .send()
        .await
        .expect("CreateRoom")
        .arn()
        .expect("a room ARN")
        .to_owned()
}

#[tokio::test]
async fn a_message_reaches_every_connection_including_the_sender_with_one_id() {
    let server = start().await;
    let client = client(&server);
    let room = create_room(&client).await;
    let token = chat_token_with_attributes(
        &client,
        &room,
        "alice",
        SEND,
        &[("displayName", "Alice"), ("role", "host")],
    )
    .await;
    let mut alice = connect(&server, &token).await;
    let mut bob = join(&server, &client, &room, "bob", SEND).await;
    let mut carol = join(&server, &client, &room, "carol", VIEW_ONLY).await;
    let before = time::OffsetDateTime::now_utc();

    send(
        &mut alice,
        &send_message_with_attributes("req-1", "héllo 👋", json!({"color": "blue", "k": ""})),
    )
    .await;

    let echo = next_of_type(&mut alice, "MESSAGE").await;
    let at_bob = next_of_type(&mut bob, "MESSAGE").await;
    let at_carol = next_of_type(&mut carol, "MESSAGE").await;
    let after = time::OffsetDateTime::now_utc();
    let id = echo["Id"].as_str().expect("a string Id");
    assert_id(id);
    assert_eq!(echo["RequestId"], "req-1");
    assert_eq!(echo["Content"], "héllo 👋");
    assert_eq!(echo["Attributes"], json!({"color": "blue", "k": ""}));
    assert_eq!(echo["Sender"]["UserId"], "alice");
    assert_eq!(
        echo["Sender"]["Attributes"],
        json!({"displayName": "Alice", "role": "host"})
    );
    let send_time = assert_send_time(&echo);
    assert!(
        send_time >= before - time::Duration::seconds(1)
            && send_time <= after + time::Duration::seconds(1),
        "SendTime {send_time} is not around now"
    );
    for other in [&at_bob, &at_carol] {
        assert_eq!(other["Id"], id, "{other}");
        assert_eq!(other["Content"], echo["Content"]);
        assert_eq!(other["Attributes"], echo["Attributes"]);
        assert_eq!(other["SendTime"], echo["SendTime"]);
        assert_eq!(other["Sender"], echo["Sender"]);
    }
}

#[tokio::test]
async fn a_message_without_attributes_has_null_attributes_and_empty_sender_attributes() {
    let server = start().await;
    let client = client(&server);
    let room = create_room(&client).await;
    let mut alice = join(&server, &client, &room, "alice", SEND).await;

    let echo = say(&mut alice, "r1", "plain").await;

    let fields = echo.as_object().expect("an object");
    assert_eq!(fields.get("Attributes"), Some(&Value::Null), "{echo}");
    assert_eq!(echo["Sender"]["Attributes"], json!({}));
    assert_eq!(echo["Sender"]["UserId"], "alice");
}

#[tokio::test]
async fn a_message_without_a_request_id_is_delivered_with_an_empty_request_id() {
    let server = start().await;
    let client = client(&server);
    let room = create_room(&client).await;
    let mut alice = join(&server, &client, &room, "alice", SEND).await;

    send(
        &mut alice,
        &json!({"Action": "SEND_MESSAGE", "Content": "no request id"}),
    )
    .await;

    let echo = next_of_type(&mut alice, "MESSAGE").await;
    assert_eq!(echo["RequestId"], "");
    assert_eq!(echo["Content"], "no request id");
}

#[tokio::test]
async fn each_message_gets_its_own_id_and_every_connection_sees_them_in_the_order_sent() {
    let server = start().await;
    let client = client(&server);
    let room = create_room(&client).await;
    let mut alice = join(&server, &client, &room, "alice", SEND).await;
    let mut bob = join(&server, &client, &room, "bob", SEND).await;

    let contents: Vec<String> = (0..5).map(|i| format!("message {i}")).collect();
    for (i, content) in contents.iter().enumerate() {
        send(&mut alice, &send_message(&format!("r{i}"), content)).await;
    }

    let mut ids = Vec::new();
    for socket in [&mut alice, &mut bob] {
        let mut seen = Vec::new();
        for _ in &contents {
            let frame = next_of_type(socket, "MESSAGE").await;
            seen.push(frame["Content"].as_str().expect("Content").to_owned());
            ids.push(frame["Id"].as_str().expect("Id").to_owned());
        }
        assert_eq!(seen, contents);
    }
    let (at_alice, at_bob) = ids.split_at(contents.len());
    assert_eq!(at_alice, at_bob);
    let mut distinct = at_alice.to_vec();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), contents.len(), "ids repeat: {at_alice:?}");
}

#[tokio::test]
async fn send_message_without_the_capability_is_error_403_to_the_sender_only() {
    let server = start().await;
    let client = client(&server);
    let room = create_room(&client).await;
    let mut viewer = join(&server, &client, &room, "viewer", VIEW_ONLY).await;
    let mut bob = join(&server, &client, &room, "bob", SEND).await;

    send(&mut viewer, &send_message("req-403", "let me talk")).await;

    let error = next_frame(&mut viewer).await;
    assert_error(&error, 403, "req-403");
    // The viewer's request is fully handled (its ERROR arrived), so a message sent now is
    // queued after anything the request could have sent to bob.
    say(&mut bob, "sentinel", "sentinel").await;
    assert_next_message_is(&mut viewer, "sentinel").await;
}

#[tokio::test]
async fn content_of_exactly_the_maximum_length_in_code_points_is_delivered() {
    let server = start().await;
    let client = client(&server);
    let room = room_with_limits(&client, 5, 10).await;
    let mut alice = join(&server, &client, &room, "alice", SEND).await;

    // Five code points each, but 10 and 20 bytes in UTF-8.
    let accented = say(&mut alice, "r1", "ééééé").await;
    let emoji = say(&mut alice, "r2", "😀😀😀😀😀").await;

    assert_eq!(accented["Content"], "ééééé");
    assert_eq!(emoji["Content"], "😀😀😀😀😀");
}

#[tokio::test]
async fn content_one_code_point_over_the_maximum_length_is_error_400_and_not_delivered() {
    let server = start().await;
    let client = client(&server);
    let room = room_with_limits(&client, 5, 10).await;
    let mut alice = join(&server, &client, &room, "alice", SEND).await;
    let mut bob = join(&server, &client, &room, "bob", VIEW_ONLY).await;

    send(&mut alice, &send_message("too-long", "éééééé")).await;

    let error = next_frame(&mut alice).await;
    assert_error(&error, 400, "too-long");
    say(&mut alice, "sentinel", "ok").await;
    assert_next_message_is(&mut bob, "ok").await;
}

#[tokio::test]
async fn messages_over_the_room_rate_get_error_429_and_the_rest_are_delivered() {
    let server = start().await;
    let client = client(&server);
    let room = room_with_limits(&client, 500, 1).await;
    let mut alice = join(&server, &client, &room, "alice", SEND).await;
    let mut bob = join(&server, &client, &room, "bob", VIEW_ONLY).await;

    const BURST: usize = 10;
    for i in 0..BURST {
        send(
            &mut alice,
            &send_message(&format!("r{i}"), &format!("burst {i}")),
        )
        .await;
    }

    // Every request gets exactly one answer at the sender: its echo or ERROR 429.
    let mut outcomes = HashMap::new();
    for _ in 0..BURST {
        let frame = next_frame(&mut alice).await;
        let request_id = frame["RequestId"].as_str().expect("RequestId").to_owned();
        let outcome = match frame["Type"].as_str() {
            Some("MESSAGE") => "delivered",
            Some("ERROR") => {
                assert_error(&frame, 429, &request_id);
                "throttled"
            }
            _ => panic!("unexpected frame {frame}"),
        };
        assert!(
            outcomes.insert(request_id, outcome).is_none(),
            "two answers for one request"
        );
    }
    let delivered: Vec<String> = (0..BURST)
        .filter(|i| outcomes.get(&format!("r{i}")) == Some(&"delivered"))
        .map(|i| format!("burst {i}"))
        .collect();
    let throttled = BURST - delivered.len();
    assert!(!delivered.is_empty(), "nothing was delivered: {outcomes:?}");
    assert!(throttled > 0, "nothing was throttled: {outcomes:?}");
    // Bob gets exactly the delivered ones, in order.
    for content in &delivered {
        assert_next_message_is(&mut bob, content).await;
    }
}

#[tokio::test]
async fn update_room_lowering_the_maximum_length_applies_to_the_next_message() {
    let server = start().await;
    let client = client(&server);
    let room = room_with_limits(&client, 10, 10).await;
    let mut alice = join(&server, &client, &room, "alice", SEND).await;
    say(&mut alice, "r1", "eight ch").await;

    client
        .update_room()
        .identifier(&room)
        .maximum_message_length(5)
        .send()
        .await
        .expect("UpdateRoom");

    send(&mut alice, &send_message("r2", "eight ch")).await;
    let error = next_frame(&mut alice).await;
    assert_error(&error, 400, "r2");
    say(&mut alice, "r3", "five!").await;
}

#[tokio::test]
async fn malformed_requests_get_error_400_and_the_connection_stays_open() {
    let server = start().await;
    let client = client(&server);
    let room = create_room(&client).await;
    let mut alice = join(&server, &client, &room, "alice", SEND).await;

    let cases: [(&str, String); 8] = [
        ("", "this is not JSON".to_owned()),
        ("", r#"["SEND_MESSAGE", "hi"]"#.to_owned()),
        ("", r#""SEND_MESSAGE""#.to_owned()),
        (
            "unknown-action",
            json!({"Action": "SHOUT", "RequestId": "unknown-action", "Content": "hi"}).to_string(),
        ),
        (
            "no-action",
            json!({"RequestId": "no-action", "Content": "hi"}).to_string(),
        ),
        (
            "no-content",
            json!({"Action": "SEND_MESSAGE", "RequestId": "no-content"}).to_string(),
        ),
        (
            "content-not-string",
            json!({"Action": "SEND_MESSAGE", "RequestId": "content-not-string", "Content": 42})
                .to_string(),
        ),
        (
            "attributes-not-map",
            json!({
                "Action": "SEND_MESSAGE",
                "RequestId": "attributes-not-map",
                "Content": "hi",
                "Attributes": ["a", "b"],
            })
            .to_string(),
        ),
    ];
    for (request_id, text) in &cases {
        send_text(&mut alice, text).await;
        let error = next_frame(&mut alice).await;
        assert_error(&error, 400, request_id);
    }

    // Attributes whose values are not strings are refused as well.
    send(
        &mut alice,
        &send_message_with_attributes("attribute-number", "hi", json!({"n": 1})),
    )
    .await;
    assert_error(&next_frame(&mut alice).await, 400, "attribute-number");

    let echo = say(&mut alice, "valid", "still connected").await;
    assert_eq!(echo["Content"], "still connected");
}

#[tokio::test]
async fn a_binary_frame_gets_error_400_and_the_connection_stays_open() {
    let server = start().await;
    let client = client(&server);
    let room = create_room(&client).await;
    let mut alice = join(&server, &client, &room, "alice", SEND).await;

    let request = send_message("binary", "as bytes").to_string();
    futures_util::SinkExt::send(&mut alice, Message::binary(request.into_bytes()))
        .await
        .expect("the binary frame is sent");

    let error = next_frame(&mut alice).await;
    assert_eq!(error["Type"], "ERROR");
    assert_eq!(error["ErrorCode"], 400);
    say(&mut alice, "valid", "still connected").await;
}
