//! Authentication: SigV4 is checked (403 with AWS's error types when it fails), the region
//! of every ARN comes from the signature's credential scope, and `no_verify_signatures`
//! accepts anything while still reading the scope's region.

use std::time::{Duration, SystemTime};

use aws_sdk_ivschat::error::ProvideErrorMetadata;
use http::Method;

use crate::support::{
    client, client_with, create_room, send, signed, signed_as, start, start_with, unsigned, Signing,
};

#[tokio::test]
async fn an_unsigned_request_is_403_missing_authentication_token() {
    let server = start().await;
    let response = send(
        &server,
        unsigned(&server, Method::POST, "/CreateRoom", b"{}"),
    )
    .await;
    response.assert_error(403, "MissingAuthenticationTokenException");
    assert_eq!(server.state().region("us-west-2").room_count(), 0);
    assert_eq!(server.state().region("us-east-1").room_count(), 0);
}

#[tokio::test]
async fn a_request_signed_with_the_wrong_secret_is_403_invalid_signature() {
    let server = start().await;
    let signing = Signing {
        secret_access_key: "not-the-secret".into(),
        ..Signing::valid()
    };
    let response = send(
        &server,
        signed_as(&server, Method::POST, "/CreateRoom", b"{}", &signing),
    )
    .await;
    response.assert_error(403, "InvalidSignatureException");
    assert_eq!(server.state().region("us-west-2").room_count(), 0);
}

#[tokio::test]
async fn the_sdk_with_the_wrong_secret_gets_invalid_signature() {
    let server = start().await;
    let client = client_with(&server, |settings| {
        settings.secret_access_key = "not-the-secret".into();
    });
    let err = client
        .list_rooms()
        .send()
        .await
        .expect_err("a bad signature");
    assert_eq!(err.code(), Some("InvalidSignatureException"));
    assert_eq!(err.raw_response().map(|r| r.status().as_u16()), Some(403));
}

#[tokio::test]
async fn an_unknown_access_key_is_403_unrecognized_client() {
    let server = start().await;
    let signing = Signing {
        access_key_id: "AKIDUNKNOWN".into(),
        ..Signing::valid()
    };
    let response = send(
        &server,
        signed_as(&server, Method::POST, "/ListRooms", b"{}", &signing),
    )
    .await;
    response.assert_error(403, "UnrecognizedClientException");

    let client = client_with(&server, |settings| {
        settings.access_key_id = "AKIDUNKNOWN".into();
    });
    let err = client.list_rooms().send().await.expect_err("unknown key");
    assert_eq!(err.code(), Some("UnrecognizedClientException"));
}

#[tokio::test]
async fn a_signature_20_minutes_old_is_403_signature_expired() {
    let server = start().await;
    let signing = Signing {
        time: SystemTime::now() - Duration::from_secs(20 * 60),
        ..Signing::valid()
    };
    let response = send(
        &server,
        signed_as(&server, Method::POST, "/ListRooms", b"{}", &signing),
    )
    .await;
    let body = response.assert_error(403, "InvalidSignatureException");
    let message = body["message"].as_str().unwrap_or_default();
    assert!(message.contains("Signature expired"), "{message}");
}

#[tokio::test]
async fn a_signature_20_minutes_in_the_future_is_refused() {
    let server = start().await;
    let signing = Signing {
        time: SystemTime::now() + Duration::from_secs(20 * 60),
        ..Signing::valid()
    };
    let response = send(
        &server,
        signed_as(&server, Method::POST, "/ListRooms", b"{}", &signing),
    )
    .await;
    response.assert_error(403, "InvalidSignatureException");
}

#[tokio::test]
async fn a_signature_5_minutes_old_is_accepted() {
    let server = start().await;
    let signing = Signing {
        time: SystemTime::now() - Duration::from_secs(5 * 60),
        ..Signing::valid()
    };
    let response = send(
        &server,
        signed_as(&server, Method::POST, "/ListRooms", b"{}", &signing),
    )
    .await;
    assert_eq!(response.status.as_u16(), 200, "{:?}", response.body);
}

