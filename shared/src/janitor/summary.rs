//! The summary of one janitor run: what was scanned, found stale, deleted, skipped (by
//! reason), failed or left for the next run; returned as the function's result and rendered
//! as one CloudWatch Embedded Metric Format log line.

use serde::Serialize;
use serde_json::{json, Map, Value};

/// At most this many malformed resources and failures are listed in a summary (all are
/// counted, and each is logged).
pub const MAX_LISTED: usize = 100;

/// Rooms left alone, by reason.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RoomSkips {
    /// No managed-by tag: not created by this stack.
    pub unmanaged: u64,
    /// Managed by another stack.
    pub other_stack: u64,
    /// Carries the retain tag.
    pub retained: u64,
    /// Neither expired nor idle past the TTL.
    pub not_stale: u64,
    /// Janitor tags that cannot be read (listed in `malformed`).
    pub malformed_tags: u64,
}

/// Stale rooms by why they are stale.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StaleReasons {
    pub expired: u64,
    pub idle: u64,
}

/// What happened to the rooms. `scanned = candidates + skipped`, and
/// `candidates = deleted + wouldDelete + keptOnRecheck + failed + deferred` (plus, in a dry
/// run, `alreadyGone`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RoomCounts {
    /// Rooms listed and assessed.
    pub scanned: u64,
    /// Stale managed rooms found by the listing.
    pub candidates: u64,
    pub candidates_by_reason: StaleReasons,
    /// Rooms deleted, those found already gone included.
    pub deleted: u64,
    /// Candidates that no longer existed when the janitor came to delete them.
    pub already_gone: u64,
    /// Dry run: candidates that would have been deleted.
    pub would_delete: u64,
    /// Candidates whose fresh tags, read just before deleting, no longer made them stale.
    pub kept_on_recheck: u64,
    /// Candidates whose deletion failed (listed in `failures`).
    pub failed: u64,
    /// Candidates left for the next run because the time budget ran out.
    pub deferred: u64,
    pub skipped: RoomSkips,
}

/// Logging configurations left alone, by reason.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LoggingConfigurationSkips {
    pub unmanaged: u64,
    pub other_stack: u64,
    pub retained: u64,
    pub malformed_tags: u64,
    /// Still attached to a room.
    pub in_use: u64,
}

/// What happened to the logging configurations (when their clean-up is on).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LoggingConfigurationCounts {
    pub scanned: u64,
    /// This stack's, not retained, and used by no room.
    pub candidates: u64,
    pub deleted: u64,
    pub already_gone: u64,
    pub would_delete: u64,
    pub failed: u64,
    pub deferred: u64,
    pub skipped: LoggingConfigurationSkips,
}

/// A managed resource skipped because a janitor tag cannot be read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Malformed {
    pub arn: String,
    /// Each unreadable tag, its value and what is wrong with it.
    pub problems: Vec<String>,
}

/// A resource the janitor failed to delete (or to check), and the last error.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Failure {
    pub arn: String,
    pub error: String,
}

/// The outcome of one run.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    /// The managed-by value whose rooms this run looked after.
    pub stack_name: String,
    /// Nothing was deleted; `wouldDelete` says what would have been.
    pub dry_run: bool,
    /// Every room was listed and every candidate dealt with (deleted, kept or failed).
    pub complete: bool,
    /// Why the run stopped before the end, when it did; the next run continues.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stopped_early: Option<String>,
    pub rooms: RoomCounts,
    /// Present when the clean-up of logging configurations is on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub logging_configurations: Option<LoggingConfigurationCounts>,
    /// Pages of ListRooms read.
    pub list_pages: u64,
    /// Calls tried again, whatever the cause.
    pub retries: u64,
    /// ThrottlingException answers among them.
    pub throttled: u64,
    pub duration_ms: u64,
    /// Managed rooms and logging configurations with unreadable tags (at most 100).
    pub malformed: Vec<Malformed>,
    /// Failed deletions and checks (at most 100).
    pub failures: Vec<Failure>,
}

impl Summary {
    /// The summary as one CloudWatch Embedded Metric Format object
    /// ([specification](https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html)): the
    /// counts as metrics in `namespace`, by stack name and mode (`delete` or `dry-run`), the
    /// summary's scalar fields as properties. Print it as one line on stdout.
    pub fn to_emf(&self, namespace: &str, timestamp_ms: u64) -> Value {
        let mut root = Map::new();
        let mut definitions = Vec::new();
        for (name, unit, value) in self.metrics() {
            definitions.push(json!({ "Name": name, "Unit": unit }));
            root.insert(name.to_owned(), json!(value));
        }
        root.insert("StackName".into(), json!(self.stack_name));
        root.insert(
            "Mode".into(),
            json!(if self.dry_run { "dry-run" } else { "delete" }),
        );
        root.insert("complete".into(), json!(self.complete));
        if let Some(reason) = &self.stopped_early {
            root.insert("stoppedEarly".into(), json!(reason));
        }
        root.insert(
            "_aws".into(),
            json!({
                "Timestamp": timestamp_ms,
                "CloudWatchMetrics": [{
                    "Namespace": namespace,
                    "Dimensions": [["StackName", "Mode"]],
                    "Metrics": definitions,
                }],
            }),
        );
        Value::Object(root)
    }

