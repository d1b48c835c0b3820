//! The ban store against a real moto server (DynamoDB), and its error mapping for the faults a
//! real server cannot produce (throttling), through the SDK with canned wire answers.

use std::collections::{BTreeSet, HashMap};

use aws_sdk_dynamodb::config::retry::RetryConfig;
use aws_sdk_dynamodb::operation::batch_get_item::BatchGetItemOutput;
use aws_sdk_dynamodb::types::{AttributeValue, KeysAndAttributes};
use aws_sdk_dynamodb::Client;
use aws_smithy_mocks::{mock, mock_client, Rule, RuleMode};
use shared::bans::{
    create_table, table_name_from_lookup, Ban, BanScope, BanStore, BanStoreError,
    BanValidationError, DynamoBanStore, RoomId, UserId, MAX_PAGE_LIMIT,
};
use shared::ids::IdError;
use shared::ivs_client::EndpointSettings;
use time::{Duration, OffsetDateTime};

use moto::MotoServer;

// ---- helpers ----

/// A store on a new table of its own in the binary's moto server.
async fn store(test: &str) -> DynamoBanStore {
    let moto = MotoServer::shared();
    let store = DynamoBanStore::for_endpoint(
        &EndpointSettings::local(moto.endpoint()),
        format!("bans-{test}"),
    )
    .expect("valid table name");
    create_table(store.client(), store.table_name())
        .await
        .expect("CreateTable on moto");
    store
}

fn user(id: &str) -> UserId {
    UserId::new(id).expect("valid user id")
}

fn room_id(id: &str) -> RoomId {
    RoomId::new(id).expect("valid room id")
}

fn room(id: &str) -> BanScope {
    BanScope::Room(room_id(id))
}

fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}

fn permanent(scope: BanScope, user_id: &str, created_at: OffsetDateTime) -> Ban {
    Ban::new(scope, user(user_id), "spam", "mod-1", created_at, None).expect("valid ban")
}

/// A ban created at `created_at` that lasts `length`.
fn timed(scope: BanScope, user_id: &str, created_at: OffsetDateTime, length: Duration) -> Ban {
    Ban::for_duration(scope, user(user_id), "spam", "mod-1", created_at, length).expect("valid ban")
}

async fn stored_item_count(store: &DynamoBanStore) -> usize {
    let output = store
        .client()
        .scan()
        .table_name(store.table_name())
        .send()
        .await
        .expect("Scan on moto");
    output.items().len()
}

// ---- the token issuer's lookup ----

#[tokio::test]
async fn room_ban_keeps_the_user_out_of_that_room_only() {
    let store = store("room-ban").await;
    let now = now();
    let ban = timed(room("lobby"), "alice", now, Duration::hours(1));
    store.put(&ban).await.expect("put");

    let found = store
        .active_ban(&room_id("lobby"), &user("alice"), now)
        .await
        .expect("lookup");
    assert_eq!(found, Some(ban));
    assert_eq!(
        store
            .active_ban(&room_id("kitchen"), &user("alice"), now)
            .await
            .expect("lookup"),
        None
    );
    assert_eq!(
        store
            .active_ban(&room_id("lobby"), &user("bob"), now)
            .await
            .expect("lookup"),
        None
    );
}

#[tokio::test]
async fn global_ban_keeps_the_user_out_of_every_room() {
    let store = store("global-ban").await;
    let now = now();
    let ban = permanent(BanScope::Global, "mallory", now);
    store.put(&ban).await.expect("put");

    for room in ["lobby", "kitchen", "g1H2I3j4k5L6"] {
        let found = store
            .active_ban(&room_id(room), &user("mallory"), now)
            .await
            .expect("lookup");
        assert_eq!(found.as_ref(), Some(&ban), "{room}");
    }
}

