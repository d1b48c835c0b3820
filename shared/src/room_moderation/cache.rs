//! The review function's view of rooms' settings: read from the table at most once per
//! `max_age` per room (so a change takes effect within that time on every instance), and
//! compiled when the version changes, on a worker thread, so compiling never spends the
//! review's 200 ms: until the new rules are ready (a few milliseconds in release builds) the
//! room keeps its last known rules. When the table cannot be read the room keeps its last
//! known rules too: chat is never blocked by the store, and an error is logged for the alarm.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use ivschat_moderation::{FailMode, Moderator, PolicyError, RoomRef};
use tokio::task::JoinHandle;

use super::rules::RoomRules;
use super::store::RoomModerationStore;
use crate::ids::RoomId;

/// The log message of a failed read, which the template's metric filter counts.
pub const UNREADABLE_LOG: &str = "room moderation settings unreadable";

/// Rooms remembered at most; beyond it the oldest answers are dropped.
const MAX_ROOMS: usize = 10_000;
/// How soon a room whose rules were never read is asked again after a failed read: its rules
/// are unknown meanwhile, so sooner than `max_age`, yet not on every message.
const RETRY_UNKNOWN: Duration = Duration::from_millis(250);

/// The cache's settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CacheSettings {
    /// How long a room's answer is used before the table is read again.
    pub max_age: Duration,
    /// How long one read may take before the last known rules are used.
    pub read_timeout: Duration,
    /// How long a message waits for a compile that is under way before the last known rules
    /// review it.
    pub compile_wait: Duration,
}

impl Default for CacheSettings {
    fn default() -> Self {
        CacheSettings {
            max_age: Duration::from_secs(2),
            read_timeout: Duration::from_millis(100),
            compile_wait: Duration::from_millis(20),
        }
    }
}

type Compiling = JoinHandle<Result<RoomRules, PolicyError>>;

#[derive(Debug)]
struct Known {
    /// `None`: the room has no settings (the stack's policy alone).
    rules: Option<Arc<RoomRules>>,
    read_at: Instant,
    /// How long this answer is used.
    fresh_for: Duration,
    /// A newer version being compiled.
    compiling: Option<(u64, Compiling)>,
}

/// Rooms' compiled rules. Build once per cold start.
#[derive(Debug)]
pub struct RoomRulesCache {
    store: RoomModerationStore,
    fail_mode: FailMode,
    settings: CacheSettings,
    known: Mutex<HashMap<RoomId, Known>>,
}

impl RoomRulesCache {
    pub fn new(store: RoomModerationStore, fail_mode: FailMode, settings: CacheSettings) -> Self {
        RoomRulesCache {
            store,
            fail_mode,
            settings,
            known: Mutex::new(HashMap::new()),
        }
    }

    pub fn store(&self) -> &RoomModerationStore {
        &self.store
    }

    fn known(&self) -> MutexGuard<'_, HashMap<RoomId, Known>> {
        self.known.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The room's rules on top of `stack` (`None`: the stack's policy alone), read again
    /// when older than `max_age`.
    pub async fn rules(
        &self,
        stack: &Moderator,
        room: &RoomId,
        room_arn: &str,
    ) -> Option<Arc<RoomRules>> {
        let (last, compiling, fresh) = {
            let mut known = self.known();
            match known.get_mut(room) {
                Some(entry) => (
                    entry.rules.clone(),
                    entry.compiling.take(),
                    entry.read_at.elapsed() < entry.fresh_for,
                ),
                None => (None, None, false),
            }
        };
        let mut rules = last;
        let mut compiling = compiling;
        let mut read_at = None;
        let mut fresh_for = self.settings.max_age;
        if !fresh {
            read_at = Some(Instant::now());
            let read =
                tokio::time::timeout(self.settings.read_timeout, self.store.settings(room)).await;
            match read {
                Ok(Ok(None)) => {
                    rules = None;
                    compiling = None;
                }
                Ok(Ok(Some(stored))) => {
                    let current = rules.as_ref().map(|r| r.version);
                    let under_way = compiling.as_ref().map(|(v, _)| *v);
                    if current != Some(stored.version) && under_way != Some(stored.version) {
                        let base = stack.policy_for(RoomRef::from_arn(room_arn)).clone();
                        let fail_mode = self.fail_mode;
                        let version = stored.version;
                        let settings = stored.settings;
                        compiling = Some((
                            version,
                            tokio::task::spawn_blocking(move || {
                                RoomRules::compile_on(&base, fail_mode, settings, version)
                            }),
                        ));
                    }
                }
                Ok(Err(error)) => {
                    if rules.is_none() {
                        fresh_for = fresh_for.min(RETRY_UNKNOWN);
                    }
                    tracing::error!(
                        room_id = room.as_str(),
                        known_version = rules.as_ref().map(|r| r.version),
                        detail = %error,
                        "{UNREADABLE_LOG}; last known rules kept"
                    );
                }
                Err(_) => {
                    if rules.is_none() {
                        fresh_for = fresh_for.min(RETRY_UNKNOWN);
                    }
                    tracing::error!(
                        room_id = room.as_str(),
                        known_version = rules.as_ref().map(|r| r.version),
                        detail = format!(
                            "no answer within {} ms",
                            self.settings.read_timeout.as_millis()
                        ),
                        "{UNREADABLE_LOG}; last known rules kept"
                    );
                }
            }
        }
        if let Some((version, mut handle)) = compiling.take() {
            match tokio::time::timeout(self.settings.compile_wait, &mut handle).await {
                Err(_) => compiling = Some((version, handle)),
                Ok(Ok(Ok(compiled))) => {
                    tracing::info!(
                        room_id = room.as_str(),
                        version,
                        compile_ms = compiled.compile_time.as_secs_f64() * 1000.0,
                        "room moderation rules compiled"
                    );
                    rules = Some(Arc::new(compiled));
                }
                Ok(Ok(Err(error))) => tracing::error!(
                    room_id = room.as_str(),
                    version,
                    %error,
                    "room moderation settings do not compile; last known rules kept"
                ),
                Ok(Err(error)) => tracing::error!(
                    room_id = room.as_str(),
                    version,
                    %error,
                    "room moderation compile failed; last known rules kept"
                ),
            }
        }
        let mut known = self.known();
        if known.len() >= MAX_ROOMS && !known.contains_key(room) {
            let max_age = self.settings.max_age;
            known.retain(|_, k| k.read_at.elapsed() < max_age || k.compiling.is_some());
        }
        let entry = known.entry(room.clone()).or_insert_with(|| Known {
            rules: None,
            read_at: Instant::now(),
            fresh_for,
            compiling: None,
        });
        entry.rules = rules.clone();
        entry.compiling = compiling;
        if let Some(read_at) = read_at {
            // Remembered even after a failure, so a store that is down is asked once per
            // `max_age` per room, not on every message.
            entry.read_at = read_at;
            entry.fresh_for = fresh_for;
        }
        rules
    }
}
