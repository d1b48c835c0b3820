//! The administration routes end to end: rooms, tags and logging configurations, admins
//! only, with every error mapping.

use serde_json::json;
use shared::room_tags;

use crate::stack::{next_of, say, start, WAIT};

#[tokio::test]
async fn admins_create_get_list_update_and_delete_rooms() {
    let stack = start(|_| {}).await;
    let admin = stack.admin();
    let created = stack
        .call(
            "POST",
            "/rooms",
            Some(&admin),
            &json!({
                "name": "launch-party",
                "maximumMessageLength": 300,
                "expiresAt": "2099-01-01T00:00:00Z",
                "access": "members",
                "memberGroups": ["vip"],
                "anonymousView": true,
                "tags": { "team": "red" }
            })
            .to_string(),
        )
        .await
        .expect(201)
        .json();
    let id = created["id"].as_str().expect("an id").to_owned();
    assert_eq!(created["name"], "launch-party");
    assert_eq!(created["maximumMessageLength"], 300);
    let tags = &created["tags"];
    assert_eq!(tags[room_tags::MANAGED_BY], "ivschat-local", "{created}");
    assert_eq!(tags[room_tags::EXPIRES_AT], "2099-01-01T00:00:00Z");
    assert_eq!(tags[room_tags::ACCESS], "members");
    assert_eq!(tags[room_tags::MEMBER_GROUPS], "vip");
    assert_eq!(tags[room_tags::ANONYMOUS_VIEW], "true");
    assert_eq!(tags["team"], "red");
    let handler = &created["messageReviewHandler"];
    assert!(
        handler["uri"]
            .as_str()
            .is_some_and(|uri| uri.ends_with(":function:message-review")),
        "new rooms are reviewed by the stack's function: {created}"
    );
    assert_eq!(handler["fallbackResult"], "ALLOW");

    let got = stack
        .call("GET", &format!("/rooms/{id}"), Some(&admin), "")
        .await
        .expect(200)
        .json();
    assert_eq!(got, created);

    let listed = stack
        .call(
            "GET",
            "/rooms?name=launch-party&maxResults=10",
            Some(&admin),
            "",
        )
        .await
        .expect(200)
        .json();
    let items = listed["items"].as_array().expect("items");
    assert_eq!(items.len(), 1, "{listed}");
    assert_eq!(items[0]["id"], id.as_str());

    let updated = stack
        .call(
            "PATCH",
            &format!("/rooms/{id}"),
            Some(&admin),
            &json!({
                "maximumMessageLength": 200,
                "messageReviewHandler": null,
                "expiresAt": null,
                "retain": true
            })
            .to_string(),
        )
        .await
        .expect(200)
        .json();
    assert_eq!(updated["maximumMessageLength"], 200);
    assert!(updated["messageReviewHandler"].is_null(), "{updated}");
    assert!(
        updated["tags"].get(room_tags::EXPIRES_AT).is_none(),
        "{updated}"
    );
    assert_eq!(updated["tags"][room_tags::RETAIN], "true");
    let got = stack
        .call("GET", &format!("/rooms/{id}"), Some(&admin), "")
        .await
        .expect(200)
        .json();
    assert_eq!(got["tags"], updated["tags"], "the tags really changed");
    assert!(got["messageReviewHandler"].is_null());

    let unreviewed = stack
        .call(
            "POST",
            "/rooms",
            Some(&admin),
            r#"{"messageReviewHandler": null}"#,
        )
        .await
        .expect(201)
        .json();
    assert!(unreviewed["messageReviewHandler"].is_null());

    stack
        .call("DELETE", &format!("/rooms/{id}"), Some(&admin), "")
        .await
        .expect(204);
    stack
        .call("GET", &format!("/rooms/{id}"), Some(&admin), "")
        .await
        .expect_error(404, "not_found", None);
}

