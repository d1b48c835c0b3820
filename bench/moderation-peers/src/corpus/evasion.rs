//! Evasion lines: a profane seed term in a chat line, disguised by one evasion form.
//!
//! A disguise is built in layers, always in this order: repeat letters (`fuuuuck`), substitute
//! characters one for one (case, fullwidth, homoglyph, leetspeak), then join the characters
//! with a separator (dots, spaces, hyphens or underscores, zero-width characters). A plain
//! form uses one layer; `combined` uses two or three from different layers.

use serde::Serialize;

use super::{pad, Line, Rng, Set};

/// Profane seed terms: words that our built-in policy, `rustrict`, `obscenity`, `bad-words`
/// and `better-profanity` all flag when written plainly, so recall measures evasion handling
/// rather than list coverage.
pub const SEEDS: &[&str] = &[
    "fuck",
    "shit",
    "bitch",
    "cunt",
    "asshole",
    "bastard",
    "dick",
    "cock",
    "pussy",
    "whore",
    "wanker",
    "twat",
    "dickhead",
    "motherfucker",
];

/// How a term is disguised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Form {
    /// As written in the list: `fuck`.
    Plain,
    /// Upper or mixed case: `FUCK`, `FuCk`.
    MixedCase,
    /// Fullwidth forms: `ｆｕｃｋ`.
    Fullwidth,
    /// Some letters swapped for Cyrillic or Greek look-alikes: `fuсk` with Cyrillic `с`.
    Homoglyph,
    /// Some letters swapped for digits or symbols: `sh1t`, `@sshole`.
    Leet,
    /// A dot between letters: `f.u.c.k`.
    Dotted,
    /// A space between letters: `f u c k`.
    Spaced,
    /// A hyphen or an underscore between letters: `f-u-c-k`, `f_u_c_k`.
    Separated,
    /// Zero-width characters between some letters: `fu\u{200B}ck`.
    ZeroWidth,
    /// One or two letters repeated: `fuuuuck`.
    Repeated,
    /// Two or three of the above from different layers: `f.u.u.u.c.k`, `s.h.1.t`.
    Combined,
}

impl Form {
    pub const ALL: [Form; 11] = [
        Form::Plain,
        Form::MixedCase,
        Form::Fullwidth,
        Form::Homoglyph,
        Form::Leet,
        Form::Dotted,
        Form::Spaced,
        Form::Separated,
        Form::ZeroWidth,
        Form::Repeated,
        Form::Combined,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Plain => "plain",
            Self::MixedCase => "mixed_case",
            Self::Fullwidth => "fullwidth",
            Self::Homoglyph => "homoglyph",
            Self::Leet => "leet",
            Self::Dotted => "dotted",
            Self::Spaced => "spaced",
            Self::Separated => "separated",
            Self::ZeroWidth => "zero_width",
            Self::Repeated => "repeated",
            Self::Combined => "combined",
        }
    }

    /// The forms that substitute characters one for one.
    const SUBSTITUTIONS: [Form; 4] = [
        Form::MixedCase,
        Form::Fullwidth,
        Form::Homoglyph,
        Form::Leet,
    ];
    /// The forms that put something between characters.
    const JOINERS: [Form; 4] = [Form::Dotted, Form::Spaced, Form::Separated, Form::ZeroWidth];
}

/// Leetspeak: each letter and the characters that stand for it.
pub const LEET: &[(char, &[char])] = &[
    ('a', &['@', '4']),
    ('e', &['3']),
    ('i', &['1', '!']),
    ('o', &['0']),
    ('s', &['$', '5']),
    ('t', &['7']),
];

