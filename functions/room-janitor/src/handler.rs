//! The handler: an EventBridge scheduled event or a manual request in, one janitor run, its
//! summary out (as the result and as one Embedded Metric Format line).

use std::time::{Duration, SystemTime};

use aws_lambda_events::event::cloudwatch_events::CloudWatchEvent;
use lambda_runtime::{Context, Diagnostic, LambdaEvent};
use serde::Deserialize;
use serde_json::Value;
use shared::janitor::{sweep, ChatApi, JanitorConfig, Run, Summary, SweepError};
use time::OffsetDateTime;
use tokio::time::Instant;

/// The `detail-type` and `source` of the events an EventBridge schedule delivers.
const SCHEDULED_DETAIL_TYPE: &str = "Scheduled Event";
const SCHEDULED_SOURCE: &str = "aws.events";

/// When the invocation carries no deadline (only outside Lambda): Lambda's longest timeout.
const NO_DEADLINE_BUDGET: Duration = Duration::from_secs(900);

/// Everything the handler needs, built once at cold start.
pub(crate) struct Janitor<A, M> {
    pub api: A,
    pub config: JanitorConfig,
    pub metrics: M,
}

/// Where the run's Embedded Metric Format line goes: stdout in Lambda (CloudWatch Logs turns
/// it into metrics), a list in tests.
pub(crate) trait MetricsSink: Send + Sync {
    fn write_line(&self, line: &str);
}

/// Writes metric lines to stdout, one whole line at a time.
pub(crate) struct Stdout;

impl MetricsSink for Stdout {
    fn write_line(&self, line: &str) {
        println!("{line}");
    }
}

/// The event an EventBridge schedule delivers, in the envelope EventBridge kept from
/// CloudWatch Events (<https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-run-lambda-schedule.html>);
/// a schedule's `detail` is `{}`, and is not needed.
type ScheduledEvent = CloudWatchEvent<Value>;

/// A manual invocation: `{}` runs as configured, `{"dryRun": true}` asks for a dry run.
/// Unknown members are refused, so that a misspelt `dryrun` cannot turn into a real run.
#[derive(Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct ManualRequest {
    #[serde(default)]
    pub dry_run: bool,
}

/// What started the run.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Trigger {
    /// An EventBridge schedule, and its rule.
    Schedule {
        rule: Option<String>,
    },
    Manual(ManualRequest),
}

impl Trigger {
    /// Whether this invocation asks for a dry run. An invocation can ask for one, never out of
    /// one: a dry-run configuration stays a dry run.
    fn asks_dry_run(&self) -> bool {
        matches!(self, Trigger::Manual(ManualRequest { dry_run: true }))
    }

    fn label(&self) -> &'static str {
        match self {
            Trigger::Schedule { .. } => "schedule",
            Trigger::Manual(_) => "manual",
        }
    }
}

/// Why an invocation failed. Each maps to a stable Lambda error type.
#[derive(Debug, thiserror::Error)]
pub(crate) enum HandlerError {
    #[error(
        "unrecognised event ({0}); expected an EventBridge \"Scheduled Event\" from aws.events, \
         or a manual request such as {{}} or {{\"dryRun\": true}}"
    )]
    BadEvent(String),
    #[error(transparent)]
    Sweep(#[from] SweepError),
}

impl From<HandlerError> for Diagnostic {
    fn from(error: HandlerError) -> Self {
        let error_type = match &error {
            HandlerError::BadEvent(_) => "RoomJanitor.BadEvent",
            HandlerError::Sweep(SweepError::Listing { .. }) => "RoomJanitor.ListingFailed",
        };
        Diagnostic {
            error_type: error_type.to_owned(),
            error_message: error.to_string(),
        }
    }
}

/// Reads what started the invocation.
pub(crate) fn parse_trigger(payload: &Value) -> Result<Trigger, HandlerError> {
    let is_eventbridge = payload
        .as_object()
        .is_some_and(|object| object.contains_key("detail-type") || object.contains_key("source"));
    if is_eventbridge {
        let event: ScheduledEvent = serde_json::from_value(payload.clone())
            .map_err(|e| HandlerError::BadEvent(format!("an unreadable EventBridge event: {e}")))?;
        let (detail_type, source) = (
            event.detail_type.unwrap_or_default(),
            event.source.unwrap_or_default(),
        );
        if detail_type != SCHEDULED_DETAIL_TYPE || source != SCHEDULED_SOURCE {
            return Err(HandlerError::BadEvent(format!(
                "an EventBridge event of type {:?} from {:?}",
                detail_type, source
            )));
        }
        return Ok(Trigger::Schedule {
            rule: event.resources.into_iter().next(),
        });
    }
    serde_json::from_value(payload.clone())
        .map(Trigger::Manual)
        .map_err(|e| HandlerError::BadEvent(format!("not a manual request: {e}")))
}

