//! CloudWatch Logs subscription filters with a Lambda destination: the log events of a
//! subscribed log group are batched per log stream and handed to the function as CloudWatch
//! Logs hands them, `{"awslogs":{"data":"<base64 of gzip of the JSON>"}}` with a
//! `DATA_MESSAGE` inside (`owner`, `logGroup`, `logStream`, `subscriptionFilters`,
//! `logEvents[] {id, timestamp, message}`).
//!
//! How delivery behaves locally (AWS documents no exact figures; these are the choices):
//!
//! - Batches are kept per subscription filter and log stream. A batch is delivered when its
//!   oldest event is one interval old (`--log-subscription-interval-ms`, 1 s by default), or at
//!   once when it holds 10,000 events or 1 MiB (message bytes + 26 per event, the PutLogEvents
//!   accounting).
//! - The batches of one stream reach the function one after another, in order; streams are
//!   independent of each other, and the whole is asynchronous to whoever logs the events.
//! - A failed invocation (function error, crash, timeout, unreachable function) is retried:
//!   three attempts in all, waiting one and then two intervals in between; then the batch is
//!   dropped with a warning. CloudWatch Logs keeps retrying for much longer.
//! - Only the empty filter pattern (every event) is supported; another pattern is refused
//!   when the filter is put rather than applied wrongly.
//! - Log groups are not per region here, like the chat-log files they stand for.
//!
//! The base64 is standard and padded, as AWS sends it. `aws_lambda_events` requires the
//! padding when it reads an event (its own serializer writes the data without padding, which
//! it then cannot read back), so a function built on it reads these events as AWS's.

use std::collections::HashMap;
use std::io::Write;
use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use bytes::Bytes;
use flate2::write::GzEncoder;
use flate2::Compression;
use parking_lot::RwLock;
use serde_json::json;
use tokio::sync::mpsc;
use tokio::time::Instant;

use crate::lambda::{function_name, FunctionInvoker};

/// A batch is delivered at once when it holds this many events (CloudWatch Logs' limit).
pub const MAX_BATCH_EVENTS: usize = 10_000;
/// A batch is delivered at once when it reaches this size, counted as CloudWatch Logs counts
/// a PutLogEvents batch.
pub const MAX_BATCH_BYTES: usize = 1_048_576;
/// What CloudWatch Logs adds to each event's message size.
const EVENT_OVERHEAD_BYTES: usize = 26;
/// Subscription filters a log group may have (CloudWatch Logs' quota).
pub const MAX_FILTERS_PER_LOG_GROUP: usize = 2;
/// Attempts to deliver one batch, the first included.
pub const MAX_ATTEMPTS: u32 = 3;

/// Why a subscription filter cannot be put.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SubscriptionError {
    #[error(
        "subscription filter {filter} on log group {log_group}: filter pattern {pattern:?} is \
         not supported locally; only the empty pattern (every event) is"
    )]
    UnsupportedPattern {
        log_group: String,
        filter: String,
        pattern: String,
    },
    #[error(
        "subscription filter {filter} on log group {log_group}: the log group already has \
         {MAX_FILTERS_PER_LOG_GROUP} subscription filters, CloudWatch Logs' limit"
    )]
    LimitExceeded { log_group: String, filter: String },
    #[error("subscription filter {filter} on log group {log_group}: '{destination}' is not a Lambda function ARN")]
    NotAFunctionArn {
        log_group: String,
        filter: String,
        destination: String,
    },
}

/// Whether the filter pattern can be applied locally: only the empty one (every event) can.
pub fn is_supported_pattern(pattern: &str) -> bool {
    pattern.trim().is_empty()
}

/// A subscription filter of a log group whose destination is a Lambda function.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SubscriptionFilter {
    pub log_group_name: String,
    pub filter_name: String,
    /// CloudWatch Logs filter syntax; only `""` (every event) is supported.
    pub filter_pattern: String,
    /// `arn:aws:lambda:REGION:ACCOUNT:function:NAME`.
    pub destination_arn: String,
}

/// One log event as it was put into a log stream.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogEvent {
    pub log_group_name: String,
    pub log_stream_name: String,
    /// Epoch milliseconds.
    pub timestamp_ms: i64,
    pub message: String,
}

/// How deliveries are made.
#[derive(Clone, Debug)]
pub struct DeliverySettings {
    /// The account, `owner` in every delivery.
    pub owner: String,
    /// Age of a batch at which it is delivered; also the first retry's wait.
    pub interval: Duration,
    /// The longest wait for one invocation (the hosted function's own timeout applies first).
    pub invoke_timeout: Duration,
}

