//! The false-positive sweep: every one of a language's 50,000 most frequent words (wordfreq,
//! read through `scripts/moderation-words.py`) reviewed alone by the built-in policy. The
//! shipped dictionaries hold the first 30,000 of them, so the ranks after that are words the
//! engine's dictionary never saw.

use std::path::Path;
use std::process::Command;

use ivschat_moderation::{Moderator, RoomRef, RuleKind};

/// Words swept per language.
const SWEPT: usize = 50_000;
/// Words the shipped dictionaries hold; ranks past this are held out.
const SHIPPED: usize = 30_000;

fn frequent_words(lang: &str) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let python = std::env::var("MODERATION_PYTHON").unwrap_or_else(|_| {
        let venv = root.join(".venv/bin/python");
        if venv.exists() {
            venv.display().to_string()
        } else {
            "python3".to_owned()
        }
    });
    let out = Command::new(&python)
        .arg(root.join("scripts/moderation-words.py"))
        .args([lang, &SWEPT.to_string()])
        .output()
        .unwrap_or_else(|e| panic!("the sweep runs {python} (set MODERATION_PYTHON): {e}"));
    assert!(
        out.status.success(),
        "the false-positive sweep needs the Python package wordfreq \
         (pip install -r scripts/requirements.txt, or set MODERATION_PYTHON): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_owned)
        .collect()
}

fn flagged(m: &Moderator, word: &str) -> bool {
    let room = RoomRef {
        id: "sweep",
        name: None,
    };
    m.review(room, word)
        .rules
        .iter()
        .any(|r| matches!(r.kind, RuleKind::BlocklistMask | RuleKind::BlocklistDeny))
}

/// Sweeps one language and returns the share flagged among the shipped ranks and among the
/// held-out ones. Flagged words include the language's real swear words, so the share is an
/// upper bound on false positives.
fn sweep(lang: &str) -> (f64, f64) {
    let m = Moderator::builtin().expect("the built-in policy compiles");
    let words = frequent_words(lang);
    assert!(words.len() >= SHIPPED, "{lang}: only {} words", words.len());
    let (seen, held) = words.split_at(SHIPPED);
    let share = |ws: &[String]| {
        let hits: Vec<&String> = ws.iter().filter(|w| flagged(&m, w)).collect();
        let sample: Vec<&&String> = hits.iter().take(40).collect();
        eprintln!(
            "{lang}: {} of {} flagged, e.g. {sample:?}",
            hits.len(),
            ws.len()
        );
        hits.len() as f64 / ws.len().max(1) as f64
    };
    (share(seen), share(held))
}

#[test]
fn english_frequent_words_are_rarely_flagged() {
    let (seen, held) = sweep("en");
    eprintln!(
        "en: {:.2}% of ranks 1-{SHIPPED}, {:.2}% of ranks {}-{SWEPT} flagged",
        seen * 100.0,
        held * 100.0,
        SHIPPED + 1
    );
    assert!(seen <= 0.01 && held <= 0.01, "en: {seen} / {held}");
}
