//! A lexicon read from a prebuilt snapshot reviews as the lexicon compiled from the same word
//! lists does, over the benchmark's 2,000 long messages in 13 languages, the evasions generated
//! from every language's lexicon and the real sentences; and a snapshot of other lists, of
//! another build, cut short or of garbage is not used: the lists are compiled, and review the
//! same.

use std::sync::OnceLock;

use ivschat_moderation::evasion::{evade, in_message, lexicon_terms, LEXICON_LANGUAGES};
use ivschat_moderation::{prebuilt, Moderator, PolicySet};

use crate::kit::ROOM;

// The benchmark's own generator, so that this reviews the text the figures are taken on.
#[path = "../../benches/corpus/mod.rs"]
#[allow(dead_code)]
mod corpus;

/// The snapshot of the built-in policy's lexicon, written once for the tests.
fn snapshot() -> &'static [u8] {
    static SNAPSHOT: OnceLock<Vec<u8>> = OnceLock::new();
    SNAPSHOT.get_or_init(|| prebuilt::builtin().expect("the built-in lists compile"))
}

/// The built-in policy, its lexicon compiled.
fn compiled() -> &'static Moderator {
    static COMPILED: OnceLock<Moderator> = OnceLock::new();
    COMPILED.get_or_init(|| {
        let m = Moderator::with_prebuilt(&PolicySet::builtin(), &[]).expect("compiles");
        assert!(!m.lexicon_prebuilt());
        m
    })
}

/// The real sentences of every shipped language.
const SENTENCES: &[&str] = &[
    include_str!("../sentences/en.txt"),
    include_str!("../sentences/es.txt"),
    include_str!("../sentences/pt.txt"),
    include_str!("../sentences/fr.txt"),
    include_str!("../sentences/de.txt"),
    include_str!("../sentences/it.txt"),
    include_str!("../sentences/ru.txt"),
    include_str!("../sentences/tr.txt"),
    include_str!("../sentences/ar.txt"),
    include_str!("../sentences/hi.txt"),
    include_str!("../sentences/ja.txt"),
    include_str!("../sentences/ko.txt"),
    include_str!("../sentences/zh.txt"),
];

/// The messages both lexicons review: the benchmark's long messages in 13 languages and its
/// chat lines (and 4,000 of them with letters hidden by stars), three evasions of every term of every language's lexicon set in a message of
/// that language, every term as written and capitalised in a message of its language and of
/// two others, and the real sentences.
fn messages() -> &'static [String] {
    static MESSAGES: OnceLock<Vec<String>> = OnceLock::new();
    MESSAGES.get_or_init(generate)
}

fn generate() -> Vec<String> {
    let mut rng = corpus::Lcg(11);
    let mut out: Vec<String> = (0..2_000).map(|_| corpus::world_line(&mut rng)).collect();
    out.extend(corpus::world_messages(&mut rng, 2_000, 500));
    out.extend(corpus::corpus(2_000));
    // Letters hidden behind stars (`f*ck`, `b#tch`), read apart from the automata.
    let starred: Vec<String> = out
        .iter()
        .take(2_000)
        .chain(out.iter().rev().take(2_000))
        .enumerate()
        .map(|(i, line)| hide_a_letter(line, if i % 2 == 0 { '*' } else { '#' }))
        .collect();
    out.extend(starred);
    let mut seed = 0x005E_ED0F_E7A5_1045_u64;
    let mut next = || {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
        seed >> 11
    };
    for (i, lang) in LEXICON_LANGUAGES.into_iter().enumerate() {
        let others = [1, 5].map(|k| LEXICON_LANGUAGES[(i + k) % LEXICON_LANGUAGES.len()]);
        for entry in lexicon_terms(lang) {
            for _ in 0..3 {
                let form = evade(lang, &entry.term.to_lowercase(), next());
                out.push(in_message(lang, &form, [next(), next(), next()]));
            }
            // As the lexicon writes it (with its marks: `coño`, `göt`) and capitalised as a
            // name is, in a message of its language and of two others.
            let mut chars = entry.term.chars();
            let capitalised: String = chars
                .next()
                .into_iter()
                .flat_map(char::to_uppercase)
                .chain(chars)
                .collect();
            for form in [entry.term, capitalised.as_str()] {
                for in_lang in [lang].into_iter().chain(others) {
                    out.push(in_message(in_lang, form, [next(), next(), next()]));
                }
            }
        }
    }
    out.extend(SENTENCES.iter().flat_map(|s| s.lines()).map(str::to_owned));
    out
}

