//! Makes the built-in moderator as the function does at cold start, from the lexicon embedded
//! at build time, and says whether it was read from it: a short run to count the instructions
//! (`valgrind --tool=callgrind --toggle-collect='*Moderator*builtin*'
//! target/release/examples/builtin-prebuilt`).

use ivschat_moderation::{prebuilt, Moderator};

const BUILTIN: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/builtin-lexicon.bin"));

fn main() -> Result<(), ivschat_moderation::PolicyError> {
    prebuilt::register(BUILTIN);
    let moderator = Moderator::builtin()?;
    println!(
        "lexicon {} ({} bytes embedded)",
        if moderator.lexicon_prebuilt() {
            "read from the embedded snapshot"
        } else {
            "compiled"
        },
        BUILTIN.len()
    );
    Ok(())
}
