//! Words shared between languages, in real text: each built-in term that is an ordinary word
//! of another language (`con`, `negro`, `bitte`) set among words of real sentences (the
//! treebank sentences of `tests/sentences/`), in windows of 2, 5 and 10 of their words. Set
//! in a language it is an ordinary word of, the term must pass; set in its own list's
//! language, it must be blocked. Both rates are printed per window with `--nocapture` and
//! bounded: a regression guard on how the engine tells a message's language, not a target.

use ivschat_moderation::evasion::{in_message, shared_words};
use ivschat_moderation::{Moderator, RuleKind};
use unicode_normalization::UnicodeNormalization;

use crate::kit::{builtin, flagged, Rng, ROOM};
use crate::sentences::LANGUAGES;

/// The languages written in Latin letters: the shared words are theirs.
const LATIN: [&str; 7] = ["en", "es", "pt", "fr", "de", "it", "tr"];

/// Windows per term and language, for each window size.
const WINDOWS: usize = 10;

/// Each window size, and the most innocent windows flagged and the fewest insult windows
/// blocked, in thousandths: the rates when the bounds were set, with room for a few windows.
const SIZES: [(usize, u32, u32); 3] = [(2, 40, 860), (5, 12, 955), (10, 4, 980)];

/// The words of `lang`'s sentences, each sentence's with its punctuation taken off.
fn sentences(lang: &str) -> Vec<Vec<String>> {
    let text = LANGUAGES
        .iter()
        .find(|(l, _, _)| *l == lang)
        .map_or("", |(_, text, _)| *text);
    text.lines()
        .map(|line| {
            line.split_whitespace()
                .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()).to_string())
                .filter(|w| !w.is_empty())
                .collect()
        })
        .collect()
}

/// `size` consecutive words of a sentence of `corpus` with `word` put among them, both
/// chosen by `rng`.
fn window(corpus: &[Vec<String>], size: usize, word: &str, rng: &mut Rng) -> String {
    let long: Vec<&Vec<String>> = corpus.iter().filter(|s| s.len() >= size).collect();
    let pick = |n: usize, rng: &mut Rng| (rng.next() % n.max(1) as u64) as usize;
    let Some(sentence) = long.get(pick(long.len(), rng)) else {
        return word.to_string();
    };
    let start = pick(sentence.len() - size + 1, rng);
    let mut words: Vec<&str> = sentence[start..start + size]
        .iter()
        .map(String::as_str)
        .collect();
    words.insert(pick(size + 1, rng), word);
    words.join(" ")
}

/// Whether the built-in list of `lang` masked or denied something of `text`.
fn flagged_by(m: &Moderator, lang: &str, text: &str) -> bool {
    let list = format!("builtin-{lang}");
    m.review(ROOM, text).rules.iter().any(|r| {
        matches!(r.kind, RuleKind::BlocklistMask | RuleKind::BlocklistDeny)
            && r.list.as_deref() == Some(list.as_str())
    })
}

/// A term as chat types it in the other language: small letters, no marks (`coño` as the
/// Italian `cono`).
fn unmarked(term: &str) -> String {
    term.nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

#[test]
fn shared_words_pass_in_the_languages_they_are_words_of_and_not_in_their_own() {
    let m = builtin();
    let corpora: Vec<(&str, Vec<Vec<String>>)> = LATIN.iter().map(|&l| (l, sentences(l))).collect();
    let corpus = |lang: &str| {
        corpora
            .iter()
            .find(|(l, _)| *l == lang)
            .map_or(&[][..], |(_, c)| c.as_slice())
    };
    let shared = shared_words();
    assert!(shared.len() >= 50, "{} shared words", shared.len());
    let mut rng = Rng(0x0005_AD0F_5EED);
    for (size, most_innocent, fewest_insults) in SIZES {
        let (mut innocent, mut innocent_flagged) = (0u32, 0u32);
        let (mut insults, mut insults_blocked) = (0u32, 0u32);
        for word in &shared {
            let plain = unmarked(word.term);
            if !plain.chars().all(|c| c.is_ascii_alphabetic()) {
                continue;
            }
            for lang in word.ordinary_in.iter().filter(|l| LATIN.contains(l)) {
                for _ in 0..WINDOWS {
                    let text = window(corpus(lang), size, &plain, &mut rng);
                    innocent += 1;
                    innocent_flagged += u32::from(flagged_by(&m, word.lang, &text));
                }
            }
            // Insults of the list's language: the terms the built-in policy blocks.
            let own = word.term.to_lowercase();
            let blocked = flagged(&m, &in_message(word.lang, &own, [0, 1, 2]));
            if LATIN.contains(&word.lang) && blocked {
                for _ in 0..WINDOWS {
                    let text = window(corpus(word.lang), size, &own, &mut rng);
                    insults += 1;
                    insults_blocked += u32::from(flagged_by(&m, word.lang, &text));
                }
            }
        }
        let per_mille = |n: u32, of: u32| n * 1000 / of.max(1);
        println!(
            "{size:>2} words: innocent flagged {innocent_flagged}/{innocent} ({:.1}%), \
             insults blocked {insults_blocked}/{insults} ({:.1}%)",
            f64::from(innocent_flagged) * 100.0 / f64::from(innocent.max(1)),
            f64::from(insults_blocked) * 100.0 / f64::from(insults.max(1)),
        );
        assert!(innocent >= 500 && insults >= 200, "{innocent} {insults}");
        assert!(
            per_mille(innocent_flagged, innocent) <= most_innocent,
            "{size} words: {innocent_flagged} of {innocent} innocent windows flagged"
        );
        assert!(
            per_mille(insults_blocked, insults) >= fewest_insults,
            "{size} words: {insults_blocked} of {insults} insult windows blocked"
        );
    }
}
