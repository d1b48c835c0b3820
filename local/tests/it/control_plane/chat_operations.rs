//! The operations that reach chat clients: CreateChatToken (tokens and their grants),
//! SendEvent, DeleteMessage and DisconnectUser (answers and the activity they record).

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime};

use aws_sdk_ivschat::operation::create_chat_token::CreateChatTokenError;
use aws_sdk_ivschat::operation::delete_message::DeleteMessageError;
use aws_sdk_ivschat::operation::disconnect_user::DisconnectUserError;
use aws_sdk_ivschat::operation::send_event::SendEventError;
use aws_sdk_ivschat::types::{ChatTokenCapability, ValidationExceptionReason};
use ivschat_local::state::{Capability, RoomActivity};

use crate::support::{
    assert_id, assert_within, client, create_room, id_of, room_arn, start, start_with, REGION,
};

fn field_names(fields: &[aws_sdk_ivschat::types::ValidationExceptionField]) -> Vec<&str> {
    fields.iter().map(|f| f.name()).collect()
}

#[tokio::test]
async fn create_chat_token_returns_a_url_safe_token_expiring_in_a_minute_and_a_60_minute_session() {
    let server = start().await;
    let client = client(&server);
    let arn = create_room(&client).await;
    let before = SystemTime::now();

    let token = client
        .create_chat_token()
        .room_identifier(&arn)
        .user_id("alice")
        .send()
        .await
        .expect("CreateChatToken");

    let after = SystemTime::now();
    let value = token.token().expect("a token");
    assert!(value.len() >= 32, "token {value:?} is short");
    assert!(
        value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
        "token {value:?} is not URL-safe"
    );
    let minute = Duration::from_secs(60);
    assert_within(
        token.token_expiration_time(),
        before + minute,
        after + minute,
    );
    assert_within(
        token.session_expiration_time(),
        before + 60 * minute,
        after + 60 * minute,
    );
}

#[tokio::test]
async fn session_expiration_time_is_now_plus_session_duration_in_minutes() {
    let server = start().await;
    let client = client(&server);
    let arn = create_room(&client).await;
    let before = SystemTime::now();

    let token = client
        .create_chat_token()
        .room_identifier(&arn)
        .user_id("bob")
        .session_duration_in_minutes(180)
        .send()
        .await
        .expect("CreateChatToken");

    let after = SystemTime::now();
    let three_hours = Duration::from_secs(180 * 60);
    assert_within(
        token.session_expiration_time(),
        before + three_hours,
        after + three_hours,
    );
}

#[tokio::test]
async fn token_expiration_time_follows_the_configured_token_lifetime() {
    let server = start_with(|config| config.token_lifetime_seconds = 300).await;
    let client = client(&server);
    let arn = create_room(&client).await;
    let before = SystemTime::now();

    let token = client
        .create_chat_token()
        .room_identifier(&arn)
        .user_id("carol")
        .send()
        .await
        .expect("CreateChatToken");

    let after = SystemTime::now();
    let five_minutes = Duration::from_secs(300);
    assert_within(
        token.token_expiration_time(),
        before + five_minutes,
        after + five_minutes,
    );
}

#[tokio::test]
async fn a_chat_token_binds_room_user_capabilities_and_attributes_and_redeems_once() {
    let server = start().await;
    let client = client(&server);
    let arn = create_room(&client).await;

    let token = client
        .create_chat_token()
        .room_identifier(&arn)
        .user_id("dave")
        .capabilities(ChatTokenCapability::SendMessage)
        .capabilities(ChatTokenCapability::DeleteMessage)
        .attributes("displayName", "Dave")
        .attributes("colour", "blue")
        .send()
        .await
        .expect("CreateChatToken");
    let value = token.token().expect("a token");

    let now = time::OffsetDateTime::now_utc();
    let grant = server
        .state()
        .chat_tokens
        .redeem(value, now)
        .expect("a fresh token redeems");
    assert_eq!(grant.region, REGION);
    assert_eq!(grant.room_id, id_of(&arn));
    assert_eq!(grant.user_id, "dave");
    assert_eq!(
        grant.capabilities,
        [Capability::SendMessage, Capability::DeleteMessage]
    );
    let expected: BTreeMap<String, String> = [("colour", "blue"), ("displayName", "Dave")]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    assert_eq!(grant.attributes, expected);
    assert!(server.state().chat_tokens.redeem(value, now).is_err());
}