#[tokio::test]
async fn room_tags_are_listed_added_and_removed_and_managed_by_is_protected() {
    let stack = start(|_| {}).await;
    let admin = stack.admin();
    let room = stack.room(json!({})).await;
    let path = format!("/rooms/{room}/tags");
    stack
        .call(
            "POST",
            &path,
            Some(&admin),
            r#"{"tags":{"team":"red","tier":"gold"}}"#,
        )
        .await
        .expect(204);
    stack
        .call("DELETE", &format!("{path}?tagKeys=tier"), Some(&admin), "")
        .await
        .expect(204);
    let tags = stack
        .call("GET", &path, Some(&admin), "")
        .await
        .expect(200)
        .json();
    assert_eq!(tags["tags"]["team"], "red", "{tags}");
    assert!(tags["tags"].get("tier").is_none(), "{tags}");
    assert_eq!(tags["tags"][room_tags::MANAGED_BY], "ivschat-local");

    let field = format!("tags.{}", room_tags::MANAGED_BY);
    stack
        .call(
            "POST",
            &path,
            Some(&admin),
            &json!({ "tags": { room_tags::MANAGED_BY: "someone-else" } }).to_string(),
        )
        .await
        .expect_error(400, "invalid_request", Some(&field));
    stack
        .call(
            "DELETE",
            &format!("{path}?tagKeys={}", room_tags::MANAGED_BY),
            Some(&admin),
            "",
        )
        .await
        .expect_error(
            400,
            "invalid_request",
            Some(&format!("tagKeys.{}", room_tags::MANAGED_BY)),
        );
    stack
        .call("DELETE", &path, Some(&admin), "")
        .await
        .expect_error(400, "invalid_request", Some("tagKeys"));
}

#[tokio::test]
async fn logging_configurations_are_managed_attached_and_really_record_chat() {
    let stack = start(|_| {}).await;
    let admin = stack.admin();
    let created = stack
        .call(
            "POST",
            "/logging-configurations",
            Some(&admin),
            r#"{"name":"chat-archive","destinationConfiguration":{"cloudWatchLogs":{"logGroupName":"chat-archive"}}}"#,
        )
        .await
        .expect(201)
        .json();
    let id = created["id"].as_str().expect("an id").to_owned();
    assert_eq!(
        created["destinationConfiguration"]["cloudWatchLogs"]["logGroupName"],
        "chat-archive"
    );
    assert_eq!(created["tags"][room_tags::MANAGED_BY], "ivschat-local");
    let renamed = stack
        .call(
            "PATCH",
            &format!("/logging-configurations/{id}"),
            Some(&admin),
            r#"{"name":"chat-archive-2"}"#,
        )
        .await
        .expect(200)
        .json();
    assert_eq!(renamed["name"], "chat-archive-2");
    let listed = stack
        .call("GET", "/logging-configurations", Some(&admin), "")
        .await
        .expect(200)
        .json();
    assert!(
        listed["items"]
            .as_array()
            .expect("items")
            .iter()
            .any(|c| c["id"] == id.as_str()),
        "{listed}"
    );

    // Rooms get the stack's chat-history logging configuration unless the body says otherwise.
    let default_room = stack.room(json!({})).await;
    let got = stack
        .call("GET", &format!("/rooms/{default_room}"), Some(&admin), "")
        .await
        .expect(200)
        .json();
    let identifiers = got["loggingConfigurationIdentifiers"]
        .as_array()
        .expect("ids");
    assert_eq!(identifiers.len(), 1, "{got}");
    assert!(
        identifiers[0]
            .as_str()
            .is_some_and(|arn| arn.contains(":logging-configuration/")),
        "{got}"
    );
    let room = stack
        .room(json!({ "messageReviewHandler": null, "loggingConfigurationIdentifiers": [] }))
        .await;
    let attach = format!("/rooms/{room}/logging-configurations/{id}");
    let attached = stack
        .call("PUT", &attach, Some(&admin), "")
        .await
        .expect(200)
        .json();
    assert_eq!(
        attached["loggingConfigurationIdentifiers"],
        json!([created["arn"]]),
        "{attached}"
    );
    // Attaching twice changes nothing.
    let again = stack
        .call("PUT", &attach, Some(&admin), "")
        .await
        .expect(200)
        .json();
    assert_eq!(
        again["loggingConfigurationIdentifiers"],
        attached["loggingConfigurationIdentifiers"]
    );
    // An attached configuration cannot be deleted: IVS's conflict is our 409.
    stack
        .call(
            "DELETE",
            &format!("/logging-configurations/{id}"),
            Some(&admin),
            "",
        )
        .await
        .expect_error(409, "conflict", None);

    let mut socket = stack.join(&room, "alice", &[]).await;
    say(&mut socket, "recorded for posterity").await;
    next_of(&mut socket, "MESSAGE").await;
    let group = stack.data_dir.join("cloudwatch-logs").join("chat-archive");
    let deadline = std::time::Instant::now() + WAIT;
    loop {
        let logged = std::fs::read_dir(&group)
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|entry| std::fs::read_to_string(entry.path()).ok())
            .any(|text| text.contains("recorded for posterity"));
        if logged {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no chat record in {}",
            group.display()
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }

    let detached = stack
        .call("DELETE", &attach, Some(&admin), "")
        .await
        .expect(200)
        .json();
    assert_eq!(detached["loggingConfigurationIdentifiers"], json!([]));
    stack
        .call(
            "DELETE",
            &format!("/logging-configurations/{id}"),
            Some(&admin),
            "",
        )
        .await
        .expect(204);
    stack
        .call(
            "GET",
            &format!("/logging-configurations/{id}"),
            Some(&admin),
            "",
        )
        .await
        .expect_error(404, "not_found", None);
    stack
        .call("PUT", &attach, Some(&admin), "")
        .await
        .expect_error(404, "not_found", None);
}

