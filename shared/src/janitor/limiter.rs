//! A client-side rate limiter: hands out start times spaced evenly at a fixed rate, so that
//! calls never exceed an operation's quota however many tasks share it.
//!
//! No burst: the service's token bucket holds a second's worth of calls, so evenly spaced calls
//! at the quota always find a token, while a client-side burst could drain what other callers
//! of the same account need.

use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

/// Paces calls to at most `rate` per second.
#[derive(Debug)]
pub struct RateLimiter {
    interval: Duration,
    next_slot: Mutex<Option<Instant>>,
}

impl RateLimiter {
    /// A limiter for `rate` calls per second (a positive, finite number).
    pub fn per_second(rate: f64) -> Self {
        let rate = if rate.is_finite() && rate > 0.0 {
            rate
        } else {
            1.0
        };
        RateLimiter {
            interval: Duration::from_secs_f64(1.0 / rate),
            next_slot: Mutex::new(None),
        }
    }

    /// Reserves the next free slot, if it starts no later than `latest`, and returns it.
    /// A slot after `latest` is not reserved, so the caller can give up without wasting it.
    pub fn reserve(&self, now: Instant, latest: Instant) -> Option<Instant> {
        let mut next_slot = self
            .next_slot
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let slot = next_slot.map_or(now, |next| next.max(now));
        if slot > latest {
            return None;
        }
        *next_slot = Some(slot + self.interval);
        Some(slot)
    }

    /// Waits for the next slot; `false` (at once, without waiting) if it would start after
    /// `latest`.
    pub async fn acquire(&self, latest: Instant) -> bool {
        match self.reserve(Instant::now(), latest) {
            Some(slot) => {
                tokio::time::sleep_until(slot).await;
                true
            }
            None => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_are_spaced_by_the_interval_from_the_first_call() {
        let limiter = RateLimiter::per_second(5.0);
        let start = Instant::now();
        let far = start + Duration::from_secs(60);
        let slots: Vec<_> = (0..4).map(|_| limiter.reserve(start, far)).collect();
        let expected: Vec<_> = (0..4u32)
            .map(|i| Some(start + Duration::from_millis(200) * i))
            .collect();
        assert_eq!(slots, expected);
    }

    #[test]
    fn an_idle_limiter_does_not_save_up_a_burst() {
        let limiter = RateLimiter::per_second(10.0);
        let start = Instant::now();
        let far = start + Duration::from_secs(60);
        assert_eq!(limiter.reserve(start, far), Some(start));
        let later = start + Duration::from_secs(5);
        assert_eq!(limiter.reserve(later, far), Some(later));
        assert_eq!(
            limiter.reserve(later, far),
            Some(later + Duration::from_millis(100))
        );
    }

    #[test]
    fn a_slot_past_the_limit_is_refused_and_not_reserved() {
        let limiter = RateLimiter::per_second(1.0);
        let start = Instant::now();
        let latest = start + Duration::from_millis(1500);
        assert_eq!(limiter.reserve(start, latest), Some(start));
        assert_eq!(
            limiter.reserve(start, latest),
            Some(start + Duration::from_secs(1))
        );
        assert_eq!(limiter.reserve(start, latest), None);
        assert_eq!(
            limiter.reserve(start, start + Duration::from_secs(10)),
            Some(start + Duration::from_secs(2))
        );
    }
}
