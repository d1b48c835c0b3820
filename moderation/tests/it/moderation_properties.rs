//! Properties of every review: no panic, valid text out, never longer, idempotent.

use ivschat_moderation::{Moderator, RoomRef};
use proptest::prelude::*;
use std::sync::OnceLock;

fn moderator() -> &'static Moderator {
    static M: OnceLock<Moderator> = OnceLock::new();
    M.get_or_init(|| Moderator::builtin().expect("the built-in policy compiles"))
}

const ROOM: RoomRef<'static> = RoomRef {
    id: "lobby",
    name: None,
};

/// Chat-like text: words (some blocked), evasion separators, look-alikes, invisibles, links.
fn chatty() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("fuck".to_owned()),
        Just("f.u.c.k".to_owned()),
        Just("a s s".to_owned()),
        Just("sh1t".to_owned()),
        Just("Scunthorpe".to_owned()),
        Just("\u{200B}".to_owned()),
        Just("ｆｕｃｋ".to_owned()),
        Just("jo@example.com".to_owned()),
        Just("https://x.example/a".to_owned()),
        Just("+1 555 123 4567".to_owned()),
        Just("**".to_owned()),
        Just("a d i c k".to_owned()),
        Just(" I ".to_owned()),
        Just("d.!.c.k".to_owned()),
        Just("\u{04CF}".to_owned()),
        Just("😂".to_owned()),
        Just("🎉".to_owned()),
        // Every script the engine folds, with the variants it makes one.
        Just("блять".to_owned()),
        Just("б л я т ь".to_owned()),
        Just("х\u{0443}й".to_owned()),
        Just("Scheiße".to_owned()),
        Just("İı".to_owned()),
        Just("시발".to_owned()),
        Just("ㅅㅂ".to_owned()),
        Just("시 발".to_owned()),
        Just("ﾊﾞｶ".to_owned()),
        Just("バカ".to_owned()),
        Just("幹你娘".to_owned()),
        Just("他妈的".to_owned()),
        Just("كــلب".to_owned()),
        Just("شَرْمُوطة".to_owned()),
        Just("चूतिया".to_owned()),
        Just("ज़".to_owned()),
        "[а-яё]{1,6}",
        "[가-힣]{1,4}",
        "[ぁ-ゖァ-ヺ]{1,4}",
        "[一-龥]{1,4}",
        "[ا-ي]{1,6}",
        "[क-ह][ऀ-ॿ]{0,4}",
        "[a-zA-Z]{1,8}",
        "[ .\\-_*!$@|0-9]{1,3}",
        any::<char>().prop_map(String::from),
    ];
    prop::collection::vec(piece, 0..40).prop_map(|v| v.concat())
}

fn check(text: &str) -> Result<(), TestCaseError> {
    let d = moderator().review(ROOM, text);
    prop_assert!(d.content.chars().count() <= text.chars().count());
    prop_assert!(d.content.len() <= text.len());
    if d.is_allow() {
        let again = moderator().review(ROOM, &d.content);
        prop_assert!(again.is_allow(), "second review denied {:?}", d.content);
        prop_assert_eq!(&again.content, &d.content);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn any_text_reviews_without_panic_and_never_grows(text in any::<String>()) {
        check(&text)?;
    }

    #[test]
    fn chat_like_text_reviews_idempotently(text in chatty()) {
        check(&text)?;
    }
}
