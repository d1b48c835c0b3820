//! Faults: a decorator over the real API injects throttling and 5xx answers (the local
//! service never answers 5xx), some after the call took effect; the service itself throttles
//! a janitor configured above the quota; a refused deletion is reported, not swallowed. Every
//! run still converges on exactly the stale managed rooms.

use std::collections::HashMap;
use std::sync::Mutex;

use shared::janitor::{
    sweep, ApiError, ChatApi, ErrorKind, ListRooms, LoggingConfigurationSummary, Operation, Page,
    RoomSummary, Tags,
};

use crate::support::{api, config, region, remaining_rooms, run, start, Kind, Mix, SHIFT};

/// What to do to the first attempt of a call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fault {
    /// Answer ThrottlingException without calling the service.
    ThrottleBefore,
    /// Answer a 5xx without calling the service.
    ServerErrorBefore,
    /// Call the service, then answer a 5xx as if the answer had been lost.
    ServerErrorAfter,
    /// Refuse for good (AccessDeniedException), every time.
    RejectAlways,
}

/// Which fault, if any, a call of an operation on a resource (or page token) gets.
type Plan = Box<dyn Fn(Operation, &str) -> Option<Fault> + Send + Sync>;

/// Wraps an API and applies a plan to calls, by operation and resource (or page token).
struct Faulty<A> {
    inner: A,
    plan: Plan,
    attempts: Mutex<HashMap<(Operation, String), u32>>,
    injected: Mutex<Vec<Fault>>,
}

impl<A: ChatApi> Faulty<A> {
    fn new(
        inner: A,
        plan: impl Fn(Operation, &str) -> Option<Fault> + Send + Sync + 'static,
    ) -> Self {
        Faulty {
            inner,
            plan: Box::new(plan),
            attempts: Mutex::new(HashMap::new()),
            injected: Mutex::new(Vec::new()),
        }
    }

    /// The fault for this attempt: the planned one on the first attempt (every attempt for a
    /// rejection), none after.
    fn fault(&self, operation: Operation, key: &str) -> Option<Fault> {
        let attempt = {
            let mut attempts = self.attempts.lock().expect("lock");
            let count = attempts.entry((operation, key.to_owned())).or_default();
            *count += 1;
            *count
        };
        let fault = (self.plan)(operation, key)
            .filter(|fault| attempt == 1 || *fault == Fault::RejectAlways)?;
        self.injected.lock().expect("lock").push(fault);
        Some(fault)
    }

    fn injected(&self, fault: Fault) -> u64 {
        self.injected
            .lock()
            .expect("lock")
            .iter()
            .filter(|f| **f == fault)
            .count() as u64
    }

    async fn apply<T>(
        &self,
        operation: Operation,
        key: &str,
        call: impl std::future::Future<Output = Result<T, ApiError>>,
    ) -> Result<T, ApiError> {
        let error = |kind, message: &str| Err(ApiError::new(operation, kind, message));
        match self.fault(operation, key) {
            None => call.await,
            Some(Fault::ThrottleBefore) => {
                error(ErrorKind::Throttled, "ThrottlingException: injected")
            }
            Some(Fault::ServerErrorBefore) => {
                error(ErrorKind::ServerError, "InternalServerException: injected")
            }
            Some(Fault::ServerErrorAfter) => {
                call.await?;
                error(
                    ErrorKind::ServerError,
                    "InternalServerException: injected after the call",
                )
            }
            Some(Fault::RejectAlways) => {
                error(ErrorKind::Rejected, "AccessDeniedException: injected")
            }
        }
    }
}

impl<A: ChatApi> ChatApi for Faulty<A> {
    async fn list_rooms(&self, request: ListRooms) -> Result<Page<RoomSummary>, ApiError> {
        let key = request.next_token.clone().unwrap_or_default();
        self.apply(Operation::ListRooms, &key, self.inner.list_rooms(request))
            .await
    }

    async fn room_tags(&self, room_arn: &str) -> Result<Tags, ApiError> {
        self.apply(
            Operation::ListTagsForResource,
            room_arn,
            self.inner.room_tags(room_arn),
        )
        .await
    }

    async fn delete_room(&self, room_arn: &str) -> Result<(), ApiError> {
        self.apply(
            Operation::DeleteRoom,
            room_arn,
            self.inner.delete_room(room_arn),
        )
        .await
    }

    async fn list_logging_configurations(
        &self,
        next_token: Option<String>,
    ) -> Result<Page<LoggingConfigurationSummary>, ApiError> {
        let key = next_token.clone().unwrap_or_default();
        self.apply(
            Operation::ListLoggingConfigurations,
            &key,
            self.inner.list_logging_configurations(next_token),
        )
        .await
    }

    async fn delete_logging_configuration(&self, arn: &str) -> Result<(), ApiError> {
        self.apply(
            Operation::DeleteLoggingConfiguration,
            arn,
            self.inner.delete_logging_configuration(arn),
        )
        .await
    }
}

/// The position of each of `arns` in order: a stable way to spread faults over rooms.
fn positions(arns: impl IntoIterator<Item = String>) -> HashMap<String, usize> {
    arns.into_iter()
        .enumerate()
        .map(|(i, arn)| (arn, i))
        .collect()
}

