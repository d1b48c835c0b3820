//! The per-language comparison: for English and every language our engine ships a lexicon
//! for, evasion forms of held-out terms, innocent frequent words and sentences of frequent
//! words, run through ours, `rustrict` (English only) and the multilingual npm peers (each on
//! the languages it claims).
//!
//! The evasion forms are those of the engine's own multilingual test
//! (`moderation/tests/it/languages.rs`), applied to the other half of each lexicon (the
//! terms at odd positions, not the ones the test's recall figure uses) with another seed.
//! Terms shared with another language (a tab in the lexicon) are left out. English terms
//! are the single-word entries of the built-in list from severity 2.
//!
//! The innocent words and sentences come from wordfreq (through
//! `scripts/moderation-words.py`); a frequent word equal to a lexicon term is left out, but
//! frequent words still hold some real swear words, so the false-positive shares are upper
//! bounds.

use std::collections::{BTreeMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::corpus::Rng;
use ivschat_moderation::evasion::{evade, in_message, lexicon_terms, word_separator};

/// Our language codes, in table order.
pub const LANGUAGES: &[&str] = &[
    "en", "es", "pt", "fr", "de", "it", "ru", "tr", "ar", "hi", "ja", "ko", "zh",
];

const EN_LIST: &str = include_str!("../../../moderation/data/en-profanity.json");

/// Which part of the per-language corpus a line belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LangSet {
    /// A held-out term in an evasion form, in a short message of its language: should be flagged.
    Evasion,
    /// One frequent word alone: should pass.
    Word,
    /// A sentence of frequent words: should pass.
    Sentence,
}

/// One line of the per-language corpus.
#[derive(Debug, Clone, Serialize)]
pub struct LangLine {
    pub id: usize,
    pub lang: &'static str,
    pub set: LangSet,
    pub text: String,
}

/// Sizes of the per-language corpus.
#[derive(Debug, Clone, Copy)]
pub struct LangSpec {
    pub seed: u64,
    /// Evasion forms per held-out term.
    pub forms_per_term: usize,
    /// Innocent words per language, drawn from the frequent ones.
    pub words: usize,
    /// Sentences per language.
    pub sentences: usize,
}

/// The held-out terms of `lang`.
pub fn held_out_terms(lang: &str) -> Vec<String> {
    if lang == "en" {
        return english_terms();
    }
    lexicon_terms(lang)
        .enumerate()
        .filter(|(i, entry)| i % 2 == 1 && !entry.ambiguous)
        .map(|(_, entry)| entry.term.to_lowercase())
        .filter(|t| !t.is_empty())
        .collect()
}

/// Every term of `lang`'s lexicon (for leaving them out of the innocent words).
fn all_terms(lang: &str) -> HashSet<String> {
    if lang == "en" {
        return english_terms_all().into_iter().collect();
    }
    lexicon_terms(lang)
        .map(|entry| entry.term.to_lowercase())
        .filter(|t| !t.is_empty())
        .collect()
}

#[derive(Deserialize)]
struct EnEntry {
    #[serde(rename = "match")]
    pattern: String,
    severity: u8,
}

fn english_terms_all() -> Vec<String> {
    let entries: Vec<EnEntry> = serde_json::from_str(EN_LIST).unwrap_or_default();
    entries
        .iter()
        .flat_map(|e| e.pattern.split('|'))
        .map(str::to_lowercase)
        .collect()
}

fn english_terms() -> Vec<String> {
    let entries: Vec<EnEntry> = serde_json::from_str(EN_LIST).unwrap_or_default();
    entries
        .iter()
        .filter(|e| e.severity >= 2)
        .filter_map(|e| e.pattern.split('|').next())
        .filter(|t| !t.is_empty() && t.chars().all(|c| c.is_ascii_alphabetic()))
        .map(str::to_lowercase)
        .enumerate()
        .filter(|(i, _)| i % 2 == 1)
        .map(|(_, t)| t)
        .collect()
}

/// Generates the corpus. `frequent(lang)` gives the language's frequent words, most frequent
/// first; a language whose words cannot be read gets evasion lines only.
pub fn generate(
    spec: &LangSpec,
    frequent: &dyn Fn(&str) -> Result<Vec<String>, String>,
) -> (Vec<LangLine>, Vec<String>) {
    let mut rng = Rng::new(spec.seed);
    let mut lines = Vec::new();
    let mut problems = Vec::new();
    let push = |lines: &mut Vec<LangLine>, lang, set, text| {
        let id = lines.len();
        lines.push(LangLine {
            id,
            lang,
            set,
            text,
        });
    };
    for &lang in LANGUAGES {
        for term in held_out_terms(lang) {
            for _ in 0..spec.forms_per_term {
                let form = evade(lang, &term, rng.next_u64());
                let picks = [rng.next_u64(), rng.next_u64(), rng.next_u64()];
                let text = in_message(lang, &form, picks);
                push(&mut lines, lang, LangSet::Evasion, text);
            }
        }
        let words = match frequent(lang) {
            Ok(w) => w,
            Err(e) => {
                problems.push(format!("{lang}: no frequent words ({e})"));
                continue;
            }
        };
        let terms = all_terms(lang);
        let words: Vec<String> = words
            .into_iter()
            .filter(|w| !terms.contains(&w.to_lowercase()))
            .collect();
        if words.is_empty() {
            continue;
        }
        for _ in 0..spec.words {
            let w = rng.pick(&words).clone();
            push(&mut lines, lang, LangSet::Word, w);
        }
        // Sentences from the 2,000 most frequent words.
        let common = &words[..words.len().min(2_000)];
        for _ in 0..spec.sentences {
            let n = 6 + rng.below(5);
            let sentence: Vec<&str> = (0..n).map(|_| rng.pick(common).as_str()).collect();
            push(
                &mut lines,
                lang,
                LangSet::Sentence,
                sentence.join(word_separator(lang)),
            );
        }
    }
    (lines, problems)
}

