//! Spam rules (shouting, character floods, emoji floods, over-long tokens) and the rewrite
//! that produces the final content: masks, lowercasing, flood cutting.
//!
//! The rules judge the message as the rewrite will leave it (masked characters as `*`, flood
//! runs already cut), so a second review of the rewritten message reaches the same verdict and
//! changes nothing. A run of `*` (a mask, or stars typed) counts as one character of a token,
//! so masking a long link or word never makes an over-long token of it; and digits are no
//! flood (`1000000` is a number).
//!
//! Both walk the text a stretch at a time: masked ranges as a count of `*`, runs of ASCII with
//! byte tests, and only the other characters one by one. `analyse_chars` and `rewrite_chars`
//! walk it character by character, for the cases the stretches do not cover; both ways give
//! the same results.

use super::chars;
use crate::policy::{SpamAction, SpamPolicy};

/// What the spam rules found.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SpamFindings {
    pub(crate) shouting: bool,
    pub(crate) char_flood: bool,
    pub(crate) emoji_flood: bool,
    pub(crate) long_token: bool,
}

/// How the content is to be rewritten.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Rewrite {
    pub(crate) lowercase: bool,
    pub(crate) max_run: Option<u32>,
}

/// Walks sorted, disjoint byte ranges alongside a character walk.
struct Cursor<'s> {
    spans: &'s [(u32, u32)],
    next: usize,
}

impl<'s> Cursor<'s> {
    fn new(spans: &'s [(u32, u32)]) -> Self {
        Self { spans, next: 0 }
    }

    fn contains(&mut self, at: u32) -> bool {
        while let Some(&(_, e)) = self.spans.get(self.next) {
            if e <= at {
                self.next += 1;
            } else {
                break;
            }
        }
        self.spans
            .get(self.next)
            .is_some_and(|&(s, e)| s <= at && at < e)
    }
}

/// Tracks runs of one character so that analysis and rewrite cut exactly the same ones.
#[derive(Debug, Clone, Copy)]
struct Runs {
    /// The character of the current run, as a number; `NO_RUN` for none.
    prev: u32,
    len: u32,
}

/// Not a character.
const NO_RUN: u32 = u32::MAX;

/// Whether `c` (with its properties `p`) is no part of a flood and ends the run before it: a
/// `*` (masks show as them), whitespace, or a digit or other numeral, whose repeats are a
/// number's (`1000000`) and whose cutting would change it.
#[inline(always)]
fn ends_runs(c: char, p: chars::Props) -> bool {
    c == '*' || p.whitespace() || p.numeric()
}

impl Runs {
    const fn new() -> Self {
        Self {
            prev: NO_RUN,
            len: 0,
        }
    }

    /// Feeds the character as the rewrite shows it; returns its position in its run.
    fn feed(&mut self, shown: char) -> u32 {
        self.feed_code(shown as u32, ends_runs(shown, chars::props(shown)))
    }

    /// `feed` for a character given as a number, told whether it ends runs (`ends_runs`).
    #[inline(always)]
    fn feed_code(&mut self, code: u32, resets: bool) -> u32 {
        if resets {
            *self = Self::new();
        } else if self.prev == code {
            self.len += 1;
        } else {
            self.prev = code;
            self.len = 1;
        }
        self.len
    }
}

/// What an ASCII byte is to the spam rules, as flags.
const SPACE: u8 = 1;
const ALPHA: u8 = 2;
const UPPER: u8 = 4;
/// Whitespace, `*` or a digit: ends a run (`ends_runs`).
const BREAK: u8 = 8;

const SPAM_FLAGS: [u8; 256] = {
    let mut t = [0; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = match b as u8 {
            // `char::is_whitespace` in ASCII; `u8::is_ascii_whitespace` leaves out U+000B.
            b' ' | b'\t'..=b'\r' => SPACE | BREAK,
            b'*' | b'0'..=b'9' => BREAK,
            b'a'..=b'z' => ALPHA,
            b'A'..=b'Z' => ALPHA | UPPER,
            _ => 0,
        };
        b += 1;
    }
    t
};

/// Emoji, as the emoji-flood rule counts them (`classes.rs`, read from the character table).
fn is_emoji(c: char) -> bool {
    chars::props(c).emoji()
}

