//! Rooms through the SDK: CreateRoom, GetRoom, UpdateRoom and DeleteRoom, their outputs,
//! defaults and update semantics, and the not-found cases.

use std::time::SystemTime;

use aws_sdk_ivschat::operation::create_room::CreateRoomError;
use aws_sdk_ivschat::operation::delete_room::DeleteRoomError;
use aws_sdk_ivschat::operation::get_room::GetRoomError;
use aws_sdk_ivschat::operation::update_room::UpdateRoomError;
use aws_sdk_ivschat::types::{FallbackResult, MessageReviewHandler, ResourceType};
use ivschat_local::state::RoomActivity;

use crate::support::{
    assert_id, assert_within, client, create_logging_configuration, create_room, id_of, room_arn,
    start, system_time, ACCOUNT, REGION,
};

const HANDLER: &str = "arn:aws:lambda:us-west-2:123456789012:function:review";

#[tokio::test]
async fn create_room_without_members_mints_an_id_and_arn_and_applies_the_defaults() {
    let server = start().await;
    let client = client(&server);
    let before = SystemTime::now();

    let room = client.create_room().send().await.expect("CreateRoom");

    let after = SystemTime::now();
    let id = room.id().expect("an id");
    assert_id(id);
    assert_eq!(room.arn(), Some(room_arn(id).as_str()));
    assert_eq!(
        room.arn()
            .map(|arn| arn.starts_with("arn:aws:ivschat:us-west-2:123456789012:room/")),
        Some(true)
    );
    assert_eq!(room.maximum_message_rate_per_second(), Some(10));
    assert_eq!(room.maximum_message_length(), Some(500));
    assert!(room.message_review_handler().is_none());
    assert!(room.logging_configuration_identifiers().is_empty());
    assert!(room.tags().is_none_or(|tags| tags.is_empty()));
    assert_within(room.create_time(), before, after);
    assert_eq!(room.create_time(), room.update_time());
}

#[tokio::test]
async fn two_rooms_get_different_ids() {
    let server = start().await;
    let client = client(&server);
    let first = create_room(&client).await;
    let second = create_room(&client).await;
    assert_ne!(first, second);
}

#[tokio::test]
async fn create_room_returns_every_member_it_was_given() {
    let server = start().await;
    let client = client(&server);
    let config = create_logging_configuration(&client, "chat-logs").await;

    let room = client
        .create_room()
        .name("lobby-1_a")
        .maximum_message_rate_per_second(42)
        .maximum_message_length(120)
        .message_review_handler(
            MessageReviewHandler::builder()
                .uri(HANDLER)
                .fallback_result(FallbackResult::Deny)
                .build(),
        )
        .tags("team", "chat")
        .tags("stage", "dev")
        .logging_configuration_identifiers(&config)
        .send()
        .await
        .expect("CreateRoom");

    assert_eq!(room.name(), Some("lobby-1_a"));
    assert_eq!(room.maximum_message_rate_per_second(), Some(42));
    assert_eq!(room.maximum_message_length(), Some(120));
    let handler = room.message_review_handler().expect("a review handler");
    assert_eq!(handler.uri(), Some(HANDLER));
    assert_eq!(handler.fallback_result(), Some(&FallbackResult::Deny));
    let tags = room.tags().expect("tags");
    assert_eq!(tags.len(), 2);
    assert_eq!(tags.get("team").map(String::as_str), Some("chat"));
    assert_eq!(tags.get("stage").map(String::as_str), Some("dev"));
    assert_eq!(room.logging_configuration_identifiers(), [config]);
}

#[tokio::test]
async fn review_handler_without_fallback_result_falls_back_to_allow() {
    let server = start().await;
    let client = client(&server);
    let room = client
        .create_room()
        .message_review_handler(MessageReviewHandler::builder().uri(HANDLER).build())
        .send()
        .await
        .expect("CreateRoom");
    let handler = room.message_review_handler().expect("a review handler");
    assert_eq!(handler.uri(), Some(HANDLER));
    assert_eq!(handler.fallback_result(), Some(&FallbackResult::Allow));
}