/// One filter's outcome on the per-language corpus.
#[derive(Debug, Clone)]
pub struct LangRun {
    pub engine: String,
    pub version: String,
    /// The languages it claims (and ran on).
    pub languages: Vec<String>,
    pub outcome: Result<LangMeasured, String>,
}

#[derive(Debug, Clone, Default)]
pub struct LangMeasured {
    /// `flagged[id]`.
    pub flagged: Vec<bool>,
    /// Per language: messages timed and seconds.
    pub timing: BTreeMap<String, (u64, f64)>,
}

#[derive(Debug, Deserialize)]
struct NodeReport {
    engines: Vec<NodeEngine>,
}

#[derive(Debug, Deserialize)]
struct NodeTiming {
    timed_messages: u64,
    seconds: f64,
}

#[derive(Debug, Deserialize)]
struct NodeEngine {
    engine: String,
    #[serde(default)]
    version: String,
    #[serde(default)]
    languages: Vec<String>,
    #[serde(default)]
    flagged: Vec<usize>,
    #[serde(default)]
    timing: BTreeMap<String, NodeTiming>,
    #[serde(default)]
    error: Option<String>,
}

/// Reads the Node runner's report on a corpus of `lines` lines.
pub fn parse_node_report(stdout: &[u8], lines: usize) -> Result<Vec<LangRun>, String> {
    let report: NodeReport = serde_json::from_slice(stdout).map_err(|e| e.to_string())?;
    Ok(report
        .engines
        .into_iter()
        .map(|e| {
            let outcome = match e.error {
                Some(err) => Err(err),
                None => {
                    let mut flagged = vec![false; lines];
                    let mut bad = None;
                    for id in e.flagged {
                        match flagged.get_mut(id) {
                            Some(slot) => *slot = true,
                            None => bad = Some(id),
                        }
                    }
                    match bad {
                        Some(id) => Err(format!("reported line {id}, the corpus has {lines}")),
                        None => Ok(LangMeasured {
                            flagged,
                            timing: e
                                .timing
                                .into_iter()
                                .map(|(k, t)| (k, (t.timed_messages, t.seconds)))
                                .collect(),
                        }),
                    }
                }
            };
            LangRun {
                engine: e.engine,
                version: e.version,
                languages: e.languages,
                outcome,
            }
        })
        .collect())
}

fn pct(n: usize, d: usize) -> String {
    if d == 0 {
        "-".to_owned()
    } else {
        format!("{:.1}%", 100.0 * n as f64 / d as f64)
    }
}

/// The tables, one per language.
pub fn tables(lines: &[LangLine], runs: &[LangRun]) -> String {
    let mut out = String::new();
    for &lang in LANGUAGES {
        let of = |set: LangSet| -> Vec<usize> {
            lines
                .iter()
                .filter(|l| l.lang == lang && l.set == set)
                .map(|l| l.id)
                .collect()
        };
        let (ev, wd, se) = (
            of(LangSet::Evasion),
            of(LangSet::Word),
            of(LangSet::Sentence),
        );
        out.push_str(&format!(
            "\n### {lang} ({} evasion lines from {} held-out terms, {} words, {} sentences)\n\n",
            ev.len(),
            held_out_terms(lang).len(),
            wd.len(),
            se.len()
        ));
        out.push_str(
            "| filter | version | recall (evasion) | FP words | FP sentences | msgs/s |\n",
        );
        out.push_str("|---|---|---:|---:|---:|---:|\n");
        for run in runs
            .iter()
            .filter(|r| r.languages.iter().any(|l| l == lang))
        {
            match &run.outcome {
                Err(e) => out.push_str(&format!(
                    "| {} | {} | error: {} | | | |\n",
                    run.engine,
                    run.version,
                    e.replace('|', "/")
                )),
                Ok(m) => {
                    let hits = |ids: &[usize]| {
                        ids.iter()
                            .filter(|&&i| m.flagged.get(i).copied().unwrap_or(false))
                            .count()
                    };
                    let rate = m
                        .timing
                        .get(lang)
                        .filter(|(_, s)| *s > 0.0)
                        .map_or("-".to_owned(), |(n, s)| format!("{:.0}", *n as f64 / s));
                    out.push_str(&format!(
                        "| {} | {} | {} | {} | {} | {} |\n",
                        run.engine,
                        run.version,
                        pct(hits(&ev), ev.len()),
                        pct(hits(&wd), wd.len()),
                        pct(hits(&se), se.len()),
                        rate
                    ));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_has_held_out_terms_and_the_corpus_is_deterministic() {
        for lang in LANGUAGES {
            assert!(!held_out_terms(lang).is_empty(), "{lang}");
        }
        let spec = LangSpec {
            seed: 7,
            forms_per_term: 1,
            words: 3,
            sentences: 2,
        };
        let words = |_: &str| Ok(vec!["alpha".to_owned(), "beta".to_owned()]);
        let (a, problems) = generate(&spec, &words);
        let (b, _) = generate(&spec, &words);
        assert!(problems.is_empty());
        assert_eq!(
            a.iter().map(|l| &l.text).collect::<Vec<_>>(),
            b.iter().map(|l| &l.text).collect::<Vec<_>>()
        );
        assert!(a.iter().enumerate().all(|(i, l)| l.id == i));
    }

    #[test]
    fn forms_follow_the_engine_test() {
        assert_eq!(evade("en", "fuck", 1), "f.u.c.k");
        assert_eq!(evade("ko", "시발", 1), "ㅅㅣㅂㅏㄹ");
    }
}
