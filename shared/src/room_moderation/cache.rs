//! The review function's view of rooms' settings: read from the table at most once per
//! `max_age` per room (so a change takes effect within that time on every instance), and
//! compiled when the version changes, on a worker thread, so compiling never spends the
//! review's 200 ms: until the new rules are ready (a few milliseconds in release builds) the
//! room keeps its last known rules. When the table cannot be read the room keeps its last
//! known rules too: chat is never blocked by the store, and an error is logged for the alarm
//! (once per failed read). The settings are remembered by [`ReadThrough`], as the ban check's
//! answers are.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use ivschat_moderation::{FailMode, Moderator, PolicyError, RoomRef};
use tokio::task::JoinHandle;

use super::rules::RoomRules;
use super::store::{RoomModerationStore, StoredSettings};
use crate::ids::RoomId;
use crate::read_through::{Answer, ReadThrough, ReadThroughSettings};

/// The log message of a failed read, which the template's metric filter counts.
pub const UNREADABLE_LOG: &str = "room moderation settings unreadable";

/// Rooms remembered at most; beyond it the oldest answers are dropped.
const MAX_ROOMS: usize = 10_000;

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

/// A room's compiled rules and the compile of a newer version, if one is under way.
#[derive(Debug, Default)]
struct Compiled {
    /// `None`: the room has no settings (the stack's policy alone).
    rules: Option<Arc<RoomRules>>,
    compiling: Option<(u64, Compiling)>,
    /// A version that did not compile: not tried again (a newer save replaces it).
    rejected: Option<u64>,
    used_at: Option<Instant>,
}

/// Rooms' compiled rules. Build once per cold start.
#[derive(Debug)]
pub struct RoomRulesCache {
    store: RoomModerationStore,
    fail_mode: FailMode,
    settings: CacheSettings,
    /// The rooms' stored settings, as [`ReadThrough`] remembers them.
    stored: ReadThrough<RoomId, Option<Arc<StoredSettings>>>,
    compiled: Mutex<HashMap<RoomId, Compiled>>,
}

impl RoomRulesCache {
    pub fn new(store: RoomModerationStore, fail_mode: FailMode, settings: CacheSettings) -> Self {
        let memory = ReadThroughSettings {
            max_age: settings.max_age,
            read_timeout: settings.read_timeout,
        };
        RoomRulesCache {
            store,
            fail_mode,
            settings,
            stored: ReadThrough::new(memory, MAX_ROOMS),
            compiled: Mutex::new(HashMap::new()),
        }
    }

    pub fn store(&self) -> &RoomModerationStore {
        &self.store
    }

    fn compiled(&self) -> MutexGuard<'_, HashMap<RoomId, Compiled>> {
        self.compiled.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The room's rules on top of `stack` (`None`: the stack's policy alone), read again
    /// when older than `max_age`.
    pub async fn rules(
        &self,
        stack: &Moderator,
        room: &RoomId,
        room_arn: &str,
    ) -> Option<Arc<RoomRules>> {
        let read = || async {
            let stored = self.store.settings(room).await?;
            Ok::<_, super::StoreError>(stored.map(Arc::new))
        };
        let answer = self.stored.get(room, read).await;
        let (mut rules, mut compiling, mut rejected) = {
            let mut compiled = self.compiled();
            let entry = compiled.entry(room.clone()).or_default();
            (entry.rules.clone(), entry.compiling.take(), entry.rejected)
        };
        // `None`: nothing known of the room's settings (the last known rules stay).
        let latest = match answer {
            Answer::Fresh(stored) => Some(stored),
            Answer::Unavailable {
                last_known,
                failure,
                just_now,
            } => {
                if just_now {
                    tracing::error!(
                        room_id = room.as_str(),
                        known_version = rules.as_ref().map(|r| r.version),
                        detail = %failure,
                        "{UNREADABLE_LOG}; last known rules kept"
                    );
                }
                last_known
            }
        };
        match latest {
            None => {}
            Some(None) => {
                rules = None;
                compiling = None;
            }
            Some(Some(stored)) => {
                let current = rules.as_ref().map(|r| r.version);
                let under_way = compiling.as_ref().map(|(v, _)| *v);
                let pending = [current, under_way, rejected];
                if !pending.contains(&Some(stored.version)) {
                    let base = stack.policy_for(RoomRef::from_arn(room_arn)).clone();
                    let fail_mode = self.fail_mode;
                    let version = stored.version;
                    let settings = stored.settings.clone();
                    compiling = Some((
                        version,
                        tokio::task::spawn_blocking(move || {
                            RoomRules::compile_on(&base, fail_mode, settings, version)
                        }),
                    ));
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
                Ok(Ok(Err(error))) => {
                    rejected = Some(version);
                    tracing::error!(
                        room_id = room.as_str(),
                        version,
                        %error,
                        "room moderation settings do not compile; last known rules kept"
                    );
                }
                Ok(Err(error)) => {
                    rejected = Some(version);
                    tracing::error!(
                        room_id = room.as_str(),
                        version,
                        %error,
                        "room moderation compile failed; last known rules kept"
                    );
                }
            }
        }
        let mut compiled = self.compiled();
        if compiled.len() > MAX_ROOMS {
            let max_age = self.settings.max_age;
            compiled.retain(|_, c| {
                c.compiling.is_some() || c.used_at.is_some_and(|at| at.elapsed() < max_age)
            });
        }
        let entry = compiled.entry(room.clone()).or_default();
        entry.rules = rules.clone();
        entry.compiling = compiling;
        entry.rejected = rejected;
        entry.used_at = Some(Instant::now());
        rules
    }
}
