//! Logging configurations through the SDK: the five operations, their outputs, the
//! destination union and its member constraints, pagination, and the conflict of deleting
//! one still attached to a room.

use std::collections::HashSet;
use std::time::SystemTime;

use aws_sdk_ivschat::operation::create_logging_configuration::CreateLoggingConfigurationError;
use aws_sdk_ivschat::operation::delete_logging_configuration::DeleteLoggingConfigurationError;
use aws_sdk_ivschat::operation::get_logging_configuration::GetLoggingConfigurationError;
use aws_sdk_ivschat::operation::list_logging_configurations::ListLoggingConfigurationsError;
use aws_sdk_ivschat::operation::update_logging_configuration::UpdateLoggingConfigurationError;
use aws_sdk_ivschat::types::{
    CloudWatchLogsDestinationConfiguration, CreateLoggingConfigurationState,
    DestinationConfiguration, FirehoseDestinationConfiguration, LoggingConfigurationState,
    UpdateLoggingConfigurationState, ValidationExceptionReason,
};
use http::Method;

use crate::support::{
    assert_id, assert_within, client, create_logging_configuration, id_of,
    logging_configuration_arn, s3, send, signed, start, system_time,
};

fn cloud_watch_logs(log_group_name: &str) -> DestinationConfiguration {
    DestinationConfiguration::CloudWatchLogs(
        CloudWatchLogsDestinationConfiguration::builder()
            .log_group_name(log_group_name)
            .build()
            .expect("log group name is set"),
    )
}

fn firehose(delivery_stream_name: &str) -> DestinationConfiguration {
    DestinationConfiguration::Firehose(
        FirehoseDestinationConfiguration::builder()
            .delivery_stream_name(delivery_stream_name)
            .build()
            .expect("delivery stream name is set"),
    )
}

#[tokio::test]
async fn create_logging_configuration_to_s3_is_active_with_id_arn_name_and_tags() {
    let server = start().await;
    let client = client(&server);
    let before = SystemTime::now();

    let config = client
        .create_logging_configuration()
        .name("to-s3")
        .destination_configuration(s3("my.chat-logs"))
        .tags("team", "chat")
        .send()
        .await
        .expect("CreateLoggingConfiguration");

    let after = SystemTime::now();
    let id = config.id().expect("an id");
    assert_id(id);
    assert_eq!(config.arn(), Some(logging_configuration_arn(id).as_str()));
    assert_eq!(config.name(), Some("to-s3"));
    assert_eq!(
        config.state(),
        Some(&CreateLoggingConfigurationState::Active)
    );
    let bucket = config
        .destination_configuration()
        .and_then(|d| d.as_s3().ok())
        .map(|s3| s3.bucket_name());
    assert_eq!(bucket, Some("my.chat-logs"));
    assert_eq!(
        config
            .tags()
            .and_then(|t| t.get("team"))
            .map(String::as_str),
        Some("chat")
    );
    assert_within(config.create_time(), before, after);
    assert_eq!(config.create_time(), config.update_time());
}

#[tokio::test]
async fn create_logging_configuration_to_cloud_watch_logs_and_firehose_keeps_the_destination() {
    let server = start().await;
    let client = client(&server);

    let logs = client
        .create_logging_configuration()
        .destination_configuration(cloud_watch_logs("/aws/ivschat/room#1_a.b-c"))
        .send()
        .await
        .expect("CreateLoggingConfiguration to CloudWatch Logs");
    let group = logs
        .destination_configuration()
        .and_then(|d| d.as_cloud_watch_logs().ok())
        .map(|d| d.log_group_name());
    assert_eq!(group, Some("/aws/ivschat/room#1_a.b-c"));

    let stream = client
        .create_logging_configuration()
        .destination_configuration(firehose("chat_stream.v1-a"))
        .send()
        .await
        .expect("CreateLoggingConfiguration to Firehose");
    let name = stream
        .destination_configuration()
        .and_then(|d| d.as_firehose().ok())
        .map(|d| d.delivery_stream_name());
    assert_eq!(name, Some("chat_stream.v1-a"));
}

