//! Words written with letters hidden behind asterisks, hashes, underscores, hyphens, full
//! stops, question marks, emoji or shapes (`f*ck`, `sh*t`, `b***h`, `f#ck`, `f_ck`, `sh-t`,
//! `b.tch`, `f?ck`, `f🔥ck`, `c○nt`): the writer censors the word for the reader, who still
//! reads it. Inside a word, with letters on both sides, each of them (a star, below) stands
//! for one hidden letter (a run of n for n letters), and the word is a term when it has the
//! term's length and its other letters agree (with the endings a word term may take:
//! `f*cking`). Stars around a word (`*bold*`) or between words (`** **`) hide nothing; all but
//! `*` and `#` join words as often (`well-known`, `e.g.`, `I❤NY`), so a word with one is read
//! with three letters shown, and as a whole term only unless no part of it is a word
//! (`motherf-cker`), where a term inside it must show its first and last letters.
//!
//! Folding reads a `*` as a separator (two or more as a mask that keeps spelled-out letters
//! apart), so the automaton never sees these words whole; they are read here, from the
//! message itself, and only in a message that has a `*` between two letters. Words of Latin
//! letters are read, and words of Cyrillic ones (`бл*ть`, `п*здец`, `х*й`), where a star hides
//! one letter of two bytes, and stretches of kana or Han (`ま○こ`, `他*的`), where it hides
//! one of three, inside a term only.

use serde::{Deserialize, Serialize};

use super::chars;
use super::languages;
use super::lexicon::{Hit, SUFFIXES};
use super::normalize::Folded;
use super::variants::Letter;
use crate::policy::{MatchMode, TermAction};

/// A word this long or longer is not read: no term is, and a flood of stars is no word.
const MAX_WORD: usize = 64;

/// Letters a reading must show, stars aside: fewer, and the stars say more than the word
/// (`a*****e` could be many words; `mother****er`, the engine's own mask of a term inside a
/// word, is not read again as that term).
const MIN_SHOWN: usize = 2;

/// A byte of a read word that a star hid.
const HIDDEN: u8 = b'*';

/// The ASCII characters that hide a letter: stars, and the underscore, hyphen, full stop and
/// question mark chat censors with as it does with them (`f_ck`, `sh-t`, `b.tch`, `f?ck`).
const STARS: [char; 6] = ['*', '#', '_', '-', '.', '?'];

/// The stars that join words as often as they hide a letter (`well-known`, `is_it`, `x_x`,
/// `e.g.`, `what?why`): a word with one is read as a whole term only, never a term inside
/// it, and with at least `MIN_SHOWN_JOINED` letters shown (`sh-t`, `f_ck`, not `a-s`).
const JOINING_STARS: [char; 4] = ['_', '-', '.', '?'];

/// `MIN_SHOWN` for a word with a joining star.
const MIN_SHOWN_JOINED: usize = 3;

/// What a character is to the star reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Star {
    /// `*` or `#` (or its full-width form): hides a letter.
    Censor,
    /// A joining star (`JOINING_STARS`, or its full-width form), or a symbol that stands for a
    /// letter as emoji and shapes do (`f🔥ck`, `sh💩t`, `c○nt`) and sits between words as
    /// often (`I❤NY`, `good🔥game`): hides a letter, read as a joining star.
    Joining,
    /// What only goes with the symbol before it (an emoji's skin tone or presentation
    /// selector, the joiner of an emoji sequence and the emoji it joins): hides nothing more.
    Silent,
}

/// What `c` is to the star reading, after `prev`, the character before it; `None` for a
/// character of a word (or of none).
fn star(c: char, prev: Option<char>) -> Option<Star> {
    match c {
        '*' | '#' | '\u{FF0A}' | '\u{FF03}' => Some(Star::Censor),
        _ if JOINING_STARS.contains(&c) => Some(Star::Joining),
        '\u{FF3F}' | '\u{FF0D}' | '\u{FF0E}' | '\u{FF1F}' => Some(Star::Joining),
        _ if c.is_ascii() => None,
        // Skin tones, and the emoji a joiner adds to the one before (`👨‍💻` is one).
        '\u{1F3FB}'..='\u{1F3FF}' => Some(Star::Silent),
        _ if prev == Some('\u{200D}') && symbol(c) => Some(Star::Silent),
        _ if symbol(c) => Some(Star::Joining),
        // The joiner and the presentation selectors, after a symbol.
        '\u{200D}' | '\u{FE0E}' | '\u{FE0F}' if prev.is_some_and(symbol) => Some(Star::Silent),
        _ => None,
    }
}

/// A symbol that can stand for a letter: emoji and pictographs, geometric shapes (`○`, `●`,
/// `■`), the bullet.
fn symbol(c: char) -> bool {
    chars::props(c).pictograph() || matches!(c, '\u{25A0}'..='\u{25FF}' | '\u{2022}')
}