/// The subscription filters of every log group, and the way in for log events. Cheap to
/// clone; the delivery task ends when the last clone is dropped (after delivering what it
/// holds).
#[derive(Clone)]
pub struct LogSubscriptions {
    filters: Arc<RwLock<HashMap<String, Vec<Arc<SubscriptionFilter>>>>>,
    events: mpsc::UnboundedSender<(LogEvent, Vec<Arc<SubscriptionFilter>>)>,
}

impl LogSubscriptions {
    /// Starts the batching task; deliveries go through `invoker`.
    pub fn start(invoker: FunctionInvoker, settings: DeliverySettings) -> Self {
        let (events, receiver) = mpsc::unbounded_channel();
        tokio::spawn(batch_events(receiver, invoker, settings));
        LogSubscriptions {
            filters: Arc::new(RwLock::new(HashMap::new())),
            events,
        }
    }

    /// Adds `filter` to its log group, or replaces the group's filter of the same name (as
    /// PutSubscriptionFilter does).
    pub fn put_subscription_filter(
        &self,
        filter: SubscriptionFilter,
    ) -> Result<(), SubscriptionError> {
        if !is_supported_pattern(&filter.filter_pattern) {
            return Err(SubscriptionError::UnsupportedPattern {
                log_group: filter.log_group_name,
                filter: filter.filter_name,
                pattern: filter.filter_pattern,
            });
        }
        if function_name(&filter.destination_arn).is_none() {
            return Err(SubscriptionError::NotAFunctionArn {
                log_group: filter.log_group_name,
                filter: filter.filter_name,
                destination: filter.destination_arn,
            });
        }
        let mut all = self.filters.write();
        let group = all.entry(filter.log_group_name.clone()).or_default();
        if let Some(existing) = group
            .iter_mut()
            .find(|f| f.filter_name == filter.filter_name)
        {
            *existing = Arc::new(filter);
            return Ok(());
        }
        if group.len() >= MAX_FILTERS_PER_LOG_GROUP {
            return Err(SubscriptionError::LimitExceeded {
                log_group: filter.log_group_name,
                filter: filter.filter_name,
            });
        }
        group.push(Arc::new(filter));
        Ok(())
    }

    /// The subscription filters of `log_group_name`.
    pub fn filters(&self, log_group_name: &str) -> Vec<SubscriptionFilter> {
        self.filters
            .read()
            .get(log_group_name)
            .map(|group| group.iter().map(|f| SubscriptionFilter::clone(f)).collect())
            .unwrap_or_default()
    }

    /// Hands `event` to the log group's subscription filters, if it has any. Never waits.
    pub fn publish(&self, event: LogEvent) {
        let filters = match self.filters.read().get(&event.log_group_name) {
            Some(group) if !group.is_empty() => group.clone(),
            _ => return,
        };
        // The task only stops once every handle is gone, so a send cannot fail while
        // `self` exists.
        let _ = self.events.send((event, filters));
    }
}

/// A batch key: the filter (log group and name) and the log stream.
type BatchKey = (String, String, String);

/// Events of one stream for one filter, waiting for delivery.
struct Batch {
    filter: Arc<SubscriptionFilter>,
    log_stream_name: String,
    events: Vec<serde_json::Value>,
    bytes: usize,
    opened: Instant,
}