#[tokio::test]
async fn get_logging_configuration_returns_it_active() {
    let server = start().await;
    let client = client(&server);
    let created = client
        .create_logging_configuration()
        .name("fetched")
        .destination_configuration(firehose("stream"))
        .tags("k", "v")
        .send()
        .await
        .expect("CreateLoggingConfiguration");

    let config = client
        .get_logging_configuration()
        .identifier(created.arn().expect("arn"))
        .send()
        .await
        .expect("GetLoggingConfiguration");

    assert_eq!(config.arn(), created.arn());
    assert_eq!(config.id(), created.id());
    assert_eq!(config.name(), Some("fetched"));
    assert_eq!(config.state(), Some(&LoggingConfigurationState::Active));
    assert_eq!(
        config.destination_configuration(),
        created.destination_configuration()
    );
    assert_eq!(config.tags(), created.tags());
    assert_eq!(config.create_time(), created.create_time());
}

#[tokio::test]
async fn update_logging_configuration_changes_the_destination_and_keeps_an_omitted_name() {
    let server = start().await;
    let client = client(&server);
    let created = client
        .create_logging_configuration()
        .name("stays")
        .destination_configuration(s3("old-bucket"))
        .send()
        .await
        .expect("CreateLoggingConfiguration");
    let arn = created.arn().expect("arn");

    let updated = client
        .update_logging_configuration()
        .identifier(arn)
        .destination_configuration(cloud_watch_logs("new-group"))
        .send()
        .await
        .expect("UpdateLoggingConfiguration");

    assert_eq!(
        updated.state(),
        Some(&UpdateLoggingConfigurationState::Active)
    );
    assert_eq!(updated.name(), Some("stays"));
    assert_eq!(updated.id(), created.id());
    assert_eq!(
        updated.destination_configuration(),
        Some(&cloud_watch_logs("new-group"))
    );
    assert_eq!(updated.create_time(), created.create_time());
    assert!(system_time(updated.update_time()) >= system_time(created.update_time()));

    let renamed = client
        .update_logging_configuration()
        .identifier(arn)
        .name("renamed")
        .send()
        .await
        .expect("UpdateLoggingConfiguration");
    assert_eq!(renamed.name(), Some("renamed"));
    assert_eq!(
        renamed.destination_configuration(),
        Some(&cloud_watch_logs("new-group"))
    );
}

#[tokio::test]
async fn update_logging_configuration_of_an_unknown_configuration_is_not_found() {
    let server = start().await;
    let client = client(&server);
    let err = client
        .update_logging_configuration()
        .identifier(logging_configuration_arn("NoSuchConfig"))
        .name("x")
        .send()
        .await
        .expect_err("no such configuration")
        .into_service_error();
    let UpdateLoggingConfigurationError::ResourceNotFoundException(e) = err else {
        panic!("expected ResourceNotFoundException, got {err:?}")
    };
    assert_eq!(e.resource_id(), "NoSuchConfig");
}

#[tokio::test]
async fn delete_logging_configuration_answers_204_and_then_get_is_not_found() {
    let server = start().await;
    let client = client(&server);
    let arn = create_logging_configuration(&client, "short-lived").await;

    let body = serde_json::json!({ "identifier": arn }).to_string();
    let response = send(
        &server,
        signed(
            &server,
            Method::POST,
            "/DeleteLoggingConfiguration",
            body.as_bytes(),
        ),
    )
    .await;
    assert_eq!(response.status.as_u16(), 204);
    assert!(response.body.is_empty());
    assert!(response.header("x-amzn-requestid").is_some());

    let err = client
        .get_logging_configuration()
        .identifier(&arn)
        .send()
        .await
        .expect_err("it is gone")
        .into_service_error();
    let GetLoggingConfigurationError::ResourceNotFoundException(e) = err else {
        panic!("expected ResourceNotFoundException, got {err:?}")
    };
    assert_eq!(e.resource_id(), id_of(&arn));
}

