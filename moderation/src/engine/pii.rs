//! Finds phone numbers: runs of digits with the usual separators, long enough to dial.

/// Appends the byte ranges of phone numbers in `text` with `min_digits` to 15 digits.
pub(crate) fn phones(text: &str, min_digits: u8, out: &mut Vec<(u32, u32)>) {
    let bytes = text.as_bytes();
    if !has_digit(bytes) {
        return;
    }
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let starts = b.is_ascii_digit()
            || ((b == b'+' || b == b'(') && bytes.get(i + 1).is_some_and(u8::is_ascii_digit));
        // A number glued to a word (`abc123…`) is an identifier, not a phone number.
        let glued = i > 0 && bytes[i - 1].is_ascii_alphabetic();
        if !starts {
            i += 1;
            continue;
        }
        if glued {
            i += 1;
            while i < bytes.len() && bytes[i].is_ascii_alphanumeric() {
                i += 1;
            }
            continue;
        }
        let mut digits = 0u32;
        let mut last_digit_end = i;
        let mut seps = 0;
        let mut j = if b.is_ascii_digit() { i } else { i + 1 };
        while j < bytes.len() {
            match bytes[j] {
                d if d.is_ascii_digit() => {
                    digits += 1;
                    last_digit_end = j + 1;
                    seps = 0;
                }
                b' ' | b'-' | b'.' | b'(' | b')' if seps < 2 => seps += 1,
                _ => break,
            }
            j += 1;
        }
        if digits >= u32::from(min_digits) && digits <= 15 {
            out.push((i as u32, last_digit_end as u32));
        }
        i = j.max(i + 1);
    }
}

/// Whether `bytes` has an ASCII digit; a block at a time, without stopping early inside one,
/// so the compiler can test many bytes at once.
fn has_digit(bytes: &[u8]) -> bool {
    bytes.chunks(32).any(|block| {
        block
            .iter()
            .fold(0u8, |seen, &b| seen | u8::from(b.wrapping_sub(b'0') < 10))
            != 0
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn found(text: &str) -> Vec<&str> {
        let mut out = Vec::new();
        phones(text, 9, &mut out);
        out.iter()
            .map(|&(s, e)| &text[s as usize..e as usize])
            .collect()
    }

    #[test]
    fn international_and_local_phone_formats_are_found() {
        assert_eq!(found("call +44 20 7946 0958 now"), ["+44 20 7946 0958"]);
        assert_eq!(found("(555) 123-4567 ok"), ["(555) 123-4567"]);
        assert_eq!(found("0612345678"), ["0612345678"]);
    }

    #[test]
    fn short_numbers_scores_and_identifiers_are_not_phones() {
        assert!(found("I scored 1500 points in 2024").is_empty());
        assert!(found("order abc1234567890").is_empty());
    }

    proptest! {
        #[test]
        fn the_block_check_finds_what_a_byte_search_finds(text in "[a-z 0-9]{0,80}|\\PC{0,80}") {
            let b = text.as_bytes();
            prop_assert_eq!(has_digit(b), b.iter().any(u8::is_ascii_digit));
        }
    }
}
