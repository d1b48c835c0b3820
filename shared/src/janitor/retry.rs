//! How often and after how long a throttled, failed or unanswered call is tried again:
//! exponential backoff with jitter, capped.

use std::time::Duration;

/// Retry settings for every call the sweep makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts per call, the first included.
    pub max_attempts: u32,
    /// The backoff before the first retry (before jitter).
    pub base_delay: Duration,
    /// The longest backoff.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 6,
            base_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(5),
        }
    }
}

impl RetryPolicy {
    /// The wait before retry number `retry` (1 for the first), given `jitter` in `[0, 1]`:
    /// between half and all of `base_delay * 2^(retry - 1)`, capped at `max_delay`. The
    /// jitter spreads out calls that failed together.
    pub fn backoff(&self, retry: u32, jitter: f64) -> Duration {
        let exponent = retry.saturating_sub(1).min(20);
        let ceiling = self
            .base_delay
            .saturating_mul(1u32 << exponent)
            .min(self.max_delay);
        let jitter = jitter.clamp(0.0, 1.0);
        ceiling / 2 + ceiling.mul_f64(jitter / 2.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_within_its_jitter_band_up_to_the_cap() {
        let policy = RetryPolicy {
            max_attempts: 10,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(1),
        };
        assert_eq!(policy.backoff(1, 0.0), Duration::from_millis(50));
        assert_eq!(policy.backoff(1, 1.0), Duration::from_millis(100));
        assert_eq!(policy.backoff(2, 1.0), Duration::from_millis(200));
        assert_eq!(policy.backoff(3, 0.5), Duration::from_millis(300));
        assert_eq!(policy.backoff(5, 1.0), Duration::from_secs(1));
        assert_eq!(policy.backoff(60, 1.0), Duration::from_secs(1));
    }
}
