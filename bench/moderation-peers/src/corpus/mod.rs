//! The labelled chat corpus: clean chat lines, innocent (Scunthorpe) lines and profanity under
//! each evasion form, generated deterministically from a seed and written as JSON Lines.
//!
//! Labels: a `clean` or `innocent` line should pass a profanity filter (flagging it is a false
//! positive); an `evasion` line holds one profane seed term, disguised by its `form`, that a
//! reader would still read as that word (missing it lowers recall).

mod clean;
pub mod evasion;
mod innocent;
mod rng;

use std::io::{self, Write};
use std::ops::Range;

use serde::Serialize;

pub use evasion::{Form, SEEDS};
pub use innocent::{Trap, TRAPS};
pub use rng::Rng;

/// Chat lines are this long, in characters, before an evasion form lengthens the term.
pub const MIN_CHARS: usize = 40;
pub const MAX_CHARS: usize = 60;

/// Which part of the corpus a line belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Set {
    /// Ordinary chat: greetings, game and stream talk, emotes, questions.
    Clean,
    /// Innocent chat whose words contain a blocked word, or make one when joined.
    Innocent,
    /// A profane seed term under one evasion form.
    Evasion,
}

impl Set {
    pub const ALL: [Set; 3] = [Set::Clean, Set::Innocent, Set::Evasion];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Clean => "clean",
            Self::Innocent => "innocent",
            Self::Evasion => "evasion",
        }
    }
}

/// One labelled chat line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Line {
    /// Position in the corpus file.
    pub id: usize,
    pub set: Set,
    /// Evasion lines: how the term is disguised.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub form: Option<Form>,
    /// `combined` lines: the forms applied, in order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub layers: Vec<Form>,
    /// Evasion lines: the profane seed term. Innocent lines: the blocked word hidden inside.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub term: Option<&'static str>,
    /// Innocent lines: the innocent word or phrase that hides `term`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trap: Option<&'static str>,
    pub text: String,
    /// Evasion lines: the byte range of the disguised term in `text`.
    #[serde(skip)]
    pub span: Option<Range<usize>>,
}

/// How large a corpus to generate, and from which seed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spec {
    pub seed: u64,
    pub clean: usize,
    pub innocent: usize,
    /// Evasion lines per form; the evasion set has `per_form * Form::ALL.len()` lines.
    pub per_form: usize,
}

impl Default for Spec {
    fn default() -> Self {
        Self {
            seed: 8,
            clean: 2500,
            innocent: 2000,
            per_form: 200,
        }
    }
}

/// Generates the corpus of `spec`. The sets are shuffled together, so that any prefix of the
/// corpus (a slow filter's timed sample) mixes them as the whole does.
pub fn generate(spec: &Spec) -> Vec<Line> {
    let mut rng = Rng::new(spec.seed);
    let mut lines =
        Vec::with_capacity(spec.clean + spec.innocent + spec.per_form * Form::ALL.len());
    for _ in 0..spec.clean {
        lines.push(clean::line(&mut rng));
    }
    for _ in 0..spec.innocent {
        lines.push(innocent::line(&mut rng));
    }
    for form in Form::ALL {
        for _ in 0..spec.per_form {
            lines.push(evasion::line(&mut rng, form));
        }
    }
    rng.shuffle(&mut lines);
    for (id, line) in lines.iter_mut().enumerate() {
        line.id = id;
    }
    lines
}

/// Writes one JSON object per line.
pub fn write_jsonl(lines: &[Line], out: &mut impl Write) -> io::Result<()> {
    for line in lines {
        serde_json::to_writer(&mut *out, line)?;
        out.write_all(b"\n")?;
    }
    out.flush()
}

const PREFIXES: &[&str] = &[
    "ngl ",
    "ok ",
    "chat ",
    "yo ",
    "bro ",
    "honestly ",
    "wait ",
    "guys ",
    "omg ",
    "lol ",
];