/// Cyrillic and Greek look-alikes of Latin letters.
pub const HOMOGLYPHS: &[(char, char)] = &[
    ('a', '\u{0430}'), // Cyrillic а
    ('c', '\u{0441}'), // Cyrillic с
    ('d', '\u{0501}'), // Cyrillic ԁ
    ('e', '\u{0435}'), // Cyrillic е
    ('h', '\u{04BB}'), // Cyrillic һ
    ('i', '\u{0456}'), // Cyrillic і
    ('k', '\u{03BA}'), // Greek κ
    ('l', '\u{04CF}'), // Cyrillic ӏ
    ('o', '\u{043E}'), // Cyrillic о
    ('p', '\u{0440}'), // Cyrillic р
    ('s', '\u{0455}'), // Cyrillic ѕ
    ('t', '\u{03C4}'), // Greek τ
    ('u', '\u{03C5}'), // Greek υ
    ('v', '\u{03BD}'), // Greek ν
    ('w', '\u{051D}'), // Cyrillic ԝ
    ('x', '\u{0445}'), // Cyrillic х
    ('y', '\u{0443}'), // Cyrillic у
];

/// Characters that render as nothing.
pub const ZERO_WIDTH: &[char] = &['\u{200B}', '\u{200C}', '\u{200D}', '\u{2060}', '\u{FEFF}'];

/// The fullwidth form of an ASCII letter or digit.
pub fn fullwidth(c: char) -> char {
    if c.is_ascii_alphanumeric() {
        char::from_u32(c as u32 - 0x21 + 0xFF01).unwrap_or(c)
    } else {
        c
    }
}

fn leet_of(c: char) -> Option<&'static [char]> {
    LEET.iter().find(|(l, _)| *l == c).map(|(_, subs)| *subs)
}

fn homoglyph_of(c: char) -> Option<char> {
    HOMOGLYPHS.iter().find(|(l, _)| *l == c).map(|(_, g)| *g)
}

/// Chat lines with a slot for the term; 40-60 characters with most terms, padded otherwise.
const CARRIERS: &[&str] = &[
    "omg you absolute {w}, that was my kill",
    "{w}, the stream just froze again chat",
    "who let this {w} into the lobby again",
    "the ref is a total {w} tonight, no cap",
    "stop camping spawn you {w}, play the game",
    "{w}, I forgot to save before the boss",
    "mods pls ban that {w} spamming in chat",
    "ok who's the {w} that pinged everyone",
    "dude my teammate is such a {w} rn",
    "not the {w} again, he ruins every raid",
    "bro really said gg ez, what a {w}",
    "streamer got sniped by some {w} again",
    "{w} this lag, third time I died to it",
    "lmao what a {w} move, throwing the match",
    "my little brother is being a {w} today",
    "that {w} stole my loot and logged off",
];

/// One evasion line of `form`.
pub(super) fn line(rng: &mut Rng, form: Form) -> Line {
    loop {
        let term = *rng.pick(SEEDS);
        let Some(layers) = choose_layers(rng, form, term) else {
            continue;
        };
        let carrier = *rng.pick(CARRIERS);
        let Some((before, after)) = carrier.split_once("{w}") else {
            continue;
        };
        let Some((prefix, suffix)) = pad(rng, &format!("{before}{term}{after}")) else {
            continue;
        };
        let disguised = disguise(rng, term, &layers);
        let start = prefix.len() + before.len();
        let text = format!("{prefix}{before}{disguised}{after}{suffix}");
        return Line {
            id: 0,
            set: Set::Evasion,
            form: Some(form),
            layers: if form == Form::Combined {
                layers
            } else {
                Vec::new()
            },
            term: Some(term),
            trap: None,
            span: Some(start..start + disguised.len()),
            text,
        };
    }
}

/// The layers a term gets for `form`, or `None` when the form cannot apply to the term
/// (leetspeak needs a letter that has a leet form).
fn choose_layers(rng: &mut Rng, form: Form, term: &str) -> Option<Vec<Form>> {
    let has_leet = term.chars().any(|c| leet_of(c).is_some());
    match form {
        Form::Plain => Some(Vec::new()),
        Form::Leet if !has_leet => None,
        Form::Combined => {
            let substitutions: Vec<Form> = Form::SUBSTITUTIONS
                .into_iter()
                .filter(|&f| f != Form::Leet || has_leet)
                .collect();
            let substitution = *rng.pick(&substitutions);
            let joiner = *rng.pick(&Form::JOINERS);
            Some(match rng.below(4) {
                0 => vec![Form::Repeated, substitution],
                1 => vec![Form::Repeated, joiner],
                2 => vec![substitution, joiner],
                _ => vec![Form::Repeated, substitution, joiner],
            })
        }
        single => Some(vec![single]),
    }
}

