//! CloudWatch Logs subscriptions: the chat log of a room whose logging configuration writes to
//! a subscribed log group reaches the hosted function as an `awslogs` event (padded base64 of
//! gzip of a `DATA_MESSAGE`), batched per log stream, in order, retried when the function fails.
//! The fixture function records every delivery it gets, decoded, to a file.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

use aws_sdk_ivschat::types::{CloudWatchLogsDestinationConfiguration, DestinationConfiguration};
use aws_sdk_ivschat::Client;
use ivschat_local::log_subscriptions::SubscriptionFilter;
use ivschat_local::RunningServer;
use serde_json::Value;

use crate::messaging::support::{join, say, SEND};
use crate::support::{client, fixture_function, start_with, ACCOUNT, REGION};

/// The name the fixture is hosted under.
const FUNCTION: &str = "history";
const LOG_GROUP: &str = "/ivschat/test/chat";
const FILTER: &str = "HistoryWriterFunctionChatLog";
/// How long deliveries may take to show up; only there so that a broken server cannot hang
/// the suite, never a measured quantity.
const WAIT: Duration = Duration::from_secs(20);

/// A server hosting the fixture, subscribed to `LOG_GROUP`, delivering batches after
/// `interval_ms`; the fixture fails its first `failures` deliveries. Returns the server and
/// the file the fixture records deliveries in.
async fn start_subscribed(interval_ms: u64, failures: usize) -> (RunningServer, PathBuf) {
    let dir = std::env::temp_dir().join(format!("ivschat-it-subscriptions-{}", unique()));
    std::fs::create_dir_all(&dir).expect("a folder");
    let records = dir.join("deliveries.ndjson");
    let recorded = records.to_string_lossy().into_owned();
    let server = start_with(move |config| {
        config.data_dir = dir.join("data");
        config.log_subscription_interval_ms = interval_ms;
        config.functions = vec![
            ivschat_local::FunctionSpec::new(FUNCTION, fixture_function())
                .env("FIXTURE_AWSLOGS_FILE", recorded)
                .env("FIXTURE_AWSLOGS_FAILURES", failures.to_string()),
        ];
    })
    .await;
    server
        .log_subscriptions()
        .put_subscription_filter(SubscriptionFilter {
            log_group_name: LOG_GROUP.into(),
            filter_name: FILTER.into(),
            filter_pattern: String::new(),
            destination_arn: format!("arn:aws:lambda:{REGION}:{ACCOUNT}:function:{FUNCTION}"),
        })
        .expect("the subscription filter is put");
    (server, records)
}

/// A room logging to `LOG_GROUP`; its ARN and id.
async fn logged_room(client: &Client) -> (String, String) {
    let configuration = client
        .create_logging_configuration()
        .destination_configuration(DestinationConfiguration::CloudWatchLogs(
            CloudWatchLogsDestinationConfiguration::builder()
                .log_group_name(LOG_GROUP)
                .build()
                .expect("a log group name"),
        ))
        .send()
        .await
        .expect("CreateLoggingConfiguration");
    let room = client
        .create_room()
        .logging_configuration_identifiers(configuration.arn().expect("an ARN"))
        .send()
        .await
        .expect("CreateRoom");
    (
        room.arn().expect("an ARN").to_owned(),
        room.id().expect("an id").to_owned(),
    )
}

async fn send_event(client: &Client, room: &str, sequence: usize) {
    client
        .send_event()
        .room_identifier(room)
        .event_name("app:sequence")
        .attributes("seq", sequence.to_string())
        .send()
        .await
        .expect("SendEvent");
}

/// The deliveries the fixture recorded so far; a delivery it could not decode fails the test.
fn deliveries(records: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(records).unwrap_or_default();
    text.lines()
        .map(|line| {
            let delivery: Value = serde_json::from_str(line).expect("the fixture writes JSON");
            assert!(
                delivery.get("error").is_none(),
                "the fixture could not decode a delivery: {delivery}"
            );
            delivery
        })
        .collect()
}