/// Whether `c` can be part of a run of stars: a star, or what goes with a symbol.
fn is_star(c: char) -> bool {
    matches!(c, '\u{200D}' | '\u{FE0E}' | '\u{FE0F}') || star(c, None).is_some()
}

/// Whether `word` has a star that joins words as often as it hides a letter.
fn joined(word: &str) -> bool {
    word.chars().any(|c| star(c, None) == Some(Star::Joining))
}

/// Whether byte `b` of UTF-8 can start a star: an ASCII star, or the lead byte of the
/// blocks the other stars are in (`U+2000` to `U+2FFF`, `U+F000` to `U+FFFF`, and beyond
/// `U+FFFF`).
fn may_start_star(b: u8) -> bool {
    /// One load per byte: the scan runs over every byte of a message.
    const STARTS: [bool; 256] = {
        let mut table = [false; 256];
        let mut k = 0;
        while k < STARS.len() {
            table[STARS[k] as usize] = true;
            k += 1;
        }
        table[0xE2] = true;
        table[0xEF] = true;
        table[0xF0] = true;
        table
    };
    STARTS[usize::from(b)]
}

/// What a listed term means when read through stars.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub(crate) enum Reading {
    /// An allowed word: the word it fits is not read as a term.
    Allow,
    Block {
        list: u16,
        action: TermAction,
        mode: MatchMode,
    },
}

/// A term that can be read through stars: one word of Latin, Cyrillic, kana or Han letters.
#[derive(Debug, Serialize, Deserialize)]
struct Shape {
    letters: Box<[Letter]>,
    reading: Reading,
}

/// The terms of a lexicon that can be read through stars, by first letter.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct Starred {
    shapes: Vec<Shape>,
    /// Per first letter `a`..`z`: the word terms and allowed words that start with it, which
    /// must fit the whole word.
    by_first: [Vec<u32>; 26],
    /// The word terms and allowed words written in Cyrillic letters, which must fit the
    /// whole word.
    cyrillic: Vec<u32>,
    /// The substring terms, tried at every letter of the word, by their first byte, in order.
    inside: Vec<(u8, u32)>,
    /// The terms written in kana or Han (`まんこ`, `他妈的`), tried at every letter of the
    /// stretch around the stars (these scripts put no spaces between words), by their first
    /// letter, in order.
    wide: Vec<([u8; 3], u32)>,
}

/// Whether `b` starts a letter of the Russian alphabet in UTF-8 (`а` to `я`, `ё`: lead byte
/// `D0` or `D1`).
pub(super) fn cyrillic_lead(b: u8) -> bool {
    matches!(b, 0xD0 | 0xD1)
}

/// Whether `b` is a continuation byte of UTF-8.
fn continuation(b: u8) -> bool {
    (0x80..0xC0).contains(&b)
}

/// Whether `letters` (a folded term, byte by byte) are Cyrillic letters only.
fn cyrillic_word(letters: &[Letter]) -> bool {
    !letters.is_empty()
        && letters.chunks(2).all(|pair| {
            matches!(pair, [(lead, _), (tail, _)] if cyrillic_lead(*lead) && continuation(*tail))
        })
}

/// Whether `b` starts a letter of kana or of the common Han block in UTF-8 (`U+3000` to
/// `U+9FFF`: lead byte `E3` to `E9`), as folding writes them.
pub(super) fn wide_lead(b: u8) -> bool {
    (0xE3..=0xE9).contains(&b)
}

/// Whether `letters` (a folded term, byte by byte) are letters of kana or Han only.
fn wide_word(letters: &[Letter]) -> bool {
    !letters.is_empty()
        && letters.chunks(3).all(|three| {
            matches!(three, [(lead, _), (a, _), (b, _)]
                if wide_lead(*lead) && continuation(*a) && continuation(*b))
        })
}

/// The bytes of the letter that starts at `b` in folded text: one for ASCII, two for a
/// Cyrillic letter, three for kana or Han.
fn letter_len(b: u8) -> usize {
    if cyrillic_lead(b) {
        2
    } else if wide_lead(b) {
        3
    } else {
        1
    }
}

/// Whether item byte `b` starts a letter shown (not hidden, not the second byte of one).
fn shows_a_letter(b: u8) -> bool {
    b != HIDDEN && !continuation(b)
}

/// One byte of a read word: a folded letter or `HIDDEN`, and the original bytes behind it.
#[derive(Debug, Clone, Copy)]
struct Item {
    byte: u8,
    start: u32,
    end: u32,
}

/// Buffers for one search, reused between messages.
#[derive(Debug, Default)]
pub(crate) struct StarScratch {
    folded: Folded,
    items: Vec<Item>,
}

