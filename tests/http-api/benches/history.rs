//! Chat history benchmark, through the local stack (`template.yaml` brought up by
//! `ivschat-local up`, the real release binaries, moto as DynamoDB):
//!
//! 1. ingest: the hosted chat-history-writer invoked with `awslogs` events of real chat-log
//!    records, batches of the sizes CloudWatch Logs sends (100 events: a busy room's second;
//!    1,000), until 100,000 messages of one room are stored: log events ingested per second;
//! 2. read: `GET /rooms/{roomId}/history?limit=50` through the local HTTP API (JWT authorizer,
//!    the chat-history function, the admission check, the query, the ban filter), with those
//!    100,000 messages stored: p50 / p99 / max.
//!
//! moto keeps a table in Python and sorts a partition's items for every query, so with many
//! messages in a room the read is moto's; the bench also times the same Query straight to
//! moto, to tell the stack's share from the store's.
//!
//! Build the functions in release first: `cargo build --release --bins`, then
//! `cargo bench -p http-api-tests --bench history` (`HISTORY_BENCH_MESSAGES` and
//! `HISTORY_BENCH_READS` change the sizes).

#[allow(dead_code, unused_imports)]
#[path = "../tests/it/stack.rs"]
mod stack;

use std::time::{Duration, Instant};

use bytes::Bytes;
use serde_json::json;
use shared::history::awslogs::{LogBatch, LogEvent, LogsEvent};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn record(id: usize, at: OffsetDateTime) -> String {
    let time = at.format(&Rfc3339).unwrap_or_default();
    json!({
        "event_timestamp": time,
        "type": "MESSAGE",
        "payload": {
            "Type": "MESSAGE", "Id": format!("m{id:011}"), "RequestId": "",
            "Attributes": {},
            "Content": format!("message number {id}, about as long as a chat line usually is"),
            "SendTime": time,
            "Sender": {"UserId": format!("user{}", id % 500), "Attributes": {"displayName": "Viewer"}}
        },
        "version": "1.0"
    })
    .to_string()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

#[tokio::main]
async fn main() {
    let total = env_number("HISTORY_BENCH_MESSAGES", 100_000);
    let reads = env_number("HISTORY_BENCH_READS", 50);
    let stack = stack::start_with(
        |serve| serve.quotas = ivschat_local::config::QuotaSwitch::Off,
        &[("ChatHistoryRetentionDays", "3650")],
    )
    .await;
    let room = stack.room(json!({ "name": "bench" })).await;
    let writer = "arn:aws:lambda:us-east-1:123456789012:function:chat-history-writer";
    let start = OffsetDateTime::now_utc() - time::Duration::hours(2);
    let mut next_id = 0usize;
    let mut ingest = |batch_size: usize| {
        let events: Vec<LogEvent> = (0..batch_size)
            .map(|i| {
                let id = next_id + i;
                LogEvent {
                    id: id.to_string(),
                    timestamp: 0,
                    message: record(id, start + time::Duration::milliseconds(id as i64 * 10)),
                }
            })
            .collect();
        next_id += batch_size;
        let batch = LogBatch {
            message_type: "DATA_MESSAGE".into(),
            owner: "123456789012".into(),
            log_group: "/ivschat/ivschat-local/chat".into(),
            log_stream: format!("aws/IVSChatLogs/1.0/room_{room}"),
            subscription_filters: vec!["bench".into()],
            log_events: events,
        };
        let event = LogsEvent::encode(&batch).expect("encodes");
        Bytes::from(serde_json::to_vec(&event).expect("serialises"))
    };

    println!("chat history benchmark: {total} messages in one room, then {reads} reads");
    let invoker = stack.stack.server.function_invoker();
    for batch_size in [100usize, 1_000] {
        let share = if batch_size == 100 {
            total / 10
        } else {
            total - total / 10
        };
        let batches = share / batch_size;
        let payloads: Vec<Bytes> = (0..batches).map(|_| ingest(batch_size)).collect();
        let started = Instant::now();
        for payload in payloads {
            let output = invoker
                .invoke(writer, payload, Duration::from_secs(60))
                .await
                .expect("the writer answers");
            let summary: serde_json::Value = serde_json::from_slice(&output).expect("summary");
            assert_eq!(summary["messagesStored"], batch_size, "{summary}");
        }
        let elapsed = started.elapsed();
        println!(
            "ingest, batches of {batch_size:>5}: {:>6} log events in {:>6.1} s = {:>7.0} events/s ({:.1} ms per batch)",
            batches * batch_size,
            elapsed.as_secs_f64(),
            (batches * batch_size) as f64 / elapsed.as_secs_f64(),
            ms(elapsed) / batches as f64
        );
    }

    let path = format!("/rooms/{room}/history?limit=50");
    // Warm up: the function's cold start and the room cache.
    for _ in 0..3 {
        let jwt = stack.jwt("viewer", &[]);
        stack.call("GET", &path, Some(&jwt), "").await.expect(200);
    }
    let mut latencies = Vec::with_capacity(reads);
    for _ in 0..reads {
        // A fresh JWT each time: with moto, a read may take seconds.
        let jwt = stack.jwt("viewer", &[]);
        let started = Instant::now();
        let answer = stack.call("GET", &path, Some(&jwt), "").await.expect(200);
        latencies.push(started.elapsed());
        let body = answer.json();
        assert_eq!(body["messages"].as_array().map(Vec::len), Some(50));
    }
    report(&format!("route: latest 50 of {next_id} stored"), latencies);

    // The same query straight to the local DynamoDB: how much of the route is the store's.
    let mut settings = shared::ivs_client::EndpointSettings::local(stack.stack.moto.endpoint());
    settings.region = stack.stack.region.clone();
    let store = shared::history::HistoryStore::new(
        shared::bans::client_for_endpoint(&settings),
        "ChatHistoryTable",
    );
    let mut latencies = Vec::with_capacity(reads);
    for _ in 0..reads {
        let started = Instant::now();
        let latest = store
            .latest(&room, 50, OffsetDateTime::now_utc())
            .await
            .expect("reads");
        latencies.push(started.elapsed());
        assert_eq!(latest.len(), 50);
    }
    report("its Query alone, straight to moto", latencies);
}

fn report(what: &str, mut latencies: Vec<Duration>) {
    latencies.sort();
    println!(
        "{what}, {} requests: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        latencies.len(),
        ms(percentile(&latencies, 0.50)),
        ms(percentile(&latencies, 0.99)),
        ms(*latencies.last().expect("reads"))
    );
}
