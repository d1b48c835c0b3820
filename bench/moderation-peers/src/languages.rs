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
//! A second evasion set takes its terms from the peers' own word lists instead
//! (`crate::peer_terms`: every npm peer's lists and `rustrict`'s, per language): each term
//! plain, then in the same evasion forms, in the same short messages. Recall there mixes
//! coverage of other people's words with evasion handling, and the lists hold some innocent
//! or mistranslated entries, so it is reported beside the held-out recall, with the terms we
//! miss.
//!
//! The innocent words and sentences come from wordfreq (through
//! `scripts/moderation-words.py`); a frequent word equal to a lexicon term is left out, but
//! frequent words still hold some real swear words, so the false-positive shares are upper
//! bounds.

use std::collections::{BTreeMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::corpus::Rng;
use crate::peer_terms::{PeerTerm, PeerTerms};
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
    /// A term of the peers' lists as written, in a short message of its language.
    PeerPlain,
    /// A term of the peers' lists in an evasion form, in a short message of its language.
    PeerEvasion,
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
    /// The term an evasion line disguises.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub term: Option<String>,
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
    /// Evasion forms per term of the peers' lists, besides its plain form.
    pub peer_forms_per_term: usize,
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
/// first; a language whose words cannot be read gets evasion lines only. The lines of the
/// peers' terms come last, from a generator of their own, so the rest of the corpus is the
/// same with or without them.
pub fn generate(
    spec: &LangSpec,
    frequent: &dyn Fn(&str) -> Result<Vec<String>, String>,
    peer_terms: &PeerTerms,
) -> (Vec<LangLine>, Vec<String>) {
    let mut rng = Rng::new(spec.seed);
    let mut lines = Vec::new();
    let mut problems = Vec::new();
    let push = |lines: &mut Vec<LangLine>, lang, set, term, text| {
        let id = lines.len();
        lines.push(LangLine {
            id,
            lang,
            set,
            term,
            text,
        });
    };
    for &lang in LANGUAGES {
        for term in held_out_terms(lang) {
            for _ in 0..spec.forms_per_term {
                let form = evade(lang, &term, rng.next_u64());
                let picks = [rng.next_u64(), rng.next_u64(), rng.next_u64()];
                let text = in_message(lang, &form, picks);
                push(&mut lines, lang, LangSet::Evasion, Some(term.clone()), text);
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
            push(&mut lines, lang, LangSet::Word, None, w);
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
                None,
                sentence.join(word_separator(lang)),
            );
        }
    }
    let mut rng = Rng::new(spec.seed ^ 0x9EE5_7E85);
    for &lang in LANGUAGES {
        for peer in peer_terms.of(lang) {
            let term = &peer.term;
            let picks = [rng.next_u64(), rng.next_u64(), rng.next_u64()];
            let text = in_message(lang, term, picks);
            push(
                &mut lines,
                lang,
                LangSet::PeerPlain,
                Some(term.clone()),
                text,
            );
            for _ in 0..spec.peer_forms_per_term {
                let form = evade(lang, term, rng.next_u64());
                let picks = [rng.next_u64(), rng.next_u64(), rng.next_u64()];
                let text = in_message(lang, &form, picks);
                push(
                    &mut lines,
                    lang,
                    LangSet::PeerEvasion,
                    Some(term.clone()),
                    text,
                );
            }
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

/// How many of the terms we miss in plain form the tables name, per language.
const MISSED_SHOWN: usize = 12;

/// The terms of `lang`'s peer set that `flagged` misses in plain form, the ones most lists
/// name first.
pub fn missed_plain<'a>(
    lines: &[LangLine],
    flagged: &[bool],
    peer_terms: &'a PeerTerms,
    lang: &str,
) -> Vec<&'a PeerTerm> {
    let missed: HashSet<&str> = lines
        .iter()
        .filter(|l| l.lang == lang && l.set == LangSet::PeerPlain)
        .filter(|l| !flagged.get(l.id).copied().unwrap_or(false))
        .filter_map(|l| l.term.as_deref())
        .collect();
    let mut terms: Vec<&PeerTerm> = peer_terms
        .of(lang)
        .iter()
        .filter(|t| missed.contains(t.term.as_str()))
        .collect();
    terms.sort_by(|a, b| {
        b.sources
            .len()
            .cmp(&a.sources.len())
            .then_with(|| a.term.cmp(&b.term))
    });
    terms
}

/// The tables, one per language: each filter's recall on our held-out terms and on the
/// peers' terms (plain, and over every form), its false positives and speed; under each,
/// the peers' terms `ours` (an engine's name) misses in plain form.
pub fn tables(lines: &[LangLine], runs: &[LangRun], peer_terms: &PeerTerms, ours: &str) -> String {
    let mut out = String::new();
    for &lang in LANGUAGES {
        let of = |sets: &[LangSet]| -> Vec<usize> {
            lines
                .iter()
                .filter(|l| l.lang == lang && sets.contains(&l.set))
                .map(|l| l.id)
                .collect()
        };
        let (ev, plain, peer, wd, se) = (
            of(&[LangSet::Evasion]),
            of(&[LangSet::PeerPlain]),
            of(&[LangSet::PeerPlain, LangSet::PeerEvasion]),
            of(&[LangSet::Word]),
            of(&[LangSet::Sentence]),
        );
        out.push_str(&format!(
            "\n### {lang} ({} evasion lines from {} held-out terms; {} lines from {} peers' terms; \
             {} words, {} sentences)\n\n",
            ev.len(),
            held_out_terms(lang).len(),
            peer.len(),
            plain.len(),
            wd.len(),
            se.len()
        ));
        out.push_str(
            "| filter | version | recall, our held-out terms | recall, peers' terms plain \
             | recall, peers' terms all forms | FP words | FP sentences | msgs/s |\n",
        );
        out.push_str("|---|---|---:|---:|---:|---:|---:|---:|\n");
        let mut ours_flagged = None;
        for run in runs
            .iter()
            .filter(|r| r.languages.iter().any(|l| l == lang))
        {
            match &run.outcome {
                Err(e) => out.push_str(&format!(
                    "| {} | {} | error: {} | | | | | |\n",
                    run.engine,
                    run.version,
                    e.replace('|', "/")
                )),
                Ok(m) => {
                    if run.engine == ours {
                        ours_flagged = Some(&m.flagged);
                    }
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
                        "| {} | {} | {} | {} | {} | {} | {} | {} |\n",
                        run.engine,
                        run.version,
                        pct(hits(&ev), ev.len()),
                        pct(hits(&plain), plain.len()),
                        pct(hits(&peer), peer.len()),
                        pct(hits(&wd), wd.len()),
                        pct(hits(&se), se.len()),
                        rate
                    ));
                }
            }
        }
        if let Some(flagged) = ours_flagged {
            let missed: Vec<String> = ev
                .iter()
                .filter(|&&i| !flagged.get(i).copied().unwrap_or(false))
                .filter_map(|&i| lines.get(i))
                .map(|l| format!("`{}`", l.text))
                .collect();
            if !missed.is_empty() {
                out.push_str(&format!(
                    "\n{ours} misses {} held-out lines: {}\n",
                    missed.len(),
                    missed.join(", ")
                ));
            }
        }
        if let Some(flagged) = ours_flagged.filter(|_| !plain.is_empty()) {
            let missed = missed_plain(lines, flagged, peer_terms, lang);
            let shown: Vec<String> = missed
                .iter()
                .take(MISSED_SHOWN)
                .map(|t| format!("`{}` ({})", t.term, t.sources.join(", ")))
                .collect();
            out.push_str(&format!(
                "\n{ours} misses {} of {} peers' terms in plain form{}{}\n",
                missed.len(),
                plain.len(),
                if shown.is_empty() {
                    "."
                } else {
                    "; most listed first: "
                },
                shown.join(", ")
            ));
        }
    }
    out
}

