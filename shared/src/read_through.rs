//! A per-key memory of a store's answers for the review path, where every message may ask and
//! IVS allows 200 ms in all: an answer is used for `max_age` before the store is read again
//! (so a change reaches every instance within that time), one read waits at most
//! `read_timeout`, and when the store fails or is late the last known answer is used, however
//! old, and the store is asked again only after `max_age` (after a short wait when nothing is
//! known), not on every message. The ban check and the rooms' live rules both read through it.

use std::collections::HashMap;
use std::fmt::Display;
use std::future::Future;
use std::hash::Hash;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// How soon a key whose value was never read is asked again after a failed read: nothing is
/// known meanwhile, so sooner than `max_age`, yet not on every message.
const RETRY_UNKNOWN: Duration = Duration::from_millis(250);

/// How answers are remembered and read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadThroughSettings {
    /// How long an answer is used before the store is read again.
    pub max_age: Duration,
    /// How long one read may take before the last known answer is used.
    pub read_timeout: Duration,
}

/// Why the store gave no answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadFailure {
    #[error("the store failed: {0}")]
    Failed(String),
    #[error("the store did not answer within {} ms", .0.as_millis())]
    TimedOut(Duration),
}

/// What a lookup found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer<V> {
    /// Read now, or remembered from a read less than `max_age` ago.
    Fresh(V),
    /// The last read failed: the value known before it, if any.
    Unavailable {
        last_known: Option<V>,
        failure: ReadFailure,
        /// Whether this lookup made the failed read (log it once, not for every message).
        just_now: bool,
    },
}

#[derive(Debug)]
enum State<V> {
    Read(V),
    Failed {
        last_known: Option<V>,
        failure: ReadFailure,
    },
}

#[derive(Debug)]
struct Known<V> {
    state: State<V>,
    read_at: Instant,
    fresh_for: Duration,
}

/// Remembered answers of one store, at most `capacity` keys. Build once per cold start.
#[derive(Debug)]
pub struct ReadThrough<K, V> {
    settings: ReadThroughSettings,
    capacity: usize,
    known: Mutex<HashMap<K, Known<V>>>,
}

impl<K: Eq + Hash + Clone, V: Clone> ReadThrough<K, V> {
    pub fn new(settings: ReadThroughSettings, capacity: usize) -> Self {
        ReadThrough {
            settings,
            capacity: capacity.max(1),
            known: Mutex::new(HashMap::new()),
        }
    }

    pub fn settings(&self) -> ReadThroughSettings {
        self.settings
    }

    /// The value of `key`: remembered while fresh, otherwise `read` (bounded by
    /// `read_timeout`), otherwise the last known one.
    pub async fn get<Fut, E>(&self, key: &K, read: impl FnOnce() -> Fut) -> Answer<V>
    where
        Fut: Future<Output = Result<V, E>>,
        E: Display,
    {
        let last_known = match self.known().get(key) {
            Some(known) => {
                let fresh = known.read_at.elapsed() < known.fresh_for;
                match &known.state {
                    State::Read(value) if fresh => return Answer::Fresh(value.clone()),
                    State::Failed {
                        last_known,
                        failure,
                    } if fresh => {
                        return Answer::Unavailable {
                            last_known: last_known.clone(),
                            failure: failure.clone(),
                            just_now: false,
                        }
                    }
                    State::Read(value) => Some(value.clone()),
                    State::Failed { last_known, .. } => last_known.clone(),
                }
            }
            None => None,
        };
        let read_at = Instant::now();
        let failure = match tokio::time::timeout(self.settings.read_timeout, read()).await {
            Ok(Ok(value)) => {
                self.remember(
                    key,
                    State::Read(value.clone()),
                    read_at,
                    self.settings.max_age,
                );
                return Answer::Fresh(value);
            }
            Ok(Err(error)) => ReadFailure::Failed(error.to_string()),
            Err(_) => ReadFailure::TimedOut(self.settings.read_timeout),
        };
        let fresh_for = if last_known.is_some() {
            self.settings.max_age
        } else {
            self.settings.max_age.min(RETRY_UNKNOWN)
        };
        let state = State::Failed {
            last_known: last_known.clone(),
            failure: failure.clone(),
        };
        self.remember(key, state, read_at, fresh_for);
        Answer::Unavailable {
            last_known,
            failure,
            just_now: true,
        }
    }

