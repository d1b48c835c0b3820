//! The restJson1 wire, seen through raw signed requests: bodies that cannot be read, unknown
//! operations, oversized bodies, status codes, headers and the ARN path label; and that the
//! connection stays usable after an error.

use http::Method;

use crate::support::{
    client, create_room, encode_label, id_of, room_arn, send, signed, start, start_with, Connection,
};

/// Sends `bad` and then a good ListRooms on the same connection; returns the first answer's body.
async fn refused_then_connection_reused(
    server: &ivschat_local::RunningServer,
    bad: http::Request<http_body_util::Full<bytes::Bytes>>,
    reason: &str,
) -> serde_json::Value {
    let mut connection = Connection::open(server).await;
    let refused = connection.send(bad).await;
    let body = refused.assert_error(400, "ValidationException");
    assert_eq!(body["reason"], reason, "{body}");
    assert!(refused
        .header("content-type")
        .is_some_and(|t| t.starts_with("application/json")));

    let next = connection
        .send(signed(server, Method::POST, "/ListRooms", b"{}"))
        .await;
    assert_eq!(next.status.as_u16(), 200, "{:?}", next.body);
    assert!(next.json()["rooms"].is_array());
    body
}

#[tokio::test]
async fn malformed_json_answers_400_validation_and_the_connection_stays_usable() {
    let server = start().await;
    let bad = signed(&server, Method::POST, "/CreateRoom", b"{\"name\": ");
    refused_then_connection_reused(&server, bad, "OTHER").await;
    assert!(server.state().region("us-west-2").room_count() == 0);
}

#[tokio::test]
async fn a_json_array_body_answers_400_validation_and_the_connection_stays_usable() {
    let server = start().await;
    let bad = signed(&server, Method::POST, "/CreateRoom", b"[{\"name\":\"x\"}]");
    refused_then_connection_reused(&server, bad, "OTHER").await;
}

#[tokio::test]
async fn a_member_of_the_wrong_type_is_named_and_the_connection_stays_usable() {
    let server = start().await;
    let bad = signed(
        &server,
        Method::POST,
        "/CreateRoom",
        br#"{"maximumMessageLength":"ten"}"#,
    );
    let body = refused_then_connection_reused(&server, bad, "FIELD_VALIDATION_FAILED").await;
    assert_eq!(body["fieldList"][0]["name"], "maximumMessageLength");
    assert!(body["fieldList"][0]["message"].is_string());
}

#[tokio::test]
async fn other_wrong_types_are_named_too() {
    let server = start().await;
    let body = br#"{"name":7,"tags":["a"],"messageReviewHandler":"arn","loggingConfigurationIdentifiers":"x"}"#;
    let response = send(&server, signed(&server, Method::POST, "/CreateRoom", body)).await;
    let error = response.assert_error(400, "ValidationException");
    let mut names: Vec<&str> = error["fieldList"]
        .as_array()
        .expect("a field list")
        .iter()
        .filter_map(|field| field["name"].as_str())
        .collect();
    names.sort_unstable();
    assert_eq!(
        names,
        [
            "loggingConfigurationIdentifiers",
            "messageReviewHandler",
            "name",
            "tags"
        ]
    );
}

#[tokio::test]
async fn an_unknown_operation_answers_400_unknown_operation_and_the_connection_stays_usable() {
    let server = start().await;
    let bad = signed(&server, Method::POST, "/DescribeRoom", b"{}");
    refused_then_connection_reused(&server, bad, "UNKNOWN_OPERATION").await;
}

#[tokio::test]
async fn an_operation_with_the_wrong_method_is_an_unknown_operation() {
    let server = start().await;
    let response = send(&server, signed(&server, Method::GET, "/ListRooms", b"")).await;
    let body = response.assert_error(400, "ValidationException");
    assert_eq!(body["reason"], "UNKNOWN_OPERATION");
    let response = send(
        &server,
        signed(
            &server,
            Method::PUT,
            &format!("/tags/{}", encode_label(&room_arn("AbCdEfGhIjKl"))),
            b"{}",
        ),
    )
    .await;
    let body = response.assert_error(400, "ValidationException");
    assert_eq!(body["reason"], "UNKNOWN_OPERATION");
}

