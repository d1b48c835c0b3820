//! Spam rules (shouting, character floods, emoji floods, over-long tokens) and the rewrite
//! that produces the final content: masks, lowercasing, flood cutting.
//!
//! The rules judge the message as the rewrite will leave it (masked characters as `*`, flood
//! runs already cut), so a second review of the rewritten message reaches the same verdict and
//! changes nothing.

use super::policy::{SpamAction, SpamPolicy};

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
#[derive(Default)]
struct Runs {
    prev: Option<char>,
    len: u32,
}

impl Runs {
    /// Feeds the character as the rewrite shows it; returns its position in its run.
    fn feed(&mut self, shown: char) -> u32 {
        if shown == '*' || shown.is_whitespace() {
            self.prev = None;
            self.len = 0;
            return 0;
        }
        if self.prev == Some(shown) {
            self.len += 1;
        } else {
            self.prev = Some(shown);
            self.len = 1;
        }
        self.len
    }
}

pub(crate) fn is_emoji(c: char) -> bool {
    matches!(c as u32,
        0x1F000..=0x1FAFF | 0x2600..=0x27BF | 0x2B00..=0x2BFF | 0x2300..=0x23FF | 0x3030 | 0x303D)
}

/// Judges `text` as it will read once `masked` is masked and floods are cut. `exempt` are
/// ranges (allowed links) that never count as over-long tokens.
pub(crate) fn analyse(
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
    let mut runs = Runs::default();
    let (mut letters, mut upper, mut emoji, mut token) = (0u32, 0u32, 0u32, 0u32);
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
        if shown.is_whitespace() || free.contains(at) {
            token = 0;
        } else {
            token += 1;
            found.long_token |= token > policy.long_token.max_chars;
        }
    }
    found.char_flood &= policy.char_flood.action != SpamAction::Off;
    found.shouting = policy.shouting.action != SpamAction::Off
        && letters >= policy.shouting.min_letters
        && upper as f32 > policy.shouting.max_caps_ratio * letters as f32;
    found.emoji_flood =
        policy.emoji_flood.action != SpamAction::Off && emoji > policy.emoji_flood.max_emoji;
    found.long_token &= policy.long_token.action != SpamAction::Off;
    found
}

/// The content with `masked` ranges replaced by `*` (one per character), lowercased and
/// floods cut as asked. Never longer than `text`, in characters or bytes.
pub(crate) fn rewrite(text: &str, masked: &[(u32, u32)], how: Rewrite) -> String {
    let mut out = String::with_capacity(text.len());
    let mut mask = Cursor::new(masked);
    let mut runs = Runs::default();
    for (i, c) in text.char_indices() {
        let shown = if mask.contains(i as u32) { '*' } else { c };
        let pos = runs.feed(shown);
        if how.max_run.is_some_and(|max| pos > max) {
            continue;
        }
        if how.lowercase && shown.is_uppercase() {
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
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::moderation::policy::SpamPolicy;

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
}