#[tokio::test]
async fn get_room_returns_the_room_as_created() {
    let server = start().await;
    let client = client(&server);
    let created = client
        .create_room()
        .name("stage")
        .maximum_message_length(77)
        .tags("k", "v")
        .send()
        .await
        .expect("CreateRoom");

    let room = client
        .get_room()
        .identifier(created.arn().expect("arn"))
        .send()
        .await
        .expect("GetRoom");

    assert_eq!(room.arn(), created.arn());
    assert_eq!(room.id(), created.id());
    assert_eq!(room.name(), Some("stage"));
    assert_eq!(room.maximum_message_length(), Some(77));
    assert_eq!(room.maximum_message_rate_per_second(), Some(10));
    assert_eq!(room.create_time(), created.create_time());
    assert_eq!(room.update_time(), created.update_time());
    assert_eq!(room.tags(), created.tags());
}

#[tokio::test]
async fn update_room_changes_the_given_members_and_leaves_the_omitted_ones() {
    let server = start().await;
    let client = client(&server);
    let config = create_logging_configuration(&client, "keep-me").await;
    let created = client
        .create_room()
        .name("before")
        .maximum_message_rate_per_second(20)
        .maximum_message_length(300)
        .message_review_handler(MessageReviewHandler::builder().uri(HANDLER).build())
        .tags("owner", "alice")
        .logging_configuration_identifiers(&config)
        .send()
        .await
        .expect("CreateRoom");
    let arn = created.arn().expect("arn");

    let updated = client
        .update_room()
        .identifier(arn)
        .maximum_message_length(99)
        .send()
        .await
        .expect("UpdateRoom");

    assert_eq!(updated.maximum_message_length(), Some(99));
    assert_eq!(updated.name(), Some("before"));
    assert_eq!(updated.maximum_message_rate_per_second(), Some(20));
    assert_eq!(
        updated.message_review_handler().and_then(|h| h.uri()),
        Some(HANDLER)
    );
    assert_eq!(updated.logging_configuration_identifiers(), [config]);
    assert_eq!(updated.tags(), created.tags());
    assert_eq!(updated.create_time(), created.create_time());
    assert!(system_time(updated.update_time()) >= system_time(created.update_time()));

    let fetched = client
        .get_room()
        .identifier(arn)
        .send()
        .await
        .expect("GetRoom");
    assert_eq!(fetched.maximum_message_length(), Some(99));
    assert_eq!(fetched.name(), Some("before"));
    assert_eq!(fetched.update_time(), updated.update_time());
}

#[tokio::test]
async fn update_room_with_an_empty_handler_uri_detaches_the_handler() {
    let server = start().await;
    let client = client(&server);
    let created = client
        .create_room()
        .message_review_handler(MessageReviewHandler::builder().uri(HANDLER).build())
        .send()
        .await
        .expect("CreateRoom");
    let arn = created.arn().expect("arn");

    let updated = client
        .update_room()
        .identifier(arn)
        .message_review_handler(MessageReviewHandler::builder().uri("").build())
        .send()
        .await
        .expect("UpdateRoom");

    let uri = |handler: Option<&MessageReviewHandler>| {
        handler.and_then(|h| h.uri()).unwrap_or_default().to_owned()
    };
    assert_eq!(uri(updated.message_review_handler()), "");
    let fetched = client
        .get_room()
        .identifier(arn)
        .send()
        .await
        .expect("GetRoom");
    assert_eq!(uri(fetched.message_review_handler()), "");
}

#[tokio::test]
async fn update_room_can_replace_the_review_handler_and_its_fallback() {
    let server = start().await;
    let client = client(&server);
    let arn = create_room(&client).await;
    let other = "arn:aws:lambda:us-west-2:123456789012:function:other-review";

    let updated = client
        .update_room()
        .identifier(&arn)
        .message_review_handler(
            MessageReviewHandler::builder()
                .uri(other)
                .fallback_result(FallbackResult::Deny)
                .build(),
        )
        .send()
        .await
        .expect("UpdateRoom");

    let handler = updated.message_review_handler().expect("a handler");
    assert_eq!(handler.uri(), Some(other));
    assert_eq!(handler.fallback_result(), Some(&FallbackResult::Deny));
}

#[tokio::test]
async fn update_room_with_a_handler_without_uri_keeps_the_uri_and_sets_the_fallback() {
    let server = start().await;
    let client = client(&server);
    let room = client
        .create_room()
        .message_review_handler(MessageReviewHandler::builder().uri(HANDLER).build())
        .send()
        .await
        .expect("CreateRoom");
    let arn = room.arn().expect("arn");

    let updated = client
        .update_room()
        .identifier(arn)
        .message_review_handler(
            MessageReviewHandler::builder()
                .fallback_result(FallbackResult::Deny)
                .build(),
        )
        .send()
        .await
        .expect("UpdateRoom");

    let handler = updated.message_review_handler().expect("a handler");
    assert_eq!(handler.uri(), Some(HANDLER));
    assert_eq!(handler.fallback_result(), Some(&FallbackResult::Deny));
}

