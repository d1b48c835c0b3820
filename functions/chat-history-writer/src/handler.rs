//! The handler: an `awslogs` event in, the batch applied, a summary out (and logged). An
//! event that is not a CloudWatch Logs delivery is refused (the invocation fails, without
//! retry value, but it is logged); bad records inside a delivery are counted and skipped; a
//! store failure fails the invocation so that CloudWatch Logs delivers the batch again.

use lambda_runtime::Error;
use serde_json::Value;
use shared::history::awslogs::LogsEvent;
use shared::history::{ingest, HistoryConfig, HistoryStore, IngestSummary};
use time::OffsetDateTime;

/// Why an invocation failed.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub(crate) struct WriterError(String);

/// Applies one delivery.
pub(crate) async fn handle(
    store: &HistoryStore,
    config: &HistoryConfig,
    event: Value,
) -> Result<IngestSummary, Error> {
    let event: LogsEvent = serde_json::from_value(event).map_err(|e| {
        tracing::error!(
            error = e.to_string().as_str(),
            "not a CloudWatch Logs subscription event"
        );
        WriterError(format!("not a CloudWatch Logs subscription event: {e}"))
    })?;
    let batch = event.decode().map_err(|e| {
        tracing::error!(
            error = e.to_string().as_str(),
            "CloudWatch Logs data not readable"
        );
        WriterError(e.to_string())
    })?;
    let summary = ingest(store, &batch, config.retention, OffsetDateTime::now_utc())
        .await
        .map_err(|e| {
            tracing::error!(
                log_stream = batch.log_stream.as_str(),
                error = e.to_string().as_str(),
                "batch not applied, to be delivered again"
            );
            WriterError(e.to_string())
        })?;
    tracing::info!(
        log_group = batch.log_group.as_str(),
        log_stream = batch.log_stream.as_str(),
        log_events = summary.log_events,
        messages_stored = summary.messages_stored,
        deletions = summary.deletions,
        already_deleted = summary.already_deleted,
        expired = summary.expired,
        ignored = summary.ignored,
        bad_records = summary.bad_records,
        control_message = summary.control_message,
        "chat log batch applied"
    );
    Ok(summary)
}
