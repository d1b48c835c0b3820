//! Blocklists and the allowlist compiled into Aho-Corasick automata over folded text (one for
//! the patterns written in ASCII, one for the rest), and the search that turns their raw hits
//! into blocked spans of the original message.
//!
//! Each automaton is a DFA (one table look-up per byte, [`TermAutomaton`]) walked by our own
//! loop, which reports every overlapping match in the order `aho-corasick`'s
//! `find_overlapping_iter` would, without its per-match re-entry. (Walking only from word
//! starts for the whole-word terms, with a second automaton for the rest, was tried: more
//! work per message, and slower.)

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::dictionary;
use super::languages::{self, LangSet};
use super::normalize::{leet_letter, Folded};
use super::script;
use super::starred::{cyrillic_lead, wide_lead, Reading, StarScratch, Starred};
use super::term_automaton::TermAutomaton;
use super::variants::{self, Letter, Spellings};
use crate::policy::PolicyError;
use crate::policy::{Blocklists, MatchMode, TermAction};

const BUILTIN_EN_JSON: &str = include_str!("../../data/en-profanity.json");
/// This project's supplement to it, in its schema (`data/en-additions.json`): read with it,
/// and its terms win over the source's exceptions (`cocks`, `cocksucker`).
const BUILTIN_EN_ADDITIONS_JSON: &str = include_str!("../../data/en-additions.json");
/// The terms of rustrict's word list that it rates inappropriate, in the same schema
/// (`data/en-rustrict.json`, made by `scripts/moderation-rustrict`): read as a supplement
/// too.
const BUILTIN_EN_RUSTRICT_JSON: &str = include_str!("../../data/en-rustrict.json");
/// The judgement of every `sexual` term of those lists that is one of English's 30,000 most
/// frequent words (`data/en-everyday.tsv`): `pass` when its everyday meaning is not the sexual
/// one (`snatch`, `domination`).
const BUILTIN_EN_EVERYDAY_TSV: &str = include_str!("../../data/en-everyday.tsv");
/// The list name reported for hits from the built-in English list.
pub(crate) const BUILTIN_EN_NAME: &str = "builtin-en";

/// Endings a word-mode term may carry and still match (`fucking`, `shits`, `asses`).
pub(super) const SUFFIXES: &[&[u8]] = &[
    b"s", b"es", b"ed", b"er", b"ers", b"ing", b"ings", b"in", b"y", b"z",
];

/// The longest of `SUFFIXES`, and of every language's endings.
const MAX_SUFFIX: usize = 4;

/// The endings a word-mode term of `lang` may carry: English's for the English list and a
/// room's own lists, the language's own for a built-in lexicon (`putas`, `Huren`), so that
/// an English ending does not make a German word a Turkish term (`Gottes`, `götte` and `s`).
fn endings(lang: Option<LangSet>) -> &'static [&'static [u8]] {
    match lang {
        None => SUFFIXES,
        Some(lang) => languages::endings(lang),
    }
}

/// The tags of the built-in English list whose terms are compiled in every spelling of
/// `variants` too.
const DISGUISED_TAGS: &[&str] = &["general", "racial"];

/// The tag of the built-in English list whose terms are compiled in the spellings of
/// `variants` that look like them (`Spellings::LookAlike`: `dlck`, `cxck`).
const LOOK_ALIKE_TAG: &str = "sexual";

/// One-letter words that may stand just before a spelled-out word, and so start the run of
/// single characters it is joined into (`such a d i c k`, `u r a b.i.t.c.h`).
const WORDS_BEFORE: &[u8] = b"aeiouyr";
/// One-letter words that may stand just after one and end its run (`d i c k, I forgot`,
/// `f u c k u`).
const WORDS_AFTER: &[u8] = b"aeiouy";

/// Cyrillic letters whose Latin look-alike is a digit (`б` as `6`, `з` as `3`, `ч` as `4`),
/// which folding then reads as a letter (`g`, `e`, `a`): see `Disguise::NotAsciiLetters`.
const DIGIT_LOOKALIKES: &[char] = &['б', 'Б', 'з', 'З', 'ч', 'Ч'];

#[derive(Debug, Deserialize)]
struct BuiltinEntry {
    id: String,
    #[serde(rename = "match")]
    pattern: String,
    severity: u8,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    exceptions: Vec<String>,
}

/// What a pattern means when found.
#[derive(Debug, Clone, Serialize, Deserialize)]
enum Meaning {
    Block {
        list: u16,
        action: TermAction,
        mode: MatchMode,
        /// From a built-in lexicon of a language other than English: no name or dictionary
        /// exemption (those know English), and `clash` applies.
        lang: Option<LangSet>,
        /// The other enabled languages the term is an ordinary word of. A term of `lang` is
        /// blocked only when the message's words point to `lang` more than to any of them,
        /// and to no language more than to `lang`; an English list term (`lang` is `None`)
        /// is blocked unless they point to one of them more than to English (`retard` in a
        /// French message is a delay).
        clash: LangSet,
        /// A built-in term written with accents or other marks, and the languages it clashes
        /// with when the message spells it with them too (`coño`, `göt`: none).
        marked: Option<(Arc<str>, LangSet)>,
        /// The languages a built-in term is a name in (`Troia`, `Lund`): see `named`.
        names: LangSet,
    },
    Allow,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Entry {
    meaning: Meaning,
    /// The least run length each folded byte of the term needs in the text.
    runs: Box<[u16]>,
    /// Where a spelling whose folding ordinary text can also give is found: see `Disguise`.
    disguise: Disguise,
}

/// Where a spelling is found whose folding ordinary text can also give.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
enum Disguise {
    /// Anywhere: its folding is the term's own.
    Not,
    /// Only where the message writes a character other than an ASCII letter there, or an
    /// accented one (`tías`, Spanish for aunts): the term turned upside down (`ʞɔnɟ` folds to
    /// `kcnj`), or written in look-alikes of which one is a digit (`ебал` as `e6an` folds to
    /// `egan`, the name `Egan`).
    NotAsciiLetters,
    /// Only where the message writes a Cyrillic or Greek letter there: a root in its Latin
    /// look-alikes (`ебат` reads `egat`, as in French `négatif`), a disguise only inside a word
    /// of mixed scripts (`pаспиздяй`).
    MixedScripts,
    /// Only where the message writes there the letters of Turkish's alphabet that folding
    /// reads as others (`languages::turkish_letters`) that the root writes, and no others: a
    /// Turkish root is the word its letters spell (`sik` is not `sık`, often, nor `şikayet`,
    /// a complaint; `göt` is not `got`, nor `gotik`), and a capital `I` is `ı` only in a
    /// message typed the Turkish way (`turkish_letters_written`; `AMIRAL` is no `amı`).
    TurkishLetters(u8),
    /// Only where the message writes no letter of Turkish's alphabet that folding reads as
    /// another that the Turkish word does not write, a small `ı` aside: typed without them,
    /// the word is the term (`amina` for `amına`), but written with others it is another word
    /// (`şike`, match fixing, is no `sike`).
    TurkishWord(u8),
    /// Only where the message writes Hangul letters standing alone, not syllables: Korean
    /// initials (`ㅅㅂ` for `시발`) fold as the letters of syllables do, and a syllable's last
    /// letter beside the next one's first makes them in ordinary words (`합시다`, `없다`).
    HangulLetters,
}

/// Whether `c` is a Greek or Cyrillic character: what a term is compiled in Latin look-alikes
/// for, and what shows a word of mixed scripts.
fn greek_or_cyrillic(c: char) -> bool {
    matches!(c as u32, 0x0370..=0x052F)
}

/// Whether `c` only stands between the letters of a word spelled out (` `, `.`, `-`, an
/// invisible character): no letter, nor a digit or symbol that leetspeak reads as one. Plain
/// letters spelled out with it are plain letters still (`s s e` is no upside-down `ssɐ`).
fn separator(c: char) -> bool {
    c.is_whitespace()
        || (c.is_ascii_punctuation() && leet_letter(c) == c)
        || super::chars::props(c).invisible()
}

/// Whether `c` is an ASCII letter, or one with accents or other marks (`í`, `ñ`): a letter
/// the writer typed as itself, which no upside-down or look-alike spelling uses.
fn ascii_letter_or_accented(c: char) -> bool {
    if c.is_ascii_alphabetic() {
        return true;
    }
    let mut base = None;
    unicode_normalization::char::decompose_canonical(c, |d| {
        base.get_or_insert(d);
    });
    base.is_some_and(|b| b != c && b.is_ascii_alphabetic())
}

/// The letters of Turkish's alphabet that `span` of message `input` writes
/// (`languages::turkish_letters`), and whether a capital `I` there surely stands for `ı`.
/// Turkish writes `ı` in capitals as `I` and `i` as `İ`; a keyboard without Turkish letters
/// types `I` for both. A message that writes `İ` anywhere was typed the Turkish way, and its
/// `I` is `ı` (`BU FİLM ÇOK SIKICI` is `sıkıcı`, boring).
fn turkish_letters_written(span: &str, input: &str) -> (u8, bool) {
    let written = languages::turkish_letters(span);
    if span.contains('I') && input.contains('İ') {
        (written | 1, true)
    } else {
        (written, false)
    }
}

impl Disguise {
    /// Whether `span`, the text of message `input` where the spelling was found, may hold it.
    fn allows(self, span: Option<&str>, input: &str) -> bool {
        match self {
            Disguise::Not => true,
            Disguise::NotAsciiLetters => span.is_some_and(|s| {
                !s.chars()
                    .all(|c| ascii_letter_or_accented(c) || separator(c))
            }),
            Disguise::MixedScripts => span.is_some_and(|s| s.chars().any(greek_or_cyrillic)),
            Disguise::TurkishLetters(letters) => {
                span.is_some_and(|s| turkish_letters_written(s, input).0 == letters)
            }
            // A small `ı` for `i` is as often typed for the word (`sıktır`, `ıbnelık`) as
            // another word, which the lexicon's allowed words name (`sıkıcı`); a capital `I`
            // that is surely `ı`, or any other letter, makes another word.
            Disguise::TurkishWord(letters) => span.is_some_and(|s| {
                let (written, sure) = turkish_letters_written(s, input);
                let ignored = if sure { 0 } else { 1 };
                written & !letters & !ignored == 0
            }),
            Disguise::HangulLetters => {
                span.is_some_and(|s| !s.chars().any(script::hangul_syllable))
            }
        }
    }
}

/// A blocked span of the original message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Hit {
    pub(crate) start: u32,
    pub(crate) end: u32,
    pub(crate) action: TermAction,
    pub(crate) list: u16,
}

/// A blocked span found at folded bytes `s..e`. An allowed span hides it only if it lies
/// within `lo..hi` as well: a word spelled out beside one-letter words (`a c o c k`) is not
/// the allowed word they make together (`acock`).
#[derive(Debug, Clone, Copy)]
struct Block {
    s: usize,
    e: usize,
    lo: usize,
    hi: usize,
    hit: Hit,
}

/// A pattern found at folded bytes `s..e`.
#[derive(Debug, Clone, Copy)]
struct Found {
    pattern: usize,
    s: usize,
    e: usize,
}

/// The compiled blocklists and allowlist of one policy. (Written whole into a prebuilt
/// lexicon, and read back: `prebuilt`.)
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Lexicon {
    /// The patterns written in ASCII, whose pattern `k` means `entries[k]`.
    ascii: TermAutomaton,
    /// The patterns with a byte of another script, whose pattern `k` means
    /// `entries[other_from + k]`.
    other: TermAutomaton,
    other_from: usize,
    /// The dictionaries that say which longer words are ordinary words.
    langs: Vec<usize>,
    /// The languages the policy enables.
    enabled: LangSet,
    entries: Vec<Vec<Entry>>,
    /// The terms again, to read words with letters hidden behind stars (`f*ck`).
    starred: Starred,
    pub(crate) list_names: Vec<Arc<str>>,
}

