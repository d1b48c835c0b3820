//! Quotas: AWS's per-operation request rates (ThrottlingException, 429) when switched on,
//! scaled by `quota_scale`, and the account limits on rooms and logging configurations
//! (ServiceQuotaExceededException, 402).

use aws_sdk_ivschat::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_ivschat::operation::create_logging_configuration::CreateLoggingConfigurationError;
use aws_sdk_ivschat::operation::create_room::CreateRoomError;
use aws_sdk_ivschat::operation::send_event::SendEventError;
use aws_sdk_ivschat::types::ResourceType;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use http::Method;
use ivschat_local::config::QuotaSwitch;
use tokio::task::JoinSet;

use crate::support::{
    client, create_logging_configuration, create_room, s3, send, signed, start, start_with,
    Connection, ACCOUNT,
};

/// The status and `limit` of a throttled call, read from the raw response: the model lists
/// ThrottlingException only for DeleteMessage, DisconnectUser and SendEvent, so for other
/// operations the SDK has no typed error to carry `limit`.
fn throttled_limit<E: ProvideErrorMetadata>(err: &SdkError<E, HttpResponse>) -> Option<(u16, i64)> {
    if err.code() != Some("ThrottlingException") {
        return None;
    }
    let response = err.raw_response()?;
    let body: serde_json::Value = serde_json::from_slice(response.body().bytes()?).ok()?;
    Some((response.status().as_u16(), body["limit"].as_i64()?))
}

#[tokio::test]
async fn the_sixth_immediate_create_room_in_a_second_is_throttled_with_limit_5() {
    let server = start_with(|config| config.quotas = QuotaSwitch::On).await;
    let client = client(&server);
    for n in 1..=5 {
        client
            .create_room()
            .send()
            .await
            .unwrap_or_else(|e| panic!("CreateRoom {n} is within the quota: {e:?}"));
    }

    let err = client
        .create_room()
        .send()
        .await
        .expect_err("the sixth is over 5 TPS");

    assert_eq!(throttled_limit(&err), Some((429, 5)), "{err:?}");
    assert_eq!(server.state().region("us-west-2").room_count(), 5);
}

#[tokio::test]
async fn a_modeled_throttling_exception_carries_limit_and_account() {
    // SendEvent allows 100 TPS; scaled by 0.05 that is 5.
    let server = start_with(|config| {
        config.quotas = QuotaSwitch::On;
        config.quota_scale = 0.05;
    })
    .await;
    let client = client(&server);
    let room = create_room(&client).await;
    for n in 1..=5 {
        client
            .send_event()
            .room_identifier(&room)
            .event_name("tick")
            .send()
            .await
            .unwrap_or_else(|e| panic!("SendEvent {n} is within the quota: {e:?}"));
    }

    let err = client
        .send_event()
        .room_identifier(&room)
        .event_name("tick")
        .send()
        .await
        .expect_err("the sixth is over 5 TPS")
        .into_service_error();

    let SendEventError::ThrottlingException(e) = err else {
        panic!("expected ThrottlingException, got {err:?}")
    };
    assert_eq!(e.limit(), 5);
    assert_eq!(e.resource_id(), ACCOUNT);
    assert_eq!(server.state().activity.recent().len(), 5);
}

#[tokio::test]
async fn a_throttled_request_is_429_with_the_throttling_error_type_on_the_wire() {
    let server = start_with(|config| config.quotas = QuotaSwitch::On).await;
    let mut last = None;
    // GetLoggingConfiguration allows 3 TPS; the fourth immediate one is refused.
    for _ in 0..4 {
        let body = br#"{"identifier":"arn:aws:ivschat:us-west-2:123456789012:logging-configuration/AbCdEfGhIjKl"}"#;
        last = Some(
            send(
                &server,
                signed(&server, Method::POST, "/GetLoggingConfiguration", body),
            )
            .await,
        );
    }
    let body = last
        .expect("four responses")
        .assert_error(429, "ThrottlingException");
    assert_eq!(body["limit"], 3);
}

