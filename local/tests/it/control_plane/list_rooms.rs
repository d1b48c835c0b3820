//! ListRooms: pagination (every room once, newest `updateTime` first), the three filters and
//! their AND combination, and the errors of bad filters, tokens and page sizes.

use aws_sdk_ivschat::operation::list_rooms::ListRoomsError;
use aws_sdk_ivschat::types::{MessageReviewHandler, RoomSummary};
use aws_sdk_ivschat::Client;
use http::Method;

use crate::support::{
    client, create_logging_configuration, create_named_room, create_room,
    logging_configuration_arn, send, signed, start, system_time,
};

const HANDLER_A: &str = "arn:aws:lambda:us-west-2:123456789012:function:review-a";
const HANDLER_B: &str = "arn:aws:lambda:us-west-2:123456789012:function:review-b";

/// Every page of a listing, with `max_results` per page.
async fn all_pages(client: &Client, max_results: i32) -> Vec<Vec<RoomSummary>> {
    let mut pages = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let page = client
            .list_rooms()
            .max_results(max_results)
            .set_next_token(token.take())
            .send()
            .await
            .expect("ListRooms");
        pages.push(page.rooms().to_vec());
        match page.next_token() {
            Some(next) => token = Some(next.to_owned()),
            None => return pages,
        }
        assert!(pages.len() < 100, "pagination does not end");
    }
}

fn arns(rooms: &[RoomSummary]) -> Vec<String> {
    rooms
        .iter()
        .map(|room| room.arn().expect("arn").to_owned())
        .collect()
}

#[tokio::test]
async fn list_rooms_with_no_rooms_is_an_empty_list_without_a_token() {
    let server = start().await;
    let client = client(&server);
    let listed = client.list_rooms().send().await.expect("ListRooms");
    assert!(listed.rooms().is_empty());
    assert_eq!(listed.next_token(), None);
}

#[tokio::test]
async fn list_rooms_pages_through_every_room_exactly_once_newest_update_first() {
    let server = start().await;
    let client = client(&server);
    let mut created = Vec::new();
    for n in 0..7 {
        created.push(create_named_room(&client, &format!("room-{n}")).await);
    }

    let pages = all_pages(&client, 3).await;

    let sizes: Vec<usize> = pages.iter().map(Vec::len).collect();
    assert_eq!(sizes, [3, 3, 1]);
    let listed: Vec<RoomSummary> = pages.into_iter().flatten().collect();
    let newest_first: Vec<String> = created.iter().rev().cloned().collect();
    assert_eq!(arns(&listed), newest_first);
    for pair in listed.windows(2) {
        assert!(system_time(pair[0].update_time()) >= system_time(pair[1].update_time()));
    }
}

#[tokio::test]
async fn the_last_page_has_no_token_when_the_rooms_fill_it_exactly() {
    let server = start().await;
    let client = client(&server);
    for _ in 0..4 {
        create_room(&client).await;
    }
    let pages = all_pages(&client, 2).await;
    let sizes: Vec<usize> = pages.iter().map(Vec::len).collect();
    assert_eq!(sizes, [2, 2]);
}

#[tokio::test]
async fn list_rooms_returns_at_most_50_by_default() {
    let server = start().await;
    let client = client(&server);
    for _ in 0..51 {
        create_room(&client).await;
    }
    let first = client.list_rooms().send().await.expect("ListRooms");
    assert_eq!(first.rooms().len(), 50);
    let token = first.next_token().expect("a second page");
    let second = client
        .list_rooms()
        .next_token(token)
        .send()
        .await
        .expect("ListRooms");
    assert_eq!(second.rooms().len(), 1);
    assert_eq!(second.next_token(), None);
}

#[tokio::test]
async fn update_room_moves_the_room_to_the_front_of_list_rooms() {
    let server = start().await;
    let client = client(&server);
    let oldest = create_named_room(&client, "oldest").await;
    let middle = create_named_room(&client, "middle").await;
    let newest = create_named_room(&client, "newest").await;

    client
        .update_room()
        .identifier(&oldest)
        .name("renamed")
        .send()
        .await
        .expect("UpdateRoom");

    let listed = client.list_rooms().send().await.expect("ListRooms");
    assert_eq!(arns(listed.rooms()), [oldest, newest, middle]);
    assert_eq!(listed.rooms()[0].name(), Some("renamed"));
}

