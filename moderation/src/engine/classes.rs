//! The classes of characters folding and the spam rules tell apart by code point range
//! (invisible characters, pictographs, emoji, how each script is folded, caseless letters,
//! characters of scripts written without spaces). `build.rs` records them in the character table (`chars`), which is what
//! the engine reads; its tests check the table against these lists.

/// How a character (after compatibility decomposition) is folded: through the confusables
/// table (Latin, symbols, the look-alikes of other scripts), as a look-alike (Cyrillic and
/// Greek: kept, or through the confusables table in a disguised word), or natively.
pub const CONFUSABLE: u8 = 0;
pub const LOOKALIKE: u8 = 1;
pub const NATIVE: u8 = 2;

/// `CONFUSABLE`, `LOOKALIKE` or `NATIVE`.
pub fn route(c: char) -> u8 {
    match c as u32 {
        0x0370..=0x03FF
        | 0x1F00..=0x1FFF
        | 0x0400..=0x052F
        | 0x1C80..=0x1C8F
        | 0x2DE0..=0x2DFF
        | 0xA640..=0xA69F => LOOKALIKE,
        // Hebrew, Arabic, Syriac, Thaana; Indic scripts, Thai, Lao, Tibetan; Hangul; kana;
        // CJK ideographs; Arabic supplements.
        0x0590..=0x07BF
        | 0x0860..=0x08FF
        | 0x0900..=0x0FFF
        | 0x1100..=0x11FF
        | 0x3005..=0x3007
        | 0x3040..=0x30FF
        | 0x3130..=0x318F
        | 0x31F0..=0x31FF
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xA960..=0xA97F
        | 0xAC00..=0xD7FF
        | 0x20000..=0x3FFFF => NATIVE,
        _ => CONFUSABLE,
    }
}

/// Characters that render as nothing and so can hide inside a word.
pub fn invisible(c: char) -> bool {
    matches!(c as u32,
        0x00AD | 0x034F | 0x061C | 0x0640 | 0x115F | 0x1160 | 0x17B4 | 0x17B5 | 0x180B..=0x180F
        | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x206F | 0x2800 | 0x3164
        | 0xFE00..=0xFE0F | 0xFEFF | 0xFFA0 | 0xFFF0..=0xFFF8 | 0x1D173..=0x1D17A
        | 0xE0000..=0xE0FFF)
}

/// Emoji and pictographs: separators, whatever decancer makes of them (it folds `🔥` and `😂`
/// to `o`). Enclosed letters and regional indicators (`🅰`, `🇦`) stay letters.
pub fn pictograph(c: char) -> bool {
    matches!(c as u32, 0x2600..=0x27BF | 0x2B00..=0x2BFF | 0x1F000..=0x1F0FF | 0x1F200..=0x1FAFF)
}

/// Emoji, as the emoji-flood rule counts them.
pub fn emoji(c: char) -> bool {
    matches!(c as u32,
        0x1F000..=0x1FAFF | 0x2600..=0x27BF | 0x2B00..=0x2BFF | 0x2300..=0x23FF | 0x3030 | 0x303D)
}

/// Letters without case of the native scripts most chat is written in (Hangul jamo, kana,
/// Han, Arabic and Devanagari letters): folded as they are, without lowercasing.
pub fn caseless_letter(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x11FF | 0x3041..=0x3096 | 0x30A1..=0x30FA | 0x30FC | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF | 0x0621..=0x063A | 0x0641..=0x064A | 0x0904..=0x0939
        | 0x0958..=0x0961)
}

/// Han and kana, full- and half-width: the characters of scripts written without spaces.
pub fn wide(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF | 0x31F0..=0x31FF | 0xFF66..=0xFF9F | 0x3400..=0x4DBF | 0x4E00..=0x9FFF
        | 0xF900..=0xFAFF | 0x20000..=0x3FFFF)
}
