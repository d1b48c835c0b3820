//! Folds chat text into the canonical form the term matchers search, and remembers for every
//! folded byte which bytes of the original message it came from.
//!
//! Folding, per original character: invisible and zero-width characters vanish; other
//! characters go through Unicode compatibility decomposition (the K of NFKC: fullwidth,
//! mathematical and circled letters, ligatures) with combining marks dropped (accents), then
//! through decancer's confusables table (Cyrillic, Greek and other look-alikes) and lowercase.
//! Letters and digits form tokens; everything else separates them. Then, per token: leetspeak
//! (`sh1t`, `a$$`) in tokens that have a real letter, single-character tokens joined
//! (`f.u.c.k`, `f u c k`, `f-u-c-k`) unless a mask (`**`) stands between them, and runs of
//! one letter collapsed to one byte that records the run length (`fuuuuck`).
//!
//! The folded text has one space between tokens. `start[i]..end[i]` is the original byte
//! range behind folded byte `i`, so a match over folded bytes `s..e` covers the original
//! `start[s]..end[e - 1]`, separators and invisible characters inside it included.

use unicode_normalization::char::{decompose_compatible, is_combining_mark};

/// Folded text plus its map back to the original. Reused between messages: `fold` clears it.
#[derive(Debug, Default)]
pub(crate) struct Folded {
    pub(crate) text: Vec<u8>,
    pub(crate) start: Vec<u32>,
    pub(crate) end: Vec<u32>,
    /// How many equal letters the byte stands for (1 for most).
    pub(crate) run: Vec<u16>,
    raw: Vec<u8>,
    raw_start: Vec<u32>,
    raw_end: Vec<u32>,
    tokens: Vec<RawToken>,
}

#[derive(Debug, Clone, Copy, Default)]
struct RawToken {
    from: u32,
    to: u32,
    has_letter: bool,
    /// A run of two or more `*` (a mask) lies between this token and the one before.
    hard_break_before: bool,
}

/// Characters that render as nothing and so can hide inside a word.
fn is_invisible(c: char) -> bool {
    matches!(c as u32,
        0x00AD | 0x034F | 0x061C | 0x115F | 0x1160 | 0x17B4 | 0x17B5 | 0x180B..=0x180F
        | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x206F | 0x2800 | 0x3164
        | 0xFE00..=0xFE0F | 0xFEFF | 0xFFA0 | 0xFFF0..=0xFFF8 | 0x1D173..=0x1D17A
        | 0xE0000..=0xE0FFF)
}

fn leet(b: u8) -> u8 {
    match b {
        b'0' => b'o',
        b'1' | b'!' => b'i',
        b'3' => b'e',
        b'4' | b'@' => b'a',
        b'5' | b'$' => b's',
        b'7' => b't',
        b'8' => b'b',
        b'|' => b'l',
        _ => b,
    }
}

/// The number of letters and digits a term stands for once folded (runs counted in full).
pub(crate) fn folded_weight(term: &str) -> usize {
    let mut f = Folded::default();
    f.fold(term);
    f.text
        .iter()
        .zip(&f.run)
        .filter(|(b, _)| **b != b' ')
        .map(|(_, r)| usize::from(*r))
        .sum()
}