#[tokio::test]
async fn delete_logging_configuration_through_the_sdk_succeeds() {
    let server = start().await;
    let client = client(&server);
    let arn = create_logging_configuration(&client, "sdk-deleted").await;
    client
        .delete_logging_configuration()
        .identifier(&arn)
        .send()
        .await
        .expect("DeleteLoggingConfiguration");
    let listed = client
        .list_logging_configurations()
        .send()
        .await
        .expect("ListLoggingConfigurations");
    assert!(listed.logging_configurations().is_empty());
}

#[tokio::test]
async fn deleting_a_logging_configuration_attached_to_a_room_is_a_conflict_until_detached() {
    let server = start().await;
    let client = client(&server);
    let config = create_logging_configuration(&client, "in-use").await;
    let room = client
        .create_room()
        .logging_configuration_identifiers(&config)
        .send()
        .await
        .expect("CreateRoom");
    let room_arn = room.arn().expect("arn");

    let err = client
        .delete_logging_configuration()
        .identifier(&config)
        .send()
        .await
        .expect_err("still attached")
        .into_service_error();
    let DeleteLoggingConfigurationError::ConflictException(e) = err else {
        panic!("expected ConflictException, got {err:?}")
    };
    assert_eq!(e.resource_id(), id_of(&config));
    client
        .get_logging_configuration()
        .identifier(&config)
        .send()
        .await
        .expect("the configuration is still there");

    client
        .update_room()
        .identifier(room_arn)
        .set_logging_configuration_identifiers(Some(Vec::new()))
        .send()
        .await
        .expect("UpdateRoom detaches");
    client
        .delete_logging_configuration()
        .identifier(&config)
        .send()
        .await
        .expect("a detached configuration deletes");
}

#[tokio::test]
async fn get_logging_configuration_of_an_unknown_id_or_another_region_is_not_found() {
    let server = start().await;
    let client = client(&server);
    let arn = create_logging_configuration(&client, "regional").await;
    for identifier in [
        logging_configuration_arn("NoSuchConfig"),
        arn.replace(":us-west-2:", ":ap-south-1:"),
        arn.replace(":123456789012:", ":210987654321:"),
    ] {
        let err = client
            .get_logging_configuration()
            .identifier(&identifier)
            .send()
            .await
            .expect_err("not found")
            .into_service_error();
        assert!(
            matches!(err, GetLoggingConfigurationError::ResourceNotFoundException(ref e)
                if e.resource_id() == id_of(&identifier)),
            "{identifier}: got {err:?}"
        );
    }
}

#[tokio::test]
async fn list_logging_configurations_with_none_returns_an_empty_list_and_no_token() {
    let server = start().await;
    let client = client(&server);
    let listed = client
        .list_logging_configurations()
        .send()
        .await
        .expect("ListLoggingConfigurations");
    assert!(listed.logging_configurations().is_empty());
    assert_eq!(listed.next_token(), None);
}

#[tokio::test]
async fn list_logging_configurations_pages_through_every_configuration_newest_first() {
    let server = start().await;
    let client = client(&server);
    let mut created = Vec::new();
    for n in 0..5 {
        created.push(create_logging_configuration(&client, &format!("bucket-{n}")).await);
    }

    let mut seen = Vec::new();
    let mut page_sizes = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let page = client
            .list_logging_configurations()
            .max_results(2)
            .set_next_token(token.take())
            .send()
            .await
            .expect("ListLoggingConfigurations");
        page_sizes.push(page.logging_configurations().len());
        for config in page.logging_configurations() {
            assert_eq!(config.state(), Some(&LoggingConfigurationState::Active));
            seen.push(config.arn().expect("arn").to_owned());
        }
        match page.next_token() {
            Some(next) => token = Some(next.to_owned()),
            None => break,
        }
    }

    assert_eq!(page_sizes, [2, 2, 1]);
    let newest_first: Vec<String> = created.iter().rev().cloned().collect();
    assert_eq!(seen, newest_first);
}

