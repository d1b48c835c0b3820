//! One janitor run: pages through ListRooms, judges every room by the policy, and deletes the
//! stale ones behind client-side rate limiters with bounded concurrency, retrying throttled,
//! failed and unanswered calls with backoff; stops starting new work when the Lambda time
//! left falls below the margin; then, when asked, removes this stack's logging configurations
//! that no room uses. Listing and deleting overlap: candidates flow from the lister to the
//! deleters through a short queue, so deletions start with the first page.

use std::collections::HashSet;
use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use futures_util::StreamExt;
use time::OffsetDateTime;
use tokio::sync::mpsc;
use tokio::time::Instant;

use super::api::{
    ApiError, ChatApi, ErrorKind, ListRooms, LoggingConfigurationSummary, Operation, RoomSummary,
};
use super::config::JanitorConfig;
use super::limiter::RateLimiter;
use super::policy::{Keep, Stale, Verdict};
use super::summary::{Failure, LoggingConfigurationCounts, Malformed, Summary, MAX_LISTED};

/// What one run is asked to do, besides the configuration.
#[derive(Clone, Copy, Debug)]
pub struct Run {
    /// Report only, delete nothing (always so when the configuration says dry run).
    pub dry_run: bool,
    /// The wall-clock time at the start; the policy's clock (advanced as the run goes on).
    pub now: OffsetDateTime,
    /// When the invocation must have returned: the Lambda deadline.
    pub deadline: Instant,
}

/// A run that could not finish its job for a reason the next run will not fix by itself;
/// the summary says what it did before.
#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    #[error("listing rooms failed: {source}")]
    Listing {
        #[source]
        source: ApiError,
        summary: Box<Summary>,
    },
}

impl SweepError {
    /// The summary of what the run did before it failed.
    pub fn summary(&self) -> &Summary {
        match self {
            SweepError::Listing { summary, .. } => summary,
        }
    }
}

/// Runs the janitor once over every room (and, if configured, every logging configuration)
/// that `api` can see.
pub async fn sweep<A: ChatApi>(
    api: &A,
    config: &JanitorConfig,
    run: Run,
) -> Result<Summary, SweepError> {
    let sweep = Sweep::new(api, config, run);
    let listing = sweep.rooms_pass().await;
    let mut stopped_early = None;
    let mut listing_error = None;
    match listing {
        Listing::Complete => {}
        Listing::OutOfTime => stopped_early = Some(sweep.out_of_time_message()),
        Listing::Failed(error) => {
            stopped_early = Some(format!("listing rooms failed: {error}"));
            listing_error = Some(error);
        }
    }
    if stopped_early.is_none() && sweep.out_of_time.load(Ordering::Relaxed) {
        stopped_early = Some(sweep.out_of_time_message());
    }
    if config.clean_logging_configurations {
        let counts = if stopped_early.is_none() {
            let counts = sweep.logging_configurations_pass().await;
            if sweep.out_of_time.load(Ordering::Relaxed) {
                stopped_early = Some(sweep.out_of_time_message());
            }
            counts
        } else {
            LoggingConfigurationCounts::default()
        };
        sweep.tally().summary.logging_configurations = Some(counts);
    }
    let mut summary = sweep.finish(stopped_early);
    summary.complete = listing_error.is_none() && summary.stopped_early.is_none();
    match listing_error {
        None => Ok(summary),
        Some(source) => Err(SweepError::Listing {
            source,
            summary: Box::new(summary),
        }),
    }
}

/// How the listing of rooms ended.
enum Listing {
    Complete,
    OutOfTime,
    Failed(ApiError),
}

/// How a call with retries ended.
enum Call<T> {
    Done(T),
    Failed(ApiError),
    /// Not started, or not retried, because the time budget ran out.
    OutOfTime,
}

/// A stale room found by the listing.
struct Candidate {
    room: RoomSummary,
    reason: Stale,
}

/// The counts as they are gathered, and the rooms this run removed (or would remove).
#[derive(Default)]
struct Tally {
    summary: Summary,
    removed_rooms: HashSet<String>,
}

