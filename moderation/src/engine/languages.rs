//! The shipped languages: each one's built-in lexicon (`data/lexicons/<lang>.txt`), and the
//! function words that tell which language a message is written in, so that a term that is
//! an ordinary word of another language (`con`: French for an idiot, Spanish for with) is
//! blocked only in a message of its own language.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::dictionary;
use super::normalize::folded_key;

/// Every shipped language, in the order of their bits in a `LangSet`.
pub(crate) const SHIPPED: [&str; 13] = [
    "en", "es", "pt", "fr", "de", "it", "ru", "tr", "ar", "hi", "ja", "ko", "zh",
];

/// A set of shipped languages, one bit each, as `SHIPPED` orders them, and `ELSEWHERE`.
pub(crate) type LangSet = u16;

/// The languages the engine does not ship, as one: a term that is a frequent word of one of
/// them (Indonesian `suka`, to like; Tagalog `paki`, please; Swedish `slut`, end) passes in
/// a message whose words point there more than to any shipped language
/// (`data/lexicons/elsewhere-false-friends.tsv`).
pub(crate) const ELSEWHERE: LangSet = 1 << SHIPPED.len();

/// How many languages a message's words are counted for: the shipped ones and `ELSEWHERE`.
pub(crate) const COUNTED: usize = SHIPPED.len() + 1;

/// The languages written without spaces between words (or that glue endings onto a word):
/// their terms match inside longer runs of text.
const IN_WORD: LangSet = JA | KO | ZH;

const FUNCTION_WORDS: &str = include_str!("../../data/lexicons/function-words.txt");

/// The most frequent words of each language the engine does not ship, folded, less those a
/// shipped language writes at most ten times less often: the evidence of `ELSEWHERE`.
const ELSEWHERE_WORDS: &str = include_str!("../../data/lexicons/elsewhere-words.txt");

/// The everyday words of the languages written in Latin letters past their function words,
/// folded (`perro`, `mercado`): further evidence of a message's language, where the function
/// words two languages share (`un`, `y`) leave it open.
const LANGUAGE_WORDS: &str = include_str!("../../data/lexicons/language-words.txt");

macro_rules! lexicons {
    ($($lang:literal),* $(,)?) => {
        /// The built-in lexicon of each shipped language but English (its own list).
        const LEXICONS: &[(&str, &str)] = &[
            $(($lang, include_str!(concat!("../../data/lexicons/", $lang, ".txt"))),)*
        ];
    };
}

lexicons!("es", "pt", "fr", "de", "it", "ru", "tr", "ar", "hi", "ja", "ko", "zh");

/// The bit of a shipped language, worked out at compile time (0 for none).
const fn const_bit(lang: &str) -> LangSet {
    let mut i = 0;
    while i < SHIPPED.len() {
        let (a, b) = (SHIPPED[i].as_bytes(), lang.as_bytes());
        if a.len() == b.len() {
            let mut k = 0;
            while k < a.len() && a[k] == b[k] {
                k += 1;
            }
            if k == a.len() {
                return 1 << i;
            }
        }
        i += 1;
    }
    0
}

const KO: LangSet = const_bit("ko");
const RU: LangSet = const_bit("ru");
const AR: LangSet = const_bit("ar");
const HI: LangSet = const_bit("hi");
const JA: LangSet = const_bit("ja");
const ZH: LangSet = const_bit("zh");
const TR: LangSet = const_bit("tr");
/// English's bit.
pub(crate) const EN: LangSet = const_bit("en");

/// The bit of a shipped language.
pub(crate) fn bit(lang: &str) -> Option<LangSet> {
    SHIPPED.iter().position(|l| *l == lang).map(|i| 1 << i)
}

/// Whether a language's terms match inside longer words (those in its own script: a term in
/// Latin letters is a whole word in every language).
pub(crate) fn in_word(lang: &str) -> bool {
    bit(lang).is_some_and(any_in_word)
}

/// `in_word` for a set of languages: whether one of them is written without spaces.
pub(crate) fn any_in_word(langs: LangSet) -> bool {
    langs & IN_WORD != 0
}

