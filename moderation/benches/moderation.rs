//! Moderation engine throughput and latency.
//!
//! `cargo bench -p ivschat-moderation --bench moderation` prints, before criterion's own figures:
//! messages per second on a generated chat-like corpus (51-character lines on average, a tenth
//! with profanity in some evasion form), and p50/p99/max per message for 500-character
//! messages under a policy with a 10,000-term custom list.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{criterion_group, Criterion, Throughput};
use ivschat_moderation::policy::{MatchMode, TermAction, TermList};
use ivschat_moderation::{Moderator, Policy, PolicySet, RoomRef};

mod corpus;
use corpus::{corpus, long_messages, world_line, world_messages, Lcg};

const ROOM: RoomRef<'static> = RoomRef {
    id: "bench",
    name: None,
};

fn big_list_moderator() -> Moderator {
    let mut rng = Lcg(99);
    let letters = b"abcdefghijklmnopqrstuvwxyz";
    let terms: Vec<String> = (0..10_000)
        .map(|_| {
            let len = 5 + rng.next() % 6;
            (0..len).map(|_| letters[rng.next() % 26] as char).collect()
        })
        .collect();
    let mut policy: Policy = PolicySet::builtin().default;
    policy.blocklists.lists.push(TermList {
        name: "custom-10k".into(),
        action: TermAction::Mask,
        mode: MatchMode::Word,
        terms,
        terms_file: None,
    });
    Moderator::new(&PolicySet {
        default: policy,
        rooms: Vec::new(),
    })
    .expect("compiles")
}

/// The time at quantile `q` (0 to 1) of `sorted`, a sorted sample.
fn quantile(sorted: &[Duration], q: f64) -> Duration {
    let at = ((sorted.len() as f64 * q) as usize).min(sorted.len().saturating_sub(1));
    sorted.get(at).copied().unwrap_or_default()
}

/// Every language on: compile time, the first review (which builds the lazy tables),
/// throughput on chat in every script, and p99 for 500-character messages of it.
fn world_report() {
    let t = Instant::now();
    let m = Moderator::builtin().expect("compiles");
    let compiled = t.elapsed();
    let t = Instant::now();
    black_box(m.review(ROOM, "t'es un con 你他媽的 バカ"));
    println!(
        "moderation: built-in policy, every language: compiled in {compiled:?}, first review {:?}",
        t.elapsed()
    );
    let mut rng = Lcg(11);
    let lines: Vec<String> = (0..20_000).map(|_| world_line(&mut rng)).collect();
    let avg = lines.iter().map(|l| l.chars().count()).sum::<usize>() / lines.len();
    let mut best = Duration::MAX;
    for _ in 0..5 {
        let t = Instant::now();
        for l in &lines {
            black_box(m.review(ROOM, black_box(l)));
        }
        best = best.min(t.elapsed());
    }
    let rate = lines.len() as f64 / best.as_secs_f64();
    println!(
        "moderation: built-in policy, {} lines of chat in 13 languages, {avg} chars on average: {rate:.0} msgs/s ({:.2} µs a message), one thread",
        lines.len(),
        1e6 / rate
    );
    let msgs = world_messages(&mut rng, 2_000, 500);
    let mut times = Vec::with_capacity(20_000);
    // Each message's times, to tell what the message costs from what the host does: a burst
    // of other work on the machine slows a few hundred microseconds of reviews, whichever
    // messages they are.
    let mut per_message = vec![Vec::with_capacity(9); msgs.len()];
    for round in 0..10 {
        for (msg, own) in msgs.iter().zip(&mut per_message) {
            let t = Instant::now();
            black_box(m.review(ROOM, black_box(msg)));
            let elapsed = t.elapsed();
            if round > 0 {
                times.push(elapsed);
                own.push(elapsed);
            }
        }
    }
    times.sort_unstable();
    let at = |q: f64| quantile(&times, q);
    println!(
        "moderation: 500-char messages in 13 languages, built-in policy: p50 {:?}, p99 {:?}, max {:?} ({} samples)",
        at(0.50),
        at(0.99),
        quantile(&times, 1.0),
        times.len()
    );
    let mut medians: Vec<Duration> = per_message
        .iter_mut()
        .map(|own| {
            own.sort_unstable();
            quantile(own, 0.5)
        })
        .collect();
    medians.sort_unstable();
    let at = |q: f64| quantile(&medians, q);
    println!(
        "moderation: the same, each message's median of its 9 times: p50 {:?}, p99 {:?}, max {:?} ({} messages)",
        at(0.50),
        at(0.99),
        quantile(&medians, 1.0),
        medians.len()
    );
}

fn report() {
    world_report();
    let m = Moderator::builtin().expect("compiles");
    let lines = corpus(20_000);
    let avg = lines.iter().map(|l| l.chars().count()).sum::<usize>() / lines.len();
    for l in &lines {
        black_box(m.review(ROOM, l));
    }
    let mut best = Duration::MAX;
    for _ in 0..5 {
        let t = Instant::now();
        for l in &lines {
            black_box(m.review(ROOM, black_box(l)));
        }
        best = best.min(t.elapsed());
    }
    let rate = lines.len() as f64 / best.as_secs_f64();
    println!(
        "moderation: built-in policy, {} chat lines of {avg} chars on average: {:.0} msgs/s ({:.2} µs a message), one thread",
        lines.len(),
        rate,
        1e6 / rate
    );

    let t = Instant::now();
    let big = big_list_moderator();
    println!(
        "moderation: compiling the policy with a 10,000-term list took {:?}",
        t.elapsed()
    );
    let msgs = long_messages(2_000);
    let mut times = Vec::with_capacity(20_000);
    for round in 0..10 {
        for msg in &msgs {
            let t = Instant::now();
            black_box(big.review(ROOM, black_box(msg)));
            if round > 0 {
                times.push(t.elapsed());
            }
        }
    }
    times.sort_unstable();
    let at = |q: f64| quantile(&times, q);
    let mean = times.iter().sum::<Duration>() / times.len() as u32;
    println!(
        "moderation: 500-char messages, 10,000-term custom list + built-in: p50 {:?}, p90 {:?}, p99 {:?}, max {:?}, mean {:?} ({} samples)",
        at(0.50),
        at(0.90),
        at(0.99),
        quantile(&times, 1.0),
        mean,
        times.len()
    );
}

fn benches(c: &mut Criterion) {
    let m = Moderator::builtin().expect("compiles");
    let lines = corpus(1_000);
    let mut g = c.benchmark_group("moderation");
    g.throughput(Throughput::Elements(lines.len() as u64));
    g.bench_function("chat_lines_builtin_policy", |b| {
        b.iter(|| {
            for l in &lines {
                black_box(m.review(ROOM, black_box(l)));
            }
        })
    });
    let big = big_list_moderator();
    let msgs = long_messages(100);
    g.throughput(Throughput::Elements(msgs.len() as u64));
    g.bench_function("500_char_messages_10k_term_list", |b| {
        b.iter(|| {
            for msg in &msgs {
                black_box(big.review(ROOM, black_box(msg)));
            }
        })
    });
    g.finish();
}

criterion_group!(group, benches);

fn main() {
    report();
    group();
    Criterion::default().configure_from_args().final_summary();
}