#[tokio::test]
async fn expired_ban_is_ignored_although_still_stored() {
    let store = store("expired").await;
    let now = now();
    let expired = timed(
        room("lobby"),
        "alice",
        now - Duration::hours(2),
        Duration::hours(1),
    );
    store.put(&expired).await.expect("put");

    // TTL has not removed it (moto never does; DynamoDB takes up to days) ...
    assert_eq!(stored_item_count(&store).await, 1);
    // ... yet it is over.
    assert_eq!(
        store
            .active_ban(&room_id("lobby"), &user("alice"), now)
            .await
            .expect("lookup"),
        None
    );
    // It was in force an hour and a half ago.
    assert_eq!(
        store
            .active_ban(
                &room_id("lobby"),
                &user("alice"),
                now - Duration::minutes(90)
            )
            .await
            .expect("lookup"),
        Some(expired)
    );
}

#[tokio::test]
async fn ban_ends_exactly_at_its_expiry() {
    let store = store("expiry-edge").await;
    let created = now();
    let ban = timed(room("lobby"), "alice", created, Duration::minutes(10));
    store.put(&ban).await.expect("put");
    let expires_at = ban.expires_at().expect("timed ban");

    let just_before = expires_at - Duration::milliseconds(1);
    assert!(store
        .active_ban(&room_id("lobby"), &user("alice"), just_before)
        .await
        .expect("lookup")
        .is_some());
    assert!(store
        .active_ban(&room_id("lobby"), &user("alice"), expires_at)
        .await
        .expect("lookup")
        .is_none());
    let listed = store
        .list(&room("lobby"), None, 10, expires_at)
        .await
        .expect("list");
    assert!(listed.bans.is_empty());
}

#[tokio::test]
async fn permanent_room_ban_beats_a_timed_global_ban() {
    let store = store("permanent-beats-timed").await;
    let now = now();
    let room_ban = permanent(room("lobby"), "alice", now);
    store.put(&room_ban).await.expect("put");
    store
        .put(&timed(BanScope::Global, "alice", now, Duration::days(3650)))
        .await
        .expect("put");

    let found = store
        .active_ban(&room_id("lobby"), &user("alice"), now)
        .await
        .expect("lookup");
    assert_eq!(found, Some(room_ban));
}

#[tokio::test]
async fn global_ban_beats_a_room_ban_of_the_same_length() {
    let store = store("global-beats-room").await;
    let now = now();
    store
        .put(&permanent(room("lobby"), "alice", now))
        .await
        .expect("put");
    let global = permanent(BanScope::Global, "alice", now);
    store.put(&global).await.expect("put");

    let found = store
        .active_ban(&room_id("lobby"), &user("alice"), now)
        .await
        .expect("lookup");
    assert_eq!(found, Some(global));
}

#[tokio::test]
async fn later_expiry_wins_between_two_timed_bans() {
    let store = store("later-expiry").await;
    let now = now();
    let long_room_ban = timed(room("lobby"), "alice", now, Duration::days(7));
    store.put(&long_room_ban).await.expect("put");
    store
        .put(&timed(BanScope::Global, "alice", now, Duration::hours(1)))
        .await
        .expect("put");

    let found = store
        .active_ban(&room_id("lobby"), &user("alice"), now)
        .await
        .expect("lookup");
    assert_eq!(found, Some(long_room_ban));
}

#[tokio::test]
async fn an_expired_global_ban_leaves_the_active_room_ban() {
    let store = store("expired-global").await;
    let now = now();
    store
        .put(&permanent(
            BanScope::Global,
            "alice",
            now - Duration::days(2),
        ))
        .await
        .expect("put");
    store
        .put(&timed(
            BanScope::Global,
            "alice",
            now - Duration::days(2),
            Duration::days(1),
        ))
        .await
        .expect("put replaces the permanent ban");
    let room_ban = timed(room("lobby"), "alice", now, Duration::hours(1));
    store.put(&room_ban).await.expect("put");

    let found = store
        .active_ban(&room_id("lobby"), &user("alice"), now)
        .await
        .expect("lookup");
    assert_eq!(found, Some(room_ban));
}

