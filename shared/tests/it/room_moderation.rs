//! The room moderation table against a real moto server (DynamoDB): versioned settings with
//! conditional writes, slow mode and sliding-window strike counts exact across concurrent
//! callers.

use shared::bans::{client_for_endpoint, RoomId, UserId};
use shared::ivs_client::EndpointSettings;
use shared::room_moderation::{
    create_table, BlockedTerm, RoomModerationSettings, RoomModerationStore, SlowMode, StoreError,
    StrikeRule, TermRule,
};
use time::{Duration, OffsetDateTime};

use moto::MotoServer;

async fn store(test: &str) -> RoomModerationStore {
    let client = client_for_endpoint(&EndpointSettings::local(MotoServer::shared().endpoint()));
    let table = format!("room-moderation-{test}");
    create_table(&client, &table)
        .await
        .expect("CreateTable on moto");
    RoomModerationStore::new(client, table)
}

fn room() -> RoomId {
    RoomId::new("abcdEFGH1234").expect("room id")
}

fn user(id: &str) -> UserId {
    UserId::new(id).expect("user id")
}

fn with_term(term: &str) -> RoomModerationSettings {
    RoomModerationSettings {
        blocked_terms: vec![BlockedTerm {
            term: term.to_owned(),
            action: TermRule::Hold,
        }],
        ..RoomModerationSettings::default()
    }
}

#[tokio::test]
async fn settings_are_versioned_and_a_stale_edit_is_refused() {
    let store = store("versions").await;
    let now = OffsetDateTime::now_utc();
    assert_eq!(store.settings(&room()).await.expect("read"), None);

    let first = store
        .put_settings(&room(), &with_term("spoiler"), Some(0), "mod-1", now)
        .await
        .expect("first save");
    assert_eq!(first.version, 1);
    assert_eq!(first.updated_by, "mod-1");
    assert_eq!(
        store.settings(&room()).await.expect("read"),
        Some(first.clone())
    );

    // Two moderators edit version 1; the second save is refused, naming the version now.
    let second = store
        .put_settings(&room(), &with_term("rosebud"), Some(1), "mod-2", now)
        .await
        .expect("based on the latest");
    assert_eq!(second.version, 2);
    let stale = store
        .put_settings(&room(), &with_term("other"), Some(1), "mod-3", now)
        .await
        .expect_err("based on an old version");
    assert!(
        matches!(stale, StoreError::VersionConflict { current: 2 }),
        "{stale:?}"
    );
    let again = store
        .put_settings(&room(), &with_term("x"), Some(0), "mod-3", now)
        .await
        .expect_err("the room has settings already");
    assert!(matches!(again, StoreError::VersionConflict { current: 2 }));

    // Without a version the last writer wins, and the version still counts up.
    let last = store
        .put_settings(&room(), &with_term("last"), None, "admin", now)
        .await
        .expect("last writer wins");
    assert_eq!(last.version, 3);
    assert_eq!(last.settings.blocked_terms[0].term, "last");
}

#[tokio::test]
async fn slow_mode_lets_one_message_through_per_window_and_says_when_the_next_may_go() {
    let store = store("slow").await;
    let t0 = OffsetDateTime::now_utc();
    assert_eq!(
        store
            .claim_slow_mode(&room(), &user("alice"), t0, 10)
            .await
            .expect("first"),
        SlowMode::Clear
    );
    let wait = store
        .claim_slow_mode(&room(), &user("alice"), t0 + Duration::seconds(3), 10)
        .await
        .expect("second");
    match wait {
        SlowMode::Wait { until } => {
            let off = (until - (t0 + Duration::seconds(10)))
                .whole_milliseconds()
                .abs();
            assert!(
                off <= 1,
                "until {until}, expected {}",
                t0 + Duration::seconds(10)
            );
        }
        SlowMode::Clear => panic!("a message 3 s after the last one goes through slow mode 10 s"),
    }
    // Another user is not slowed by alice.
    assert_eq!(
        store
            .claim_slow_mode(&room(), &user("bob"), t0, 10)
            .await
            .expect("bob"),
        SlowMode::Clear
    );
    assert_eq!(
        store
            .claim_slow_mode(&room(), &user("alice"), t0 + Duration::seconds(10), 10)
            .await
            .expect("after the window"),
        SlowMode::Clear
    );
}

#[tokio::test]
async fn concurrent_senders_are_slowed_by_one_conditional_write() {
    // DynamoDB applies conditional writes to one item one at a time, so exactly one of these
    // is clear there; moto does not serialize concurrent requests, so here at least one is,
    // and every attempt after them waits.
    let store = store("slow-race").await;
    let now = OffsetDateTime::now_utc();
    let (room, carol) = (room(), user("carol"));
    let attempts = (0..8).map(|_| store.claim_slow_mode(&room, &carol, now, 30));
    let results = futures_util::future::join_all(attempts).await;
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    assert!(
        results.iter().any(|r| matches!(r, Ok(SlowMode::Clear))),
        "{results:?}"
    );
    let after = store
        .claim_slow_mode(&room, &carol, now + Duration::seconds(1), 30)
        .await
        .expect("after");
    assert!(matches!(after, SlowMode::Wait { .. }), "{after:?}");
}

fn strikes(limit: u32, window_minutes: u32) -> StrikeRule {
    StrikeRule {
        limit,
        window_minutes,
        timeout_minutes: 1,
    }
}

