//! Folds a word list for the engine's dictionaries: reads words from standard input, most
//! frequent first, and prints `word<TAB>rank` sorted by folded word, one a line, keeping the
//! best rank of words that fold alike. Used by `scripts/moderation-dictionaries`.
//!
//! With `--keys`, prints each line's folded form instead, in input order (runs written out,
//! tokens separated by one space): how `scripts/moderation-lexicons` compares terms with
//! words. With `--lookalike-keys`, the same with Cyrillic and Greek letters read as the Latin
//! letters they look like: the second form the engine compiles such a term in.

use std::collections::BTreeMap;
use std::io::{self, BufRead, Write};

fn main() -> io::Result<()> {
    let key: Option<fn(&str) -> String> = match std::env::args().nth(1).as_deref() {
        Some("--keys") => Some(ivschat_moderation::folded_key),
        Some("--lookalike-keys") => Some(ivschat_moderation::lookalike_key),
        _ => None,
    };
    if let Some(key) = key {
        let mut out = io::BufWriter::new(io::stdout().lock());
        for line in io::stdin().lock().lines() {
            writeln!(out, "{}", key(line?.trim()))?;
        }
        return out.flush();
    }
    let mut best: BTreeMap<String, usize> = BTreeMap::new();
    for (rank, line) in io::stdin().lock().lines().enumerate() {
        let key = ivschat_moderation::folded_key(line?.trim());
        // One token only: a word the fold splits (`aujourd'hui`) is two words already.
        if key.is_empty() || key.contains(' ') {
            continue;
        }
        best.entry(key).or_insert(rank + 1);
    }
    let mut out = io::BufWriter::new(io::stdout().lock());
    for (word, rank) in best {
        writeln!(out, "{word}\t{rank}")?;
    }
    out.flush()
}
