//! The handler: an `awslogs` event in, the batch applied, a summary out (and logged). An
//! event that is not a CloudWatch Logs delivery is refused (the invocation fails, without
//! retry value, but it is logged); bad records inside a delivery are counted and skipped; a
//! store failure fails the invocation so that CloudWatch Logs delivers the batch again. Each
//! failure has a stable Lambda error type.

use lambda_runtime::Diagnostic;
use serde_json::Value;
use shared::history::awslogs::{DecodeError, LogsEvent};
use shared::history::{ingest, HistoryConfig, HistoryError, HistoryStore, IngestSummary};
use time::OffsetDateTime;

/// Why an invocation failed. Each maps to a stable Lambda error type.
#[derive(Debug, thiserror::Error)]
pub(crate) enum WriterError {
    #[error("not a CloudWatch Logs subscription event: {0}")]
    NotAnEvent(#[source] serde_json::Error),
    #[error(transparent)]
    Unreadable(#[from] DecodeError),
    #[error("batch of {log_stream} not applied, to be delivered again: {source}")]
    Store {
        log_stream: String,
        #[source]
        source: HistoryError,
    },
}

impl From<WriterError> for Diagnostic {
    fn from(error: WriterError) -> Self {
        let error_type = match &error {
            WriterError::NotAnEvent(_) => "ChatHistoryWriter.BadEvent",
            WriterError::Unreadable(_) => "ChatHistoryWriter.UnreadableData",
            WriterError::Store { .. } => "ChatHistoryWriter.StoreFailed",
        };
        Diagnostic {
            error_type: error_type.to_owned(),
            error_message: error.to_string(),
        }
    }
}

/// Applies one delivery.
pub(crate) async fn handle(
    store: &HistoryStore,
    config: &HistoryConfig,
    event: Value,
) -> Result<IngestSummary, WriterError> {
    let event: LogsEvent = serde_json::from_value(event).map_err(|e| {
        tracing::error!(
            error = e.to_string().as_str(),
            "not a CloudWatch Logs subscription event"
        );
        WriterError::NotAnEvent(e)
    })?;
    let batch = event.decode().map_err(|e| {
        tracing::error!(
            error = e.to_string().as_str(),
            "CloudWatch Logs data not readable"
        );
        WriterError::Unreadable(e)
    })?;
    let summary = ingest(store, &batch, config.retention, OffsetDateTime::now_utc())
        .await
        .map_err(|e| {
            tracing::error!(
                log_stream = batch.log_stream.as_str(),
                error = e.to_string().as_str(),
                "batch not applied, to be delivered again"
            );
            WriterError::Store {
                log_stream: batch.log_stream.clone(),
                source: e,
            }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Every sample event `events/chat-history-writer-*.json`, by file name.
    fn samples() -> Vec<(String, String)> {
        let dir = format!("{}/../../events", env!("CARGO_MANIFEST_DIR"));
        let mut samples: Vec<(String, String)> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{dir}: {e}"))
            .filter_map(Result::ok)
            .map(|entry| entry.file_name().to_string_lossy().into_owned())
            .filter(|name| name.starts_with("chat-history-writer-") && name.ends_with(".json"))
            .map(|name| {
                let text = std::fs::read_to_string(format!("{dir}/{name}"))
                    .unwrap_or_else(|e| panic!("{name}: {e}"));
                (name, text)
            })
            .collect();
        samples.sort();
        assert!(!samples.is_empty(), "no writer samples in {dir}");
        samples
    }

    #[test]
    fn the_samples_read_alike_with_ours_and_with_aws_lambda_events() {
        for (name, text) in samples() {
            let theirs: aws_lambda_events::event::cloudwatch_logs::LogsEvent =
                serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
            let ours: LogsEvent =
                serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
            let batch = ours.decode().unwrap_or_else(|e| panic!("{name}: {e}"));
            let data = &theirs.aws_logs.data;
            assert_eq!(batch.message_type, data.message_type, "{name}");
            assert_eq!(batch.owner, data.owner, "{name}");
            assert_eq!(batch.log_group, data.log_group, "{name}");
            assert_eq!(batch.log_stream, data.log_stream, "{name}");
            assert_eq!(
                batch.subscription_filters, data.subscription_filters,
                "{name}"
            );
            let ours: Vec<_> = batch
                .log_events
                .iter()
                .map(|e| (e.id.as_str(), e.timestamp, e.message.as_str()))
                .collect();
            let theirs: Vec<_> = data
                .log_events
                .iter()
                .map(|e| (e.id.as_str(), e.timestamp, e.message.as_str()))
                .collect();
            assert_eq!(ours, theirs, "{name}");
        }
    }

    #[test]
    fn a_new_member_of_the_envelope_does_not_fail_the_delivery() {
        let (_, text) = samples().remove(0);
        let mut event: Value = serde_json::from_str(&text).expect("a sample");
        event["addedByAwsLater"] = serde_json::json!({ "x": 1 });
        let event: LogsEvent = serde_json::from_value(event).expect("still an event");
        assert!(event.decode().is_ok());
    }

    #[test]
    fn each_failure_has_a_stable_error_type() {
        let not_an_event =
            serde_json::from_value::<LogsEvent>(serde_json::json!([1])).expect_err("not an event");
        let diagnostic = Diagnostic::from(WriterError::NotAnEvent(not_an_event));
        assert_eq!(diagnostic.error_type, "ChatHistoryWriter.BadEvent");
        assert!(diagnostic.error_message.contains("CloudWatch Logs"));
        let diagnostic = Diagnostic::from(WriterError::Unreadable(DecodeError::TooLarge));
        assert_eq!(diagnostic.error_type, "ChatHistoryWriter.UnreadableData");
        let diagnostic = Diagnostic::from(WriterError::Store {
            log_stream: "aws/IVSChatLogs/1.0/room_abc".into(),
            source: HistoryError::Config("x".into()),
        });
        assert_eq!(diagnostic.error_type, "ChatHistoryWriter.StoreFailed");
        assert!(diagnostic.error_message.contains("room_abc"));
    }
}
