//! The janitor at scale: 10,000 rooms, 2,000 of them stale, swept against the local service
//! with quotas at AWS's values ×10 (DeleteRoom and ListRooms 50 per second), the janitor set
//! to the scaled quotas. Prints rooms scanned and deleted, the elapsed time, the deletion rate
//! against the scaled DeleteRoom quota, wrong deletions (rooms that had to stay), missed
//! rooms (stale ones left) and errors; exits non-zero if the rate is under 90 % of the quota
//! or anything was wrongly deleted, missed or failed.
//!
//! `cargo bench -p room-janitor --bench sweep`

use std::collections::{BTreeMap, BTreeSet};
use std::process::ExitCode;
use std::sync::Mutex;
use std::time::Duration;

use ivschat_local::config::QuotaSwitch;
use ivschat_local::state::{NewRoom, RegionState};
use ivschat_local::{ServeConfig, Server};
use shared::ivs_client::{self, EndpointSettings};
use shared::janitor::{
    sweep, ApiError, ChatApi, JanitorConfig, ListRooms, LoggingConfigurationSummary, Page,
    RoomSummary, Run, SdkChatApi, Tags,
};
use shared::room_tags::{EXPIRES_AT, LAST_ACTIVE, MANAGED_BY, RETAIN};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use tokio::time::Instant;

const REGION: &str = "us-west-2";
const STACK: &str = "bench-stack";
const QUOTA_SCALE: f64 = 10.0;
/// AWS's DeleteRoom (and ListRooms) quota.
const AWS_ROOM_TPS: f64 = 5.0;
/// The runs' clock is this far ahead of the service's, so new rooms look 10 days idle.
const SHIFT: Duration = Duration::from_secs(10 * 24 * 3600);
const HOUR: Duration = Duration::from_secs(3600);

/// How many rooms of each kind, and whether the janitor must delete them.
const MIX: [(&str, usize, bool); 10] = [
    ("expired", 1_000, true),
    ("idle", 600, true),
    ("idle-since-last-active", 400, true),
    ("recently-active", 2_000, false),
    ("not-yet-expired", 1_000, false),
    ("unmanaged-expired", 1_500, false),
    ("other-stack-expired", 1_000, false),
    ("retained-expired", 1_000, false),
    ("malformed-expiry", 1_000, false),
    ("malformed-retain", 500, false),
];

fn tags(kind: &str, now: OffsetDateTime) -> BTreeMap<String, String> {
    let at = |time: OffsetDateTime| time.format(&Rfc3339).expect("formats");
    let managed = (MANAGED_BY, STACK.to_owned());
    let expired = (EXPIRES_AT, at(now - HOUR));
    let list: Vec<(&str, String)> = match kind {
        "expired" => vec![managed, expired],
        "idle" => vec![managed],
        "idle-since-last-active" => vec![managed, (LAST_ACTIVE, at(now - HOUR * 24 * 8))],
        "recently-active" => vec![managed, (LAST_ACTIVE, at(now - HOUR))],
        "not-yet-expired" => vec![
            managed,
            (EXPIRES_AT, at(now + HOUR * 24)),
            (LAST_ACTIVE, at(now - HOUR)),
        ],
        "unmanaged-expired" => vec![expired],
        "other-stack-expired" => vec![(MANAGED_BY, "another-stack".into()), expired],
        "retained-expired" => vec![managed, (RETAIN, "true".into()), expired],
        "malformed-expiry" => vec![managed, (EXPIRES_AT, "soon".into())],
        _ => vec![managed, (RETAIN, "false".into()), expired],
    };
    list.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
}

fn arn(region: &RegionState, id: &str) -> String {
    format!("arn:aws:ivschat:{}:123456789012:room/{id}", region.name())
}

/// Seeds the mix, interleaved so that stale rooms are spread over every page; returns the
/// ARNs of the stale rooms and of those that must stay.
fn seed(region: &RegionState, now: OffsetDateTime) -> (BTreeSet<String>, BTreeSet<String>) {
    let (mut stale, mut keep) = (BTreeSet::new(), BTreeSet::new());
    let mut left: Vec<usize> = MIX.iter().map(|(_, count, _)| *count).collect();
    while left.iter().any(|n| *n > 0) {
        for (index, (kind, _, is_stale)) in MIX.iter().enumerate() {
            if left[index] == 0 {
                continue;
            }
            left[index] -= 1;
            let room = region
                .create_room(NewRoom {
                    name: Some(format!("{kind}-{}", left[index])),
                    tags: tags(kind, now),
                    ..NewRoom::default()
                })
                .expect("seeded");
            let set = if *is_stale { &mut stale } else { &mut keep };
            set.insert(arn(region, &room.id));
        }
    }
    (stale, keep)
}