/// Waits until the recorded deliveries satisfy `done`.
async fn wait_for(records: &Path, done: impl Fn(&[Value]) -> bool) -> Vec<Value> {
    let start = tokio::time::Instant::now();
    loop {
        let found = deliveries(records);
        if done(&found) {
            return found;
        }
        assert!(
            start.elapsed() < WAIT,
            "the deliveries never got there: {found:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The log events of the successful deliveries.
fn delivered_events(deliveries: &[Value]) -> Vec<Value> {
    deliveries
        .iter()
        .filter(|d| d["failed"] == false)
        .flat_map(|d| {
            d["message"]["logEvents"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        })
        .collect()
}

/// The chat-log record a log event carries.
fn record(event: &Value) -> Value {
    serde_json::from_str(event["message"].as_str().expect("a message string"))
        .expect("the message is a chat-log record")
}

/// The `seq` attribute of the EVENT a log event records.
fn sequence(event: &Value) -> usize {
    record(event)["payload"]["Attributes"]["seq"]
        .as_str()
        .and_then(|s| s.parse().ok())
        .expect("a seq attribute")
}

#[tokio::test]
async fn a_chat_message_reaches_the_subscribed_function_as_an_awslogs_data_message() {
    let (server, records) = start_subscribed(50, 0).await;
    let client = client(&server);
    let (room, room_id) = logged_room(&client).await;
    let mut socket = join(&server, &client, &room, "alice", SEND).await;
    let frame = say(&mut socket, "r1", "hello history").await;

    let found = wait_for(&records, |d| !delivered_events(d).is_empty()).await;
    assert_eq!(found.len(), 1, "{found:?}");
    let message = &found[0]["message"];
    assert_eq!(message["messageType"], "DATA_MESSAGE");
    assert_eq!(message["owner"], ACCOUNT);
    assert_eq!(message["logGroup"], LOG_GROUP);
    assert_eq!(
        message["logStream"],
        format!("aws/IVSChatLogs/1.0/room_{room_id}")
    );
    assert_eq!(message["subscriptionFilters"], serde_json::json!([FILTER]));
    let events = message["logEvents"].as_array().expect("logEvents");
    assert_eq!(events.len(), 1, "{events:?}");
    let id = events[0]["id"].as_str().expect("the id is a string");
    assert!(
        !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()),
        "{id}"
    );
    assert!(events[0]["timestamp"]
        .as_i64()
        .is_some_and(|ms| ms > 1_600_000_000_000));
    let logged = record(&events[0]);
    assert_eq!(logged["version"], "1.0");
    assert_eq!(logged["type"], "MESSAGE");
    assert_eq!(logged["payload"], frame, "the record carries the frame");
    clean(&records);
}

#[tokio::test]
async fn each_streams_events_arrive_in_order_in_fewer_deliveries_than_events() {
    let (server, records) = start_subscribed(400, 0).await;
    let client = client(&server);
    let (first, first_id) = logged_room(&client).await;
    let (second, second_id) = logged_room(&client).await;
    const EVENTS: usize = 30;
    for sequence in 0..EVENTS {
        send_event(&client, &first, sequence).await;
        send_event(&client, &second, sequence).await;
    }

    let found = wait_for(&records, |d| delivered_events(d).len() == 2 * EVENTS).await;
    let mut by_stream: BTreeMap<String, (usize, Vec<usize>)> = BTreeMap::new();
    for delivery in &found {
        let message = &delivery["message"];
        let stream = message["logStream"].as_str().expect("a stream").to_owned();
        let entry = by_stream.entry(stream).or_default();
        entry.0 += 1;
        for event in message["logEvents"].as_array().expect("logEvents") {
            entry.1.push(sequence(event));
        }
    }
    let expected: Vec<usize> = (0..EVENTS).collect();
    for room_id in [&first_id, &second_id] {
        let (count, order) = by_stream
            .get(&format!("aws/IVSChatLogs/1.0/room_{room_id}"))
            .expect("deliveries of the room's stream");
        assert_eq!(order, &expected, "in order, each once");
        assert!(
            *count < EVENTS / 2,
            "{count} deliveries for {EVENTS} events: batched"
        );
    }
    let ids: BTreeSet<String> = delivered_events(&found)
        .iter()
        .map(|e| e["id"].as_str().expect("an id").to_owned())
        .collect();
    assert_eq!(ids.len(), 2 * EVENTS, "every event has its own id");
    clean(&records);
}

#[tokio::test]
async fn a_failed_delivery_is_retried_with_the_same_events() {
    let (server, records) = start_subscribed(50, 2).await;
    let client = client(&server);
    let (room, _) = logged_room(&client).await;
    send_event(&client, &room, 0).await;

    let found = wait_for(&records, |d| !delivered_events(d).is_empty()).await;
    let outcomes: Vec<&Value> = found.iter().map(|d| &d["failed"]).collect();
    assert_eq!(
        outcomes,
        [&Value::Bool(true), &Value::Bool(true), &Value::Bool(false)]
    );
    assert!(
        found.iter().all(|d| d["message"] == found[0]["message"]),
        "each attempt carries the same events (same ids): {found:?}"
    );
    clean(&records);
}

#[tokio::test]
async fn after_three_failed_attempts_the_batch_is_dropped_and_later_events_still_arrive() {
    let (server, records) = start_subscribed(50, 3).await;
    let client = client(&server);
    let (room, _) = logged_room(&client).await;
    send_event(&client, &room, 0).await;
    let found = wait_for(&records, |d| d.len() == 3).await;
    assert!(found.iter().all(|d| d["failed"] == true));
    // Nothing more comes of the dropped batch.
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(deliveries(&records).len(), 3, "three attempts in all");

    send_event(&client, &room, 1).await;
    let found = wait_for(&records, |d| d.len() == 4).await;
    let later = delivered_events(&found);
    assert_eq!(later.len(), 1, "{found:?}");
    assert_eq!(sequence(&later[0]), 1);
    clean(&records);
}

/// Removes the test's folder (the records file's).
fn clean(records: &Path) {
    if let Some(dir) = records.parent() {
        let _ = std::fs::remove_dir_all(dir);
    }
}

/// A unique enough suffix for a temporary directory.
fn unique() -> String {
    format!(
        "{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0)
    )
}
