//! Applies one CloudWatch Logs delivery of chat-log records to the history: messages stored,
//! deletions applied, other events skipped, bad records counted and logged but never fatal.
//! A store failure fails the batch, so CloudWatch Logs delivers it again; that is safe, as
//! every write is idempotent. Deletions are applied first, then the messages, in batches.

use std::collections::HashSet;

use time::{Duration, OffsetDateTime};

use super::awslogs::{room_of_stream, LogBatch};
use super::record::{parse_record, ChatMessage, HistoryRecord};
use super::store::{expiry, HistoryStore};
use super::HistoryError;

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
            log_group = batch.log_group.as_str(),
            log_stream = batch.log_stream.as_str(),
            "not a chat-log stream; {} log events skipped",
            batch.log_events.len()
        );
        summary.bad_records = batch.log_events.len();
        return Ok(summary);
    };
    let mut messages = Vec::with_capacity(batch.log_events.len());
    let mut deletions = Vec::new();
    for event in &batch.log_events {
        match parse_record(&event.message) {
            Ok(HistoryRecord::Message(message)) => {
                if expiry(message.sent_at, retention) <= now {
                    summary.expired += 1;
                } else {
                    messages.push(message);
                }
            }
            Ok(HistoryRecord::Deletion { message_id, at }) => deletions.push((message_id, at)),
            Ok(HistoryRecord::Ignored) => summary.ignored += 1,
            Err(error) => {
                summary.bad_records += 1;
                tracing::warn!(
                    room_id,
                    log_event_id = event.id.as_str(),
                    error = error.to_string().as_str(),
                    "chat-log record skipped"
                );
            }
        }
    }
    // Deletions first; a message deleted in the same batch is not written at all, so the
    // outcome and the counts never depend on the order of the writes.
    if !deletions.is_empty() {
        let ids: Vec<(&str, OffsetDateTime)> = deletions
            .iter()
            .map(|(id, at)| (id.as_str(), *at))
            .collect();
        // The tombstones outlive any copy of their messages they could still meet: kept for
        // the retention from the latest deletion in the batch, or from now if that is later.
        let latest = deletions
            .iter()
            .map(|(_, at)| *at)
            .fold(now, OffsetDateTime::max);
        store
            .delete_messages(room_id, &ids, expiry(latest, retention))
            .await?;
        summary.deletions = deletions.len();
    }
    let deleted: HashSet<&str> = deletions.iter().map(|(id, _)| id.as_str()).collect();
    let before = messages.len();
    messages.retain(|m| !deleted.contains(m.id.as_str()));
    summary.already_deleted += before - messages.len();
    let writes: Vec<(&ChatMessage, OffsetDateTime)> = messages
        .iter()
        .map(|m| (m, expiry(m.sent_at, retention)))
        .collect();
    if !writes.is_empty() {
        let written = store.put_messages(room_id, &writes).await?;
        summary.messages_stored = written.stored;
        summary.already_deleted += written.already_deleted;
    }
    Ok(summary)
}
