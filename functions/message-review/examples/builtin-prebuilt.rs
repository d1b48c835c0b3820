//! Makes the built-in moderator as the function does at cold start, from the lexicon embedded
//! at build time, and says whether it was read from it and how long that took: a short run to
//! count the instructions (`valgrind --tool=callgrind --toggle-collect='*Moderator*builtin*'
//! target/release/examples/builtin-prebuilt`).

use std::time::Instant;

use ivschat_moderation::{prebuilt, Moderator};

const BUILTIN: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/builtin-lexicon.bin"));

fn main() -> Result<(), ivschat_moderation::PolicyError> {
    prebuilt::register(BUILTIN);
    let started = Instant::now();
    let moderator = Moderator::builtin()?;
    let took = started.elapsed();
    println!(
        "lexicon {} ({} bytes embedded) in {:.2} ms",
        if moderator.lexicon_prebuilt() {
            "read from the embedded snapshot"
        } else {
            "compiled"
        },
        BUILTIN.len(),
        took.as_secs_f64() * 1e3
    );
    Ok(())
}
