//! Moderation over WebSocket: DELETE_MESSAGE sends the
//! `aws:DELETE_MESSAGE` EVENT to the room, DISCONNECT_USER sends `aws:DISCONNECT_USER` and
//! then closes every connection of that user with 1000; both need their capability (403).

use aws_sdk_ivschat::types::ChatTokenCapability;
use serde_json::json;

use crate::messaging::support::{
    assert_error, assert_next_message_is, assert_send_time, delete_message, disconnect_user, join,
    next_close, next_frame, next_of_type, say, send, ALL_CAPABILITIES, SEND, VIEW_ONLY,
};
use crate::support::{assert_id, client, create_room, start};

const DELETER: &[ChatTokenCapability] = &[ChatTokenCapability::DeleteMessage];
const DISCONNECTER: &[ChatTokenCapability] = &[ChatTokenCapability::DisconnectUser];

#[tokio::test]
async fn delete_message_sends_aws_delete_message_to_everyone_with_both_message_id_keys_and_the_reason(
) {
    let server = start().await;
    let client = client(&server);
    let room = create_room(&client).await;
    let mut alice = join(&server, &client, &room, "alice", SEND).await;
    let mut moderator = join(&server, &client, &room, "mod", DELETER).await;
    let mut bob = join(&server, &client, &room, "bob", VIEW_ONLY).await;
    let message = say(&mut alice, "r1", "something rude").await;
    let message_id = message["Id"].as_str().expect("an Id");
    next_of_type(&mut moderator, "MESSAGE").await;
    next_of_type(&mut bob, "MESSAGE").await;

    send(
        &mut moderator,
        &delete_message("del-1", message_id, Some("rude")),
    )
    .await;

    let at_moderator = next_of_type(&mut moderator, "EVENT").await;
    assert_eq!(at_moderator["RequestId"], "del-1");
    assert_eq!(at_moderator["EventName"], "aws:DELETE_MESSAGE");
    assert_eq!(
        at_moderator["Attributes"],
        json!({"MessageId": message_id, "MessageID": message_id, "Reason": "rude"})
    );
    assert_id(at_moderator["Id"].as_str().expect("an Id"));
    assert_ne!(at_moderator["Id"], message_id, "the event has its own Id");
    assert_send_time(&at_moderator);
    for socket in [&mut alice, &mut bob] {
        let event = next_of_type(socket, "EVENT").await;
        assert_eq!(event["Id"], at_moderator["Id"]);
        assert_eq!(event["EventName"], "aws:DELETE_MESSAGE");
        assert_eq!(event["Attributes"], at_moderator["Attributes"]);
    }
}

#[tokio::test]
async fn delete_message_without_a_reason_has_no_reason_attribute() {
    let server = start().await;
    let client = client(&server);
    let room = create_room(&client).await;
    let mut moderator = join(&server, &client, &room, "mod", ALL_CAPABILITIES).await;
    let message = say(&mut moderator, "r1", "oops").await;
    let message_id = message["Id"].as_str().expect("an Id");

    send(&mut moderator, &delete_message("del-1", message_id, None)).await;

    let event = next_of_type(&mut moderator, "EVENT").await;
    assert_eq!(
        event["Attributes"],
        json!({"MessageId": message_id, "MessageID": message_id})
    );
}

#[tokio::test]
async fn delete_message_without_the_capability_is_error_403_to_the_requester_only() {
    let server = start().await;
    let client = client(&server);
    let room = create_room(&client).await;
    let mut alice = join(&server, &client, &room, "alice", SEND).await;
    let mut bob = join(&server, &client, &room, "bob", VIEW_ONLY).await;
    let message = say(&mut alice, "r1", "mine").await;
    next_of_type(&mut bob, "MESSAGE").await;

    let message_id = message["Id"].as_str().expect("an Id");
    send(&mut alice, &delete_message("del-403", message_id, None)).await;

    assert_error(&next_frame(&mut alice).await, 403, "del-403");
    say(&mut alice, "sentinel", "sentinel").await;
    assert_next_message_is(&mut bob, "sentinel").await;
}

