//! The shipped languages: each one's built-in lexicon (`data/lexicons/<lang>.txt`), and the
//! function words that tell which language a message is written in, so that a term that is
//! an ordinary word of another language (`con`: French for an idiot, Spanish for with) is
//! blocked only in a message of its own language.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::normalize::folded_key;

/// Every shipped language, in the order of their bits in a `LangSet`.
pub(crate) const SHIPPED: [&str; 13] = [
    "en", "es", "pt", "fr", "de", "it", "ru", "tr", "ar", "hi", "ja", "ko", "zh",
];

/// A set of shipped languages, one bit each, as `SHIPPED` orders them.
pub(crate) type LangSet = u16;

/// The languages written without spaces between words (or that glue endings onto a word):
/// their terms match inside longer runs of text.
const IN_WORD: [&str; 3] = ["ja", "ko", "zh"];

const FUNCTION_WORDS: &str = include_str!("../../data/lexicons/function-words.txt");

macro_rules! lexicons {
    ($($lang:literal),* $(,)?) => {
        /// The built-in lexicon of each shipped language but English (its own list).
        const LEXICONS: &[(&str, &str)] = &[
            $(($lang, include_str!(concat!("../../data/lexicons/", $lang, ".txt"))),)*
        ];
    };
}

lexicons!("es", "pt", "fr", "de", "it", "ru", "tr", "ar", "hi", "ja", "ko", "zh");

/// The bit of a shipped language.
pub(crate) fn bit(lang: &str) -> Option<LangSet> {
    SHIPPED.iter().position(|l| *l == lang).map(|i| 1 << i)
}

/// Whether a language's terms match inside longer words.
pub(crate) fn in_word(lang: &str) -> bool {
    IN_WORD.contains(&lang)
}

/// A built-in term: the term, and the other languages it is an ordinary word of.
pub(crate) struct BuiltinTerm<'a> {
    pub(crate) term: &'a str,
    pub(crate) clash: LangSet,
}

fn lexicon_lines(lang: &str) -> impl Iterator<Item = &'static str> {
    let text = LEXICONS
        .iter()
        .find(|(l, _)| *l == lang)
        .map_or("", |(_, t)| *t);
    text.lines().filter(|l| !l.trim().is_empty())
}

/// The terms of a shipped language's built-in lexicon (none for English, or an unknown code).
pub(crate) fn lexicon(lang: &str) -> impl Iterator<Item = BuiltinTerm<'static>> {
    lexicon_lines(lang)
        .filter(|l| !l.starts_with(['#', '=', '+']))
        .map(|line| {
            let (term, clash) = line.split_once('\t').unwrap_or((line, ""));
            BuiltinTerm {
                term: term.trim(),
                clash: clash.split(',').filter_map(bit).fold(0, |s, b| s | b),
            }
        })
}

/// The ordinary words of a language written without spaces that hide one of its terms
/// (`グローバル` around `グロ`): allowed as the allowlist allows.
pub(crate) fn hiding_words(lang: &str) -> impl Iterator<Item = &'static str> {
    lexicon_lines(lang).filter_map(|l| l.strip_prefix('+'))
}

/// Whether `word`, lowercased, is an ordinary word of language `lang` that folds like one of
/// its terms (Turkish `sık` beside `sik`).
pub(crate) fn innocent_spelling(lang: LangSet, word: &str) -> bool {
    static SPELLINGS: OnceLock<Vec<(LangSet, Vec<&'static str>)>> = OnceLock::new();
    let all = SPELLINGS.get_or_init(|| {
        LEXICONS
            .iter()
            .filter_map(|(l, _)| {
                let mut words: Vec<&str> = lexicon_lines(l)
                    .filter_map(|w| w.strip_prefix('='))
                    .collect();
                words.sort_unstable();
                Some((bit(l)?, words))
            })
            .collect()
    });
    let Some((_, words)) = all.iter().find(|(b, _)| *b == lang) else {
        return false;
    };
    if words.is_empty() {
        return false;
    }
    let lower = word.to_lowercase();
    words.binary_search(&lower.as_str()).is_ok()
}

/// The languages a folded word is a function word of (0 for none).
pub(crate) fn function_word(word: &str) -> LangSet {
    static WORDS: OnceLock<HashMap<String, LangSet>> = OnceLock::new();
    let words = WORDS.get_or_init(|| {
        let mut map: HashMap<String, LangSet> = HashMap::new();
        for line in FUNCTION_WORDS.lines().filter(|l| !l.starts_with('#')) {
            let Some((lang, words)) = line.split_once('\t') else {
                continue;
            };
            let Some(b) = bit(lang) else { continue };
            for w in words.split(' ') {
                let key = folded_key(w);
                if !key.is_empty() && !key.contains(' ') {
                    *map.entry(key).or_default() |= b;
                }
            }
        }
        map
    });
    words.get(word).copied().unwrap_or(0)
}

/// The shipped language a folded word's script says it is written in (0 for Latin and the
/// scripts of no shipped language, or of several).
pub(crate) fn script_of(word: &str) -> LangSet {
    let (mut kana, mut han, mut other) = (false, false, 0);
    for c in word.chars() {
        match c as u32 {
            0x3040..=0x30FF => kana = true,
            0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0x20000..=0x3FFFF => han = true,
            0x1100..=0x11FF | 0xAC00..=0xD7AF => other |= bit("ko").unwrap_or(0),
            0x0400..=0x052F => other |= bit("ru").unwrap_or(0),
            0x0600..=0x06FF | 0x0750..=0x077F => other |= bit("ar").unwrap_or(0),
            0x0900..=0x097F => other |= bit("hi").unwrap_or(0),
            _ => {}
        }
    }
    if kana {
        other |= bit("ja").unwrap_or(0);
    } else if han {
        other |= bit("zh").unwrap_or(0);
    }
    other
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_language_but_english_has_a_lexicon() {
        for lang in SHIPPED.iter().skip(1) {
            assert!(lexicon(lang).count() >= 20, "{lang}");
        }
        assert_eq!(lexicon("en").count(), 0);
    }

    #[test]
    fn ambiguous_terms_name_the_languages_they_are_ordinary_words_of() {
        let con = lexicon("fr").find(|t| t.term == "con");
        let spanish = bit("es").unwrap_or(0);
        assert!(con.is_some_and(|t| t.clash & spanish != 0));
    }

    #[test]
    fn function_words_are_folded_and_known_per_language() {
        assert_ne!(function_word("the") & bit("en").unwrap_or(0), 0);
        assert_ne!(function_word("pas") & bit("fr").unwrap_or(0), 0);
        assert_eq!(function_word("xqzzy"), 0);
    }
}
