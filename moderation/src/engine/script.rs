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

use std::sync::OnceLock;

use super::chars;

/// Traditional Chinese characters and their simplified forms, one pair a line.
const HAN_TRADITIONAL: &str = include_str!("../../data/lexicons/zh-hant-to-hans.txt");

pub(super) use super::chars::Route;

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

/// The first character of `c` lowercased (`c` itself when lowercasing leaves it).
fn lower(c: char) -> char {
    if chars::props(c).lowercase_is_self() {
        c
    } else {
        c.to_lowercase().next().unwrap_or(c)
    }
}

/// Cyrillic and Greek letters that look like Latin ones.
fn lookalike(c: char) -> bool {
    foreign_lookalike(c)
        || matches!(
            lower(c),
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
/// Returns the answer, where the word ends, and whether the answer came from the words
/// around it (one look-alike alone), which masking a neighbour can change.
pub(super) fn disguised_word(input: &str, at: usize) -> (bool, usize, bool) {
    let part = |c: char| {
        let p = chars::props(c);
        p.alphanumeric()
            || p.combining()
            || drawn_letter(c)
            || matches!(
                c,
                '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}'
            )
    };
    let (start, end) = chars::run_around(input, at, part);
    let word = input.get(start..end).unwrap_or_default();
    let mut other = false;
    let mut all_lookalike = true;
    let mut foreign = false;
    let (mut letters, mut cyrillic, mut greek) = (0, false, false);
    for c in word.chars() {
        // One look-up for what is asked of the letter, and none for its lowercase when it
        // is the letter itself (most are).
        let p = chars::props(c);
        if !p.alphabetic() {
            // A symbol drawn for a Latin letter is one (`¢` in `вιт¢н`).
            other |= drawn_letter(c);
            continue;
        }
        // Judged without accents, as folding writes it (`ї` as `і`). A character with no
        // compatibility decomposition has no canonical one either.
        let mut base = c;
        if !p.decomposes_to_self() {
            unicode_normalization::char::decompose_canonical(c, |d| {
                if !chars::props(d).combining() && base == c {
                    base = d;
                }
            });
        }
        let (c, p) = if base == c && p.lowercase_is_self() {
            (c, p)
        } else {
            let c = lower(base);
            (c, chars::props(c))
        };
        letters += 1;
        if p.route() == Route::LookAlike {
            cyrillic |= matches!(c as u32, 0x0400..=0x052F);
            greek |= matches!(c as u32, 0x0370..=0x03FF | 0x1F00..=0x1FFF);
            // Once a letter is no look-alike the word is not all look-alikes: no need to ask.
            all_lookalike = all_lookalike && lookalike(c);
            foreign |= foreign_lookalike(c);
        } else if !p.combining() {
            other = true;
        }
    }
    // No word mixes Cyrillic and Greek; a look-alike standing alone among Latin letters
    // standing alone is one of them spelled out (`ԁ_i_с_κ`, `b а ѕ τ а r d`).
    let mixed = other || (cyrillic && greek);
    let by_neighbours = !mixed && all_lookalike && !foreign && letters == 1;
    let disguise = mixed
        || (all_lookalike
            && (foreign
                || (letters == 1
                    && (among_latin_letters(input, start, end)
                        || beside_mixed_word(input, start, end)))));
    (disguise, end, by_neighbours)
}

/// Whether `c` is a precomposed Hangul syllable (`가` to `힣`), not a jamo.
pub(super) fn hangul_syllable(c: char) -> bool {
    ('\u{AC00}'..='\u{D7A3}').contains(&c)
}

/// The Latin letter that chat and fancy text draw with `c`, a letter of another alphabet or
/// a symbol: `∂` and `ð` for `d`, `ł` for `l` (`∂ick`, `łick`), which the confusables table
/// leaves as they are, and `¢` for `c`, which it reads so too.
pub(super) fn drawn_as_latin(c: char) -> Option<char> {
    match c {
        '∂' | 'ð' | 'Ð' => Some('d'),
        'ł' | 'Ł' => Some('l'),
        '¢' => Some('c'),
        _ => None,
    }
}

/// Whether `c` is a symbol drawn for a Latin letter (`drawn_as_latin`): among Cyrillic and
/// Greek look-alikes it is a letter of the word it stands in (`∂ι¢к`).
fn drawn_letter(c: char) -> bool {
    !c.is_alphabetic() && drawn_as_latin(c).is_some()
}

/// Whether the word before or after the one at `start..end` (past at most three separators)
/// mixes Latin letters with Cyrillic or Greek ones: a one-letter look-alike between the
/// words of a disguised phrase is one of its words (`в` in `лыcoгo в кyлaкe`).
fn beside_mixed_word(input: &str, start: usize, end: usize) -> bool {
    // The letters of the nearest word, in either order: mixed is a property of the set.
    let mixed = |chars: &mut dyn Iterator<Item = char>| {
        let (mut latin, mut other, mut gap) = (false, false, 0);
        for c in chars.take(64) {
            let p = chars::props(c);
            if p.alphanumeric() {
                // Latin letters with hooks and strokes too (`ƒ`), as fancy text writes them.
                latin |=
                    c.is_ascii_alphabetic() || (p.alphabetic() && p.route() == Route::Confusable);
                other |= matches!(c as u32, 0x0370..=0x052F);
            } else if latin || other {
                break;
            } else {
                gap += 1;
                if gap > 3 {
                    return false;
                }
            }
        }
        latin && other
    };
    let before = input.get(..start).unwrap_or_default();
    let after = input.get(end..).unwrap_or_default();
    mixed(&mut before.chars().rev()) || mixed(&mut after.chars())
}

/// Whether the one-letter word at `start..end` stands in a run of one-letter words (letters
/// apart, at most three separators between them) with a Latin letter or a look-alike Russian
/// never uses in it. Looks at most 24 characters each way.
fn among_latin_letters(input: &str, start: usize, end: usize) -> bool {
    let telling = |c: char| c.is_ascii_alphabetic() || foreign_lookalike(c);
    let scan = |letters: &mut dyn Iterator<Item = char>| {
        let mut gap = 0;
        let mut letter: Option<char> = None;
        for c in letters.take(24) {
            if chars::props(c).alphanumeric() {
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

/// The traditional characters that have a simplified form: which of the code points below
/// `BITMAP_END` are among them, one bit each, and every pair, sorted.
struct HanTable {
    listed: Vec<u64>,
    pairs: Vec<(char, char)>,
}

/// The bitmap covers the unified ideographs and extension A; the rarer characters above
/// are looked up in the pairs directly.
const BITMAP_END: u32 = 0xA000;

/// The simplified form of a traditional Chinese character (itself when it has none).
fn simplified(c: char) -> char {
    // Asked for every Han character: a bit answers for most (already simplified, or never
    // changed), a binary search for the rest. A hashed map took a tenth of the time of a
    // Chinese message in hashing alone.
    static TABLE: OnceLock<HanTable> = OnceLock::new();
    let table = TABLE.get_or_init(|| {
        let mut pairs: Vec<(char, char)> = HAN_TRADITIONAL
            .lines()
            .filter_map(|l| {
                let mut cs = l.chars();
                Some((cs.next()?, cs.next()?))
            })
            .collect();
        // A character listed twice maps as its last line says, as a map built in order would.
        pairs.reverse();
        pairs.sort_by_key(|&(t, _)| t);
        pairs.dedup_by_key(|&mut (t, _)| t);
        let mut listed = vec![0u64; BITMAP_END as usize / 64];
        for &(t, _) in &pairs {
            if let Some(word) = listed.get_mut(t as usize / 64) {
                *word |= 1 << (t as u32 % 64);
            }
        }
        HanTable { listed, pairs }
    });
    let u = c as u32;
    if u < BITMAP_END {
        let listed = table
            .listed
            .get(u as usize / 64)
            .is_some_and(|w| w & (1 << (u % 64)) != 0);
        if !listed {
            return c;
        }
    }
    table
        .pairs
        .binary_search_by_key(&c, |&(t, _)| t)
        .map_or(c, |i| table.pairs.get(i).map_or(c, |&(_, s)| s))
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
/// Han, Arabic and Devanagari letters; `classes.rs`): folded as they are, without the
/// Unicode property look-ups.
pub(super) fn caseless_letter(c: char) -> bool {
    chars::props(c).caseless_letter()
}

/// Han and kana, full- and half-width (`classes.rs`): the characters of scripts written
/// without spaces.
pub(super) fn wide(c: char) -> bool {
    chars::props(c).wide()
}

/// Whether the separator at byte `at` of `input` starts a short run (at most three
/// separators) that a Han or kana character ends.
pub(super) fn bridges_wide(input: &str, at: usize) -> bool {
    let rest = input.get(at..).unwrap_or_default();
    let mut seps = 0;
    for c in rest.chars() {
        if chars::props(c).whitespace() || c.is_ascii_punctuation() {
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

    #[test]
    fn a_one_letter_lookalike_beside_a_mixed_word_is_part_of_the_disguise() {
        // `в` between two words that mix Latin look-alikes into Cyrillic.
        let text = "лыcoгo в кyлaкe";
        let at = text.find('в').unwrap_or_default();
        assert!(disguised_word(text, at).0);
        // Beside Russian words, it is the Russian preposition.
        let text = "я в шоке";
        let at = text.find('в').unwrap_or_default();
        assert!(!disguised_word(text, at).0);
    }
}