/// Whether a root of `lang` (a lexicon line `*root`) is found only at the start of a word, and
/// stands for the whole word there: Turkish builds its words by endings alone (`sikerler`,
/// `orospudur`, `ibnesi`), so a root inside a word is another word's letters (`klasik`,
/// `eksik` hold `sik`).
pub(crate) fn roots_start_words(lang: LangSet) -> bool {
    lang & TR != 0
}

/// Whether `lang`'s chat is written in Latin letters first: the languages of the Latin
/// alphabet, and Hindi, whose chat writes it romanized more than in Devanagari. The Latin
/// spellings of the others are transliterations (`suka`, `caonima`, `sibal`).
pub(crate) fn chats_in_latin(lang: LangSet) -> bool {
    const LATIN: LangSet = const_bit("es")
        | const_bit("pt")
        | const_bit("fr")
        | const_bit("de")
        | const_bit("it")
        | const_bit("tr")
        | HI;
    lang & LATIN != 0
}

/// The letters of Turkish's alphabet that folding reads as another of its letters (`ı` as `i`,
/// `ş` as `s`), as a set of bits: `sık` (often) is no `sik`. Capitals count as their small
/// letter; `I` is left out, as a keyboard without Turkish letters types it for `i`.
pub(crate) fn turkish_letters(text: &str) -> u8 {
    text.chars().fold(0, |set, c| {
        set | match c {
            'ı' => 1,
            'ş' | 'Ş' => 2,
            'ç' | 'Ç' => 4,
            'ğ' | 'Ğ' => 8,
            'ö' | 'Ö' => 16,
            'ü' | 'Ü' => 32,
            _ => 0,
        }
    })
}

/// A built-in term: the term, and the other languages it is an ordinary word of.
pub(crate) struct BuiltinTerm<'a> {
    pub(crate) term: &'a str,
    pub(crate) clash: LangSet,
    /// For a term written with accents or other marks (`coño`, `göt`): the languages it is
    /// an ordinary word of when a message spells it with them too (`göt` is not English
    /// `got`), usually none.
    pub(crate) marked_clash: Option<LangSet>,
    /// The languages written in Latin letters whose frequent words spell the term as a name
    /// more often than not (`Troia`, `Lund`): written as a name in a message of one of them,
    /// it is that name.
    pub(crate) names: LangSet,
    /// A root (a line `*root`): the part every word of a swear word's family shares
    /// (`пизд`, `fotze`), matched inside any word; the ordinary words that hold it are the
    /// lexicon's `+word` lines.
    pub(crate) root: bool,
}

/// The languages a comma-separated list of codes names.
fn lang_set(codes: &str) -> LangSet {
    codes
        .split(',')
        .filter_map(|code| match code {
            "other" => Some(ELSEWHERE),
            _ => bit(code),
        })
        .fold(0, |s, b| s | b)
}

fn lexicon_lines(lang: &str) -> impl Iterator<Item = &'static str> {
    let text = LEXICONS
        .iter()
        .find(|(l, _)| *l == lang)
        .map_or("", |(_, t)| *t);
    text.lines().filter(|l| !l.trim().is_empty())
}

/// The endings a word of a built-in lexicon may carry and still be its term: the plurals of
/// the Romance languages, German's declension endings, the English plural that romanized
/// Hindi chat borrows (`chutiyas`); none for the others, whose lexicons list their inflected
/// forms (Turkish) or whose words are not written in Latin letters.
pub(crate) fn endings(lang: LangSet) -> &'static [&'static [u8]] {
    const ROMANCE: &[&[u8]] = &[b"s", b"es"];
    const GERMAN: &[&[u8]] = &[b"s", b"e", b"n", b"en", b"er", b"es"];
    const PLURAL: &[&[u8]] = &[b"s"];
    // Bits worked out at build time: this is asked for every word-mode hit.
    const ROMANCE_LANGS: LangSet =
        const_bit("es") | const_bit("pt") | const_bit("fr") | const_bit("it");
    const DE: LangSet = const_bit("de");
    const HI: LangSet = const_bit("hi");
    if lang & ROMANCE_LANGS != 0 {
        ROMANCE
    } else if lang & DE != 0 {
        GERMAN
    } else if lang & HI != 0 {
        PLURAL
    } else {
        &[]
    }
}

