//! The time budget: a run whose Lambda deadline is near stops starting new work at the margin
//! and says so, its summary matching what really happened; the next run finishes the job.

use std::time::Duration;

use shared::janitor::{sweep, Run};
use time::OffsetDateTime;
use tokio::time::Instant;

use crate::support::{api, config, region, remaining_rooms, run, start, Kind, Mix, SHIFT};

#[tokio::test]
async fn a_short_budget_ends_early_with_an_honest_summary_and_the_next_run_finishes() {
    let server = start(Some(10.0)).await;
    let region = region(&server);
    // 4 × 11 = 44 rooms, 12 stale, one page.
    let mix = Mix::seed(&region, 4);
    // Deleting at 2 per second with one and a half seconds of work allowed: a few at most.
    let mut config = config(50.0);
    config.delete_tps = 2.0;
    let short = Run {
        dry_run: false,
        now: OffsetDateTime::now_utc() + SHIFT,
        deadline: Instant::now() + config.time_margin + Duration::from_millis(1500),
    };

    let first = sweep(&api(&server), &config, short)
        .await
        .expect("the run succeeds");

    let stale = mix.count(Kind::is_stale);
    let after_first = remaining_rooms(&region);
    assert!(!first.complete, "{first:?}");
    let reason = first
        .stopped_early
        .as_deref()
        .expect("it says it stopped early");
    assert!(reason.contains("time budget"), "{reason}");
    assert!(first.rooms.deleted < stale, "{first:?}");
    // Honest: what it says it deleted is what is gone, and every candidate is accounted for.
    assert_eq!(
        mix.all().len() - after_first.len(),
        first.rooms.deleted as usize
    );
    assert!(after_first.is_superset(&mix.survivors()));
    assert_eq!(first.rooms.candidates, stale);
    assert_eq!(
        first.rooms.deleted + first.rooms.deferred + first.rooms.failed,
        first.rooms.candidates
    );
    assert!(first.rooms.deferred > 0);

    config.delete_tps = 50.0;
    let second = sweep(&api(&server), &config, run(false, SHIFT))
        .await
        .expect("the run succeeds");

    assert!(second.complete, "{second:?}");
    assert_eq!(second.rooms.deleted, stale - first.rooms.deleted);
    assert_eq!(remaining_rooms(&region), mix.survivors());
}

#[tokio::test]
async fn a_run_started_inside_the_margin_starts_nothing_and_says_so() {
    let server = start(Some(10.0)).await;
    let region = region(&server);
    let mix = Mix::seed(&region, 2);
    let config = config(50.0);
    let too_late = Run {
        dry_run: false,
        now: OffsetDateTime::now_utc() + SHIFT,
        deadline: Instant::now() + config.time_margin / 2,
    };

    let summary = sweep(&api(&server), &config, too_late)
        .await
        .expect("the run succeeds");

    assert!(!summary.complete);
    assert!(summary
        .stopped_early
        .as_deref()
        .is_some_and(|reason| reason.contains("time budget")));
    assert_eq!(summary.rooms.scanned, 0);
    assert_eq!(summary.list_pages, 0);
    assert_eq!(remaining_rooms(&region), mix.all());
}