impl Starred {
    /// Adds a listed term, folded to `letters`; a term that is not one word of Latin,
    /// Cyrillic, kana or Han letters is left out.
    pub(crate) fn add(&mut self, letters: &[Letter], reading: Reading) {
        let Some(&(first, _)) = letters.first() else {
            return;
        };
        let latin = letters.iter().all(|&(b, _)| b.is_ascii_lowercase());
        let wide = wide_word(letters);
        if !latin && !wide && !cyrillic_word(letters) {
            return;
        }
        let Ok(id) = u32::try_from(self.shapes.len()) else {
            return;
        };
        match reading {
            // A term inside a stretch of kana or Han; no allowed word is read there.
            Reading::Allow if wide => return,
            _ if wide => match letters {
                [(a, _), (b, _), (c, _), ..] => insert_keyed(&mut self.wide, [*a, *b, *c], id),
                _ => return,
            },
            Reading::Block {
                mode: MatchMode::Substring,
                ..
            } => insert_keyed(&mut self.inside, first, id),
            _ if !latin => self.cyrillic.push(id),
            _ => match self.by_first.get_mut(usize::from(first - b'a')) {
                Some(list) => list.push(id),
                None => return,
            },
        }
        self.shapes.push(Shape {
            letters: letters.into(),
            reading,
        });
    }

    /// Appends to `out` what the words of `input` with stars inside them hide.
    pub(crate) fn search(&self, input: &str, scratch: &mut StarScratch, out: &mut Vec<Hit>) {
        if self.shapes.is_empty() {
            return;
        }
        // Only the words around a run of stars between two letters, star by star: a message
        // with a full stop between two words (`example.com`) is not read character by
        // character, and most stars stand beside one letter at most (the masks of a message
        // reviewed again, `you ****`, markup, `*bold*`, the end of a sentence).
        let in_word = |c: char| {
            chars::props(c).alphanumeric() || is_star(c) || matches!(c, '$' | '@' | '!' | '|')
        };
        let bytes = input.as_bytes();
        let letter = |c: Option<char>| c.is_some_and(|c| chars::props(c).alphabetic());
        let mut i = 0;
        while let Some(at) = bytes
            .get(i..)
            .and_then(|b| b.iter().position(|&x| may_start_star(x)))
        {
            // An ASCII byte or a lead byte, so `star` is on a character boundary.
            let star = i + at;
            let Some(rest) = input.get(star..) else {
                break;
            };
            // A run of stars hides a letter only between two letters: one after a word (a
            // full stop, a question mark) or before it (`*bold*`) is passed over at once.
            // (What goes with a symbol before the run hides nothing, so the run is read as
            // if it started the text.)
            let (mut run_end, mut prev, mut hides) = (star, None, false);
            for c in rest.chars() {
                match self::star(c, prev) {
                    None => break,
                    Some(kind) => hides |= kind != Star::Silent,
                }
                run_end += c.len_utf8();
                prev = Some(c);
            }
            let next = run_end.max(star + rest.chars().next().map_or(1, char::len_utf8));
            if !hides {
                i = next;
                continue;
            }
            let before = input.get(..star).and_then(|t| t.chars().next_back());
            let after = input.get(run_end..).and_then(|t| t.chars().next());
            if !(letter(before) && letter(after)) {
                i = next;
                continue;
            }
            let wide = |c: Option<char>| c.is_some_and(|c| chars::props(c).wide());
            if wide(before) && wide(after) {
                let (f, end) = wide_stretch(input, star, run_end);
                i = end.max(star + 1);
                if let Some(stretch) = input.get(f..end) {
                    self.read_wide(stretch, f as u32, scratch, out);
                }
                continue;
            }
            let (f, end) = chars::run_around(input, star, in_word);
            // The next star to look at is past this word.
            i = end.max(star + 1);
            let word = input.get(f..end).unwrap_or_default();
            // Stars around the word are markup (`*bold*`), not letters.
            let trimmed = word.trim_start_matches(is_star);
            let at = f + (word.len() - trimmed.len());
            let trimmed = trimmed.trim_end_matches(is_star);
            if trimmed.len() <= MAX_WORD && stars_between_letters(trimmed) && !spelled_out(trimmed)
            {
                self.read(trimmed, at as u32, scratch, out);
            }
        }
    }