/// The English list's spellings that are ordinary words of other shipped languages (`negro`,
/// `retard`), each with those languages, and (lines `~word`) the marked words of those
/// languages that fold like one (`râpé` beside `rape`: see `marked_word`)
/// (`data/lexicons/en-clashes.txt`).
const ENGLISH_CLASHES: &str = include_str!("../../data/lexicons/en-clashes.txt");

/// The English list's false friends, each with the languages it is an ordinary word of
/// (`retard`, French for a delay); most spellings are none.
pub(crate) fn english_clashes() -> HashMap<&'static str, LangSet> {
    ENGLISH_CLASHES
        .lines()
        .filter(|l| !l.starts_with(['#', '~']))
        .filter_map(|l| {
            let (spelling, langs) = l.split_once('\t')?;
            Some((spelling, lang_set(langs)))
        })
        .collect()
}

/// The terms of a shipped language's built-in lexicon (none for English, or an unknown code).
pub(crate) fn lexicon(lang: &str) -> impl Iterator<Item = BuiltinTerm<'static>> {
    lexicon_lines(lang)
        .filter(|l| !l.starts_with(['#', '=', '+', '~']))
        .map(|line| {
            let (root, line) = match line.strip_prefix('*') {
                Some(rest) => (true, rest),
                None => (false, line),
            };
            let mut fields = line.split('\t');
            let term = fields.next().unwrap_or_default();
            let clash = fields.next().map_or(0, lang_set);
            // `-`: no marks (the field is there for the names after it).
            let marked_clash = fields.next().filter(|f| *f != "-").map(lang_set);
            BuiltinTerm {
                term: term.trim(),
                clash,
                marked_clash,
                names: fields.next().map_or(0, lang_set),
                root,
            }
        })
}

/// The ordinary words that hide one of a language's terms: in a language written without
/// spaces (`グローバル` around `グロ`), and around a root (`колебания` around `ебан`):
/// allowed as the allowlist allows.
pub(crate) fn hiding_words(lang: &str) -> impl Iterator<Item = &'static str> {
    lexicon_lines(lang).filter_map(|l| l.strip_prefix('+'))
}

/// Each language's lexicon lines that start with `prefix`, the prefix taken off, sorted: a
/// table to search by word (a line's word ends at its tab, which sorts before any letter, so
/// the lines sort as their words do).
fn prefixed_lines(prefix: char) -> Vec<(LangSet, Vec<&'static str>)> {
    // English has no lexicon file: its marked words (`~` lines) are in its clashes.
    LEXICONS
        .iter()
        .copied()
        .chain([("en", ENGLISH_CLASHES)])
        .filter_map(|(l, text)| {
            let mut lines: Vec<&str> = text
                .lines()
                .filter_map(|w| w.strip_prefix(prefix))
                .collect();
            lines.sort_unstable();
            Some((bit(l)?, lines))
        })
        .collect()
}