/// Scratch space for one search, reused between messages.
#[derive(Debug, Default)]
pub(crate) struct LexiconScratch {
    ends: Vec<(usize, u32)>,
    blocks: Vec<Block>,
    allows: Vec<(usize, usize)>,
    /// Per word of the message (`from..to` in the folded text): the languages it points to;
    /// worked out once, for the first ambiguous term found.
    words: Vec<Word>,
    /// The `words` of the search before, while this one reads its own (`read_words`).
    earlier_words: Vec<Word>,
    /// Per language counted (the shipped ones and `languages::ELSEWHERE`), how many of
    /// `words` point to it.
    totals: [u32; languages::COUNTED],
    words_ready: bool,
    /// A word with its runs written out, for `written_in`.
    key: Vec<u8>,
    starred: StarScratch,
}

/// A word of a message, folded bytes `from..to`, and the languages it points to.
type Word = (usize, usize, LangSet);

/// How many words of the folding before a word is looked for among, after the last one
/// found: masking a word removes one, a phrase a few.
const EARLIER_WORDS_AHEAD: usize = 8;

struct Builder {
    folded: Folded,
    patterns: Vec<Vec<u8>>,
    entries: Vec<Vec<Entry>>,
    index: HashMap<Vec<u8>, usize>,
    starred: Starred,
    /// The dictionaries that say which spellings are ordinary words.
    langs: Vec<usize>,
    /// Terms to spell otherwise once every listed form is in (see `add_spellings`).
    to_spell: Vec<(Vec<Letter>, Meaning, Spellings)>,
}

/// The alternative spellings `Builder::spellings` compiles: patterns apart from the listed
/// terms', each pattern's entries, and where each pattern is.
#[derive(Default)]
struct Spelled {
    patterns: Vec<Vec<u8>>,
    entries: Vec<Vec<Entry>>,
    index: HashMap<Vec<u8>, usize>,
}

impl Spelled {
    /// Adds `spelling` with `meaning`, unless it is empty, a listed term or allowed word
    /// already, or new and refused by `keep` (asked once per pattern).
    fn add(
        &mut self,
        builder: &Builder,
        spelling: &[Letter],
        meaning: &Meaning,
        disguise: Disguise,
        keep: impl Fn(&Builder, &[Letter]) -> bool,
    ) {
        let (text, runs): (Vec<u8>, Vec<u16>) = spelling.iter().copied().unzip();
        if text.is_empty() || builder.index.contains_key(&text) {
            return;
        }
        let id = match self.index.get(&text) {
            Some(&id) => id,
            None => {
                if !keep(builder, spelling) {
                    return;
                }
                self.patterns.push(text.clone());
                self.entries.push(Vec::new());
                self.index.insert(text, self.patterns.len() - 1);
                self.patterns.len() - 1
            }
        };
        if let Some(list) = self.entries.get_mut(id) {
            list.push(Entry {
                meaning: meaning.clone(),
                runs: runs.into(),
                disguise,
            });
        }
    }
}

impl Builder {
    /// Adds a term as folding reads it and, when it has Cyrillic or Greek letters, as it
    /// reads them disguised in a word of Latin letters (`xуй`).
    fn add(&mut self, term: &str, meaning: Meaning) {
        self.add_forms(term, meaning.clone());
        // A phrase spelled out letter by letter has no gaps between its words
        // (`h.i.j.o.d.e.p.u.t.a`, `o t u z b i r c i`): it is a term in that form too.
        self.folded.fold(term);
        if self.folded.text().contains(&b' ') {
            let joined: String = term.chars().filter(|c| c.is_alphanumeric()).collect();
            self.add_forms(&joined, meaning);
        }
    }

    fn add_forms(&mut self, term: &str, meaning: Meaning) {
        self.folded.fold(term);
        // A built-in term of a language, and how it is matched: inside words (a root,
        // `пизд`, `sik`, or a term of a language written without spaces) or as a word.
        let of_language = match meaning {
            Meaning::Block {
                mode,
                lang: Some(lang),
                ..
            } => Some((mode, lang)),
            _ => None,
        };
        let in_words_of =
            of_language.and_then(|(mode, lang)| (mode == MatchMode::Substring).then_some(lang));
        let disguise = match of_language {
            Some((MatchMode::Substring, lang)) if languages::roots_start_words(lang) => {
                Disguise::TurkishLetters(languages::turkish_letters(term))
            }
            Some((MatchMode::Word, lang)) if languages::roots_start_words(lang) => {
                Disguise::TurkishWord(languages::turkish_letters(term))
            }
            _ if term.chars().all(|c| ('\u{3131}'..='\u{318E}').contains(&c)) => {
                Disguise::HangulLetters
            }
            _ => Disguise::Not,
        };
        self.add_folded(meaning.clone(), disguise);
        self.add_starred(&meaning);
        if term.chars().any(greek_or_cyrillic) {
            let native = self.folded.text().to_vec();
            self.folded.fold_lookalikes_as_latin(term);
            if self.folded.text() != native.as_slice() {
                // A built-in root is part of a word, and its look-alikes are parts of
                // ordinary Latin words.
                let disguise = if in_words_of.is_some() {
                    Disguise::MixedScripts
                } else if term.chars().any(|c| DIGIT_LOOKALIKES.contains(&c)) {
                    Disguise::NotAsciiLetters
                } else {
                    Disguise::Not
                };
                self.add_folded(meaning, disguise);
            }
        }
    }

    /// The term just folded, as a word that stars may hide letters of (`f*ck`). A term of
    /// another shipped language is read through stars too (`p*ta`, `sch**sse`, `ch*tiya`,
    /// `бл*ть`), unless it is another enabled language's word or a name: which word a word
    /// with hidden letters is would turn on the language of the message, which only the
    /// automaton's search weighs. A writer hides a letter to censor a word, so the word is
    /// read as the term it fits. In Latin letters, only the whole-word terms of languages
    /// that chat in them (`languages::chats_in_latin`): transliterations (`suka`) are rarer
    /// than the ordinary words of other languages a star makes them fit, and a Turkish root
    /// starts a word, which the star reader does not know. In kana and Han, every term no
    /// other language writes, read inside a stretch of text (`ま○こ`).
    fn add_starred(&mut self, meaning: &Meaning) {
        let reading = match *meaning {
            Meaning::Allow => Reading::Allow,
            Meaning::Block {
                list,
                action,
                mode,
                lang: None,
                ..
            } => Reading::Block { list, action, mode },
            Meaning::Block {
                list,
                action,
                mode,
                clash: 0,
                ..
            } if self
                .folded
                .text()
                .first()
                .is_some_and(|&b| cyrillic_lead(b)) =>
            {
                Reading::Block { list, action, mode }
            }
            // Kana and Han, which no other language writes a word in.
            Meaning::Block {
                list,
                action,
                clash: 0,
                ..
            } if self.folded.text().first().is_some_and(|&b| wide_lead(b)) => Reading::Block {
                list,
                action,
                mode: MatchMode::Substring,
            },
            Meaning::Block {
                list,
                action,
                mode: MatchMode::Word,
                clash: 0,
                names: 0,
                lang: Some(lang),
                ref marked,
            } if languages::chats_in_latin(lang)
                && marked.as_ref().is_none_or(|(_, theirs)| *theirs == 0) =>
            {
                Reading::Block {
                    list,
                    action,
                    mode: MatchMode::Word,
                }
            }
            Meaning::Block { .. } => return,
        };
        let letters = self.letters();
        self.starred.add(&letters, reading);
    }

    /// The term just folded, letter by letter with its runs.
    fn letters(&self) -> Vec<Letter> {
        let text = self.folded.text();
        (0..text.len())
            .filter_map(|i| Some((*text.get(i)?, self.folded.run(i))))
            .collect()
    }

    /// Notes a term to be compiled in the spellings of `variants` too (`siut` for `slut`,
    /// `niqqer`): spellings the one canonical reading of the text cannot reach. Only a single
    /// word of Latin letters, and only from a list whose language has a dictionary to tell
    /// the innocent spellings (`faq`).
    fn add_spellings(&mut self, term: &str, meaning: &Meaning, which: Spellings) {
        self.folded.fold(term);
        let letters = self.letters();
        if !letters.is_empty() && letters.iter().all(|&(b, _)| b.is_ascii_lowercase()) {
            self.to_spell.push((letters, meaning.clone(), which));
        }
    }

    /// The spellings of the terms noted by `add_spellings`, each with the term's meaning:
    /// the letter swaps of `variants` of the kind noted and, for `Spellings::All`, the term
    /// backwards, unless an ordinary word folds like it (`variants::ordinary`); the term
    /// broken in two words, unless both halves are ordinary words (`sh it`, `pen is`) or one
    /// is a lone letter that is a one-letter word or beside a word (`a ss`, `s hit`); the
    /// term upside down, as a message's folding reads it. A spelling that is a listed term or
    /// allowed word already keeps its own meaning.
    fn spellings(&mut self) -> (Vec<Vec<u8>>, Vec<Vec<Entry>>) {
        let mut spelled = Spelled::default();
        for (letters, meaning, which) in std::mem::take(&mut self.to_spell) {
            let swapped = variants::alternatives(&letters, which);
            let backwards = variants::reversed(&letters).filter(|_| which == Spellings::All);
            for spelling in swapped.into_iter().chain(backwards) {
                spelled.add(self, &spelling, &meaning, Disguise::Not, |b, s| {
                    !variants::ordinary(s, &b.langs)
                });
            }
            for (left, right) in variants::halves(&letters) {
                let word = |half: &[Letter]| variants::is_word(half, &self.langs);
                // A lone letter is half a term only where it is no one-letter word and the
                // rest no word (`f uck`, not `a ss` nor `s hit`).
                let lone = |half: &[Letter], rest: &[Letter]| {
                    variants::written_len(half) == 1
                        && (half.iter().any(|&(b, _)| WORDS_BEFORE.contains(&b)) || word(rest))
                };
                if (word(&left) && word(&right)) || lone(&left, &right) || lone(&right, &left) {
                    continue;
                }
                let spelling: Vec<Letter> = left
                    .into_iter()
                    .chain(std::iter::once((b' ', 1)))
                    .chain(right)
                    .collect();
                spelled.add(self, &spelling, &meaning, Disguise::Not, |_, _| true);
            }
            for turned in variants::upside_down(&letters) {
                self.folded.fold(&turned);
                let spelling = self.letters();
                // Turned, a term is found only where the message writes a character other
                // than an ASCII letter: no ordinary word is written so.
                spelled.add(
                    self,
                    &spelling,
                    &meaning,
                    Disguise::NotAsciiLetters,
                    |_, _| true,
                );
            }
        }
        (spelled.patterns, spelled.entries)
    }

    fn add_folded(&mut self, meaning: Meaning, disguise: Disguise) {
        let text = self.folded.text();
        if text.is_empty() {
            return;
        }
        let runs: Box<[u16]> = (0..text.len()).map(|i| self.folded.run(i)).collect();
        let id = match self.index.get(text) {
            Some(&id) => id,
            None => {
                let id = self.patterns.len();
                self.patterns.push(text.to_vec());
                self.entries.push(Vec::new());
                self.index.insert(text.to_vec(), id);
                id
            }
        };
        if let Some(list) = self.entries.get_mut(id) {
            list.push(Entry {
                meaning,
                runs,
                disguise,
            });
        }
    }
}