/// A piece of the text: a run of ASCII left as it is, a run of other characters left as they
/// are, or this many masked characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Piece<'t> {
    Ascii(&'t str),
    Other(&'t str),
    Masked(usize),
}

/// The pieces of `text` with `masked` masked, in order; `None` when the ranges are not sorted
/// and disjoint or do not fall on character boundaries (the engine always gives them so).
fn pieces<'t>(text: &'t str, masked: &'t [(u32, u32)]) -> Option<Pieces<'t>> {
    let ordered = masked.iter().all(|&(s, e)| {
        s <= e && text.is_char_boundary(s as usize) && text.is_char_boundary(e as usize)
    }) && masked.windows(2).all(|w| match w {
        [a, b] => a.1 <= b.0,
        _ => true,
    });
    ordered.then(|| Pieces {
        text,
        ascii: text.is_ascii(),
        masked: masked.iter(),
        at: 0,
        unmasked: "",
        hidden: None,
        done: false,
    })
}

/// The iterator of `pieces`.
struct Pieces<'t> {
    text: &'t str,
    /// The whole text is ASCII: an unmasked stretch is one piece.
    ascii: bool,
    masked: std::slice::Iter<'t, (u32, u32)>,
    /// Where the text not yet split starts.
    at: usize,
    /// Unmasked text still to give, before `hidden`.
    unmasked: &'t str,
    /// The masked stretch that follows `unmasked`, as a count of characters.
    hidden: Option<usize>,
    done: bool,
}

impl<'t> Iterator for Pieces<'t> {
    type Item = Piece<'t>;

    fn next(&mut self) -> Option<Piece<'t>> {
        loop {
            if let Some(piece) = self.next_unmasked() {
                return Some(piece);
            }
            if let Some(n) = self.hidden.take() {
                return Some(Piece::Masked(n));
            }
            if self.done {
                return None;
            }
            match self.masked.next() {
                Some(&(s, e)) => {
                    let (s, e) = (s as usize, e as usize);
                    self.unmasked = self.text.get(self.at..s).unwrap_or_default();
                    let hidden = self.text.get(s..e).unwrap_or_default();
                    self.hidden = Some(if self.ascii || hidden.is_ascii() {
                        hidden.len()
                    } else {
                        hidden.chars().count()
                    });
                    self.at = e;
                }
                None => {
                    self.unmasked = self.text.get(self.at..).unwrap_or_default();
                    self.done = true;
                }
            }
        }
    }
}

impl<'t> Pieces<'t> {
    /// The next run of ASCII or of other characters of `unmasked`.
    fn next_unmasked(&mut self) -> Option<Piece<'t>> {
        let bytes = self.unmasked.as_bytes();
        if bytes.first()?.is_ascii() {
            let n = if self.ascii {
                bytes.len()
            } else {
                bytes
                    .iter()
                    .position(|b| !b.is_ascii())
                    .unwrap_or(bytes.len())
            };
            // The first non-ASCII byte after ASCII ones starts a character.
            let (run, rest) = self.unmasked.split_at_checked(n)?;
            self.unmasked = rest;
            Some(Piece::Ascii(run))
        } else {
            // A run of characters one at a time costs a piece each; up to the next ASCII byte
            // (which starts a character) it is one piece.
            let n = bytes.iter().position(u8::is_ascii).unwrap_or(bytes.len());
            let (run, rest) = self.unmasked.split_at_checked(n)?;
            self.unmasked = rest;
            Some(Piece::Other(run))
        }
    }
}

/// Judges `text` as it will read once `masked` is masked and floods are cut. `exempt` are
/// ranges (allowed links) that never count as over-long tokens. Both are sorted and
/// disjoint.
// Out of line: inlined into the engine's review, its loops lost registers to the code
// around them.
#[inline(never)]
pub(crate) fn analyse(
    text: &str,
    masked: &[(u32, u32)],
    exempt: &[(u32, u32)],
    policy: &SpamPolicy,
) -> SpamFindings {
    if exempt.is_empty() {
        if let Some(pieces) = pieces(text, masked) {
            let mut t = Tally::new(policy);
            if text.is_ascii() {
                for piece in pieces {
                    match piece {
                        Piece::Ascii(run) => t.ascii(run.as_bytes()),
                        Piece::Other(run) => run.chars().for_each(|c| t.char(c)),
                        Piece::Masked(n) => t.stars(n),
                    }
                }
            } else {
                // Among other scripts the runs of ASCII are short (a space, a word), too
                // short to repay the set-up of the whole-run counts: one loop over the
                // characters between the masks, one table look-up each.
                let mut at = 0;
                for &(s, e) in masked {
                    let (s, e) = (s as usize, e as usize);
                    t.chars(text.get(at..s).unwrap_or_default());
                    t.stars(text.get(s..e).unwrap_or_default().chars().count());
                    at = e;
                }
                t.chars(text.get(at..).unwrap_or_default());
            }
            return conclude(t.found, t.letters, t.upper, t.emoji, policy);
        }
    }
    analyse_chars(text, masked, exempt, policy)
}

