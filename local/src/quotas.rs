//! Request-rate quotas: AWS's per-operation TPS limits for IVS Chat, per region, as token
//! buckets that refill continuously, optionally scaled or switched off.

use std::collections::HashMap;
use std::time::Instant;

use parking_lot::Mutex;

use crate::control_plane::Operation;

/// The transactions-per-second quota AWS documents for an operation.
pub fn aws_tps_limit(operation: Operation) -> u32 {
    use Operation::*;
    match operation {
        CreateChatToken => 200,
        DeleteMessage | DisconnectUser | SendEvent => 100,
        CreateRoom | DeleteRoom | GetRoom | ListRooms | UpdateRoom => 5,
        CreateLoggingConfiguration
        | DeleteLoggingConfiguration
        | GetLoggingConfiguration
        | ListLoggingConfigurations
        | UpdateLoggingConfiguration => 3,
        ListTagsForResource | TagResource | UntagResource => 10,
    }
}

/// A refused request: the quota it hit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Throttled {
    /// The (scaled) TPS limit that was exceeded.
    pub limit: u32,
}

struct Bucket {
    tokens: f64,
    updated: Instant,
}

/// Per-(region, operation) token buckets with a capacity of one second's worth of requests.
pub struct RateQuotas {
    scale: Option<f64>,
    buckets: Mutex<HashMap<(String, Operation), Bucket>>,
}

impl RateQuotas {
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
    pub fn limit(&self, operation: Operation) -> Option<f64> {
        self.scale
            .map(|scale| (f64::from(aws_tps_limit(operation)) * scale).max(0.001))
    }

    /// Takes one request from the operation's bucket in `region`, or says it is throttled.
    pub fn acquire(&self, region: &str, operation: Operation) -> Result<(), Throttled> {
        self.acquire_at(region, operation, Instant::now())
    }

    fn acquire_at(
        &self,
        region: &str,
        operation: Operation,
        now: Instant,
    ) -> Result<(), Throttled> {
        let Some(rate) = self.limit(operation) else {
            return Ok(());
        };
        let capacity = rate.max(1.0);
        let mut buckets = self.buckets.lock();
        let bucket = buckets
            .entry((region.to_owned(), operation))
            .or_insert(Bucket {
                tokens: capacity,
                updated: now,
            });
        let elapsed = now.saturating_duration_since(bucket.updated).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * rate).min(capacity);
        bucket.updated = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
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

    #[test]
    fn burst_of_one_second_then_throttled_then_refilled() {
        let quotas = RateQuotas::scaled(1.0);
        let start = Instant::now();
        for _ in 0..5 {
            assert_eq!(
                quotas.acquire_at("us-west-2", Operation::CreateRoom, start),
                Ok(())
            );
        }
        assert_eq!(
            quotas.acquire_at("us-west-2", Operation::CreateRoom, start),
            Err(Throttled { limit: 5 })
        );
        // Other regions and operations have buckets of their own.
        assert_eq!(
            quotas.acquire_at("eu-west-1", Operation::CreateRoom, start),
            Ok(())
        );
        assert_eq!(
            quotas.acquire_at("us-west-2", Operation::GetRoom, start),
            Ok(())
        );
        // 200 ms refill one request at 5 TPS.
        let later = start + Duration::from_millis(200);
        assert_eq!(
            quotas.acquire_at("us-west-2", Operation::CreateRoom, later),
            Ok(())
        );
        assert!(quotas
            .acquire_at("us-west-2", Operation::CreateRoom, later)
            .is_err());
    }

    #[test]
    fn scale_multiplies_limits_and_off_never_throttles() {
        let quotas = RateQuotas::scaled(10.0);
        let now = Instant::now();
        for _ in 0..50 {
            assert!(quotas.acquire_at("r", Operation::DeleteRoom, now).is_ok());
        }
        assert_eq!(
            quotas.acquire_at("r", Operation::DeleteRoom, now),
            Err(Throttled { limit: 50 })
        );
        let off = RateQuotas::off();
        for _ in 0..10_000 {
            assert!(off.acquire_at("r", Operation::DeleteRoom, now).is_ok());
        }
    }
}
