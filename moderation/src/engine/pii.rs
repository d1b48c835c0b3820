//! Finds phone numbers: runs of digits with the usual separators, long enough to dial. Not
//! numbers that are something else by their form: a decimal (`0.3931`, `-12.5`), a US ZIP+4
//! code (`94305-5015`), a book's ISBN or a serial's ISSN, amounts written with thousands
//! separators and ranges of them (`15.001- 19.999`, `1,234,567`).

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
        let number = bytes.get(i..last_digit_end).unwrap_or_default();
        if digits >= u32::from(min_digits)
            && digits <= 15
            && !decimal(bytes, i)
            && !zip_plus_four(number)
            && !amounts(number)
            && !labelled(bytes, i)
        {
            out.push((i as u32, last_digit_end as u32));
        }
        i = j.max(i + 1);
    }
}

/// Whether the number at `i` is a decimal: a minus sign before it, or a lone `0` and a
/// point at its start (`-0.3931`, `0.11481360`); a phone number starts with neither.
fn decimal(bytes: &[u8], i: usize) -> bool {
    let minus = i > 0 && bytes.get(i - 1) == Some(&b'-');
    let from = if bytes.get(i) == Some(&b'(') {
        i + 1
    } else {
        i
    };
    let zero_point = bytes
        .get(from..from + 3)
        .is_some_and(|b| b[0] == b'0' && b[1] == b'.' && b[2].is_ascii_digit());
    minus || zero_point
}

/// Whether `number` is a US ZIP+4 code: five digits, a hyphen, four digits.
fn zip_plus_four(number: &[u8]) -> bool {
    number.len() == 10
        && number.iter().enumerate().all(|(k, b)| match k {
            5 => *b == b'-',
            _ => b.is_ascii_digit(),
        })
}

/// Whether `number` is amounts written with thousands separators: every number in it (between
/// spaces, hyphens, brackets) one to three digits then groups of three after a `.`
/// (`15.001`, `1.234.567`), one of them at least with a group: one amount, or a range
/// (`15.001- 19.999`). A phone number's groups are not all of three (`06.12.34.56.78`,
/// `555.123.4567`). Commas end a phone number, so `1,234,567` never joins one.
fn amounts(number: &[u8]) -> bool {
    let mut grouped = false;
    let all = number
        .split(|b| matches!(b, b' ' | b'-' | b'(' | b')'))
        .filter(|part| !part.is_empty())
        .all(|part| {
            let mut groups = part.split(|&b| b == b'.');
            let lead = groups.next().unwrap_or_default();
            let mut rest = groups.peekable();
            grouped |= rest.peek().is_some();
            (1..=3).contains(&lead.len())
                && lead.iter().all(u8::is_ascii_digit)
                && rest.all(|g| g.len() == 3 && g.iter().all(u8::is_ascii_digit))
        });
    all && grouped
}

/// Whether the number at `i` follows `ISBN` or `ISSN` (any case, a colon and spaces
/// between): a book's or a serial's number.
fn labelled(bytes: &[u8], i: usize) -> bool {
    let before = bytes.get(..i).unwrap_or_default();
    let trimmed = before
        .iter()
        .rposition(|b| !matches!(b, b' ' | b':'))
        .map_or(&before[..0], |k| &before[..=k]);
    trimmed.len() >= 4
        && [b"isbn", b"issn"].iter().any(|label| {
            trimmed[trimmed.len() - 4..].eq_ignore_ascii_case(*label)
                && (trimmed.len() == 4 || !trimmed[trimmed.len() - 5].is_ascii_alphanumeric())
        })
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
    fn decimals_zip_codes_and_book_numbers_are_not_phones() {
        assert!(found("Intercept: -0.3931 (0.0076)").is_empty());
        assert!(found("excentricidade de 0.11481360").is_empty());
        assert!(found("Stanford, CA 94305-5015").is_empty());
        assert!(found("ISBN 2266106333").is_empty());
        assert!(found("isbn: 978-2-266-10633-3").is_empty());
        // Phone numbers written alike are still found.
        assert_eq!(found("06.12.34.56.78"), ["06.12.34.56.78"]);
        assert_eq!(found("call 555-123-4567"), ["555-123-4567"]);
        assert_eq!(found("(0)20 7946 0958"), ["(0)20 7946 0958"]);
    }

    #[test]
    fn amounts_with_thousands_separators_and_their_ranges_are_not_phones() {
        assert!(found("kredi 15.001- 19.999 Sterlin").is_empty());
        assert!(found("from 15.001 - 19.999 or 150.001-199.999 euros").is_empty());
        assert!(found("15.001 19.999.000").is_empty());
        assert!(found("1,234,567 and 123,456,789,012 people").is_empty());
        assert!(amounts(b"15.001"));
        assert!(amounts(b"19.999"));
        // Phone numbers written with points or hyphens are still found.
        assert_eq!(found("call 555-123-4567"), ["555-123-4567"]);
        assert_eq!(found("call 555.123.4567"), ["555.123.4567"]);
        assert_eq!(found("06.12.34.56.78"), ["06.12.34.56.78"]);
        assert_eq!(found("+44 20 7946 0958"), ["+44 20 7946 0958"]);
        assert_eq!(found("(555) 123 4567"), ["(555) 123 4567"]);
        assert_eq!(found("ruf 0176 12345678 an"), ["0176 12345678"]);
        assert_eq!(found("tel 0176 123.456.78"), ["0176 123.456.78"]);
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
