//! What the test modules share: the built-in policy, a room to review in, and whether a word
//! list fired on a message.

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