impl Lexicon {
    pub(crate) fn compile(b: &Blocklists) -> Result<Self, PolicyError> {
        let mut builder = Builder {
            folded: Folded::default(),
            patterns: Vec::new(),
            entries: Vec::new(),
            index: HashMap::new(),
            starred: Starred::default(),
            langs: dictionary::languages()
                .filter_map(dictionary::language)
                .collect(),
            to_spell: Vec::new(),
        };
        let mut list_names: Vec<Arc<str>> = Vec::new();
        let enabled: LangSet = match &b.languages {
            None => LangSet::MAX,
            Some(langs) => langs
                .iter()
                .filter_map(|l| languages::bit(l))
                .fold(0, |s, b| s | b),
        };
        let english_bit = languages::bit("en").unwrap_or(0);
        let english = enabled & english_bit != 0;
        if b.builtin_en.enabled && english {
            let read = |json: &str| -> Result<Vec<BuiltinEntry>, PolicyError> {
                serde_json::from_str(json)
                    .map_err(|e| PolicyError::Matcher(format!("built-in English list: {e}")))
            };
            let mut builtin = read(BUILTIN_EN_JSON)?;
            let mut additions = read(BUILTIN_EN_ADDITIONS_JSON)?;
            let rustrict = read(BUILTIN_EN_RUSTRICT_JSON)?;
            // The entries whose alternative spellings are worked out: all but rustrict's.
            let spelled = builtin.len() + additions.len();
            additions.extend(rustrict);
            let added: HashSet<String> = additions
                .iter()
                .flat_map(|entry| entry.pattern.split('|'))
                .map(|alternative| alternative.replace('*', ""))
                .collect();
            builtin.extend(additions);
            list_names.push(Arc::from(BUILTIN_EN_NAME));
            let everyday: HashSet<&str> = everyday_english()
                .filter_map(|(term, passes)| passes.then_some(term))
                .collect();
            let clashes = languages::english_clashes();
            for (index, entry) in builtin.iter().enumerate() {
                let mild = entry
                    .tags
                    .iter()
                    .any(|t| b.builtin_en.mild_tags.contains(t));
                let threshold = entry
                    .tags
                    .iter()
                    .filter_map(|t| b.builtin_en.tag_min_severity.get(t))
                    .fold(b.builtin_en.min_severity, |low, &t| low.min(t));
                if entry.severity < threshold && !mild {
                    continue;
                }
                let by_severity = b
                    .builtin_en
                    .deny_from_severity
                    .is_some_and(|d| entry.severity >= d);
                let by_tag = entry.severity >= 3
                    && entry
                        .tags
                        .iter()
                        .any(|t| b.builtin_en.deny_tags.contains(t));
                let action = if by_severity || by_tag {
                    TermAction::Deny
                } else {
                    TermAction::Mask
                };
                let meaning = |term: &str| Meaning::Block {
                    list: 0,
                    action,
                    mode: MatchMode::Word,
                    lang: None,
                    clash: clashes.get(term).copied().unwrap_or(0)
                        & (enabled | languages::ELSEWHERE)
                        & !english_bit,
                    marked: None,
                    names: 0,
                };
                // In this list `*` after a letter means "may repeat": runs already do that.
                let terms: Vec<String> = entry
                    .pattern
                    .split('|')
                    .map(|alternative| alternative.replace('*', ""))
                    .collect();
                // Insults and slurs are what chat disguises; the sexual words are mostly
                // vocabulary, whose sound-alike spellings are other languages' words more
                // often (`bellesa` with `z` is Italian `bellezza`, beauty), and are spelled
                // only as they look (`dlck`). rustrict's entries are such spellings already.
                let tagged = |tags: &[&str]| entry.tags.iter().any(|t| tags.contains(&t.as_str()));
                let spellings = if index >= spelled {
                    None
                } else if tagged(DISGUISED_TAGS) {
                    Some(Spellings::All)
                } else if tagged(&[LOOK_ALIKE_TAG]) {
                    Some(Spellings::LookAlike)
                } else {
                    None
                };
                for term in terms.iter().filter(|t| !everyday.contains(t.as_str())) {
                    let meaning = meaning(term);
                    builder.add(term, meaning.clone());
                    // An inflected form (`fucking` beside `fuck`) is found as its stem and an
                    // ending: the stem's spellings (`fvck`) find it too.
                    if let Some(which) = spellings {
                        if !terms.iter().any(|stem| inflects(stem, term)) {
                            builder.add_spellings(term, &meaning, which);
                        }
                    }
                }
                for exception in &entry.exceptions {
                    let word = exception.replace('*', &entry.id);
                    if !added.contains(&word) {
                        builder.add(&word, Meaning::Allow);
                    }
                }
            }
        }
        for lang in languages::SHIPPED {
            let Some(own) = languages::bit(lang).filter(|b| enabled & b != 0) else {
                continue;
            };
            let mut terms = languages::lexicon(lang).peekable();
            if terms.peek().is_none() {
                continue;
            }
            let id = u16::try_from(list_names.len())
                .map_err(|_| PolicyError::invalid("blocklists.lists", "has too many lists"))?;
            list_names.push(Arc::from(format!("builtin-{lang}")));
            let in_word = languages::in_word(lang);
            for word in languages::hiding_words(lang) {
                builder.add(word, Meaning::Allow);
            }
            for t in terms {
                // A term of a language written without spaces matches inside longer text,
                // unless it is written in Latin letters (Korean romanized, `sibal`), which
                // are written with spaces: a whole word, as every Latin-letter term. So does
                // a root, in any language.
                let mode = if t.root || (in_word && !t.term.is_ascii()) {
                    MatchMode::Substring
                } else {
                    MatchMode::Word
                };
                builder.add(
                    t.term,
                    Meaning::Block {
                        list: id,
                        action: TermAction::Mask,
                        mode,
                        lang: Some(own),
                        clash: t.clash & (enabled | languages::ELSEWHERE) & !own,
                        marked: t
                            .marked_clash
                            .map(|c| (Arc::from(t.term), c & enabled & !own)),
                        names: t.names & enabled & !own,
                    },
                );
            }
        }
        for list in &b.lists {
            let id = u16::try_from(list_names.len())
                .map_err(|_| PolicyError::invalid("blocklists.lists", "has too many lists"))?;
            list_names.push(Arc::from(list.name.as_str()));
            for term in &list.terms {
                builder.add(
                    term,
                    Meaning::Block {
                        list: id,
                        action: list.action,
                        mode: list.mode,
                        lang: None,
                        clash: 0,
                        marked: None,
                        names: 0,
                    },
                );
            }
        }
        for term in &b.allow {
            builder.add(term, Meaning::Allow);
        }
        // A DFA each (`term_automaton`): one table look-up per byte, and a fifth of the
        // instructions of a search through an NFA. Two of them: the patterns written in ASCII
        // (English, the Latin-script lexicons, romanized terms, the alternative spellings) and
        // those with a byte of another script. A DFA's table has a row per state and a column
        // per class of bytes the patterns tell apart, and the scripts' bytes make well over a
        // hundred classes: in one automaton every ASCII state paid for them. A message is
        // walked by the ASCII automaton when it has an ASCII letter or digit, and by the other
        // when it has another script, so most chat takes one walk, over the smaller table.
        let (spelled, spelled_entries) = builder.spellings();
        let mut patterns = builder.patterns;
        patterns.extend(spelled);
        let mut entries = builder.entries;
        entries.extend(spelled_entries);
        let (mut ascii, mut other): (Vec<_>, Vec<_>) = patterns
            .into_iter()
            .zip(entries)
            .partition(|(pattern, _)| pattern.is_ascii());
        let other_from = ascii.len();
        ascii.append(&mut other);
        let (patterns, entries): (Vec<Vec<u8>>, Vec<Vec<Entry>>) = ascii.into_iter().unzip();
        let (ascii_patterns, other_patterns) = patterns.split_at(other_from);
        let automaton = |patterns| {
            TermAutomaton::new(patterns).map_err(|e| PolicyError::Matcher(e.to_string()))
        };
        Ok(Self {
            ascii: automaton(ascii_patterns)?,
            other: automaton(other_patterns)?,
            other_from,
            langs: builder.langs,
            enabled,
            entries,
            starred: builder.starred,
            list_names,
        })
    }

    /// Whether a lexicon read back from bytes holds together: its automata do, and report
    /// patterns that `entries` has.
    pub(crate) fn is_consistent(&self) -> bool {
        self.ascii.is_consistent()
            && self.other.is_consistent()
            && self.ascii.patterns() == self.other_from
            && self.other_from + self.other.patterns() == self.entries.len()
    }

    /// Appends to `out` the blocked spans (original byte ranges) of `input`, folded in `f`.
    /// `earlier`: the folding the search before read, when `f` was made from it by masking
    /// words (`Folded::fold_masked`); the words it left whole keep the languages read then.
    pub(crate) fn search(
        &self,
        input: &str,
        f: &Folded,
        earlier: Option<&Folded>,
        scratch: &mut LexiconScratch,
        out: &mut Vec<Hit>,
    ) {
        scratch.ends.clear();
        scratch.blocks.clear();
        scratch.allows.clear();
        let earlier = earlier.filter(|_| scratch.words_ready);
        std::mem::swap(&mut scratch.words, &mut scratch.earlier_words);
        if earlier.is_none() {
            scratch.earlier_words.clear();
        }
        scratch.words.clear();
        scratch.totals = [0; languages::COUNTED];
        scratch.words_ready = false;
        let text = f.text();
        if text.iter().any(u8::is_ascii_alphanumeric) {
            self.find((&self.ascii, 0), input, (f, earlier), scratch);
        }
        if !text.is_ascii() {
            self.find((&self.other, self.other_from), input, (f, earlier), scratch);
        }
        for b in &scratch.blocks {
            let allowed = scratch
                .allows
                .iter()
                .any(|&(s, e)| b.lo <= s && s <= b.s && b.e <= e && e <= b.hi);
            if !allowed {
                out.push(b.hit);
            }
        }
        self.starred.search(input, &mut scratch.starred, out);
    }

    /// Walks the folded text through `dfa` and judges what it finds; its pattern `k` means
    /// `entries[first + k]`. `folded`: the folding, and the one before it (see `search`).
    fn find(
        &self,
        (dfa, first): (&TermAutomaton, usize),
        input: &str,
        folded: (&Folded, Option<&Folded>),
        scratch: &mut LexiconScratch,
    ) {
        let f = folded.0;
        scratch.ends.clear();
        walk(dfa, f.text(), &mut scratch.ends);
        // Out of the scratch while `judge` borrows the rest of it; put back for reuse.
        let ends = std::mem::take(&mut scratch.ends);
        for &(e, sid) in &ends {
            for &pattern in dfa.matches(sid) {
                if let Some(s) = e.checked_sub(dfa.pattern_len(pattern)) {
                    let found = Found {
                        pattern: first + pattern as usize,
                        s,
                        e,
                    };
                    self.judge(input, folded, found, scratch);
                }
            }
        }
        scratch.ends = ends;
    }