#[tokio::test]
async fn delete_message_with_an_id_that_is_not_12_alphanumerics_is_error_400() {
    let server = start().await;
    let client = client(&server);
    let room = create_room(&client).await;
    let mut moderator = join(&server, &client, &room, "mod", ALL_CAPABILITIES).await;

    for (request_id, id) in [
        ("short", "abc"),
        ("long", "abcdefghijklm"),
        ("symbol", "abcdefghijk!"),
        ("empty", ""),
    ] {
        send(&mut moderator, &delete_message(request_id, id, None)).await;
        assert_error(&next_frame(&mut moderator).await, 400, request_id);
    }
    send(
        &mut moderator,
        &json!({"Action": "DELETE_MESSAGE", "RequestId": "missing"}),
    )
    .await;
    assert_error(&next_frame(&mut moderator).await, 400, "missing");
    say(&mut moderator, "sentinel", "still connected").await;
}

#[tokio::test]
async fn disconnect_user_sends_the_event_then_closes_every_connection_of_that_user_with_1000() {
    let server = start().await;
    let client = client(&server);
    let room = create_room(&client).await;
    let mut moderator = join(&server, &client, &room, "mod", DISCONNECTER).await;
    let mut bob_phone = join(&server, &client, &room, "bob", SEND).await;
    let mut bob_laptop = join(&server, &client, &room, "bob", SEND).await;
    let mut carol = join(&server, &client, &room, "carol", SEND).await;

    send(
        &mut moderator,
        &disconnect_user("kick-1", "bob", Some("spamming")),
    )
    .await;

    let at_moderator = next_of_type(&mut moderator, "EVENT").await;
    assert_eq!(at_moderator["RequestId"], "kick-1");
    assert_eq!(at_moderator["EventName"], "aws:DISCONNECT_USER");
    assert_eq!(
        at_moderator["Attributes"],
        json!({"UserId": "bob", "Reason": "spamming"})
    );
    assert_id(at_moderator["Id"].as_str().expect("an Id"));
    assert_send_time(&at_moderator);
    for socket in [&mut bob_phone, &mut bob_laptop, &mut carol] {
        let event = next_of_type(socket, "EVENT").await;
        assert_eq!(event["Id"], at_moderator["Id"]);
        assert_eq!(event["EventName"], "aws:DISCONNECT_USER");
        assert_eq!(event["Attributes"], at_moderator["Attributes"]);
    }
    for bob in [&mut bob_phone, &mut bob_laptop] {
        let (code, _reason) = next_close(bob).await;
        assert_eq!(code, 1000);
    }
    // The others stay connected.
    say(&mut carol, "sentinel", "still here").await;
    assert_next_message_is(&mut moderator, "still here").await;
}

#[tokio::test]
async fn disconnect_user_without_the_capability_is_error_403_and_nobody_is_disconnected() {
    let server = start().await;
    let client = client(&server);
    let room = create_room(&client).await;
    let mut alice = join(&server, &client, &room, "alice", SEND).await;
    let mut bob = join(&server, &client, &room, "bob", SEND).await;

    send(&mut alice, &disconnect_user("kick-403", "bob", None)).await;

    assert_error(&next_frame(&mut alice).await, 403, "kick-403");
    // Bob gets neither the event nor a close: his next frame is his own message.
    say(&mut bob, "sentinel", "not kicked").await;
    assert_next_message_is(&mut alice, "not kicked").await;
}

#[tokio::test]
async fn disconnect_user_without_a_reason_has_only_the_user_id_attribute() {
    let server = start().await;
    let client = client(&server);
    let room = create_room(&client).await;
    let mut moderator = join(&server, &client, &room, "mod", DISCONNECTER).await;
    let mut bob = join(&server, &client, &room, "bob", SEND).await;

    send(&mut moderator, &disconnect_user("kick-1", "bob", None)).await;

    let event = next_of_type(&mut bob, "EVENT").await;
    assert_eq!(event["Attributes"], json!({"UserId": "bob"}));
    assert_eq!(next_close(&mut bob).await.0, 1000);
    assert_eq!(
        next_of_type(&mut moderator, "EVENT").await["EventName"],
        "aws:DISCONNECT_USER"
    );
}