#[tokio::test]
async fn a_ban_round_trips_with_every_field() {
    let store = store("round-trip").await;
    let now = now();
    let reason = "répété: «spam» 🚫 ".repeat(25);
    let reason: String = reason.chars().take(500).collect();
    let ban = Ban::new(
        room("g1H2I3j4k5L6"),
        user(&"ü".repeat(128)),
        reason.clone(),
        "arn:aws:iam::123456789012:role/moderator",
        now,
        Some(now + Duration::minutes(5)),
    )
    .expect("valid ban");
    store.put(&ban).await.expect("put");
    let found = store
        .active_ban(&room_id("g1H2I3j4k5L6"), ban.user_id(), now)
        .await
        .expect("lookup")
        .expect("banned");
    assert_eq!(found, ban);
    assert_eq!(found.reason(), reason);

    let no_reason = Ban::new(BanScope::Global, user("bob"), "", "mod-2", now, None)
        .expect("a reason is optional");
    store.put(&no_reason).await.expect("put");
    let found = store
        .active_ban(&room_id("lobby"), &user("bob"), now)
        .await
        .expect("lookup");
    assert_eq!(found, Some(no_reason));
}

// ---- the moderation API's operations ----

#[tokio::test]
async fn put_replaces_the_ban_of_the_same_scope_and_user() {
    let store = store("overwrite").await;
    let now = now();
    store
        .put(&timed(room("lobby"), "alice", now, Duration::hours(1)))
        .await
        .expect("put");
    let replacement = Ban::new(
        room("lobby"),
        user("alice"),
        "again",
        "mod-2",
        now + Duration::minutes(1),
        None,
    )
    .expect("valid ban");
    store.put(&replacement).await.expect("put");

    assert_eq!(stored_item_count(&store).await, 1);
    let found = store
        .active_ban(&room_id("lobby"), &user("alice"), now + Duration::hours(2))
        .await
        .expect("lookup");
    assert_eq!(found, Some(replacement));
}

#[tokio::test]
async fn remove_deletes_the_ban_and_tells_whether_one_existed() {
    let store = store("remove").await;
    let now = now();
    store
        .put(&permanent(room("lobby"), "alice", now))
        .await
        .expect("put");
    store
        .put(&permanent(BanScope::Global, "alice", now))
        .await
        .expect("put");

    assert!(store
        .remove(&room("lobby"), &user("alice"))
        .await
        .expect("remove"));
    assert!(!store
        .remove(&room("lobby"), &user("alice"))
        .await
        .expect("remove again"));
    assert!(!store
        .remove(&room("kitchen"), &user("alice"))
        .await
        .expect("remove of nothing"));
    // The global ban is untouched.
    assert!(store
        .active_ban(&room_id("lobby"), &user("alice"), now)
        .await
        .expect("lookup")
        .is_some_and(|ban| ban.scope().is_global()));
    assert!(store
        .remove(&BanScope::Global, &user("alice"))
        .await
        .expect("remove"));
    assert_eq!(
        store
            .active_ban(&room_id("lobby"), &user("alice"), now)
            .await
            .expect("lookup"),
        None
    );
}

/// Every page of a listing, checking each page's size.
async fn all_pages(
    store: &DynamoBanStore,
    scope: &BanScope,
    limit: u32,
    now: OffsetDateTime,
) -> Vec<Vec<Ban>> {
    let mut pages = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let page = store
            .list(scope, token.as_deref(), limit, now)
            .await
            .expect("list");
        assert!(page.bans.len() <= limit as usize, "page over the limit");
        pages.push(page.bans);
        assert!(pages.len() <= 20, "the listing does not end");
        match page.next_page_token {
            Some(next) => token = Some(next),
            None => return pages,
        }
    }
}

