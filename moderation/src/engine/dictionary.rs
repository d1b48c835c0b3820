//! The frequent words of each shipped language, embedded from `data/dictionaries/`: what the
//! lexicon asks before blocking a term found inside a longer word (`cumin`, `Scunthorpe`), so
//! that ordinary words pass because they are words of the language, not because someone
//! listed them.
//!
//! Each file holds `word<TAB>rank` lines sorted by word, the words folded as the engine folds
//! text with runs written out (`scripts/moderation-dictionaries` builds them from wordfreq).
//! A file is indexed the first time it is asked about: one pass for where each line's word
//! starts and ends, then binary search.

use std::ops::Range;
use std::sync::OnceLock;

/// A language's words, from its embedded file.
struct Words {
    text: &'static str,
    index: OnceLock<Vec<Line>>,
}

/// Where a line's word starts and ends, in bytes of the file.
type Line = (u32, u32);

macro_rules! words {
    ($($lang:literal),* $(,)?) => {
        /// Languages that ship a dictionary, and its text.
        const FILES: &[(&str, &str)] = &[
            $(($lang, include_str!(concat!("../../data/dictionaries/", $lang, ".tsv"))),)*
        ];
    };
}

words!("en");

static WORDS: [Words; FILES.len()] = {
    let mut i = 0;
    // `Words` is not `Copy` (its `OnceLock`), so the array is built one element at a time.
    let mut out = [const {
        Words {
            text: "",
            index: OnceLock::new(),
        }
    }; FILES.len()];
    while i < FILES.len() {
        out[i].text = FILES[i].1;
        i += 1;
    }
    out
};

impl Words {
    fn index(&self) -> &[Line] {
        self.index.get_or_init(|| {
            let mut lines = Vec::new();
            let mut start = 0u32;
            let mut word_end = None;
            for (i, b) in self.text.bytes().enumerate() {
                match b {
                    b'\t' if word_end.is_none() => word_end = Some(i as u32),
                    b'\n' => {
                        lines.push((start, word_end.unwrap_or(i as u32)));
                        start = i as u32 + 1;
                        word_end = None;
                    }
                    _ => {}
                }
            }
            if (start as usize) < self.text.len() {
                let end = self.text.len() as u32;
                lines.push((start, word_end.unwrap_or(end)));
            }
            lines
        })
    }

    /// The word of a line, its rank not read.
    fn word(&self, (start, end): Line) -> &'static str {
        self.text
            .get(start as usize..end as usize)
            .unwrap_or_default()
    }

    /// The rank of a line's word.
    fn line_rank(&self, (_, end): Line) -> u32 {
        let rest = self.text.get(end as usize + 1..).unwrap_or_default();
        let rank = rest.split('\n').next().unwrap_or_default();
        rank.parse().unwrap_or(u32::MAX)
    }

    fn rank(&self, word: &str) -> Option<u32> {
        let index = self.index();
        index
            .binary_search_by(|&line| self.word(line).cmp(word))
            .ok()
            .and_then(|i| index.get(i))
            .map(|&line| self.line_rank(line))
    }
}

/// The index of a shipped language's dictionary, if it has one.
pub(crate) fn language(lang: &str) -> Option<usize> {
    FILES.iter().position(|(l, _)| *l == lang)
}

/// The codes of the languages that ship a dictionary.
pub(crate) fn languages() -> impl Iterator<Item = &'static str> {
    FILES.iter().map(|(l, _)| *l)
}

/// The frequency rank (1 for the most frequent) of a folded word in dictionary `lang`, or
/// `None` when it is not among that language's frequent words.
pub(crate) fn rank(lang: usize, word: &str) -> Option<u32> {
    WORDS.get(lang)?.rank(word)
}

/// The lines of dictionary `lang`, within the lines `within`, whose word starts with folded
/// `prefix`: a narrower range for each letter added to a prefix, so that a search letter by
/// letter looks at fewer words each time.
pub(crate) fn with_prefix(lang: usize, prefix: &str, within: Range<usize>) -> Range<usize> {
    let Some(words) = WORDS.get(lang) else {
        return 0..0;
    };
    let index = words.index();
    let Some(lines) = index.get(within.clone()) else {
        return 0..0;
    };
    let from = lines.partition_point(|&line| words.word(line) < prefix);
    let to = from
        + lines
            .get(from..)
            .unwrap_or_default()
            .partition_point(|&line| words.word(line).starts_with(prefix));
    within.start + from..within.start + to
}

/// How many lines dictionary `lang` has.
pub(crate) fn len(lang: usize) -> usize {
    WORDS.get(lang).map_or(0, |w| w.index().len())
}

/// Whether the line `line` of dictionary `lang` is exactly `word`.
pub(crate) fn is_line(lang: usize, line: usize, word: &str) -> bool {
    WORDS
        .get(lang)
        .and_then(|w| w.index().get(line).map(|&l| w.word(l) == word))
        .unwrap_or(false)
}

/// The best rank of a folded word over the dictionaries `langs`.
pub(crate) fn best_rank(langs: &[usize], word: &str) -> Option<u32> {
    langs.iter().filter_map(|&l| rank(l, word)).min()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frequent_words_have_ranks_and_others_none() {
        let en = language("en").expect("English ships a dictionary");
        assert!(rank(en, "the").is_some_and(|r| r < 10));
        assert!(rank(en, "cumin").is_some());
        assert_eq!(rank(en, "xqzzyv"), None);
        assert_eq!(rank(en, ""), None);
        let cu = with_prefix(en, "cu", 0..len(en));
        let cumi = with_prefix(en, "cumi", cu.clone());
        assert!(!cumi.is_empty() && cu.start <= cumi.start && cumi.end <= cu.end);
        assert!((cumi.start..cumi.end).any(|line| is_line(en, line, "cumin")));
        assert!(with_prefix(en, "xqzzy", 0..len(en)).is_empty());
    }

    #[test]
    fn every_file_is_sorted_and_folded() {
        for (i, (lang, _)) in FILES.iter().enumerate() {
            let words = &WORDS[i];
            let mut last = "";
            for &line in words.index() {
                let (word, rank) = (words.word(line), words.line_rank(line));
                assert!(word > last, "{lang}: {word} after {last}");
                assert!(rank < u32::MAX, "{lang}: {word} has no rank");
                last = word;
            }
        }
    }
}