impl Folded {
    /// Folds `input`, replacing what the buffers held.
    pub(crate) fn fold(&mut self, input: &str) {
        self.raw.clear();
        self.raw_start.clear();
        self.raw_end.clear();
        self.tokens.clear();
        // Offsets are u32; a chat message is far below 4 GiB, but stay safe on any input.
        let input = if input.len() > u32::MAX as usize / 2 {
            let mut cut = u32::MAX as usize / 2;
            while !input.is_char_boundary(cut) {
                cut -= 1;
            }
            &input[..cut]
        } else {
            input
        };
        let mut st = FoldState::default();
        let mut chars = input.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            let s = i as u32;
            let e = (i + c.len_utf8()) as u32;
            if c.is_ascii() {
                let b = c as u8;
                match b {
                    b'a'..=b'z' => self.push(&mut st, b, s, e, true),
                    b'A'..=b'Z' => self.push(&mut st, b + 32, s, e, true),
                    b'0'..=b'9' => self.push(&mut st, b, s, e, false),
                    b'$' | b'@' => {
                        let next_ok = chars.peek().is_some_and(|&(_, n)| {
                            n.is_ascii_alphanumeric() || n == '$' || n == '@'
                        });
                        if st.in_token || next_ok {
                            self.push(&mut st, b, s, e, false);
                        } else {
                            self.separate(&mut st, false);
                        }
                    }
                    b'!' | b'|' => {
                        if chars
                            .peek()
                            .is_some_and(|&(_, n)| n.is_ascii_alphanumeric())
                        {
                            self.push(&mut st, b, s, e, false);
                        } else {
                            self.separate(&mut st, false);
                        }
                    }
                    b'*' => self.separate(&mut st, true),
                    _ => self.separate(&mut st, false),
                }
                continue;
            }
            if is_invisible(c) {
                continue;
            }
            if c.is_whitespace() {
                self.separate(&mut st, false);
                continue;
            }
            // Compatibility decomposition of one character is at most 18 characters.
            let mut parts = ['\0'; 18];
            let mut n = 0;
            decompose_compatible(c, |d| {
                if n < parts.len() {
                    parts[n] = d;
                    n += 1;
                }
            });
            for &d in &parts[..n] {
                if is_combining_mark(d) || is_invisible(d) {
                    continue;
                }
                if d.is_ascii() {
                    self.fold_plain(&mut st, d, s, e);
                    continue;
                }
                match decancer::cure_char(d, decancer::Options::default()) {
                    decancer::Translation::Character(x) => self.fold_plain(&mut st, x, s, e),
                    decancer::Translation::String(t) => {
                        for x in t.chars() {
                            self.fold_plain(&mut st, x, s, e);
                        }
                    }
                    decancer::Translation::None => {}
                }
            }
        }
        self.close(&mut st);
        self.finish();
    }

    /// A character already decomposed and de-confused: a token character or a separator.
    fn fold_plain(&mut self, st: &mut FoldState, x: char, s: u32, e: u32) {
        if x.is_ascii_alphabetic() {
            self.push(st, x.to_ascii_lowercase() as u8, s, e, true);
        } else if x.is_ascii_digit() {
            self.push(st, x as u8, s, e, false);
        } else if x.is_alphanumeric() {
            let mut buf = [0u8; 4];
            for l in x.to_lowercase() {
                for &b in l.encode_utf8(&mut buf).as_bytes() {
                    self.push(st, b, s, e, true);
                }
            }
        } else {
            self.separate(st, false);
        }
    }

    fn push(&mut self, st: &mut FoldState, b: u8, s: u32, e: u32, letter: bool) {
        if !st.in_token {
            st.in_token = true;
            st.token = RawToken {
                from: self.raw.len() as u32,
                to: 0,
                has_letter: false,
                hard_break_before: st.hard_break,
            };
            st.hard_break = false;
            st.stars = 0;
        }
        st.token.has_letter |= letter;
        self.raw.push(b);
        self.raw_start.push(s);
        self.raw_end.push(e);
    }

    fn separate(&mut self, st: &mut FoldState, star: bool) {
        self.close(st);
        if star {
            st.stars += 1;
            if st.stars >= 2 {
                st.hard_break = true;
            }
        } else {
            st.stars = 0;
        }
    }

    fn close(&mut self, st: &mut FoldState) {
        if st.in_token {
            st.in_token = false;
            st.token.to = self.raw.len() as u32;
            self.tokens.push(st.token);
        }
    }

    /// Second pass: leetspeak, joining single characters, collapsing runs.
    fn finish(&mut self) {
        self.text.clear();
        self.start.clear();
        self.end.clear();
        self.run.clear();
        let mut prev_single = false;
        for (ti, t) in self.tokens.iter().enumerate() {
            let (from, to) = (t.from as usize, t.to as usize);
            let bytes = &self.raw[from..to];
            let single = bytes.iter().filter(|&&b| b & 0xC0 != 0x80).count() == 1;
            if ti > 0 && !(prev_single && single && !t.hard_break_before) {
                // The space stands for the gap between the tokens.
                let gap_start = self.end.last().copied().unwrap_or(0);
                self.text.push(b' ');
                self.start.push(gap_start);
                self.end.push(self.raw_start[from]);
                self.run.push(1);
            }
            let map_leet = t.has_letter || single;
            for k in from..to {
                let raw = self.raw[k];
                let b = if map_leet { leet(raw) } else { raw };
                let last = self.text.len().wrapping_sub(1);
                if b.is_ascii_alphanumeric() && self.text.last() == Some(&b) {
                    self.run[last] = self.run[last].saturating_add(1);
                    self.end[last] = self.raw_end[k];
                } else {
                    self.text.push(b);
                    self.start.push(self.raw_start[k]);
                    self.end.push(self.raw_end[k]);
                    self.run.push(1);
                }
            }
            prev_single = single;
        }
    }
}