#[tokio::test]
async fn list_pages_through_more_bans_than_a_page() {
    let store = store("list-pages").await;
    let now = now();
    let mut expected = BTreeSet::new();
    for i in 0..10 {
        let id = format!("user-{i:02}");
        if i % 3 == 1 {
            // Expired, still stored: left out, wherever it falls.
            store
                .put(&timed(
                    room("lobby"),
                    &id,
                    now - Duration::days(1),
                    Duration::hours(1),
                ))
                .await
                .expect("put");
        } else {
            let ban = if i % 2 == 0 {
                permanent(room("lobby"), &id, now)
            } else {
                timed(room("lobby"), &id, now, Duration::hours(1))
            };
            store.put(&ban).await.expect("put");
            expected.insert(id);
        }
    }
    // Other scopes stay out of the room's listing.
    store
        .put(&permanent(room("kitchen"), "user-00", now))
        .await
        .expect("put");
    store
        .put(&permanent(BanScope::Global, "user-99", now))
        .await
        .expect("put");

    let pages = all_pages(&store, &room("lobby"), 3, now).await;
    let listed: Vec<String> = pages
        .iter()
        .flatten()
        .map(|ban| ban.user_id().to_string())
        .collect();
    assert_eq!(
        listed,
        expected.iter().cloned().collect::<Vec<_>>(),
        "all active bans once, in user id order"
    );
    assert!(pages.len() >= 3, "7 bans in pages of 3: {pages:?}");
    assert_eq!(pages[0].len(), 3, "the first page is full");
    assert!(pages
        .iter()
        .flatten()
        .all(|ban| ban.scope() == &room("lobby") && ban.is_active_at(now)));

    let global = all_pages(&store, &BanScope::Global, 3, now).await;
    let global: Vec<&str> = global
        .iter()
        .flatten()
        .map(|ban| ban.user_id().as_str())
        .collect();
    assert_eq!(global, ["user-99"]);
}

#[tokio::test]
async fn listing_that_fits_one_page_has_no_next_token() {
    let store = store("list-exact").await;
    let now = now();
    for id in ["a", "b", "c"] {
        store
            .put(&permanent(BanScope::Global, id, now))
            .await
            .expect("put");
    }
    let page = store
        .list(&BanScope::Global, None, 3, now)
        .await
        .expect("list");
    assert_eq!(page.bans.len(), 3);
    assert_eq!(page.next_page_token, None);

    let empty = store
        .list(&room("nobody-here"), None, 3, now)
        .await
        .expect("list");
    assert!(empty.bans.is_empty());
    assert_eq!(empty.next_page_token, None);
}

#[tokio::test]
async fn a_page_of_expired_bans_does_not_end_the_listing_early() {
    let store = store("list-expired-run").await;
    let now = now();
    // Twenty expired bans before the only active one, with pages of 1.
    for i in 0..20 {
        store
            .put(&timed(
                room("lobby"),
                &format!("a-{i:02}"),
                now - Duration::days(1),
                Duration::hours(1),
            ))
            .await
            .expect("put");
    }
    store
        .put(&permanent(room("lobby"), "z-active", now))
        .await
        .expect("put");

    let pages = all_pages(&store, &room("lobby"), 1, now).await;
    let listed: Vec<&str> = pages
        .iter()
        .flatten()
        .map(|ban| ban.user_id().as_str())
        .collect();
    assert_eq!(listed, ["z-active"]);
}

#[tokio::test]
async fn bad_page_tokens_are_refused_as_invalid_input() {
    let store = store("bad-token").await;
    let now = now();
    for id in ["a", "b", "c"] {
        store
            .put(&permanent(room("lobby"), id, now))
            .await
            .expect("put");
    }
    let first = store
        .list(&room("lobby"), None, 2, now)
        .await
        .expect("list");
    let token = first.next_page_token.expect("more to come");

    for (scope, bad) in [
        (room("lobby"), "not a token".to_owned()),
        (room("lobby"), "eyJ2IjoxfQ".to_owned()), // {"v":1}
        (room("lobby"), format!("{token}x")),
        (room("kitchen"), token.clone()),
        (BanScope::Global, token.clone()),
    ] {
        let error = store
            .list(&scope, Some(&bad), 2, now)
            .await
            .expect_err("bad token refused");
        assert!(error.is_invalid_input(), "{bad}: {error}");
        assert!(!error.is_throttling());
        assert!(
            matches!(
                error,
                BanStoreError::Invalid(BanValidationError::InvalidPageToken { .. })
            ),
            "{bad}: {error:?}"
        );
        assert!(error.to_string().contains("page token"), "{error}");
    }

    let second = store
        .list(&room("lobby"), Some(&token), 2, now)
        .await
        .expect("the real token still works");
    assert_eq!(second.bans.len(), 1);
    assert_eq!(second.bans[0].user_id().as_str(), "c");
}