#[tokio::test]
async fn each_create_chat_token_mints_a_different_token() {
    let server = start().await;
    let client = client(&server);
    let arn = create_room(&client).await;
    let mut tokens = Vec::new();
    for _ in 0..3 {
        let token = client
            .create_chat_token()
            .room_identifier(&arn)
            .user_id("same-user")
            .send()
            .await
            .expect("CreateChatToken");
        tokens.push(token.token().expect("a token").to_owned());
    }
    tokens.sort();
    tokens.dedup();
    assert_eq!(tokens.len(), 3);
}

#[tokio::test]
async fn create_chat_token_for_a_deleted_room_is_not_found() {
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
        .create_chat_token()
        .room_identifier(&arn)
        .user_id("erin")
        .send()
        .await
        .expect_err("the room is gone")
        .into_service_error();

    let CreateChatTokenError::ResourceNotFoundException(e) = err else {
        panic!("expected ResourceNotFoundException, got {err:?}")
    };
    assert_eq!(e.resource_id(), id_of(&arn));
}

#[tokio::test]
async fn create_chat_token_rejects_session_durations_of_0_and_181_minutes() {
    let server = start().await;
    let client = client(&server);
    let arn = create_room(&client).await;
    for minutes in [0, 181] {
        let err = client
            .create_chat_token()
            .room_identifier(&arn)
            .user_id("frank")
            .session_duration_in_minutes(minutes)
            .send()
            .await
            .expect_err("out of range")
            .into_service_error();
        let CreateChatTokenError::ValidationException(e) = err else {
            panic!("expected ValidationException for {minutes}, got {err:?}")
        };
        assert_eq!(
            e.reason(),
            &ValidationExceptionReason::FieldValidationFailed
        );
        assert_eq!(field_names(e.field_list()), ["sessionDurationInMinutes"]);
    }
}

#[tokio::test]
async fn create_chat_token_accepts_attributes_of_exactly_1_kb() {
    let server = start().await;
    let client = client(&server);
    let arn = create_room(&client).await;
    // key "a" + 1023 bytes of value = 1024 bytes.
    let value = "v".repeat(1023);

    let token = client
        .create_chat_token()
        .room_identifier(&arn)
        .user_id("grace")
        .attributes("a", value)
        .send()
        .await
        .expect("1 KB of attributes is allowed");
    assert!(token.token().is_some());
}

#[tokio::test]
async fn create_chat_token_rejects_attributes_over_1_kb() {
    let server = start().await;
    let client = client(&server);
    let arn = create_room(&client).await;

    let err = client
        .create_chat_token()
        .room_identifier(&arn)
        .user_id("heidi")
        .attributes("a", "v".repeat(1000))
        .attributes("b", "w".repeat(30))
        .send()
        .await
        .expect_err("over 1 KB")
        .into_service_error();

    let CreateChatTokenError::ValidationException(e) = err else {
        panic!("expected ValidationException, got {err:?}")
    };
    assert_eq!(field_names(e.field_list()), ["attributes"]);
}