    /// Reads one word with stars inside it, at byte `at` of the message.
    fn read(&self, word: &str, at: u32, scratch: &mut StarScratch, out: &mut Vec<Hit>) {
        if !fold_word(word, at, scratch) {
            return;
        }
        let items = &scratch.items;
        let joined = joined(word);
        let min_shown = if joined { MIN_SHOWN_JOINED } else { MIN_SHOWN };
        let mut allowed = false;
        let mut blocks: Vec<Hit> = Vec::new();
        let first = items.first().map_or(0, |it| it.byte);
        let whole = if cyrillic_lead(first) {
            self.cyrillic.as_slice()
        } else {
            first
                .checked_sub(b'a')
                .and_then(|k| self.by_first.get(usize::from(k)))
                .map_or(&[][..], Vec::as_slice)
        };
        for &id in whole {
            let Some(shape) = self.shapes.get(id as usize) else {
                continue;
            };
            let Some(end) = fits(&shape.letters, items, 0) else {
                continue;
            };
            let rest = items.get(end..).unwrap_or_default();
            // English endings for a Latin word; a Cyrillic one fits whole.
            let ending = rest.is_empty()
                || (!matches!(shape.reading, Reading::Allow)
                    && !cyrillic_lead(first)
                    && SUFFIXES.iter().any(|s| agrees(s, rest)));
            if !ending || !hides(items, min_shown) {
                continue;
            }
            match shape.reading {
                Reading::Allow => allowed = true,
                Reading::Block { list, action, .. } => blocks.push(Hit {
                    start: at,
                    end: items.last().map_or(at, |it| it.end),
                    action,
                    list,
                }),
            }
        }
        // A word with a joining star holds no term inside it when it joins words: a term
        // that is read inside words is read there only as the whole word (`pu●●y`). In a
        // word whose stars stand beside parts that are no words, they hide letters of one
        // (`motherf-cker`, `bullsh🔥t`), and a term shows its first and last letters there:
        // `*unt` after a word is no `cunt` (`drosophila.untitled`).
        let whole_only = joined && joins_words(items);
        let starts = if whole_only { 0..1 } else { 0..items.len() };
        let fit = Fit {
            whole: whole_only,
            edges_shown: joined,
            wide: false,
            min_shown,
        };
        self.read_inside(items, starts, fit, &mut blocks);
        if !allowed {
            out.extend(blocks);
        }
    }

    /// Reads a stretch of kana or Han with stars inside it, at byte `at` of the message: a
    /// term anywhere in it (`ま○こ`, `ち●こ`, `他*的`).
    fn read_wide(&self, stretch: &str, at: u32, scratch: &mut StarScratch, out: &mut Vec<Hit>) {
        if !fold_word(stretch, at, scratch) {
            return;
        }
        let items = &scratch.items;
        let fit = Fit {
            whole: false,
            edges_shown: true,
            wide: true,
            min_shown: MIN_SHOWN,
        };
        for s in 0..items.len() {
            // Only stars inside the term: text around a star that stands alone (`○○さん`,
            // `○×ゲーム`) would otherwise be the end of any term it starts or ends. So a
            // term starts with a letter shown, and only the terms that start with it are
            // tried.
            let Some(&[a, b, c]) = items.get(s..s + 3) else {
                break;
            };
            if !wide_lead(a.byte) {
                continue;
            }
            for &(_, id) in keyed(&self.wide, [a.byte, b.byte, c.byte]) {
                let Some(shape) = self.shapes.get(id as usize) else {
                    continue;
                };
                if let Some(e) = fits(&shape.letters, items, s) {
                    out.extend(inside_hit(shape, items, (s, e), fit));
                }
            }
        }
    }

    /// Appends to `out` the substring terms that fit `items` from one of `starts` as `fit`
    /// asks.
    fn read_inside(
        &self,
        items: &[Item],
        starts: std::ops::Range<usize>,
        fit: Fit,
        out: &mut Vec<Hit>,
    ) {
        for s in starts {
            // The terms that start with the letter there, or every one where it is hidden.
            let Some(at) = items.get(s) else {
                break;
            };
            let candidates = if at.byte == HIDDEN {
                self.inside.as_slice()
            } else {
                keyed(&self.inside, at.byte)
            };
            for &(_, id) in candidates {
                let Some(shape) = self.shapes.get(id as usize) else {
                    continue;
                };
                if let Some(e) = fits(&shape.letters, items, s) {
                    out.extend(inside_hit(shape, items, (s, e), fit));
                }
            }
        }
    }
}

/// Inserts term `id` under `key` into `list`, kept in the order of its keys.
fn insert_keyed<K: Ord + Copy>(list: &mut Vec<(K, u32)>, key: K, id: u32) {
    let at = list.partition_point(|&(k, _)| k <= key);
    list.insert(at, (key, id));
}

/// The terms of `list` (in the order of its keys) filed under `key`.
fn keyed<K: Ord + Copy>(list: &[(K, u32)], key: K) -> &[(K, u32)] {
    let from = list.partition_point(|&(k, _)| k < key);
    let to = list.partition_point(|&(k, _)| k <= key);
    list.get(from..to).unwrap_or_default()
}

/// How a substring term must fit the items of a word to be read there.
#[derive(Debug, Clone, Copy)]
struct Fit {
    /// To the end of the word.
    whole: bool,
    /// With its first and last letters shown, its stars inside it.
    edges_shown: bool,
    /// In kana or Han, where the engine's own mask of a term is a run of `*` between letters
    /// (`个**的` after `我个懶叫的`): more letters shown than hidden, and no run of two ASCII
    /// stars, so that a mask is not read again as a longer term at every review.
    wide: bool,
    /// Letters shown, at least.
    min_shown: usize,
}