/// `analyse`, character by character.
fn analyse_chars(
    text: &str,
    masked: &[(u32, u32)],
    exempt: &[(u32, u32)],
    policy: &SpamPolicy,
) -> SpamFindings {
    let mut found = SpamFindings::default();
    let cut =
        (policy.char_flood.action == SpamAction::Rewrite).then_some(policy.char_flood.max_run);
    let mut mask = Cursor::new(masked);
    let mut free = Cursor::new(exempt);
    let mut runs = Runs::new();
    let (mut letters, mut upper, mut emoji, mut token) = (0u32, 0u32, 0u32, 0u32);
    // The token's last character was a `*`: a run of them counts once.
    let mut star = false;
    for (i, c) in text.char_indices() {
        let at = i as u32;
        let shown = if mask.contains(at) { '*' } else { c };
        let pos = runs.feed(shown);
        if pos > policy.char_flood.max_run {
            found.char_flood = true;
            if cut.is_some() {
                continue;
            }
        }
        if shown.is_alphabetic() {
            letters += 1;
            upper += u32::from(shown.is_uppercase());
        }
        emoji += u32::from(is_emoji(shown));
        if shown.is_whitespace() || free.contains(at) || chars::props(shown).wide() {
            token = 0;
            star = false;
        } else {
            if !(star && shown == '*') {
                token += 1;
                found.long_token |= token > policy.long_token.max_chars;
            }
            star = shown == '*';
        }
    }
    conclude(found, letters, upper, emoji, policy)
}

/// The counts of `analyse_chars`, fed a piece at a time (no exempt ranges).
#[derive(Debug, Clone, Copy)]
struct Tally {
    /// Whether flood runs are cut (so their extra characters count for nothing else).
    cut: bool,
    max_run: u32,
    max_chars: u32,
    runs: Runs,
    found: SpamFindings,
    letters: u32,
    upper: u32,
    emoji: u32,
    token: u32,
    /// The token's last character was a `*`: a run of them counts once.
    star: bool,
}

impl Tally {
    fn new(policy: &SpamPolicy) -> Self {
        Self {
            cut: policy.char_flood.action == SpamAction::Rewrite,
            max_run: policy.char_flood.max_run,
            max_chars: policy.long_token.max_chars,
            runs: Runs::new(),
            found: SpamFindings::default(),
            letters: 0,
            upper: 0,
            emoji: 0,
            token: 0,
            star: false,
        }
    }

    /// Unmasked ASCII, with byte tests (no ASCII character is an emoji).
    fn ascii(&mut self, bytes: &[u8]) {
        // The runs first: unless a flood is cut, each count can then take its own loop, with
        // no branch in it, and the letter counts take the compiler's vector instructions.
        let (runs, flood) = self.runs_after(bytes);
        if flood && self.cut {
            // Cut characters count for nothing else: the character-by-character counts.
            return self.ascii_cut(bytes);
        }
        self.found.char_flood |= flood;
        self.runs = runs;
        self.letters += count(bytes, u8::is_ascii_alphabetic);
        self.upper += count(bytes, u8::is_ascii_uppercase);
        let space = |b: &u8| SPAM_FLAGS[usize::from(*b)] & SPACE != 0;
        let len = u32::try_from(bytes.len()).unwrap_or(u32::MAX);
        let stars = bytes.contains(&b'*');
        if !stars && self.token.saturating_add(len) <= self.max_chars {
            // No token can grow too long here; only where the last one ends matters.
            self.token = match bytes.iter().rposition(space) {
                Some(last) => len - 1 - last as u32,
                None => self.token + len,
            };
            self.star &= bytes.is_empty();
            return;
        }
        let (mut token, mut star) = (self.token, self.star);
        let mut longest = 0;
        for b in bytes {
            // A `*` after a `*` adds nothing; a space ends the token (and is no star).
            let is_star = *b == b'*';
            token = (token + u32::from(!(star && is_star))) * u32::from(!space(b));
            star = is_star;
            longest = longest.max(token);
        }
        (self.token, self.star) = (token, star);
        self.found.long_token |= longest > self.max_chars;
    }

