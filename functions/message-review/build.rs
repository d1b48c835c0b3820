//! Compiles the built-in moderation policy's lexicon when the function is built and writes it
//! to `OUT_DIR/builtin-lexicon.bin`, which `src/prebuilt_lexicon.rs` embeds: at cold start the
//! function reads it instead of compiling the word lists. The bytes are the same whatever the
//! target, so a cross build (arm64 on an x86_64 host) embeds the right ones.

use std::error::Error;
use std::path::PathBuf;

fn main() -> Result<(), Box<dyn Error>> {
    // The moderation crate is a build dependency: a change to it runs this script again.
    println!("cargo::rerun-if-changed=build.rs");
    let snapshot = ivschat_moderation::prebuilt::builtin()?;
    let out = PathBuf::from(std::env::var_os("OUT_DIR").ok_or("cargo sets OUT_DIR")?);
    std::fs::write(out.join("builtin-lexicon.bin"), snapshot)?;
    Ok(())
}
