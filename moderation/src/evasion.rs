//! The disguises the engine is built to see through, as a generator: one evasion form of a
//! term per language and form number, the built-in terms to disguise, and the words that set
//! a form in a message of its language. The crate's tests and the peer benchmark build their
//! evasion corpora from it, so both measure the same forms on the same terms.

use crate::engine::languages;

/// The languages with a built-in lexicon besides English (whose list is the crate's
/// `data/en-profanity.json`), in the order the tables report them.
pub const LEXICON_LANGUAGES: [&str; 12] = [
    "es", "pt", "fr", "de", "it", "ru", "tr", "ar", "hi", "ja", "ko", "zh",
];

/// A term of a language's built-in lexicon.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LexiconTerm {
    /// The term as the lexicon writes it.
    pub term: &'static str,
    /// Whether it is an ordinary word of another language (French `con`, Spanish `con`):
    /// blocked only in a message that reads as the term's own language.
    pub ambiguous: bool,
}

/// The terms of `lang`'s built-in lexicon, in the lexicon's order (none for English or an
/// unknown code): whole terms, no roots (a root is part of a word, no word to disguise).
pub fn lexicon_terms(lang: &str) -> impl Iterator<Item = LexiconTerm> {
    languages::lexicon(lang)
        .filter(|t| !t.root)
        .map(|t| LexiconTerm {
            term: t.term,
            ambiguous: t.clash != 0,
        })
}

/// A term of a built-in list that is an ordinary word of other shipped languages too (French
/// `con`, Spanish for with; English `negro`, Spanish for black): blocked only in a message
/// that reads as the list's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharedWord {
    /// The list's language (`en` for the English list).
    pub lang: &'static str,
    /// The term as the list writes it.
    pub term: &'static str,
    /// The shipped languages it is an ordinary word of, in their shipped order.
    pub ordinary_in: Vec<&'static str>,
}

/// Every shared word of the built-in lists: the English list's, then each other language's
/// in `LEXICON_LANGUAGES` order, each list's in its order (the English list's sorted).
pub fn shared_words() -> Vec<SharedWord> {
    let names = |set: languages::LangSet| -> Vec<&'static str> {
        languages::SHIPPED
            .iter()
            .enumerate()
            .filter(|(i, _)| set & (1 << i) != 0)
            .map(|(_, l)| *l)
            .collect()
    };
    let mut english: Vec<_> = languages::english_clashes().into_iter().collect();
    english.sort_unstable();
    let lexicons = LEXICON_LANGUAGES.iter().flat_map(|&lang| {
        languages::lexicon(lang)
            .filter(|t| !t.root && t.clash != 0)
            .map(move |t| (lang, t.term, t.clash))
    });
    english
        .into_iter()
        .map(|(term, set)| ("en", term, set))
        .chain(lexicons)
        .map(|(lang, term, set)| SharedWord {
            lang,
            term,
            ordinary_in: names(set),
        })
        .collect()
}

/// Common words of each language to set a form in, so that the message reads as that language.
const CONTEXT: &[(&str, &[&str])] = &[
    ("en", &["you", "are", "a", "the", "so", "really"]),
    ("es", &["eres", "un", "de", "que", "la", "muy"]),
    ("pt", &["você", "é", "um", "que", "não", "muito"]),
    ("fr", &["tu", "es", "un", "que", "pas", "très"]),
    ("de", &["du", "bist", "ein", "und", "nicht", "sehr"]),
    ("it", &["sei", "un", "che", "non", "il", "molto"]),
    ("ru", &["ты", "и", "не", "что", "это", "просто"]),
    ("tr", &["sen", "bir", "ve", "bu", "çok", "ne"]),
    ("ar", &["انت", "في", "من", "على", "هذا", "يا"]),
    ("hi", &["tu", "to", "hai", "bahut", "yaar", "kya"]),
    ("ja", &["お前", "は", "の", "だ", "ね", "よ"]),
    ("ko", &["이", "너", "는", "진짜", "야", "그"]),
    ("zh", &["你", "是", "的", "我", "这", "个"]),
];

