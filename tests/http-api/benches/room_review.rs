//! Review latency end to end through the local stack (`template.yaml` brought up by
//! `ivschat-local up`, the release binaries, moto as DynamoDB), with a room's live rules and
//! without:
//!
//! 1. **send → answer**: chat clients send `SEND_MESSAGE` over WebSocket; the local service
//!    hands each message to the hosted message-review function (ban check and room settings
//!    read from moto, then the engine, slow mode and strikes) and answers the sender with the
//!    delivered `MESSAGE` or the `ERROR` of a refusal. One room has no live rules (the stack's
//!    policy and the ban check only); the other 1,000 blocked terms (a third each mask, deny,
//!    hold), slow mode of 1 s and strikes (100 within 10 minutes). Twenty senders take turns,
//!    each at most once a second, so slow mode lets them through and its write is paid on
//!    every delivered message; a refused one pays the strike's write and count.
//! 2. **the review invocation alone**: the same payloads invoked on the hosted function
//!    through the local service's Lambda path (no WebSocket, no fan-out): the function's
//!    share of the first, moto's calls included.
//! 3. **moto's share**: the DynamoDB calls a review makes, straight to the stack's moto.
//! 4. **settings change → first effect**: `PUT /rooms/{roomId}/moderation` adding a deny term,
//!    then the term sent every 20 ms until refused.
//!
//! Build the functions in release first, then run the bench (also release):
//! `cargo build --release --bins && nice -n -5 cargo bench -p http-api-tests --bench
//! room_review` (`ROOM_REVIEW_BENCH_MESSAGES`, 1,000 by default, and
//! `ROOM_REVIEW_BENCH_CHANGES`, 10, change the sizes).

#[allow(dead_code, unused_imports)]
#[path = "../tests/it/stack.rs"]
mod stack;

use std::time::{Duration, Instant};

use bytes::Bytes;
use ivschat_testkit::chat;
use serde_json::{json, Value};
use shared::bans::{RoomId, UserId};
use shared::room_moderation::{RoomModerationStore, StrikeRule};
use time::OffsetDateTime;

use stack::{Socket, Stack};

const SENDERS: usize = 20;
/// Between two messages of the bench: each of the senders sends at most once in
/// `SENDERS * PACE` (1.1 s), longer than the slow mode's 1 s.
const PACE: Duration = Duration::from_millis(55);

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn report(what: &str, mut samples: Vec<Duration>) {
    samples.sort();
    println!(
        "{what:<62} n {:>5}  p50 {:>6.2} ms  p99 {:>6.2} ms  max {:>7.2} ms",
        samples.len(),
        ms(percentile(&samples, 0.50)),
        ms(percentile(&samples, 0.99)),
        ms(*samples.last().expect("samples"))
    );
}

/// Chat lines as the room-rules bench writes them: 6 to 25 words, one in ten with one of the
/// room's blocked terms.
fn line(i: usize) -> String {
    let line = chat::bench_line(i);
    if i.is_multiple_of(10) {
        format!("{line} blockterm{}x", (i * 37) % 1000)
    } else {
        line
    }
}

fn room_rules() -> Value {
    let actions = ["mask", "deny", "hold"];
    let terms: Vec<Value> = (0..1000)
        .map(|i| json!({"term": format!("blockterm{i}x"), "action": actions[i % 3]}))
        .collect();
    json!({
        "blockedTerms": terms,
        "slowModeSeconds": 1,
        "strikes": {"limit": 100, "windowMinutes": 10, "timeoutMinutes": 1}
    })
}

/// Sends `content` and waits for the sender's own MESSAGE or ERROR (others' messages carry
/// another request id).
async fn answer(socket: &mut Socket, request_id: &str, content: &str) -> Value {
    chat::send(socket, &chat::send_message(request_id, content)).await;
    loop {
        let frame = chat::next_frame(socket).await;
        if (frame["Type"] == "MESSAGE" || frame["Type"] == "ERROR")
            && frame["RequestId"] == request_id
        {
            return frame;
        }
    }
}

/// What the answers were: delivered as sent, delivered masked, refused.
#[derive(Default)]
struct Tally {
    delivered: usize,
    masked: usize,
    refused: usize,
    /// Lines with a room term delivered as sent: the room's fallback after the review's
    /// 200 ms, or rules not applied yet.
    unreviewed: usize,
    /// Whether the room has the 1,000 terms.
    rules: bool,
}