/// `line` with the second letter of every word of four characters or more hidden by `star`.
fn hide_a_letter(line: &str, star: char) -> String {
    let words = line.split(' ').map(|word| {
        let mut chars: Vec<char> = word.chars().collect();
        if chars.len() >= 4 {
            chars[1] = star;
        }
        chars.into_iter().collect::<String>()
    });
    words.collect::<Vec<_>>().join(" ")
}

/// Whether `a` and `b` decide every message alike (verdict, content, reason, rules); the
/// first message they differ on otherwise.
fn first_difference(a: &Moderator, b: &Moderator, messages: &[String]) -> Option<String> {
    messages
        .iter()
        .find(|m| a.review(ROOM, m) != b.review(ROOM, m))
        .cloned()
}

#[test]
fn a_lexicon_read_from_its_snapshot_reviews_as_the_compiled_one() {
    let read = Moderator::with_prebuilt(&PolicySet::builtin(), snapshot()).expect("reads");
    assert!(read.lexicon_prebuilt(), "the snapshot was not used");
    let messages = messages();
    assert!(messages.len() > 40_000, "{}", messages.len());
    let mut rewritten = 0;
    for m in messages {
        let decision = compiled().review(ROOM, m);
        assert_eq!(read.review(ROOM, m), decision, "{m}");
        rewritten += usize::from(decision.content != m.as_str());
    }
    assert!(
        rewritten > 5_000,
        "{rewritten} rewritten: the corpus tests little"
    );
}

#[test]
fn a_snapshot_is_the_same_bytes_every_time() {
    assert!(prebuilt::builtin().expect("compiles") == snapshot());
}

/// A sample of the messages, for the fallbacks: each compiles the lists again.
fn sample() -> &'static [String] {
    static SAMPLE: OnceLock<Vec<String>> = OnceLock::new();
    SAMPLE.get_or_init(|| messages().iter().step_by(97).cloned().collect())
}

/// `snapshot` is not used for the built-in policy, and the policy compiled instead reviews
/// as it should.
fn falls_back(snapshot: &[u8], what: &str) {
    let m = Moderator::with_prebuilt(&PolicySet::builtin(), snapshot).expect("compiles");
    assert!(!m.lexicon_prebuilt(), "{what}: the snapshot was used");
    assert_eq!(first_difference(&m, compiled(), sample()), None, "{what}");
}

#[test]
fn a_snapshot_cut_short_or_of_garbage_is_not_used() {
    let bytes = snapshot();
    for len in [0, 3, 8, 40, bytes.len() / 2, bytes.len() - 1] {
        falls_back(&bytes[..len], &format!("the first {len} bytes"));
    }
    let mut longer = bytes.to_vec();
    longer.push(0);
    falls_back(&longer, "a byte more");
    let garbage: Vec<u8> = (0..4_096u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    falls_back(&garbage, "garbage");
    let mut magic_then_garbage = bytes[..8].to_vec();
    magic_then_garbage.extend(&garbage);
    falls_back(
        &magic_then_garbage,
        "garbage after the first bytes of a snapshot",
    );
}

#[test]
fn a_snapshot_of_another_build_is_not_used() {
    // The crate's version as the snapshot records it, near its start, made another.
    let version = env!("CARGO_PKG_VERSION").as_bytes();
    let mut bytes = snapshot().to_vec();
    let at = bytes
        .windows(version.len())
        .position(|w| w == version)
        .expect("the snapshot records the crate's version");
    assert!(at < 32, "the version is in the header");
    bytes[at] = if bytes[at] == b'9' { b'8' } else { b'9' };
    falls_back(&bytes, "another version");
}

#[test]
fn a_snapshot_of_other_lists_is_not_used_and_a_rooms_own_lists_are_compiled() {
    // The built-in policy with a stricter room: the default's lexicon is read, the room's,
    // from other lists, compiled.
    let mut set = PolicySet::builtin();
    let mut strict = set.default.clone();
    strict.blocklists.builtin_en.min_severity = 1;
    strict.blocklists.allow.pop();
    set.rooms.push(ivschat_moderation::policy::RoomPolicy {
        ids: vec![ROOM.id.to_owned()],
        names: Vec::new(),
        policy: strict.clone(),
    });
    let read = Moderator::with_prebuilt(&set, snapshot()).expect("compiles");
    assert!(read.lexicon_prebuilt());
    let compiled_set = Moderator::with_prebuilt(&set, &[]).expect("compiles");
    assert_eq!(first_difference(&read, &compiled_set, sample()), None);
    // A policy of other lists alone: not read.
    let other = PolicySet {
        default: strict,
        rooms: Vec::new(),
    };
    let m = Moderator::with_prebuilt(&other, snapshot()).expect("compiles");
    assert!(!m.lexicon_prebuilt());
    let fresh = Moderator::new(&other).expect("compiles");
    assert_eq!(first_difference(&m, &fresh, sample()), None);
}
