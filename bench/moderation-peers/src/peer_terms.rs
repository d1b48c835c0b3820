//! The peers' own word lists, per language of ours: the lists the npm peers ship (read from
//! the installed packages by `node/terms.mjs`) and `rustrict`'s (English), each term folded
//! to lower case, deduplicated across lists and kept with the lists that name it. The
//! per-language corpus sets these terms in messages, plain and disguised, so recall can be
//! measured on words nobody here chose.
//!
//! A list entry is kept when it is a word or phrase of letters: entries with digits, symbols
//! or punctuation (`a$$`, `f*ck`, `foda-se`, `5 heures`) are written disguises or
//! translation debris, not words a generator should disguise again, and an entry of one
//! letter is too short to mean anything alone. Phrases are kept: every evasion form of
//! `ivschat_moderation::evasion::evade` applies to them (the separated forms join their
//! words).

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;

/// `rustrict`'s word list, copied from its crate source by the build script (empty when the
/// source was not found).
const RUSTRICT_CSV: &str = include_str!(concat!(env!("OUT_DIR"), "/rustrict-profanity.csv"));
const RUSTRICT_VERSION: &str = env!("MODERATION_PEERS_RUSTRICT_VERSION");

/// Licences under which a list's terms may be merged into our lexicons with attribution.
pub const PERMISSIVE: &[&str] = &["MIT", "ISC", "CC-BY-4.0", "MIT OR Apache-2.0"];

/// One peer's lists.
#[derive(Debug, Clone, Deserialize)]
pub struct Source {
    /// The peer's name, as the tables write it.
    pub source: String,
    #[serde(default)]
    pub version: String,
    /// The licence its package declares (SPDX).
    #[serde(default)]
    pub license: String,
    /// Per language code, the entries as the package lists them.
    #[serde(default)]
    pub lists: BTreeMap<String, Vec<String>>,
    /// Why its lists could not be read.
    #[serde(default)]
    pub error: Option<String>,
}

#[derive(Debug, Deserialize)]
struct NodeTerms {
    sources: Vec<Source>,
}

/// A term of the peers' lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeerTerm {
    /// Lower case, words separated by one space.
    pub term: String,
    /// The lists that name it (sources' names, sorted).
    pub sources: Vec<String>,
}

/// Entries left out of one language's set, and why.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Dropped {
    /// Digits, symbols or punctuation in the entry.
    pub not_words: usize,
    /// Fewer than two letters.
    pub short: usize,
}

/// The peers' terms of every language, and the lists they came from.
#[derive(Debug, Clone, Default)]
pub struct PeerTerms {
    pub sources: Vec<Source>,
    /// Per language code, the terms in order of their text.
    pub by_lang: BTreeMap<String, Vec<PeerTerm>>,
    /// Per language code, what was left out.
    pub dropped: BTreeMap<String, Dropped>,
}

impl PeerTerms {
    /// The terms of `lang` (none when no list covers it).
    pub fn of(&self, lang: &str) -> &[PeerTerm] {
        self.by_lang.get(lang).map_or(&[], Vec::as_slice)
    }

    /// The licence `source` declares.
    pub fn license_of(&self, source: &str) -> &str {
        self.sources
            .iter()
            .find(|s| s.source == source)
            .map_or("?", |s| s.license.as_str())
    }
}

/// Reads the report of `node/terms.mjs`.
pub fn parse_node_terms(stdout: &[u8]) -> Result<Vec<Source>, String> {
    serde_json::from_slice::<NodeTerms>(stdout)
        .map(|r| r.sources)
        .map_err(|e| format!("the terms runner printed no valid report: {e}"))
}

/// `rustrict`'s English list: its entries at its default threshold (profane, offensive or
/// sexual at moderate severity or more, or severely mean), a leading space (its mark for
/// "a whole word") dropped.
pub fn rustrict_source() -> Source {
    let terms: Vec<String> = RUSTRICT_CSV
        .lines()
        .skip(1)
        .filter_map(|line| {
            let mut fields = line.split(',');
            let word = fields.next()?;
            let w: Vec<i8> = fields.map_while(|f| f.trim().parse().ok()).collect();
            let (profane, offensive, sexual, mean) =
                (*w.first()?, *w.get(1)?, *w.get(2)?, *w.get(3)?);
            (profane.max(offensive).max(sexual) >= 2 || mean >= 3).then(|| word.trim().to_owned())
        })
        .collect();
    Source {
        source: "rustrict".to_owned(),
        version: RUSTRICT_VERSION.to_owned(),
        license: "MIT OR Apache-2.0".to_owned(),
        error: terms
            .is_empty()
            .then(|| "its word list was not found in Cargo's registry".to_owned()),
        lists: BTreeMap::from([("en".to_owned(), terms)]),
    }
}