    /// Records what a pattern found in the folded text means there: a blocked span for
    /// `blocks` or an allowed one for `allows`.
    fn judge(
        &self,
        input: &str,
        folded: (&Folded, Option<&Folded>),
        found: Found,
        scratch: &mut LexiconScratch,
    ) {
        let f = folded.0;
        let Found { pattern, s, e } = found;
        let Some(entries) = self.entries.get(pattern) else {
            return;
        };
        for entry in entries {
            let runs_ok = (s..e)
                .zip(entry.runs.iter())
                .all(|(i, &need)| f.run(i) >= need);
            if !runs_ok {
                continue;
            }
            if entry.disguise != Disguise::Not
                && !entry.disguise.allows(f.original(input, s, e), input)
            {
                continue;
            }
            match entry.meaning {
                Meaning::Allow => scratch.allows.push((s, e)),
                // A term is letters of the message, whole: not the first jamo of a Hangul
                // syllable (`보지` is no part of `보직`, `자지` none of `자질`).
                Meaning::Block { .. } if splits_a_character(f, s, e) => continue,
                Meaning::Block {
                    list,
                    action,
                    mode,
                    lang,
                    clash,
                    ref marked,
                    names,
                } => {
                    // A word match covers its ending too (`asses`, not `ass`); a match in a
                    // spelled-out word covers the whole word (`m.o.t.h.e.r.f.u.c.k.e.r`).
                    let text = f.text();
                    let (e, masked, lo, hi) = match mode {
                        MatchMode::Word => {
                            match word_end(f, input, (s, e), endings(lang), &|from, to| {
                                self.spelled_phrase(f, (from, to), (s, e), lang)
                            }) {
                                Some(end) => {
                                    // Inside a run of single characters: only there.
                                    let inside = |k: usize| text.get(k).is_some_and(|&b| b != b' ');
                                    let lo = if s > 0 && inside(s - 1) { s } else { 0 };
                                    let hi = if inside(end) { end } else { usize::MAX };
                                    (end, (s, end), lo, hi)
                                }
                                None => match self.compound(
                                    input,
                                    f,
                                    (s, e),
                                    (lang, action),
                                    &mut scratch.key,
                                ) {
                                    // In a message written in English, or in none the
                                    // engine can tell (`slutbag` alone) when the word is
                                    // plain ASCII and the term a masked one of four
                                    // letters or more: other languages' words split so too
                                    // (Spanish `análisis`, Danish `kysten`, the coast, and
                                    // `handikap`, `paki` backwards; Turkish `CÜMLENİN`).
                                    Some((ts, te))
                                        if written_in(
                                            folded,
                                            scratch,
                                            languages::EN,
                                            !languages::EN,
                                            s,
                                            e,
                                        ) || (e - s >= 4
                                            && action == TermAction::Mask
                                            && plain_ascii(input, f, ts, te)
                                            && written_in_none(folded, scratch, s, e)) =>
                                    {
                                        (te, (ts, te), 0, usize::MAX)
                                    }
                                    _ => continue,
                                },
                            }
                        }
                        MatchMode::Substring => match lang {
                            // A root that starts words: there only, and the whole word.
                            Some(own) if languages::roots_start_words(own) => {
                                if token_start(text, s) != s {
                                    continue;
                                }
                                (e, (s, token_end(text, e)), 0, usize::MAX)
                            }
                            _ => (e, spelled_word(f, input, s, e), 0, usize::MAX),
                        },
                    };
                    let term = Term {
                        s,
                        e: found.e,
                        runs: &entry.runs,
                    };
                    // The word of the message the term was found in.
                    let (ts, te) = (token_start(text, s), token_end(text, e));
                    let word = f.original(input, ts, te.max(ts + 1)).unwrap_or_default();
                    // Asked of an English list's term only, where it decides something: it
                    // normalizes the word.
                    let english_false_friend = |scratch: &mut LexiconScratch| {
                        let theirs = languages::marked_word(languages::EN, word)
                            & self.enabled
                            & !languages::EN;
                        theirs != 0
                            && !written_in(folded, scratch, languages::EN, theirs, s, found.e)
                    };
                    if let Some(own) = lang {
                        // Asked only where it decides something: it normalizes the word.
                        let spelled_marked = || {
                            marked
                                .as_ref()
                                .is_some_and(|(spelling, _)| spelled_as(word, spelling))
                        };
                        let clash = match marked {
                            Some((_, theirs)) if clash != 0 && spelled_marked() => *theirs,
                            _ => clash,
                        };
                        // Spelled with marks the term lacks, as another language's word is
                        // (`porrà` beside `porra`): a clash with that language.
                        let clash =
                            clash | (languages::marked_word(own, word) & self.enabled & !own);
                        if names != 0
                            && mode == MatchMode::Word
                            && !spelled_marked()
                            && named(input, folded, scratch, (own, names), (s, e))
                        {
                            continue;
                        }
                        // A language not shipped is weighed the other way: the term
                        // passes where the message points there (`aku suka kamu`), not
                        // where it fails to point to the term's own.
                        let elsewhere = clash & languages::ELSEWHERE;
                        let clash = clash & !languages::ELSEWHERE;
                        if clash != 0 && !written_in(folded, scratch, own, clash, s, found.e) {
                            continue;
                        }
                        if elsewhere != 0
                            && written_in(folded, scratch, elsewhere, !elsewhere, s, found.e)
                        {
                            continue;
                        }
                        // An ordinary word spelled so, whole: of the term's language (`sık`
                        // beside `sik`), or of one the engine does not ship that holds a root
                        // (Danish `sikker`). Not asked of the terms found inside runs of
                        // Chinese, Japanese or Korean, which have no such words.
                        if (mode == MatchMode::Word || !languages::any_in_word(own))
                            && languages::innocent_spelling(own, word)
                        {
                            continue;
                        }
                    } else if english_false_friend(scratch) {
                        // Another language's word with marks that folds like an English
                        // spelling (`râpé`, grated, like `rape`), in a message not written in
                        // English more than in it.
                        continue;
                    } else if clash != 0 && in_a_language_of(folded, scratch, clash, s, found.e) {
                        // An English term that is an ordinary word of the message's language.
                        continue;
                    } else if self.innocent(input, f, term, mode, e, action == TermAction::Mask) {
                        // A denied term too: an ordinary word is innocent whatever it holds.
                        // Only a mask gives way to a name, though: a slur in a made-up word
                        // with a capital is still a slur.
                        continue;
                    }
                    let hit = Hit {
                        start: f.start(masked.0),
                        end: f.end(masked.1 - 1),
                        action,
                        list,
                    };
                    scratch.blocks.push(Block { s, e, lo, hi, hit });
                }
            }
        }
    }
}

/// The longest word a spelled-out phrase is read in.
const PHRASE_WORD: usize = 24;
/// The most letters of a run read as a spelled-out phrase around a term.
const PHRASE_LETTERS: usize = 64;
/// The fewest letters of a term read as a word of a spelled-out phrase: a shorter one is
/// found by chance in any run of letters (`c h i n g a`).
const PHRASE_TERM: usize = 4;

impl Lexicon {
    /// Whether folded bytes `from..to`, letters of a run of single characters beside the term
    /// of language `lang` (English for `None`) found at `term`, spell out words too, so that
    /// the term stands as a word of a phrase spelled out letter by letter
    /// (`s u c k m y d i c k`, `d.i.m.e.r.d.a`, `c h a l b e c h u t i y e`), the phrase's
    /// first or last word (`word_end` asks of one side only). The letters
    /// split into function and everyday words of the term's language or of English (of two
    /// letters, function words only) and listed terms of three letters or more; the term has
    /// `PHRASE_TERM` letters or more; and neither the run nor any letters of it around the
    /// term make a word of a shipped language with the term (`b r a s s` is `brass`, not
    /// `br ass`; `d e p u t a d o` is `deputado`). One-letter words stand at the ends
    /// of a run only (`words_before`), or any letter would be one (`s h i t a k e` as
    /// `shit a ke`).
    fn spelled_phrase(
        &self,
        f: &Folded,
        (from, to): (usize, usize),
        term: (usize, usize),
        lang: Option<LangSet>,
    ) -> bool {
        let text = f.text();
        let (ts, te) = (token_start(text, from), token_end(text, to));
        let letters = |(s, e): (usize, usize)| {
            std::str::from_utf8(text.get(s..e).unwrap_or_default()).map_or(0, |t| t.chars().count())
        };
        if from >= to || te - ts > PHRASE_LETTERS || letters(term) < PHRASE_TERM {
            return false;
        }
        let langs = lang.unwrap_or(languages::EN) | languages::EN;
        let mut key = Vec::with_capacity(PHRASE_WORD);
        let mut word = |i: usize, j: usize| {
            key.clear();
            f.write_out(i, j, u16::MAX, &mut key);
            match std::str::from_utf8(&key).map_or(0, |w| w.chars().count()) {
                0 | 1 => false,
                2 => languages::function_word(&key) & langs != 0,
                _ => {
                    languages::word_evidence(&key) & langs != 0
                        || self.is_term(text.get(i..j).unwrap_or_default())
                }
            }
        };
        // Where a word of the phrase may start: `from`, and after every word read.
        let mut starts = [false; PHRASE_LETTERS + 1];
        starts[0] = true;
        for i in from..to {
            if !starts[i - from] {
                continue;
            }
            for j in i + 1..=to.min(i + PHRASE_WORD) {
                if !starts[j - from] && word(i, j) {
                    starts[j - from] = true;
                }
            }
        }
        if !starts[to - from] {
            return false;
        }
        // The term is no part of a longer word spelled out: no letters of the run around it
        // make a word with it (`é h o m o s e x u a l` holds `homosexual`, `d e p u t a d o`
        // `deputado`), nor does the whole run.
        let (lo, hi) = (from.min(term.0), to.max(term.1));
        let mut spans = (lo..=term.0)
            .flat_map(|i| (term.1..=hi).map(move |j| (i, j)))
            .filter(|&(i, j)| (i, j) != term && j - i <= PHRASE_WORD)
            .chain([(ts, te)]);
        !spans.any(|(i, j)| {
            key.clear();
            f.write_out(i, j, u16::MAX, &mut key);
            languages::is_word(&key)
        })
    }

    /// The word at folded `s..e`'s token when the English term there is one part of a
    /// compound written as one word, the other part one of English's function and everyday
    /// words of three letters or more, or of its `COMPOUND_PART_RANK` most frequent of five
    /// letters or more (`dickface`, `cumstain`, `stormfucker`): the word's bounds. None when
    /// the word is itself one of the dictionary's words or a word of another shipped
    /// language (`cocktail`, `assassin`, `cumbersome`), when the term has fewer than three
    /// letters or starts or ends no part, when the word is spelled out, and, for a masked
    /// term, when it is capitalised, as names are (`Cockburn`). Asked of every English term
    /// found inside a word (`ass` in `class`), so what needs no look-up is asked first. `key`
    /// is room to write the other part's runs out. Out of line: inlined, it made the search
    /// around it slower on every message.
    #[inline(never)]
    fn compound(
        &self,
        input: &str,
        f: &Folded,
        (s, e): (usize, usize),
        (lang, action): (Option<LangSet>, TermAction),
        key: &mut Vec<u8>,
    ) -> Option<(usize, usize)> {
        if lang.is_some() || e - s < 3 {
            return None;
        }
        let text = f.text();
        // The term starts the word or ends it: not both (a whole word), nor neither.
        let starts = s == 0 || text.get(s - 1) == Some(&b' ');
        let ends = text.get(e).is_none_or(|&b| b == b' ');
        if starts == ends {
            return None;
        }
        let (from, to) = if starts {
            (e, token_end(text, e))
        } else {
            (token_start(text, s), s)
        };
        if to - from < 3 || !text.get(from..to).is_some_and(<[u8]>::is_ascii) {
            return None;
        }
        key.clear();
        f.write_out(from, to, u16::MAX, key);
        // One of English's function and everyday words (a table look-up), or, for a part of
        // five letters or more, of its dictionary's first `COMPOUND_PART_RANK` (a search).
        let everyday = languages::word_evidence(key) & languages::EN != 0;
        let part = std::str::from_utf8(key).unwrap_or_default();
        let frequent = || {
            part.len() >= 5
                && dictionary::best_rank(&self.langs, part).is_some_and(|r| r <= COMPOUND_PART_RANK)
        };
        if !everyday && !frequent() {
            return None;
        }
        let (ts, te) = if starts { (s, to) } else { (from, e) };
        // A listed term whole (`asshole`, `dickhead`) is found as itself.
        if self.is_term(text.get(ts..te).unwrap_or_default())
            || (action == TermAction::Mask && capitalised(input, f, ts, te))
        {
            return None;
        }
        // A word of a shipped language: its tables of words and its dictionary.
        let ordinary = languages::is_word(expand(f, ts, te).as_bytes());
        let spelled = || (ts + 1..te).any(|k| f.joint(input, k).is_some());
        (!ordinary && !spelled()).then_some((ts, te))
    }