#[tokio::test]
async fn create_chat_token_rejects_an_unknown_capability_and_an_empty_or_long_user_id() {
    let server = start().await;
    let client = client(&server);
    let arn = create_room(&client).await;

    let err = client
        .create_chat_token()
        .room_identifier(&arn)
        .user_id("")
        .capabilities(ChatTokenCapability::from("FLY"))
        .send()
        .await
        .expect_err("bad members")
        .into_service_error();
    let CreateChatTokenError::ValidationException(e) = err else {
        panic!("expected ValidationException, got {err:?}")
    };
    let mut names = field_names(e.field_list());
    names.sort_unstable();
    assert_eq!(names, ["capabilities", "userId"]);

    let err = client
        .create_chat_token()
        .room_identifier(&arn)
        .user_id("u".repeat(129))
        .send()
        .await
        .expect_err("user id too long")
        .into_service_error();
    let CreateChatTokenError::ValidationException(e) = err else {
        panic!("expected ValidationException, got {err:?}")
    };
    assert_eq!(field_names(e.field_list()), ["userId"]);
    assert!(
        !e.message().contains(&"u".repeat(129)),
        "the sensitive userId is echoed: {}",
        e.message()
    );
}

#[tokio::test]
async fn send_event_returns_an_id_and_records_the_event_for_the_room() {
    let server = start().await;
    let client = client(&server);
    let arn = create_room(&client).await;

    let sent = client
        .send_event()
        .room_identifier(&arn)
        .event_name("app:poll")
        .attributes("question", "tea or coffee?")
        .send()
        .await
        .expect("SendEvent");

    let id = sent.id().expect("an id");
    assert_id(id);
    let recent = server.state().activity.recent();
    let recorded = recent
        .iter()
        .find_map(|activity| match &**activity {
            RoomActivity::EventSent {
                region,
                room_id,
                id: event_id,
                event_name,
                attributes,
                ..
            } if event_id == id => Some((region, room_id, event_name, attributes)),
            _ => None,
        })
        .expect("the event is recorded");
    assert_eq!(recorded.0, REGION);
    assert_eq!(recorded.1, id_of(&arn));
    assert_eq!(recorded.2, "app:poll");
    assert_eq!(
        recorded.3.get("question").map(String::as_str),
        Some("tea or coffee?")
    );
}

#[tokio::test]
async fn send_event_rejects_attributes_over_1_kb_and_event_names_over_100() {
    let server = start().await;
    let client = client(&server);
    let arn = create_room(&client).await;

    let err = client
        .send_event()
        .room_identifier(&arn)
        .event_name("e".repeat(101))
        .attributes("big", "x".repeat(1100))
        .send()
        .await
        .expect_err("too big")
        .into_service_error();

    let SendEventError::ValidationException(e) = err else {
        panic!("expected ValidationException, got {err:?}")
    };
    let mut names = field_names(e.field_list());
    names.sort_unstable();
    assert_eq!(names, ["attributes", "eventName"]);
    assert!(server.state().activity.recent().is_empty());
}

#[tokio::test]
async fn send_event_to_an_unknown_room_is_not_found() {
    let server = start().await;
    let client = client(&server);
    let err = client
        .send_event()
        .room_identifier(room_arn("NoSuchRoom12"))
        .event_name("x")
        .send()
        .await
        .expect_err("no such room")
        .into_service_error();
    let SendEventError::ResourceNotFoundException(e) = err else {
        panic!("expected ResourceNotFoundException, got {err:?}")
    };
    assert_eq!(e.resource_id(), "NoSuchRoom12");
}

#[tokio::test]
async fn delete_message_returns_an_id_and_records_the_deletion_with_its_reason() {
    let server = start().await;
    let client = client(&server);
    let arn = create_room(&client).await;

    let deleted = client
        .delete_message()
        .room_identifier(&arn)
        .id("M2YcHkgffEvU")
        .reason("spam")
        .send()
        .await
        .expect("DeleteMessage");

    let id = deleted.id().expect("an id");
    assert_id(id);
    let recent = server.state().activity.recent();
    assert!(
        recent.iter().any(|activity| matches!(
            &**activity,
            RoomActivity::MessageDeleted { region, room_id, id: op, message_id, reason, .. }
                if region == REGION
                    && room_id == id_of(&arn)
                    && op == id
                    && message_id == "M2YcHkgffEvU"
                    && reason.as_deref() == Some("spam")
        )),
        "no matching MessageDeleted in {recent:?}"
    );
}

