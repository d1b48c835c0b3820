//! A seeded mix of managed, unmanaged, other stacks', retained, expired, idle, recently active
//! and malformed rooms, swept with quotas on (scaled ×20): exactly the stale managed ones are
//! deleted, the summary accounts for every room, and a dry run deletes nothing.

use shared::janitor::sweep;

use crate::support::{api, config, region, remaining_rooms, run, start, Kind, Mix, SHIFT};

/// Rooms of each kind: 11 kinds × 7 = 77 rooms, two ListRooms pages.
const PER_KIND: usize = 7;
/// Quotas at AWS's values ×20; the janitor runs at exactly the scaled quotas.
const SCALE: f64 = 20.0;

#[tokio::test]
async fn exactly_the_stale_managed_rooms_are_deleted_and_every_room_is_accounted_for() {
    let server = start(Some(SCALE)).await;
    let region = region(&server);
    let mix = Mix::seed(&region, PER_KIND);
    let config = config(5.0 * SCALE);

    let summary = sweep(&api(&server), &config, run(false, SHIFT))
        .await
        .expect("the run succeeds");

    assert_eq!(remaining_rooms(&region), mix.survivors());
    let rooms = &summary.rooms;
    let per_kind = PER_KIND as u64;
    assert!(summary.complete, "{summary:?}");
    assert_eq!(summary.stopped_early, None);
    assert_eq!(rooms.scanned, mix.count(|_| true));
    assert_eq!(rooms.candidates, mix.count(Kind::is_stale));
    assert_eq!(rooms.deleted, mix.count(Kind::is_stale));
    assert_eq!(rooms.candidates_by_reason.expired, per_kind);
    assert_eq!(rooms.candidates_by_reason.idle, 2 * per_kind);
    assert_eq!(rooms.already_gone, 0);
    assert_eq!(rooms.would_delete, 0);
    assert_eq!(rooms.failed, 0);
    assert_eq!(rooms.deferred, 0);
    assert_eq!(rooms.kept_on_recheck, 0);
    assert_eq!(rooms.skipped.unmanaged, per_kind);
    assert_eq!(rooms.skipped.other_stack, per_kind);
    assert_eq!(rooms.skipped.retained, per_kind);
    assert_eq!(rooms.skipped.not_stale, 2 * per_kind);
    assert_eq!(rooms.skipped.malformed_tags, 3 * per_kind);
    assert_eq!(summary.list_pages, 2);
    assert_eq!(summary.failures, []);

    // Every malformed room is reported by ARN, with the tag at fault.
    let reported: std::collections::BTreeSet<_> =
        summary.malformed.iter().map(|m| m.arn.clone()).collect();
    assert_eq!(reported, mix.arns(Kind::is_malformed));
    assert!(summary.malformed.iter().all(|m| m
        .problems
        .iter()
        .any(|p| p.starts_with("ivschat-serverless:"))));
}

#[tokio::test]
async fn a_dry_run_deletes_nothing_and_reports_what_it_would_delete() {
    let server = start(Some(SCALE)).await;
    let region = region(&server);
    let mix = Mix::seed(&region, PER_KIND);
    let config = config(5.0 * SCALE);

    let summary = sweep(&api(&server), &config, run(true, SHIFT))
        .await
        .expect("the run succeeds");

    assert_eq!(remaining_rooms(&region), mix.all());
    assert!(summary.dry_run);
    assert!(summary.complete, "{summary:?}");
    assert_eq!(summary.rooms.candidates, mix.count(Kind::is_stale));
    assert_eq!(summary.rooms.would_delete, mix.count(Kind::is_stale));
    assert_eq!(summary.rooms.deleted, 0);
    assert_eq!(
        summary.rooms.skipped.malformed_tags,
        mix.count(Kind::is_malformed)
    );

    // The same run for real then deletes exactly what the dry run announced.
    let summary = sweep(&api(&server), &config, run(false, SHIFT))
        .await
        .expect("the run succeeds");
    assert_eq!(summary.rooms.deleted, mix.count(Kind::is_stale));
    assert_eq!(remaining_rooms(&region), mix.survivors());
}

#[tokio::test]
async fn a_dry_run_configuration_wins_over_a_run_asked_to_delete() {
    let server = start(Some(SCALE)).await;
    let region = region(&server);
    let mix = Mix::seed(&region, 2);
    let mut config = config(5.0 * SCALE);
    config.dry_run = true;

    let summary = sweep(&api(&server), &config, run(false, SHIFT))
        .await
        .expect("the run succeeds");

    assert!(summary.dry_run);
    assert_eq!(summary.rooms.would_delete, mix.count(Kind::is_stale));
    assert_eq!(summary.rooms.deleted, 0);
    assert_eq!(remaining_rooms(&region), mix.all());
}
