//! Finds the `rustrict` version in the workspace lock file, so the results table names the
//! version that ran, and copies that version's word list (`src/profanity.csv` of the crate's
//! source in Cargo's registry) to `OUT_DIR`, for the per-language set of the peers' own terms.
//! When the source is not there (a vendored build, another `CARGO_HOME`), the copy is empty
//! and the set goes without rustrict's terms.

use std::path::{Path, PathBuf};

fn main() {
    let lock = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../Cargo.lock");
    println!("cargo:rerun-if-changed={}", lock.display());
    println!("cargo:rerun-if-env-changed=CARGO_HOME");
    let text = std::fs::read_to_string(&lock).unwrap_or_default();
    let found = text
        .split("[[package]]")
        .find(|p| p.contains("\nname = \"rustrict\"\n"))
        .and_then(|p| p.lines().find_map(|l| l.strip_prefix("version = \"")))
        .and_then(|v| v.strip_suffix('"'));
    let version = found.unwrap_or("0.7 (version not found in Cargo.lock)");
    println!("cargo:rustc-env=MODERATION_PEERS_RUSTRICT_VERSION={version}");

    let list = found.and_then(rustrict_list).unwrap_or_default();
    let out = PathBuf::from(std::env::var_os("OUT_DIR").unwrap_or_default());
    if let Err(e) = std::fs::write(out.join("rustrict-profanity.csv"), list) {
        println!("cargo:warning=cannot copy rustrict's word list: {e}");
    }
}

/// `profanity.csv` of rustrict `version` in any registry of Cargo's home.
fn rustrict_list(version: &str) -> Option<String> {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))?;
    let registries = std::fs::read_dir(home.join("registry").join("src")).ok()?;
    registries.flatten().find_map(|registry| {
        let csv = registry
            .path()
            .join(format!("rustrict-{version}"))
            .join("src")
            .join("profanity.csv");
        println!("cargo:rerun-if-changed={}", csv.display());
        std::fs::read_to_string(csv).ok()
    })
}