fn remaining(region: &RegionState) -> BTreeSet<String> {
    let mut arns = BTreeSet::new();
    let mut before = None;
    loop {
        let page = region
            .list_rooms(&Default::default(), before, 1000)
            .expect("lists");
        arns.extend(page.items.iter().map(|room| arn(region, &room.id)));
        match page.next {
            Some(next) => before = Some(next),
            None => return arns,
        }
    }
}

/// The SDK API, recording when the first deletion started and the last one ended.
struct Timed {
    inner: SdkChatApi,
    window: Mutex<Option<(Instant, Instant)>>,
}

impl ChatApi for Timed {
    async fn list_rooms(&self, request: ListRooms) -> Result<Page<RoomSummary>, ApiError> {
        self.inner.list_rooms(request).await
    }

    async fn room_tags(&self, room_arn: &str) -> Result<Tags, ApiError> {
        self.inner.room_tags(room_arn).await
    }

    async fn delete_room(&self, room_arn: &str) -> Result<(), ApiError> {
        let started = Instant::now();
        let result = self.inner.delete_room(room_arn).await;
        let ended = Instant::now();
        let mut window = self.window.lock().expect("lock");
        *window = Some(match *window {
            None => (started, ended),
            Some((first, last)) => (first.min(started), last.max(ended)),
        });
        result
    }

    async fn list_logging_configurations(
        &self,
        next_token: Option<String>,
    ) -> Result<Page<LoggingConfigurationSummary>, ApiError> {
        self.inner.list_logging_configurations(next_token).await
    }

    async fn delete_logging_configuration(&self, arn: &str) -> Result<(), ApiError> {
        self.inner.delete_logging_configuration(arn).await
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let mut serve = ServeConfig::for_tests();
    serve.quotas = QuotaSwitch::On;
    serve.quota_scale = QUOTA_SCALE;
    let server = Server::bind(serve).await.expect("bind").spawn();
    let region = server.state().region(REGION);
    let now = OffsetDateTime::now_utc() + SHIFT;
    let (stale, keep) = seed(&region, now);
    let total = stale.len() + keep.len();

    let quota = AWS_ROOM_TPS * QUOTA_SCALE;
    let mut config = JanitorConfig::with_defaults(STACK);
    config.policy.idle_ttl = Some(HOUR * 24 * 7);
    config.delete_tps = quota;
    config.list_tps = quota;
    let api = Timed {
        inner: SdkChatApi::new(&ivs_client::for_endpoint(&EndpointSettings::local(
            server.endpoint_url(),
        ))),
        window: Mutex::new(None),
    };
    let run = Run {
        dry_run: false,
        now,
        deadline: Instant::now() + Duration::from_secs(900),
    };

    println!(
        "room janitor sweep: {total} rooms ({} stale), quotas ×{QUOTA_SCALE} (DeleteRoom {quota}/s), \
         janitor at {quota}/s, {} at once",
        stale.len(),
        config.max_concurrency
    );
    let started = Instant::now();
    let result = sweep(&api, &config, run).await;
    let elapsed = started.elapsed();
    let (summary, run_error) = match &result {
        Ok(summary) => (summary, None),
        Err(error) => (error.summary(), Some(error.to_string())),
    };

    let left = remaining(&region);
    let wrong = keep.difference(&left).count();
    let missed = stale.intersection(&left).count();
    let deleted = summary.rooms.deleted;
    let window = api
        .window
        .lock()
        .expect("lock")
        .map(|(first, last)| last - first)
        .unwrap_or_default();
    let deletion_rate = deleted as f64 / window.as_secs_f64().max(f64::EPSILON);
    let overall_rate = deleted as f64 / elapsed.as_secs_f64();
    let errors = summary.rooms.failed as usize + usize::from(run_error.is_some());

    println!("  rooms scanned        {}", summary.rooms.scanned);
    println!("  candidates           {}", summary.rooms.candidates);
    println!("  rooms deleted        {deleted}");
    println!(
        "  elapsed              {:.1} s (ListRooms pages: {})",
        elapsed.as_secs_f64(),
        summary.list_pages
    );
    println!(
        "  deletion rate        {deletion_rate:.1}/s over the deletion window ({:.1} s) = {:.1} % of the scaled quota",
        window.as_secs_f64(),
        100.0 * deletion_rate / quota
    );
    println!(
        "  overall rate         {overall_rate:.1}/s over the whole run = {:.1} % of the scaled quota",
        100.0 * overall_rate / quota
    );
    println!(
        "  throttled / retries  {} / {}",
        summary.throttled, summary.retries
    );
    println!("  wrong deletions      {wrong}");
    println!("  stale rooms missed   {missed}");
    println!(
        "  errors               {errors}{}",
        run_error.map(|e| format!(" ({e})")).unwrap_or_default()
    );

    let pass = deletion_rate >= 0.9 * quota && wrong == 0 && missed == 0 && errors == 0;
    println!(
        "  result               {}",
        if pass { "PASS" } else { "FAIL" }
    );
    if pass {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