struct Sweep<'a, A> {
    api: &'a A,
    config: &'a JanitorConfig,
    dry_run: bool,
    started: Instant,
    started_at: OffsetDateTime,
    /// No new work starts after this instant (the deadline less the margin).
    stop_at: Instant,
    list_limiter: RateLimiter,
    tags_limiter: RateLimiter,
    delete_limiter: RateLimiter,
    logging_limiter: RateLimiter,
    out_of_time: AtomicBool,
    tally: Mutex<Tally>,
}

impl<'a, A: ChatApi> Sweep<'a, A> {
    fn new(api: &'a A, config: &'a JanitorConfig, run: Run) -> Self {
        let started = Instant::now();
        let stop_at = run
            .deadline
            .checked_sub(config.time_margin)
            .unwrap_or(started);
        // A dry-run configuration is a lock: no run may delete under it.
        let dry_run = run.dry_run || config.dry_run;
        let mut tally = Tally::default();
        tally.summary.stack_name = config.policy.stack_name.clone();
        tally.summary.dry_run = dry_run;
        Sweep {
            api,
            config,
            dry_run,
            started,
            started_at: run.now,
            stop_at,
            list_limiter: RateLimiter::per_second(config.list_tps),
            // One tag read per deletion: at the delete rate, half of ListTagsForResource's quota.
            tags_limiter: RateLimiter::per_second(config.delete_tps),
            delete_limiter: RateLimiter::per_second(config.delete_tps),
            logging_limiter: RateLimiter::per_second(config.logging_configuration_tps),
            out_of_time: AtomicBool::new(false),
            tally: Mutex::new(tally),
        }
    }

    fn tally(&self) -> std::sync::MutexGuard<'_, Tally> {
        self.tally
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The policy's clock: the run's start time plus the time elapsed since.
    fn now(&self) -> OffsetDateTime {
        self.started_at + self.started.elapsed()
    }

    fn out_of_time_message(&self) -> String {
        let deferred = self.tally().summary.rooms.deferred;
        format!(
            "time budget: less than {} ms of Lambda time was left, so no new work was started \
             ({deferred} stale room(s) deferred, rooms not yet listed unassessed); the next run continues",
            self.config.time_margin.as_millis()
        )
    }