#[tokio::test]
async fn room_summaries_carry_the_summary_members() {
    let server = start().await;
    let client = client(&server);
    let config = create_logging_configuration(&client, "summary").await;
    let room = client
        .create_room()
        .name("summarised")
        .tags("k", "v")
        .message_review_handler(MessageReviewHandler::builder().uri(HANDLER_A).build())
        .logging_configuration_identifiers(&config)
        .send()
        .await
        .expect("CreateRoom");

    let listed = client.list_rooms().send().await.expect("ListRooms");

    let [summary] = listed.rooms() else {
        panic!("expected one room, got {:?}", listed.rooms())
    };
    assert_eq!(summary.arn(), room.arn());
    assert_eq!(summary.id(), room.id());
    assert_eq!(summary.name(), Some("summarised"));
    assert_eq!(summary.create_time(), room.create_time());
    assert_eq!(summary.update_time(), room.update_time());
    assert_eq!(summary.tags(), room.tags());
    assert_eq!(summary.logging_configuration_identifiers(), [config]);
    assert_eq!(
        summary.message_review_handler().and_then(|h| h.uri()),
        Some(HANDLER_A)
    );
}

#[tokio::test]
async fn room_summaries_on_the_wire_have_no_rate_or_length() {
    let server = start().await;
    let client = client(&server);
    create_room(&client).await;
    let response = send(&server, signed(&server, Method::POST, "/ListRooms", b"{}")).await;
    assert_eq!(response.status.as_u16(), 200);
    let body = response.json();
    let room = &body["rooms"][0];
    assert!(room["arn"].is_string());
    assert!(room.get("maximumMessageRatePerSecond").is_none(), "{room}");
    assert!(room.get("maximumMessageLength").is_none(), "{room}");
    assert!(body.get("nextToken").is_none());
}

/// Rooms for the filter tests: (name, handler, attached to the configuration?).
async fn filter_fixture(client: &Client) -> (String, Vec<String>) {
    let config = create_logging_configuration(client, "filtered").await;
    let specs = [
        ("alpha", Some(HANDLER_A), true),
        ("alpha", Some(HANDLER_B), true),
        ("alpha", Some(HANDLER_A), false),
        ("beta", Some(HANDLER_A), true),
        ("beta", None, false),
    ];
    let mut rooms = Vec::new();
    for (name, handler, logged) in specs {
        let mut request = client.create_room().name(name);
        if let Some(uri) = handler {
            request =
                request.message_review_handler(MessageReviewHandler::builder().uri(uri).build());
        }
        if logged {
            request = request.logging_configuration_identifiers(&config);
        }
        let room = request.send().await.expect("CreateRoom");
        rooms.push(room.arn().expect("arn").to_owned());
    }
    (config, rooms)
}

/// The ARNs of `rooms` picked by index, newest first (the listing order).
fn picked(rooms: &[String], indexes: &[usize]) -> Vec<String> {
    let mut picked: Vec<String> = indexes.iter().map(|&i| rooms[i].clone()).collect();
    picked.reverse();
    picked
}

#[tokio::test]
async fn list_rooms_filters_by_name() {
    let server = start().await;
    let client = client(&server);
    let (_, rooms) = filter_fixture(&client).await;
    let listed = client
        .list_rooms()
        .name("beta")
        .send()
        .await
        .expect("ListRooms");
    assert_eq!(arns(listed.rooms()), picked(&rooms, &[3, 4]));
}

#[tokio::test]
async fn list_rooms_filters_by_message_review_handler_uri() {
    let server = start().await;
    let client = client(&server);
    let (_, rooms) = filter_fixture(&client).await;
    let listed = client
        .list_rooms()
        .message_review_handler_uri(HANDLER_A)
        .send()
        .await
        .expect("ListRooms");
    assert_eq!(arns(listed.rooms()), picked(&rooms, &[0, 2, 3]));
}

#[tokio::test]
async fn list_rooms_filters_by_logging_configuration() {
    let server = start().await;
    let client = client(&server);
    let (config, rooms) = filter_fixture(&client).await;
    let listed = client
        .list_rooms()
        .logging_configuration_identifier(&config)
        .send()
        .await
        .expect("ListRooms");
    assert_eq!(arns(listed.rooms()), picked(&rooms, &[0, 1, 3]));
}

#[tokio::test]
async fn list_rooms_filters_combine_with_and() {
    let server = start().await;
    let client = client(&server);
    let (config, rooms) = filter_fixture(&client).await;

    let listed = client
        .list_rooms()
        .name("alpha")
        .message_review_handler_uri(HANDLER_A)
        .logging_configuration_identifier(&config)
        .send()
        .await
        .expect("ListRooms");
    assert_eq!(arns(listed.rooms()), picked(&rooms, &[0]));

    let listed = client
        .list_rooms()
        .name("beta")
        .message_review_handler_uri(HANDLER_B)
        .send()
        .await
        .expect("ListRooms");
    assert!(listed.rooms().is_empty());
}