#[tokio::test]
async fn list_logging_configurations_rejects_max_results_0_and_51_and_a_foreign_token() {
    let server = start().await;
    let client = client(&server);
    for max in [0, 51] {
        let err = client
            .list_logging_configurations()
            .max_results(max)
            .send()
            .await
            .expect_err("out of range")
            .into_service_error();
        let ListLoggingConfigurationsError::ValidationException(e) = err else {
            panic!("expected ValidationException for {max}, got {err:?}")
        };
        assert_eq!(e.field_list()[0].name(), "maxResults");
    }
    let err = client
        .list_logging_configurations()
        .next_token("not-a-token")
        .send()
        .await
        .expect_err("bad token")
        .into_service_error();
    assert!(
        matches!(err, ListLoggingConfigurationsError::ValidationException(_)),
        "got {err:?}"
    );
}

#[tokio::test]
async fn a_list_rooms_token_is_not_accepted_by_list_logging_configurations() {
    let server = start().await;
    let client = client(&server);
    for _ in 0..2 {
        crate::support::create_room(&client).await;
    }
    let rooms = client
        .list_rooms()
        .max_results(1)
        .send()
        .await
        .expect("ListRooms");
    let token = rooms.next_token().expect("a second page");

    let err = client
        .list_logging_configurations()
        .next_token(token)
        .send()
        .await
        .expect_err("a token of another listing")
        .into_service_error();
    assert!(
        matches!(err, ListLoggingConfigurationsError::ValidationException(_)),
        "got {err:?}"
    );
}

#[tokio::test]
async fn bucket_names_must_be_3_to_63_of_lowercase_digits_dots_and_dashes() {
    let server = start().await;
    let client = client(&server);
    for good in ["abc", "my.bucket-1", &"b".repeat(63)] {
        client
            .create_logging_configuration()
            .destination_configuration(s3(good))
            .send()
            .await
            .unwrap_or_else(|e| panic!("{good:?} is a valid bucket name: {e:?}"));
    }
    for bad in ["ab", "My_Bucket", "bucket name", &"b".repeat(64)] {
        let err = client
            .create_logging_configuration()
            .destination_configuration(s3(bad))
            .send()
            .await
            .expect_err("an invalid bucket name")
            .into_service_error();
        let CreateLoggingConfigurationError::ValidationException(e) = err else {
            panic!("expected ValidationException for {bad:?}, got {err:?}")
        };
        assert!(
            e.field_list()
                .iter()
                .all(|f| f.name() == "destinationConfiguration.s3.bucketName"),
            "{bad:?}: {:?}",
            e.field_list()
        );
    }
}

#[tokio::test]
async fn log_group_names_must_be_1_to_512_of_the_allowed_characters() {
    let server = start().await;
    let client = client(&server);
    for bad in ["group name", "group*", &"g".repeat(513)] {
        let err = client
            .create_logging_configuration()
            .destination_configuration(cloud_watch_logs(bad))
            .send()
            .await
            .expect_err("an invalid log group name")
            .into_service_error();
        let CreateLoggingConfigurationError::ValidationException(e) = err else {
            panic!("expected ValidationException for {bad:?}, got {err:?}")
        };
        assert_eq!(
            e.field_list()[0].name(),
            "destinationConfiguration.cloudWatchLogs.logGroupName"
        );
    }
    client
        .create_logging_configuration()
        .destination_configuration(cloud_watch_logs(&"g".repeat(512)))
        .send()
        .await
        .expect("512 characters is allowed");
}

#[tokio::test]
async fn delivery_stream_names_must_be_1_to_64_of_the_allowed_characters() {
    let server = start().await;
    let client = client(&server);
    for bad in ["stream/name", "stream name", &"s".repeat(65)] {
        let err = client
            .create_logging_configuration()
            .destination_configuration(firehose(bad))
            .send()
            .await
            .expect_err("an invalid delivery stream name")
            .into_service_error();
        let CreateLoggingConfigurationError::ValidationException(e) = err else {
            panic!("expected ValidationException for {bad:?}, got {err:?}")
        };
        assert_eq!(
            e.field_list()[0].name(),
            "destinationConfiguration.firehose.deliveryStreamName"
        );
    }
}

