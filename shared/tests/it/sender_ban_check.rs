//! The review function's ban check against a real moto server (DynamoDB), and against real
//! sockets that refuse or never answer, for the store faults.

use std::time::Duration;

use shared::bans::{
    create_table, Ban, BanScope, BanStore, DynamoBanStore, RoomId, SenderBanCheck,
    SenderCheckSettings, SenderStatus, UserId,
};
use shared::ivs_client::EndpointSettings;
use time::OffsetDateTime;

use moto::MotoServer;

async fn store(test: &str) -> DynamoBanStore {
    let store = DynamoBanStore::for_endpoint(
        &EndpointSettings::local(MotoServer::shared().endpoint()),
        format!("sender-check-{test}"),
    )
    .expect("valid table name");
    create_table(store.client(), store.table_name())
        .await
        .expect("CreateTable on moto");
    store
}

fn ids() -> (RoomId, UserId) {
    (
        RoomId::new("lobby").expect("room"),
        UserId::new("mallory").expect("user"),
    )
}

fn ban(scope: BanScope, user: &UserId) -> Ban {
    Ban::new(
        scope,
        user.clone(),
        "spam",
        "mod-1",
        OffsetDateTime::now_utc(),
        None,
    )
    .expect("valid ban")
}

fn settings(max_age_ms: u64) -> SenderCheckSettings {
    SenderCheckSettings {
        max_age: Duration::from_millis(max_age_ms),
        read_timeout: Duration::from_millis(2_000),
    }
}

#[tokio::test]
async fn a_new_ban_applies_once_the_last_answer_is_older_than_max_age() {
    let store = store("max-age").await;
    let (room, user) = ids();
    let now = OffsetDateTime::now_utc;
    let trusting = SenderBanCheck::new(store.clone(), settings(60_000));
    let immediate = SenderBanCheck::new(store.clone(), settings(0));
    assert_eq!(
        trusting.status(&room, &user, now()).await,
        SenderStatus::Clear
    );
    assert_eq!(
        immediate.status(&room, &user, now()).await,
        SenderStatus::Clear
    );

    store
        .put(&ban(BanScope::Room(room.clone()), &user))
        .await
        .expect("ban");
    // An answer younger than max_age is trusted (no read per message)...
    assert_eq!(
        trusting.status(&room, &user, now()).await,
        SenderStatus::Clear
    );
    // ...and once it is older, the store is read again and the ban applies.
    match immediate.status(&room, &user, now()).await {
        SenderStatus::Banned(found) => assert_eq!(found.user_id(), &user),
        other => panic!("expected the ban, got {other:?}"),
    }

    // Another room is not affected; a global ban is.
    let other = RoomId::new("other").expect("room");
    assert_eq!(
        immediate.status(&other, &user, now()).await,
        SenderStatus::Clear
    );
    let global_user = UserId::new("trent").expect("user");
    store
        .put(&ban(BanScope::Global, &global_user))
        .await
        .expect("global ban");
    assert!(matches!(
        immediate.status(&other, &global_user, now()).await,
        SenderStatus::Banned(_)
    ));

    // An unban applies the same way.
    store
        .remove(&BanScope::Room(room.clone()), &user)
        .await
        .expect("unban");
    assert_eq!(
        immediate.status(&room, &user, now()).await,
        SenderStatus::Clear
    );
}

/// A store on a port where nothing listens (connection refused) or where a listener accepts
/// and never answers.
async fn broken_store(answers: bool) -> (DynamoBanStore, Option<tokio::task::JoinHandle<()>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = listener.local_addr().expect("address");
    let silent = if answers {
        drop(listener);
        None
    } else {
        Some(tokio::spawn(async move {
            let mut held = Vec::new();
            while let Ok((socket, _)) = listener.accept().await {
                held.push(socket);
            }
        }))
    };
    let store = DynamoBanStore::for_endpoint(
        &EndpointSettings::local(format!("http://{address}")),
        "bans-unreachable",
    )
    .expect("valid table name");
    (store, silent)
}

#[tokio::test]
async fn a_store_that_cannot_answer_gives_unknown_within_the_read_timeout() {
    let (room, user) = ids();
    for answers in [true, false] {
        let (store, silent) = broken_store(answers).await;
        let check = SenderBanCheck::new(
            store,
            SenderCheckSettings {
                max_age: Duration::ZERO,
                read_timeout: Duration::from_millis(100),
            },
        );
        let started = std::time::Instant::now();
        let status = check.status(&room, &user, OffsetDateTime::now_utc()).await;
        assert!(matches!(status, SenderStatus::Unknown(_)), "{status:?}");
        // Ended by the read timeout: without it the SDK would wait on the silent listener
        // for ever (the bound is a generous margin, not a performance figure).
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{:?}",
            started.elapsed()
        );
        if let Some(task) = silent {
            task.abort();
        }
    }
}