impl Tally {
    fn new(rules: bool) -> Self {
        Tally {
            rules,
            ..Tally::default()
        }
    }

    fn count(&mut self, frame: &Value, sent: &str) {
        if self.rules
            && sent.contains("blockterm")
            && frame["Type"] == "MESSAGE"
            && frame["Content"] == sent
        {
            self.unreviewed += 1;
        }
        match frame["Type"].as_str() {
            Some("MESSAGE") if frame["Content"] == sent => self.delivered += 1,
            Some("MESSAGE") => self.masked += 1,
            _ => self.refused += 1,
        }
    }

    fn line(&self) -> String {
        format!(
            "delivered {}, masked {}, refused {}, room term delivered unreviewed {}",
            self.delivered, self.masked, self.refused, self.unreviewed
        )
    }
}

/// A room made through the API; its id, ARN and review function's ARN.
async fn new_room(stack: &Stack, name: &str) -> (String, String, String) {
    let room = stack
        .call(
            "POST",
            "/rooms",
            Some(&stack.admin()),
            // IVS's highest rate: the bench sends about 18 messages a second to a room.
            &json!({ "name": name, "maximumMessageRatePerSecond": 100 }).to_string(),
        )
        .await
        .expect(201)
        .json();
    let text = |v: &Value| v.as_str().expect("a string").to_owned();
    (
        text(&room["id"]),
        text(&room["arn"]),
        text(&room["messageReviewHandler"]["uri"]),
    )
}

async fn put_settings(stack: &Stack, room: &str, settings: &Value) -> Instant {
    let sent = Instant::now();
    stack
        .call(
            "PUT",
            &format!("/rooms/{room}/moderation"),
            Some(&stack.moderator()),
            &settings.to_string(),
        )
        .await
        .expect(200);
    sent
}

/// Send → answer over WebSocket for `messages` lines from twenty senders in turn.
async fn send_to_answer(stack: &Stack, room: &str, label: &str, rules: bool, messages: usize) {
    let mut senders = Vec::with_capacity(SENDERS);
    for i in 0..SENDERS {
        let user = format!("{}-sender{i}", if rules { "ruled" } else { "plain" });
        senders.push(stack.join(room, &user, &[]).await);
    }
    // Warm up: the room's settings read and compile, the function's connections.
    for (i, socket) in senders.iter_mut().enumerate() {
        answer(socket, &format!("warm{i}"), "warming up").await;
    }
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let mut samples = Vec::with_capacity(messages);
    let mut tally = Tally::new(rules);
    for i in 0..messages {
        let paced = Instant::now();
        let text = line(i);
        let socket = &mut senders[i % SENDERS];
        let started = Instant::now();
        let frame = answer(socket, &format!("b{i}"), &text).await;
        samples.push(started.elapsed());
        tally.count(&frame, &text);
        tokio::time::sleep(PACE.saturating_sub(paced.elapsed())).await;
    }
    report(&format!("send → answer, {label}"), samples);
    println!("    ({})", tally.line());
}

/// The review invocation alone on the hosted function, one sender per message.
async fn invocation(
    stack: &Stack,
    room_arn: &str,
    function: &str,
    label: &str,
    rules: bool,
    messages: usize,
) {
    let invoker = stack.stack.server.function_invoker();
    let payload = |i: usize, user: String| {
        let body = json!({
            "Content": line(i),
            "MessageId": format!("inv{i:08}"),
            "RoomArn": room_arn,
            "Attributes": {},
            "Sender": {"UserId": user, "Attributes": {}, "Ip": "203.0.113.7"}
        });
        Bytes::from(body.to_string())
    };
    for i in 0..20 {
        invoker
            .invoke(
                function,
                payload(i, format!("warm{i}")),
                Duration::from_secs(10),
            )
            .await
            .expect("the review answers");
    }
    let mut samples = Vec::with_capacity(messages);
    let mut tally = Tally::new(rules);
    for i in 0..messages {
        let user = format!("{}-invoker{i}", if rules { "ruled" } else { "plain" });
        let started = Instant::now();
        let output = invoker
            .invoke(function, payload(i, user), Duration::from_secs(10))
            .await
            .expect("the review answers");
        samples.push(started.elapsed());
        let reply: Value = serde_json::from_slice(&output).expect("a reply");
        let frame = match reply["ReviewResult"].as_str() {
            Some("ALLOW") => json!({"Type": "MESSAGE", "Content": reply["Content"]}),
            _ => json!({"Type": "ERROR"}),
        };
        tally.count(&frame, &line(i));
    }
    report(&format!("review invocation alone, {label}"), samples);
    println!("    ({})", tally.line());
}