    /// The memory; a panic elsewhere while it was held leaves it usable.
    fn known(&self) -> MutexGuard<'_, HashMap<K, Known<V>>> {
        self.known
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn remember(&self, key: &K, state: State<V>, read_at: Instant, fresh_for: Duration) {
        let mut known = self.known();
        if known.len() >= self.capacity && !known.contains_key(key) {
            known.retain(|_, k| k.read_at.elapsed() < k.fresh_for);
            if known.len() >= self.capacity {
                known.clear();
            }
        }
        known.insert(
            key.clone(),
            Known {
                state,
                read_at,
                fresh_for,
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn memory(max_age_ms: u64) -> ReadThrough<&'static str, u32> {
        ReadThrough::new(
            ReadThroughSettings {
                max_age: Duration::from_millis(max_age_ms),
                read_timeout: Duration::from_millis(50),
            },
            2,
        )
    }

    async fn ok(value: u32) -> Result<u32, String> {
        Ok(value)
    }

    async fn fails() -> Result<u32, String> {
        Err("boom".to_owned())
    }

    #[tokio::test]
    async fn a_fresh_answer_is_used_without_reading_the_store() {
        let memory = memory(60_000);
        assert_eq!(memory.get(&"a", || ok(1)).await, Answer::Fresh(1));
        assert_eq!(memory.get(&"a", || ok(2)).await, Answer::Fresh(1));
    }

    #[tokio::test]
    async fn a_stale_answer_is_read_again() {
        let memory = memory(0);
        assert_eq!(memory.get(&"a", || ok(1)).await, Answer::Fresh(1));
        assert_eq!(memory.get(&"a", || ok(2)).await, Answer::Fresh(2));
    }

    #[tokio::test]
    async fn a_failed_read_gives_the_last_known_answer_and_is_not_repeated_while_fresh() {
        let memory = memory(60_000);
        memory.get(&"a", || ok(1)).await;
        // Stale by hand: within max_age nothing would read again.
        if let Some(known) = memory.known().get_mut(&"a") {
            known.fresh_for = Duration::ZERO;
        }
        let failed = memory.get(&"a", fails).await;
        assert_eq!(
            failed,
            Answer::Unavailable {
                last_known: Some(1),
                failure: ReadFailure::Failed("boom".to_owned()),
                just_now: true
            }
        );
        // Within max_age of the failed read the store is not asked again.
        let again = memory.get(&"a", || ok(5)).await;
        assert!(matches!(
            again,
            Answer::Unavailable {
                last_known: Some(1),
                just_now: false,
                ..
            }
        ));
    }

    #[tokio::test]
    async fn a_late_store_times_out_and_nothing_known_is_retried_soon() {
        let memory = memory(60_000);
        let late = memory
            .get(&"a", || async {
                tokio::time::sleep(Duration::from_secs(5)).await;
                Ok::<u32, String>(1)
            })
            .await;
        assert_eq!(
            late,
            Answer::Unavailable {
                last_known: None,
                failure: ReadFailure::TimedOut(Duration::from_millis(50)),
                just_now: true
            }
        );
        tokio::time::sleep(RETRY_UNKNOWN).await;
        assert_eq!(memory.get(&"a", || ok(3)).await, Answer::Fresh(3));
    }

    #[tokio::test]
    async fn past_its_capacity_the_memory_forgets_rather_than_grows() {
        let memory = memory(60_000);
        for key in ["a", "b", "c"] {
            memory.get(&key, || ok(1)).await;
        }
        assert!(memory.known().len() <= 2);
        assert_eq!(memory.get(&"c", || ok(9)).await, Answer::Fresh(1));
    }
}