    fn finish(&self, stopped_early: Option<String>) -> Summary {
        let mut tally = self.tally();
        let mut summary = std::mem::take(&mut tally.summary);
        summary.stopped_early = stopped_early;
        summary.duration_ms = u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX);
        summary
    }

    /// Calls `attempt` until it succeeds, fails for good, or the attempts or the time run out.
    /// Every attempt waits for a slot of `limiter`, so retries count against the rate too.
    async fn call<T, F, Fut>(
        &self,
        limiter: &RateLimiter,
        operation: Operation,
        attempt: F,
    ) -> Call<T>
    where
        F: Fn() -> Fut,
        Fut: Future<Output = Result<T, ApiError>>,
    {
        let max_attempts = self.config.retry.max_attempts.max(1);
        let mut number = 1;
        loop {
            if !limiter.acquire(self.stop_at).await {
                self.out_of_time.store(true, Ordering::Relaxed);
                return Call::OutOfTime;
            }
            if number > 1 {
                self.tally().summary.retries += 1;
            }
            // Boxed: keeps the SDK's deep futures out of the sweep's own future type.
            let result =
                match tokio::time::timeout(self.config.call_timeout, Box::pin(attempt())).await {
                    Ok(result) => result,
                    Err(_) => Err(ApiError::new(
                        operation,
                        ErrorKind::Transient,
                        format!(
                            "no answer within {} ms",
                            self.config.call_timeout.as_millis()
                        ),
                    )),
                };
            let error = match result {
                Ok(value) => return Call::Done(value),
                Err(error) => error,
            };
            if error.kind == ErrorKind::Throttled {
                self.tally().summary.throttled += 1;
            }
            if !error.kind.is_retryable() || number >= max_attempts {
                return Call::Failed(error);
            }
            let wait = self.config.retry.backoff(number, rand::random::<f64>());
            if Instant::now() + wait > self.stop_at {
                self.out_of_time.store(true, Ordering::Relaxed);
                return Call::OutOfTime;
            }
            tracing::debug!(%operation, attempt = number, error = %error, wait_ms = wait.as_millis() as u64, "retrying");
            tokio::time::sleep(wait).await;
            number += 1;
        }
    }

    /// Lists and judges every room while deleting the stale ones.
    async fn rooms_pass(&self) -> Listing {
        let concurrency = self.config.max_concurrency.max(1);
        let (sender, receiver) = mpsc::channel::<Candidate>(concurrency * 2);
        let lister = async move {
            let listing = self.list_rooms(&sender).await;
            drop(sender);
            listing
        };
        let candidates = futures_util::stream::unfold(receiver, |mut receiver| async move {
            receiver.recv().await.map(|candidate| (candidate, receiver))
        });
        let deleters =
            candidates.for_each_concurrent(concurrency, |candidate| self.settle(candidate));
        let (listing, ()) = tokio::join!(lister, deleters);
        listing
    }

    async fn list_rooms(&self, candidates: &mpsc::Sender<Candidate>) -> Listing {
        let mut next_token: Option<String> = None;
        loop {
            let request = ListRooms {
                next_token: next_token.clone(),
                logging_configuration_arn: None,
            };
            let page = match self
                .call(&self.list_limiter, Operation::ListRooms, || {
                    self.api.list_rooms(request.clone())
                })
                .await
            {
                Call::Done(page) => page,
                Call::Failed(error) => return Listing::Failed(error),
                Call::OutOfTime => return Listing::OutOfTime,
            };
            self.tally().summary.list_pages += 1;
            for room in page.items {
                if let Some(candidate) = self.assess(room) {
                    if candidates.send(candidate).await.is_err() {
                        return Listing::Complete;
                    }
                }
            }
            match page.next_token {
                None => return Listing::Complete,
                // A token that does not move would page forever.
                Some(token) if next_token.as_deref() == Some(token.as_str()) => {
                    return Listing::Failed(ApiError::new(
                        Operation::ListRooms,
                        ErrorKind::ServerError,
                        "the same nextToken came back twice",
                    ))
                }
                Some(token) => next_token = Some(token),
            }
        }
    }

    /// Judges one listed room; a stale one becomes a candidate.
    fn assess(&self, room: RoomSummary) -> Option<Candidate> {
        let verdict = self
            .config
            .policy
            .assess_room(&room.tags, room.update_time, self.now());
        let mut tally = self.tally();
        let rooms = &mut tally.summary.rooms;
        rooms.scanned += 1;
        match verdict {
            Verdict::Stale(reason) => {
                rooms.candidates += 1;
                match reason {
                    Stale::Expired { .. } => rooms.candidates_by_reason.expired += 1,
                    Stale::Idle { .. } => rooms.candidates_by_reason.idle += 1,
                }
                Some(Candidate { room, reason })
            }
            Verdict::Keep(keep) => {
                let skipped = &mut rooms.skipped;
                match keep {
                    Keep::Unmanaged => skipped.unmanaged += 1,
                    Keep::OtherStack => skipped.other_stack += 1,
                    Keep::Retained => skipped.retained += 1,
                    Keep::NotStale => skipped.not_stale += 1,
                }
                None
            }
            Verdict::Malformed(problems) => {
                rooms.skipped.malformed_tags += 1;
                report_malformed(&mut tally.summary, "room", &room.arn, &problems);
                None
            }
        }
    }

    /// Deals with one candidate: re-reads its tags (if configured), then deletes it, or in a
    /// dry run says it would.
    async fn settle(&self, candidate: Candidate) {
        let Candidate { room, mut reason } = candidate;
        if self.config.recheck_tags {
            let tags = self
                .call(&self.tags_limiter, Operation::ListTagsForResource, || {
                    self.api.room_tags(&room.arn)
                })
                .await;
            match tags {
                Call::Done(tags) => {
                    match self
                        .config
                        .policy
                        .assess_room(&tags, room.update_time, self.now())
                    {
                        Verdict::Stale(fresh) => reason = fresh,
                        verdict => return self.kept_on_recheck(&room, verdict),
                    }
                }
                Call::Failed(error) if error.kind == ErrorKind::NotFound => {
                    return self.removed(&room, reason, true);
                }
                Call::Failed(error) => return self.failed(&room, error),
                Call::OutOfTime => return self.deferred(),
            }
        }
        if self.dry_run {
            return self.removed(&room, reason, false);
        }
        let deletion = self
            .call(&self.delete_limiter, Operation::DeleteRoom, || {
                self.api.delete_room(&room.arn)
            })
            .await;
        match deletion {
            Call::Done(()) => self.removed(&room, reason, false),
            // Gone already (perhaps by an earlier attempt whose answer was lost): deleted.
            Call::Failed(error) if error.kind == ErrorKind::NotFound => {
                self.removed(&room, reason, true)
            }
            Call::Failed(error) => self.failed(&room, error),
            Call::OutOfTime => self.deferred(),
        }
    }

    /// Records a room deleted (or found gone, or, in a dry run, one that would be deleted), with
    /// its one log line.
    fn removed(&self, room: &RoomSummary, reason: Stale, already_gone: bool) {
        let mut tally = self.tally();
        tally.removed_rooms.insert(room.arn.clone());
        let rooms = &mut tally.summary.rooms;
        if already_gone {
            rooms.already_gone += 1;
        }
        if !self.dry_run {
            rooms.deleted += 1;
        } else if !already_gone {
            rooms.would_delete += 1;
        }
        drop(tally);
        let event = match (self.dry_run, already_gone) {
            (false, false) => "room deleted",
            (false, true) => "room deleted (it was already gone)",
            (true, false) => "room would be deleted (dry run)",
            (true, true) => "room already gone (dry run)",
        };
        tracing::info!(
            room_arn = %room.arn,
            room_name = room.name.as_str(),
            reason = reason.as_str(),
            detail = %reason,
            dry_run = self.dry_run,
            already_gone,
            "{event}"
        );
    }

    fn kept_on_recheck(&self, room: &RoomSummary, verdict: Verdict) {
        let mut tally = self.tally();
        tally.summary.rooms.kept_on_recheck += 1;
        let why = match &verdict {
            Verdict::Keep(keep) => keep.as_str(),
            Verdict::Malformed(problems) => {
                report_malformed(&mut tally.summary, "room", &room.arn, problems);
                "malformedTags"
            }
            Verdict::Stale(_) => "stale",
        };
        drop(tally);
        tracing::info!(room_arn = %room.arn, room_name = room.name.as_str(), now = why, "room kept: its current tags no longer make it stale");
    }

    fn failed(&self, room: &RoomSummary, error: ApiError) {
        tracing::error!(room_arn = %room.arn, room_name = room.name.as_str(), error = %error, "room not deleted");
        let mut tally = self.tally();
        tally.summary.rooms.failed += 1;
        push_capped(
            &mut tally.summary.failures,
            Failure {
                arn: room.arn.clone(),
                error: error.to_string(),
            },
        );
    }

    fn deferred(&self) {
        self.tally().summary.rooms.deferred += 1;
    }

    /// Deletes this stack's logging configurations that no room uses (any more).
    async fn logging_configurations_pass(&self) -> LoggingConfigurationCounts {
        let mut counts = LoggingConfigurationCounts::default();
        let mut next_token: Option<String> = None;
        loop {
            let page = match self
                .call(
                    &self.logging_limiter,
                    Operation::ListLoggingConfigurations,
                    || self.api.list_logging_configurations(next_token.clone()),
                )
                .await
            {
                Call::Done(page) => page,
                Call::Failed(error) => {
                    counts.failed += 1;
                    self.report_failure(Operation::ListLoggingConfigurations.as_str(), error);
                    return counts;
                }
                Call::OutOfTime => return counts,
            };
            for configuration in page.items {
                if !self
                    .settle_logging_configuration(configuration, &mut counts)
                    .await
                {
                    return counts;
                }
            }
            match page.next_token {
                Some(token) if next_token.as_deref() != Some(token.as_str()) => {
                    next_token = Some(token)
                }
                _ => return counts,
            }
        }
    }

    /// Judges and, if unused, deletes one logging configuration; `false` when out of time.
    async fn settle_logging_configuration(
        &self,
        configuration: LoggingConfigurationSummary,
        counts: &mut LoggingConfigurationCounts,
    ) -> bool {
        counts.scanned += 1;
        let arn = configuration.arn;
        match self
            .config
            .policy
            .assess_logging_configuration(&configuration.tags)
        {
            Ok(()) => {}
            Err(Verdict::Keep(keep)) => {
                let skipped = &mut counts.skipped;
                match keep {
                    Keep::Unmanaged => skipped.unmanaged += 1,
                    Keep::OtherStack => skipped.other_stack += 1,
                    Keep::Retained | Keep::NotStale => skipped.retained += 1,
                }
                return true;
            }
            Err(Verdict::Malformed(problems)) => {
                counts.skipped.malformed_tags += 1;
                report_malformed(
                    &mut self.tally().summary,
                    "logging configuration",
                    &arn,
                    &problems,
                );
                return true;
            }
            Err(Verdict::Stale(_)) => return true,
        }
        match self.in_use(&arn).await {
            Call::Done(true) => {
                counts.skipped.in_use += 1;
                return true;
            }
            Call::Done(false) => {}
            Call::Failed(error) => {
                counts.failed += 1;
                self.report_failure(&arn, error);
                return true;
            }
            Call::OutOfTime => {
                counts.deferred += 1;
                return false;
            }
        }
        counts.candidates += 1;
        if self.dry_run {
            counts.would_delete += 1;
            tracing::info!(logging_configuration_arn = %arn, name = configuration.name.as_str(), reason = "unused", dry_run = true, "logging configuration would be deleted (dry run)");
            return true;
        }
        let deletion = self
            .call(
                &self.logging_limiter,
                Operation::DeleteLoggingConfiguration,
                || self.api.delete_logging_configuration(&arn),
            )
            .await;
        let already_gone = match deletion {
            Call::Done(()) => false,
            Call::Failed(error) if error.kind == ErrorKind::NotFound => true,
            // A room took it up since the check: it stays.
            Call::Failed(error) if error.kind == ErrorKind::Conflict => {
                counts.candidates -= 1;
                counts.skipped.in_use += 1;
                return true;
            }
            Call::Failed(error) => {
                counts.failed += 1;
                self.report_failure(&arn, error);
                return true;
            }
            Call::OutOfTime => {
                counts.deferred += 1;
                return false;
            }
        };
        counts.deleted += 1;
        if already_gone {
            counts.already_gone += 1;
        }
        tracing::info!(logging_configuration_arn = %arn, name = configuration.name.as_str(), reason = "unused", dry_run = false, already_gone, "logging configuration deleted");
        true
    }

    /// Whether a room other than those this run removed still uses the logging configuration.
    async fn in_use(&self, arn: &str) -> Call<bool> {
        let mut next_token: Option<String> = None;
        loop {
            let request = ListRooms {
                next_token: next_token.clone(),
                logging_configuration_arn: Some(arn.to_owned()),
            };
            let page = match self
                .call(&self.list_limiter, Operation::ListRooms, || {
                    self.api.list_rooms(request.clone())
                })
                .await
            {
                Call::Done(page) => page,
                Call::Failed(error) => return Call::Failed(error),
                Call::OutOfTime => return Call::OutOfTime,
            };
            let used_by_another = {
                let tally = self.tally();
                page.items
                    .iter()
                    .any(|room| !tally.removed_rooms.contains(&room.arn))
            };
            if used_by_another {
                return Call::Done(true);
            }
            match page.next_token {
                Some(token) if next_token.as_deref() != Some(token.as_str()) => {
                    next_token = Some(token)
                }
                _ => return Call::Done(false),
            }
        }
    }

    fn report_failure(&self, arn: &str, error: ApiError) {
        tracing::error!(arn, error = %error, "logging configuration clean-up failed");
        push_capped(
            &mut self.tally().summary.failures,
            Failure {
                arn: arn.to_owned(),
                error: error.to_string(),
            },
        );
    }
}

