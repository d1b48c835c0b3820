//! What the test modules share: the built-in policy, a room to review in, whether a word
//! list fired on a message, and a seeded random number generator.

use ivschat_moderation::{Moderator, RoomRef, RuleKind};

pub const ROOM: RoomRef<'static> = RoomRef {
    id: "lobby",
    name: None,
};

pub fn builtin() -> Moderator {
    Moderator::builtin().expect("the built-in policy compiles")
}

/// Whether a word list masked or denied something of `text`.
pub fn flagged(m: &Moderator, text: &str) -> bool {
    m.review(ROOM, text)
        .rules
        .iter()
        .any(|r| matches!(r.kind, RuleKind::BlocklistMask | RuleKind::BlocklistDeny))
}

/// SplitMix64: a seed always gives the same corpus.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}