#[tokio::test]
async fn a_body_changed_after_signing_is_403_invalid_signature() {
    let server = start().await;
    let signed_request = signed(
        &server,
        Method::POST,
        "/CreateRoom",
        br#"{"name":"signed"}"#,
    );
    let (parts, _) = signed_request.into_parts();
    let tampered = http::Request::from_parts(
        parts,
        http_body_util::Full::new(bytes::Bytes::from_static(br#"{"name":"forged"}"#)),
    );
    let response = send(&server, tampered).await;
    response.assert_error(403, "InvalidSignatureException");
    assert_eq!(server.state().region("us-west-2").room_count(), 0);
}

#[tokio::test]
async fn configured_credentials_replace_the_default_ones() {
    let server = start_with(|config| {
        config.access_key_id = "AKIDLOCALTEST".into();
        config.secret_access_key = "s3cr3t/Key+".into();
    })
    .await;
    let configured = client_with(&server, |settings| {
        settings.access_key_id = "AKIDLOCALTEST".into();
        settings.secret_access_key = "s3cr3t/Key+".into();
    });
    configured
        .list_rooms()
        .send()
        .await
        .expect("the configured key pair");

    let err = client(&server)
        .list_rooms()
        .send()
        .await
        .expect_err("the default pair is not configured");
    assert_eq!(err.code(), Some("UnrecognizedClientException"));
}

#[tokio::test]
async fn arns_carry_the_region_of_the_signing_scope_and_regions_are_separate() {
    let server = start().await;
    let frankfurt = client_with(&server, |settings| settings.region = "eu-central-1".into());
    let oregon = client(&server);

    let room = frankfurt.create_room().send().await.expect("CreateRoom");
    let arn = room.arn().expect("arn");
    assert!(
        arn.starts_with("arn:aws:ivschat:eu-central-1:123456789012:room/"),
        "{arn}"
    );
    let config = frankfurt
        .create_logging_configuration()
        .destination_configuration(crate::support::s3("frankfurt"))
        .send()
        .await
        .expect("CreateLoggingConfiguration");
    assert!(
        config
            .arn()
            .is_some_and(|a| a
                .starts_with("arn:aws:ivschat:eu-central-1:123456789012:logging-configuration/")),
        "{config:?}"
    );

    frankfurt
        .get_room()
        .identifier(arn)
        .send()
        .await
        .expect("GetRoom in its region");
    let err = oregon
        .get_room()
        .identifier(arn)
        .send()
        .await
        .expect_err("another region");
    assert_eq!(err.code(), Some("ResourceNotFoundException"));
}

#[tokio::test]
async fn without_signature_checks_an_unsigned_request_uses_the_default_region() {
    let server = start_with(|config| {
        config.no_verify_signatures = true;
        config.default_region = "ap-northeast-1".into();
    })
    .await;

    let response = send(
        &server,
        unsigned(&server, Method::POST, "/CreateRoom", b"{}"),
    )
    .await;

    assert_eq!(response.status.as_u16(), 200, "{:?}", response.body);
    let arn = response.json()["arn"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(
        arn.starts_with("arn:aws:ivschat:ap-northeast-1:123456789012:room/"),
        "{arn}"
    );
}

#[tokio::test]
async fn without_signature_checks_the_region_still_comes_from_the_credential_scope() {
    let server = start_with(|config| config.no_verify_signatures = true).await;
    let signing = Signing {
        secret_access_key: "anything".into(),
        access_key_id: "AKIDANYONE".into(),
        region: "eu-west-1".into(),
        ..Signing::valid()
    };
    let response = send(
        &server,
        signed_as(&server, Method::POST, "/CreateRoom", b"{}", &signing),
    )
    .await;
    assert_eq!(response.status.as_u16(), 200, "{:?}", response.body);
    let arn = response.json()["arn"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(arn.starts_with("arn:aws:ivschat:eu-west-1:"), "{arn}");

    let sdk = client_with(&server, |settings| {
        settings.secret_access_key = "wrong".into();
    });
    let arn = create_room(&sdk).await;
    assert!(arn.starts_with("arn:aws:ivschat:us-west-2:"), "{arn}");
}

#[tokio::test]
async fn temporary_credentials_with_a_session_token_are_accepted() {
    let server = start().await;
    let credentials = aws_credential_types::Credentials::new(
        "test",
        "test",
        Some("a-session-token".into()),
        None,
        "temporary",
    );
    let config = aws_sdk_ivschat::Config::builder()
        .behavior_version(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new("us-west-2"))
        .endpoint_url(server.endpoint_url())
        .credentials_provider(credentials)
        .build();
    let client = aws_sdk_ivschat::Client::from_conf(config);
    create_room(&client).await;
}

#[tokio::test]
async fn an_authorization_header_without_signature_is_400_incomplete_signature() {
    let server = start().await;
    let mut request = unsigned(&server, Method::POST, "/ListRooms", b"{}");
    let headers = request.headers_mut();
    headers.insert(
        "authorization",
        http::HeaderValue::from_static(
            "AWS4-HMAC-SHA256 Credential=test/20250101/us-west-2/ivschat/aws4_request",
        ),
    );
    headers.insert(
        "x-amz-date",
        http::HeaderValue::from_static("20250101T000000Z"),
    );
    let response = send(&server, request).await;
    response.assert_error(400, "IncompleteSignatureException");
}

#[tokio::test]
async fn a_request_signed_with_an_x_amz_content_sha256_header_is_accepted() {
    let server = start().await;
    let signing = Signing {
        content_sha256_header: true,
        ..Signing::valid()
    };
    let request = signed_as(&server, Method::POST, "/CreateRoom", b"{}", &signing);
    assert!(request.headers().contains_key("x-amz-content-sha256"));
    let response = send(&server, request).await;
    assert_eq!(response.status.as_u16(), 200, "{:?}", response.body);
}

#[tokio::test]
async fn a_forged_body_is_refused_even_with_the_signed_bodys_hash_header() {
    let server = start().await;
    let signing = Signing {
        content_sha256_header: true,
        ..Signing::valid()
    };
    let (parts, _) = signed_as(
        &server,
        Method::POST,
        "/CreateRoom",
        br#"{"name":"signed"}"#,
        &signing,
    )
    .into_parts();
    let forged = http::Request::from_parts(
        parts,
        http_body_util::Full::new(bytes::Bytes::from_static(br#"{"name":"forged"}"#)),
    );
    let response = send(&server, forged).await;
    response.assert_error(403, "InvalidSignatureException");
    assert_eq!(server.state().region("us-west-2").room_count(), 0);
}

/// The regions of the IVS Chat endpoints, in which a credential scope is accepted by default.
const IVS_CHAT_REGIONS: [&str; 7] = [
    "us-east-1",
    "us-west-2",
    "ap-south-1",
    "ap-northeast-1",
    "ap-northeast-2",
    "eu-central-1",
    "eu-west-1",
];

/// Asserts AWS's answer to a credential scope in a region the service is not in.
#[track_caller]
fn assert_invalid_region(response: &crate::support::RawResponse, region: &str) {
    let body = response.assert_error(403, "InvalidSignatureException");
    assert_eq!(
        body["message"],
        format!("Credential should be scoped to a valid region, not '{region}'. "),
    );
}

#[tokio::test]
async fn a_credential_scope_outside_the_services_regions_is_403_as_aws_answers() {
    let server = start().await;
    for region in ["Bad_Region", "xx-nowhere-1", "ca-central-1"] {
        let signing = Signing {
            region: region.into(),
            ..Signing::valid()
        };
        let response = send(
            &server,
            signed_as(&server, Method::POST, "/CreateRoom", b"{}", &signing),
        )
        .await;
        assert_invalid_region(&response, region);
        assert_eq!(server.state().region(region).room_count(), 0);
    }
    let err = client_with(&server, |settings| settings.region = "sa-east-1".into())
        .list_rooms()
        .send()
        .await
        .expect_err("IVS Chat has no endpoint in sa-east-1");
    assert_eq!(err.code(), Some("InvalidSignatureException"));
    for region in IVS_CHAT_REGIONS {
        let arn = create_room(&client_with(&server, |settings| {
            settings.region = region.into()
        }))
        .await;
        assert!(
            arn.starts_with(&format!("arn:aws:ivschat:{region}:")),
            "{arn}"
        );
    }
}

#[tokio::test]
async fn the_accepted_regions_can_be_configured() {
    let server = start_with(|config| {
        config.regions = vec!["ca-central-1".into(), "us-west-2".into()];
        config.default_region = "ca-central-1".into();
    })
    .await;
    let arn = create_room(&client_with(&server, |settings| {
        settings.region = "ca-central-1".into()
    }))
    .await;
    assert!(arn.starts_with("arn:aws:ivschat:ca-central-1:"), "{arn}");
    create_room(&client(&server)).await;
    let signing = Signing {
        region: "eu-west-1".into(),
        ..Signing::valid()
    };
    let response = send(
        &server,
        signed_as(&server, Method::POST, "/ListRooms", b"{}", &signing),
    )
    .await;
    assert_invalid_region(&response, "eu-west-1");
}

#[tokio::test]
async fn without_signature_checks_a_scope_outside_the_regions_is_still_refused() {
    let server = start_with(|config| config.no_verify_signatures = true).await;
    let signing = Signing {
        secret_access_key: "anything".into(),
        region: "Bad_Region".into(),
        ..Signing::valid()
    };
    let response = send(
        &server,
        signed_as(&server, Method::POST, "/CreateRoom", b"{}", &signing),
    )
    .await;
    assert_invalid_region(&response, "Bad_Region");
    assert_eq!(server.state().region("Bad_Region").room_count(), 0);
}

#[tokio::test]
async fn a_default_region_outside_the_regions_stops_the_server_from_starting() {
    for no_verify_signatures in [true, false] {
        let mut config = ivschat_local::ServeConfig::for_tests();
        config.no_verify_signatures = no_verify_signatures;
        config.default_region = "Bad_Region".into();
        let Err(error) = ivschat_local::Server::bind(config).await else {
            panic!("the server started in Bad_Region");
        };
        let message = error.to_string();
        assert!(
            message.contains("Bad_Region") && message.contains("--default-region"),
            "{message}"
        );
    }
}