    /// Whether folded `bytes` are one of the lexicon's patterns, whole.
    fn is_term(&self, bytes: &[u8]) -> bool {
        let dfa = if bytes.is_ascii() {
            &self.ascii
        } else {
            &self.other
        };
        let mut sid = dfa.start();
        for &b in bytes {
            sid = dfa.next(sid, b);
        }
        dfa.matches(sid)
            .iter()
            .any(|&k| dfa.pattern_len(k) == bytes.len())
    }
}

/// The judgements of `data/en-everyday.tsv`: each term, and whether it passes (is left out
/// of the built-in English lists).
fn everyday_english() -> impl Iterator<Item = (&'static str, bool)> {
    BUILTIN_EN_EVERYDAY_TSV
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| {
            let mut fields = l.split('\t');
            Some((fields.next()?, fields.next()? == "pass"))
        })
}

/// A term found at folded bytes `s..e`, spelled with the runs `runs`.
#[derive(Clone, Copy)]
struct Term<'r> {
    s: usize,
    e: usize,
    runs: &'r [u16],
}

impl Lexicon {
    /// Whether a term found inside a longer word, or as a capitalised word in a name, is an
    /// innocent use of it: the word is an ordinary word of a shipped language (`cumin`,
    /// `Scunthorpe`), or a name (`Matsushita`, `Dick Van Dyke`). A compound of the term with
    /// ordinary words (`bullshit`, `motherfucker`) or an inflection of it (`fucking`,
    /// `cumming`) never is. `end` is where the match's word ends (after a suffix). Names count
    /// only with `names`.
    fn innocent(
        &self,
        input: &str,
        f: &Folded,
        t: Term<'_>,
        mode: MatchMode,
        end: usize,
        names: bool,
    ) -> bool {
        let text = f.text();
        let (ts, te) = (token_start(text, t.s), token_end(text, t.e));
        // A spelled-out word (`f.u.c.k`) is never an ordinary word.
        if (ts + 1..te).any(|k| f.joint(input, k).is_some()) {
            return false;
        }
        if ts == t.s && te == t.e {
            return names && mode == MatchMode::Word && self.in_name(input, f, ts, te);
        }
        if mode == MatchMode::Word && (ts != t.s || end != te) {
            return false;
        }
        let mut term = String::new();
        let mut stretched = false;
        for (k, &need) in (t.s..t.e).zip(t.runs) {
            let b = text.get(k).copied().unwrap_or(b' ');
            push_run(&mut term, b, need);
            stretched |= k + 1 < t.e && f.run(k) != need;
        }
        let prefix = expand(f, ts, t.s);
        let mut suffix = String::new();
        if let (Some(&last), Some(&need)) = (text.get(t.e - 1), t.runs.last()) {
            push_run(&mut suffix, last, f.run(t.e - 1).saturating_sub(need));
        }
        suffix.push_str(&expand(f, t.e, te));
        let word = format!("{prefix}{term}{suffix}");
        let known = dictionary::best_rank(&self.langs, &word).is_some();
        match mode {
            // Only a suffix follows: an ordinary word unless it is an inflection.
            MatchMode::Word => known && !inflection(&term, &suffix, false),
            MatchMode::Substring => {
                let is_word = |w: &str| {
                    w.len() >= 2
                        && dictionary::best_rank(&self.langs, w)
                            .is_some_and(|r| r <= COMPOUND_PART_RANK)
                };
                let compound = (prefix.is_empty() || is_word(&prefix))
                    && (suffix.is_empty() || inflection(&term, &suffix, true) || is_word(&suffix));
                // A letter of the term stretched inside a word (`motherfuucker`) is a swear
                // word dwelt on, not an ordinary word's spelling.
                !compound && !stretched && (known || (names && capitalised(input, f, ts, te)))
            }
        }
    }

    /// Whether the whole word at folded `ts..te` is part of a name: capitalised, with a
    /// capitalised neighbour that is not one of the language's most frequent words (`Van` in
    /// `Dick Van Dyke`, not `You` in `You Dick`), in a message that does not capitalise every
    /// word (in `Fat Whore`, `Bastard Slut`, a capital says nothing of a name).
    fn in_name(&self, input: &str, f: &Folded, ts: usize, te: usize) -> bool {
        if !capitalised(input, f, ts, te) || title_case(input) {
            return false;
        }
        let text = f.text();
        let name_like = |from: usize, to: usize| {
            from < to
                && capitalised(input, f, from, to)
                && (from + 1..to).all(|k| f.joint(input, k).is_none())
                && dictionary::best_rank(&self.langs, &expand(f, from, to))
                    .is_none_or(|r| r > FUNCTION_WORD_RANK)
        };
        let before = ts
            .checked_sub(1)
            .is_some_and(|gap| name_like(token_start(text, gap), gap));
        before || (te < text.len() && name_like(te + 1, token_end(text, te + 1)))
    }
}

/// Whether a built-in term of language `own` found as the whole word at folded `s..e` is
/// written as a name of one of `names`, the languages it is a name in more often than not
/// (`Guerra de Troia`, `I studied in Lund`): capitalised (`capitalised`), after a function word
/// of one of them, in the same sentence (no `.`, `!`, `?` or line break between them), and in
/// a message written in that language more than in `own`. First in a sentence, a capital
/// says nothing; after a word that is no function word (`a huge Lund`), or in a message of
/// the term's own language (`tera Lund`), the term is as likely the insult.
fn named(
    input: &str,
    folded: (&Folded, Option<&Folded>),
    scratch: &mut LexiconScratch,
    (own, names): (LangSet, LangSet),
    (s, e): (usize, usize),
) -> bool {
    let f = folded.0;
    let text = f.text();
    let te = token_end(text, e);
    if token_start(text, s) != s || s < 2 || !capitalised(input, f, s, te) {
        return false;
    }
    let (pe, ps) = (s - 1, token_start(text, s - 1));
    let gap = input
        .get(f.end(pe - 1) as usize..f.start(s) as usize)
        .unwrap_or(".");
    if gap.contains(['.', '!', '?', '\n', '\r', '。', '¡', '¿']) {
        return false;
    }
    let mut key = std::mem::take(&mut scratch.key);
    // A function word, not any word: `a huge Lund` is as likely the insult.
    let before = known_word_langs(f, &mut key, (ps, pe), languages::function_word) & names;
    scratch.key = key;
    (0..LangSet::BITS)
        .map(|i| 1 << i)
        .filter(|bit| before & bit != 0)
        .any(|bit| written_in(folded, scratch, bit, own, s, e))
}

/// Whether the rest of the message, the term at folded `s..e` aside, points to language
/// `own` more often than to any language of `others`, and to no language more often than to
/// `own`: the message is written in the language of the term found there (`ihm jedes Mal
/// seine Bitte` is German, though `mal` is French too and `Bitte` folds like French `bite`).
/// Each word counts for the languages it is a function word or an everyday word of
/// (`languages::word_evidence`), and for the language its script belongs to (kana for
/// Japanese, Hangul for Korean, Han alone for Chinese, Cyrillic for Russian, Arabic,
/// Devanagari).
fn written_in(
    folded: (&Folded, Option<&Folded>),
    scratch: &mut LexiconScratch,
    own: LangSet,
    others: LangSet,
    s: usize,
    e: usize,
) -> bool {
    let per = counts_around(folded, scratch, (s, e), true);
    // A word counts once for `own` however many of its languages it names.
    let mine = match own.count_ones() {
        1 => per.get(own.trailing_zeros() as usize).copied().unwrap_or(0),
        _ => return written_in_word_by_word(folded.0, scratch, own, others, s, e),
    };
    outweighs(mine, &per, others)
}

/// Whether the original bytes behind folded `ts..te` are ASCII letters only.
fn plain_ascii(input: &str, f: &Folded, ts: usize, te: usize) -> bool {
    f.original(input, ts, te)
        .is_some_and(|w| w.bytes().all(|b| b.is_ascii_alphabetic()))
}

/// Whether no word of the message but the one the term at folded `s..e` is found in points
/// to any language (`slutbag` alone, whose `bag` is Turkish `bağ` folded too): nothing says
/// the message is not written in English.
fn written_in_none(
    folded: (&Folded, Option<&Folded>),
    scratch: &mut LexiconScratch,
    s: usize,
    e: usize,
) -> bool {
    counts_around(folded, scratch, (s, e), false)
        .iter()
        .all(|&n| n == 0)
}

/// How many words of the message point to each language counted, the words the term at
/// folded `s..e` is found in aside, but, with `rest_of_word`, what stands before and after
/// it in them: the words are read once a message (`read_words`), and the term's own taken
/// off the totals.
fn counts_around(
    folded: (&Folded, Option<&Folded>),
    scratch: &mut LexiconScratch,
    (s, e): (usize, usize),
    rest_of_word: bool,
) -> [u32; languages::COUNTED] {
    let (f, earlier) = folded;
    let mut key = std::mem::take(&mut scratch.key);
    if !scratch.words_ready {
        scratch.words_ready = true;
        let earlier = earlier.map(|e| (e, scratch.earlier_words.as_slice()));
        read_words(
            f,
            earlier,
            &mut key,
            &mut scratch.words,
            &mut scratch.totals,
        );
    }
    let mut langs_of = |from: usize, to: usize| word_langs(f, &mut key, from, to);
    // The counts over every word, less the term's own words, plus what stands before and
    // after the term in them: the same sums as counting word by word, without a pass over
    // the message for each term found.
    let mut per = scratch.totals;
    // The words are in order: those before the term's own are passed over at once.
    let first = scratch.words.partition_point(|&(_, to, _)| to <= s);
    let own_words = scratch.words.get(first..).unwrap_or_default();
    for &(from, to, langs) in own_words.iter().take_while(|&&(from, _, _)| from < e) {
        if !(to <= s || from >= e) {
            for (i, n) in per.iter_mut().enumerate() {
                // Never below 0: the totals hold this word.
                *n = n.saturating_sub(u32::from(langs & (1 << i) != 0));
            }
            if rest_of_word {
                add(&mut per, langs_of(from, s));
                add(&mut per, langs_of(e, to));
            }
        }
    }
    scratch.key = key;
    per
}

/// Whether the message, the term at folded `s..e` aside, points to one of `langs` more than
/// to English and to every other language (one that may list the term as a swear word, as
/// French does `negro`): an English list term found there is that language's word.
fn in_a_language_of(
    folded: (&Folded, Option<&Folded>),
    scratch: &mut LexiconScratch,
    langs: LangSet,
    s: usize,
    e: usize,
) -> bool {
    (0..LangSet::BITS)
        .map(|i| 1 << i)
        .filter(|bit| langs & bit != 0)
        .any(|bit| written_in(folded, scratch, bit, !langs, s, e))
}

