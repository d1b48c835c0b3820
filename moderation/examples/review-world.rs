//! Reviews, once each, the 2,000 500-character messages in 13 languages whose latency the
//! benchmark reports, and prints how many were allowed, rewritten and denied: a short,
//! repeatable run to count the instructions a review takes
//! (`valgrind --tool=callgrind --toggle-collect='*review_all*' target/release/examples/review-world`).

use std::hint::black_box;

use ivschat_moderation::{Moderator, RoomRef};

// The benchmark's own generator, so that both review the same text.
#[path = "../benches/corpus/mod.rs"]
#[allow(dead_code)]
mod corpus;

const ROOM: RoomRef<'static> = RoomRef {
    id: "bench",
    name: None,
};

/// Reviews every message once; kept out of line so a profiler can count it alone.
#[inline(never)]
fn review_all(moderator: &Moderator, messages: &[String]) -> [usize; 3] {
    let mut tally = [0; 3];
    for message in messages {
        let decision = moderator.review(ROOM, black_box(message));
        let slot = match (decision.is_allow(), decision.content == message.as_str()) {
            (true, true) => 0,
            (true, false) => 1,
            (false, _) => 2,
        };
        tally[slot] += 1;
    }
    tally
}

fn main() -> Result<(), ivschat_moderation::PolicyError> {
    let moderator = Moderator::builtin()?;
    // As the benchmark does: the lines it times first, then the long messages.
    let mut rng = corpus::Lcg(11);
    for _ in 0..20_000 {
        corpus::world_line(&mut rng);
    }
    let messages = corpus::world_messages(&mut rng, 2_000, 500);
    // The first review builds the lazy tables; it is not what is measured.
    black_box(moderator.review(ROOM, "t'es un con 你他媽的 バカ"));
    let [clean, rewritten, denied] = review_all(&moderator, &messages);
    println!("{clean} passed unchanged, {rewritten} rewritten, {denied} denied");
    Ok(())
}
