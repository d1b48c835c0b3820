//! What a room's live rules cost the review.
//!
//! 1. **Compile**: a room with 1,000 blocked terms (a third each mask, deny, hold) compiled
//!    on top of the built-in policy, as the review function does when a version changes (on
//!    a worker thread, off the review's clock).
//! 2. **Per message**: 2,000 generated chat lines reviewed by the stack's policy alone and by
//!    the room's 1,000-term rules (the hold engine included).
//! 3. **With slow mode and strikes, against moto**: the review with the room's rules, slow mode
//!    (one conditional write per delivered message) and strikes (a write and a count per refused
//!    one), 1,000 messages from 100 senders; beside it, the bare DynamoDB calls, so moto's
//!    share is visible apart from the function's own.
//!
//! Run: `cargo bench -p message-review --bench room_rules` (needs `MOTO_SERVER` or the
//! stack's moto, as the tests do).

use std::time::{Duration, Instant};

use ivschat_moderation::{FailMode, Moderator, ReviewRequest, Reviewer, RoomRef};
use ivschat_testkit::chat::bench_line;
use moto::MotoServer;
use shared::bans::{create_table as create_bans, DynamoBanStore, RoomId, UserId};
use shared::ivs_client::EndpointSettings;
use shared::room_moderation::{
    create_table, BlockedTerm, CacheSettings, RoomGuard, RoomModerationSettings,
    RoomModerationStore, RoomRules, RoomRulesCache, StrikeRule, TermRule,
};

const ROOM_ARN: &str = "arn:aws:ivschat:us-east-1:123456789012:room/abcdEFGH1234";

fn settings(terms: usize) -> RoomModerationSettings {
    let rules = [TermRule::Mask, TermRule::Deny, TermRule::Hold];
    RoomModerationSettings {
        blocked_terms: (0..terms)
            .map(|i| BlockedTerm {
                term: format!("blockterm{i}x"),
                action: rules[i % 3],
            })
            .collect(),
        slow_mode_seconds: 1,
        strikes: Some(StrikeRule {
            limit: 100,
            window_minutes: 10,
            timeout_minutes: 1,
        }),
        ..RoomModerationSettings::default()
    }
}

fn lines(n: usize) -> Vec<String> {
    (0..n)
        .map(|i| {
            let line = bench_line(i);
            if i % 10 == 0 {
                format!("{line} blockterm{}x", i % 1000)
            } else {
                line
            }
        })
        .collect()
}

fn request(content: &str, user: usize) -> ReviewRequest {
    ReviewRequest {
        content: content.to_owned(),
        message_id: format!("m{user}"),
        room_arn: ROOM_ARN.to_owned(),
        attributes: Default::default(),
        sender: ivschat_moderation::ReviewSender {
            user_id: format!("user{user}"),
            ..Default::default()
        },
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn report(label: &str, mut samples: Vec<Duration>) {
    samples.sort();
    println!(
        "{label:<58} p50 {:>9.1} µs   p99 {:>9.1} µs   max {:>9.1} µs",
        percentile(&samples, 0.5).as_secs_f64() * 1e6,
        percentile(&samples, 0.99).as_secs_f64() * 1e6,
        samples.last().copied().unwrap_or_default().as_secs_f64() * 1e6,
    );
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let stack = Moderator::builtin().expect("built-in policy");
    let room = RoomRef::from_arn(ROOM_ARN);

    // 1. Compile.
    let mut compiles = Vec::new();
    let mut rules = None;
    for _ in 0..5 {
        let started = Instant::now();
        let compiled =
            RoomRules::compile(&stack, room, FailMode::Allow, settings(1000), 1).expect("compiles");
        compiles.push(started.elapsed());
        rules = Some(compiled);
    }
    let rules = rules.expect("compiled");
    compiles.sort();
    println!(
        "compile: 1,000 blocked terms on the built-in policy: min {:.1} ms, median {:.1} ms",
        compiles[0].as_secs_f64() * 1e3,
        compiles[2].as_secs_f64() * 1e3
    );
    let started = Instant::now();
    let _ = Moderator::builtin().expect("built-in policy");
    println!(
        "compile: the built-in policy alone (the stack's, at cold start): {:.1} ms",
        started.elapsed().as_secs_f64() * 1e3
    );

    // 2. Per message.
    let texts = lines(2000);
    let reviewer = Reviewer::new(Moderator::builtin().expect("built-in"), FailMode::Allow);
    for (label, room_rules) in [
        ("per message: stack policy alone", None),
        ("per message: room with 1,000 blocked terms", Some(&rules)),
    ] {
        let mut samples = Vec::with_capacity(texts.len());
        for (i, text) in texts.iter().enumerate() {
            let request = request(text, i % 100);
            let started = Instant::now();
            match room_rules {
                None => drop(reviewer.review(&request)),
                Some(rules) => drop(rules.review(&request)),
            }
            samples.push(started.elapsed());
        }
        report(label, samples);
    }

    // 3. With slow mode and strikes, against moto.
    let moto = MotoServer::shared();
    let mut endpoint = EndpointSettings::local(moto.endpoint());
    endpoint.max_attempts = 1;
    let client = shared::bans::client_for_endpoint(&endpoint);
    create_table(&client, "bench-room-moderation")
        .await
        .expect("table");
    create_bans(&client, "bench-room-bans")
        .await
        .expect("bans table");
    let store = RoomModerationStore::new(client.clone(), "bench-room-moderation");
    let room_id = RoomId::from_identifier(ROOM_ARN).expect("room id");
    store
        .put_settings(
            &room_id,
            &settings(1000),
            None,
            "bench",
            time::OffsetDateTime::now_utc(),
        )
        .await
        .expect("settings");
    let cache = RoomRulesCache::new(
        store.clone(),
        FailMode::Allow,
        CacheSettings {
            max_age: Duration::from_secs(2),
            read_timeout: Duration::from_secs(1),
            compile_wait: Duration::from_secs(10),
        },
    );
    let ivs = shared::ivs_client::for_endpoint(&EndpointSettings::local("http://127.0.0.1:9"));
    let guard = RoomGuard::new(
        cache,
        DynamoBanStore::new(client.clone(), "bench-room-bans").expect("bans"),
        ivs,
        Duration::from_secs(1),
    );
    let mut whole = Vec::new();
    let mut bare = Vec::new();
    for (i, text) in texts.iter().take(1000).enumerate() {
        let request = request(text, i % 100);
        let user = UserId::new(format!("user{}", i % 100)).expect("user");
        let now = time::OffsetDateTime::now_utc();
        let started = Instant::now();
        let rules = guard.rules(&reviewer, &room_id, ROOM_ARN).await;
        drop(
            guard
                .review(&reviewer, rules.as_deref(), &request, &room_id, &user, now)
                .await,
        );
        whole.push(started.elapsed());
        let other = UserId::new(format!("bare{i}")).expect("user");
        let started = Instant::now();
        let _ = store.claim_slow_mode(&room_id, &other, now, 1).await;
        bare.push(started.elapsed());
    }
    report(
        "with moto: review, room rules, slow mode and strikes",
        whole,
    );
    report("with moto: one slow-mode write alone (moto's share)", bare);
}