/// Appends the words of `f` to `words`, each with the languages it points to, and counts
/// them in `totals`. `earlier`: a folding `f` was made from by masking words, and its words;
/// a word written as one of those, with the same bytes and runs, points where that one does
/// (`word_langs` reads nothing else), so is not read again.
fn read_words(
    f: &Folded,
    earlier: Option<(&Folded, &[Word])>,
    key: &mut Vec<u8>,
    words: &mut Vec<Word>,
    totals: &mut [u32; languages::COUNTED],
) {
    let text = f.text();
    // The earlier word to look at first: masking keeps the words in their order.
    let mut next = 0;
    let mut from = 0;
    while from < text.len() {
        let to = token_end(text, from);
        let carried = earlier.and_then(|(e, list)| {
            let mut ahead = list.get(next..)?.iter().take(EARLIER_WORDS_AHEAD);
            let k = ahead.position(|&(a, b, _)| f.same_word(from, to, e, a, b))?;
            next += k + 1;
            list.get(next - 1).map(|&(_, _, langs)| langs)
        });
        let langs = carried.unwrap_or_else(|| word_langs(f, key, from, to));
        words.push((from, to, langs));
        add(totals, langs);
        from = to + 1;
    }
}

/// Adds a word pointing to `langs` to the counts per language.
fn add(counts: &mut [u32; languages::COUNTED], langs: LangSet) {
    // Bit by bit: most words point to no language or to one.
    let mut rest = langs;
    while rest != 0 {
        if let Some(n) = counts.get_mut(rest.trailing_zeros() as usize) {
            *n += 1;
        }
        rest &= rest - 1;
    }
}

/// `written_in` word by word, for an `own` of several languages (the built-in lexicons give
/// one each); `scratch.words` is ready.
fn written_in_word_by_word(
    f: &Folded,
    scratch: &mut LexiconScratch,
    own: LangSet,
    others: LangSet,
    s: usize,
    e: usize,
) -> bool {
    let mut key = std::mem::take(&mut scratch.key);
    let (mut mine, mut theirs) = (0u32, [0u32; languages::COUNTED]);
    let mut count = |langs: LangSet| {
        mine += u32::from(langs & own != 0);
        for (i, n) in theirs.iter_mut().enumerate() {
            *n += u32::from(langs & !own & (1 << i) != 0);
        }
    };
    for &(from, to, langs) in &scratch.words {
        if to <= s || from >= e {
            count(langs);
        } else {
            // The term's own word: what stands before and after the term in it.
            count(word_langs(f, &mut key, from, s));
            count(word_langs(f, &mut key, e, to));
        }
    }
    scratch.key = key;
    outweighs(mine, &theirs, others)
}

/// Whether `mine` words pointing to a message's language outweigh the `counts` per language:
/// more than each of `others`, and at least as many as any other shipped language.
fn outweighs(mine: u32, counts: &[u32; languages::COUNTED], others: LangSet) -> bool {
    // The languages not shipped weigh for a term that is their word (`written_in` of
    // `ELSEWHERE`), never against another.
    mine > 0
        && counts
            .iter()
            .take(languages::SHIPPED.len())
            .enumerate()
            .all(|(i, &n)| {
                if others & (1 << i) != 0 {
                    mine > n
                } else {
                    mine >= n
                }
            })
}

/// The languages the word at folded bytes `from..to` points to: as a function word or an
/// everyday word, and by its script. `key` is room to write the word's runs out.
fn word_langs(f: &Folded, key: &mut Vec<u8>, from: usize, to: usize) -> LangSet {
    known_word_langs(f, key, (from, to), languages::word_evidence)
}

/// `word_langs` with `known` telling which languages a folded word of the text is a known
/// word of: everyday words count, or function words only.
fn known_word_langs(
    f: &Folded,
    key: &mut Vec<u8>,
    (from, to): (usize, usize),
    known: fn(&[u8]) -> LangSet,
) -> LangSet {
    if from >= to {
        return 0;
    }
    let text = f.text();
    let (word, in_text) = match text.get(from..to) {
        // Without a run, the word is written out already: no copy.
        Some(bytes) if f.without_runs(from, to) => (bytes, true),
        _ => {
            expand_into(f, from, to, key);
            (&key[..], false)
        }
    };
    if word.is_ascii() {
        // Latin: no script to tell, and no UTF-8 to check.
        return known(word);
    }
    // As `expand` reads it: bytes that are no text are no word. The folded text is UTF-8
    // (`Folded`), so a slice of it is when it starts and ends on characters: no continuation
    // byte at either edge. Checking each word (or the text) again took a sixteenth of the
    // time of a message with an ambiguous term.
    let starts_char = |at: usize| text.get(at).is_none_or(|&b| !(0x80..0xC0).contains(&b));
    let valid = if in_text {
        starts_char(from) && starts_char(to)
    } else {
        std::str::from_utf8(word).is_ok()
    };
    if valid {
        known(word) | languages::script_of_utf8(word)
    } else {
        0
    }
}

/// Whether the folded span `s..e` begins or ends inside one character of the message: a
/// character that folds to several letters (a Hangul syllable to its jamo, `ß` to `ss`) is
/// read whole or not at all.
fn splits_a_character(f: &Folded, s: usize, e: usize) -> bool {
    let text = f.text();
    // The space between two tokens of one word (Han glued to Latin letters, `你fuck`) is no
    // part of a character.
    let letter = |k: usize| text.get(k).is_some_and(|&b| b != b' ');
    let inside = |k: usize| k > 0 && letter(k - 1) && letter(k) && f.start(k) == f.start(k - 1);
    inside(s) || inside(e)
}

/// Whether `word` begins with `spelling`, marks and all, whatever the case, the Unicode form
/// (full-width letters too) or the leetspeak of the letters without marks (`Göt`, `o` and a
/// combining diaeresis, or `g0t` beside the mark, spell `göt`; `c0ñ0` spells `coño`).
/// Turkish capitals count as Turkish writes them: `I` is the capital of `ı` as well as of
/// `i` (`AMINA` spells `amına`), `İ` that of `i`.
fn spelled_as(word: &str, spelling: &str) -> bool {
    use unicode_normalization::UnicodeNormalization;
    // A spelling with marks has a character outside ASCII, which an ASCII word matches only
    // through a capital `I`: most words are answered here, without normalizing them.
    if word.is_ascii() && !word.contains('I') && !spelling.is_ascii() {
        return false;
    }
    // `None` for a capital `I`, which stands for either small letter.
    let mut word = word.nfkc().flat_map(|c| {
        let one = match c {
            'I' => Some(None),
            'İ' => Some(Some('i')),
            _ => None,
        };
        let lower = one.is_none().then(|| c.to_lowercase().map(Some));
        one.into_iter().chain(lower.into_iter().flatten())
    });
    spelling
        .nfkc()
        .flat_map(char::to_lowercase)
        .all(|c| match word.next() {
            Some(Some(w)) => w == c || leet_letter(w) == c,
            Some(None) => matches!(c, 'i' | 'ı'),
            None => false,
        })
}

/// Words this frequent or more are a language's function words and commonest words (`you`,
/// `the`, `my`): a capitalised one beside a term does not make it a name.
const FUNCTION_WORD_RANK: u32 = 200;

/// The least frequent a word may be and still count as a part of a compound with a term
/// (`dip` in `dipshit`, `storm` in `shitstorm`); rarer fragments (`matsu`) are not words.
const COMPOUND_PART_RANK: u32 = 20_000;

/// Endings that make an inflection of a word-mode term, as `SUFFIXES`.
const INFLECTIONS: &[&str] = &["s", "es", "ed", "er", "ers", "ing", "ings", "in", "z"];
/// Endings that also make a word from a term in a compound (`shitty`, `bitchy`).
const DERIVATIONS: &[&str] = &["y", "ie", "ies", "iest", "ier", "ish"];

/// Whether `word` is `stem` with one of `SUFFIXES`, its last letter doubled or not
/// (`fucks`, `slutty`, `cumming`).
fn inflects(stem: &str, word: &str) -> bool {
    let Some(rest) = word.strip_prefix(stem).filter(|rest| !rest.is_empty()) else {
        return false;
    };
    let undoubled = stem
        .chars()
        .last()
        .and_then(|last| rest.strip_prefix(last))
        .unwrap_or(rest);
    [rest, undoubled]
        .iter()
        .any(|ending| SUFFIXES.contains(&ending.as_bytes()))
}

/// Whether `suffix` after `term` inflects it (`fucking`, `asses`, `cumming`) and, with
/// `derived`, derives a word from it (`shitty`). A term ending in a consonant, a short vowel
/// and a consonant doubles its last letter before an ending that starts with a vowel, as
/// English spelling does: `cumming` is `cum` inflected, `cumin` is not.
fn inflection(term: &str, suffix: &str, derived: bool) -> bool {
    let ok = |s: &str| INFLECTIONS.contains(&s) || (derived && DERIVATIONS.contains(&s));
    let b = term.as_bytes();
    let vowel = |c: u8| b"aeiou".contains(&c);
    let cvc = match b {
        [.., x, v, c] => !vowel(*x) && vowel(*v) && !vowel(*c) && !b"wxy".contains(c),
        _ => false,
    };
    if !cvc {
        return ok(suffix);
    }
    let last = b.last().copied().unwrap_or(0);
    match suffix.as_bytes().split_first() {
        // Doubled before a vowel (`cumming`, `shitty`), or a consonant ending (`cums`).
        Some((&first, rest)) if !vowel(first) => {
            let rest = std::str::from_utf8(rest).unwrap_or_default();
            (first == last && ok(rest)) || ok(suffix)
        }
        _ => suffix.is_empty(),
    }
}

/// Appends byte `b` (an ASCII letter, or a byte of a longer character) `run` times, at most 4.
fn push_run(out: &mut String, b: u8, run: u16) {
    if b.is_ascii() {
        for _ in 0..run.min(4) {
            out.push(char::from(b));
        }
    }
}

/// Folded bytes `from..to` with their runs written out, as the dictionaries spell words.
fn expand(f: &Folded, from: usize, to: usize) -> String {
    let mut raw = Vec::with_capacity(to.saturating_sub(from));
    expand_into(f, from, to, &mut raw);
    String::from_utf8(raw).unwrap_or_default()
}

/// `expand` into `raw`, replacing what it held.
fn expand_into(f: &Folded, from: usize, to: usize, raw: &mut Vec<u8>) {
    raw.clear();
    f.write_out(from, to, 4, raw);
}

/// Whether the original text behind folded `from..to` is one word written with a capital
/// and then small letters only (`Matsushita`), as names are: not shouted, not disguised.
fn capitalised(input: &str, f: &Folded, from: usize, to: usize) -> bool {
    let Some(word) = f.original(input, from, to) else {
        return false;
    };
    let mut chars = word.chars();
    chars.next().is_some_and(char::is_uppercase)
        && word.chars().count() >= 2
        && chars.all(char::is_lowercase)
}

/// Whether every word of `input` that starts with a letter starts with a capital: Title Case,
/// as headings and shouting write it, not names.
fn title_case(input: &str) -> bool {
    input
        .split_whitespace()
        .filter_map(|w| w.chars().next().filter(|c| c.is_alphabetic()))
        .all(char::is_uppercase)
}

