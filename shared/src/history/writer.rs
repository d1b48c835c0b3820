//! Applies one CloudWatch Logs delivery of chat-log records to the history: messages stored,
//! deletions applied, other events skipped, bad records counted and logged but never fatal.
//! A store failure fails the batch, so CloudWatch Logs delivers it again; that is safe, as
//! every write is idempotent.

use futures_util::stream::{self, StreamExt as _};
use time::{Duration, OffsetDateTime};

use super::awslogs::{room_of_stream, LogBatch};
use super::record::{parse_record, HistoryRecord};
use super::store::{expiry, HistoryStore, PutOutcome};
use super::HistoryError;

/// Writes in flight at once per batch.
pub const WRITE_CONCURRENCY: usize = 16;

/// What one batch did, for the function's result and its log line.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IngestSummary {
    pub log_events: usize,
    pub messages_stored: usize,
    pub deletions: usize,
    /// Messages that arrived after their own deletion (a late retry): not stored.
    pub already_deleted: usize,
    /// Messages older than the retention: not stored.
    pub expired: usize,
    /// Events that are not history (custom events, disconnects).
    pub ignored: usize,
    /// Records that could not be read.
    pub bad_records: usize,
    /// A CloudWatch Logs reachability check: no records.
    pub control_message: bool,
}

enum Write {
    Message(super::record::ChatMessage),
    Deletion {
        message_id: String,
        at: OffsetDateTime,
    },
}

/// Applies `batch` to `store`, keeping messages for `retention` after they were sent.
pub async fn ingest(
    store: &HistoryStore,
    batch: &LogBatch,
    retention: Duration,
    now: OffsetDateTime,
) -> Result<IngestSummary, HistoryError> {
    let mut summary = IngestSummary {
        log_events: batch.log_events.len(),
        control_message: batch.is_control(),
        ..IngestSummary::default()
    };
    if batch.is_control() {
        return Ok(summary);
    }
    let Some(room_id) = room_of_stream(&batch.log_stream) else {
        tracing::warn!(
            log_group = %batch.log_group,
            log_stream = %batch.log_stream,
            "not a chat-log stream; {} log events skipped",
            batch.log_events.len()
        );
        summary.bad_records = batch.log_events.len();
        return Ok(summary);
    };
    let mut writes = Vec::with_capacity(batch.log_events.len());
    for event in &batch.log_events {
        match parse_record(&event.message) {
            Ok(HistoryRecord::Message(message)) => {
                if expiry(message.sent_at, retention) <= now {
                    summary.expired += 1;
                } else {
                    writes.push(Write::Message(message));
                }
            }
            Ok(HistoryRecord::Deletion { message_id, at }) => {
                writes.push(Write::Deletion { message_id, at })
            }
            Ok(HistoryRecord::Ignored) => summary.ignored += 1,
            Err(error) => {
                summary.bad_records += 1;
                tracing::warn!(
                    room_id,
                    log_event_id = %event.id,
                    "chat-log record skipped: {error}"
                );
            }
        }
    }
    // A message deleted in the same batch is not written at all (its tombstone is), so the
    // outcome and the counts do not depend on which write lands first.
    let deleted: std::collections::HashSet<String> = writes
        .iter()
        .filter_map(|write| match write {
            Write::Deletion { message_id, .. } => Some(message_id.clone()),
            Write::Message(_) => None,
        })
        .collect();
    let before = writes.len();
    writes.retain(|write| !matches!(write, Write::Message(m) if deleted.contains(&m.id)));
    summary.already_deleted += before - writes.len();
    let results: Vec<Result<Option<PutOutcome>, HistoryError>> = stream::iter(writes)
        .map(|write| async move {
            match write {
                Write::Message(message) => store
                    .put_message(room_id, &message, expiry(message.sent_at, retention))
                    .await
                    .map(Some),
                Write::Deletion { message_id, at } => {
                    // The tombstone outlives any message it could meet again.
                    let until = expiry(at.max(now), retention);
                    store
                        .delete_message(room_id, &message_id, at, until)
                        .await
                        .map(|()| None)
                }
            }
        })
        .buffer_unordered(WRITE_CONCURRENCY)
        .collect()
        .await;
    for result in results {
        match result? {
            Some(PutOutcome::Stored) => summary.messages_stored += 1,
            Some(PutOutcome::AlreadyDeleted) => summary.already_deleted += 1,
            None => summary.deletions += 1,
        }
    }
    Ok(summary)
}