/// Applies `layers` (in the order repeat, substitute, join) to `term`.
fn disguise(rng: &mut Rng, term: &str, layers: &[Form]) -> String {
    let mut chars: Vec<char> = term.chars().collect();
    let mut joiner = None;
    for &layer in layers {
        match layer {
            Form::Repeated => chars = repeat(rng, &chars),
            Form::MixedCase => mixed_case(rng, &mut chars),
            Form::Fullwidth => chars.iter_mut().for_each(|c| *c = fullwidth(*c)),
            Form::Homoglyph => substitute(rng, &mut chars, |c| homoglyph_of(c).map(|g| vec![g])),
            Form::Leet => substitute(rng, &mut chars, |c| leet_of(c).map(<[char]>::to_vec)),
            Form::Dotted | Form::Spaced | Form::Separated | Form::ZeroWidth => joiner = Some(layer),
            Form::Plain | Form::Combined => {}
        }
    }
    match joiner {
        None => chars.into_iter().collect(),
        Some(form) => join(rng, &chars, form),
    }
}

/// Repeats one or two letters so each makes a run of three to six.
fn repeat(rng: &mut Rng, chars: &[char]) -> Vec<char> {
    let first = rng.below(chars.len());
    let second = if rng.chance(30) {
        Some(rng.below(chars.len()))
    } else {
        None
    };
    let mut out = Vec::with_capacity(chars.len() + 10);
    for (i, &c) in chars.iter().enumerate() {
        out.push(c);
        if i == first || Some(i) == second {
            for _ in 0..2 + rng.below(4) {
                out.push(c);
            }
        }
    }
    out
}

/// Upper case throughout, or a mix with at least one capital.
fn mixed_case(rng: &mut Rng, chars: &mut [char]) {
    if rng.chance(40) {
        chars.iter_mut().for_each(|c| *c = c.to_ascii_uppercase());
        return;
    }
    let forced = rng.below(chars.len());
    for (i, c) in chars.iter_mut().enumerate() {
        if i == forced || rng.chance(45) {
            *c = c.to_ascii_uppercase();
        }
    }
}

/// Replaces some of the characters that have a substitute (at least one) by one of them.
fn substitute(rng: &mut Rng, chars: &mut [char], subs: impl Fn(char) -> Option<Vec<char>>) {
    let candidates: Vec<usize> = (0..chars.len())
        .filter(|&i| subs(chars[i].to_ascii_lowercase()).is_some())
        .collect();
    if candidates.is_empty() {
        return;
    }
    let forced = *rng.pick(&candidates);
    for i in candidates {
        if i == forced || rng.chance(50) {
            if let Some(options) = subs(chars[i].to_ascii_lowercase()) {
                chars[i] = *rng.pick(&options);
            }
        }
    }
}