/// Runs the janitor once for an invocation and returns its summary.
pub(crate) async fn handle<A: ChatApi, M: MetricsSink>(
    janitor: &Janitor<A, M>,
    event: LambdaEvent<Value>,
) -> Result<Summary, HandlerError> {
    let trigger = parse_trigger(&event.payload)?;
    let run = Run {
        dry_run: janitor.config.dry_run || trigger.asks_dry_run(),
        now: OffsetDateTime::now_utc(),
        deadline: deadline(&event.context),
    };
    tracing::info!(
        request_id = %event.context.request_id,
        trigger = trigger.label(),
        rule = match &trigger { Trigger::Schedule { rule } => rule.as_deref(), Trigger::Manual(_) => None },
        dry_run = run.dry_run,
        "janitor run started"
    );
    let result = sweep(&janitor.api, &janitor.config, run).await;
    let summary = match &result {
        Ok(summary) => summary,
        Err(error) => error.summary(),
    };
    let timestamp_ms = u64::try_from(OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000)
        .unwrap_or_default();
    let emf = summary.to_emf(&janitor.config.metrics_namespace, timestamp_ms);
    janitor.metrics.write_line(&emf.to_string());
    let summary_json = serde_json::to_string(summary).unwrap_or_default();
    match &result {
        Ok(_) => {
            tracing::info!(request_id = %event.context.request_id, summary = %summary_json, "janitor run finished")
        }
        Err(error) => {
            tracing::error!(request_id = %event.context.request_id, error = %error, summary = %summary_json, "janitor run failed")
        }
    }
    Ok(result?)
}

/// The invocation's deadline as an instant of the runtime's clock.
fn deadline(context: &Context) -> Instant {
    let now = Instant::now();
    if context.deadline == 0 {
        return now + NO_DEADLINE_BUDGET;
    }
    let remaining = context
        .deadline()
        .duration_since(SystemTime::now())
        .unwrap_or_default();
    now + remaining
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The sample event `events/room-janitor-<case>.json`.
    fn sample(case: &str) -> Value {
        let path = format!(
            "{}/../../events/room-janitor-{case}.json",
            env!("CARGO_MANIFEST_DIR")
        );
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    #[test]
    fn the_scheduled_sample_is_a_scheduled_run_of_its_rule() {
        let trigger = parse_trigger(&sample("scheduled")).expect("a trigger");
        match &trigger {
            Trigger::Schedule { rule } => assert!(
                rule.as_deref().is_some_and(|rule| rule.contains(":rule/")),
                "{rule:?}"
            ),
            other => panic!("{other:?}"),
        }
        assert!(!trigger.asks_dry_run());
    }

    #[test]
    fn the_dry_run_sample_asks_for_a_dry_run() {
        let trigger = parse_trigger(&sample("dry-run")).expect("a trigger");
        assert_eq!(trigger, Trigger::Manual(ManualRequest { dry_run: true }));
        assert!(trigger.asks_dry_run());
    }

    #[test]
    fn an_empty_manual_request_runs_as_configured() {
        let trigger = parse_trigger(&json!({})).expect("a trigger");
        assert_eq!(trigger, Trigger::Manual(ManualRequest { dry_run: false }));
    }

    #[test]
    fn a_misspelt_dry_run_is_refused_rather_than_run_for_real() {
        let error = parse_trigger(&json!({ "dryrun": true })).expect_err("refused");
        assert!(matches!(error, HandlerError::BadEvent(_)), "{error}");
        assert!(error.to_string().contains("dryrun"), "{error}");
        let error = parse_trigger(&json!({ "dryRun": "yes" })).expect_err("refused");
        assert!(matches!(error, HandlerError::BadEvent(_)), "{error}");
    }

    #[test]
    fn other_events_are_refused_with_a_clear_error_type() {
        let mut other = sample("scheduled");
        other["detail-type"] = json!("EC2 Instance State-change Notification");
        other["source"] = json!("aws.ec2");
        for payload in [other, json!([1, 2]), json!("run"), Value::Null] {
            let error = parse_trigger(&payload).expect_err("refused");
            let diagnostic = Diagnostic::from(error);
            assert_eq!(diagnostic.error_type, "RoomJanitor.BadEvent");
            assert!(diagnostic.error_message.contains("Scheduled Event"));
        }
    }

    #[test]
    fn a_missing_deadline_gives_the_longest_lambda_budget_and_a_past_one_none() {
        let before = Instant::now();
        let at = deadline(&Context::default());
        assert!(at >= before + NO_DEADLINE_BUDGET);
        let mut context = Context::default();
        context.deadline = 1;
        assert!(deadline(&context) <= Instant::now());
    }
}