/// Common Hindi words in Devanagari, for the forms of the Devanagari terms.
const DEVANAGARI_CONTEXT: &[&str] = &["तू", "तो", "है", "बहुत", "यार", "क्या"];

fn devanagari(c: char) -> bool {
    ('\u{0900}'..='\u{097F}').contains(&c)
}

/// The separator between words of `lang`: none for the languages written without spaces.
pub fn word_separator(lang: &str) -> &'static str {
    if matches!(lang, "ja" | "zh") {
        ""
    } else {
        " "
    }
}

/// `form` set in a short message of `lang`: two common words of the language, the form and
/// one more word, each word chosen by one of `picks` (any numbers). A language without
/// context words gets the form alone.
pub fn in_message(lang: &str, form: &str, picks: [u64; 3]) -> String {
    let context = if lang == "hi" && form.chars().any(devanagari) {
        DEVANAGARI_CONTEXT
    } else {
        CONTEXT
            .iter()
            .find(|(l, _)| *l == lang)
            .map_or(&[][..], |(_, c)| *c)
    };
    if context.is_empty() {
        return form.to_owned();
    }
    // The index is below the slice's length, which fits in `usize`.
    let word = |pick: u64| context[(pick % context.len() as u64) as usize];
    [word(picks[0]), word(picks[1]), form, word(picks[2])].join(word_separator(lang))
}

/// The simplified-to-traditional direction of the engine's table, for the Chinese forms.
fn traditional(c: char) -> char {
    include_str!("../data/lexicons/zh-hant-to-hans.txt")
        .lines()
        .find_map(|l| {
            let mut cs = l.chars();
            let (t, s) = (cs.next()?, cs.next()?);
            (s == c).then_some(t)
        })
        .unwrap_or(c)
}

