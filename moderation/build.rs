//! Writes the character table of `src/engine/chars.rs`: for every code point, as 16 bits of
//! flags, the Unicode properties folding and the spam rules ask about and the classes
//! folding tells apart, taken from the same functions the engine would otherwise call per
//! character (the standard library's, the `unicode-normalization` crate's, those of
//! `src/engine/classes.rs`), so that a look-up answers exactly as they do. Code points are
//! grouped in blocks of 128; identical blocks are stored once. And the sorted table of top-level
//! domains `src/engine/links.rs` checks bare domains against, from `data/tlds.json`. And a
//! fingerprint of the crate's source and data, which a prebuilt lexicon (`src/engine/prebuilt.rs`)
//! records, so that one is never read by a build of other code or other word lists.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::PathBuf;

use unicode_normalization::char::{decompose_compatible, is_combining_mark};

#[path = "src/engine/classes.rs"]
mod classes;

#[path = "src/engine/char_flags.rs"]
mod char_flags;
use char_flags::*;

const BLOCK: u32 = 128;

fn flags(c: char) -> u16 {
    let mut f = 0;
    let mut set = |on: bool, flag: u16| {
        if on {
            f |= flag;
        }
    };
    set(c.is_alphabetic(), ALPHABETIC);
    set(c.is_numeric(), NUMERIC);
    set(c.is_uppercase(), UPPERCASE);
    set(c.is_whitespace(), WHITESPACE);
    set(is_combining_mark(c), COMBINING);
    set(classes::invisible(c), INVISIBLE);
    set(classes::pictograph(c), PICTOGRAPH);
    set(classes::caseless_letter(c), CASELESS);
    set(classes::wide(c), WIDE);
    set(classes::emoji(c), EMOJI);
    let mut lower = c.to_lowercase();
    set(
        lower.next() == Some(c) && lower.next().is_none(),
        LOWER_SELF,
    );
    let mut parts = Vec::new();
    decompose_compatible(c, |d| parts.push(d));
    set(parts == [c], DECOMPOSES_SELF);
    f | u16::from(classes::route(c)) << ROUTE_SHIFT
}

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=src/engine/classes.rs");
    println!("cargo::rerun-if-changed=src/engine/char_flags.rs");
    let mut blocks: Vec<Vec<u16>> = Vec::new();
    let mut seen: HashMap<Vec<u16>, usize> = HashMap::new();
    let mut index = Vec::new();
    for b in 0..(0x11_0000 / BLOCK) {
        let block: Vec<u16> = (b * BLOCK..(b + 1) * BLOCK)
            .map(|u| char::from_u32(u).map_or(0, flags))
            .collect();
        let id = *seen.entry(block.clone()).or_insert_with(|| {
            blocks.push(block);
            blocks.len() - 1
        });
        index.push(id);
    }
    let mut out = String::new();
    let _ = writeln!(out, "const BLOCK_SHIFT: u32 = {};", BLOCK.trailing_zeros());
    let _ = writeln!(out, "static BLOCK_OF: [u16; {}] = {index:?};", index.len());
    let _ = writeln!(
        out,
        "static BLOCKS: [[u16; {BLOCK}]; {}] = {blocks:?};",
        blocks.len()
    );
    let dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::write(dir.join("char_table.rs"), out).expect("OUT_DIR is writable");
    write_tlds(&dir);
    write_fingerprint();
}

/// Sets `IVSCHAT_MODERATION_FINGERPRINT` for the crate: a 64-bit Fowler-Noll-Vo hash (xor a
/// byte, then multiply), in hex, of the path and bytes of every file of the manifest, this
/// script, `src/` and `data/`.
fn write_fingerprint() {
    let mut files = vec![PathBuf::from("Cargo.toml"), PathBuf::from("build.rs")];
    for dir in ["src", "data"] {
        println!("cargo::rerun-if-changed={dir}");
        list_files(std::path::Path::new(dir), &mut files);
    }
    files.sort();
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut add = |bytes: &[u8]| {
        for &b in bytes {
            hash = (hash ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
        }
    };
    for file in &files {
        let bytes = std::fs::read(file).expect("the crate's files are readable");
        add(file.to_string_lossy().as_bytes());
        add(&(bytes.len() as u64).to_le_bytes());
        add(&bytes);
    }
    println!("cargo::rustc-env=IVSCHAT_MODERATION_FINGERPRINT={hash:016x}");
}

/// Appends the files under `dir`, at any depth, to `files`.
fn list_files(dir: &std::path::Path, files: &mut Vec<PathBuf>) {
    let entries = std::fs::read_dir(dir).expect("the crate's folders are readable");
    for entry in entries {
        let path = entry.expect("the crate's folders are readable").path();
        if path.is_dir() {
            list_files(&path, files);
        } else {
            files.push(path);
        }
    }
}

/// Writes `tlds.rs`: the top-level domains of `data/tlds.json` (one JSON string a line,
/// lowercase, internationalized ones in their own script), sorted for a binary search.
fn write_tlds(dir: &std::path::Path) {
    println!("cargo::rerun-if-changed=data/tlds.json");
    let json = std::fs::read_to_string("data/tlds.json").expect("data/tlds.json is readable");
    let mut tlds: Vec<&str> = json
        .lines()
        .map(|l| l.trim().trim_end_matches(','))
        .filter_map(|l| l.strip_prefix('"')?.strip_suffix('"'))
        .collect();
    assert!(
        tlds.len() > 1000
            && tlds
                .iter()
                .all(|t| !t.is_empty() && !t.contains(['"', '\\', '.'])),
        "data/tlds.json holds one top-level domain a line"
    );
    tlds.sort_unstable();
    tlds.dedup();
    let out = format!(
        "/// The top-level domains of the root zone, sorted.\nstatic TLDS: [&str; {}] = {tlds:?};\n",
        tlds.len()
    );
    std::fs::write(dir.join("tlds.rs"), out).expect("OUT_DIR is writable");
}