const SUFFIXES: &[&str] = &[
    " lol",
    " lmao",
    " ngl",
    " KEKW",
    " LUL",
    " PogChamp",
    " Kappa",
    " <3",
    " 😂",
    " 🔥",
    " !!",
    " haha",
    " tbh",
    " fr",
    " gg",
    " xD",
    " :)",
    " monkaS",
    " rn",
    " 😂😂",
    ", anyone else?",
    ", what a night",
    " - love this stream",
    ", so good",
    ", for real",
    ", let's go",
    ", can't wait",
    " every time",
    " again",
    " today",
];

/// Chat filler to put before and after `core` so the line is `MIN_CHARS..=MAX_CHARS`
/// characters long, or `None` when the core is too long. No filler repeats, in the filler or
/// in the core.
fn pad(rng: &mut Rng, core: &str) -> Option<(&'static str, String)> {
    let core_chars = core.chars().count();
    if core_chars > MAX_CHARS {
        return None;
    }
    let target = MIN_CHARS + rng.below(MAX_CHARS - MIN_CHARS + 1);
    let mut prefix = "";
    let mut suffix = String::new();
    let mut used: Vec<&str> = Vec::new();
    let mut len = core_chars;
    // A few tries are enough: fillers are short and the target leaves room.
    for _ in 0..16 {
        if len >= target {
            break;
        }
        let piece = if prefix.is_empty() && rng.chance(30) {
            *rng.pick(PREFIXES)
        } else {
            *rng.pick(SUFFIXES)
        };
        let n = piece.chars().count();
        let bare = piece.trim_matches(|c: char| c == ' ' || c == ',' || c == '-');
        if len + n > MAX_CHARS || used.contains(&piece) || core.contains(bare) {
            continue;
        }
        used.push(piece);
        len += n;
        if PREFIXES.contains(&piece) {
            prefix = piece;
        } else {
            suffix.push_str(piece);
        }
    }
    (MIN_CHARS..=MAX_CHARS)
        .contains(&len)
        .then_some((prefix, suffix))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn small() -> Spec {
        Spec {
            seed: 42,
            clean: 300,
            innocent: 200,
            per_form: 40,
        }
    }

    /// Blocked words no clean or innocent line may contain as a whole word: the seeds, the
    /// words the traps hide, and mild words some peers block.
    fn blocked_words() -> Vec<&'static str> {
        let mut words: Vec<&'static str> = SEEDS.to_vec();
        words.extend(TRAPS.iter().map(|t| t.hides));
        words.extend([
            "ass", "hell", "damn", "crap", "piss", "sex", "cum", "anal", "tit", "tits", "butt",
            "arse", "penis", "rape", "coon", "jap", "homo", "anus", "clit", "wank", "slut",
        ]);
        words
    }

    fn words(text: &str) -> Vec<String> {
        text.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect()
    }

    #[test]
    fn same_seed_gives_the_same_corpus_and_another_seed_a_different_one() {
        let a = generate(&small());
        let b = generate(&small());
        let c = generate(&Spec {
            seed: 43,
            ..small()
        });
        assert_eq!(a, b);
        assert_ne!(
            a.iter().map(|l| &l.text).collect::<Vec<_>>(),
            c.iter().map(|l| &l.text).collect::<Vec<_>>()
        );
    }

    #[test]
    fn sets_and_forms_have_the_requested_sizes() {
        let spec = small();
        let lines = generate(&spec);
        let count = |set: Set| lines.iter().filter(|l| l.set == set).count();
        assert_eq!(count(Set::Clean), spec.clean);
        assert_eq!(count(Set::Innocent), spec.innocent);
        assert_eq!(count(Set::Evasion), spec.per_form * Form::ALL.len());
        let mut per_form: HashMap<Form, usize> = HashMap::new();
        for line in lines.iter().filter(|l| l.set == Set::Evasion) {
            *per_form
                .entry(line.form.expect("evasion lines have a form"))
                .or_default() += 1;
        }
        for form in Form::ALL {
            assert_eq!(per_form.get(&form), Some(&spec.per_form), "{form:?}");
        }
        let ids: Vec<usize> = lines.iter().map(|l| l.id).collect();
        assert_eq!(ids, (0..lines.len()).collect::<Vec<_>>());
    }

    #[test]
    fn the_default_corpus_has_a_few_thousand_lines_per_set() {
        let spec = Spec::default();
        let lines = generate(&spec);
        for set in Set::ALL {
            let n = lines.iter().filter(|l| l.set == set).count();
            assert!((2000..=5000).contains(&n), "{set:?}: {n}");
        }
    }

    #[test]
    fn sets_are_interleaved_so_a_prefix_samples_all_of_them() {
        let lines = generate(&small());
        let first: Vec<Set> = lines.iter().take(60).map(|l| l.set).collect();
        for set in Set::ALL {
            assert!(
                first.contains(&set),
                "{set:?} missing from the first 60 lines"
            );
        }
    }

    #[test]
    fn clean_and_innocent_lines_are_chat_sized_and_have_no_blocked_word() {
        let blocked = blocked_words();
        for line in generate(&small()).iter().filter(|l| l.set != Set::Evasion) {
            let n = line.text.chars().count();
            assert!((MIN_CHARS..=MAX_CHARS).contains(&n), "{n}: {}", line.text);
            for word in words(&line.text) {
                assert!(
                    !blocked.contains(&word.as_str()),
                    "{:?} line has the blocked word {word:?}: {}",
                    line.set,
                    line.text
                );
            }
        }
    }

    #[test]
    fn innocent_lines_really_hide_their_word() {
        let lines = generate(&small());
        let mut traps_seen = std::collections::HashSet::new();
        for line in lines.iter().filter(|l| l.set == Set::Innocent) {
            let trap = line.trap.expect("innocent lines name their trap");
            let hides = line.term.expect("innocent lines name the hidden word");
            assert!(
                line.text.to_lowercase().contains(&trap.to_lowercase()),
                "{trap:?} not in {:?}",
                line.text
            );
            // Letters only: a hidden word may span a word gap (`push it` hides `shit`).
            let letters: String = trap
                .chars()
                .filter(|c| c.is_alphanumeric())
                .flat_map(char::to_lowercase)
                .collect();
            assert!(letters.contains(hides), "{trap:?} does not hide {hides:?}");
            traps_seen.insert(trap);
        }
        assert!(traps_seen.len() > TRAPS.len() / 2, "too few traps used");
    }

    #[test]
    fn clean_lines_carry_no_labels_and_no_trap() {
        for line in generate(&small()).iter().filter(|l| l.set == Set::Clean) {
            assert_eq!((line.form, line.term, line.trap), (None, None, None));
            let lower = line.text.to_lowercase();
            for trap in TRAPS {
                assert!(
                    !lower.contains(&trap.trap.to_lowercase()),
                    "clean line holds the trap {:?}: {}",
                    trap.trap,
                    line.text
                );
            }
        }
    }

    #[test]
    fn json_lines_carry_set_form_term_and_text() {
        let lines = generate(&small());
        let mut out = Vec::new();
        write_jsonl(&lines, &mut out).expect("writing to memory");
        let text = String::from_utf8(out).expect("JSON is UTF-8");
        let rows: Vec<serde_json::Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).expect("each line is JSON"))
            .collect();
        assert_eq!(rows.len(), lines.len());
        for (row, line) in rows.iter().zip(&lines) {
            assert_eq!(row["id"], line.id);
            assert_eq!(row["set"], line.set.as_str());
            assert_eq!(row["text"], line.text.as_str());
            match line.set {
                Set::Evasion => {
                    let form = line.form.expect("evasion lines have a form");
                    assert_eq!(row["form"], form.as_str());
                    assert_eq!(row["term"], line.term.unwrap_or_default());
                }
                _ => assert!(row.get("form").is_none()),
            }
        }
    }
}
