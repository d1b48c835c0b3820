//! The folded form of a message after masking, made from the folded form of the message
//! before it, so that the engine's second look at a masked message need not fold it again.

use super::chars;
use super::{Folded, Slot};

#[cfg(test)]
thread_local! {
    /// Every byte is copied one at a time: the reference the copy of whole stretches is
    /// tested against.
    static BYTE_BY_BYTE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// The leetspeak symbols that may stand alone as a letter of a spelled-out word: whether one
/// is kept depends on the tokens around it, which masking changes.
fn lone_symbol_like(c: char) -> bool {
    matches!(c, '$' | '@' | '!' | '|')
}

/// How many folded bytes from `i` on (a token byte) the byte-by-byte copy of `fold_masked`
/// would write as they stand, shifted only, with the next mask at `a..b`: token bytes wholly
/// before it, and each space between two of them that is the gap it would write there (from
/// the end of the byte before to the start of the byte after, as `Out::gap` writes one).
fn clear_run(text: &[u8], slots: &[Slot], i: usize, (a, b): (u32, u32)) -> usize {
    let clear = |s: &Slot| s.start < b && s.end <= a;
    let mut j = i;
    loop {
        // The token bytes from `j` on, up to a space or the first byte the mask reaches.
        let (Some(ahead), Some(ahead_slots)) = (text.get(j..), slots.get(j..)) else {
            return j - i;
        };
        j += ahead
            .iter()
            .zip(ahead_slots)
            .take_while(|&(&c, s)| c != b' ' && clear(s))
            .count();
        let gap = j > i
            && text.get(j) == Some(&b' ')
            && text.get(j + 1).is_some_and(|&c| c != b' ')
            && match (slots.get(j - 1), slots.get(j), slots.get(j + 1)) {
                (Some(before), Some(&space), Some(after)) => {
                    clear(after)
                        && space
                            == Slot {
                                start: before.end,
                                end: after.start,
                                run: 1,
                            }
                }
                _ => false,
            };
        if !gap {
            return j - i;
        }
        j += 1;
    }
}

impl Folded {
    /// Makes this the folding of `input` with each range of `masked` (sorted, disjoint, on
    /// character boundaries) written as one `*` a character, as `spam::rewrite` masks, from
    /// `prev`, the folding of `input` itself: `prev` less the folded bytes inside the masks,
    /// with a gap wherever a mask was, at the masked text's offsets. Returns false when it
    /// cannot be sure that this is what folding the masked text gives; `self` is then not a
    /// folding of anything and must be folded again before use.
    ///
    /// It is sure when each mask is at least two characters between spaces or the text's
    /// edges: the stars then break any run of single characters (`**`), are too many
    /// separators to join Chinese or Japanese across them, and every word around the mask
    /// keeps its own characters, so folds as before. What may still read differently is
    /// refused: a leetspeak symbol standing alone beside a mask (kept or dropped by what
    /// stands next to it), a folded byte that straddles a mask's edge, and a one-letter
    /// look-alike word read by its neighbours.
    pub(crate) fn fold_masked(
        &mut self,
        prev: &Folded,
        input: &str,
        masked: &[(u32, u32)],
    ) -> bool {
        self.len = 0;
        self.by_neighbours = false;
        if prev.by_neighbours || prev.lookalikes_as_latin || input.len() > u32::MAX as usize / 2 {
            return false;
        }
        let bytes = input.as_bytes();
        let text = prev.text();
        let slots = prev.slots.get(..prev.len).unwrap_or_default();
        for &(a, b) in masked {
            let (a, b) = (a as usize, b as usize);
            let Some(hidden) = input.get(a..b) else {
                return false;
            };
            let mut chars = hidden.chars();
            if chars.next().is_none() || chars.next().is_none() {
                return false;
            }
            let spaced =
                |at: Option<usize>| at.is_none_or(|at| bytes.get(at).is_none_or(|&c| c == b' '));
            if !spaced(a.checked_sub(1)) || !spaced(Some(b)) {
                return false;
            }
            // The nearest token bytes either side, and what lies between them and the mask.
            let before = slots.partition_point(|s| s.end as usize <= a);
            let before = (0..before).rev().find(|&i| text.get(i) != Some(&b' '));
            let from = before
                .and_then(|i| slots.get(i))
                .map_or(0, |s| s.start as usize);
            let after = slots.partition_point(|s| (s.start as usize) < b);
            let after = (after..slots.len()).find(|&i| text.get(i) != Some(&b' '));
            let to = after
                .and_then(|i| slots.get(i))
                .map_or(input.len(), |s| s.end as usize);
            let near = input.get(from..a).into_iter().chain(input.get(b..to));
            if near.flat_map(str::chars).any(lone_symbol_like) {
                return false;
            }
            // A mask inside a folded word (`你好 他 妈 的` read as one) leaves a word of its
            // own on either side; one of a single character would now join its neighbours.
            let word = |chars: &mut dyn Iterator<Item = char>| {
                chars
                    .take(2)
                    .filter(|&c| chars::props(c).alphanumeric())
                    .count()
                    == 2
            };
            let inside = |i: usize| i < text.len() && text.get(i) != Some(&b' ');
            let first = slots.partition_point(|s| (s.start as usize) < a);
            if first > 0 && inside(first - 1) {
                let head = input.get(..a.saturating_sub(1)).unwrap_or_default();
                if !word(&mut head.chars().rev()) {
                    return false;
                }
            }
            let next = slots.partition_point(|s| (s.end as usize) <= b);
            if next > 0 && inside(next) && inside(next - 1) {
                let tail = input.get(b + 1..).unwrap_or_default();
                if !word(&mut tail.chars()) {
                    return false;
                }
            }
        }
        let mut out = self.out(prev.len);
        let mut pending_gap = false;
        let mut m = 0;
        // How many bytes shorter the masked text is before the current position.
        let mut shrink = 0u32;
        let mut i = 0;
        while let Some(&byte) = text.get(i) {
            if byte == b' ' {
                pending_gap = true;
                i += 1;
                continue;
            }
            // Most bytes lie well before the next mask: they are copied up to it at once, as
            // the byte-by-byte steps below would write them (the mask before them passed,
            // this one not reached), which took most of the time of a pass over a masked
            // message.
            let next = masked.get(m).copied().unwrap_or((u32::MAX, u32::MAX));
            let clear = clear_run(text, slots, i, next);
            #[cfg(test)]
            let clear = if BYTE_BY_BYTE.get() { 0 } else { clear };
            if let Some(first) = slots.get(i).filter(|_| clear > 0) {
                if pending_gap && out.len > 0 {
                    out.gap(first.start - shrink);
                }
                pending_gap = false;
                let (w, to) = (out.len, i + clear);
                let (Some(dst_text), Some(dst_slots), Some(src_text), Some(src_slots)) = (
                    out.text.get_mut(w..w + clear),
                    out.slots.get_mut(w..w + clear),
                    text.get(i..to),
                    slots.get(i..to),
                ) else {
                    return false;
                };
                dst_text.copy_from_slice(src_text);
                for (d, s) in dst_slots.iter_mut().zip(src_slots) {
                    *d = Slot {
                        start: s.start - shrink,
                        end: s.end - shrink,
                        run: s.run,
                    };
                }
                out.len = w + clear;
                out.last = src_text.last().copied().unwrap_or(byte);
                i = to;
                continue;
            }
            let Some(&slot) = slots.get(i) else {
                return false;
            };
            i += 1;
            while let Some(&(a, b)) = masked.get(m) {
                if b > slot.start {
                    break;
                }
                let hidden = input.get(a as usize..b as usize).unwrap_or_default();
                shrink += (b - a) - hidden.chars().count() as u32;
                m += 1;
            }
            if let Some(&(a, b)) = masked.get(m) {
                if a < slot.end {
                    if a <= slot.start && slot.end <= b {
                        pending_gap = true;
                        continue;
                    }
                    return false;
                }
            }
            let (start, end) = (slot.start - shrink, slot.end - shrink);
            if pending_gap && out.len > 0 {
                out.gap(start);
            }
            pending_gap = false;
            let w = out.len;
            out.text[w] = byte;
            out.slots[w] = Slot {
                start,
                end,
                run: slot.run,
            };
            out.len = w + 1;
            out.last = byte;
        }
        self.len = out.len;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// What `spam::rewrite` writes for masks alone.
    fn masked_text(input: &str, masked: &[(u32, u32)]) -> String {
        let mut out = String::new();
        let mut at = 0;
        for &(s, e) in masked {
            out.push_str(&input[at..s as usize]);
            out.extend(std::iter::repeat_n(
                '*',
                input[s as usize..e as usize].chars().count(),
            ));
            at = e as usize;
        }
        out.push_str(&input[at..]);
        out
    }

    fn state(f: &Folded) -> (Vec<u8>, Vec<Slot>) {
        (f.text().to_vec(), f.slots[..f.len].to_vec())
    }

    /// Words of every script the engine folds, with the characters that join, bridge and
    /// break them: spelled-out letters, leetspeak symbols, stars, Han and kana, look-alikes.
    fn words() -> impl Strategy<Value = Vec<String>> {
        let word = prop_oneof![
            "[a-zA-Z]{1,6}",
            "[a-z0-9$@!|()+]{1,5}",
            "[a-z]([.\\- ][a-z]){1,4}",
            "[$@!|*.,:;\\-]{1,3}",
            "[абвгдеёжзийклмнопрстуфхцчшщыьэюяАЕОСХ]{1,6}",
            "[аеорсух][a-z]{0,3}",
            "[ΑαΒβΕεοκντ]{1,3}",
            "[你好他妈的游戏幹娘遊戲草泥马死ね]{1,4}",
            "[こんにちはゲームバカﾁﾝｺﾞﾟ]{1,4}",
            "[안녕하세요씨발]{1,3}",
            "[مرحباشموطة]{1,5}",
            "[नमस्तेखल]{1,4}",
            "[çğıöşüßéñ]{1,3}",
            "[\u{200B}\u{0301}🔥😂]",
            "[0-9]{1,4}",
        ];
        prop::collection::vec(word, 1..16)
    }

    fn fold_masked_of(
        input: &str,
        masked: &[(u32, u32)],
        byte_by_byte: bool,
    ) -> Option<(Vec<u8>, Vec<Slot>)> {
        let mut prev = Folded::default();
        prev.fold(input);
        let mut made = Folded::default();
        BYTE_BY_BYTE.set(byte_by_byte);
        let sure = made.fold_masked(&prev, input, masked);
        BYTE_BY_BYTE.set(false);
        sure.then(|| state(&made))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]

        #[test]
        fn copying_stretches_at_once_gives_what_copying_byte_by_byte_gives(
            words in words(),
            seps in prop::collection::vec(prop_oneof![Just(" "), Just("  "), Just(" . "), Just(""), Just(", "), Just(" * ")], 16),
            cuts in prop::collection::vec((any::<prop::sample::Index>(), 1..12usize), 0..6),
        ) {
            let mut input = String::new();
            for (k, w) in words.iter().enumerate() {
                if k > 0 {
                    input.push_str(seps[k % seps.len()]);
                }
                input.push_str(w);
            }
            // Masks anywhere on character boundaries, whole words or not, merged as the
            // engine holds them.
            let bounds: Vec<u32> = input
                .char_indices()
                .map(|(i, _)| i as u32)
                .chain([input.len() as u32])
                .collect();
            let mut spans: Vec<(u32, u32)> = cuts
                .iter()
                .map(|(at, len)| {
                    let i = at.index(bounds.len());
                    (bounds[i], bounds[(i + len).min(bounds.len() - 1)])
                })
                .filter(|&(s, e)| s < e)
                .collect();
            spans.sort_unstable();
            let mut masked: Vec<(u32, u32)> = Vec::new();
            for (s, e) in spans {
                match masked.last_mut() {
                    Some(last) if s <= last.1 => last.1 = last.1.max(e),
                    _ => masked.push((s, e)),
                }
            }
            prop_assert_eq!(
                fold_masked_of(&input, &masked, false),
                fold_masked_of(&input, &masked, true),
                "{:?} masked {:?}", input, masked
            );
        }

        #[test]
        fn masking_whole_words_folds_as_folding_the_masked_text(
            words in words(),
            seps in prop::collection::vec(prop_oneof![Just(" "), Just("  "), Just(" . "), Just(""), Just(", "), Just(" * ")], 16),
            pick in prop::collection::vec(any::<bool>(), 16),
        ) {
            let mut input = String::new();
            let mut spans = Vec::new();
            for (k, w) in words.iter().enumerate() {
                if k > 0 {
                    input.push_str(seps[k % seps.len()]);
                }
                let start = input.len() as u32;
                input.push_str(w);
                if pick[k % pick.len()] {
                    spans.push((start, input.len() as u32));
                }
            }
            // Masks as the engine holds them: merged where they touch.
            let mut masked: Vec<(u32, u32)> = Vec::new();
            for (s, e) in spans {
                match masked.last_mut() {
                    Some(last) if s <= last.1 => last.1 = last.1.max(e),
                    _ => masked.push((s, e)),
                }
            }
            let mut prev = Folded::default();
            prev.fold(&input);
            let mut made = Folded::default();
            if made.fold_masked(&prev, &input, &masked) {
                let mut fresh = Folded::default();
                fresh.fold(&masked_text(&input, &masked));
                prop_assert_eq!(state(&made), state(&fresh), "{:?} masked {:?}", input, masked);
            }
        }
    }
}