/// The DynamoDB calls of a review, straight to the stack's moto.
async fn moto_share(stack: &Stack, room: &str, messages: usize) {
    let mut settings = shared::ivs_client::EndpointSettings::local(stack.stack.moto.endpoint());
    settings.region = stack.stack.region.clone();
    let client = shared::bans::client_for_endpoint(&settings);
    let store = RoomModerationStore::new(client, "RoomModerationTable");
    let room = RoomId::new(room).expect("room id");
    let rule = StrikeRule {
        limit: 100,
        window_minutes: 10,
        timeout_minutes: 1,
    };
    let mut reads = Vec::with_capacity(messages);
    let mut slow = Vec::with_capacity(messages);
    let mut strikes = Vec::with_capacity(messages);
    for i in 0..messages {
        let user = UserId::new(format!("moto{i}")).expect("user");
        let now = OffsetDateTime::now_utc();
        let started = Instant::now();
        store.settings(&room).await.expect("settings read");
        reads.push(started.elapsed());
        let started = Instant::now();
        store
            .claim_slow_mode(&room, &user, now, 1)
            .await
            .expect("slow mode write");
        slow.push(started.elapsed());
        let started = Instant::now();
        store
            .add_strike(&room, &user, now, &rule)
            .await
            .expect("strike");
        strikes.push(started.elapsed());
    }
    report("moto alone: the settings read (every 2 s per room)", reads);
    report(
        "moto alone: a slow-mode write (every delivered message)",
        slow,
    );
    report(
        "moto alone: a strike, write and count (every refusal)",
        strikes,
    );
}

/// Time from `PUT /rooms/{roomId}/moderation` to the first message it refuses.
async fn settings_to_effect(stack: &Stack, room: &str, changes: usize) {
    let mut alice = stack.join(room, "alice", &[]).await;
    answer(&mut alice, "warm", "warming up").await;
    let mut samples = Vec::with_capacity(changes);
    let mut terms: Vec<Value> = Vec::new();
    for change in 0..changes {
        let term = format!("changeterm{change}x");
        terms.push(json!({"term": term, "action": "deny"}));
        let saved = put_settings(stack, room, &json!({ "blockedTerms": terms })).await;
        let mut probe = 0;
        loop {
            probe += 1;
            let frame = answer(&mut alice, &format!("c{change}-{probe}"), &term).await;
            if frame["Type"] == "ERROR" {
                samples.push(saved.elapsed());
                break;
            }
            assert!(
                saved.elapsed() < Duration::from_secs(10),
                "no effect within 10 s"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        // The next change starts at another point of the 2 s read cycle.
        tokio::time::sleep(Duration::from_millis(300 + 170 * change as u64)).await;
    }
    report("settings change (PUT) → first refusal", samples);
}

#[tokio::main]
async fn main() {
    let messages = env_number("ROOM_REVIEW_BENCH_MESSAGES", 1000);
    let changes = env_number("ROOM_REVIEW_BENCH_CHANGES", 10);
    let stack = stack::start(|serve| serve.quotas = ivschat_local::config::QuotaSwitch::Off).await;
    println!(
        "review through the local stack: {messages} messages per room from {SENDERS} senders, \
         one every {} ms",
        PACE.as_millis()
    );

    let (plain, plain_arn, function) = new_room(&stack, "bench-plain").await;
    let (ruled, ruled_arn, _) = new_room(&stack, "bench-rules").await;
    put_settings(&stack, &ruled, &room_rules()).await;

    const RULES: &str = "1,000 terms, slow mode, strikes";
    send_to_answer(&stack, &plain, "no room rules", false, messages).await;
    send_to_answer(&stack, &ruled, RULES, true, messages).await;
    invocation(
        &stack,
        &plain_arn,
        &function,
        "no room rules",
        false,
        messages,
    )
    .await;
    invocation(&stack, &ruled_arn, &function, RULES, true, messages).await;
    moto_share(&stack, &ruled, messages).await;

    let (changing, _, _) = new_room(&stack, "bench-changes").await;
    settings_to_effect(&stack, &changing, changes).await;
}