#[tokio::test]
async fn an_oversized_body_answers_400_validation_and_the_connection_stays_usable() {
    let server = start_with(|config| config.max_body_bytes = 1024).await;
    let name = "n".repeat(2048);
    let body = format!(r#"{{"name":"{name}"}}"#);
    let bad = signed(&server, Method::POST, "/CreateRoom", body.as_bytes());
    let error = refused_then_connection_reused(&server, bad, "OTHER").await;
    assert!(
        error["message"]
            .as_str()
            .is_some_and(|m| m.contains("1024")),
        "{error}"
    );
}

#[tokio::test]
async fn a_body_at_the_size_limit_is_read() {
    let server = start_with(|config| config.max_body_bytes = 64).await;
    let body = br#"{"name":"exactly-sixty-four-bytes-of-json-body-here-0123456789"}"#;
    assert_eq!(body.len(), 64);
    let response = send(&server, signed(&server, Method::POST, "/CreateRoom", body)).await;
    assert_eq!(response.status.as_u16(), 200, "{:?}", response.body);
}

#[tokio::test]
async fn an_empty_body_is_an_empty_structure() {
    let server = start().await;
    let response = send(&server, signed(&server, Method::POST, "/ListRooms", b"")).await;
    assert_eq!(response.status.as_u16(), 200, "{:?}", response.body);
    assert_eq!(response.json()["rooms"], serde_json::json!([]));
}

#[tokio::test]
async fn success_answers_are_json_with_a_request_id_that_differs_per_request() {
    let server = start().await;
    let first = send(&server, signed(&server, Method::POST, "/CreateRoom", b"{}")).await;
    let second = send(&server, signed(&server, Method::POST, "/CreateRoom", b"{}")).await;
    for response in [&first, &second] {
        assert_eq!(response.status.as_u16(), 200);
        assert!(response
            .header("content-type")
            .is_some_and(|t| t.starts_with("application/json")));
    }
    let ids = (
        first.header("x-amzn-requestid").expect("a request id"),
        second.header("x-amzn-requestid").expect("a request id"),
    );
    assert!(!ids.0.is_empty());
    assert_ne!(ids.0, ids.1);
}

#[tokio::test]
async fn timestamps_go_on_the_wire_as_iso8601_strings_with_milliseconds() {
    let server = start().await;
    let response = send(&server, signed(&server, Method::POST, "/CreateRoom", b"{}")).await;
    let room = response.json();
    for member in ["createTime", "updateTime"] {
        let value = room[member].as_str().expect("a string timestamp");
        let format = time::format_description::well_known::Rfc3339;
        assert!(
            time::OffsetDateTime::parse(value, &format).is_ok(),
            "{member} = {value}"
        );
        assert_eq!(value.len(), "2022-09-14T17:48:00.653Z".len(), "{value}");
        assert!(value.ends_with('Z'), "{value}");
    }
}

#[tokio::test]
async fn delete_room_answers_204_with_an_empty_body_and_a_request_id() {
    let server = start().await;
    let client = client(&server);
    let arn = create_room(&client).await;
    let body = serde_json::json!({ "identifier": arn }).to_string();

    let response = send(
        &server,
        signed(&server, Method::POST, "/DeleteRoom", body.as_bytes()),
    )
    .await;

    assert_eq!(response.status.as_u16(), 204);
    assert!(response.body.is_empty());
    assert!(response.header("x-amzn-requestid").is_some());
    assert!(response.header("x-amzn-errortype").is_none());
}

#[tokio::test]
async fn disconnect_user_and_tag_operations_answer_an_empty_json_object() {
    let server = start().await;
    let client = client(&server);
    let arn = create_room(&client).await;
    let label = encode_label(&arn);

    let disconnect = serde_json::json!({ "roomIdentifier": arn, "userId": "u" }).to_string();
    let response = send(
        &server,
        signed(
            &server,
            Method::POST,
            "/DisconnectUser",
            disconnect.as_bytes(),
        ),
    )
    .await;
    assert_eq!(
        (response.status.as_u16(), response.json()),
        (200, serde_json::json!({}))
    );

    let response = send(
        &server,
        signed(
            &server,
            Method::POST,
            &format!("/tags/{label}"),
            br#"{"tags":{"a b":"c"}}"#,
        ),
    )
    .await;
    assert_eq!(
        (response.status.as_u16(), response.json()),
        (200, serde_json::json!({}))
    );

    let response = send(
        &server,
        signed(&server, Method::GET, &format!("/tags/{label}"), b""),
    )
    .await;
    assert_eq!(
        response.json(),
        serde_json::json!({ "tags": { "a b": "c" } })
    );

    let response = send(
        &server,
        signed(
            &server,
            Method::DELETE,
            &format!("/tags/{label}?tagKeys=a%20b"),
            b"",
        ),
    )
    .await;
    assert_eq!(
        (response.status.as_u16(), response.json()),
        (200, serde_json::json!({}))
    );
    let response = send(
        &server,
        signed(&server, Method::GET, &format!("/tags/{label}"), b""),
    )
    .await;
    assert_eq!(response.json(), serde_json::json!({ "tags": {} }));
}

#[tokio::test]
async fn not_found_errors_carry_resource_id_and_type_on_the_wire() {
    let server = start().await;
    let body = serde_json::json!({ "identifier": room_arn("NoSuchRoom12") }).to_string();
    let response = send(
        &server,
        signed(&server, Method::POST, "/GetRoom", body.as_bytes()),
    )
    .await;
    let error = response.assert_error(404, "ResourceNotFoundException");
    assert_eq!(error["resourceId"], "NoSuchRoom12");
    assert_eq!(error["resourceType"], "ROOM");
}

#[tokio::test]
async fn conflict_is_409_on_the_wire() {
    let server = start().await;
    let client = client(&server);
    let config = crate::support::create_logging_configuration(&client, "wire").await;
    client
        .create_room()
        .logging_configuration_identifiers(&config)
        .send()
        .await
        .expect("CreateRoom");
    let body = serde_json::json!({ "identifier": config }).to_string();
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
    let error = response.assert_error(409, "ConflictException");
    assert_eq!(error["resourceId"], id_of(&config));
}

#[tokio::test]
async fn the_tag_path_label_is_percent_decoded_before_use() {
    let server = start().await;
    let client = client(&server);
    let room = client
        .create_room()
        .tags("k", "v")
        .send()
        .await
        .expect("CreateRoom");
    let arn = room.arn().expect("arn");
    let response = send(
        &server,
        signed(
            &server,
            Method::GET,
            &format!("/tags/{}", encode_label(arn)),
            b"",
        ),
    )
    .await;
    assert_eq!(response.status.as_u16(), 200, "{:?}", response.body);
    assert_eq!(response.json()["tags"]["k"], "v");
}