#[tokio::test]
async fn page_size_out_of_range_is_refused() {
    let store = store("bad-limit").await;
    for limit in [0, MAX_PAGE_LIMIT + 1] {
        let error = store
            .list(&BanScope::Global, None, limit, now())
            .await
            .expect_err("limit refused");
        assert!(
            matches!(
                error,
                BanStoreError::Invalid(BanValidationError::InvalidLimit { .. })
            ),
            "{limit}: {error:?}"
        );
    }
    store
        .list(&BanScope::Global, None, MAX_PAGE_LIMIT, now())
        .await
        .expect("the largest page is fine");
}

// ---- validation ----

#[test]
fn new_bans_and_ids_are_validated() {
    let now = now();
    assert_eq!(UserId::new(""), Err(IdError::EmptyUserId));
    assert_eq!(
        UserId::new("x".repeat(129)),
        Err(IdError::UserIdTooLong { chars: 129 })
    );
    assert!(
        UserId::new("é".repeat(128)).is_ok(),
        "characters, not bytes"
    );
    for bad_room in ["", "ROOM#x", "lobby 2", &"r".repeat(129)] {
        assert!(
            matches!(RoomId::new(bad_room), Err(IdError::InvalidRoomId { .. })),
            "{bad_room:?}"
        );
    }

    let ban = |reason: String, banned_by: &str, expires_at: Option<OffsetDateTime>| {
        Ban::new(
            room("lobby"),
            user("alice"),
            reason,
            banned_by,
            now,
            expires_at,
        )
    };
    assert!(ban("r".repeat(500), "mod", None).is_ok());
    assert_eq!(
        ban("r".repeat(501), "mod", None),
        Err(BanValidationError::ReasonTooLong { chars: 501 })
    );
    assert_eq!(
        ban(String::new(), "", None),
        Err(BanValidationError::EmptyBannedBy)
    );
    assert!(matches!(
        ban(String::new(), &"m".repeat(257), None),
        Err(BanValidationError::BannedByTooLong { chars: 257 })
    ));
    for past_or_now in [now, now - Duration::seconds(1)] {
        let error = ban(String::new(), "mod", Some(past_or_now)).expect_err("not in the future");
        assert!(
            matches!(error, BanValidationError::ExpiryNotInFuture { .. }),
            "{error:?}"
        );
        assert!(error.to_string().contains("expiry"), "{error}");
    }
    assert!(matches!(
        Ban::for_duration(room("lobby"), user("alice"), "", "mod", now, Duration::ZERO),
        Err(BanValidationError::ExpiryNotInFuture { .. })
    ));
    let message = UserId::new("x".repeat(129))
        .expect_err("too long")
        .to_string();
    assert!(message.contains("128"), "{message}");
}

#[test]
fn table_name_comes_from_bans_table_name() {
    let env = |pairs: &'static [(&'static str, &'static str)]| {
        move |name: &str| {
            pairs
                .iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| value.to_string())
        }
    };
    assert_eq!(
        table_name_from_lookup(env(&[("BANS_TABLE_NAME", "ivschat-bans")])).expect("set"),
        "ivschat-bans"
    );
    for missing in [&[][..], &[("BANS_TABLE_NAME", " ")][..]] {
        let error = table_name_from_lookup(env(missing)).expect_err("unset");
        assert!(error.to_string().contains("BANS_TABLE_NAME"), "{error}");
    }
    let error =
        table_name_from_lookup(env(&[("BANS_TABLE_NAME", "bad name!")])).expect_err("invalid");
    assert!(error.to_string().contains("bad name!"), "{error}");
}

// ---- the table ----

