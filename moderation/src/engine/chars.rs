//! The Unicode properties folding and the spam rules ask of a character, and the classes of
//! `classes`, in one table look-up (two loads) instead of a binary search of the standard
//! library's tables per property and a chain of range tests per class; and the run of
//! characters of a kind around a byte of a text (`run_around`).
//!
//! The table is written at build time (`build.rs`) by calling, for every code point, the very
//! functions it replaces, so each answer is theirs. Property look-ups took about a fifth of
//! the time of a message in the scripts other than Latin.

include!(concat!(env!("OUT_DIR"), "/char_table.rs"));

use super::char_flags::*;

/// How a character is folded (`classes::route`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Route {
    /// Through the confusables table: Latin, symbols, and the look-alikes of other scripts.
    Confusable,
    /// Cyrillic or Greek: kept, or through the confusables table in a disguised word.
    LookAlike,
    /// A script kept as it is, through `script::native`.
    Native,
}

/// The properties of one character.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Props(u16);

impl Props {
    /// `char::is_alphabetic`.
    #[inline(always)]
    pub(crate) fn alphabetic(self) -> bool {
        self.0 & ALPHABETIC != 0
    }

    /// `char::is_alphanumeric`.
    #[inline(always)]
    pub(crate) fn alphanumeric(self) -> bool {
        self.0 & (ALPHABETIC | NUMERIC) != 0
    }

    /// `char::is_numeric`.
    #[inline(always)]
    pub(crate) fn numeric(self) -> bool {
        self.0 & NUMERIC != 0
    }

    /// `char::is_uppercase`.
    #[inline(always)]
    pub(crate) fn uppercase(self) -> bool {
        self.0 & UPPERCASE != 0
    }

    /// `char::is_whitespace`.
    #[inline(always)]
    pub(crate) fn whitespace(self) -> bool {
        self.0 & WHITESPACE != 0
    }

    /// `unicode_normalization::char::is_combining_mark`.
    #[inline(always)]
    pub(crate) fn combining(self) -> bool {
        self.0 & COMBINING != 0
    }

    /// `classes::invisible`.
    #[inline(always)]
    pub(crate) fn invisible(self) -> bool {
        self.0 & INVISIBLE != 0
    }

    /// `classes::pictograph`.
    #[inline(always)]
    pub(crate) fn pictograph(self) -> bool {
        self.0 & PICTOGRAPH != 0
    }

    /// `classes::caseless_letter`.
    #[inline(always)]
    pub(crate) fn caseless_letter(self) -> bool {
        self.0 & CASELESS != 0
    }

    /// `classes::wide`.
    #[inline(always)]
    pub(crate) fn wide(self) -> bool {
        self.0 & WIDE != 0
    }

    /// `classes::emoji`.
    #[inline(always)]
    pub(crate) fn emoji(self) -> bool {
        self.0 & EMOJI != 0
    }

    /// `classes::route`.
    #[inline(always)]
    pub(crate) fn route(self) -> Route {
        match (self.0 >> ROUTE_SHIFT) & 3 {
            1 => Route::LookAlike,
            2 => Route::Native,
            _ => Route::Confusable,
        }
    }

    /// `char::to_lowercase` gives the character itself.
    #[inline(always)]
    pub(crate) fn lowercase_is_self(self) -> bool {
        self.0 & LOWER_SELF != 0
    }

    /// Compatibility decomposition gives the character itself.
    #[inline(always)]
    pub(crate) fn decomposes_to_self(self) -> bool {
        self.0 & DECOMPOSES_SELF != 0
    }
}

/// The properties of `c`.
#[inline(always)]
pub(crate) fn props(c: char) -> Props {
    let u = c as u32;
    // Every code point has a block (the table covers U+0000 to U+10FFFF); `get` keeps the
    // look-up free of panics all the same.
    let block = BLOCK_OF
        .get((u >> BLOCK_SHIFT) as usize)
        .map_or(0, |&b| usize::from(b));
    let at = (u & ((1 << BLOCK_SHIFT) - 1)) as usize;
    Props(BLOCKS.get(block).map_or(0, |b| b[at]))
}

/// The bytes `start..end` of the longest run of characters `in_run` holds for that takes in
/// byte `at` of `text` (a character boundary): the word around a position. `start == at`
/// when the character before `at` is none of them, `end == at` when the one at `at` is not.
pub(crate) fn run_around(text: &str, at: usize, in_run: impl Fn(char) -> bool) -> (usize, usize) {
    let start = text
        .get(..at)
        .unwrap_or_default()
        .char_indices()
        .rev()
        .take_while(|&(_, c)| in_run(c))
        .last()
        .map_or(at, |(k, _)| k);
    let end = text
        .get(at..)
        .unwrap_or_default()
        .char_indices()
        .find(|&(_, c)| !in_run(c))
        .map_or(text.len(), |(k, _)| at + k);
    (start, end)
}

#[cfg(test)]
mod tests {
    use super::super::classes;
    use super::*;
    use unicode_normalization::char::{decompose_compatible, is_combining_mark};

    #[test]
    fn the_table_answers_as_the_functions_it_replaces_for_every_code_point() {
        for c in (0..=0x10_FFFFu32).filter_map(char::from_u32) {
            let p = props(c);
            assert_eq!(p.alphabetic(), c.is_alphabetic(), "{c:?}");
            assert_eq!(p.alphanumeric(), c.is_alphanumeric(), "{c:?}");
            assert_eq!(p.uppercase(), c.is_uppercase(), "{c:?}");
            assert_eq!(p.whitespace(), c.is_whitespace(), "{c:?}");
            assert_eq!(p.combining(), is_combining_mark(c), "{c:?}");
            assert_eq!(p.invisible(), classes::invisible(c), "{c:?}");
            assert_eq!(p.pictograph(), classes::pictograph(c), "{c:?}");
            assert_eq!(p.caseless_letter(), classes::caseless_letter(c), "{c:?}");
            assert_eq!(p.wide(), classes::wide(c), "{c:?}");
            assert_eq!(p.emoji(), classes::emoji(c), "{c:?}");
            let route = match classes::route(c) {
                classes::LOOKALIKE => Route::LookAlike,
                classes::NATIVE => Route::Native,
                _ => Route::Confusable,
            };
            assert_eq!(p.route(), route, "{c:?}");
            assert_eq!(
                p.lowercase_is_self(),
                c.to_lowercase().eq(std::iter::once(c)),
                "{c:?}"
            );
            let mut parts = Vec::new();
            decompose_compatible(c, |d| parts.push(d));
            assert_eq!(p.decomposes_to_self(), parts == [c], "{c:?}");
        }
    }
}