#[tokio::test]
async fn update_room_logging_configuration_list_replaces_the_whole_list() {
    let server = start().await;
    let client = client(&server);
    let first = create_logging_configuration(&client, "first").await;
    let second = create_logging_configuration(&client, "second").await;
    let third = create_logging_configuration(&client, "third").await;
    let room = client
        .create_room()
        .logging_configuration_identifiers(&first)
        .logging_configuration_identifiers(&second)
        .send()
        .await
        .expect("CreateRoom");
    let arn = room.arn().expect("arn");

    let replaced = client
        .update_room()
        .identifier(arn)
        .logging_configuration_identifiers(&third)
        .send()
        .await
        .expect("UpdateRoom");
    assert_eq!(replaced.logging_configuration_identifiers(), [third]);

    let emptied = client
        .update_room()
        .identifier(arn)
        .set_logging_configuration_identifiers(Some(Vec::new()))
        .send()
        .await
        .expect("UpdateRoom");
    assert!(emptied.logging_configuration_identifiers().is_empty());
}

#[tokio::test]
async fn update_room_with_an_unknown_logging_configuration_is_not_found_and_changes_nothing() {
    let server = start().await;
    let client = client(&server);
    let config = create_logging_configuration(&client, "kept").await;
    let room = client
        .create_room()
        .logging_configuration_identifiers(&config)
        .send()
        .await
        .expect("CreateRoom");
    let arn = room.arn().expect("arn");
    let unknown = crate::support::logging_configuration_arn("NoSuchConfig");

    let err = client
        .update_room()
        .identifier(arn)
        .name("renamed")
        .logging_configuration_identifiers(&unknown)
        .send()
        .await
        .expect_err("an unknown configuration")
        .into_service_error();

    let UpdateRoomError::ResourceNotFoundException(e) = err else {
        panic!("expected ResourceNotFoundException, got {err:?}")
    };
    assert_eq!(e.resource_id(), "NoSuchConfig");
    let fetched = client
        .get_room()
        .identifier(arn)
        .send()
        .await
        .expect("GetRoom");
    assert_eq!(fetched.name(), room.name());
    assert_eq!(fetched.logging_configuration_identifiers(), [config]);
}

#[tokio::test]
async fn update_room_of_an_unknown_room_is_not_found() {
    let server = start().await;
    let client = client(&server);
    let err = client
        .update_room()
        .identifier(room_arn("AbCdEfGhIjKl"))
        .name("x")
        .send()
        .await
        .expect_err("no such room")
        .into_service_error();
    let UpdateRoomError::ResourceNotFoundException(e) = err else {
        panic!("expected ResourceNotFoundException, got {err:?}")
    };
    assert_eq!(e.resource_id(), "AbCdEfGhIjKl");
}

#[tokio::test]
async fn delete_room_answers_204_and_then_get_room_is_not_found() {
    let server = start().await;
    let client = client(&server);
    let arn = create_room(&client).await;

    client
        .delete_room()
        .identifier(&arn)
        .send()
        .await
        .expect("DeleteRoom");

    let err = client
        .get_room()
        .identifier(&arn)
        .send()
        .await
        .expect_err("the room is gone")
        .into_service_error();
    let GetRoomError::ResourceNotFoundException(e) = err else {
        panic!("expected ResourceNotFoundException, got {err:?}")
    };
    assert_eq!(e.resource_id(), id_of(&arn));
    assert_eq!(e.resource_type(), &ResourceType::Room);
}

#[tokio::test]
async fn delete_room_is_recorded_so_that_its_connections_close() {
    let server = start().await;
    let client = client(&server);
    let arn = create_room(&client).await;

    client
        .delete_room()
        .identifier(&arn)
        .send()
        .await
        .expect("DeleteRoom");

    let recent = server.state().activity.recent();
    assert!(
        recent.iter().any(|activity| **activity
            == RoomActivity::RoomDeleted {
                region: REGION.into(),
                room_id: id_of(&arn).into(),
            }),
        "no RoomDeleted in {recent:?}"
    );
}