#[tokio::test]
async fn create_table_makes_an_on_demand_table_with_ttl_on_expires_at() {
    let store = store("schema").await;
    let client = store.client();
    let table = client
        .describe_table()
        .table_name(store.table_name())
        .send()
        .await
        .expect("DescribeTable")
        .table
        .expect("a table");
    let keys: Vec<(String, String)> = table
        .key_schema()
        .iter()
        .map(|k| {
            (
                k.attribute_name().to_owned(),
                k.key_type().as_str().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        keys,
        [
            ("scope".to_owned(), "HASH".to_owned()),
            ("userId".to_owned(), "RANGE".to_owned())
        ]
    );
    assert_eq!(
        table
            .billing_mode_summary()
            .and_then(|b| b.billing_mode())
            .map(|m| m.as_str()),
        Some("PAY_PER_REQUEST")
    );
    let ttl = client
        .describe_time_to_live()
        .table_name(store.table_name())
        .send()
        .await
        .expect("DescribeTimeToLive")
        .time_to_live_description
        .expect("a TTL description");
    assert_eq!(ttl.attribute_name(), Some("expiresAt"));
    assert_eq!(
        ttl.time_to_live_status().map(|s| s.as_str()),
        Some("ENABLED")
    );
}

#[tokio::test]
async fn a_missing_table_is_reported_with_table_and_operation() {
    let moto = MotoServer::shared();
    let store =
        DynamoBanStore::for_endpoint(&EndpointSettings::local(moto.endpoint()), "bans-absent")
            .expect("valid table name");
    let error = store
        .active_ban(&room_id("lobby"), &user("alice"), now())
        .await
        .expect_err("no table");
    assert!(
        matches!(
            &error,
            BanStoreError::TableNotFound { table, operation: "BatchGetItem" } if table == "bans-absent"
        ),
        "{error:?}"
    );
    assert!(!error.is_throttling() && !error.is_invalid_input());
}

#[tokio::test]
async fn a_malformed_item_is_reported_not_trusted() {
    let store = store("corrupt").await;
    store
        .client()
        .put_item()
        .table_name(store.table_name())
        .item("scope", AttributeValue::S("GLOBAL".into()))
        .item("userId", AttributeValue::S("alice".into()))
        .item("bannedBy", AttributeValue::S("mod".into()))
        .item("createdAt", AttributeValue::S("yesterday".into()))
        .send()
        .await
        .expect("PutItem");
    let error = store
        .active_ban(&room_id("lobby"), &user("alice"), now())
        .await
        .expect_err("corrupt item");
    assert!(
        matches!(&error, BanStoreError::CorruptItem { problem, .. } if problem.contains("createdAt")),
        "{error:?}"
    );
}

// ---- faults a real server cannot produce: canned DynamoDB answers through the SDK ----

const TABLE: &str = "bans-mocked";

fn mocked_store(rules: &[&Rule]) -> DynamoBanStore {
    let client: Client = mock_client!(aws_sdk_dynamodb, RuleMode::Sequential, rules, |c| c
        .retry_config(RetryConfig::standard().with_max_attempts(1)));
    DynamoBanStore::new(client, TABLE).expect("valid table name")
}

/// A DynamoDB error answer as it comes over the wire (awsJson1_0).
fn wire_error(code: &str) -> String {
    format!(r#"{{"__type":"com.amazonaws.dynamodb.v20120810#{code}","message":"{code} (canned)"}}"#)
}

#[tokio::test]
async fn throttled_lookup_is_reported_as_throttling() {
    for code in [
        "ProvisionedThroughputExceededException",
        "RequestLimitExceeded",
        "ThrottlingException",
    ] {
        let rule = mock!(Client::batch_get_item)
            .sequence()
            .http_status(400, Some(wire_error(code)))
            .build();
        let store = mocked_store(&[&rule]);
        let error = store
            .active_ban(&room_id("lobby"), &user("alice"), now())
            .await
            .expect_err("throttled");
        assert!(error.is_throttling(), "{code}: {error:?}");
        let message = error.to_string();
        assert!(
            message.contains(TABLE) && message.contains("BatchGetItem"),
            "{message}"
        );
    }
}

#[tokio::test]
async fn throttled_listing_and_writes_are_reported_as_throttling() {
    let query = mock!(Client::query)
        .sequence()
        .http_status(400, Some(wire_error("RequestLimitExceeded")))
        .build();
    let put = mock!(Client::put_item)
        .sequence()
        .http_status(
            400,
            Some(wire_error("ProvisionedThroughputExceededException")),
        )
        .build();
    let delete = mock!(Client::delete_item)
        .sequence()
        .http_status(400, Some(wire_error("ThrottlingException")))
        .build();
    let store = mocked_store(&[&query, &put, &delete]);
    let now = now();

    let error = store
        .list(&BanScope::Global, None, 10, now)
        .await
        .expect_err("throttled");
    assert!(
        matches!(
            error,
            BanStoreError::Throttled {
                operation: "Query",
                ..
            }
        ),
        "{error:?}"
    );
    let error = store
        .put(&permanent(BanScope::Global, "alice", now))
        .await
        .expect_err("throttled");
    assert!(
        matches!(
            error,
            BanStoreError::Throttled {
                operation: "PutItem",
                ..
            }
        ),
        "{error:?}"
    );
    let error = store
        .remove(&BanScope::Global, &user("alice"))
        .await
        .expect_err("throttled");
    assert!(
        matches!(
            error,
            BanStoreError::Throttled {
                operation: "DeleteItem",
                ..
            }
        ),
        "{error:?}"
    );
}

#[tokio::test]
async fn other_service_errors_are_failures_not_throttling() {
    let rule = mock!(Client::batch_get_item)
        .sequence()
        .http_status(500, Some(wire_error("InternalServerError")))
        .build();
    let store = mocked_store(&[&rule]);
    let error = store
        .active_ban(&room_id("lobby"), &user("alice"), now())
        .await
        .expect_err("failed");
    assert!(
        matches!(
            error,
            BanStoreError::Service {
                operation: "BatchGetItem",
                ..
            }
        ),
        "{error:?}"
    );
    assert!(!error.is_throttling() && !error.is_invalid_input());
    assert!(error.to_string().contains("InternalServerError"), "{error}");
}

fn global_key(user_id: &str) -> HashMap<String, AttributeValue> {
    HashMap::from([
        ("scope".to_owned(), AttributeValue::S("GLOBAL".into())),
        ("userId".to_owned(), AttributeValue::S(user_id.into())),
    ])
}

fn unprocessed_global_key() -> BatchGetItemOutput {
    let keys = KeysAndAttributes::builder()
        .keys(global_key("alice"))
        .consistent_read(true)
        .build()
        .expect("keys given");
    BatchGetItemOutput::builder()
        .responses(TABLE, Vec::new())
        .unprocessed_keys(TABLE, keys)
        .build()
}

#[tokio::test]
async fn keys_left_unprocessed_are_asked_for_again() {
    let banned_at = now().unix_timestamp().to_string();
    let rule = mock!(Client::batch_get_item)
        .sequence()
        .output(unprocessed_global_key)
        .output(move || {
            let mut item = global_key("alice");
            item.insert("reason".into(), AttributeValue::S("spam".into()));
            item.insert("bannedBy".into(), AttributeValue::S("mod".into()));
            item.insert("createdAt".into(), AttributeValue::N(banned_at.clone()));
            BatchGetItemOutput::builder()
                .responses(TABLE, vec![item])
                .build()
        })
        .build();
    let store = mocked_store(&[&rule]);
    let found = store
        .active_ban(&room_id("lobby"), &user("alice"), now())
        .await
        .expect("lookup")
        .expect("the second answer has the ban");
    assert!(found.scope().is_global() && found.is_permanent());
    assert_eq!(rule.num_calls(), 2);
}

#[tokio::test]
async fn keys_that_stay_unprocessed_are_reported_as_throttling() {
    let rule = mock!(Client::batch_get_item)
        .sequence()
        .output(unprocessed_global_key)
        .repeatedly()
        .build();
    let store = mocked_store(&[&rule]);
    let error = store
        .active_ban(&room_id("lobby"), &user("alice"), now())
        .await
        .expect_err("throttled");
    assert!(error.is_throttling(), "{error:?}");
    assert_eq!(rule.num_calls(), 4);
}
