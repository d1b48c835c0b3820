//! Server-side validation of room inputs (the SDK checks almost nothing): lengths, patterns,
//! ranges, the corrected Lambda ARN pattern, resource ARN patterns, list sizes; every bad
//! member is named in one ValidationException.

use std::collections::HashSet;

use aws_sdk_ivschat::operation::create_room::CreateRoomError;
use aws_sdk_ivschat::operation::get_logging_configuration::GetLoggingConfigurationError;
use aws_sdk_ivschat::operation::get_room::GetRoomError;
use aws_sdk_ivschat::operation::update_room::UpdateRoomError;
use aws_sdk_ivschat::types::{MessageReviewHandler, ValidationExceptionReason};
use aws_sdk_ivschat::Client;

use crate::support::{client, create_logging_configuration, create_room, start};

fn handler(uri: &str) -> MessageReviewHandler {
    MessageReviewHandler::builder().uri(uri).build()
}

/// The fields a refused CreateRoom names.
async fn refused_create_room_fields(
    client: &Client,
    request: aws_sdk_ivschat::operation::create_room::builders::CreateRoomFluentBuilder,
) -> Vec<String> {
    let err = request
        .send()
        .await
        .expect_err("a refused CreateRoom")
        .into_service_error();
    let CreateRoomError::ValidationException(e) = err else {
        panic!("expected ValidationException, got {err:?}")
    };
    assert_eq!(
        e.reason(),
        &ValidationExceptionReason::FieldValidationFailed
    );
    assert!(!e.message().is_empty());
    let rooms = client.list_rooms().send().await.expect("ListRooms");
    assert!(
        rooms.rooms().is_empty(),
        "a refused CreateRoom created a room"
    );
    e.field_list().iter().map(|f| f.name().to_owned()).collect()
}

#[tokio::test]
async fn create_room_names_every_bad_member_in_one_validation_exception() {
    let server = start().await;
    let client = client(&server);
    let request = client
        .create_room()
        .name("bad name!")
        .maximum_message_rate_per_second(0)
        .maximum_message_length(501)
        .message_review_handler(handler("not-a-lambda-arn"))
        .tags("aws:reserved", "x");

    let fields = refused_create_room_fields(&client, request).await;

    let fields: HashSet<&str> = fields.iter().map(String::as_str).collect();
    assert_eq!(
        fields,
        HashSet::from([
            "name",
            "maximumMessageRatePerSecond",
            "maximumMessageLength",
            "messageReviewHandler.uri",
            "tags",
        ])
    );
}

#[tokio::test]
async fn room_names_may_have_128_letters_digits_dashes_and_underscores() {
    let server = start().await;
    let client = client(&server);
    let name = format!("{}-_9", "n".repeat(124));
    let room = client
        .create_room()
        .name(&name)
        .send()
        .await
        .expect("a 128-character name");
    assert_eq!(room.name(), Some(name.as_str()));
    let room = client
        .create_room()
        .name("")
        .send()
        .await
        .expect("an empty name");
    assert_eq!(room.name().unwrap_or_default(), "");
}

#[tokio::test]
async fn room_names_over_128_characters_or_with_other_characters_are_rejected() {
    let server = start().await;
    let client = client(&server);
    for bad in [
        "n".repeat(129),
        "with space".into(),
        "dot.name".into(),
        "ünïcode".into(),
    ] {
        let fields = refused_create_room_fields(&client, client.create_room().name(&bad)).await;
        assert_eq!(fields, ["name"], "{bad:?}");
    }
}

#[tokio::test]
async fn maximum_message_length_runs_from_1_to_500() {
    let server = start().await;
    let client = client(&server);
    for bad in [0, 501, -1] {
        let fields =
            refused_create_room_fields(&client, client.create_room().maximum_message_length(bad))
                .await;
        assert_eq!(fields, ["maximumMessageLength"], "{bad}");
    }
    for good in [1, 500] {
        let room = client
            .create_room()
            .maximum_message_length(good)
            .send()
            .await
            .expect("in range");
        assert_eq!(room.maximum_message_length(), Some(good));
    }
}