/// Joins characters with the separator of `form`: dots, spaces and hyphens or underscores go
/// between every pair; zero-width characters between some (at least one).
fn join(rng: &mut Rng, chars: &[char], form: Form) -> String {
    let separator = match form {
        Form::Dotted => Some('.'),
        Form::Spaced => Some(' '),
        Form::Separated => Some(if rng.chance(50) { '-' } else { '_' }),
        _ => None,
    };
    let gaps = chars.len().saturating_sub(1);
    let forced = rng.below(gaps);
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if i > 0 {
            match separator {
                Some(s) => out.push(s),
                None => {
                    if i - 1 == forced || rng.chance(40) {
                        out.push(*rng.pick(ZERO_WIDTH));
                    }
                }
            }
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::{generate, Spec};
    use super::*;

    fn evasion_lines() -> Vec<Line> {
        generate(&Spec {
            seed: 7,
            clean: 0,
            innocent: 0,
            per_form: 150,
        })
    }

    fn disguised(line: &Line) -> &str {
        let span = line.span.clone().expect("evasion lines have a span");
        &line.text[span]
    }

    fn joined(term: &str, separator: char) -> String {
        let mut out = String::new();
        for (i, c) in term.chars().enumerate() {
            if i > 0 {
                out.push(separator);
            }
            out.push(c);
        }
        out
    }

    /// Every character is the term's, or a substitute for it by `related`; at least one is.
    fn substituted(word: &str, term: &str, related: impl Fn(char, char) -> bool) -> bool {
        let w: Vec<char> = word.chars().collect();
        let t: Vec<char> = term.chars().collect();
        w.len() == t.len()
            && w.iter().zip(&t).all(|(&a, &b)| a == b || related(b, a))
            && w.iter().zip(&t).any(|(&a, &b)| a != b)
    }

    fn is_leet(letter: char, c: char) -> bool {
        leet_of(letter).is_some_and(|subs| subs.contains(&c))
    }

    fn is_homoglyph(letter: char, c: char) -> bool {
        homoglyph_of(letter) == Some(c)
    }

    /// Undoes every layer: joiners dropped, substitutes mapped back, runs collapsed.
    fn undo(word: &str) -> String {
        let mut out: Vec<char> = Vec::new();
        for c in word.chars() {
            if matches!(c, '.' | ' ' | '-' | '_') || ZERO_WIDTH.contains(&c) {
                continue;
            }
            let fw = c as u32;
            let c = if (0xFF01..=0xFF5E).contains(&fw) {
                char::from_u32(fw - 0xFF01 + 0x21).unwrap_or(c)
            } else {
                c
            };
            let c = HOMOGLYPHS
                .iter()
                .find(|(_, g)| *g == c)
                .map(|(l, _)| *l)
                .or_else(|| LEET.iter().find(|(_, s)| s.contains(&c)).map(|(l, _)| *l))
                .unwrap_or(c)
                .to_ascii_lowercase();
            out.push(c);
        }
        collapse(&out.into_iter().collect::<String>())
    }

    fn collapse(s: &str) -> String {
        let mut out = String::new();
        for c in s.chars() {
            if !out.ends_with(c) {
                out.push(c);
            }
        }
        out
    }

    fn longest_run(s: &str) -> usize {
        let mut best = 0;
        let mut run = 0;
        let mut prev = None;
        for c in s.chars().filter(|c| c.is_alphanumeric()) {
            run = if Some(c) == prev { run + 1 } else { 1 };
            prev = Some(c);
            best = best.max(run);
        }
        best
    }

    #[test]
    fn every_seed_fits_every_carrier_at_chat_length_with_padding() {
        let mut rng = Rng::new(1);
        for carrier in CARRIERS {
            assert!(carrier.contains("{w}"));
            for term in SEEDS {
                let core = carrier.replace("{w}", term);
                let n = core.chars().count();
                assert!(n <= 60, "{carrier} with {term} is {n} characters");
                assert!((0..50).any(|_| pad(&mut rng, &core).is_some()));
            }
        }
    }

    #[test]
    fn each_simple_form_applies_exactly_its_transformation() {
        for line in evasion_lines() {
            let form = line.form.expect("evasion lines have a form");
            if form == Form::Combined {
                continue;
            }
            let term = line.term.expect("evasion lines have a term");
            let word = disguised(&line);
            let ok = match form {
                Form::Plain => word == term,
                Form::MixedCase => {
                    word.to_ascii_lowercase() == term && word.chars().any(|c| c.is_uppercase())
                }
                Form::Fullwidth => word == term.chars().map(fullwidth).collect::<String>(),
                Form::Homoglyph => substituted(word, term, is_homoglyph),
                Form::Leet => substituted(word, term, is_leet),
                Form::Dotted => word == joined(term, '.'),
                Form::Spaced => word == joined(term, ' '),
                Form::Separated => word == joined(term, '-') || word == joined(term, '_'),
                Form::ZeroWidth => {
                    let kept: String = word.chars().filter(|c| !ZERO_WIDTH.contains(c)).collect();
                    kept == term
                        && word.chars().any(|c| ZERO_WIDTH.contains(&c))
                        && !word.starts_with(ZERO_WIDTH)
                        && !word.ends_with(ZERO_WIDTH)
                }
                Form::Repeated => {
                    collapse(word) == collapse(term)
                        && word.len() >= term.len() + 2
                        && longest_run(word) >= 3
                        && word.chars().all(|c| c.is_ascii_lowercase())
                }
                Form::Combined => unreachable!("skipped above"),
            };
            assert!(ok, "{form:?} of {term:?} is {word:?} in {:?}", line.text);
        }
    }

    #[test]
    fn combined_lines_apply_every_listed_layer_and_undo_to_the_term() {
        let mut lines = 0;
        for line in evasion_lines()
            .into_iter()
            .filter(|l| l.form == Some(Form::Combined))
        {
            lines += 1;
            let term = line.term.expect("evasion lines have a term");
            let word = disguised(&line);
            assert!((2..=3).contains(&line.layers.len()), "{:?}", line.layers);
            assert_eq!(undo(word), collapse(term), "{word:?} of {term:?}");
            for layer in &line.layers {
                let seen = match layer {
                    Form::Repeated => longest_run(&undo_keep_runs(word)) > longest_run(term),
                    Form::MixedCase => word.chars().any(|c| c.is_ascii_uppercase()),
                    Form::Fullwidth => word.chars().any(|c| ('\u{FF41}'..='\u{FF5A}').contains(&c)),
                    Form::Homoglyph => word
                        .chars()
                        .any(|c| HOMOGLYPHS.iter().any(|(_, g)| *g == c)),
                    Form::Leet => word
                        .chars()
                        .any(|c| LEET.iter().any(|(_, s)| s.contains(&c))),
                    Form::Dotted => word.contains('.'),
                    Form::Spaced => word.contains(' '),
                    Form::Separated => word.contains('-') || word.contains('_'),
                    Form::ZeroWidth => word.contains(ZERO_WIDTH),
                    Form::Plain | Form::Combined => false,
                };
                assert!(
                    seen,
                    "{layer:?} not applied in {word:?} ({:?})",
                    line.layers
                );
            }
        }
        assert_eq!(lines, 150);
    }

    /// Like `undo`, but keeps runs: to see that letters were repeated.
    fn undo_keep_runs(word: &str) -> String {
        word.chars()
            .filter(|c| !matches!(c, '.' | ' ' | '-' | '_') && !ZERO_WIDTH.contains(c))
            .map(|c| undo(&c.to_string()).chars().next().unwrap_or(c))
            .collect()
    }

    #[test]
    fn the_disguised_term_stands_as_its_own_word_in_the_line() {
        for line in evasion_lines() {
            let span = line.span.clone().expect("evasion lines have a span");
            let before = line.text[..span.start].chars().next_back();
            let after = line.text[span.end..].chars().next();
            assert!(
                before.is_none_or(|c| !c.is_alphanumeric()),
                "{:?}",
                line.text
            );
            assert!(
                after.is_none_or(|c| !c.is_alphanumeric()),
                "{:?}",
                line.text
            );
            let plain_chars = line.text.chars().count() - disguised(&line).chars().count()
                + line.term.map_or(0, |t| t.chars().count());
            assert!((40..=60).contains(&plain_chars), "{:?}", line.text);
        }
    }

    #[test]
    fn every_seed_and_every_layer_shows_up() {
        let lines = evasion_lines();
        for seed in SEEDS {
            assert!(lines.iter().any(|l| l.term == Some(seed)), "{seed}");
        }
        for layer in Form::SUBSTITUTIONS.iter().chain(&Form::JOINERS) {
            assert!(
                lines.iter().any(|l| l.layers.contains(layer)),
                "no combined line uses {layer:?}"
            );
        }
    }
}