/// Walks `text` through the DFA and appends where each match state is entered: the end of
/// the matches and the state that lists them. On a byte that no pattern holds the walk
/// (unanchored, every match reported) goes back to the start state, which is no match (no
/// pattern is found empty), so it passes over a run of them at once. Chat in several scripts
/// has long runs of bytes one of the automata never reads: other scripts for the ASCII one,
/// Latin letters for the other.
fn walk(dfa: &TermAutomaton, text: &[u8], ends: &mut Vec<(usize, u32)>) {
    walk_over(dfa, text, |b| dfa.absent(b), ends);
}

/// `walk`, passing over the bytes for which `absent` holds: bytes no pattern holds. A loop
/// of its own, kept out of its caller, so that the state stays in a register: with more
/// going on around it, it went through the stack on every byte and the walk ran at half
/// speed.
#[inline(never)]
fn walk_over(
    dfa: &TermAutomaton,
    text: &[u8],
    absent: impl Fn(u8) -> bool,
    ends: &mut Vec<(usize, u32)>,
) {
    let start = dfa.start();
    let mut sid = start;
    let mut i = 0;
    while let Some(&b) = text.get(i) {
        i += 1;
        if absent(b) {
            sid = start;
            while text.get(i).is_some_and(|&b| absent(b)) {
                i += 1;
            }
            continue;
        }
        sid = dfa.next(sid, b);
        if dfa.is_match(sid) {
            ends.push((i, sid));
        }
    }
}

/// Where the word ends if folded bytes `s..e` are a whole word, or a word plus one of
/// `SUFFIXES`. A word spelled out letter by letter is joined into one run with the single
/// characters around it; it still stands as a word when what it is joined to is one-letter
/// words (`such a d i c k, I`: `adicki`), or when the separator changes there (`x d.i.c.k`,
/// `d i c k <3`).
/// `phrase(from, to)` says whether the letters `from..to` of the run beside the word spell
/// out words too (see `Lexicon::spelled_phrase`).
fn word_end(
    f: &Folded,
    input: &str,
    (s, e): (usize, usize),
    endings: &[&[u8]],
    phrase: &dyn Fn(usize, usize) -> bool,
) -> Option<usize> {
    let text = f.text();
    // Digits and symbols glued to a word's edge are no letters of it (`!dick`, `dick0`).
    let mid_token =
        s > 0 && text.get(s - 1) != Some(&b' ') && !symbols_only(f, input, token_start(text, s), s);
    if mid_token && f.joint(input, s).is_none() {
        // Inside a word (`class`).
        return None;
    }
    let te = token_end(text, e);
    let suffixed = |end: usize| {
        let rest = text.get(e..end).unwrap_or_default();
        rest.is_empty() || (endings.contains(&rest) && (e..end).all(|i| f.run(i) == 1))
    };
    let whole = suffixed(te) || (f.joint(input, e).is_none() && symbols_only(f, input, e, te));
    if !mid_token && whole {
        return Some(te);
    }
    if !whole && f.joint(input, e).is_none() {
        // The word goes on (`assess`).
        return None;
    }
    // Spelled out, in a run of single characters with more before or after it.
    let separator = (s + 1..e).find_map(|k| f.joint(input, k));
    let changes =
        |k: usize| separator.is_some() && f.joint(input, k).is_some_and(|g| Some(g) != separator);
    let ts = token_start(text, s);
    // Words spelled out before the word: then none after it, but its ending and one-letter
    // words (a term inside a phrase, `d e p u t a d o`, is too often part of a word).
    let phrase_before = mid_token && !changes(s) && !words_before(f, input, ts, s);
    if phrase_before && !phrase(ts, s) {
        return None;
    }
    if whole {
        return Some(te);
    }
    // An ending is at most `MAX_SUFFIX` long.
    let after = words_after_from(f, input, e, te);
    (e..te.min(e + MAX_SUFFIX + 1)).find(|&end| {
        suffixed(end) && (end >= after || changes(end) || (!phrase_before && phrase(end, te)))
    })
}

/// Whether folded bytes `from..to`, none or more, all stand for digits or symbols of `input`
/// that leetspeak reads as letters (`!` and `1` as `i`, `0` as `o`, `|` as `l`): glued to
/// the edge of a word, they are no letters of it (`!dick`, `|dick|`, `dick0`), where inside
/// one they are (`d!ck`).
fn symbols_only(f: &Folded, input: &str, from: usize, to: usize) -> bool {
    (from..to).all(|k| {
        f.original(input, k, k + 1)
            .is_some_and(|c| !c.is_empty() && !c.chars().any(char::is_alphabetic))
    })
}

/// The start of the folded token that holds byte `i`.
fn token_start(text: &[u8], i: usize) -> usize {
    text.get(..i)
        .and_then(|t| t.iter().rposition(|&b| b == b' '))
        .map_or(0, |p| p + 1)
}

/// The end of the folded token that holds the byte before `i`.
fn token_end(text: &[u8], i: usize) -> usize {
    text.get(i..)
        .and_then(|t| t.iter().position(|&b| b == b' '))
        .map_or(text.len(), |p| i + p)
}

/// Whether folded byte `k` is one of `words`, written once.
fn one_letter_word(f: &Folded, k: usize, words: &[u8]) -> bool {
    f.text().get(k).is_some_and(|b| words.contains(b)) && f.run(k) == 1
}

/// Whether folded byte `k` is joined onto the one before by white space only: words apart,
/// or letters spelled out with spaces. (`a-c-o-c-k` is one word.)
fn spaced(f: &Folded, input: &str, k: usize) -> bool {
    f.joint(input, k)
        .is_some_and(|gap| gap.chars().all(char::is_whitespace))
}

/// Whether folded bytes `from..to`, the start of a run of single characters up to a match
/// at `to`, are one-letter words that may stand before a word (`a` in `such a d i c k`).
fn words_before(f: &Folded, input: &str, from: usize, to: usize) -> bool {
    (from..to).all(|k| one_letter_word(f, k, WORDS_BEFORE) && spaced(f, input, k + 1))
}

/// Where the one-letter words that may follow a word (`I` in `d i c k I`) start at the end
/// of the run `..to`, at `from` or later; `to` when there are none.
fn words_after_from(f: &Folded, input: &str, from: usize, to: usize) -> usize {
    let mut k = to;
    while k > from && one_letter_word(f, k - 1, WORDS_AFTER) && spaced(f, input, k - 1) {
        k -= 1;
    }
    k
}