/// The hit of substring term `shape`, which fits items `s..e`, if it may be read there as
/// `fit` asks and its stars hide part of it.
fn inside_hit(shape: &Shape, items: &[Item], (s, e): (usize, usize), fit: Fit) -> Option<Hit> {
    let Reading::Block { list, action, .. } = shape.reading else {
        return None;
    };
    if fit.whole && e != items.len() {
        return None;
    }
    let (a, b, span) = (
        items.get(s)?,
        items.get(e.checked_sub(1)?)?,
        items.get(s..e)?,
    );
    if fit.edges_shown && (a.byte == HIDDEN || b.byte == HIDDEN) {
        return None;
    }
    let ascii_star = |it: &Item| it.byte == HIDDEN && it.end - it.start == 1;
    if fit.wide && span.windows(2).any(|two| two.iter().all(ascii_star)) {
        return None;
    }
    // Only a term the stars hide part of (the automaton finds the others), and no more than
    // half of it: the rest of the word says nothing of the term (`mother****er`, the
    // engine's own mask, is no `nigger`). And every run of stars it covers, whole: stars
    // running on past the term hide letters of something else, such as the rest of a mask
    // the engine made (`fu` before `********` is no `fuck`), which would otherwise grow a
    // letter or two at every review.
    let hidden = span.iter().filter(|it| it.byte == HIDDEN).count();
    let letters = hidden + span.iter().filter(|it| shows_a_letter(it.byte)).count();
    let star_at = |k: Option<usize>| {
        k.and_then(|k| items.get(k))
            .is_some_and(|it| it.byte == HIDDEN)
    };
    let cut_run =
        (star_at(s.checked_sub(1)) && a.byte == HIDDEN) || (star_at(Some(e)) && b.byte == HIDDEN);
    let at_most_half = if fit.wide {
        hidden * 2 < letters
    } else {
        hidden * 2 <= letters
    };
    (hides(span, fit.min_shown) && at_most_half && !cut_run).then_some(Hit {
        start: a.start,
        end: b.end,
        action,
        list,
    })
}

/// Whether the stars in `items` join words (`well-known`, `peut-être`, `is_it`,
/// `foolish-testimonial`) rather than hide letters of one (`motherf-cker`, `bullsh🔥t`): a
/// part they stand beside is a word some shipped language uses.
fn joins_words(items: &[Item]) -> bool {
    let bytes: Vec<u8> = items.iter().map(|it| it.byte).collect();
    bytes
        .split(|&b| b == HIDDEN)
        .any(|part| !part.is_empty() && languages::is_word(part))
}

/// Letters of kana or Han read on each side of a run of stars: more than the longest term.
const WIDE_AROUND: usize = 8;

/// The bytes `start..end` of the stretch of kana or Han around the run of stars at
/// `star..run_end` of `input`: up to `WIDE_AROUND` letters on each side.
fn wide_stretch(input: &str, star: usize, run_end: usize) -> (usize, usize) {
    let wide = |c: &char| chars::props(*c).wide();
    let before = input.get(..star).unwrap_or_default();
    let start = star
        - before
            .chars()
            .rev()
            .take_while(wide)
            .take(WIDE_AROUND)
            .map(char::len_utf8)
            .sum::<usize>();
    let after = input.get(run_end..).unwrap_or_default();
    let end = run_end
        + after
            .chars()
            .take_while(wide)
            .take(WIDE_AROUND)
            .map(char::len_utf8)
            .sum::<usize>();
    (start, end)
}

/// Whether `word` has a star and every run of them hides a letter and stands between two
/// letters as written (`f*ck`), not digits or symbols that folding reads as letters (`4*5`,
/// `2*3`).
fn stars_between_letters(word: &str) -> bool {
    let letter = |c: Option<char>| c.is_some_and(|c| chars::props(c).alphabetic());
    let (mut stars, mut in_run, mut opened, mut hides) = (false, false, false, false);
    let mut prev: Option<char> = None;
    for c in word.chars() {
        match star(c, prev) {
            Some(kind) => {
                if !in_run {
                    (in_run, opened, hides) = (true, letter(prev), false);
                }
                hides |= kind != Star::Silent;
            }
            None if in_run => {
                if !(opened && hides && letter(Some(c))) {
                    return false;
                }
                (stars, in_run) = (true, false);
            }
            None => {}
        }
        prev = Some(c);
    }
    stars && !in_run
}