#[tokio::test]
async fn injected_throttling_and_server_errors_are_retried_and_the_run_converges() {
    let server = start(Some(20.0)).await;
    let region = region(&server);
    let mix = Mix::seed(&region, 6);
    let stale = positions(mix.arns(Kind::is_stale));
    let faulty = Faulty::new(api(&server), move |operation, key| match operation {
        // The first page's first attempt fails, and so does the second page's.
        Operation::ListRooms => Some(if key.is_empty() {
            Fault::ServerErrorBefore
        } else {
            Fault::ThrottleBefore
        }),
        Operation::ListTagsForResource if stale.get(key).is_some_and(|i| i % 4 == 0) => {
            Some(Fault::ThrottleBefore)
        }
        Operation::DeleteRoom => match stale.get(key).map(|i| i % 3) {
            Some(0) => Some(Fault::ThrottleBefore),
            Some(1) => Some(Fault::ServerErrorAfter),
            _ => None,
        },
        _ => None,
    });

    let summary = sweep(&faulty, &config(100.0), run(false, SHIFT))
        .await
        .expect("the run succeeds");

    assert_eq!(remaining_rooms(&region), mix.survivors());
    let throttles = faulty.injected(Fault::ThrottleBefore);
    let after = faulty.injected(Fault::ServerErrorAfter);
    let before = faulty.injected(Fault::ServerErrorBefore);
    assert!(
        throttles > 0 && after > 0 && before > 0,
        "{throttles} {after} {before}"
    );
    assert!(summary.complete, "{summary:?}");
    assert_eq!(summary.retries, throttles + after + before);
    assert_eq!(summary.throttled, throttles);
    assert_eq!(summary.rooms.deleted, mix.count(Kind::is_stale));
    // A deletion whose answer was lost is found gone on the retry, and counts as deleted.
    assert_eq!(summary.rooms.already_gone, after);
    assert_eq!(summary.rooms.failed, 0);
    assert_eq!(summary.failures, []);
}

#[tokio::test]
async fn the_service_throttling_a_janitor_set_above_the_quota_still_converges() {
    // DeleteRoom at 10 per second (AWS ×2), the janitor at 100: the service throttles it.
    let server = start(Some(2.0)).await;
    let region = region(&server);
    let mix = Mix::seed(&region, 10);
    let mut config = config(100.0);
    config.retry.max_attempts = 20;
    config.max_concurrency = 8;

    let summary = sweep(&api(&server), &config, run(false, SHIFT))
        .await
        .expect("the run succeeds");

    assert_eq!(remaining_rooms(&region), mix.survivors());
    assert!(summary.complete, "{summary:?}");
    assert!(summary.throttled > 0, "{summary:?}");
    assert!(summary.retries >= summary.throttled);
    assert_eq!(summary.rooms.deleted, mix.count(Kind::is_stale));
    assert_eq!(summary.rooms.failed, 0);
}

#[tokio::test]
async fn a_refused_deletion_is_counted_and_reported_and_the_others_proceed() {
    let server = start(Some(20.0)).await;
    let region = region(&server);
    let mix = Mix::seed(&region, 3);
    let stale: Vec<String> = mix.arns(Kind::is_stale).into_iter().collect();
    let refused = stale[0].clone();
    let plan_target = refused.clone();
    let faulty = Faulty::new(api(&server), move |operation, key| {
        (operation == Operation::DeleteRoom && key == plan_target).then_some(Fault::RejectAlways)
    });

    let summary = sweep(&faulty, &config(100.0), run(false, SHIFT))
        .await
        .expect("the run itself succeeds");

    let mut expected = mix.survivors();
    expected.insert(refused.clone());
    assert_eq!(remaining_rooms(&region), expected);
    assert_eq!(summary.rooms.failed, 1);
    assert_eq!(summary.rooms.deleted, stale.len() as u64 - 1);
    assert_eq!(summary.failures.len(), 1);
    assert_eq!(summary.failures[0].arn, refused);
    assert!(
        summary.failures[0].error.contains("AccessDenied"),
        "{:?}",
        summary.failures
    );
    // A refusal is not retried.
    assert_eq!(faulty.injected(Fault::RejectAlways), 1);
    assert_eq!(summary.retries, 0);
}

#[tokio::test]
async fn a_listing_that_keeps_failing_fails_the_run_with_an_honest_summary() {
    let server = start(None).await;
    let region = region(&server);
    let mix = Mix::seed(&region, 6);
    let faulty = Faulty::new(api(&server), |operation, key| {
        (operation == Operation::ListRooms && !key.is_empty()).then_some(Fault::RejectAlways)
    });

    let error = sweep(&faulty, &config(100.0), run(false, SHIFT))
        .await
        .expect_err("the second page cannot be read");

    let summary = error.summary();
    assert!(!summary.complete);
    assert!(summary
        .stopped_early
        .as_deref()
        .is_some_and(|s| s.contains("listing rooms failed")));
    assert_eq!(summary.rooms.scanned, 50);
    // The stale rooms of the first page were still dealt with, and only those.
    let remaining = remaining_rooms(&region);
    assert_eq!(
        mix.all().len() as u64 - remaining.len() as u64,
        summary.rooms.deleted
    );
    assert!(remaining.is_superset(&mix.survivors()));
}
