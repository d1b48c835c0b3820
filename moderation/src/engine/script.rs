//! What folding does to a character of each writing system, so that a word is compared with
//! the forms it may be written in without being turned into another word.
//!
//! Latin text, and the symbols and look-alike letters used to disguise it, go through the
//! confusables table. Cyrillic and Greek do only inside a word that mixes them with other
//! letters (`fu\u{0441}k`, a disguise) or that is made of look-alikes alone with one no
//! Russian word uses (`\u{0430}\u{0455}\u{0455}`); an ordinary Cyrillic or Greek word stays in
//! its script, lowercased, without accents (`ё` as `е`, `й` as `и`). The other scripts keep
//! their letters, with these variants made one: Hangul syllables and compatibility jamo as
//! conjoining jamo, final consonants as initial ones (`시발`, `ㅅㅣㅂㅏㄹ` and `시 발` read
//! alike); katakana, half-width katakana included, as hiragana, voicing marks kept (`が` is
//! not `か`); traditional Chinese characters as simplified ones; Arabic without tatweel and
//! vowel marks, with alef, yeh, kaf and teh marbuta variants made one; Devanagari without
//! nukta, chandrabindu as anusvara, vowel signs and virama kept.

use std::collections::HashMap;
use std::sync::OnceLock;

/// Traditional Chinese characters and their simplified forms, one pair a line.
const HAN_TRADITIONAL: &str = include_str!("../../data/lexicons/zh-hant-to-hans.txt");

/// How a character (after compatibility decomposition) is folded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Route {
    /// Through the confusables table: Latin, symbols, and the look-alikes of other scripts.
    Confusable,
    /// Cyrillic or Greek: kept, or through the confusables table in a disguised word.
    LookAlike,
    /// A script kept as it is, through `native`.
    Native,
}

pub(super) fn route(c: char) -> Route {
    match c as u32 {
        0x0370..=0x03FF
        | 0x1F00..=0x1FFF
        | 0x0400..=0x052F
        | 0x1C80..=0x1C8F
        | 0x2DE0..=0x2DFF
        | 0xA640..=0xA69F => Route::LookAlike,
        // Hebrew, Arabic, Syriac, Thaana; Indic scripts, Thai, Lao, Tibetan; Hangul; kana;
        // CJK ideographs; Arabic supplements.
        0x0590..=0x07BF
        | 0x0860..=0x08FF
        | 0x0900..=0x0FFF
        | 0x1100..=0x11FF
        | 0x3005..=0x3007
        | 0x3040..=0x30FF
        | 0x3130..=0x318F
        | 0x31F0..=0x31FF
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xA960..=0xA97F
        | 0xAC00..=0xD7FF
        | 0x20000..=0x3FFFF => Route::Native,
        _ => Route::Confusable,
    }
}

/// Letters Russian spells no word with that look like Latin ones: a word of look-alikes with
/// one of them is a disguised Latin word (`\u{0430}\u{0455}\u{0455}`).
fn foreign_lookalike(c: char) -> bool {
    matches!(
        c,
        '\u{0455}'
            | '\u{0405}'
            | '\u{0456}'
            | '\u{0406}'
            | '\u{0458}'
            | '\u{0408}'
            | '\u{04BB}'
            | '\u{04BA}'
            | '\u{0501}'
            | '\u{0500}'
            | '\u{04CF}'
            | '\u{04C0}'
            | '\u{051B}'
            | '\u{051D}'
    )
}

/// Cyrillic and Greek letters that look like Latin ones.
fn lookalike(c: char) -> bool {
    foreign_lookalike(c)
        || matches!(
            c.to_lowercase().next().unwrap_or(c),
            'а' | 'в'
                | 'е'
                | 'к'
                | 'м'
                | 'н'
                | 'о'
                | 'р'
                | 'с'
                | 'т'
                | 'у'
                | 'х'
                | 'ь'
                | 'α'
                | 'β'
                | 'ε'
                | 'ι'
                | 'κ'
                | 'ν'
                | 'ο'
                | 'ρ'
                | 'τ'
                | 'υ'
                | 'χ'
        )
}