/// The coverage gap, as Markdown: per language, the terms of the permissively licensed
/// peers' lists that `flagged` (our engine's outcome) misses in plain form, with the lists
/// that name each, and per list how many of its terms that is.
pub fn coverage_gap(lines: &[LangLine], flagged: &[bool], peer_terms: &PeerTerms) -> String {
    let permissive =
        |source: &str| crate::peer_terms::PERMISSIVE.contains(&peer_terms.license_of(source));
    let mut out = String::from(
        "# Coverage gap: the peers' terms our built-in policy misses in plain form\n\n\
         Each term was reviewed once, as written, in a short message of its language \
         (`ivschat_moderation::evasion::in_message`). Only lists under a licence that allows \
         merging them with attribution count (MIT, ISC, CC-BY-4.0, MIT OR Apache-2.0). The \
         lists hold innocent and mistranslated entries too: judge each term before adding it.\n\n\
         | list | version | licence |\n|---|---|---|\n",
    );
    for s in &peer_terms.sources {
        out.push_str(&format!(
            "| {} | {} | {}{} |\n",
            s.source,
            s.version,
            s.license,
            s.error
                .as_deref()
                .map_or(String::new(), |e| format!(" (not read: {e})"))
        ));
    }
    out.push_str("\n| lang | peers' terms | missed in plain form | per list: missed / listed |\n");
    out.push_str("|---|---:|---:|---|\n");
    let mut lists = String::new();
    for &lang in LANGUAGES {
        let terms: Vec<&PeerTerm> = peer_terms
            .of(lang)
            .iter()
            .filter(|t| t.sources.iter().any(|s| permissive(s)))
            .collect();
        let missed: Vec<&PeerTerm> = missed_plain(lines, flagged, peer_terms, lang)
            .into_iter()
            .filter(|t| t.sources.iter().any(|s| permissive(s)))
            .collect();
        let per_list: Vec<String> = peer_terms
            .sources
            .iter()
            .filter(|s| permissive(&s.source))
            .filter_map(|s| {
                let listed = terms
                    .iter()
                    .filter(|t| t.sources.contains(&s.source))
                    .count();
                let miss = missed
                    .iter()
                    .filter(|t| t.sources.contains(&s.source))
                    .count();
                (listed > 0).then(|| format!("{} {miss} / {listed}", s.source))
            })
            .collect();
        out.push_str(&format!(
            "| {lang} | {} | {} | {} |\n",
            terms.len(),
            missed.len(),
            per_list.join(", ")
        ));
        lists.push_str(&format!("\n## {lang}: {} terms\n\n", missed.len()));
        for t in missed {
            lists.push_str(&format!("- `{}` ({})\n", t.term, t.sources.join(", ")));
        }
    }
    out.push_str(&lists);
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
            peer_forms_per_term: 2,
        };
        let words = |_: &str| Ok(vec!["alpha".to_owned(), "beta".to_owned()]);
        let (a, problems) = generate(&spec, &words, &PeerTerms::default());
        let (b, _) = generate(&spec, &words, &PeerTerms::default());
        assert!(problems.is_empty());
        assert_eq!(
            a.iter().map(|l| &l.text).collect::<Vec<_>>(),
            b.iter().map(|l| &l.text).collect::<Vec<_>>()
        );
        assert!(a.iter().enumerate().all(|(i, l)| l.id == i));
    }

    #[test]
    fn peers_terms_come_plain_then_disguised_and_misses_are_listed() {
        let peer_terms = crate::peer_terms::merge(vec![crate::peer_terms::Source {
            source: "list".to_owned(),
            version: "1".to_owned(),
            license: "MIT".to_owned(),
            lists: BTreeMap::from([(
                "es".to_owned(),
                vec!["puta".to_owned(), "cabrón".to_owned()],
            )]),
            error: None,
        }]);
        let spec = LangSpec {
            seed: 7,
            forms_per_term: 1,
            words: 0,
            sentences: 0,
            peer_forms_per_term: 2,
        };
        let words = |_: &str| Err("none".to_owned());
        let (lines, _) = generate(&spec, &words, &peer_terms);
        let before = generate(&spec, &words, &PeerTerms::default()).0;
        let peer: Vec<&LangLine> = lines
            .iter()
            .filter(|l| matches!(l.set, LangSet::PeerPlain | LangSet::PeerEvasion))
            .collect();
        assert_eq!(peer.len(), 6);
        assert!(peer.iter().all(|l| l.lang == "es"));
        assert_eq!(peer[0].set, LangSet::PeerPlain);
        assert!(peer[0].text.split(' ').any(|w| w == "cabrón"));
        // The rest of the corpus does not change with the peers' terms.
        assert_eq!(
            before.iter().map(|l| &l.text).collect::<Vec<_>>(),
            lines[..before.len()]
                .iter()
                .map(|l| &l.text)
                .collect::<Vec<_>>()
        );
        // A filter that flags only the lines about `puta` misses `cabrón`.
        let flagged: Vec<bool> = lines
            .iter()
            .map(|l| l.term.as_deref() == Some("puta"))
            .collect();
        let missed = missed_plain(&lines, &flagged, &peer_terms, "es");
        assert_eq!(
            missed.iter().map(|t| t.term.as_str()).collect::<Vec<_>>(),
            ["cabrón"]
        );
        let gap = coverage_gap(&lines, &flagged, &peer_terms);
        assert!(gap.contains("| es | 2 | 1 | list 1 / 2 |"), "{gap}");
        assert!(gap.contains("- `cabrón` (list)"), "{gap}");
    }

    #[test]
    fn forms_follow_the_engine_test() {
        assert_eq!(evade("en", "fuck", 1), "f.u.c.k");
        assert_eq!(evade("ko", "시발", 1), "ㅅㅣㅂㅏㄹ");
    }
}