/// Whether `word` joins its letters with joining stars more than it hides one behind them:
/// as many runs of stars as half its letters or more (`f.u.c.k`, `p-u-t-a`, `a.s.s`). That is
/// a word spelled out, which folding reads; a censored word hides a letter or two in a run or
/// two (`sh-t`, `wh.re`, `pu__y`).
fn spelled_out(word: &str) -> bool {
    if !joined(word) {
        return false;
    }
    let (mut runs, mut letters) = (0, 0);
    let (mut prev, mut in_run) = (None, false);
    for c in word.chars() {
        let kind = star(c, prev);
        match kind {
            None => letters += 1,
            Some(_) if in_run => {}
            Some(_) => runs += 1,
        }
        (prev, in_run) = (Some(c), kind.is_some());
    }
    runs * 2 > letters
}

/// Whether `span` has a hidden letter and at least `min_shown` shown ones.
fn hides(span: &[Item], min_shown: usize) -> bool {
    let hidden = span.iter().filter(|it| it.byte == HIDDEN).count();
    let shown = span.iter().filter(|it| shows_a_letter(it.byte)).count();
    hidden > 0 && shown >= min_shown
}

/// Whether the written `ending` agrees with `items`, a hidden letter with any letter.
fn agrees(ending: &[u8], items: &[Item]) -> bool {
    ending.len() == items.len()
        && ending
            .iter()
            .zip(items)
            .all(|(&b, it)| it.byte == b || it.byte == HIDDEN)
}

/// Where `term` read from item `from` ends, if it fits there: each of its letters as many
/// times as its run, shown or hidden, then, when shown, written more times (`fuuck`), never
/// hidden more (`f*****k` is not `fuck`). A written repeat can only be the letter itself, which the next
/// letter of a folded term never is: the first fit is the only one.
/// A Cyrillic letter is two bytes of the term and of the word, and one hidden item.
fn fits(term: &[Letter], items: &[Item], from: usize) -> Option<usize> {
    let mut k = from;
    let mut t = 0;
    while let Some(&(b, run)) = term.get(t) {
        let n = letter_len(b);
        let letter = term.get(t..t + n)?;
        t += n;
        let written_at = |k: usize| {
            items.get(k..k + n).is_some_and(|at| {
                at.iter()
                    .zip(letter)
                    .all(|(it, &(byte, _))| it.byte == byte)
            })
        };
        let mut shown = false;
        for _ in 0..run {
            let it = items.get(k)?;
            if it.byte == HIDDEN {
                shown = false;
                k += 1;
            } else if written_at(k) {
                shown = true;
                k += n;
            } else {
                return None;
            }
        }
        // Written again only after it was shown: `f***k` is five letters, not `fuck`.
        while shown && written_at(k) {
            k += n;
        }
    }
    Some(k)
}