    /// The runs after `bytes`, and whether one of them outgrew `max_run`.
    fn runs_after(&self, bytes: &[u8]) -> (Runs, bool) {
        let continued = bytes
            .first()
            .is_some_and(|&b| self.runs.len > 0 && u32::from(b) == self.runs.prev);
        if !continued && !has_triple(bytes) {
            // A run longer than `max_run` (3 or more) holds three equal bytes in a row: with
            // none, only the run at the end needs finding, a byte or two back.
            let Some(&last) = bytes.last() else {
                return (self.runs, false);
            };
            if SPAM_FLAGS[usize::from(last)] & BREAK != 0 {
                return (Runs::new(), false);
            }
            let len = bytes.iter().rev().take_while(|&&b| b == last).count();
            let len = u32::try_from(len).unwrap_or(u32::MAX);
            let runs = Runs {
                prev: u32::from(last),
                len,
            };
            return (runs, len > self.max_run);
        }
        let (mut prev, mut run) = (self.runs.prev, self.runs.len);
        let mut longest = 0;
        for &b in bytes {
            // `Runs::feed_code` without branches: a break leaves `prev` on itself, which no
            // later byte of a run can equal, and the run at 0.
            let code = u32::from(b);
            let kept = u32::from(SPAM_FLAGS[usize::from(b)] & BREAK == 0);
            run = (run * u32::from(code == prev) + 1) * kept;
            prev = code;
            longest = longest.max(run);
        }
        let runs = Runs {
            prev: if run == 0 { NO_RUN } else { prev },
            len: run,
        };
        (runs, longest > self.max_run)
    }

    /// `ascii` when floods are cut: a cut character is not counted as a letter, nor as part
    /// of a token.
    fn ascii_cut(&mut self, bytes: &[u8]) {
        for &b in bytes {
            let f = SPAM_FLAGS[usize::from(b)];
            if self.runs.feed_code(u32::from(b), f & BREAK != 0) > self.max_run {
                self.found.char_flood = true;
                continue;
            }
            self.letters += u32::from(f & ALPHA != 0);
            self.upper += u32::from(f & UPPER != 0);
            if f & SPACE != 0 {
                self.token = 0;
                self.star = false;
            } else {
                if !(self.star && b == b'*') {
                    self.token += 1;
                    self.found.long_token |= self.token > self.max_chars;
                }
                self.star = b == b'*';
            }
        }
    }

    /// Unmasked text, character by character: `char` for each, with the counts held in
    /// locals rather than stored back to the tally after every character.
    fn chars(&mut self, text: &str) {
        let (mut prev, mut run) = (self.runs.prev, self.runs.len);
        let (mut letters, mut upper, mut emoji, mut token, mut star) =
            (self.letters, self.upper, self.emoji, self.token, self.star);
        let (mut flood, mut long) = (false, false);
        for c in text.chars() {
            let p = chars::props(c);
            let code = c as u32;
            // `Runs::feed_code`.
            if ends_runs(c, p) {
                (prev, run) = (NO_RUN, 0);
            } else if prev == code {
                run += 1;
            } else {
                (prev, run) = (code, 1);
            }
            if run > self.max_run {
                flood = true;
                if self.cut {
                    continue;
                }
            }
            if p.alphabetic() {
                letters += 1;
                upper += u32::from(p.uppercase());
            }
            emoji += u32::from(p.emoji());
            if p.whitespace() || p.wide() {
                token = 0;
                star = false;
            } else {
                if !(star && c == '*') {
                    token += 1;
                    long |= token > self.max_chars;
                }
                star = c == '*';
            }
        }
        self.runs = Runs { prev, len: run };
        (self.letters, self.upper, self.emoji, self.token, self.star) =
            (letters, upper, emoji, token, star);
        self.found.char_flood |= flood;
        self.found.long_token |= long;
    }