#[tokio::test]
async fn refusals_straddling_a_fixed_window_boundary_count_together() {
    let store = store("strikes-boundary").await;
    let rule = strikes(3, 10);
    // A time a fixed 10-minute window would start at: the old count began again there.
    let now = OffsetDateTime::now_utc().unix_timestamp();
    let boundary =
        OffsetDateTime::from_unix_timestamp(now - now.rem_euclid(600) + 600).expect("boundary");
    let mut counts = Vec::new();
    for offset in [-40, -20, 15] {
        counts.push(
            store
                .add_strike(
                    &room(),
                    &user("troll"),
                    boundary + Duration::seconds(offset),
                    &rule,
                )
                .await
                .expect("strike"),
        );
    }
    assert_eq!(
        counts,
        [1, 2, 3],
        "three refusals within 55 s reach the limit"
    );
    assert_eq!(
        store
            .add_strike(&room(), &user("other"), boundary, &rule)
            .await
            .expect("other user"),
        1,
        "counted per user"
    );
}

#[tokio::test]
async fn refusals_older_than_the_window_do_not_count() {
    let store = store("strikes-old").await;
    let rule = strikes(3, 10);
    let start = OffsetDateTime::now_utc();
    for offset in [0, 60] {
        store
            .add_strike(
                &room(),
                &user("troll"),
                start + Duration::seconds(offset),
                &rule,
            )
            .await
            .expect("strike");
    }
    // Exactly ten minutes after the first refusal: it has left the window, the second not.
    let count = store
        .add_strike(
            &room(),
            &user("troll"),
            start + Duration::minutes(10),
            &rule,
        )
        .await
        .expect("strike");
    assert_eq!(count, 2);
    // Half an hour later, only this refusal is within the window.
    let count = store
        .add_strike(
            &room(),
            &user("troll"),
            start + Duration::minutes(30),
            &rule,
        )
        .await
        .expect("strike");
    assert_eq!(count, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_refusals_from_several_tasks_count_exactly() {
    let store = store("strikes-concurrent").await;
    let rule = strikes(100, 10);
    let now = OffsetDateTime::now_utc();
    // 24 review instances refusing the same user in the same millisecond.
    let tasks: Vec<_> = (0..24)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move {
                store
                    .add_strike(&room(), &user("troll"), now, &rule)
                    .await
                    .expect("strike")
            })
        })
        .collect();
    let mut counts = Vec::new();
    for task in tasks {
        counts.push(task.await.expect("task"));
    }
    // The last write's count sees every refusal; none sees more than there were.
    assert_eq!(counts.iter().max(), Some(&24), "{counts:?}");
    assert!(counts.iter().all(|c| (1..=24).contains(c)), "{counts:?}");
    let next = store
        .add_strike(&room(), &user("troll"), now + Duration::seconds(1), &rule)
        .await
        .expect("strike");
    assert_eq!(next, 25);

    // At a limit of 5, at least one of the concurrent refusals reaches it.
    let limited = strikes(5, 10);
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move {
                store
                    .add_strike(&room(), &user("spammer"), now, &limited)
                    .await
                    .expect("strike")
            })
        })
        .collect();
    let mut counts = Vec::new();
    for task in tasks {
        counts.push(task.await.expect("task"));
    }
    assert!(counts.contains(&5), "{counts:?}");
    assert!(
        counts.iter().all(|c| *c <= 5),
        "counted up to the limit: {counts:?}"
    );
}

#[tokio::test]
async fn an_unreachable_table_is_a_service_error_naming_it() {
    // A port nothing listens on: a real failure, no fake.
    let mut settings = EndpointSettings::local("http://127.0.0.1:9");
    settings.max_attempts = 1;
    let store = RoomModerationStore::new(client_for_endpoint(&settings), "nowhere");
    let error = store.settings(&room()).await.expect_err("no server");
    assert!(matches!(error, StoreError::Service { .. }), "{error:?}");
    assert!(error.to_string().contains("nowhere"), "{error}");
}

#[tokio::test]
async fn a_room_keeps_its_last_known_rules_when_the_table_goes_away() {
    use ivschat_moderation::{FailMode, Moderator};
    use shared::room_moderation::{CacheSettings, RoomRulesCache};
    use std::time::{Duration as StdDuration, Instant};

    // A moto server of its own, stopped halfway: a real outage, no fake.
    let moto = MotoServer::start().expect("moto starts");
    let mut endpoint = EndpointSettings::local(moto.endpoint());
    endpoint.max_attempts = 1;
    let client = client_for_endpoint(&endpoint);
    create_table(&client, "outage").await.expect("table");
    let store = RoomModerationStore::new(client, "outage");
    store
        .put_settings(
            &room(),
            &with_term("spoiler"),
            None,
            "mod",
            OffsetDateTime::now_utc(),
        )
        .await
        .expect("saved");
    let settings = CacheSettings {
        max_age: StdDuration::ZERO,
        read_timeout: StdDuration::from_millis(100),
        compile_wait: StdDuration::from_secs(10),
    };
    let cache = RoomRulesCache::new(store, FailMode::Allow, settings);
    let stack = Moderator::builtin().expect("built-in");
    let arn = "arn:aws:ivschat:us-west-2:123456789012:room/abcdEFGH1234";
    let known = cache
        .rules(&stack, &room(), arn)
        .await
        .expect("the room's rules");
    assert_eq!(known.version, 1);

    drop(moto);
    let started = Instant::now();
    let kept = cache
        .rules(&stack, &room(), arn)
        .await
        .expect("the last known rules");
    assert_eq!(kept.version, 1);
    assert_eq!(kept.settings.blocked_terms[0].term, "spoiler");
    assert!(
        started.elapsed() < StdDuration::from_millis(150),
        "{:?}",
        started.elapsed()
    );
}
