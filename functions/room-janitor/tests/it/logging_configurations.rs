//! The optional clean-up of logging configurations: only this stack's, not retained, that no
//! room uses once the stale rooms are gone; a dry run counts the stale rooms as gone.

use shared::janitor::sweep;
use shared::room_tags::{MANAGED_BY, RETAIN};

use crate::support::{
    api, config, region, remaining_rooms, run, seed_logging_configuration, seed_room_logged, start,
    Kind, Mix, SHIFT, STACK,
};

#[tokio::test]
async fn only_this_stacks_unused_and_unretained_logging_configurations_are_deleted() {
    let server = start(Some(20.0)).await;
    let region = region(&server);
    let now = time::OffsetDateTime::now_utc() + SHIFT;
    let managed = || (MANAGED_BY, STACK.to_owned());
    let unused = seed_logging_configuration(&region, "unused", &[managed()]);
    let used_by_stale = seed_logging_configuration(&region, "used-by-stale", &[managed()]);
    let used_by_live = seed_logging_configuration(&region, "used-by-live", &[managed()]);
    let retained =
        seed_logging_configuration(&region, "retained", &[managed(), (RETAIN, "true".into())]);
    let foreign = seed_logging_configuration(&region, "foreign", &[]);
    let other_stack =
        seed_logging_configuration(&region, "other", &[(MANAGED_BY, "another-stack".into())]);
    let malformed =
        seed_logging_configuration(&region, "malformed", &[managed(), (RETAIN, "nope".into())]);
    seed_room_logged(
        &region,
        "stale",
        &Kind::Expired.tags(now),
        std::slice::from_ref(&used_by_stale),
    );
    let live = seed_room_logged(
        &region,
        "live",
        &Kind::RecentlyActive.tags(now),
        std::slice::from_ref(&used_by_live),
    );
    let mix = Mix::seed(&region, 1);
    let mut config = config(100.0);
    config.clean_logging_configurations = true;

    // A dry run deletes nothing, and counts the configuration of the stale room as unused.
    let dry = sweep(&api(&server), &config, run(true, SHIFT))
        .await
        .expect("the run succeeds");
    let counts = dry.logging_configurations.as_ref().expect("counted");
    assert_eq!(counts.scanned, 7);
    assert_eq!(counts.would_delete, 2);
    assert_eq!(counts.deleted, 0);
    assert_eq!(
        region.get_logging_configuration(&unused).map(|c| c.id),
        Ok(unused.clone())
    );

    let summary = sweep(&api(&server), &config, run(false, SHIFT))
        .await
        .expect("the run succeeds");

    let counts = summary.logging_configurations.as_ref().expect("counted");
    assert!(summary.complete, "{summary:?}");
    assert_eq!(counts.scanned, 7);
    assert_eq!(counts.candidates, 2);
    assert_eq!(counts.deleted, 2);
    assert_eq!(counts.failed, 0);
    assert_eq!(counts.skipped.in_use, 1);
    assert_eq!(counts.skipped.retained, 1);
    assert_eq!(counts.skipped.unmanaged, 1);
    assert_eq!(counts.skipped.other_stack, 1);
    assert_eq!(counts.skipped.malformed_tags, 1);
    for gone in [&unused, &used_by_stale] {
        assert!(
            region.get_logging_configuration(gone).is_err(),
            "{gone} remains"
        );
    }
    for kept in [&used_by_live, &retained, &foreign, &other_stack, &malformed] {
        assert!(
            region.get_logging_configuration(kept).is_ok(),
            "{kept} was deleted"
        );
    }
    let mut survivors = mix.survivors();
    survivors.insert(live);
    assert_eq!(remaining_rooms(&region), survivors);
}