#[tokio::test]
async fn throttling_of_one_operation_leaves_the_others_alone() {
    let server = start_with(|config| config.quotas = QuotaSwitch::On).await;
    let client = client(&server);
    let mut throttled = false;
    for _ in 0..6 {
        if client.create_room().send().await.is_err() {
            throttled = true;
        }
    }
    assert!(throttled, "six immediate CreateRooms are over 5 TPS");
    client
        .list_logging_configurations()
        .send()
        .await
        .expect("another operation has its own quota");
}

#[tokio::test]
async fn a_quota_scale_of_10_allows_50_immediate_create_rooms_and_throttles_at_50() {
    let server = start_with(|config| {
        config.quotas = QuotaSwitch::On;
        config.quota_scale = 10.0;
    })
    .await;
    let client = client(&server);
    let mut requests = JoinSet::new();
    for _ in 0..100 {
        let client = client.clone();
        requests.spawn(async move { client.create_room().send().await });
    }

    let mut created = 0;
    let mut limits = Vec::new();
    while let Some(result) = requests.join_next().await {
        match result.expect("the request task") {
            Ok(_) => created += 1,
            Err(err) => match throttled_limit(&err) {
                Some((_, limit)) => limits.push(limit),
                None => panic!("expected ThrottlingException, got {err:?}"),
            },
        }
    }

    assert!(created >= 50, "only {created} of 100 were allowed");
    assert!(
        !limits.is_empty(),
        "100 immediate CreateRooms are over 50 TPS"
    );
    assert!(limits.iter().all(|limit| *limit == 50), "{limits:?}");
}

#[tokio::test]
async fn with_quotas_off_nothing_is_throttled() {
    let server = start().await;
    let client = client(&server);
    for _ in 0..30 {
        client
            .get_room()
            .identifier(crate::support::room_arn("AbCdEfGhIjKl"))
            .send()
            .await
            .expect_err("not found");
    }
    for n in 0..30 {
        client
            .create_room()
            .send()
            .await
            .unwrap_or_else(|e| panic!("CreateRoom {n}: {e:?}"));
    }
}

#[tokio::test]
async fn create_room_beyond_max_rooms_is_service_quota_exceeded_until_one_is_deleted() {
    let server = start_with(|config| config.max_rooms = 2).await;
    let client = client(&server);
    let first = create_room(&client).await;
    create_room(&client).await;

    let err = client
        .create_room()
        .send()
        .await
        .expect_err("over the room limit")
        .into_service_error();
    let CreateRoomError::ServiceQuotaExceededException(e) = err else {
        panic!("expected ServiceQuotaExceededException, got {err:?}")
    };
    assert_eq!(e.limit(), 2);
    assert_eq!(e.resource_id(), ACCOUNT);
    assert_eq!(e.resource_type(), &ResourceType::Room);

    client
        .delete_room()
        .identifier(&first)
        .send()
        .await
        .expect("DeleteRoom");
    create_room(&client).await;
}

#[tokio::test]
async fn the_room_limit_is_per_region() {
    let server = start_with(|config| config.max_rooms = 1).await;
    let here = client(&server);
    let there =
        crate::support::client_with(&server, |settings| settings.region = "eu-west-1".into());
    create_room(&here).await;
    create_room(&there).await;
    assert!(here.create_room().send().await.is_err());
}

#[tokio::test]
async fn service_quota_exceeded_is_402_on_the_wire() {
    let server = start_with(|config| config.max_rooms = 0).await;
    let response = send(&server, signed(&server, Method::POST, "/CreateRoom", b"{}")).await;
    let body = response.assert_error(402, "ServiceQuotaExceededException");
    assert_eq!(body["limit"], 0);
    assert_eq!(body["resourceId"], ACCOUNT);
}