#[derive(Debug, Default)]
struct FoldState {
    in_token: bool,
    token: RawToken,
    hard_break: bool,
    stars: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fold(s: &str) -> String {
        let mut f = Folded::default();
        f.fold(s);
        String::from_utf8(f.text).unwrap_or_default()
    }

    fn span_of(s: &str, needle: &str) -> Option<String> {
        let mut f = Folded::default();
        f.fold(s);
        let pos = f
            .text
            .windows(needle.len())
            .position(|w| w == needle.as_bytes())?;
        let last = pos + needle.len() - 1;
        Some(s[f.start[pos] as usize..f.end[last] as usize].to_owned())
    }

    #[test]
    fn case_is_folded() {
        assert_eq!(fold("HeLLo World"), "helo world");
    }

    #[test]
    fn fullwidth_and_math_letters_fold_to_ascii() {
        assert_eq!(fold("ｆｕｃｋ"), "fuck");
        assert_eq!(fold("𝐟𝐮𝐜𝐤"), "fuck");
    }

    #[test]
    fn accents_are_stripped() {
        assert_eq!(fold("fück fúck"), "fuck fuck");
    }

    #[test]
    fn cyrillic_homoglyphs_fold_to_latin() {
        // Cyrillic с and о; Cyrillic у looks like (and folds to) y.
        assert_eq!(fold("fu\u{0441}k f\u{043E}\u{043E}l"), "fuck fol");
        assert_eq!(fold("\u{0443}es"), "yes");
        assert_eq!(fold("\u{0430}ss"), "as");
    }

    #[test]
    fn zero_width_characters_vanish_inside_words() {
        assert_eq!(fold("fu\u{200B}ck f\u{200D}u\u{FEFF}ck"), "fuck fuck");
    }

    #[test]
    fn leetspeak_maps_in_words_with_letters() {
        assert_eq!(fold("sh1t a$$ @ss 5h!t"), "shit as as shit");
    }

    #[test]
    fn numbers_without_letters_stay_numbers() {
        assert_eq!(fold("call 451 or 2024"), "cal 451 or 2024");
    }

    #[test]
    fn single_characters_split_by_separators_join() {
        assert_eq!(fold("f.u.c.k"), "fuck");
        assert_eq!(fold("f u c k you"), "fuck you");
        assert_eq!(fold("f-u-c-k"), "fuck");
        assert_eq!(fold("f_u_c_k"), "fuck");
    }

    #[test]
    fn a_mask_between_single_characters_keeps_them_apart() {
        assert_eq!(fold("a ** s"), "a s");
        assert_eq!(fold("a*s"), "as");
    }

    #[test]
    fn repeated_letters_collapse_with_their_run_length() {
        let mut f = Folded::default();
        f.fold("fuuuuck");
        assert_eq!(f.text, b"fuck");
        assert_eq!(f.run, vec![1, 4, 1, 1]);
    }

    #[test]
    fn trailing_exclamation_is_not_leetspeak() {
        assert_eq!(fold("fuck!"), "fuck");
    }

    #[test]
    fn folded_span_maps_back_to_the_original_characters() {
        assert_eq!(
            span_of("oh f.u.c.k off", "fuck").as_deref(),
            Some("f.u.c.k")
        );
        assert_eq!(span_of("ｆｕｃｋ", "fuck").as_deref(), Some("ｆｕｃｋ"));
        assert_eq!(
            span_of("fu\u{200B}ck", "fuck").as_deref(),
            Some("fu\u{200B}ck")
        );
        assert_eq!(span_of("fuuuuck!", "fuck").as_deref(), Some("fuuuuck"));
    }
}