#[tokio::test]
async fn only_admins_administer() {
    let stack = start(|_| {}).await;
    for jwt in [stack.jwt("alice", &[]), stack.moderator()] {
        stack
            .call("POST", "/rooms", Some(&jwt), "{}")
            .await
            .expect_error(403, "forbidden", None);
        stack
            .call("GET", "/logging-configurations", Some(&jwt), "")
            .await
            .expect_error(403, "forbidden", None);
    }
    // No JWT: the gateway's authorizer refuses before any function runs.
    assert_eq!(stack.call("GET", "/rooms", None, "").await.status, 401);
    stack
        .call("GET", "/rooms", Some(&stack.admin()), "")
        .await
        .expect(200);
}

#[tokio::test]
async fn every_failure_maps_to_its_status_and_names_the_field() {
    let stack = start(|serve| serve.max_rooms = 2).await;
    let admin = stack.admin();
    let admin = Some(admin.as_str());
    stack
        .call("POST", "/rooms", admin, "{not json")
        .await
        .expect_error(400, "invalid_request", Some("body"));
    stack
        .call("POST", "/rooms", admin, r#"{"nmae":"typo"}"#)
        .await
        .expect_error(400, "invalid_request", Some("nmae"));
    stack
        .call(
            "POST",
            "/rooms",
            admin,
            r#"{"maximumMessageLength":"long"}"#,
        )
        .await
        .expect_error(400, "invalid_request", Some("maximumMessageLength"));
    let oversized = json!({ "name": "x".repeat(20_000) }).to_string();
    stack
        .call("POST", "/rooms", admin, &oversized)
        .await
        .expect_error(400, "invalid_request", Some("body"));
    // IVS Chat's own validation names its field too.
    stack
        .call("POST", "/rooms", admin, r#"{"maximumMessageLength":9999}"#)
        .await
        .expect_error(400, "invalid_request", Some("maximumMessageLength"));
    stack
        .call("GET", "/rooms/not-a-room", admin, "")
        .await
        .expect_error(400, "invalid_request", Some("roomId"));
    stack
        .call("GET", "/rooms/AAAAAAAAAAAA", admin, "")
        .await
        .expect_error(404, "not_found", None);
    stack
        .call("GET", "/rooms?maxResults=500", admin, "")
        .await
        .expect_error(400, "invalid_request", Some("maxResults"));
    stack
        .call(
            "POST",
            "/logging-configurations",
            admin,
            r#"{"destinationConfiguration":{"s3":{"bucketName":"a"},"firehose":{"deliveryStreamName":"b"}}}"#,
        )
        .await
        .expect_error(400, "invalid_request", Some("destinationConfiguration"));
    // A missing required member is named itself, not its parent.
    stack
        .call("POST", "/logging-configurations", admin, "{}")
        .await
        .expect_error(400, "invalid_request", Some("destinationConfiguration"));
    stack
        .call("POST", "/rooms", admin, r#"{"messageReviewHandler":{}}"#)
        .await
        .expect_error(400, "invalid_request", Some("messageReviewHandler.uri"));
    // A logging configuration the body names that does not exist is the body's fault (400,
    // naming the field); only the room the path names answers 404. Nothing is created.
    let unknown = json!({
        "loggingConfigurationIdentifiers":
            ["arn:aws:ivschat:us-east-1:123456789012:logging-configuration/AAAAAAAAAAAA"]
    })
    .to_string();
    stack
        .call("POST", "/rooms", admin, &unknown)
        .await
        .expect_error(
            400,
            "invalid_request",
            Some("loggingConfigurationIdentifiers"),
        );
    stack
        .call("PATCH", "/rooms/AAAAAAAAAAAA", admin, &unknown)
        .await
        .expect_error(404, "not_found", None);
    // The demo room is one of the two this account may have.
    let room = stack
        .call("POST", "/rooms", admin, "{}")
        .await
        .expect(201)
        .json();
    let room_id = room["id"].as_str().expect("room id");
    stack
        .call("PATCH", &format!("/rooms/{room_id}"), admin, &unknown)
        .await
        .expect_error(
            400,
            "invalid_request",
            Some("loggingConfigurationIdentifiers"),
        );
    let quota = stack
        .call("POST", "/rooms", admin, "{}")
        .await
        .expect_error(409, "quota_exceeded", None);
    assert!(
        quota["message"]
            .as_str()
            .is_some_and(|m| m.contains("quota")),
        "{quota}"
    );
}

#[tokio::test]
async fn control_plane_throttling_is_429_with_retry_after() {
    let stack = crate::stack::start_up(|config| {
        // GetRoom at 5 TPS × 0.2 = 1 per second, and no SDK retries in the function.
        config.serve.quotas = ivschat_local::config::QuotaSwitch::On;
        config.serve.quota_scale = 0.2;
        config
            .hosted
            .function_env
            .push(ivschat_local::config::FunctionEnv {
                function: "admin-api".into(),
                key: "AWS_MAX_ATTEMPTS".into(),
                value: "1".into(),
            });
    })
    .await;
    let admin = stack.admin();
    let room = stack
        .stack
        .rooms
        .get("DemoRoom")
        .expect("the demo room")
        .clone();
    let mut throttled = None;
    for _ in 0..20 {
        let answer = stack
            .call("GET", &format!("/rooms/{room}"), Some(&admin), "")
            .await;
        if answer.status == 429 {
            throttled = Some(answer);
            break;
        }
        answer.expect(200);
    }
    let answer = throttled.expect("GetRoom (1 TPS here) is throttled within 20 calls");
    assert_eq!(
        answer
            .headers
            .get("retry-after")
            .and_then(|v| v.to_str().ok()),
        Some("1")
    );
    answer.expect_error(429, "throttled", None);
}
