//! The review function's view of rooms' settings: read from the table at most once per
//! `max_age` per room (so a change takes effect within that time on every instance), compiled
//! only when the version changes, and kept when the table cannot be read: a room never loses
//! its rules and chat is never blocked by the store (an error is logged for the alarm).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use ivschat_moderation::{FailMode, Moderator, RoomRef};

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
}

impl Default for CacheSettings {
    fn default() -> Self {
        CacheSettings {
            max_age: Duration::from_secs(2),
            read_timeout: Duration::from_millis(100),
        }
    }
}

#[derive(Debug, Clone)]
struct Known {
    /// `None`: the room has no settings (the stack's policy alone).
    rules: Option<Arc<RoomRules>>,
    read_at: Instant,
    /// How long this answer is used.
    fresh_for: Duration,
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

    /// Opens the connection to the table at cold start (credentials, TLS), so that the first
    /// message's read fits its time bound. A failure is only logged: reads will say more.
    pub async fn warm_up(&self) {
        let Ok(room) = RoomId::new("warmup") else {
            return;
        };
        let read = tokio::time::timeout(Duration::from_secs(1), self.store.settings(&room)).await;
        if !matches!(read, Ok(Ok(_))) {
            tracing::warn!("room moderation table not reachable at cold start");
        }
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
        let remembered = self.known().get(room).cloned();
        if let Some(known) = &remembered {
            if known.read_at.elapsed() < known.fresh_for {
                return known.rules.clone();
            }
        }
        let last = remembered.and_then(|k| k.rules);
        let mut fresh_for = self.settings.max_age;
        let read =
            tokio::time::timeout(self.settings.read_timeout, self.store.settings(room)).await;
        let rules = match read {
            Ok(Ok(None)) => None,
            Ok(Ok(Some(stored))) => match last.as_ref().filter(|r| r.version == stored.version) {
                Some(same) => Some(same.clone()),
                None => {
                    let compiled = RoomRules::compile(
                        stack,
                        RoomRef::from_arn(room_arn),
                        self.fail_mode,
                        stored.settings,
                        stored.version,
                    );
                    match compiled {
                        Ok(rules) => {
                            tracing::info!(
                                room_id = room.as_str(),
                                version = rules.version,
                                compile_ms = rules.compile_time.as_secs_f64() * 1000.0,
                                "room moderation rules compiled"
                            );
                            Some(Arc::new(rules))
                        }
                        Err(error) => {
                            tracing::error!(
                                room_id = room.as_str(),
                                version = stored.version,
                                %error,
                                "room moderation settings do not compile; last known rules kept"
                            );
                            last
                        }
                    }
                }
            },
            Ok(Err(error)) => {
                if last.is_none() {
                    fresh_for = fresh_for.min(RETRY_UNKNOWN);
                }
                tracing::error!(
                    room_id = room.as_str(),
                    known_version = last.as_ref().map(|r| r.version),
                    detail = %error,
                    "{UNREADABLE_LOG}; last known rules kept"
                );
                last
            }
            Err(_) => {
                if last.is_none() {
                    fresh_for = fresh_for.min(RETRY_UNKNOWN);
                }
                tracing::error!(
                    room_id = room.as_str(),
                    known_version = last.as_ref().map(|r| r.version),
                    detail = format!(
                        "no answer within {} ms",
                        self.settings.read_timeout.as_millis()
                    ),
                    "{UNREADABLE_LOG}; last known rules kept"
                );
                last
            }
        };
        // Remembered even after a failure, so a store that is down is asked once per
        // `max_age` per room, not on every message.
        let mut known = self.known();
        if known.len() >= MAX_ROOMS {
            let max_age = self.settings.max_age;
            known.retain(|_, k| k.read_at.elapsed() < max_age);
        }
        known.insert(
            room.clone(),
            Known {
                rules: rules.clone(),
                read_at: Instant::now(),
                fresh_for,
            },
        );
        rules
    }
}