fn report_malformed(
    summary: &mut Summary,
    kind: &str,
    arn: &str,
    problems: &[super::policy::TagProblem],
) {
    let problems: Vec<String> = problems.iter().map(ToString::to_string).collect();
    tracing::warn!(arn, problems = ?problems, "{kind} skipped: its janitor tags cannot be read");
    push_capped(
        &mut summary.malformed,
        Malformed {
            arn: arn.to_owned(),
            problems,
        },
    );
}

fn push_capped<T>(list: &mut Vec<T>, item: T) {
    if list.len() < MAX_LISTED {
        list.push(item);
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicU32;
    use std::time::Duration;

    use super::*;
    use crate::janitor::api::{Page, Tags};
    use crate::room_tags::{EXPIRES_AT, MANAGED_BY};

    /// Rooms in memory, one per page, with answers the test chooses.
    struct Fake {
        rooms: Vec<RoomSummary>,
        /// Always answer this next token (a service that does not move on).
        stuck_token: bool,
        /// DeleteRoom never answers.
        hang_on_delete: bool,
        deletes: AtomicU32,
    }

    impl Fake {
        fn new(rooms: Vec<RoomSummary>) -> Self {
            Fake {
                rooms,
                stuck_token: false,
                hang_on_delete: false,
                deletes: AtomicU32::new(0),
            }
        }
    }

    impl ChatApi for Fake {
        async fn list_rooms(&self, request: ListRooms) -> Result<Page<RoomSummary>, ApiError> {
            let index: usize = request
                .next_token
                .as_deref()
                .map_or(0, |token| token.parse().unwrap_or(0));
            let next = index + 1;
            Ok(Page {
                items: self.rooms.get(index).cloned().into_iter().collect(),
                next_token: if self.stuck_token {
                    Some("same".into())
                } else {
                    (next < self.rooms.len()).then(|| next.to_string())
                },
            })
        }

        async fn room_tags(&self, room_arn: &str) -> Result<Tags, ApiError> {
            self.rooms
                .iter()
                .find(|room| room.arn == room_arn)
                .map(|room| room.tags.clone())
                .ok_or_else(|| {
                    ApiError::new(Operation::ListTagsForResource, ErrorKind::NotFound, "gone")
                })
        }

        async fn delete_room(&self, _room_arn: &str) -> Result<(), ApiError> {
            self.deletes.fetch_add(1, Ordering::Relaxed);
            if self.hang_on_delete {
                std::future::pending::<()>().await;
            }
            Ok(())
        }

        async fn list_logging_configurations(
            &self,
            _next_token: Option<String>,
        ) -> Result<Page<LoggingConfigurationSummary>, ApiError> {
            Ok(Page {
                items: Vec::new(),
                next_token: None,
            })
        }

        async fn delete_logging_configuration(&self, _arn: &str) -> Result<(), ApiError> {
            Ok(())
        }
    }

    fn expired_room(id: &str) -> RoomSummary {
        RoomSummary {
            arn: format!("arn:aws:ivschat:us-west-2:123456789012:room/{id}"),
            name: id.into(),
            update_time: OffsetDateTime::now_utc(),
            tags: [
                (MANAGED_BY.to_owned(), "stack".to_owned()),
                (EXPIRES_AT.to_owned(), "2020-01-01T00:00:00Z".to_owned()),
            ]
            .into(),
            logging_configuration_arns: Vec::new(),
        }
    }

    fn config() -> JanitorConfig {
        let mut config = JanitorConfig::with_defaults("stack");
        config.delete_tps = 1000.0;
        config.list_tps = 1000.0;
        config.time_margin = Duration::from_millis(100);
        config.call_timeout = Duration::from_millis(20);
        config.retry = crate::janitor::RetryPolicy {
            max_attempts: 3,
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(2),
        };
        config
    }

    fn run() -> Run {
        Run {
            dry_run: false,
            now: OffsetDateTime::now_utc(),
            deadline: Instant::now() + Duration::from_secs(60),
        }
    }

    #[tokio::test]
    async fn a_next_token_that_does_not_move_fails_the_listing_instead_of_looping() {
        let mut api = Fake::new(vec![expired_room("a")]);
        api.stuck_token = true;
        let error = sweep(&api, &config(), run()).await.expect_err("fails");
        assert!(error.to_string().contains("same nextToken"), "{error}");
        let summary = error.summary();
        assert_eq!(summary.list_pages, 2);
        assert!(!summary.complete);
        // The same room came twice; the second deletion found it gone or deleted it again,
        // never anything else.
        assert_eq!(summary.rooms.candidates, 2);
    }

    #[tokio::test]
    async fn a_call_without_an_answer_is_abandoned_retried_and_reported() {
        let mut api = Fake::new(vec![expired_room("a"), expired_room("b")]);
        api.hang_on_delete = true;
        let summary = sweep(&api, &config(), run()).await.expect("the run ends");
        assert_eq!(summary.rooms.failed, 2);
        assert_eq!(summary.rooms.deleted, 0);
        assert_eq!(api.deletes.load(Ordering::Relaxed), 6);
        assert_eq!(summary.retries, 4);
        assert!(summary.failures[0].error.contains("no answer within 20 ms"));
        assert!(summary.complete);
    }
}