    /// One unmasked character.
    fn char(&mut self, c: char) {
        // One table look-up for the three properties asked.
        let p = chars::props(c);
        if self.runs.feed_code(c as u32, ends_runs(c, p)) > self.max_run {
            self.found.char_flood = true;
            if self.cut {
                return;
            }
        }
        if p.alphabetic() {
            self.letters += 1;
            self.upper += u32::from(p.uppercase());
        }
        self.emoji += u32::from(p.emoji());
        if p.whitespace() || p.wide() {
            self.token = 0;
            self.star = false;
        } else {
            if !(self.star && c == '*') {
                self.token += 1;
                self.found.long_token |= self.token > self.max_chars;
            }
            self.star = c == '*';
        }
    }

    /// `n` masked characters: each shows as `*`, which ends a run; the run of stars counts
    /// as one character of the token.
    fn stars(&mut self, n: usize) {
        if n == 0 {
            return;
        }
        self.runs = Runs::new();
        if !self.star {
            self.token = self.token.saturating_add(1);
            self.found.long_token |= self.token > self.max_chars;
        }
        self.star = true;
    }
}

/// Whether three equal bytes follow one another somewhere in `bytes`; a block at a time,
/// without stopping early inside one, so that the compiler can compare many at once.
fn has_triple(bytes: &[u8]) -> bool {
    let (Some(next), Some(after)) = (bytes.get(1..), bytes.get(2..)) else {
        return false;
    };
    after
        .chunks(32)
        .zip(next.chunks(32))
        .zip(bytes.chunks(32))
        .any(|((c, b), a)| {
            let triples = a.iter().zip(b).zip(c);
            triples.fold(0u8, |seen, ((x, y), z)| {
                seen | (u8::from(x == y) & u8::from(y == z))
            }) != 0
        })
}

/// How many of `bytes` are `of`. Counted in bytes, 255 at a time, so that the compiler can
/// test and add sixteen or more at once.
#[inline(always)]
fn count(bytes: &[u8], of: impl Fn(&u8) -> bool) -> u32 {
    bytes
        .chunks(255)
        .map(|block| u32::from(block.iter().fold(0u8, |n, b| n + u8::from(of(b)))))
        .sum()
}

/// The findings once the counts are in, with the rules that are off left out.
fn conclude(
    mut found: SpamFindings,
    letters: u32,
    upper: u32,
    emoji: u32,
    policy: &SpamPolicy,
) -> SpamFindings {
    found.char_flood &= policy.char_flood.action != SpamAction::Off;
    found.shouting = policy.shouting.action != SpamAction::Off
        && letters >= policy.shouting.min_letters
        && upper as f32 > policy.shouting.max_caps_ratio * letters as f32;
    found.emoji_flood =
        policy.emoji_flood.action != SpamAction::Off && emoji > policy.emoji_flood.max_emoji;
    found.long_token &= policy.long_token.action != SpamAction::Off;
    found
}

/// The content with `masked` ranges (sorted, disjoint) replaced by `*` (one per character),
/// lowercased and floods cut as asked. Never longer than `text`, in characters or bytes.
pub(crate) fn rewrite(text: &str, masked: &[(u32, u32)], how: Rewrite) -> String {
    let Some(pieces) = pieces(text, masked) else {
        return rewrite_chars(text, masked, how);
    };
    let mut out = String::with_capacity(text.len());
    if !how.lowercase && how.max_run.is_none() {
        // Masks only (the usual rewrite): the text between them as it is, whole.
        let mut at = 0;
        for &(s, e) in masked {
            let (s, e) = (s as usize, e as usize);
            out.push_str(text.get(at..s).unwrap_or_default());
            let hidden = text.get(s..e).unwrap_or_default();
            out.extend(std::iter::repeat_n('*', hidden.chars().count()));
            at = e;
        }
        out.push_str(text.get(at..).unwrap_or_default());
        return out;
    }
    let turkish = turkish_capitals(text, how);
    let mut runs = Runs::new();
    for piece in pieces {
        match piece {
            Piece::Ascii(run) => {
                let from = out.len();
                match how.max_run {
                    None => out.push_str(run),
                    Some(max) => {
                        for &b in run.as_bytes() {
                            let resets = SPAM_FLAGS[usize::from(b)] & BREAK != 0;
                            if runs.feed_code(u32::from(b), resets) <= max {
                                out.push(char::from(b));
                            }
                        }
                    }
                }
                if turkish {
                    let added = out.split_off(from);
                    for c in added.chars() {
                        push_shown(&mut out, c, how.lowercase, turkish);
                    }
                } else if how.lowercase {
                    if let Some(added) = out.get_mut(from..) {
                        added.make_ascii_lowercase();
                    }
                }
            }
            Piece::Other(run) => {
                for c in run.chars() {
                    let pos = runs.feed(c);
                    if how.max_run.is_none_or(|max| pos <= max) {
                        push_shown(&mut out, c, how.lowercase, turkish);
                    }
                }
            }
            Piece::Masked(n) => {
                if n > 0 {
                    runs = Runs::new();
                    out.extend(std::iter::repeat_n('*', n));
                }
            }
        }
    }
    out
}

