//! Control-plane calls that reach chat clients: SendEvent, DeleteMessage
//! and DisconnectUser become EVENT frames with the API's returned `id` and an empty
//! `RequestId`; DisconnectUser and DeleteRoom close connections with 1000; nothing crosses
//! from one room to another.

use serde_json::json;

use crate::messaging::support::{
    assert_next_message_is, assert_send_time, join, next_close, next_frame, next_of_type, say,
    send, send_message, SEND, VIEW_ONLY,
};
use crate::support::{client, create_room, start};

#[tokio::test]
async fn send_event_reaches_every_connection_with_the_returned_id_and_an_empty_request_id() {
    let server = start().await;
    let client = client(&server);
    let room = create_room(&client).await;
    let mut alice = join(&server, &client, &room, "alice", SEND).await;
    let mut bob = join(&server, &client, &room, "bob", VIEW_ONLY).await;

    let sent = client
        .send_event()
        .room_identifier(&room)
        .event_name("app:poll")
        .attributes("question", "tea or coffee?")
        .attributes("deadline", "soon")
        .send()
        .await
        .expect("SendEvent");

    let id = sent.id().expect("an id");
    for socket in [&mut alice, &mut bob] {
        let event = next_of_type(socket, "EVENT").await;
        assert_eq!(event["Id"], id);
        assert_eq!(event["RequestId"], "");
        assert_eq!(event["EventName"], "app:poll");
        assert_eq!(
            event["Attributes"],
            json!({"question": "tea or coffee?", "deadline": "soon"})
        );
        assert_send_time(&event);
    }
}

#[tokio::test]
async fn delete_message_api_sends_aws_delete_message_with_the_returned_id() {
    let server = start().await;
    let client = client(&server);
    let room = create_room(&client).await;
    let mut alice = join(&server, &client, &room, "alice", SEND).await;
    let message = say(&mut alice, "r1", "to be deleted").await;
    let message_id = message["Id"].as_str().expect("an Id");

    let deleted = client
        .delete_message()
        .room_identifier(&room)
        .id(message_id)
        .reason("off topic")
        .send()
        .await
        .expect("DeleteMessage");

    let event = next_of_type(&mut alice, "EVENT").await;
    assert_eq!(event["Id"], deleted.id().expect("an id"));
    assert_eq!(event["RequestId"], "");
    assert_eq!(event["EventName"], "aws:DELETE_MESSAGE");
    assert_eq!(
        event["Attributes"],
        json!({"MessageId": message_id, "MessageID": message_id, "Reason": "off topic"})
    );
    assert_send_time(&event);
}

#[tokio::test]
async fn disconnect_user_api_sends_the_event_then_closes_that_users_connections_with_1000() {
    let server = start().await;
    let client = client(&server);
    let room = create_room(&client).await;
    let mut bob = join(&server, &client, &room, "bob", SEND).await;
    let mut bob_again = join(&server, &client, &room, "bob", SEND).await;
    let mut carol = join(&server, &client, &room, "carol", SEND).await;

    client
        .disconnect_user()
        .room_identifier(&room)
        .user_id("bob")
        .reason("banned")
        .send()
        .await
        .expect("DisconnectUser");

    let mut event_ids = Vec::new();
    for socket in [&mut bob, &mut bob_again, &mut carol] {
        let event = next_of_type(socket, "EVENT").await;
        assert_eq!(event["RequestId"], "");
        assert_eq!(event["EventName"], "aws:DISCONNECT_USER");
        assert_eq!(
            event["Attributes"],
            json!({"UserId": "bob", "Reason": "banned"})
        );
        event_ids.push(event["Id"].clone());
    }
    assert!(event_ids.windows(2).all(|w| w[0] == w[1]), "{event_ids:?}");
    assert_eq!(next_close(&mut bob).await.0, 1000);
    assert_eq!(next_close(&mut bob_again).await.0, 1000);
    say(&mut carol, "sentinel", "carol stays").await;
}

#[tokio::test]
async fn delete_room_closes_every_connection_of_the_room_with_1000() {
    let server = start().await;
    let client = client(&server);
    let room = create_room(&client).await;
    let other_room = create_room(&client).await;
    let mut alice = join(&server, &client, &room, "alice", SEND).await;
    let mut bob = join(&server, &client, &room, "bob", VIEW_ONLY).await;
    let mut elsewhere = join(&server, &client, &other_room, "carol", SEND).await;

    client
        .delete_room()
        .identifier(&room)
        .send()
        .await
        .expect("DeleteRoom");

    assert_eq!(next_close(&mut alice).await.0, 1000);
    assert_eq!(next_close(&mut bob).await.0, 1000);
    // The other room is untouched.
    say(&mut elsewhere, "sentinel", "still open").await;
}

#[tokio::test]
async fn events_of_one_room_do_not_reach_another_room() {
    let server = start().await;
    let client = client(&server);
    let room_a = create_room(&client).await;
    let room_b = create_room(&client).await;
    let mut in_b = join(&server, &client, &room_b, "bob", VIEW_ONLY).await;

    client
        .send_event()
        .room_identifier(&room_a)
        .event_name("only-for-a")
        .send()
        .await
        .expect("SendEvent to A");
    client
        .delete_message()
        .room_identifier(&room_a)
        .id("AbCdEfGhIjKl")
        .send()
        .await
        .expect("DeleteMessage in A");
    client
        .disconnect_user()
        .room_identifier(&room_a)
        .user_id("bob")
        .send()
        .await
        .expect("DisconnectUser in A");
    // Room A's activity was recorded before these calls answered; B's own event is the sentinel.
    client
        .send_event()
        .room_identifier(&room_b)
        .event_name("for-b")
        .send()
        .await
        .expect("SendEvent to B");

    let event = next_frame(&mut in_b).await;
    assert_eq!(event["Type"], "EVENT");
    assert_eq!(event["EventName"], "for-b", "{event}");
}

#[tokio::test]
async fn messages_of_one_room_do_not_reach_another_room() {
    let server = start().await;
    let client = client(&server);
    let room_a = create_room(&client).await;
    let room_b = create_room(&client).await;
    let mut in_a = join(&server, &client, &room_a, "alice", SEND).await;
    let mut in_b = join(&server, &client, &room_b, "bob", SEND).await;

    // Alice's echo shows her message was fanned out before the sentinel is sent.
    say(&mut in_a, "r1", "for room A").await;
    send(&mut in_b, &send_message("r2", "for room B")).await;

    assert_next_message_is(&mut in_b, "for room B").await;
}