    /// Every metric: name, CloudWatch unit, value.
    fn metrics(&self) -> Vec<(&'static str, &'static str, u64)> {
        let rooms = &self.rooms;
        let skipped = &rooms.skipped;
        let mut metrics = vec![
            ("RoomsScanned", "Count", rooms.scanned),
            ("RoomCandidates", "Count", rooms.candidates),
            ("RoomsDeleted", "Count", rooms.deleted),
            ("RoomsAlreadyGone", "Count", rooms.already_gone),
            ("RoomsWouldDelete", "Count", rooms.would_delete),
            ("RoomsKeptOnRecheck", "Count", rooms.kept_on_recheck),
            ("RoomsFailed", "Count", rooms.failed),
            ("RoomsDeferred", "Count", rooms.deferred),
            (
                "RoomsStaleExpired",
                "Count",
                rooms.candidates_by_reason.expired,
            ),
            ("RoomsStaleIdle", "Count", rooms.candidates_by_reason.idle),
            ("RoomsSkippedUnmanaged", "Count", skipped.unmanaged),
            ("RoomsSkippedOtherStack", "Count", skipped.other_stack),
            ("RoomsSkippedRetained", "Count", skipped.retained),
            ("RoomsSkippedNotStale", "Count", skipped.not_stale),
            ("RoomsSkippedMalformedTags", "Count", skipped.malformed_tags),
            ("ListPages", "Count", self.list_pages),
            ("Retries", "Count", self.retries),
            ("Throttled", "Count", self.throttled),
            (
                "StoppedEarly",
                "Count",
                u64::from(self.stopped_early.is_some()),
            ),
            ("DurationMs", "Milliseconds", self.duration_ms),
        ];
        if let Some(configs) = &self.logging_configurations {
            metrics.extend([
                ("LoggingConfigurationsScanned", "Count", configs.scanned),
                ("LoggingConfigurationsDeleted", "Count", configs.deleted),
                (
                    "LoggingConfigurationsWouldDelete",
                    "Count",
                    configs.would_delete,
                ),
                ("LoggingConfigurationsFailed", "Count", configs.failed),
                (
                    "LoggingConfigurationsSkippedMalformedTags",
                    "Count",
                    configs.skipped.malformed_tags,
                ),
            ]);
        }
        metrics
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary() -> Summary {
        Summary {
            stack_name: "prod-chat".into(),
            complete: true,
            rooms: RoomCounts {
                scanned: 10,
                candidates: 3,
                deleted: 3,
                skipped: RoomSkips {
                    unmanaged: 4,
                    not_stale: 3,
                    ..RoomSkips::default()
                },
                ..RoomCounts::default()
            },
            retries: 2,
            duration_ms: 1234,
            ..Summary::default()
        }
    }

    #[test]
    fn emf_names_every_metric_as_a_root_member_with_the_dimensions() {
        let emf = summary().to_emf("IvsChatServerless", 1_700_000_000_000);
        let directive = &emf["_aws"]["CloudWatchMetrics"][0];
        assert_eq!(emf["_aws"]["Timestamp"], 1_700_000_000_000u64);
        assert_eq!(directive["Namespace"], "IvsChatServerless");
        assert_eq!(directive["Dimensions"], json!([["StackName", "Mode"]]));
        assert_eq!(emf["StackName"], "prod-chat");
        assert_eq!(emf["Mode"], "delete");
        let metrics = directive["Metrics"].as_array().expect("metrics");
        assert!(metrics.len() <= 100);
        for metric in metrics {
            let name = metric["Name"].as_str().expect("a name");
            assert!(emf[name].is_u64(), "{name} has no numeric root member");
        }
        assert_eq!(emf["RoomsDeleted"], 3);
        assert_eq!(emf["RoomsSkippedUnmanaged"], 4);
        assert_eq!(emf["Retries"], 2);
        assert_eq!(emf["StoppedEarly"], 0);
        assert_eq!(emf["DurationMs"], 1234);
        assert!(emf.get("LoggingConfigurationsDeleted").is_none());
    }

    #[test]
    fn a_dry_run_stopped_early_says_so_in_its_metrics() {
        let summary = Summary {
            dry_run: true,
            complete: false,
            stopped_early: Some("time budget".into()),
            logging_configurations: Some(LoggingConfigurationCounts::default()),
            ..summary()
        };
        let emf = summary.to_emf("ns", 1);
        assert_eq!(emf["Mode"], "dry-run");
        assert_eq!(emf["StoppedEarly"], 1);
        assert_eq!(emf["stoppedEarly"], "time budget");
        assert_eq!(emf["LoggingConfigurationsDeleted"], 0);
    }

    #[test]
    fn the_summary_serializes_in_camel_case_without_absent_members() {
        let value = serde_json::to_value(summary()).expect("json");
        assert_eq!(value["rooms"]["skipped"]["notStale"], 3);
        assert_eq!(value["rooms"]["alreadyGone"], 0);
        assert_eq!(value["durationMs"], 1234);
        assert!(value.get("stoppedEarly").is_none());
        assert!(value.get("loggingConfigurations").is_none());
    }
}
