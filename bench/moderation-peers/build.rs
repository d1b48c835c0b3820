//! Finds the `rustrict` version in the workspace lock file, so the results table names the
//! version that ran.

use std::path::Path;

fn main() {
    let lock = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../Cargo.lock");
    println!("cargo:rerun-if-changed={}", lock.display());
    let text = std::fs::read_to_string(&lock).unwrap_or_default();
    let version = text
        .split("[[package]]")
        .find(|p| p.contains("\nname = \"rustrict\"\n"))
        .and_then(|p| p.lines().find_map(|l| l.strip_prefix("version = \"")))
        .and_then(|v| v.strip_suffix('"'))
        .unwrap_or("0.7 (version not found in Cargo.lock)");
    println!("cargo:rustc-env=MODERATION_PEERS_RUSTRICT_VERSION={version}");
}