/// Collects events into batches and passes each full or old enough batch to its stream's
/// delivery lane.
async fn batch_events(
    mut receiver: mpsc::UnboundedReceiver<(LogEvent, Vec<Arc<SubscriptionFilter>>)>,
    invoker: FunctionInvoker,
    settings: DeliverySettings,
) {
    let settings = Arc::new(settings);
    let mut batches: HashMap<BatchKey, Batch> = HashMap::new();
    let mut lanes: HashMap<BatchKey, mpsc::UnboundedSender<Batch>> = HashMap::new();
    let mut sequence: u128 = 0;
    let mut send = |key: BatchKey, batch: Batch| {
        let lane = lanes.entry(key).or_insert_with(|| {
            let (lane, deliveries) = mpsc::unbounded_channel();
            tokio::spawn(deliver_lane(
                deliveries,
                invoker.clone(),
                Arc::clone(&settings),
            ));
            lane
        });
        let _ = lane.send(batch);
    };
    loop {
        let next_due = batches.values().map(|b| b.opened + settings.interval).min();
        let received = tokio::select! {
            received = receiver.recv() => received,
            () = sleep_until(next_due), if next_due.is_some() => {
                let now = Instant::now();
                let due: Vec<BatchKey> = batches
                    .iter()
                    .filter(|(_, b)| b.opened + settings.interval <= now)
                    .map(|(k, _)| k.clone())
                    .collect();
                for key in due {
                    if let Some(batch) = batches.remove(&key) {
                        send(key, batch);
                    }
                }
                continue;
            }
        };
        let Some((event, filters)) = received else {
            break;
        };
        sequence += 1;
        let size = event.message.len() + EVENT_OVERHEAD_BYTES;
        let entry = json!({
            "id": event_id(event.timestamp_ms, sequence),
            "timestamp": event.timestamp_ms,
            "message": event.message,
        });
        for filter in filters {
            let key = (
                filter.log_group_name.clone(),
                filter.filter_name.clone(),
                event.log_stream_name.clone(),
            );
            if batches
                .get(&key)
                .is_some_and(|b| b.bytes + size > MAX_BATCH_BYTES)
            {
                if let Some(full) = batches.remove(&key) {
                    send(key.clone(), full);
                }
            }
            let batch = batches.entry(key.clone()).or_insert_with(|| Batch {
                filter: Arc::clone(&filter),
                log_stream_name: event.log_stream_name.clone(),
                events: Vec::new(),
                bytes: 0,
                opened: Instant::now(),
            });
            batch.events.push(entry.clone());
            batch.bytes += size;
            if batch.events.len() >= MAX_BATCH_EVENTS {
                if let Some(full) = batches.remove(&key) {
                    send(key, full);
                }
            }
        }
    }
    // Every handle is gone: deliver what is left.
    for (key, batch) in batches {
        send(key, batch);
    }
}

async fn sleep_until(deadline: Option<Instant>) {
    match deadline {
        Some(deadline) => tokio::time::sleep_until(deadline).await,
        None => std::future::pending().await,
    }
}

/// A unique, numeric event id: the timestamp, then a sequence number (AWS's ids are 56-digit
/// strings too).
fn event_id(timestamp_ms: i64, sequence: u128) -> String {
    format!("{:020}{sequence:036}", timestamp_ms.max(0))
}

/// Delivers the batches of one filter and stream one after another, each with its retries.
async fn deliver_lane(
    mut deliveries: mpsc::UnboundedReceiver<Batch>,
    invoker: FunctionInvoker,
    settings: Arc<DeliverySettings>,
) {
    while let Some(batch) = deliveries.recv().await {
        let filter = &batch.filter;
        let payload = match awslogs_event(&settings.owner, &batch) {
            Ok(payload) => payload,
            Err(error) => {
                tracing::warn!(
                    log_group = %filter.log_group_name,
                    log_stream = %batch.log_stream_name,
                    "a subscription delivery could not be encoded and is dropped: {error}"
                );
                continue;
            }
        };
        for attempt in 1..=MAX_ATTEMPTS {
            let outcome = invoker
                .invoke(
                    &filter.destination_arn,
                    payload.clone(),
                    settings.invoke_timeout,
                )
                .await;
            let Err(error) = outcome else {
                break;
            };
            if attempt == MAX_ATTEMPTS {
                tracing::warn!(
                    log_group = %filter.log_group_name,
                    log_stream = %batch.log_stream_name,
                    filter = %filter.filter_name,
                    "{} log events dropped after {MAX_ATTEMPTS} failed deliveries: {error}",
                    batch.events.len()
                );
                break;
            }
            tracing::debug!(
                filter = %filter.filter_name,
                "subscription delivery attempt {attempt} failed, retrying: {error}"
            );
            tokio::time::sleep(settings.interval * 2u32.pow(attempt - 1)).await;
        }
    }
}

