//! The bits of the character table: one place for `build.rs`, which writes the table, and
//! `chars`, which reads it, so the two cannot disagree on a flag.

pub const ALPHABETIC: u16 = 1;
pub const NUMERIC: u16 = 2;
pub const UPPERCASE: u16 = 4;
pub const WHITESPACE: u16 = 8;
pub const COMBINING: u16 = 16;
pub const INVISIBLE: u16 = 32;
pub const LOWER_SELF: u16 = 64;
pub const DECOMPOSES_SELF: u16 = 128;
pub const PICTOGRAPH: u16 = 1 << 8;
pub const CASELESS: u16 = 1 << 9;
pub const WIDE: u16 = 1 << 10;
/// Two bits from here: `classes::route`.
pub const ROUTE_SHIFT: u16 = 11;
/// Above the two bits of the route.
pub const EMOJI: u16 = 1 << 13;