#[tokio::test]
async fn maximum_message_rate_per_second_runs_from_1_to_100() {
    let server = start().await;
    let client = client(&server);
    for bad in [0, 101] {
        let fields = refused_create_room_fields(
            &client,
            client.create_room().maximum_message_rate_per_second(bad),
        )
        .await;
        assert_eq!(fields, ["maximumMessageRatePerSecond"], "{bad}");
    }
    let room = client
        .create_room()
        .maximum_message_rate_per_second(100)
        .send()
        .await
        .expect("100 is allowed");
    assert_eq!(room.maximum_message_rate_per_second(), Some(100));
}

#[tokio::test]
async fn review_handler_uri_must_match_the_corrected_lambda_arn_pattern() {
    let server = start().await;
    let client = client(&server);
    let long_function = format!(
        "arn:aws:lambda:us-west-2:123456789012:function:{}",
        "f".repeat(171 - 47)
    );
    assert_eq!(long_function.len(), 171);
    for bad in [
        "not-an-arn",
        "arn:aws:lambda:us-west-2:12345678901:function:short-account",
        "arn:aws:lambda:us-west-2:123456789012:layer:not-a-function",
        "arn:aws:lambda:US-WEST-2:123456789012:function:upper-region",
        "arn:aws:lambda:us-west-2:123456789012:function:",
        "arn:aws-cn:lambda:cn-north-1:123456789012:function:other-partition",
        "xarn:aws:lambda:us-west-2:123456789012:function:prefixed",
        long_function.as_str(),
    ] {
        let fields = refused_create_room_fields(
            &client,
            client.create_room().message_review_handler(handler(bad)),
        )
        .await;
        assert_eq!(fields, ["messageReviewHandler.uri"], "{bad}");
    }
    let ok = format!(
        "arn:aws:lambda:us-west-2:123456789012:function:{}",
        "f".repeat(170 - 47)
    );
    for good in [
        "arn:aws:lambda:us-west-2:123456789012:function:review",
        "arn:aws:lambda:us-west-2:123456789012:function:review:live",
        ok.as_str(),
    ] {
        client
            .create_room()
            .message_review_handler(handler(good))
            .send()
            .await
            .unwrap_or_else(|e| panic!("{good} is a Lambda function ARN: {e:?}"));
    }
}

#[tokio::test]
async fn create_room_with_more_than_3_logging_configurations_is_rejected() {
    let server = start().await;
    let client = client(&server);
    let mut configs = Vec::new();
    for n in 0..4 {
        configs.push(create_logging_configuration(&client, &format!("logs-{n}")).await);
    }

    let fields = refused_create_room_fields(
        &client,
        client
            .create_room()
            .set_logging_configuration_identifiers(Some(configs.clone())),
    )
    .await;
    assert_eq!(fields, ["loggingConfigurationIdentifiers"]);

    let room = client
        .create_room()
        .set_logging_configuration_identifiers(Some(configs[..3].to_vec()))
        .send()
        .await
        .expect("3 are allowed");
    assert_eq!(room.logging_configuration_identifiers(), &configs[..3]);
}

#[tokio::test]
async fn logging_configuration_identifiers_must_be_logging_configuration_arns() {
    let server = start().await;
    let client = client(&server);
    let room = crate::support::room_arn("AbCdEfGhIjKl");
    let fields = refused_create_room_fields(
        &client,
        client
            .create_room()
            .logging_configuration_identifiers(&room),
    )
    .await;
    assert_eq!(fields, ["loggingConfigurationIdentifiers"]);
}