/// Hangul syllables written as compatibility jamo (`시` as `ㅅㅣ`).
fn jamo(text: &str) -> String {
    const L: &str = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ";
    const V: &str = "ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ";
    const T: &str = " ㄱㄲㄳㄴㄵㄶㄷㄹㄺㄻㄼㄽㄾㄿㅀㅁㅂㅄㅅㅆㅇㅈㅊㅋㅌㅍㅎ";
    let (l, v, t): (Vec<char>, Vec<char>, Vec<char>) = (
        L.chars().collect(),
        V.chars().collect(),
        T.chars().collect(),
    );
    let mut out = String::new();
    for c in text.chars() {
        let u = c as u32;
        if (0xAC00..=0xD7A3).contains(&u) {
            let i = (u - 0xAC00) as usize;
            let parts = [l.get(i / 588), v.get((i % 588) / 28)];
            parts.into_iter().flatten().for_each(|&p| out.push(p));
            if !i.is_multiple_of(28) {
                if let Some(&p) = t.get(i % 28) {
                    out.push(p);
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Consonants that take a nukta (`ज`, `ज़`), and their precomposed forms with it.
const NUKTA: [(char, char); 8] = [
    ('क', '\u{0958}'),
    ('ख', '\u{0959}'),
    ('ग', '\u{095A}'),
    ('ज', '\u{095B}'),
    ('ड', '\u{095C}'),
    ('ढ', '\u{095D}'),
    ('फ', '\u{095E}'),
    ('य', '\u{095F}'),
];

/// Devanagari spelled with the other form of each variant folding makes one: chandrabindu
/// for anusvara and back, a nukta letter precomposed when it was written as letter and
/// nukta, and as letter and nukta when it was precomposed.
fn nasal_and_nukta(term: &str) -> String {
    let mut out = String::new();
    let mut chars = term.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{0902}' => out.push('\u{0901}'),
            '\u{0901}' => out.push('\u{0902}'),
            _ => {
                if let Some(&(base, pre)) = NUKTA.iter().find(|(b, p)| *b == c || *p == c) {
                    if c == pre {
                        out.extend([base, '\u{093C}']);
                    } else if chars.next_if_eq(&'\u{093C}').is_some() {
                        out.push(pre);
                    } else {
                        out.push(c);
                    }
                } else {
                    out.push(c);
                }
            }
        }
    }
    out
}

/// Devanagari with the nukta toggled on every consonant that takes one (`जात` as `ज़ात`,
/// `भड़वा` as `भडवा`), as writers who type it or leave it out spell the same word.
fn toggled_nukta(term: &str) -> String {
    let mut out = String::new();
    let mut chars = term.chars().peekable();
    while let Some(c) = chars.next() {
        match NUKTA.iter().find(|(b, p)| *b == c || *p == c) {
            Some(&(base, pre)) if c == pre => out.push(base),
            Some(&(base, _)) => {
                out.push(base);
                if chars.next_if_eq(&'\u{093C}').is_none() {
                    out.push('\u{093C}');
                }
            }
            None => out.push(c),
        }
    }
    out
}

/// One evasion form of `term` in language `lang` (`en`, `es`, … `zh`), chosen by `form`
/// (any number: the forms repeat): case, separators, zero-width characters, leetspeak,
/// look-alike letters from another script, full-width forms, and per script katakana for
/// hiragana, traditional Chinese, Hangul as jamo, Arabic tatweel and marks, and for Hindi
/// in Devanagari zero-width joiners and non-joiners, chandrabindu for anusvara and the
/// nukta written precomposed, decomposed, added or left out.
pub fn evade(lang: &str, term: &str, form: u64) -> String {
    let spaced = |sep: &str| {
        term.chars()
            .filter(|c| !c.is_whitespace())
            .map(String::from)
            .collect::<Vec<_>>()
            .join(sep)
    };
    let map = |f: &dyn Fn(char) -> char| term.chars().map(f).collect::<String>();
    match lang {
        "ja" => match form % 4 {
            0 => spaced(" "),
            1 => map(&|c| match c as u32 {
                0x3041..=0x3096 => char::from_u32(c as u32 + 0x60).unwrap_or(c),
                0x30A1..=0x30F6 => char::from_u32(c as u32 - 0x60).unwrap_or(c),
                _ => c,
            }),
            2 => spaced("\u{200B}"),
            _ => spaced("."),
        },
        "zh" => match form % 4 {
            0 => spaced(" "),
            1 => map(&traditional),
            2 => spaced("\u{200B}"),
            _ => spaced("*"),
        },
        "ko" => match form % 3 {
            0 => spaced(" "),
            1 => jamo(term),
            _ => spaced("."),
        },
        "ar" => match form % 3 {
            0 => spaced("ـــ"),
            1 => spaced("\u{064E}"),
            _ => spaced(" "),
        },
        "hi" if term.chars().any(devanagari) => match form % 6 {
            0 => spaced("\u{200C}"),
            1 => spaced("."),
            2 => spaced(" "),
            3 => nasal_and_nukta(term),
            4 => spaced("\u{200D}"),
            _ => toggled_nukta(term),
        },
        "ru" if term.chars().any(|c| ('а'..='я').contains(&c)) => match form % 4 {
            0 => term.to_uppercase(),
            1 => spaced("."),
            2 => map(&|c| match c {
                'а' => 'a',
                'о' => 'o',
                'е' => 'e',
                'с' => 'c',
                'р' => 'p',
                'х' => 'x',
                'у' => 'y',
                _ => c,
            }),
            _ => spaced("\u{200B}"),
        },
        _ => match form % 6 {
            0 => term.to_uppercase(),
            1 => spaced("."),
            2 => spaced(" "),
            3 => map(&|c| match c {
                'a' => '4',
                'e' => '3',
                'o' => '0',
                'i' => '1',
                's' => '$',
                _ => c,
            }),
            4 => map(&|c| match c {
                'a' => 'а',
                'e' => 'е',
                'o' => 'о',
                'c' => 'с',
                'p' => 'р',
                _ => c,
            }),
            _ => map(&|c| {
                if c.is_ascii_alphabetic() {
                    char::from_u32(c as u32 - 0x21 + 0xFF01).unwrap_or(c)
                } else {
                    c
                }
            }),
        },
    }
}