#[tokio::test]
async fn delete_room_twice_is_not_found_the_second_time() {
    let server = start().await;
    let client = client(&server);
    let arn = create_room(&client).await;
    client
        .delete_room()
        .identifier(&arn)
        .send()
        .await
        .expect("DeleteRoom");

    let err = client
        .delete_room()
        .identifier(&arn)
        .send()
        .await
        .expect_err("already deleted")
        .into_service_error();
    let DeleteRoomError::ResourceNotFoundException(e) = err else {
        panic!("expected ResourceNotFoundException, got {err:?}")
    };
    assert_eq!(e.resource_id(), id_of(&arn));
}

#[tokio::test]
async fn get_room_of_an_unknown_id_is_not_found_naming_the_id() {
    let server = start().await;
    let client = client(&server);
    let err = client
        .get_room()
        .identifier(room_arn("zzzzzzzzzzzz"))
        .send()
        .await
        .expect_err("no such room")
        .into_service_error();
    let GetRoomError::ResourceNotFoundException(e) = err else {
        panic!("expected ResourceNotFoundException, got {err:?}")
    };
    assert_eq!(e.resource_id(), "zzzzzzzzzzzz");
    assert_eq!(e.resource_type(), &ResourceType::Room);
    assert!(!e.message().is_empty());
}

#[tokio::test]
async fn get_room_with_the_arn_of_another_region_is_not_found() {
    let server = start().await;
    let client = client(&server);
    let arn = create_room(&client).await;
    let elsewhere = arn.replace(":us-west-2:", ":eu-west-1:");

    let err = client
        .get_room()
        .identifier(&elsewhere)
        .send()
        .await
        .expect_err("not in this region")
        .into_service_error();

    let GetRoomError::ResourceNotFoundException(e) = err else {
        panic!("expected ResourceNotFoundException, got {err:?}")
    };
    assert_eq!(e.resource_id(), id_of(&arn));
}

#[tokio::test]
async fn get_room_with_the_arn_of_another_account_is_not_found() {
    let server = start().await;
    let client = client(&server);
    let arn = create_room(&client).await;
    let elsewhere = arn.replace(&format!(":{ACCOUNT}:"), ":999999999999:");

    let err = client
        .get_room()
        .identifier(&elsewhere)
        .send()
        .await
        .expect_err("not in this account")
        .into_service_error();

    let GetRoomError::ResourceNotFoundException(e) = err else {
        panic!("expected ResourceNotFoundException, got {err:?}")
    };
    assert_eq!(e.resource_id(), id_of(&arn));
}

#[tokio::test]
async fn create_room_with_an_unknown_logging_configuration_is_not_found_and_creates_nothing() {
    let server = start().await;
    let client = client(&server);
    let unknown = crate::support::logging_configuration_arn("NoSuchConfig");

    let err = client
        .create_room()
        .logging_configuration_identifiers(&unknown)
        .send()
        .await
        .expect_err("unknown configuration")
        .into_service_error();

    let CreateRoomError::ResourceNotFoundException(e) = err else {
        panic!("expected ResourceNotFoundException, got {err:?}")
    };
    assert_eq!(e.resource_id(), "NoSuchConfig");
    let rooms = client.list_rooms().send().await.expect("ListRooms");
    assert!(rooms.rooms().is_empty());
}

#[tokio::test]
async fn create_room_with_a_logging_configuration_of_another_region_is_not_found() {
    let server = start().await;
    let client = client(&server);
    let config = create_logging_configuration(&client, "here").await;
    let elsewhere = config.replace(":us-west-2:", ":us-east-1:");

    let err = client
        .create_room()
        .logging_configuration_identifiers(&elsewhere)
        .send()
        .await
        .expect_err("not in this region")
        .into_service_error();

    assert!(
        matches!(err, CreateRoomError::ResourceNotFoundException(_)),
        "expected ResourceNotFoundException, got {err:?}"
    );
}

#[tokio::test]
async fn delete_room_with_the_arn_of_another_region_deletes_nothing() {
    let server = start().await;
    let client = client(&server);
    let arn = create_room(&client).await;
    let err = client
        .delete_room()
        .identifier(arn.replace(":us-west-2:", ":us-east-1:"))
        .send()
        .await
        .expect_err("not in this region")
        .into_service_error();
    assert!(
        matches!(err, DeleteRoomError::ResourceNotFoundException(_)),
        "got {err:?}"
    );
    client
        .get_room()
        .identifier(&arn)
        .send()
        .await
        .expect("the room is still there");
}