#[tokio::test]
async fn update_room_validates_like_create_room_and_changes_nothing() {
    let server = start().await;
    let client = client(&server);
    let room = client
        .create_room()
        .name("original")
        .send()
        .await
        .expect("CreateRoom");
    let arn = room.arn().expect("arn");

    let err = client
        .update_room()
        .identifier(arn)
        .name("x".repeat(129))
        .maximum_message_length(501)
        .maximum_message_rate_per_second(101)
        .send()
        .await
        .expect_err("bad members")
        .into_service_error();
    let UpdateRoomError::ValidationException(e) = err else {
        panic!("expected ValidationException, got {err:?}")
    };
    let fields: HashSet<&str> = e.field_list().iter().map(|f| f.name()).collect();
    assert_eq!(
        fields,
        HashSet::from([
            "name",
            "maximumMessageLength",
            "maximumMessageRatePerSecond"
        ])
    );
    let fetched = client
        .get_room()
        .identifier(arn)
        .send()
        .await
        .expect("GetRoom");
    assert_eq!(fetched.name(), Some("original"));
    assert_eq!(fetched.update_time(), room.update_time());
}

#[tokio::test]
async fn room_identifiers_must_be_room_arns() {
    let server = start().await;
    let client = client(&server);
    let config = create_logging_configuration(&client, "not-a-room").await;
    for bad in [
        "AbCdEfGhIjKl".to_owned(),
        config,
        "arn:aws:ivschat:us-west-2:123456789012:room/has_underscore".into(),
        format!(
            "arn:aws:ivschat:us-west-2:123456789012:room/{}",
            "a".repeat(90)
        ),
    ] {
        let err = client
            .get_room()
            .identifier(&bad)
            .send()
            .await
            .expect_err("not a room ARN")
            .into_service_error();
        let GetRoomError::ValidationException(e) = err else {
            panic!("expected ValidationException for {bad}, got {err:?}")
        };
        assert!(
            e.field_list().iter().all(|f| f.name() == "identifier") && !e.field_list().is_empty(),
            "{bad}: {:?}",
            e.field_list()
        );
    }
}

#[tokio::test]
async fn logging_configuration_identifiers_must_be_logging_configuration_arns_in_get() {
    let server = start().await;
    let client = client(&server);
    let room = create_room(&client).await;
    let err = client
        .get_logging_configuration()
        .identifier(&room)
        .send()
        .await
        .expect_err("a room ARN")
        .into_service_error();
    let GetLoggingConfigurationError::ValidationException(e) = err else {
        panic!("expected ValidationException, got {err:?}")
    };
    assert_eq!(e.field_list()[0].name(), "identifier");
}

/// The Chat User Guide: the review handler must be in the room's account and region.
#[tokio::test]
async fn a_review_handler_in_another_account_or_region_is_refused_naming_the_uri() {
    let server = start().await;
    let client = client(&server);
    let elsewhere = [
        "arn:aws:lambda:eu-central-1:123456789012:function:review",
        "arn:aws:lambda:us-west-2:210987654321:function:review",
        "arn:aws:lambda:us-east-1:210987654321:function:review:live",
    ];
    for uri in elsewhere {
        let fields = refused_create_room_fields(
            &client,
            client.create_room().message_review_handler(handler(uri)),
        )
        .await;
        assert_eq!(fields, ["messageReviewHandler.uri"], "{uri}");
    }

    let arn = create_room(&client).await;
    for uri in elsewhere {
        let err = client
            .update_room()
            .identifier(&arn)
            .message_review_handler(handler(uri))
            .send()
            .await
            .expect_err("a handler elsewhere")
            .into_service_error();
        let UpdateRoomError::ValidationException(e) = err else {
            panic!("expected ValidationException, got {err:?}")
        };
        let field = e.field_list().first().expect("one field");
        assert_eq!(field.name(), "messageReviewHandler.uri");
        assert!(
            field.message().contains("123456789012") && field.message().contains("us-west-2"),
            "{field:?}"
        );
    }
    let room = client
        .get_room()
        .identifier(&arn)
        .send()
        .await
        .expect("GetRoom");
    assert!(room.message_review_handler().is_none(), "{room:?}");

    // The room's own account and region, and an empty uri (detach), are fine.
    client
        .update_room()
        .identifier(&arn)
        .message_review_handler(handler(
            "arn:aws:lambda:us-west-2:123456789012:function:review",
        ))
        .send()
        .await
        .expect("a handler of the room's account and region");
    client
        .update_room()
        .identifier(&arn)
        .message_review_handler(handler(""))
        .send()
        .await
        .expect("an empty uri detaches");
}