/// Whether the word of `input` around byte `at` (letters, digits, marks and invisible
/// characters) is a disguise: Cyrillic or Greek mixed with other letters or with each other,
/// look-alikes only with one Russian never uses, or one look-alike alone (`ԁ_i_с_κ`).
/// Returns the answer and where the word ends.
pub(super) fn disguised_word(input: &str, at: usize) -> (bool, usize) {
    let part = |c: char| {
        c.is_alphanumeric()
            || unicode_normalization::char::is_combining_mark(c)
            || matches!(
                c,
                '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}'
            )
    };
    let head = input.get(..at).unwrap_or_default();
    let start = head
        .char_indices()
        .rev()
        .take_while(|&(_, c)| part(c))
        .last()
        .map_or(at, |(i, _)| i);
    let tail = input.get(at..).unwrap_or_default();
    let end = tail
        .char_indices()
        .find(|&(_, c)| !part(c))
        .map_or(input.len(), |(i, _)| at + i);
    let word = input.get(start..end).unwrap_or_default();
    let mut other = false;
    let mut all_lookalike = true;
    let mut foreign = false;
    let (mut letters, mut cyrillic, mut greek) = (0, false, false);
    for c in word.chars().filter(|c| c.is_alphabetic()) {
        // Judged without accents, as folding writes it (`ї` as `і`).
        let mut base = c;
        unicode_normalization::char::decompose_canonical(c, |d| {
            if !unicode_normalization::char::is_combining_mark(d) && base == c {
                base = d;
            }
        });
        let c = base.to_lowercase().next().unwrap_or(base);
        letters += 1;
        if route(c) == Route::LookAlike {
            cyrillic |= matches!(c as u32, 0x0400..=0x052F);
            greek |= matches!(c as u32, 0x0370..=0x03FF | 0x1F00..=0x1FFF);
            all_lookalike &= lookalike(c);
            foreign |= foreign_lookalike(c);
        } else if !unicode_normalization::char::is_combining_mark(c) {
            other = true;
        }
    }
    // No word mixes Cyrillic and Greek; a look-alike standing alone among Latin letters
    // standing alone is one of them spelled out (`ԁ_i_с_κ`, `b а ѕ τ а r d`).
    let disguise = other
        || (cyrillic && greek)
        || (all_lookalike && (foreign || (letters == 1 && among_latin_letters(input, start, end))));
    (disguise, end)
}

/// Whether the one-letter word at `start..end` stands in a run of one-letter words (letters
/// apart, at most three separators between them) with a Latin letter or a look-alike Russian
/// never uses in it. Looks at most 24 characters each way.
fn among_latin_letters(input: &str, start: usize, end: usize) -> bool {
    let telling = |c: char| c.is_ascii_alphabetic() || foreign_lookalike(c);
    let scan = |chars: &mut dyn Iterator<Item = char>| {
        let mut gap = 0;
        let mut letter: Option<char> = None;
        for c in chars.take(24) {
            if c.is_alphanumeric() {
                if letter.is_some() {
                    // Two letters together: a word, not a letter spelled out.
                    return false;
                }
                letter = Some(c);
                gap = 0;
            } else {
                if let Some(l) = letter.take() {
                    if telling(l) {
                        return true;
                    }
                }
                gap += 1;
                if gap > 3 {
                    return false;
                }
            }
        }
        letter.is_some_and(telling)
    };
    let before = input.get(..start).unwrap_or_default();
    let after = input.get(end..).unwrap_or_default();
    scan(&mut before.chars().rev()) || scan(&mut after.chars())
}

/// Combining marks that a native script keeps (as letters of the word): Indic vowel signs
/// and virama, Thai and Lao vowels, kana voicing marks. Chandrabindu reads as anusvara;
/// nukta, Arabic and Hebrew vowel marks and every Latin, Greek and Cyrillic accent go.
pub(super) fn kept_mark(d: char) -> Option<char> {
    match d as u32 {
        0x093C => None,
        0x0901 => Some('\u{0902}'),
        0x0900..=0x0FFF => Some(d),
        0x3099 | 0x309A => Some(d),
        _ => None,
    }
}

/// A character of a native script as folding writes it: zero, one or two characters.
pub(super) fn native(d: char, out: &mut impl FnMut(char)) {
    let u = d as u32;
    match u {
        // Final consonants as initial ones.
        0x11A8..=0x11C2 => {
            let (a, b) = JONGSEONG[(u - 0x11A8) as usize];
            out(a);
            if let Some(b) = b {
                out(b);
            }
        }
        // Katakana as hiragana; the katakana iteration marks as hiragana ones.
        0x30A1..=0x30F6 | 0x30FD | 0x30FE => out(char::from_u32(u - 0x60).unwrap_or(d)),
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0x20000..=0x3FFFF => out(simplified(d)),
        0x0640 => {}
        _ => out(match d {
            // Alef with madda or hamza lose the mark in decomposition; these have none.
            'ٱ' => 'ا',
            'ى' | 'ی' | 'ې' => 'ي',
            'ک' => 'ك',
            'ة' => 'ه',
            'ۀ' | 'ہ' | 'ە' => 'ه',
            _ => d,
        }),
    }
}