/// What a substring match at folded bytes `s..e` masks: the match, or the whole word when it
/// is spelled out letter by letter (`m.o.t.h.e.r.f.u.c.k.e.r`, `f u c k i n g`). The word is
/// the run of single characters around the match joined by the separator the match uses,
/// without one-letter words before or after it (`such a f.u.c.k`).
fn spelled_word(f: &Folded, input: &str, s: usize, e: usize) -> (usize, usize) {
    let Some(separator) = (s + 1..e).find_map(|k| f.joint(input, k)) else {
        return (s, e);
    };
    let text = f.text();
    let (ts, te) = (token_start(text, s), token_end(text, e));
    let mut start = s;
    if !words_before(f, input, ts, s) {
        while start > ts && f.joint(input, start) == Some(separator) {
            start -= 1;
        }
    }
    let mut end = e;
    if words_after_from(f, input, e, te) > e {
        while end < te && f.joint(input, end) == Some(separator) {
            end += 1;
        }
    }
    (start, end)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::{BuiltinList, TermList};
    use aho_corasick::{AhoCorasick, MatchKind};
    use proptest::prelude::*;

    fn lexicon(terms: &[&str], mode: MatchMode, allow: &[&str]) -> Lexicon {
        let b = Blocklists {
            languages: Some(Vec::new()),
            builtin_en: BuiltinList {
                enabled: false,
                ..BuiltinList::default()
            },
            lists: vec![TermList {
                name: "test".into(),
                action: TermAction::Mask,
                mode,
                terms: terms.iter().map(|s| s.to_string()).collect(),
                terms_file: None,
            }],
            allow: allow.iter().map(|s| s.to_string()).collect(),
        };
        Lexicon::compile(&b).expect("test lexicon compiles")
    }

    /// The built-in lists, compiled once for every test that asks.
    fn builtin() -> &'static Lexicon {
        static BUILTIN: std::sync::OnceLock<Lexicon> = std::sync::OnceLock::new();
        BUILTIN.get_or_init(|| {
            Lexicon::compile(&Blocklists::default()).expect("the built-in lists compile")
        })
    }

    fn hits(lex: &Lexicon, text: &str) -> Vec<String> {
        let mut f = Folded::default();
        f.fold(text);
        let mut out = Vec::new();
        lex.search(text, &f, None, &mut LexiconScratch::default(), &mut out);
        out.iter()
            .map(|h| text[h.start as usize..h.end as usize].to_owned())
            .collect()
    }

    /// Every `sexual` term of the built-in English lists that is one of English's frequent
    /// words is judged in `data/en-everyday.tsv`, and nothing else is.
    #[test]
    fn every_frequent_sexual_english_term_is_judged() {
        let english = dictionary::language("en").expect("an English dictionary");
        let mut frequent = std::collections::BTreeSet::new();
        for json in [
            BUILTIN_EN_JSON,
            BUILTIN_EN_ADDITIONS_JSON,
            BUILTIN_EN_RUSTRICT_JSON,
        ] {
            let entries: Vec<BuiltinEntry> = serde_json::from_str(json).expect("the list parses");
            for entry in entries
                .iter()
                .filter(|e| e.tags.iter().any(|t| t == "sexual"))
            {
                for term in entry.pattern.split('|').map(|t| t.replace('*', "")) {
                    if dictionary::rank(english, &term).is_some() {
                        frequent.insert(term);
                    }
                }
            }
        }
        let judged: std::collections::BTreeSet<String> =
            everyday_english().map(|(t, _)| t.to_owned()).collect();
        assert_eq!(frequent, judged);
    }

    #[test]
    fn english_terms_judged_everyday_words_pass_and_the_rest_stay() {
        let lex = builtin();
        assert!(hits(lex, "he tried to snatch the ball").is_empty());
        assert!(hits(lex, "total domination of the league").is_empty());
        assert!(hits(lex, "the fingering of that solo").is_empty());
        assert_eq!(hits(lex, "send nudes"), ["nudes"]);
        assert_eq!(hits(lex, "talk about sex"), ["sex"]);
    }

    #[test]
    fn word_terms_match_whole_words_and_common_endings() {
        let lex = lexicon(&["ass"], MatchMode::Word, &[]);
        assert_eq!(hits(&lex, "you ass"), ["ass"]);
        assert_eq!(hits(&lex, "asses"), ["asses"]);
        assert!(hits(&lex, "class assess passes").is_empty());
    }

    #[test]
    fn word_terms_need_at_least_their_own_doubled_letters() {
        let lex = lexicon(&["ass"], MatchMode::Word, &[]);
        assert!(hits(&lex, "as").is_empty());
        assert_eq!(hits(&lex, "asssss"), ["asssss"]);
    }

    #[test]
    fn substring_terms_match_inside_words() {
        let lex = lexicon(&["fuck"], MatchMode::Substring, &[]);
        assert_eq!(hits(&lex, "motherfucker"), ["fuck"]);
    }

    #[test]
    fn allowlisted_words_hide_the_blocked_words_inside_them() {
        let lex = lexicon(&["cunt"], MatchMode::Substring, &["scunthorpe"]);
        assert!(hits(&lex, "Scunthorpe United").is_empty());
        assert_eq!(hits(&lex, "you cunt"), ["cunt"]);
    }

    #[test]
    fn phrases_match_across_any_spacing() {
        let lex = lexicon(&["piece of shit"], MatchMode::Word, &[]);
        assert_eq!(hits(&lex, "a PIECE   of\tshit!"), ["PIECE   of\tshit"]);
    }

    #[test]
    fn spelled_words_match_beside_one_letter_words() {
        let lex = lexicon(&["dick"], MatchMode::Word, &[]);
        assert_eq!(hits(&lex, "such a d i c k rn"), ["d i c k"]);
        assert_eq!(hits(&lex, "d i c k I"), ["d i c k"]);
        assert_eq!(hits(&lex, "u r a d i c k s"), ["d i c k s"]);
        assert!(hits(&lex, "x d i c k").is_empty());
        assert!(hits(&lex, "a-d-i-c-k").is_empty());
    }

    #[test]
    fn spelled_words_end_where_their_separator_changes() {
        let lex = lexicon(&["dick"], MatchMode::Word, &[]);
        assert_eq!(hits(&lex, "x d.i.c.k"), ["d.i.c.k"]);
        assert_eq!(hits(&lex, "d i c k <3"), ["d i c k"]);
        assert_eq!(hits(&lex, "d.i.c.k, I forgot"), ["d.i.c.k"]);
        assert!(hits(&lex, "d.i.c.k.x").is_empty());
    }

    #[test]
    fn allowed_words_do_not_hide_a_spelled_word_beside_a_one_letter_word() {
        let lex = lexicon(&["cock"], MatchMode::Word, &["acock"]);
        assert_eq!(hits(&lex, "a c o c k"), ["c o c k"]);
        assert!(hits(&lex, "acock").is_empty());
        assert!(hits(&lex, "a-c-o-c-k").is_empty());
    }

    #[test]
    fn substring_matches_in_spelled_words_cover_the_word() {
        let lex = lexicon(&["fuck"], MatchMode::Substring, &[]);
        assert_eq!(
            hits(&lex, "m.o.t.h.e.r.f.u.c.k.e.r"),
            ["m.o.t.h.e.r.f.u.c.k.e.r"]
        );
        assert_eq!(hits(&lex, "such a f u c k e r"), ["f u c k e r"]);
        assert_eq!(hits(&lex, "f.u.c.k, I forgot"), ["f.u.c.k"]);
        assert_eq!(hits(&lex, "f.u.c.k y.o.u"), ["f.u.c.k"]);
        assert_eq!(hits(&lex, "motherfucker"), ["fuck"]);
    }

    #[test]
    fn inflected_forms_are_told_from_their_stems() {
        assert!(inflects("fuck", "fucking"));
        assert!(inflects("slut", "slutty"));
        assert!(inflects("cum", "cumming"));
        assert!(!inflects("fuck", "fuck"));
        assert!(!inflects("cock", "cocksucker"));
    }

    #[test]
    fn inflections_follow_english_spelling() {
        assert!(inflection("fuck", "ing", false));
        assert!(inflection("fuck", "in", false));
        assert!(inflection("cum", "ming", false));
        assert!(inflection("cum", "s", false));
        assert!(!inflection("cum", "in", false));
        assert!(inflection("shit", "ty", true));
        assert!(!inflection("shit", "ty", false));
        assert!(!inflection("shit", "a", true));
    }

    #[test]
    fn terms_inside_ordinary_words_and_names_pass() {
        let lex = lexicon(&["shit", "cunt"], MatchMode::Substring, &[]);
        assert!(hits(&lex, "Matsushita and Scunthorpe").is_empty());
        assert_eq!(hits(&lex, "bullshit"), ["shit"]);
        assert_eq!(hits(&lex, "shitty"), ["shitt"]);
        assert_eq!(hits(&lex, "matsushita"), ["shit"]);
        assert_eq!(hits(&lex, "xshitx"), ["shit"]);
        let lex = lexicon(&["cum", "dick"], MatchMode::Word, &[]);
        assert!(hits(&lex, "a pinch of cumin").is_empty());
        assert_eq!(hits(&lex, "cumming"), ["cumming"]);
        assert!(hits(&lex, "Dick Van Dyke sings").is_empty());
        assert_eq!(hits(&lex, "You Dick"), ["Dick"]);
        assert_eq!(hits(&lex, "you dick van"), ["dick"]);
    }

    #[test]
    fn builtin_terms_written_as_names_of_the_message_language_pass() {
        let lex = builtin();
        assert!(hits(lex, "obras inspiradas pela Guerra de Troia").is_empty());
        assert!(hits(lex, "I studied in Lund for two years").is_empty());
        // Lowercase, first in a sentence, after no function word, or in the term's language.
        assert_eq!(hits(lex, "you are a lund"), ["lund"]);
        assert_eq!(hits(lex, "Lund is what you are"), ["Lund"]);
        assert_eq!(hits(lex, "I studied. Lund is what you are"), ["Lund"]);
        assert_eq!(hits(lex, "such a huge Lund"), ["Lund"]);
        assert_eq!(hits(lex, "tera Lund"), ["Lund"]);
        assert_eq!(hits(lex, "sei una Troia"), ["Troia"]);
        assert_eq!(
            hits(lex, "obras sobre a guerra. Troia foi destruída"),
            ["Troia"]
        );
    }

    #[test]
    fn words_spelled_with_marks_a_term_lacks_are_the_language_of_those_marks() {
        let lex = builtin();
        assert!(hits(lex, "Ciò porrà nuovi limiti alla natura dei cambiamenti").is_empty());
        // In a message of the term's language, blocked however it is spelled.
        assert_eq!(hits(lex, "que porra é essa"), ["porra"]);
        assert_eq!(hits(lex, "que porrà é essa"), ["porrà"]);
    }

    #[test]
    fn arabic_terms_in_ta_marbuta_pass_as_a_word_with_the_possessive() {
        let lex = builtin();
        assert!(hits(lex, "حلمه أن ينهي مسيرته المهنية هنا").is_empty());
        assert_eq!(hits(lex, "حلمة"), ["حلمة"]);
        // No stem `شرموط` to own: the ه spelling is the term's.
        assert_eq!(hits(lex, "شرموطه"), ["شرموطه"]);
    }

    #[test]
    fn builtin_list_loads_and_blocks_its_words() {
        let lex = builtin();
        assert_eq!(hits(lex, "what the fuck"), ["fuck"]);
        assert!(hits(lex, "hello there, nice grapes").is_empty());
    }

    /// Words of several languages and scripts, function words among them, some written
    /// with runs, some alike once folded.
    const MIXED_WORDS: &[&str] = &[
        "the",
        "de",
        "la",
        "con",
        "que",
        "und",
        "и",
        "не",
        "как",
        "bir",
        "ve",
        "في",
        "من",
        "है",
        "का",
        "の",
        "は",
        "です",
        "的",
        "是",
        "你好",
        "游戏",
        "게임",
        "진짜",
        "thee",
        "THE",
        "sooo",
        "дааа",
        "ゲーム",
        "ｔｈｅ",
        "f.u.c.k",
        "con4rd",
        "草泥泥泥马",
        "他 妈 的",
        "🔥",
        "42",
        "a",
        "x",
    ];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn words_left_whole_by_masks_point_where_reading_them_afresh_points(
            words in prop::collection::vec(prop::sample::select(MIXED_WORDS), 1..40),
            masked in prop::collection::vec(any::<bool>(), 40),
        ) {
            let mut input = String::new();
            let mut spans: Vec<(u32, u32)> = Vec::new();
            for (k, w) in words.iter().enumerate() {
                if k > 0 {
                    input.push(' ');
                }
                let start = input.len() as u32;
                input.push_str(w);
                if masked[k] {
                    match spans.last_mut() {
                        Some(last) if last.1 + 1 == start => last.1 = input.len() as u32,
                        _ => spans.push((start, input.len() as u32)),
                    }
                }
            }
            let mut before = Folded::default();
            before.fold(&input);
            let mut key = Vec::new();
            let (mut earlier_words, mut totals) = (Vec::new(), [0; languages::COUNTED]);
            read_words(&before, None, &mut key, &mut earlier_words, &mut totals);
            let mut after = Folded::default();
            if after.fold_masked(&before, &input, &spans) {
                let (mut carried, mut carried_totals) = (Vec::new(), [0; languages::COUNTED]);
                let earlier = Some((&before, earlier_words.as_slice()));
                read_words(&after, earlier, &mut key, &mut carried, &mut carried_totals);
                let (mut afresh, mut afresh_totals) = (Vec::new(), [0; languages::COUNTED]);
                read_words(&after, None, &mut key, &mut afresh, &mut afresh_totals);
                prop_assert_eq!(carried, afresh, "{:?} masked {:?}", input, spans);
                prop_assert_eq!(carried_totals, afresh_totals);
            }
        }

        #[test]
        fn the_walk_reports_what_find_overlapping_iter_reports(
            patterns in prop::collection::vec("[abc ]{1,6}", 1..20),
            text in "[abcd ]{0,60}|[abcd ]{100,400}|[abc é你]{0,80}",
        ) {
            let patterns: Vec<Vec<u8>> = patterns.into_iter().map(String::into_bytes).collect();
            let dfa = TermAutomaton::new(&patterns).expect("patterns compile");
            let mut ends = Vec::new();
            walk_over(&dfa, text.as_bytes(), |_| false, &mut ends);
            // Passing over the bytes that no pattern holds misses nothing.
            let mut passing = Vec::new();
            walk(&dfa, text.as_bytes(), &mut passing);
            prop_assert_eq!(&passing, &ends);
            prop_assert_eq!(found(&dfa, &ends), overlapping(&patterns, &text));
        }

        /// Patterns of several scripts, whose bytes make many classes and share their lead
        /// bytes, and patterns repeated.
        #[test]
        fn the_walk_reports_what_find_overlapping_iter_reports_in_any_script(
            patterns in prop::collection::vec("[aé你好ё ]{1,4}", 1..30),
            repeated in prop::collection::vec(0usize..30, 0..3),
            text in "[aé你好ёж ]{0,80}",
        ) {
            let mut patterns: Vec<Vec<u8>> = patterns.into_iter().map(String::into_bytes).collect();
            for k in repeated {
                if let Some(p) = patterns.get(k % patterns.len()).cloned() {
                    patterns.push(p);
                }
            }
            let dfa = TermAutomaton::new(&patterns).expect("patterns compile");
            let mut ends = Vec::new();
            walk_over(&dfa, text.as_bytes(), |_| false, &mut ends);
            let mut passing = Vec::new();
            walk(&dfa, text.as_bytes(), &mut passing);
            prop_assert_eq!(&passing, &ends);
            prop_assert_eq!(found(&dfa, &ends), overlapping(&patterns, &text));
        }
    }

    /// What a walk's match ends say: each match's start, end and pattern.
    fn found(dfa: &TermAutomaton, ends: &[(usize, u32)]) -> Vec<(usize, usize, usize)> {
        ends.iter()
            .flat_map(|&(e, sid)| {
                dfa.matches(sid)
                    .iter()
                    .map(move |&p| (e - dfa.pattern_len(p), e, p as usize))
            })
            .collect()
    }

    /// Every overlapping match of `patterns` in `text`, as the `aho-corasick` crate finds them.
    fn overlapping(patterns: &[Vec<u8>], text: &str) -> Vec<(usize, usize, usize)> {
        let reference = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .build(patterns)
            .expect("patterns compile");
        reference
            .find_overlapping_iter(text)
            .map(|m| (m.start(), m.end(), m.pattern().as_usize()))
            .collect()
    }
}