#[tokio::test]
async fn filtered_pages_hold_only_matching_rooms() {
    let server = start().await;
    let client = client(&server);
    let (_, rooms) = filter_fixture(&client).await;
    let mut seen = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let page = client
            .list_rooms()
            .name("alpha")
            .max_results(1)
            .set_next_token(token.take())
            .send()
            .await
            .expect("ListRooms");
        assert!(page.rooms().len() <= 1);
        seen.extend(arns(page.rooms()));
        match page.next_token() {
            Some(next) => token = Some(next.to_owned()),
            None => break,
        }
    }
    assert_eq!(seen, picked(&rooms, &[0, 1, 2]));
}

#[tokio::test]
async fn list_rooms_with_an_unknown_logging_configuration_is_not_found() {
    let server = start().await;
    let client = client(&server);
    let err = client
        .list_rooms()
        .logging_configuration_identifier(logging_configuration_arn("NoSuchConfig"))
        .send()
        .await
        .expect_err("unknown configuration")
        .into_service_error();
    let ListRoomsError::ResourceNotFoundException(e) = err else {
        panic!("expected ResourceNotFoundException, got {err:?}")
    };
    assert_eq!(e.resource_id(), "NoSuchConfig");
}

#[tokio::test]
async fn list_rooms_with_an_invalid_next_token_is_a_validation_error() {
    let server = start().await;
    let client = client(&server);
    create_room(&client).await;
    for token in [
        "garbage!",
        "djE6cm9vbXM6bm90LWEtbnVtYmVy",
        "x".repeat(1025).as_str(),
    ] {
        let err = client
            .list_rooms()
            .next_token(token)
            .send()
            .await
            .expect_err("an invalid token")
            .into_service_error();
        let ListRoomsError::ValidationException(e) = err else {
            panic!("expected ValidationException for {token:?}, got {err:?}")
        };
        assert_eq!(e.field_list()[0].name(), "nextToken");
    }
}

#[tokio::test]
async fn list_rooms_rejects_max_results_0_and_51() {
    let server = start().await;
    let client = client(&server);
    for max in [0, 51] {
        let err = client
            .list_rooms()
            .max_results(max)
            .send()
            .await
            .expect_err("out of range")
            .into_service_error();
        let ListRoomsError::ValidationException(e) = err else {
            panic!("expected ValidationException for {max}, got {err:?}")
        };
        assert_eq!(e.field_list().len(), 1);
        assert_eq!(e.field_list()[0].name(), "maxResults");
    }
    let listed = client
        .list_rooms()
        .max_results(50)
        .send()
        .await
        .expect("50 is allowed");
    assert!(listed.rooms().is_empty());
}

#[tokio::test]
async fn list_rooms_rejects_a_handler_filter_that_is_not_a_lambda_arn() {
    let server = start().await;
    let client = client(&server);
    let err = client
        .list_rooms()
        .message_review_handler_uri("https://example.com/review")
        .send()
        .await
        .expect_err("not a Lambda ARN")
        .into_service_error();
    let ListRoomsError::ValidationException(e) = err else {
        panic!("expected ValidationException, got {err:?}")
    };
    assert_eq!(e.field_list()[0].name(), "messageReviewHandlerUri");
}

#[tokio::test]
async fn rooms_of_another_region_are_not_listed() {
    let server = start().await;
    let here = client(&server);
    let there = crate::support::client_with(&server, |settings| {
        settings.region = "eu-central-1".into();
    });
    let mine = create_room(&here).await;
    let theirs = create_room(&there).await;
    assert!(theirs.contains(":eu-central-1:"), "{theirs}");

    let listed = here.list_rooms().send().await.expect("ListRooms");
    assert_eq!(arns(listed.rooms()), [mine]);
}

#[tokio::test]
async fn list_rooms_rejects_an_invalid_name_filter() {
    let server = start().await;
    let client = client(&server);
    let err = client
        .list_rooms()
        .name("no spaces allowed")
        .send()
        .await
        .expect_err("an invalid name")
        .into_service_error();
    let ListRoomsError::ValidationException(e) = err else {
        panic!("expected ValidationException, got {err:?}")
    };
    assert_eq!(e.field_list()[0].name(), "name");
}