#[tokio::test]
async fn delete_message_rejects_a_message_id_that_is_not_12_alphanumerics() {
    let server = start().await;
    let client = client(&server);
    let arn = create_room(&client).await;
    for bad in ["short", "M2YcHkgffEv!", "M2YcHkgffEvUx"] {
        let err = client
            .delete_message()
            .room_identifier(&arn)
            .id(bad)
            .send()
            .await
            .expect_err("a bad message id")
            .into_service_error();
        let DeleteMessageError::ValidationException(e) = err else {
            panic!("expected ValidationException for {bad:?}, got {err:?}")
        };
        assert!(
            field_names(e.field_list()).iter().all(|name| *name == "id"),
            "{bad:?}: {:?}",
            e.field_list()
        );
    }
}

#[tokio::test]
async fn disconnect_user_answers_and_records_the_disconnection() {
    let server = start().await;
    let client = client(&server);
    let arn = create_room(&client).await;

    client
        .disconnect_user()
        .room_identifier(&arn)
        .user_id("mallory")
        .reason("abuse")
        .send()
        .await
        .expect("DisconnectUser");

    let recent = server.state().activity.recent();
    let recorded = recent.iter().find_map(|activity| match &**activity {
        RoomActivity::UserDisconnected {
            region,
            room_id,
            id,
            user_id,
            reason,
            ..
        } => Some((region, room_id, id, user_id, reason)),
        _ => None,
    });
    let (region, room_id, id, user_id, reason) = recorded.expect("a UserDisconnected");
    assert_eq!(region, REGION);
    assert_eq!(room_id, id_of(&arn));
    assert_id(id);
    assert_eq!(user_id, "mallory");
    assert_eq!(reason.as_deref(), Some("abuse"));
}

#[tokio::test]
async fn disconnect_user_rejects_a_reason_over_256_characters() {
    let server = start().await;
    let client = client(&server);
    let arn = create_room(&client).await;
    let err = client
        .disconnect_user()
        .room_identifier(&arn)
        .user_id("mallory")
        .reason("r".repeat(257))
        .send()
        .await
        .expect_err("reason too long")
        .into_service_error();
    let DisconnectUserError::ValidationException(e) = err else {
        panic!("expected ValidationException, got {err:?}")
    };
    assert_eq!(field_names(e.field_list()), ["reason"]);
}

#[tokio::test]
async fn disconnect_user_in_an_unknown_room_is_not_found() {
    let server = start().await;
    let client = client(&server);
    let err = client
        .disconnect_user()
        .room_identifier(room_arn("NoSuchRoom12"))
        .user_id("mallory")
        .send()
        .await
        .expect_err("no such room")
        .into_service_error();
    assert!(
        matches!(err, DisconnectUserError::ResourceNotFoundException(ref e) if e.resource_id() == "NoSuchRoom12"),
        "got {err:?}"
    );
    assert!(server.state().activity.recent().is_empty());
}

#[tokio::test]
async fn attribute_size_is_counted_in_utf8_bytes() {
    let server = start().await;
    let client = client(&server);
    let arn = create_room(&client).await;
    // 600 characters, 1200 bytes.
    let err = client
        .send_event()
        .room_identifier(&arn)
        .event_name("wide")
        .attributes("k", "é".repeat(600))
        .send()
        .await
        .expect_err("over 1 KB in bytes")
        .into_service_error();
    assert!(
        matches!(err, SendEventError::ValidationException(_)),
        "got {err:?}"
    );
}

#[tokio::test]
async fn send_event_requires_a_non_empty_event_name() {
    let server = start().await;
    let client = client(&server);
    let arn = create_room(&client).await;
    let err = client
        .send_event()
        .room_identifier(&arn)
        .event_name("")
        .send()
        .await
        .expect_err("an empty event name")
        .into_service_error();
    let SendEventError::ValidationException(e) = err else {
        panic!("expected ValidationException, got {err:?}")
    };
    assert_eq!(field_names(e.field_list()), ["eventName"]);
}