/// The lines of language `lang` in a table of `prefixed_lines`; none for another language.
fn lines_of<'t>(table: &'t [(LangSet, Vec<&'static str>)], lang: LangSet) -> &'t [&'static str] {
    table
        .iter()
        .find(|(b, _)| *b == lang)
        .map_or(&[], |(_, lines)| lines.as_slice())
}

/// Whether `word`, lowercased, is an ordinary word of language `lang` that folds like one of
/// its terms (Turkish `sık` beside `sik`): the lexicon's lines `=word`.
pub(crate) fn innocent_spelling(lang: LangSet, word: &str) -> bool {
    static SPELLINGS: OnceLock<Vec<(LangSet, Vec<&'static str>)>> = OnceLock::new();
    let words = lines_of(SPELLINGS.get_or_init(|| prefixed_lines('=')), lang);
    if words.is_empty() {
        return false;
    }
    if word.is_ascii() {
        // Lowercased byte by byte as it is compared: no copy of the word.
        let lower = || word.bytes().map(|b| b.to_ascii_lowercase());
        return words.binary_search_by(|w| w.bytes().cmp(lower())).is_ok();
    }
    let lower = word.to_lowercase();
    words.binary_search(&lower.as_str()).is_ok()
}

/// Whether `c` is a Latin letter with a diacritic or a combining mark: every marked word
/// (`~` lines) holds one.
fn latin_marked(c: char) -> bool {
    matches!(c as u32, 0xC0..=0x24F | 0x300..=0x36F | 0x1E00..=0x1EFF)
}

/// The languages whose word `word` is when it folds like a term of language `lang` written
/// without marks but carries marks itself (Italian `porrà` beside Portuguese `porra`; for
/// English, `lang` being its bit, French `râpé` beside `rape`): the lexicon's lines
/// `~word<TAB>languages`. 0 for any other word.
pub(crate) fn marked_word(lang: LangSet, word: &str) -> LangSet {
    use unicode_normalization::UnicodeNormalization;
    static MARKED: OnceLock<Vec<(LangSet, Vec<&'static str>)>> = OnceLock::new();
    // A word with no marked Latin letter (most words of other scripts) is none of them,
    // without normalizing it.
    if !word.chars().any(latin_marked) {
        return 0;
    }
    let lines = lines_of(MARKED.get_or_init(|| prefixed_lines('~')), lang);
    if lines.is_empty() {
        return 0;
    }
    let entry = |line: &&'static str| line.split_once('\t').map_or(*line, |(w, _)| w);
    // Most words are in NFC already (chat types precomposed letters): no recomposing, and
    // unless a capital sigma needs the word around it to lowercase (`str::to_lowercase`),
    // lowercased character by character as it is compared, without a copy.
    let found = match unicode_normalization::is_nfc_quick(word.chars()) {
        unicode_normalization::IsNormalized::Yes if !word.contains('Σ') => {
            let lower = || word.chars().flat_map(char::to_lowercase);
            lines.binary_search_by(|line| entry(line).chars().cmp(lower()))
        }
        unicode_normalization::IsNormalized::Yes => {
            let lower = word.to_lowercase();
            lines.binary_search_by(|line| entry(line).cmp(lower.as_str()))
        }
        _ => {
            let lower: String = word.nfc().flat_map(char::to_lowercase).collect();
            lines.binary_search_by(|line| entry(line).cmp(lower.as_str()))
        }
    };
    found
        .ok()
        .and_then(|i| lines.get(i))
        .and_then(|line| line.split_once('\t'))
        .map_or(0, |(_, langs)| lang_set(langs))
}

/// The languages a known word belongs to: those it is a function word of, and those it is
/// a function word or an everyday word of (`LANGUAGE_WORDS`).
#[derive(Clone, Copy, Default)]
struct KnownWord {
    function: LangSet,
    evidence: LangSet,
}

/// The function words and the everyday words: those of at most 8 bytes by their bytes packed
/// into a number (most, and the cheapest to hash and compare), the longer ones by their
/// bytes.
struct KnownWords {
    short: HashMap<u128, KnownWord, foldhash::fast::FixedState>,
    /// A bit for each short one's `sieve_bit` (several may share one): a short word whose
    /// bit is clear, most words of another script or none, is none, without hashing it.
    sieve: Box<[u64; SIEVE_WORDS]>,
    long: HashMap<Box<[u8]>, KnownWord, foldhash::fast::FixedState>,
    /// The length of the longest: a longer word (a sentence of a script written without
    /// spaces, most often) is none, without hashing it.
    longest: usize,
}

/// How many 64-bit words `KnownWords::sieve` takes: room enough that few bits are set.
const SIEVE_WORDS: usize = 2048;

/// The bit of `KnownWords::sieve` for a packed word: its bytes and length mixed by one
/// multiplication.
fn sieve_bit(n: u128) -> usize {
    let mixed = (n as u64 ^ ((n >> 64) as u64).rotate_left(29)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    (mixed >> (64 - (SIEVE_WORDS * 64).trailing_zeros())) as usize
}

/// A word of at most 8 bytes as one number: its bytes, and its length above them.
fn packed(word: &[u8]) -> Option<u128> {
    let bytes: [u8; 8] = match word.len() {
        0..=8 => {
            let mut b = [0; 8];
            b.get_mut(..word.len())?.copy_from_slice(word);
            b
        }
        _ => return None,
    };
    Some(u128::from(u64::from_le_bytes(bytes)) | (word.len() as u128) << 64)
}

/// The lines `<lang><TAB><word> <word>…` of a word file, comments left out: each shipped
/// language's bit, its code and its words.
fn word_lists(
    text: &'static str,
) -> impl Iterator<Item = (LangSet, &'static str, impl Iterator<Item = &'static str>)> {
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|line| {
            let (lang, list) = line.split_once('\t')?;
            Some((bit(lang)?, lang, list.split(' ')))
        })
}

impl KnownWords {
    fn new() -> Self {
        let mut words = KnownWords {
            short: HashMap::default(),
            sieve: Box::new([0; SIEVE_WORDS]),
            long: HashMap::default(),
            longest: 0,
        };
        for (b, _, list) in word_lists(FUNCTION_WORDS) {
            for w in list {
                let key = folded_key(w);
                words.add(
                    key.as_bytes(),
                    KnownWord {
                        function: b,
                        evidence: b,
                    },
                );
            }
        }
        // Folded already: no folding of some 30,000 words at the first look-up.
        for (b, _, list) in word_lists(LANGUAGE_WORDS) {
            for key in list {
                words.add(
                    key.as_bytes(),
                    KnownWord {
                        function: 0,
                        evidence: b,
                    },
                );
            }
        }
        let elsewhere = ELSEWHERE_WORDS
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|l| l.split_once('\t'))
            .flat_map(|(_, list)| list.split(' '));
        for key in elsewhere {
            words.add(
                key.as_bytes(),
                KnownWord {
                    function: 0,
                    evidence: ELSEWHERE,
                },
            );
        }
        words
    }

    /// Adds a folded word's languages to those it has (a phrase, or nothing, is no word).
    fn add(&mut self, key: &[u8], langs: KnownWord) {
        if key.is_empty() || key.contains(&b' ') {
            return;
        }
        let entry = match packed(key) {
            Some(n) => {
                let bit = sieve_bit(n);
                if let Some(w) = self.sieve.get_mut(bit / 64) {
                    *w |= 1 << (bit % 64);
                }
                self.short.entry(n).or_default()
            }
            None => {
                self.longest = self.longest.max(key.len());
                self.long.entry(key.into()).or_default()
            }
        };
        entry.function |= langs.function;
        entry.evidence |= langs.evidence;
    }

    /// A folded word's languages (none for a word it does not know).
    fn get(&self, word: &[u8]) -> KnownWord {
        match packed(word) {
            Some(n) => {
                let bit = sieve_bit(n);
                let sifted = self
                    .sieve
                    .get(bit / 64)
                    .is_none_or(|w| w >> (bit % 64) & 1 != 0);
                if sifted {
                    self.short.get(&n).copied().unwrap_or_default()
                } else {
                    KnownWord::default()
                }
            }
            None if word.len() > self.longest => KnownWord::default(),
            None => self.long.get(word).copied().unwrap_or_default(),
        }
    }
}

/// The function and everyday words, read on first use. Asked for every word of a message
/// with an ambiguous term: hashed with foldhash, whose short-key hashing is several times
/// cheaper than the standard library's SipHash (the keys are the built-in lists', so there
/// is nothing for a sender to flood).
fn known_words() -> &'static KnownWords {
    static WORDS: OnceLock<KnownWords> = OnceLock::new();
    WORDS.get_or_init(KnownWords::new)
}

/// The languages a folded word (its bytes) is a function word of (0 for none).
pub(crate) fn function_word(word: &[u8]) -> LangSet {
    known_words().get(word).function
}

/// Whether folded `word` (its runs written out) is a word: a function or everyday word of a
/// shipped language, or one of the frequent words of a shipped dictionary.
pub(crate) fn is_word(word: &[u8]) -> bool {
    if known_words().get(word).evidence & !ELSEWHERE != 0 {
        return true;
    }
    std::str::from_utf8(word).is_ok_and(|word| {
        dictionary::languages()
            .enumerate()
            .any(|(lang, _)| dictionary::rank(lang, word).is_some())
    })
}

/// The languages a folded word (its bytes) points to: those it is a function word or an
/// everyday word of (0 for none).
pub(crate) fn word_evidence(word: &[u8]) -> LangSet {
    known_words().get(word).evidence
}

/// The shipped language a folded word's script says it is written in (0 for Latin and the
/// scripts of no shipped language, or of several).
#[cfg(test)]
pub(crate) fn script_of(word: &str) -> LangSet {
    script_of_utf8(word.as_bytes())
}

/// `script_of` for bytes known to be UTF-8 (a slice of a `str` on character boundaries):
/// decoded here, without checking them again.
pub(crate) fn script_of_utf8(word: &[u8]) -> LangSet {
    if word.is_ascii() {
        return 0;
    }
    let (mut kana, mut han, mut other) = (false, false, 0);
    let mut i = 0;
    while let Some(&lead) = word.get(i) {
        // The continuation bytes, unrolled: a loop over them cost more than the decoding.
        let tail = |k: usize| u32::from(word.get(i + k).map_or(0, |b| b & 0x3F));
        let c = match lead {
            0x00..=0x7F => {
                i += 1;
                continue;
            }
            0xC0..=0xDF => {
                let c = (u32::from(lead & 0x1F) << 6) | tail(1);
                i += 2;
                c
            }
            0xE0..=0xEF => {
                let c = (u32::from(lead & 0x0F) << 12) | (tail(1) << 6) | tail(2);
                i += 3;
                c
            }
            _ => {
                let c = (u32::from(lead & 0x07) << 18) | (tail(1) << 12) | (tail(2) << 6) | tail(3);
                i += 4;
                c
            }
        };
        match c {
            0x3040..=0x30FF => kana = true,
            0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0x20000..=0x3FFFF => han = true,
            0x1100..=0x11FF | 0xAC00..=0xD7AF => other |= KO,
            0x0400..=0x052F => other |= RU,
            0x0600..=0x06FF | 0x0750..=0x077F => other |= AR,
            0x0900..=0x097F => other |= HI,
            _ => {}
        }
    }
    if kana {
        other |= JA;
    } else if han {
        other |= ZH;
    }
    other
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_marked_word_has_a_marked_latin_letter() {
        for (lang, _) in LEXICONS {
            for line in lexicon_lines(lang).filter_map(|l| l.strip_prefix('~')) {
                let word = line.split('\t').next().unwrap_or_default();
                assert!(word.chars().any(latin_marked), "{lang}: {word}");
            }
        }
    }

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
        // A swear word in both languages is no clash between them.
        let puta = lexicon("es").find(|t| t.term.eq_ignore_ascii_case("puta"));
        let portuguese = bit("pt").unwrap_or(0);
        assert!(puta.is_some_and(|t| t.clash & portuguese == 0));
        // Spelled with its marks, `göt` is no English word.
        let got = lexicon("tr").find(|t| t.term == "göt");
        let english = bit("en").unwrap_or(0);
        assert!(got.as_ref().is_some_and(|t| t.clash & english != 0));
        assert!(got.is_some_and(|t| t.marked_clash == Some(0)));
    }

    #[test]
    fn terms_name_the_languages_they_are_names_in() {
        let lund = lexicon("hi").find(|t| t.term == "lund");
        let english = bit("en").unwrap_or(0);
        assert!(lund.as_ref().is_some_and(|t| t.names & english != 0));
        // `-` stands for no marks; `lund` is a grove in Danish, Norwegian and Swedish, which
        // the engine does not ship.
        assert!(lund.is_some_and(|t| t.marked_clash.is_none() && t.clash == ELSEWHERE));
        let portuguese = bit("pt").unwrap_or(0);
        let italian = bit("it").unwrap_or(0);
        assert_eq!(marked_word(portuguese, "Porrà"), italian);
        assert_eq!(marked_word(portuguese, "porra"), 0);
    }

    #[test]
    fn spellings_and_marked_words_are_found_whatever_their_case() {
        let mut seen = 0;
        for (lang, _) in LEXICONS {
            let Some(b) = bit(lang) else { continue };
            for line in lexicon_lines(lang) {
                let (word, marked) = match line.split_at_checked(1) {
                    Some(("=", rest)) => (rest, false),
                    Some(("~", rest)) => (rest.split('\t').next().unwrap_or_default(), true),
                    _ => continue,
                };
                let mut first = word.chars();
                let capital: String = first.next().map_or(String::new(), |c| {
                    c.to_uppercase().chain(first).collect::<String>()
                });
                for spelling in [word.to_string(), word.to_uppercase(), capital] {
                    // Only the spellings that lowercase back to the word.
                    if spelling.to_lowercase() != word {
                        continue;
                    }
                    seen += 1;
                    if marked {
                        assert_ne!(marked_word(b, &spelling), 0, "{lang}: {spelling}");
                    } else {
                        assert!(innocent_spelling(b, &spelling), "{lang}: {spelling}");
                    }
                }
            }
        }
        assert!(seen > 0);
        let turkish = bit("tr").unwrap_or(0);
        assert!(!innocent_spelling(turkish, "xqzzy"));
        assert!(!innocent_spelling(turkish, "ΣΣΣ"));
    }

    #[test]
    fn every_function_and_everyday_word_is_known_through_the_sieve() {
        let mut seen = 0;
        for (b, lang, list) in word_lists(FUNCTION_WORDS) {
            for w in list {
                let key = folded_key(w);
                if !key.is_empty() && !key.contains(' ') {
                    seen += 1;
                    assert_ne!(function_word(key.as_bytes()) & b, 0, "{lang}: {w}");
                    assert_ne!(word_evidence(key.as_bytes()) & b, 0, "{lang}: {w}");
                }
            }
        }
        assert!(seen > 13 * 100, "{seen} function words");
        // The everyday words are evidence, not function words.
        for (b, lang, list) in word_lists(LANGUAGE_WORDS) {
            for key in list {
                assert_ne!(word_evidence(key.as_bytes()) & b, 0, "{lang}: {key}");
                assert_eq!(function_word(key.as_bytes()) & b, 0, "{lang}: {key}");
            }
        }
    }

    #[test]
    fn scripts_are_read_from_utf8_as_from_characters() {
        assert_eq!(script_of("привет"), bit("ru").unwrap_or(0));
        assert_eq!(script_of("ゲーム"), bit("ja").unwrap_or(0));
        assert_eq!(script_of("你好"), bit("zh").unwrap_or(0));
        assert_eq!(script_of("𠀀"), bit("zh").unwrap_or(0));
        assert_eq!(script_of("게임"), bit("ko").unwrap_or(0));
        assert_eq!(script_of("اللعبة"), bit("ar").unwrap_or(0));
        assert_eq!(script_of("खेल"), bit("hi").unwrap_or(0));
        assert_eq!(script_of("équipe"), 0);
    }

    #[test]
    fn function_words_are_folded_and_known_per_language() {
        assert_ne!(function_word(b"the") & bit("en").unwrap_or(0), 0);
        assert_ne!(function_word(b"pas") & bit("fr").unwrap_or(0), 0);
        assert_eq!(function_word(b"xqzzy"), 0);
        // Eight bytes and more, and a word that is a prefix of one.
        assert_ne!(
            function_word("потому".as_bytes()) & bit("ru").unwrap_or(0),
            0
        );
        assert_eq!(function_word(b"th"), 0);
        assert_eq!(function_word(b""), 0);
    }
}
