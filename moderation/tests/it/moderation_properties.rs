//! Properties of every review: no panic, valid text out, never longer, idempotent; a mask
//! keeps every character it does not replace, one `*` for each it does; a DENY has a reason
//! and leaves the content as it was. Over any text, chat-like text, and text drawn from
//! every script the engine folds with the built-in terms of every language disguised in it.

use ivschat_moderation::evasion::{evade, lexicon_terms, LEXICON_LANGUAGES};
use ivschat_moderation::{Moderator, RoomRef, RuleKind};
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

/// A word of one of the scripts the engine folds, with the variants and disguises it makes
/// one: Latin with precomposed and combining accents, Cyrillic and Greek look-alikes, Arabic
/// with vowel marks and tatweel, Devanagari with nukta (as a mark and precomposed), virama,
/// chandrabindu, zero-width joiners and digits, Hangul as syllables and both kinds of jamo,
/// kana full- and half-width, Han, full-width and mathematical letters, emoji sequences,
/// combining marks with nothing to combine with.
pub(crate) fn script_word() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Zà-öø-ÿĀ-žİıßẞ]{1,8}",
        "([a-z][\u{0300}-\u{036F}]{0,2}){1,6}",
        "[а-яёА-ЯЁіїєґѕјһԁӏ]{1,8}",
        "[α-ωΑ-Ωάέήίόύώ]{1,8}",
        "([ء-يکیہ][ً-ْ]?ـ?){1,6}",
        "([क-ह][\u{093C}]?[\u{094D}\u{200D}\u{200C}]{0,2}[ा-ौ]?[ंँः]?){1,5}",
        "[\u{0958}-\u{095F}]{1,3}[\u{093E}-\u{0942}]?",
        "[०-९]{1,4}[।॥]?",
        "[가-힣]{1,4}",
        "[ㄱ-ㅣ]{1,5}",
        "[ᄀ-ᇿ]{1,5}",
        "[ぁ-ゖァ-ヺー]{1,5}",
        "[ｦ-ﾟ]{1,5}",
        "[一-龥㐀-䶵豈-龎]{1,4}",
        "[！-～]{1,6}",
        "[𝐀-𝐳]{1,4}",
        "[😀-🙏🔥🎉]{1,3}",
        Just("👨\u{200D}👩\u{200D}👧".to_owned()),
        Just("👍🏽".to_owned()),
        Just("🇮🇳🇯🇵".to_owned()),
        Just("1\u{FE0F}\u{20E3}".to_owned()),
        "[🅰-🆉]{1,4}",
        "[\u{0300}-\u{036F}\u{0900}-\u{0903}\u{093C}\u{094D}\u{3099}\u{309A}\u{064B}-\u{0652}]{1,3}",
    ]
}

/// A built-in term of any language, in one of the evasion forms the engine is built for.
fn disguised_term() -> impl Strategy<Value = String> {
    let terms: Vec<(&'static str, &'static str)> = LEXICON_LANGUAGES
        .iter()
        .flat_map(|&lang| lexicon_terms(lang).map(move |t| (lang, t.term)))
        .collect();
    (prop::sample::select(terms), any::<u64>())
        .prop_map(|((lang, term), form)| evade(lang, term, form))
}

/// Text from every script: words, disguised terms and the separators between them.
fn every_script() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        4 => script_word(),
        2 => disguised_term(),
        2 => prop::sample::select(vec![
            " ", " ", ".", "*", "**", "-", "_", "\u{200B}", "\u{200C}", "\u{200D}",
            "\u{FEFF}", "\u{3000}", "、", "。", "।", "؟", "\n",
        ])
        .prop_map(str::to_owned),
    ];
    prop::collection::vec(piece, 0..30).prop_map(|v| v.concat())
}

fn check(text: &str) -> Result<(), TestCaseError> {
    let d = moderator().review(ROOM, text);
    prop_assert!(d.content.chars().count() <= text.chars().count());
    prop_assert!(d.content.len() <= text.len());
    if !d.is_allow() {
        prop_assert!(d.reason.is_some(), "DENY without a reason: {:?}", text);
        prop_assert_eq!(&*d.content, text);
    }
    // Masks alone (no shouting or flood rewritten): one `*` for each character masked, every
    // other character as it was.
    let masks_only = d.rules.iter().all(|r| {
        matches!(
            r.kind,
            RuleKind::BlocklistMask
                | RuleKind::LinkMask
                | RuleKind::EmailMask
                | RuleKind::PhoneMask
        )
    });
    if d.is_allow() && masks_only {
        let (before, after): (Vec<char>, Vec<char>) =
            (text.chars().collect(), d.content.chars().collect());
        prop_assert_eq!(
            before.len(),
            after.len(),
            "{:?} masked as {:?}",
            text,
            d.content
        );
        for (b, a) in before.iter().zip(&after) {
            prop_assert!(a == b || *a == '*', "{:?} masked as {:?}", text, d.content);
        }
    }
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

    #[test]
    fn text_of_every_script_keeps_the_review_contract(text in every_script()) {
        check(&text)?;
    }
}