/// The Lambda event of a batch: `{"awslogs":{"data":"<padded base64 of gzip of the JSON>"}}`.
fn awslogs_event(owner: &str, batch: &Batch) -> std::io::Result<Bytes> {
    let message = json!({
        "messageType": "DATA_MESSAGE",
        "owner": owner,
        "logGroup": batch.filter.log_group_name,
        "logStream": batch.log_stream_name,
        "subscriptionFilters": [batch.filter.filter_name],
        "logEvents": batch.events,
    });
    let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
    encoder.write_all(&serde_json::to_vec(&message).map_err(std::io::Error::other)?)?;
    let data = base64::engine::general_purpose::STANDARD.encode(encoder.finish()?);
    Ok(Bytes::from(
        json!({ "awslogs": { "data": data } }).to_string(),
    ))
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    fn filter(name: &str, pattern: &str) -> SubscriptionFilter {
        SubscriptionFilter {
            log_group_name: "/ivschat/local/chat".into(),
            filter_name: name.into(),
            filter_pattern: pattern.into(),
            destination_arn: "arn:aws:lambda:us-east-1:123456789012:function:writer".into(),
        }
    }

    fn subscriptions() -> LogSubscriptions {
        LogSubscriptions::start(
            FunctionInvoker::new(Vec::new(), None),
            DeliverySettings {
                owner: "123456789012".into(),
                interval: Duration::from_millis(10),
                invoke_timeout: Duration::from_secs(1),
            },
        )
    }

    #[tokio::test]
    async fn only_the_empty_pattern_is_accepted_and_a_group_takes_two_filters() {
        let subscriptions = subscriptions();
        let refused = subscriptions
            .put_subscription_filter(filter("typed", "{ $.type = \"MESSAGE\" }"))
            .expect_err("a pattern is not supported");
        assert!(
            refused.to_string().contains("not supported locally"),
            "{refused}"
        );
        subscriptions
            .put_subscription_filter(filter("one", ""))
            .expect("the empty pattern");
        subscriptions
            .put_subscription_filter(filter("two", "  "))
            .expect("blank is empty");
        subscriptions
            .put_subscription_filter(filter("one", ""))
            .expect("the same name replaces");
        assert_eq!(
            subscriptions.put_subscription_filter(filter("three", "")),
            Err(SubscriptionError::LimitExceeded {
                log_group: "/ivschat/local/chat".into(),
                filter: "three".into()
            })
        );
        assert_eq!(subscriptions.filters("/ivschat/local/chat").len(), 2);
        let mut elsewhere = filter("x", "");
        elsewhere.destination_arn = "arn:aws:sqs:us-east-1:123456789012:queue".into();
        assert!(matches!(
            subscriptions.put_subscription_filter(elsewhere),
            Err(SubscriptionError::NotAFunctionArn { .. })
        ));
    }

    #[test]
    fn the_event_is_padded_base64_of_gzip_of_a_data_message() {
        let batch = Batch {
            filter: Arc::new(filter("ChatHistoryWriterFunctionChatLog", "")),
            log_stream_name: "aws/IVSChatLogs/1.0/room_abc".into(),
            events: vec![
                json!({"id": event_id(1_700_000_000_000, 1), "timestamp": 1_700_000_000_000_i64, "message": "{\"a\":1}"}),
            ],
            bytes: 0,
            opened: Instant::now(),
        };
        let event: serde_json::Value =
            serde_json::from_slice(&awslogs_event("123456789012", &batch).expect("encodes"))
                .expect("JSON");
        let awslogs = event["awslogs"].as_object().expect("awslogs");
        assert_eq!(awslogs.len(), 1, "awslogs holds only data");
        let data = awslogs["data"].as_str().expect("data");
        assert_eq!(data.len() % 4, 0, "padded");
        let zipped = base64::engine::general_purpose::STANDARD
            .decode(data)
            .expect("standard base64");
        let mut text = String::new();
        flate2::read::GzDecoder::new(zipped.as_slice())
            .read_to_string(&mut text)
            .expect("gzip");
        let message: serde_json::Value = serde_json::from_str(&text).expect("JSON");
        assert_eq!(message["messageType"], "DATA_MESSAGE");
        assert_eq!(message["owner"], "123456789012");
        assert_eq!(message["logGroup"], "/ivschat/local/chat");
        assert_eq!(message["logStream"], "aws/IVSChatLogs/1.0/room_abc");
        assert_eq!(
            message["subscriptionFilters"],
            json!(["ChatHistoryWriterFunctionChatLog"])
        );
        assert_eq!(message["logEvents"][0]["message"], "{\"a\":1}");
        assert_eq!(message["logEvents"][0]["timestamp"], 1_700_000_000_000_i64);
    }

    #[test]
    fn event_ids_are_unique_numeric_strings_of_56_digits() {
        let first = event_id(1_700_000_000_000, 1);
        let second = event_id(1_700_000_000_000, 2);
        assert_ne!(first, second);
        for id in [&first, &second, &event_id(-5, u128::from(u64::MAX))] {
            assert_eq!(id.len(), 56, "{id}");
            assert!(id.bytes().all(|b| b.is_ascii_digit()), "{id}");
        }
    }
}