/// Each final consonant (U+11A8 to U+11C2) as one or two initial ones.
const JONGSEONG: [(char, Option<char>); 27] = [
    ('\u{1100}', None),
    ('\u{1101}', None),
    ('\u{1100}', Some('\u{1109}')),
    ('\u{1102}', None),
    ('\u{1102}', Some('\u{110C}')),
    ('\u{1102}', Some('\u{1112}')),
    ('\u{1103}', None),
    ('\u{1105}', None),
    ('\u{1105}', Some('\u{1100}')),
    ('\u{1105}', Some('\u{1106}')),
    ('\u{1105}', Some('\u{1107}')),
    ('\u{1105}', Some('\u{1109}')),
    ('\u{1105}', Some('\u{1110}')),
    ('\u{1105}', Some('\u{1111}')),
    ('\u{1105}', Some('\u{1112}')),
    ('\u{1106}', None),
    ('\u{1107}', None),
    ('\u{1107}', Some('\u{1109}')),
    ('\u{1109}', None),
    ('\u{110A}', None),
    ('\u{110B}', None),
    ('\u{110C}', None),
    ('\u{110E}', None),
    ('\u{110F}', None),
    ('\u{1110}', None),
    ('\u{1111}', None),
    ('\u{1112}', None),
];

/// The simplified form of a traditional Chinese character (itself when it has none).
fn simplified(c: char) -> char {
    static TABLE: OnceLock<HashMap<char, char>> = OnceLock::new();
    let table = TABLE.get_or_init(|| {
        HAN_TRADITIONAL
            .lines()
            .filter_map(|l| {
                let mut cs = l.chars();
                Some((cs.next()?, cs.next()?))
            })
            .collect()
    });
    table.get(&c).copied().unwrap_or(c)
}

/// Characters spelt out to stand for a Latin letter pair: `ß` is `ss`.
pub(super) fn spelled(c: char) -> Option<&'static str> {
    match c {
        'ß' | 'ẞ' => Some("ss"),
        'ı' => Some("i"),
        _ => None,
    }
}

/// Letters without case of the native scripts most chat is written in (Hangul jamo, kana,
/// Han, Arabic and Devanagari letters): folded as they are, without the Unicode property
/// look-ups that cost a quarter of the time of a message in those scripts.
pub(super) fn caseless_letter(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x11FF | 0x3041..=0x3096 | 0x30A1..=0x30FA | 0x30FC | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF | 0x0621..=0x063A | 0x0641..=0x064A | 0x0904..=0x0939
        | 0x0958..=0x0961)
}

/// Han and kana, full- and half-width: the characters of scripts written without spaces.
pub(super) fn wide(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF | 0x31F0..=0x31FF | 0xFF66..=0xFF9F | 0x3400..=0x4DBF | 0x4E00..=0x9FFF
        | 0xF900..=0xFAFF | 0x20000..=0x3FFFF)
}

/// Whether the separator at byte `at` of `input` starts a short run (at most three
/// separators) that a Han or kana character ends.
pub(super) fn bridges_wide(input: &str, at: usize) -> bool {
    let rest = input.get(at..).unwrap_or_default();
    let mut seps = 0;
    for c in rest.chars() {
        if c.is_whitespace() || c.is_ascii_punctuation() {
            seps += 1;
            if seps > 3 {
                return false;
            }
        } else if !matches!(c, '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}') {
            return wide(c);
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_han_table_maps_traditional_to_simplified_without_chains() {
        assert_eq!(simplified('說'), '说');
        assert_eq!(simplified('媽'), '妈');
        assert_eq!(simplified('你'), '你');
        for line in HAN_TRADITIONAL.lines() {
            let s: Vec<char> = line.chars().collect();
            assert_eq!(s.len(), 2, "{line}");
            assert_eq!(simplified(s[1]), s[1], "{line}: a chain");
        }
    }

    #[test]
    fn disguised_words_are_mixed_or_use_foreign_lookalikes() {
        assert!(disguised_word("fu\u{0441}k", 2).0);
        assert!(disguised_word("\u{0430}\u{0455}\u{0455}", 0).0);
        assert!(!disguised_word("блять", 0).0);
        assert!(!disguised_word("как дела", 0).0);
        assert_eq!(disguised_word("как дела", 2).1, 6);
    }
}
