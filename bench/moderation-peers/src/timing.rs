//! Runs one filter over the corpus on this thread: one pass that records what it flags (and
//! warms it up), then timed passes until the pass count or the time budget runs out.

use std::hint::black_box;
use std::time::{Duration, Instant};

/// How long to time each filter.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Timing {
    /// Timed passes over the whole corpus, at most.
    pub passes: u32,
    /// Stop timing once this much time is spent, even within a pass (slow filters).
    pub budget: Duration,
}

/// The timing budget is checked once every this many messages.
const CHECK_EVERY: u64 = 64;

/// What one filter did on the corpus.
#[derive(Debug, Clone, PartialEq)]
pub struct Measured {
    /// `flagged[i]`: the filter flagged line `i`.
    pub flagged: Vec<bool>,
    /// Messages reviewed in the timed passes.
    pub timed_messages: u64,
    pub seconds: f64,
}

impl Measured {
    pub fn messages_per_second(&self) -> f64 {
        if self.seconds > 0.0 {
            self.timed_messages as f64 / self.seconds
        } else {
            0.0
        }
    }
}

/// Runs `flags` over `texts`: the labelling pass, then the timed passes.
pub fn measure(texts: &[String], timing: Timing, flags: impl Fn(&str) -> bool) -> Measured {
    let flagged: Vec<bool> = texts.iter().map(|t| flags(t)).collect();
    let mut timed_messages = 0u64;
    let mut hits = 0usize;
    let start = Instant::now();
    'passes: for _ in 0..timing.passes {
        for text in texts {
            hits += usize::from(flags(black_box(text.as_str())));
            timed_messages += 1;
            if timed_messages.is_multiple_of(CHECK_EVERY) && start.elapsed() >= timing.budget {
                break 'passes;
            }
        }
    }
    let seconds = start.elapsed().as_secs_f64();
    black_box(hits);
    Measured {
        flagged,
        timed_messages,
        seconds,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("line {i}")).collect()
    }

    #[test]
    fn records_what_the_filter_flags_line_by_line() {
        let timing = Timing {
            passes: 2,
            budget: Duration::from_secs(60),
        };
        let m = measure(&texts(5), timing, |t| t.ends_with('3') || t.ends_with('0'));
        assert_eq!(m.flagged, [true, false, false, true, false]);
        assert_eq!(m.timed_messages, 10);
        assert!(m.messages_per_second() > 0.0);
    }

    #[test]
    fn a_slow_filter_stops_at_the_budget_within_a_pass() {
        let timing = Timing {
            passes: 5,
            budget: Duration::from_millis(20),
        };
        let slow = |_: &str| {
            std::thread::sleep(Duration::from_micros(200));
            false
        };
        let m = measure(&texts(1000), timing, slow);
        assert_eq!(m.flagged.len(), 1000);
        assert!(m.timed_messages < 1000, "{}", m.timed_messages);
        assert_eq!(m.timed_messages % CHECK_EVERY, 0);
    }
}
