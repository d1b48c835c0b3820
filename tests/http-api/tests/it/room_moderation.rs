//! Live room moderation end to end: moderators read and replace a room's settings through the
//! HTTP API (validated, versioned, plain users refused), and message review applies them.

use serde_json::json;

use crate::stack::start;

#[tokio::test]
async fn moderators_read_and_replace_a_rooms_settings_with_versions() {
    let stack = start(|_| {}).await;
    let moderator = stack.moderator();
    let room = stack.room(json!({ "messageReviewHandler": null })).await;
    let path = format!("/rooms/{room}/moderation");

    let fresh = stack
        .call("GET", &path, Some(&moderator), "")
        .await
        .expect(200)
        .json();
    assert_eq!(fresh["roomId"], room.as_str());
    assert_eq!(fresh["version"], 0);
    assert_eq!(fresh["blockedTerms"], json!([]));
    assert!(
        fresh["updatedAt"].is_null() && fresh["updatedBy"].is_null(),
        "{fresh}"
    );

    let document = json!({
        "blockedTerms": [{"term": "spoiler", "action": "hold"}, {"term": "rosebud", "action": "deny"}],
        "allowedTerms": ["grape"],
        "links": "mask",
        "slowModeSeconds": 5,
        "strikes": {"limit": 3, "windowMinutes": 10, "timeoutMinutes": 5},
        "categories": {"sexual": 3},
        "version": 0
    });
    let saved = stack
        .call("PUT", &path, Some(&moderator), &document.to_string())
        .await
        .expect(200)
        .json();
    assert_eq!(saved["version"], 1);
    assert_eq!(saved["updatedBy"], "mod");
    assert!(saved["updatedAt"].is_string());
    assert_eq!(saved["blockedTerms"][0]["action"], "hold");
    assert_eq!(saved["heldMessageMinutes"], 60);
    assert_eq!(saved["categories"]["sexual"], 3);

    let read = stack
        .call("GET", &path, Some(&stack.admin()), "")
        .await
        .expect(200)
        .json();
    assert_eq!(read, saved);

    // A second edit of version 0 lost the race: 409, nothing overwritten.
    stack
        .call("PUT", &path, Some(&stack.admin()), &document.to_string())
        .await
        .expect_error(409, "conflict", None);
    // Without a version the last writer wins.
    let last = stack
        .call(
            "PUT",
            &path,
            Some(&stack.admin()),
            r#"{"slowModeSeconds": 0}"#,
        )
        .await
        .expect(200)
        .json();
    assert_eq!(last["version"], 2);
    assert_eq!(last["updatedBy"], "root");
    assert_eq!(last["blockedTerms"], json!([]));
}

#[tokio::test]
async fn bad_documents_name_the_field_and_plain_users_are_refused() {
    let stack = start(|_| {}).await;
    let moderator = stack.moderator();
    let room = stack.room(json!({ "messageReviewHandler": null })).await;
    let path = format!("/rooms/{room}/moderation");

    for (body, field) in [
        (r#"{"slowModeSeconds": 121}"#, "slowModeSeconds"),
        (
            r#"{"blockedTerms": [{"term": "", "action": "mask"}]}"#,
            "blockedTerms[0].term",
        ),
        (
            r#"{"blockedTerms": [{"term": "x", "action": "shadowban"}]}"#,
            "blockedTerms[0].action",
        ),
        (r#"{"links": "sometimes"}"#, "links"),
        (
            r#"{"strikes": {"limit": 0, "windowMinutes": 1, "timeoutMinutes": 1}}"#,
            "strikes.limit",
        ),
        (
            r#"{"categories": {"hostility": 9}}"#,
            "categories.hostility",
        ),
        (r#"{"slowmode": 3}"#, "slowmode"),
    ] {
        stack
            .call("PUT", &path, Some(&moderator), body)
            .await
            .expect_error(400, "invalid_request", Some(field));
    }
    // 1,000 terms fit; the 1,001st does not.
    let terms: Vec<_> = (0..1000)
        .map(|i| json!({"term": format!("term number {i}"), "action": "mask"}))
        .collect();
    stack
        .call(
            "PUT",
            &path,
            Some(&moderator),
            &json!({ "blockedTerms": terms }).to_string(),
        )
        .await
        .expect(200);
    let mut too_many = terms.clone();
    too_many.push(json!({"term": "one more", "action": "mask"}));
    stack
        .call(
            "PUT",
            &path,
            Some(&moderator),
            &json!({ "blockedTerms": too_many }).to_string(),
        )
        .await
        .expect_error(400, "invalid_request", Some("blockedTerms"));

    let user = stack.jwt("alice", &[]);
    stack
        .call("GET", &path, Some(&user), "")
        .await
        .expect_error(403, "forbidden", None);
    stack
        .call("PUT", &path, Some(&user), r#"{"slowModeSeconds": 1}"#)
        .await
        .expect_error(403, "forbidden", None);
    stack.call("GET", &path, None, "").await.expect(401);
    stack
        .call("GET", "/rooms/not-a-room/moderation", Some(&moderator), "")
        .await
        .expect_error(400, "invalid_request", Some("roomId"));
}