/// Folds the word at byte `at` into `scratch.items`: each part between stars as folding reads
/// a word (case, accents, leetspeak; runs written out), each star as one hidden letter.
/// Whether the word can be read: Latin, Cyrillic, kana or Han letters only, and letters on
/// both sides of every run of stars.
fn fold_word(word: &str, at: u32, scratch: &mut StarScratch) -> bool {
    let StarScratch { folded, items } = scratch;
    items.clear();
    let mut prev = None;
    let mut k = 0;
    while let Some(c) = word.get(k..).and_then(|rest| rest.chars().next()) {
        let from = at + k as u32;
        if let Some(kind) = star(c, prev) {
            let to = from + c.len_utf8() as u32;
            if kind != Star::Silent {
                items.push(Item {
                    byte: HIDDEN,
                    start: from,
                    end: to,
                });
            } else if let Some(last) = items.last_mut().filter(|it| it.byte == HIDDEN) {
                // What goes with a symbol is hidden with it.
                last.end = to;
            }
            k += c.len_utf8();
            prev = Some(c);
            continue;
        }
        // The part up to the next star.
        let rest = word.get(k..).unwrap_or_default();
        let mut part_len = rest.len();
        let mut p = prev;
        for (j, ch) in rest.char_indices() {
            if star(ch, p).is_some() {
                part_len = j;
                break;
            }
            p = Some(ch);
        }
        let part = rest.get(..part_len).unwrap_or_default();
        let before = items.len();
        folded.fold(part);
        let text = folded.text();
        let mut t = 0;
        while let Some(&b) = text.get(t) {
            // An ASCII letter or digit, a Cyrillic letter (two bytes) or one of kana or Han
            // (three), each written out as many times as its run.
            let n = if b.is_ascii_alphanumeric() {
                1
            } else if cyrillic_lead(b) && text.get(t + 1).is_some_and(|&c| continuation(c)) {
                2
            } else if wide_lead(b)
                && text
                    .get(t + 1..t + 3)
                    .is_some_and(|tail| tail.iter().all(|&c| continuation(c)))
            {
                3
            } else {
                return false;
            };
            let (start, end) = (from + folded.start(t), from + folded.end(t));
            for _ in 0..folded.run(t).min(8) {
                for &byte in text.get(t..t + n).unwrap_or_default() {
                    items.push(Item { byte, start, end });
                }
            }
            t += n;
        }
        // The letters on either side of a star.
        let letter = |it: Option<&Item>| {
            it.is_some_and(|it| it.byte.is_ascii_lowercase() || !it.byte.is_ascii())
        };
        if !letter(items.get(before)) || !letter(items.last()) {
            return false;
        }
        k += part_len.max(1);
        prev = part.chars().next_back();
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    /// A term's letters as the lexicon adds it: folded, with its runs.
    fn letters(term: &str) -> Vec<Letter> {
        let mut f = Folded::default();
        f.fold(term);
        let text = f.text();
        (0..text.len()).map(|i| (text[i], f.run(i))).collect()
    }

    fn starred(words: &[&str], inside: &[&str], allow: &[&str]) -> Starred {
        let mut s = Starred::default();
        let block = |mode| Reading::Block {
            list: 0,
            action: TermAction::Mask,
            mode,
        };
        for w in words {
            s.add(&letters(w), block(MatchMode::Word));
        }
        for w in inside {
            s.add(&letters(w), block(MatchMode::Substring));
        }
        for w in allow {
            s.add(&letters(w), Reading::Allow);
        }
        s
    }

    fn hits(s: &Starred, text: &str) -> Vec<String> {
        let mut out = Vec::new();
        s.search(text, &mut StarScratch::default(), &mut out);
        out.iter()
            .map(|h| text[h.start as usize..h.end as usize].to_owned())
            .collect()
    }

    #[test]
    fn each_star_inside_a_word_stands_for_one_letter() {
        let s = starred(&["fuck", "cunt", "bitch", "pussy", "ass"], &[], &[]);
        assert_eq!(hits(&s, "f*ck you"), ["f*ck"]);
        assert_eq!(hits(&s, "what the f**k"), ["f**k"]);
        assert_eq!(hits(&s, "c*nt"), ["c*nt"]);
        assert_eq!(hits(&s, "b***h"), ["b***h"]);
        assert_eq!(hits(&s, "p*ssy pu*sy pus*y"), ["p*ssy", "pu*sy", "pus*y"]);
        assert_eq!(hits(&s, "a*s"), ["a*s"]);
        assert!(hits(&s, "f***k f*k b*ch").is_empty());
    }

    #[test]
    fn word_endings_and_written_runs_still_fit() {
        let s = starred(&["fuck"], &[], &[]);
        assert_eq!(hits(&s, "f*cking"), ["f*cking"]);
        assert_eq!(hits(&s, "f*ck*ng"), ["f*ck*ng"]);
        assert_eq!(hits(&s, "F*CKKK"), ["F*CKKK"]);
        assert_eq!(hits(&s, "f*cks!"), ["f*cks"]);
        assert!(hits(&s, "f*ckery").is_empty());
    }

    #[test]
    fn leetspeak_and_accents_fold_around_the_stars() {
        let s = starred(&["shit", "bitch"], &[], &[]);
        assert_eq!(hits(&s, "$h*t"), ["$h*t"]);
        assert_eq!(hits(&s, "b1t*h"), ["b1t*h"]);
        assert_eq!(hits(&s, "B*TÇH"), ["B*TÇH"]);
        // Beside a star, only a letter as written is a letter.
        assert!(hits(&s, "b*7ch b1*ch").is_empty());
        assert_eq!(hits(&s, "SH*T"), ["SH*T"]);
        assert_eq!(hits(&s, "sh*t"), ["sh*t"]);
    }

    #[test]
    fn stars_around_or_between_words_hide_nothing() {
        let s = starred(&["fuck", "ass", "shit"], &[], &[]);
        for text in [
            "*bold* text",
            "**fuck**",
            "** **",
            "a ** s",
            "2*3=6 and 4*5",
            "4*5 a*5 4*s",
            "f* ck",
            "sh**",
            "**it",
            "***",
        ] {
            assert!(hits(&s, text).is_empty(), "{text:?}");
        }
    }

    #[test]
    fn a_word_needs_letters_shown_beside_its_stars() {
        let s = starred(&["shit"], &["fuck"], &[]);
        assert!(hits(&s, "s**t").contains(&"s**t".to_owned()));
        // The engine's own mask of a term inside a word is not read as the term again.
        assert!(hits(&s, "mother****er").is_empty());
        let s = starred(&[], &["nigger"], &[]);
        assert!(hits(&s, "mother****er").is_empty());
        assert_eq!(hits(&s, "xn*gger"), ["n*gger"]);
    }

    #[test]
    fn substring_terms_are_read_inside_longer_words() {
        let s = starred(&[], &["fuck", "shit"], &[]);
        assert_eq!(hits(&s, "motherf*cker"), ["f*ck"]);
        assert_eq!(hits(&s, "bullsh*t"), ["sh*t"]);
        assert!(hits(&s, "motherfucker").is_empty());
    }

    #[test]
    fn allowed_words_read_through_stars_pass() {
        let s = starred(&[], &["cunt"], &["scunthorpe"]);
        assert!(hits(&s, "Sc*nthorpe").is_empty());
        assert_eq!(hits(&s, "c*nt"), ["c*nt"]);
    }

    #[test]
    fn words_of_other_scripts_are_not_read() {
        let s = starred(&["fuck"], &[], &[]);
        assert!(hits(&s, "ф*ck").is_empty());
        assert!(hits(&s, "日*本").is_empty());
    }

    #[test]
    fn an_emoji_or_a_shape_hides_a_letter_of_a_whole_word() {
        let s = starred(&["fuck", "shit"], &["cunt", "pussy"], &[]);
        assert_eq!(hits(&s, "f🔥ck you"), ["f🔥ck"]);
        assert_eq!(hits(&s, "sh💩t"), ["sh💩t"]);
        assert_eq!(hits(&s, "c○nt"), ["c○nt"]);
        // A run of stars is as many letters; a term read inside words fits the whole word.
        assert_eq!(hits(&s, "pu●●y"), ["pu●●y"]);
        // A skin tone, a presentation selector or an emoji joined on hides no letter more,
        // and is masked with its emoji.
        assert_eq!(hits(&s, "f👍🏽ck"), ["f👍🏽ck"]);
        assert_eq!(hits(&s, "f❤\u{FE0F}ck"), ["f❤\u{FE0F}ck"]);
        assert_eq!(hits(&s, "f👨\u{200D}💻ck"), ["f👨\u{200D}💻ck"]);
        // Full-width stars are stars.
        assert_eq!(hits(&s, "f＊ck sh＿t"), ["f＊ck", "sh＿t"]);
        // As a joining star: no term inside a longer word, three letters shown.
        for text in [
            "motherf🔥cker",
            "a🔥s",
            "I❤NY",
            "love❤\u{FE0F}you",
            "🔥fuck🔥",
            "f👍🏽 ck",
        ] {
            assert!(hits(&s, text).is_empty(), "{text:?}");
        }
        // Spelled out with emoji is left to folding.
        assert!(hits(&s, "f🔥u🔥c🔥k").is_empty());
    }

    #[test]
    fn a_star_hides_a_letter_of_kana_or_han_inside_a_term() {
        let s = starred(&[], &["まんこ", "ちんこ", "他妈的", "ぬーど"], &[]);
        assert_eq!(hits(&s, "ま○こ"), ["ま○こ"]);
        assert_eq!(hits(&s, "マ●コ"), ["マ●コ"]);
        assert_eq!(hits(&s, "あいつのち*こが小さい"), ["ち*こ"]);
        assert_eq!(hits(&s, "他*的"), ["他*的"]);
        // More of a term shown than hidden, and no run of two `*`: the engine's own mask of a
        // term between letters (`个**的`) is not read again as a longer one.
        let s2 = starred(&[], &["个鸡巴的"], &[]);
        assert_eq!(hits(&s2, "我个*巴的"), ["个*巴的"]);
        assert!(hits(&s2, "我个**的").is_empty());
        assert!(hits(&s2, "我个○○的").is_empty());
        // Stars that stand alone, or at the edge of what would be a term, hide none of it.
        for text in [
            "○○さんが来た",
            "○月○日",
            "今日は○×ゲーム",
            "これは○です",
            "○ーど",
        ] {
            assert!(hits(&s, text).is_empty(), "{text:?}");
        }
    }

    #[test]
    fn a_star_hides_one_cyrillic_letter() {
        let s = starred(&["блять", "хуй", "сука"], &["пизд", "ебан"], &["колебания"]);
        assert_eq!(hits(&s, "бл*ть"), ["бл*ть"]);
        assert_eq!(hits(&s, "х*й"), ["х*й"]);
        assert_eq!(hits(&s, "Х*Й"), ["Х*Й"]);
        assert_eq!(hits(&s, "Х*Й!"), ["Х*Й"]);
        assert_eq!(hits(&s, "с**а"), ["с**а"]);
        assert_eq!(hits(&s, "ну п*здец"), ["п*зд"]);
        assert_eq!(hits(&s, "сууу*а"), ["сууу*а"]);
        // A star is one letter: `бл**ть` is six letters; a whole word fits whole; an allowed
        // word read through stars passes.
        assert!(hits(&s, "бл**ть б*ятьс").is_empty());
        assert!(hits(&s, "колеб*ния").is_empty());
        assert_eq!(hits(&s, "заеб*нный"), ["еб*нн"]);
        // The engine's own masks are no letters to read again.
        assert!(hits(&s, "рас****яй").is_empty());
    }
}