/// `rewrite`, character by character.
fn rewrite_chars(text: &str, masked: &[(u32, u32)], how: Rewrite) -> String {
    let turkish = turkish_capitals(text, how);
    let mut out = String::with_capacity(text.len());
    let mut mask = Cursor::new(masked);
    let mut runs = Runs::new();
    for (i, c) in text.char_indices() {
        let shown = if mask.contains(i as u32) { '*' } else { c };
        let pos = runs.feed(shown);
        if how.max_run.is_some_and(|max| pos > max) {
            continue;
        }
        push_shown(&mut out, shown, how.lowercase, turkish);
    }
    out
}

/// Whether `text`, lowercased as `how` asks, writes Turkish capitals: it has a dotted capital
/// `İ`, so its `I` is the capital of dotless `ı`, which lowercasing to `i` would make another
/// word (`SIKICI`, boring, is not `sikici`), and `ı` is longer in bytes than the rewrite may
/// grow: both are left as they are, as `İ` is (its small letter is two characters).
fn turkish_capitals(text: &str, how: Rewrite) -> bool {
    how.lowercase && text.contains('İ')
}

/// Appends a character of the rewrite, lowercased if asked and if that does not lengthen it;
/// a capital `I` of `turkish` text (`turkish_capitals`) is left as it is.
fn push_shown(out: &mut String, shown: char, lowercase: bool, turkish: bool) {
    if lowercase && shown.is_uppercase() && !(turkish && shown == 'I') {
        let mut lower = shown.to_lowercase();
        match (lower.next(), lower.next()) {
            // Only one-for-one mappings, so the length never grows.
            (Some(l), None) if l.len_utf8() <= shown.len_utf8() => out.push(l),
            _ => out.push(shown),
        }
    } else {
        out.push(shown);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::SpamPolicy;
    use proptest::prelude::*;

    #[test]
    fn shouting_is_mostly_capitals_over_enough_letters() {
        let p = SpamPolicy::default();
        assert!(analyse("WHY IS NOBODY ANSWERING ME", &[], &[], &p).shouting);
        assert!(!analyse("OK LOL", &[], &[], &p).shouting);
        assert!(!analyse("I love NASA and the ESA too", &[], &[], &p).shouting);
    }

    #[test]
    fn masked_letters_do_not_count_towards_shouting() {
        let p = SpamPolicy::default();
        // Masking the lowercase words would otherwise leave a shouting message behind.
        let text = "fuck fuck fuck HELLO WORLD AGAIN";
        assert!(!analyse(text, &[], &[], &p).shouting);
        assert!(analyse(text, &[(0, 14)], &[], &p).shouting);
    }

    #[test]
    fn character_floods_are_cut_to_the_allowed_run() {
        let p = SpamPolicy::default();
        assert!(analyse("nooooooooo!!!!!!!!", &[], &[], &p).char_flood);
        let how = Rewrite {
            lowercase: false,
            max_run: Some(4),
        };
        assert_eq!(rewrite("nooooooooo!!!!!!!!", &[], how), "noooo!!!!");
    }

    #[test]
    fn digits_are_never_floods() {
        let p = SpamPolicy::default();
        let how = Rewrite {
            lowercase: false,
            max_run: Some(4),
        };
        for text in [
            "1000000",
            "de 600000 personas y 100000 más",
            "٣٠٠٠٠٠٠",
            "１００００００",
        ] {
            assert!(!analyse(text, &[], &[], &p).char_flood, "{text}");
            assert!(!analyse_chars(text, &[], &[], &p).char_flood, "{text}");
            assert_eq!(rewrite(text, &[], how), text);
            assert_eq!(rewrite_chars(text, &[], how), text);
        }
        // Letters and punctuation still flood, next to digits too.
        for (text, cut) in [
            ("!!!!!!!", "!!!!"),
            ("aaaaaaa", "aaaa"),
            ("1000000!!!!!!!", "1000000!!!!"),
        ] {
            assert!(analyse(text, &[], &[], &p).char_flood, "{text}");
            assert_eq!(rewrite(text, &[], how), cut);
        }
    }

    #[test]
    fn a_run_of_stars_counts_as_one_character_of_a_token() {
        let p = SpamPolicy::default();
        let over = p.long_token.max_chars as usize + 20;
        // A long link masked is no over-long token, nor are the stars the rewrite leaves.
        let link = format!("see https://example.com/{} ok", "a".repeat(over));
        let masked = [(4, link.len() as u32 - 3)];
        assert!(!analyse(&link, &masked, &[], &p).long_token);
        assert!(!analyse_chars(&link, &masked, &[], &p).long_token);
        let stars = format!("see {} ok", "*".repeat(over));
        assert!(!analyse(&stars, &[], &[], &p).long_token);
        assert!(!analyse_chars(&stars, &[], &[], &p).long_token);
        // Letters between stars still count, each run of stars as one.
        let glued = "ab*".repeat(over / 2);
        assert!(analyse(&glued, &[], &[], &p).long_token);
        assert!(analyse_chars(&glued, &[], &[], &p).long_token);
        let unmasked = "ab".repeat(over);
        assert!(analyse(&unmasked, &[], &[], &p).long_token);
    }

    #[test]
    fn masks_and_spaces_are_never_floods() {
        let p = SpamPolicy::default();
        assert!(!analyse("*********          x", &[], &[], &p).char_flood);
    }

    #[test]
    fn emoji_floods_are_counted() {
        let p = SpamPolicy::default();
        assert!(analyse(&"🎉🔥".repeat(7), &[], &[], &p).emoji_flood);
        // One emoji repeated is a flood that the rewrite cuts, not an emoji flood.
        assert!(!analyse(&"🎉".repeat(13), &[], &[], &p).emoji_flood);
        assert!(!analyse("gg 🎉🎉🎉", &[], &[], &p).emoji_flood);
    }

    #[test]
    fn sentences_of_scripts_written_without_spaces_are_no_long_token() {
        let p = SpamPolicy::default();
        for text in [
            "また、最新版のウェブブラウザを利用していても、OSやコンポーネント側にセキュリティホールが存在すれば、そこを突かれる可能性がある。",
            "华山松是松科松属的植物，分布于中国大陆的山西、河南、陕西、甘肃、四川、湖北、湖南、贵州、云南、西藏等地，生长于海拔一千米至三千三百米的地区。",
        ] {
            assert!(text.chars().count() > p.long_token.max_chars as usize);
            assert!(!analyse(text, &[], &[], &p).long_token, "{text}");
            assert!(!analyse_chars(text, &[], &[], &p).long_token, "{text}");
        }
        // Latin letters glued to them still count as a token of their own.
        let latin: String = ('a'..='z')
            .cycle()
            .take(p.long_token.max_chars as usize + 1)
            .collect();
        let glued = format!("中{latin}文");
        assert!(analyse(&glued, &[], &[], &p).long_token);
    }

    #[test]
    fn over_long_tokens_are_found_but_allowed_links_are_exempt() {
        let p = SpamPolicy::default();
        let long = "a".repeat(3) + "bc".repeat(40).as_str();
        assert!(analyse(&long, &[], &[], &p).long_token);
        assert!(!analyse(&long, &[], &[(0, long.len() as u32)], &p).long_token);
    }

    #[test]
    fn rewrite_masks_each_original_character_with_one_star() {
        let how = Rewrite {
            lowercase: false,
            max_run: None,
        };
        assert_eq!(rewrite("oh ｆｕｃｋ", &[(3, 15)], how), "oh ****");
    }

    #[test]
    fn lowercasing_never_lengthens_the_text() {
        let how = Rewrite {
            lowercase: true,
            max_run: None,
        };
        // U+0130 lowercases to two characters: it is left as it is.
        assert_eq!(rewrite("HELLO \u{130}", &[], how), "hello \u{130}");
    }

    /// Text with some of its characters masked: sorted, disjoint ranges on character
    /// boundaries, as the engine gives them.
    fn masked_text() -> impl Strategy<Value = (String, Vec<(u32, u32)>)> {
        let text = prop_oneof![
            "[a-zA-Z *!.\\t]{0,50}",
            "(a{1,7}|B{1,7}|!{1,7}| {1,3}|\\*{1,3}|\u{e9}{1,6}){0,12}",
            "[aA0!* \u{e9}\u{130}\u{1F389}\u{3000}\u{ff21}]{0,40}",
            any::<String>(),
        ];
        (
            text,
            prop::collection::vec(any::<prop::sample::Index>(), 0..8),
        )
            .prop_map(|(text, cuts)| {
                let bounds: Vec<usize> = text
                    .char_indices()
                    .map(|(i, _)| i)
                    .chain(std::iter::once(text.len()))
                    .collect();
                let mut at: Vec<usize> =
                    cuts.iter().map(|c| bounds[c.index(bounds.len())]).collect();
                at.sort_unstable();
                at.dedup();
                let masked = at
                    .chunks_exact(2)
                    .map(|p| (p[0] as u32, p[1] as u32))
                    .collect();
                (text, masked)
            })
    }

    fn policies() -> impl Strategy<Value = SpamPolicy> {
        (
            prop_oneof![
                Just(SpamAction::Rewrite),
                Just(SpamAction::Deny),
                Just(SpamAction::Off)
            ],
            3u32..6,
            8u32..20,
        )
            .prop_map(|(flood, max_run, max_chars)| {
                let mut p = SpamPolicy::default();
                p.char_flood.action = flood;
                p.char_flood.max_run = max_run;
                p.long_token.max_chars = max_chars;
                p.shouting.min_letters = 3;
                p.emoji_flood.max_emoji = 1;
                p
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn stretch_by_stretch_analysis_matches_the_character_walk(
            (text, masked) in masked_text(),
            policy in policies(),
        ) {
            prop_assert_eq!(
                analyse(&text, &masked, &[], &policy),
                analyse_chars(&text, &masked, &[], &policy)
            );
        }

        #[test]
        fn stretch_by_stretch_rewrite_matches_the_character_walk(
            (text, masked) in masked_text(),
            lowercase in any::<bool>(),
            max_run in prop::option::of(3u32..6),
        ) {
            let how = Rewrite { lowercase, max_run };
            prop_assert_eq!(rewrite(&text, &masked, how), rewrite_chars(&text, &masked, how));
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// What lets the engine's later passes keep the findings of the one before.
        #[test]
        fn the_masked_rewrite_with_only_stars_masked_reads_as_the_text_with_its_masks(
            (text, masked) in masked_text(),
            policy in policies(),
            mask_again in prop::collection::vec(any::<bool>(), 8),
        ) {
            let how = Rewrite { lowercase: false, max_run: None };
            let rewritten = rewrite(&text, &masked, how);
            // Some of the rewrite's runs of stars, masked again.
            let mut stars: Vec<(u32, u32)> = Vec::new();
            for (i, b) in rewritten.bytes().enumerate() {
                let i = i as u32;
                match stars.last_mut() {
                    Some(last) if b == b'*' && last.1 == i => last.1 = i + 1,
                    _ if b == b'*' => stars.push((i, i + 1)),
                    _ => {}
                }
            }
            let again: Vec<(u32, u32)> = stars
                .into_iter()
                .enumerate()
                .filter(|(k, _)| mask_again[k % mask_again.len()])
                .map(|(_, r)| r)
                .collect();
            prop_assert_eq!(
                analyse(&rewritten, &again, &[], &policy),
                analyse(&text, &masked, &[], &policy)
            );
        }
    }

    proptest! {
        #[test]
        fn triples_are_found_wherever_they_are(bytes in prop::collection::vec(0u8..4, 0..100)) {
            let naive = bytes.windows(3).any(|w| w[0] == w[1] && w[1] == w[2]);
            prop_assert_eq!(has_triple(&bytes), naive);
        }
    }

    #[test]
    fn unordered_or_split_ranges_take_the_character_walk() {
        let how = Rewrite {
            lowercase: false,
            max_run: None,
        };
        // Overlapping, and cutting a character in two: both still mask by character start.
        assert_eq!(rewrite("abcdef", &[(1, 4), (2, 5)], how), "a****f");
        assert_eq!(rewrite("a\u{e9}b", &[(2, 4)], how), "a\u{e9}*");
    }
}