/// A combining mark of the scripts our languages use (Rust's `is_alphabetic` leaves out the
/// virama, the nukta and some Arabic marks).
fn is_mark(c: char) -> bool {
    matches!(c,
        '\u{0300}'..='\u{036F}'
        | '\u{064B}'..='\u{065F}'
        | '\u{0670}'
        | '\u{06D6}'..='\u{06ED}'
        | '\u{0900}'..='\u{0903}'
        | '\u{093A}'..='\u{094F}'
        | '\u{0951}'..='\u{0957}'
        | '\u{0962}'..='\u{0963}'
        | '\u{3099}'..='\u{309A}')
}

/// `entry` as a term: lower case, words separated by one space; `Err` says why it is left out.
fn term_of(entry: &str) -> Result<String, fn(&mut Dropped)> {
    let words: Vec<&str> = entry.split_whitespace().collect();
    let term = words.join(" ").to_lowercase();
    if !term
        .chars()
        .all(|c| c == ' ' || c.is_alphabetic() || is_mark(c))
    {
        return Err(|d| d.not_words += 1);
    }
    if term.chars().filter(|c| c.is_alphabetic()).count() < 2 {
        return Err(|d| d.short += 1);
    }
    Ok(term)
}

/// Merges the sources' lists: per language, each term once with the lists that name it.
pub fn merge(sources: Vec<Source>) -> PeerTerms {
    let mut by_lang: BTreeMap<String, BTreeMap<String, BTreeSet<String>>> = BTreeMap::new();
    let mut dropped: BTreeMap<String, Dropped> = BTreeMap::new();
    for source in &sources {
        for (lang, entries) in &source.lists {
            for entry in entries {
                match term_of(entry) {
                    Ok(term) => {
                        by_lang
                            .entry(lang.clone())
                            .or_default()
                            .entry(term)
                            .or_default()
                            .insert(source.source.clone());
                    }
                    Err(count) => count(dropped.entry(lang.clone()).or_default()),
                }
            }
        }
    }
    PeerTerms {
        sources,
        by_lang: by_lang
            .into_iter()
            .map(|(lang, terms)| {
                let terms = terms
                    .into_iter()
                    .map(|(term, sources)| PeerTerm {
                        term,
                        sources: sources.into_iter().collect(),
                    })
                    .collect();
                (lang, terms)
            })
            .collect(),
        dropped,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(name: &str, lang: &str, entries: &[&str]) -> Source {
        Source {
            source: name.to_owned(),
            version: "1".to_owned(),
            license: "MIT".to_owned(),
            lists: BTreeMap::from([(
                lang.to_owned(),
                entries.iter().map(|e| (*e).to_owned()).collect(),
            )]),
            error: None,
        }
    }

    #[test]
    fn terms_are_folded_to_lower_case_and_merged_across_lists() {
        let terms = merge(vec![
            source("a", "es", &["Puta", "hijo  de puta", "a$$", "x"]),
            source("b", "es", &["puta", "cabrón"]),
        ]);
        let es = terms.of("es");
        assert_eq!(
            es.iter().map(|t| t.term.as_str()).collect::<Vec<_>>(),
            ["cabrón", "hijo de puta", "puta"]
        );
        assert_eq!(es[2].sources, ["a", "b"]);
        assert_eq!(
            terms.dropped.get("es"),
            Some(&Dropped {
                not_words: 1,
                short: 1
            })
        );
        assert!(terms.of("fr").is_empty());
    }

    #[test]
    fn devanagari_and_arabic_marks_belong_to_words() {
        assert_eq!(term_of("चूतिया").ok().as_deref(), Some("चूतिया"));
        assert_eq!(term_of("भड़वा").ok().as_deref(), Some("भड़वा"));
        assert_eq!(term_of("بِنت").ok().as_deref(), Some("بِنت"));
        assert!(term_of("f*ck").is_err());
        assert!(term_of("foda-se").is_err());
    }

    #[test]
    fn rustrict_list_is_read_at_its_default_threshold() {
        let s = rustrict_source();
        assert_eq!(s.error, None, "the build script found rustrict's list");
        let en = s.lists.get("en").map(Vec::as_slice).unwrap_or_default();
        assert!(en.iter().any(|t| t == "asshole"));
        assert!(en.iter().all(|t| !t.starts_with(' ')));
        assert!(!en.iter().any(|t| t == "damn"));
    }

    #[test]
    fn node_report_is_read() {
        let json = br#"{"sources":[{"source":"glin-profanity","version":"3.3.0","license":"ISC","lists":{"en":["fuck"]}}]}"#;
        let sources = parse_node_terms(json).expect("valid");
        assert_eq!(sources[0].license, "ISC");
        assert!(parse_node_terms(b"nope").is_err());
    }
}