#[tokio::test]
async fn create_logging_configuration_beyond_the_limit_is_service_quota_exceeded() {
    let server = start_with(|config| config.max_logging_configurations = 2).await;
    let client = client(&server);
    create_logging_configuration(&client, "one").await;
    create_logging_configuration(&client, "two").await;

    let err = client
        .create_logging_configuration()
        .destination_configuration(s3("three"))
        .send()
        .await
        .expect_err("over the limit")
        .into_service_error();

    let CreateLoggingConfigurationError::ServiceQuotaExceededException(e) = err else {
        panic!("expected ServiceQuotaExceededException, got {err:?}")
    };
    assert_eq!(e.limit(), 2);
    assert_eq!(e.resource_id(), ACCOUNT);
    let listed = client
        .list_logging_configurations()
        .send()
        .await
        .expect("ListLoggingConfigurations");
    assert_eq!(listed.logging_configurations().len(), 2);
}

#[tokio::test]
async fn the_default_limit_is_10_logging_configurations() {
    let server = start().await;
    let client = client(&server);
    for n in 0..10 {
        create_logging_configuration(&client, &format!("bucket-{n}")).await;
    }
    let err = client
        .create_logging_configuration()
        .destination_configuration(s3("bucket-10"))
        .send()
        .await
        .expect_err("the eleventh")
        .into_service_error();
    assert!(
        matches!(err, CreateLoggingConfigurationError::ServiceQuotaExceededException(ref e) if e.limit() == 10),
        "got {err:?}"
    );
}

/// Sends one operation's request again and again on one connection until it is throttled;
/// returns how many got through first and the `limit` the throttled answer names.
async fn burst_until_throttled(
    server: &ivschat_local::RunningServer,
    method: Method,
    path: &str,
    most: usize,
) -> (usize, i64) {
    let mut connection = Connection::open(server).await;
    for sent in 0..most {
        let response = connection
            .send(signed(server, method.clone(), path, b"{}"))
            .await;
        if response.status.as_u16() == 429 {
            let body = response.assert_error(429, "ThrottlingException");
            return (sent, body["limit"].as_i64().unwrap_or(-1));
        }
    }
    panic!("{method} {path} was not throttled in {most} immediate requests")
}

#[tokio::test]
async fn every_operation_is_throttled_at_its_documented_rate() {
    let server = start_with(|config| config.quotas = QuotaSwitch::On).await;
    let tags = "/tags/arn%3Aaws%3Aivschat%3Aus-west-2%3A123456789012%3Aroom%2FAbCdEfGhIjKl";
    let table: [(Method, &str, i64); 17] = [
        (Method::POST, "/CreateChatToken", 200),
        (Method::POST, "/DeleteMessage", 100),
        (Method::POST, "/DisconnectUser", 100),
        (Method::POST, "/SendEvent", 100),
        (Method::POST, "/CreateRoom", 5),
        (Method::POST, "/DeleteRoom", 5),
        (Method::POST, "/GetRoom", 5),
        (Method::POST, "/ListRooms", 5),
        (Method::POST, "/UpdateRoom", 5),
        (Method::POST, "/CreateLoggingConfiguration", 3),
        (Method::POST, "/DeleteLoggingConfiguration", 3),
        (Method::POST, "/GetLoggingConfiguration", 3),
        (Method::POST, "/ListLoggingConfigurations", 3),
        (Method::POST, "/UpdateLoggingConfiguration", 3),
        (Method::GET, tags, 10),
        (Method::POST, tags, 10),
        (Method::DELETE, tags, 10),
    ];
    for (method, path, limit) in table {
        let (allowed, named) = burst_until_throttled(&server, method.clone(), path, 2000).await;
        assert_eq!(named, limit, "{method} {path}");
        assert!(
            allowed >= limit as usize,
            "{method} {path}: only {allowed} got through before the throttle"
        );
    }
}
