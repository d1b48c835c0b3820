//! Tags on rooms and logging configurations: TagResource, UntagResource (keys through the
//! query string) and ListTagsForResource, the 50-tag limit, the tag rules and the resource
//! ARN path label.

use std::collections::HashMap;

use aws_sdk_ivschat::operation::create_room::CreateRoomError;
use aws_sdk_ivschat::operation::list_tags_for_resource::ListTagsForResourceError;
use aws_sdk_ivschat::operation::tag_resource::TagResourceError;
use aws_sdk_ivschat::operation::untag_resource::UntagResourceError;
use aws_sdk_ivschat::types::ValidationExceptionReason;
use aws_sdk_ivschat::Client;

use http::Method;

use crate::support::{
    client, create_logging_configuration, create_room, encode_label, room_arn, send, signed, start,
};

async fn tags_of(client: &Client, arn: &str) -> HashMap<String, String> {
    client
        .list_tags_for_resource()
        .resource_arn(arn)
        .send()
        .await
        .expect("ListTagsForResource")
        .tags()
        .clone()
}

fn map(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

#[tokio::test]
async fn a_room_without_tags_lists_an_empty_map() {
    let server = start().await;
    let client = client(&server);
    let arn = create_room(&client).await;
    assert!(tags_of(&client, &arn).await.is_empty());
}

#[tokio::test]
async fn tag_resource_adds_and_overwrites_room_tags_and_get_room_shows_them() {
    let server = start().await;
    let client = client(&server);
    let room = client
        .create_room()
        .tags("env", "dev")
        .send()
        .await
        .expect("CreateRoom");
    let arn = room.arn().expect("arn");

    client
        .tag_resource()
        .resource_arn(arn)
        .tags("env", "prod")
        .tags("team", "chat")
        .send()
        .await
        .expect("TagResource");

    let expected = map(&[("env", "prod"), ("team", "chat")]);
    assert_eq!(tags_of(&client, arn).await, expected);
    let fetched = client
        .get_room()
        .identifier(arn)
        .send()
        .await
        .expect("GetRoom");
    assert_eq!(fetched.tags(), Some(&expected));
}

#[tokio::test]
async fn untag_resource_removes_keys_with_spaces_colons_and_slashes() {
    let server = start().await;
    let client = client(&server);
    let arn = create_room(&client).await;
    client
        .tag_resource()
        .resource_arn(&arn)
        .tags("cost center", "42")
        .tags("app:component/part", "chat")
        .tags("a=b+c@d.e_f-g", "x")
        .tags("keep me", "yes")
        .send()
        .await
        .expect("TagResource");

    client
        .untag_resource()
        .resource_arn(&arn)
        .tag_keys("cost center")
        .tag_keys("app:component/part")
        .tag_keys("a=b+c@d.e_f-g")
        .tag_keys("never-there")
        .send()
        .await
        .expect("UntagResource");

    assert_eq!(tags_of(&client, &arn).await, map(&[("keep me", "yes")]));
}

#[tokio::test]
async fn logging_configurations_take_tags_like_rooms() {
    let server = start().await;
    let client = client(&server);
    let created = client
        .create_logging_configuration()
        .destination_configuration(crate::support::s3("tagged"))
        .tags("owner", "ops")
        .send()
        .await
        .expect("CreateLoggingConfiguration");
    let arn = created.arn().expect("arn");
    assert_eq!(tags_of(&client, arn).await, map(&[("owner", "ops")]));

    client
        .tag_resource()
        .resource_arn(arn)
        .tags("tier/level", "gold")
        .send()
        .await
        .expect("TagResource");
    client
        .untag_resource()
        .resource_arn(arn)
        .tag_keys("owner")
        .send()
        .await
        .expect("UntagResource");

    assert_eq!(tags_of(&client, arn).await, map(&[("tier/level", "gold")]));
    let fetched = client
        .get_logging_configuration()
        .identifier(arn)
        .send()
        .await
        .expect("GetLoggingConfiguration");
    assert_eq!(fetched.tags(), Some(&map(&[("tier/level", "gold")])));
}

#[tokio::test]
async fn update_room_does_not_change_tags() {
    let server = start().await;
    let client = client(&server);
    let room = client
        .create_room()
        .tags("fixed", "1")
        .send()
        .await
        .expect("CreateRoom");
    let arn = room.arn().expect("arn");
    client
        .update_room()
        .identifier(arn)
        .name("other")
        .send()
        .await
        .expect("UpdateRoom");
    assert_eq!(tags_of(&client, arn).await, map(&[("fixed", "1")]));
}

#[tokio::test]
async fn create_room_with_51_tags_is_rejected_and_50_are_accepted() {
    let server = start().await;
    let client = client(&server);
    let with_tags = |count: usize| {
        let mut request = client.create_room();
        for n in 0..count {
            request = request.tags(format!("key-{n}"), format!("value-{n}"));
        }
        request
    };

    let err = with_tags(51)
        .send()
        .await
        .expect_err("51 tags")
        .into_service_error();
    let CreateRoomError::ValidationException(e) = err else {
        panic!("expected ValidationException, got {err:?}")
    };
    assert_eq!(e.field_list()[0].name(), "tags");

    let room = with_tags(50).send().await.expect("50 tags are allowed");
    assert_eq!(room.tags().map(HashMap::len), Some(50));
}

#[tokio::test]
async fn tag_resource_beyond_50_tags_in_total_is_rejected_and_changes_nothing() {
    let server = start().await;
    let client = client(&server);
    let mut request = client.create_room();
    for n in 0..48 {
        request = request.tags(format!("key-{n}"), "v");
    }
    let room = request.send().await.expect("CreateRoom with 48 tags");
    let arn = room.arn().expect("arn");

    let err = client
        .tag_resource()
        .resource_arn(arn)
        .tags("key-0", "overwritten")
        .tags("new-1", "v")
        .tags("new-2", "v")
        .tags("new-3", "v")
        .send()
        .await
        .expect_err("51 tags in total")
        .into_service_error();
    let TagResourceError::ValidationException(e) = err else {
        panic!("expected ValidationException, got {err:?}")
    };
    assert_eq!(
        e.reason(),
        &ValidationExceptionReason::FieldValidationFailed
    );
    let tags = tags_of(&client, arn).await;
    assert_eq!(tags.len(), 48);
    assert_eq!(tags.get("key-0").map(String::as_str), Some("v"));

    client
        .tag_resource()
        .resource_arn(arn)
        .tags("key-0", "overwritten")
        .tags("new-1", "v")
        .tags("new-2", "v")
        .send()
        .await
        .expect("exactly 50 in total is allowed");
    assert_eq!(tags_of(&client, arn).await.len(), 50);
}

#[tokio::test]
async fn tag_keys_with_the_aws_prefix_are_rejected() {
    let server = start().await;
    let client = client(&server);
    let err = client
        .create_room()
        .tags("aws:owner", "me")
        .send()
        .await
        .expect_err("reserved prefix")
        .into_service_error();
    assert!(
        matches!(err, CreateRoomError::ValidationException(ref e) if e.field_list()[0].name() == "tags"),
        "got {err:?}"
    );

    let arn = create_room(&client).await;
    let err = client
        .tag_resource()
        .resource_arn(&arn)
        .tags("AWS:Owner", "me")
        .send()
        .await
        .expect_err("reserved prefix, any case")
        .into_service_error();
    assert!(
        matches!(err, TagResourceError::ValidationException(_)),
        "got {err:?}"
    );
    assert!(tags_of(&client, &arn).await.is_empty());
}

#[tokio::test]
async fn tag_keys_over_128_and_values_over_256_characters_are_rejected() {
    let server = start().await;
    let client = client(&server);
    let arn = create_room(&client).await;
    for (key, value) in [
        ("k".repeat(129), "v".to_owned()),
        ("k".into(), "v".repeat(257)),
    ] {
        let err = client
            .tag_resource()
            .resource_arn(&arn)
            .tags(&key, &value)
            .send()
            .await
            .expect_err("too long")
            .into_service_error();
        assert!(
            matches!(err, TagResourceError::ValidationException(_)),
            "got {err:?}"
        );
    }
    client
        .tag_resource()
        .resource_arn(&arn)
        .tags("k".repeat(128), "v".repeat(256))
        .send()
        .await
        .expect("128 and 256 characters are allowed");
}

#[tokio::test]
async fn tag_operations_on_an_unknown_room_are_not_found() {
    let server = start().await;
    let client = client(&server);
    let arn = room_arn("NoSuchRoom12");

    let err = client
        .list_tags_for_resource()
        .resource_arn(&arn)
        .send()
        .await
        .expect_err("no such room")
        .into_service_error();
    let ListTagsForResourceError::ResourceNotFoundException(e) = err else {
        panic!("expected ResourceNotFoundException, got {err:?}")
    };
    assert_eq!(e.resource_id(), "NoSuchRoom12");

    let err = client
        .tag_resource()
        .resource_arn(&arn)
        .tags("k", "v")
        .send()
        .await
        .expect_err("no such room")
        .into_service_error();
    assert!(
        matches!(err, TagResourceError::ResourceNotFoundException(_)),
        "got {err:?}"
    );

    let err = client
        .untag_resource()
        .resource_arn(&arn)
        .tag_keys("k")
        .send()
        .await
        .expect_err("no such room")
        .into_service_error();
    assert!(
        matches!(err, UntagResourceError::ResourceNotFoundException(_)),
        "got {err:?}"
    );
}

#[tokio::test]
async fn tag_operations_on_a_deleted_logging_configuration_are_not_found() {
    let server = start().await;
    let client = client(&server);
    let arn = create_logging_configuration(&client, "gone").await;
    client
        .delete_logging_configuration()
        .identifier(&arn)
        .send()
        .await
        .expect("DeleteLoggingConfiguration");
    let err = client
        .list_tags_for_resource()
        .resource_arn(&arn)
        .send()
        .await
        .expect_err("deleted")
        .into_service_error();
    assert!(
        matches!(err, ListTagsForResourceError::ResourceNotFoundException(_)),
        "got {err:?}"
    );
}

#[tokio::test]
async fn tag_operations_reject_an_arn_that_is_not_a_room_or_logging_configuration() {
    let server = start().await;
    let client = client(&server);
    for arn in [
        "arn:aws:ivschat:us-west-2:123456789012:channel/AbCdEfGhIjKl",
        "arn:aws:ivs:us-west-2:123456789012:room/AbCdEfGhIjKl",
        "not-an-arn",
    ] {
        let err = client
            .list_tags_for_resource()
            .resource_arn(arn)
            .send()
            .await
            .expect_err("an invalid ARN")
            .into_service_error();
        let ListTagsForResourceError::ValidationException(e) = err else {
            panic!("expected ValidationException for {arn}, got {err:?}")
        };
        assert_eq!(e.field_list()[0].name(), "resourceArn");
    }
}

#[tokio::test]
async fn tag_operations_on_a_room_of_another_region_are_not_found() {
    let server = start().await;
    let client = client(&server);
    let arn = create_room(&client).await;
    let elsewhere = arn.replace(":us-west-2:", ":eu-west-1:");
    let err = client
        .tag_resource()
        .resource_arn(&elsewhere)
        .tags("k", "v")
        .send()
        .await
        .expect_err("not in this region")
        .into_service_error();
    assert!(
        matches!(err, TagResourceError::ResourceNotFoundException(_)),
        "got {err:?}"
    );
    assert!(tags_of(&client, &arn).await.is_empty());
}

#[tokio::test]
async fn tag_keys_and_values_may_hold_letters_of_any_script() {
    let server = start().await;
    let client = client(&server);
    let arn = create_room(&client).await;
    client
        .tag_resource()
        .resource_arn(&arn)
        .tags("ключ/ü", "значение é")
        .tags("日本", "東京")
        .send()
        .await
        .expect("TagResource");
    client
        .untag_resource()
        .resource_arn(&arn)
        .tag_keys("ключ/ü")
        .send()
        .await
        .expect("UntagResource");
    assert_eq!(tags_of(&client, &arn).await, map(&[("日本", "東京")]));
}

#[tokio::test]
async fn tag_keys_with_characters_outside_the_aws_tag_set_are_rejected() {
    let server = start().await;
    let client = client(&server);
    let arn = create_room(&client).await;
    for key in ["semi;colon", "hash#tag", "quote\"", "star*"] {
        let err = client
            .tag_resource()
            .resource_arn(&arn)
            .tags(key, "v")
            .send()
            .await
            .expect_err("a character outside the tag set")
            .into_service_error();
        assert!(
            matches!(err, TagResourceError::ValidationException(_)),
            "{key}: got {err:?}"
        );
    }
}

/// The model makes `tagKeys` required. An empty list (its `TagKeyList` allows one) looks on the
/// wire like a DELETE without `tagKeys`: both are a ValidationException on `tagKeys`, as the
/// model's other required members are reported, and remove nothing.
#[tokio::test]
async fn untag_resource_without_tag_keys_is_a_validation_exception() {
    let server = start().await;
    let client = client(&server);
    let room = client
        .create_room()
        .tags("stays", "1")
        .send()
        .await
        .expect("CreateRoom");
    let arn = room.arn().expect("arn");

    let err = client
        .untag_resource()
        .resource_arn(arn)
        .set_tag_keys(Some(Vec::new()))
        .send()
        .await
        .expect_err("tagKeys is required")
        .into_service_error();
    let UntagResourceError::ValidationException(e) = err else {
        panic!("expected ValidationException, got {err:?}")
    };
    let fields: Vec<&str> = e.field_list().iter().map(|f| f.name()).collect();
    assert_eq!(fields, ["tagKeys"]);
    assert_eq!(
        e.reason(),
        &aws_sdk_ivschat::types::ValidationExceptionReason::FieldValidationFailed
    );

    let path = format!("/tags/{}", encode_label(arn));
    let response = send(&server, signed(&server, Method::DELETE, &path, b"")).await;
    let body = response.assert_error(400, "ValidationException");
    assert_eq!(body["fieldList"][0]["name"], "tagKeys");

    assert_eq!(tags_of(&client, arn).await, map(&[("stays", "1")]));
}
