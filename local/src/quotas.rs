//! Request-rate quotas: per-operation TPS limits, per region, as token buckets that refill
//! continuously, optionally scaled or switched off. What is limited (the control plane's
//! operations) says its own limit through [`Quota`].

use std::collections::HashMap;
use std::hash::Hash;
use std::time::Instant;

use parking_lot::Mutex;

/// Something with a request-rate quota of its own, e.g. an API operation.
pub trait Quota: Copy + Eq + Hash {
    /// The transactions-per-second limit, before scaling.
    fn tps_limit(self) -> u32;
}

/// A refused request: the quota it hit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Throttled {
    /// The (scaled) TPS limit that was exceeded.
    pub limit: u32,
}

/// A token bucket holding one second's worth of requests (at least one), refilled
/// continuously at `rate` per second. Used for the API quotas and the rooms' message rates.
#[derive(Debug, Clone, Copy)]
pub struct TokenBucket {
    tokens: f64,
    updated: Instant,
}

impl TokenBucket {
    /// A full bucket for `rate` per second.
    pub fn full(rate: f64, now: Instant) -> Self {
        TokenBucket {
            tokens: rate.max(1.0),
            updated: now,
        }
    }

    /// Takes one token if there is one. A lower `rate` than before caps the bucket at once.
    pub fn try_take(&mut self, rate: f64, now: Instant) -> bool {
        let capacity = rate.max(1.0);
        let elapsed = now.saturating_duration_since(self.updated).as_secs_f64();
        self.tokens = (self.tokens + elapsed * rate).min(capacity);
        self.updated = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

/// Per-(region, operation) token buckets with a capacity of one second's worth of requests.
pub struct RateQuotas<K> {
    scale: Option<f64>,
    buckets: Mutex<HashMap<(String, K), TokenBucket>>,
}

impl<K: Quota> RateQuotas<K> {
    /// Quotas at AWS's limits times `scale`.
    pub fn scaled(scale: f64) -> Self {
        RateQuotas {
            scale: Some(scale),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// No throttling at all.
    pub fn off() -> Self {
        RateQuotas {
            scale: None,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// The limit in force for an operation, if quotas are on.
    pub fn limit(&self, operation: K) -> Option<f64> {
        self.scale
            .map(|scale| (f64::from(operation.tps_limit()) * scale).max(0.001))
    }

    /// Takes one request from the operation's bucket in `region`, or says it is throttled.
    pub fn acquire(&self, region: &str, operation: K) -> Result<(), Throttled> {
        self.acquire_at(region, operation, Instant::now())
    }

    fn acquire_at(&self, region: &str, operation: K, now: Instant) -> Result<(), Throttled> {
        let Some(rate) = self.limit(operation) else {
            return Ok(());
        };
        let mut buckets = self.buckets.lock();
        let bucket = buckets
            .entry((region.to_owned(), operation))
            .or_insert_with(|| TokenBucket::full(rate, now));
        if bucket.try_take(rate, now) {
            Ok(())
        } else {
            Err(Throttled {
                limit: rate.round().max(1.0) as u32,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    /// Operations at 5 TPS, as IVS Chat's room operations are.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
    enum Operation {
        Create,
        Get,
        Delete,
    }

    impl Quota for Operation {
        fn tps_limit(self) -> u32 {
            5
        }
    }

    #[test]
    fn burst_of_one_second_then_throttled_then_refilled() {
        let quotas = RateQuotas::scaled(1.0);
        let start = Instant::now();
        for _ in 0..5 {
            assert_eq!(
                quotas.acquire_at("us-west-2", Operation::Create, start),
                Ok(())
            );
        }
        assert_eq!(
            quotas.acquire_at("us-west-2", Operation::Create, start),
            Err(Throttled { limit: 5 })
        );
        // Other regions and operations have buckets of their own.
        assert_eq!(
            quotas.acquire_at("eu-west-1", Operation::Create, start),
            Ok(())
        );
        assert_eq!(
            quotas.acquire_at("us-west-2", Operation::Get, start),
            Ok(())
        );
        // 200 ms refill one request at 5 TPS.
        let later = start + Duration::from_millis(200);
        assert_eq!(
            quotas.acquire_at("us-west-2", Operation::Create, later),
            Ok(())
        );
        assert!(quotas
            .acquire_at("us-west-2", Operation::Create, later)
            .is_err());
    }

    #[test]
    fn scale_multiplies_limits_and_off_never_throttles() {
        let quotas = RateQuotas::scaled(10.0);
        let now = Instant::now();
        for _ in 0..50 {
            assert!(quotas.acquire_at("r", Operation::Delete, now).is_ok());
        }
        assert_eq!(
            quotas.acquire_at("r", Operation::Delete, now),
            Err(Throttled { limit: 50 })
        );
        let off = RateQuotas::<Operation>::off();
        for _ in 0..10_000 {
            assert!(off.acquire_at("r", Operation::Delete, now).is_ok());
        }
    }
}