#[tokio::test]
async fn create_logging_configuration_rejects_a_bad_name_and_51_tags_naming_both() {
    let server = start().await;
    let client = client(&server);
    let mut request = client
        .create_logging_configuration()
        .name("not a valid name")
        .destination_configuration(s3("bucket"));
    for n in 0..51 {
        request = request.tags(format!("key{n}"), "v");
    }
    let err = request
        .send()
        .await
        .expect_err("bad members")
        .into_service_error();
    let CreateLoggingConfigurationError::ValidationException(e) = err else {
        panic!("expected ValidationException, got {err:?}")
    };
    assert_eq!(
        e.reason(),
        &ValidationExceptionReason::FieldValidationFailed
    );
    let names: HashSet<&str> = e.field_list().iter().map(|f| f.name()).collect();
    assert_eq!(names, HashSet::from(["name", "tags"]));
}

#[tokio::test]
async fn a_destination_configuration_with_no_member_is_rejected() {
    let server = start().await;
    let body = br#"{"destinationConfiguration":{}}"#;
    let response = send(
        &server,
        signed(&server, Method::POST, "/CreateLoggingConfiguration", body),
    )
    .await;
    let error = response.assert_error(400, "ValidationException");
    assert_eq!(error["reason"], "FIELD_VALIDATION_FAILED");
    assert_eq!(error["fieldList"][0]["name"], "destinationConfiguration");
}

#[tokio::test]
async fn a_destination_configuration_with_two_members_is_rejected_and_nothing_is_created() {
    let server = start().await;
    let client = client(&server);
    let body = br#"{"destinationConfiguration":{"s3":{"bucketName":"bucket"},"firehose":{"deliveryStreamName":"stream"}}}"#;
    let response = send(
        &server,
        signed(&server, Method::POST, "/CreateLoggingConfiguration", body),
    )
    .await;
    let error = response.assert_error(400, "ValidationException");
    assert_eq!(error["reason"], "FIELD_VALIDATION_FAILED");
    assert_eq!(error["fieldList"][0]["name"], "destinationConfiguration");
    let listed = client
        .list_logging_configurations()
        .send()
        .await
        .expect("ListLoggingConfigurations");
    assert!(listed.logging_configurations().is_empty());
}

#[tokio::test]
async fn update_with_a_two_member_destination_is_rejected_and_changes_nothing() {
    let server = start().await;
    let client = client(&server);
    let arn = create_logging_configuration(&client, "unchanged").await;
    let body = serde_json::json!({
        "identifier": arn,
        "destinationConfiguration": {
            "s3": { "bucketName": "other" },
            "cloudWatchLogs": { "logGroupName": "group" }
        }
    })
    .to_string();
    let response = send(
        &server,
        signed(
            &server,
            Method::POST,
            "/UpdateLoggingConfiguration",
            body.as_bytes(),
        ),
    )
    .await;
    response.assert_error(400, "ValidationException");
    let config = client
        .get_logging_configuration()
        .identifier(&arn)
        .send()
        .await
        .expect("GetLoggingConfiguration");
    assert_eq!(config.destination_configuration(), Some(&s3("unchanged")));
}

#[tokio::test]
async fn create_logging_configuration_without_a_destination_names_the_missing_member() {
    let server = start().await;
    let response = send(
        &server,
        signed(&server, Method::POST, "/CreateLoggingConfiguration", b"{}"),
    )
    .await;
    let error = response.assert_error(400, "ValidationException");
    assert_eq!(error["fieldList"][0]["name"], "destinationConfiguration");
}

#[tokio::test]
async fn deleting_the_room_frees_its_logging_configuration() {
    let server = start().await;
    let client = client(&server);
    let config = create_logging_configuration(&client, "freed").await;
    let room = client
        .create_room()
        .logging_configuration_identifiers(&config)
        .send()
        .await
        .expect("CreateRoom");
    client
        .delete_room()
        .identifier(room.arn().expect("arn"))
        .send()
        .await
        .expect("DeleteRoom");
    client
        .delete_logging_configuration()
        .identifier(&config)
        .send()
        .await
        .expect("no room uses it any more");
}
