//! Alternative spellings of a term that the one canonical reading of folding cannot reach:
//! a character that stands for either of two letters (`1` for `l` as often as for `i`, the
//! fold reads `i`: `s1ut`), and the letter swaps of chat (`cvnt`, `azzhole`, `niqqer`,
//! `bytch`, `pussi`, a vowel crossed out as `x`: `fxck`); the term written backwards
//! (`kcuf`), turned upside down (`ʞɔnɟ`), or broken in two words (`bi tch`, `nig ger`). The
//! lexicon compiles each of its terms in these spellings too, and drops a spelling that is an
//! ordinary word (`fag` with `q` is `faq`), or a break whose two halves are both ordinary
//! words (`sh it`, `pen is`).

use super::dictionary;
use super::languages;

/// A folded byte of a term and the least run of it the text needs (`pussy`: `s`, 2).
pub(crate) type Letter = (u8, u16);

/// What may stand in for a letter, or two, of a folded term. Folding already reads `0`, `3`,
/// `4`, `$`, `@` and look-alikes one way; these are the readings it cannot make, because the
/// character is ambiguous (`1` and `!` fold to `i` and stand for `l`; `|` folds to `l` and
/// stands for `i`) or because the writer swapped a letter for one that sounds or looks alike.
const SUBSTITUTIONS: &[(&[u8], &[u8], Likeness)] = &[
    (b"l", b"i", Likeness::Looks),
    (b"i", b"l", Likeness::Looks),
    (b"i", b"y", Likeness::Sounds),
    (b"y", b"i", Likeness::Sounds),
    (b"u", b"v", Likeness::Sounds),
    (b"s", b"z", Likeness::Sounds),
    (b"g", b"q", Likeness::Sounds),
    (b"ck", b"k", Likeness::Sounds),
    (b"f", b"ph", Likeness::Sounds),
    // A vowel crossed out (`fxck`, `bxtch`, `whxre`).
    (b"a", b"x", Likeness::Looks),
    (b"e", b"x", Likeness::Looks),
    (b"i", b"x", Likeness::Looks),
    (b"o", b"x", Likeness::Looks),
    (b"u", b"x", Likeness::Looks),
];

/// Why a substitution reads as the letter it replaces.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Likeness {
    /// It looks like it (`l` for `i`) or hides it (`x` for a vowel): the text still shows
    /// the term's letters.
    Looks,
    /// It sounds like it (`z` for `s`, `ph` for `f`): the text is spelled otherwise, and as
    /// often another language's word.
    Sounds,
}

/// Which of a term's alternative spellings the lexicon compiles.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Spellings {
    /// Every substitution, and the term backwards: insults and slurs, the words chat
    /// disguises.
    All,
    /// Only the substitutions that look like the letter (`dlck`, `cxck`), not backwards:
    /// sexual vocabulary, whose sound-alike and backward spellings are other languages' words
    /// (`horni`, Czech for upper, is `horny` with `i` for `y`; `stit`, Czech `štít`, shield,
    /// is `tits` backwards; `belleza` is `bellesa` with `z`).
    LookAlike,
}

/// A second substitution only in a term of at most this many folded letters. More changes
/// make a spelling as near to other words as to the term; and the pairs of a long term grow
/// with the square of its length: for every term they were most of the spellings and
/// doubled the lexicon's build time, while the short words (`fuck`, `cunt`, `bitch`) are the
/// ones chat disguises most.
const PAIRS_UP_TO: usize = 6;

/// One substitution that applies to a term: `len` letters from `at` become `to`.
#[derive(Clone, Copy)]
struct Swap {
    at: usize,
    len: usize,
    to: &'static [u8],
}

/// The spellings of `term` with one or two substitutions of the kind `which`, each once,
/// without `term` itself. Letters made equal by a substitution merge into one run (`dick`
/// with `k` for `c` is `dikk`: `k` twice), as folding collapses them in the text.
pub(crate) fn alternatives(term: &[Letter], which: Spellings) -> Vec<Vec<Letter>> {
    if written_len(term) < MIN_LETTERS {
        return Vec::new();
    }
    let swaps: Vec<Swap> = (0..term.len())
        .flat_map(|at| {
            SUBSTITUTIONS
                .iter()
                .filter_map(move |&(from, to, likeness)| {
                    if which == Spellings::LookAlike && likeness != Likeness::Looks {
                        return None;
                    }
                    let here = term.get(at..at + from.len())?;
                    // A substitution of two letters needs them written once each (`ck`).
                    let fits = here
                        .iter()
                        .zip(from)
                        .all(|(&(b, run), &f)| b == f && (from.len() == 1 || run == 1));
                    fits.then_some(Swap {
                        at,
                        len: from.len(),
                        to,
                    })
                })
        })
        .collect();
    let mut out: Vec<Vec<Letter>> = Vec::new();
    for (i, &first) in swaps.iter().enumerate() {
        out.push(apply(term, &[first]));
        if term.len() <= PAIRS_UP_TO {
            for &second in swaps.get(i + 1..).unwrap_or_default() {
                // A crossed-out vowel stands alone: with another change, the term is too far
                // from its letters to read, and the pairs would double the spellings.
                let crossed = first.to == b"x" || second.to == b"x";
                if second.at >= first.at + first.len && !undoes(first, second, term) && !crossed {
                    out.push(apply(term, &[first, second]));
                }
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    out.retain(|spelling| spelling.as_slice() != term && written_len(spelling) >= MIN_LETTERS);
    out
}

/// The term written backwards (`kcuf`, `reggin`), unless it reads the same both ways or is
/// shorter than `MIN_LETTERS` (a three-letter word backwards is as often another word).
pub(crate) fn reversed(term: &[Letter]) -> Option<Vec<Letter>> {
    let back: Vec<Letter> = term.iter().rev().copied().collect();
    (written_len(term) >= MIN_LETTERS && back.as_slice() != term).then_some(back)
}

/// The fewest letters each half of a term broken in two has. A half of one letter
/// (`f uck`, `c unt`) is kept only where `halves`' caller finds it no one-letter word and the
/// other half no word: beside a word (`puss y`, `a ss`, `s hit`) a lone letter is as often an
/// initial or a one-letter word as half a term.
const MIN_HALF: usize = 1;

/// The longest term broken in two: the short insults are the ones chat breaks (`bi tch`,
/// `nig ger`), a long one mostly breaks into the words it is made of (`mother fucker`, found
/// as those words), and each break of a long term is a pattern more to build at cold start.
const HALVES_UP_TO: usize = 7;

/// The term broken in two words at each place inside it that leaves `MIN_HALF` letters or
/// more on each side (`bi tch`, `as shole`, `f uck`): the two halves, a run split between
/// them where the break falls inside it (`as` and `shole` from `a`, `s` twice, `hole`). None
/// for a term longer than `HALVES_UP_TO` letters.
pub(crate) fn halves(term: &[Letter]) -> Vec<(Vec<Letter>, Vec<Letter>)> {
    if written_len(term) > HALVES_UP_TO {
        return Vec::new();
    }
    let written = written_out(term);
    (MIN_HALF..=written.len().saturating_sub(MIN_HALF))
        .filter_map(|at| {
            let (left, right) = written.split_at_checked(at)?;
            Some((letters(left), letters(right)))
        })
        .collect()
}

/// How upside-down text generators turn each letter, `a` to `z` (`a` to `ɐ`, `n` to `u`).
/// Every one folds to an ASCII letter, so the turned terms join the automaton of ASCII
/// patterns (a generator's Hebrew `ן` for `l` would add byte classes to every state of the
/// other one, for one rare rendering).
const TURNED: [char; 26] = [
    'ɐ', 'q', 'ɔ', 'p', 'ǝ', 'ɟ', 'ƃ', 'ɥ', 'ᴉ', 'ɾ', 'ʞ', 'ʅ', 'ɯ', 'u', 'o', 'd', 'b', 'ɹ', 's',
    'ʇ', 'n', 'ʌ', 'ʍ', 'x', 'ʎ', 'z',
];

/// The other turned `g` of the generators (`TURNED` has `ƃ`).
const TURNED_G: char = 'ᵷ';

/// The term turned upside down, as text generators write it: its letters in reverse order,
/// each turned (`fuck` is `ʞɔnɟ`), and with `g` in each of the generators' renderings; none
/// for a term with a byte that is no ASCII letter. The lexicon folds these as it folds a
/// message.
pub(crate) fn upside_down(term: &[Letter]) -> Vec<String> {
    let render = |other_g: bool| -> Option<String> {
        let mut out = String::new();
        for &(b, run) in term.iter().rev() {
            let index = usize::from(b.checked_sub(b'a').filter(|_| b.is_ascii_lowercase())?);
            let c = match b {
                b'g' if other_g => TURNED_G,
                _ => *TURNED.get(index)?,
            };
            out.extend(std::iter::repeat_n(c, usize::from(run)));
        }
        Some(out)
    };
    let has_g = term.iter().any(|&(b, _)| b == b'g');
    render(false)
        .into_iter()
        .chain(render(true).filter(|_| has_g))
        .collect()
}

/// A term or spelling shorter than this, written out, has none: a three-letter word with a
/// letter changed is as often another word of some language (`dick` as `dik`, Turkish for
/// upright; `kys` as `kiz`, Turkish for girl) as the term.
const MIN_LETTERS: usize = 4;

pub(crate) fn written_len(spelling: &[Letter]) -> usize {
    spelling.iter().map(|&(_, run)| usize::from(run)).sum()
}

/// Whether two substitutions trade two letters each for the other (`l` for `i` and `i` for
/// `l`): a transposition that makes another word (`clit`, `cilt`), not a disguise.
fn undoes(first: Swap, second: Swap, term: &[Letter]) -> bool {
    let from = |s: Swap| {
        term.get(s.at..s.at + s.len)
            .map(|l| l.iter().map(|&(b, _)| b).collect::<Vec<u8>>())
    };
    from(first).as_deref() == Some(second.to) && from(second).as_deref() == Some(first.to)
}

/// `term` with `swaps` (in order, apart) made, and equal neighbours merged into one run.
fn apply(term: &[Letter], swaps: &[Swap]) -> Vec<Letter> {
    let mut out: Vec<Letter> = Vec::with_capacity(term.len() + swaps.len());
    let mut push = |b: u8, run: u16| match out.last_mut() {
        Some((last, n)) if *last == b => *n = n.saturating_add(run),
        _ => out.push((b, run)),
    };
    let mut k = 0;
    for swap in swaps {
        while k < swap.at {
            if let Some(&(b, run)) = term.get(k) {
                push(b, run);
            }
            k += 1;
        }
        // The run of the letters replaced goes to the last letter put in (`gg` becomes
        // `qq`, `ck` becomes `k`); one written for two (`ph` for `f`) stands once.
        let run = term.get(swap.at + swap.len - 1).map_or(1, |&(_, run)| run);
        for (j, &b) in swap.to.iter().enumerate() {
            push(b, if j + 1 == swap.to.len() { run } else { 1 });
        }
        k = swap.at + swap.len;
    }
    for &(b, run) in term.get(k..).unwrap_or_default() {
        push(b, run);
    }
    out
}

/// The most a letter of an ordinary word is written more times than a spelling's run
/// (`cok` is how the text of `cook` folds).
const LONGER_RUN: u16 = 2;

/// Whether text that `spelling` matches can be an ordinary word: a word of the dictionaries
/// `langs` that folds to its letters with runs as long or longer (`cok` and `cook`), or a
/// function word of a shipped language written as it is (Turkish `çok` is `cok`).
pub(crate) fn ordinary(spelling: &[Letter], langs: &[usize]) -> bool {
    let written = written_out(spelling);
    languages::function_word(written.as_bytes()) != 0
        || langs.iter().any(|&lang| {
            let all = 0..dictionary::len(lang);
            in_dictionary(spelling, lang, all, &mut String::new())
        })
}

/// The rarest a two-letter half may be and still count as a word: past it, two letters are an
/// abbreviation few write (`ck`, `nt`), not a word that stands beside another (`sh`, `fu`).
const TWO_LETTER_WORD_RANK: u32 = 10_000;

/// Whether `half`, one side of a term broken in two, is a word as it is written: a word of
/// the dictionaries `langs` or a function word of a shipped language (`bit`, `pen`, `is`);
/// two letters, only among the `TWO_LETTER_WORD_RANK` most frequent words (so `fu ck` is the
/// term broken, `sh it` two words). A look-up per dictionary, as every break of every term is
/// asked at build time.
pub(crate) fn is_word(half: &[Letter], langs: &[usize]) -> bool {
    let written = written_out(half);
    if languages::function_word(written.as_bytes()) != 0 {
        return true;
    }
    let rank = dictionary::best_rank(langs, &written);
    if written.len() == 2 {
        rank.is_some_and(|r| r <= TWO_LETTER_WORD_RANK)
    } else {
        rank.is_some()
    }
}

/// `ordinary`'s dictionary search: each letter written from its run to `LONGER_RUN` more
/// times after `prefix`, followed only while some word of the lines `lines` starts so.
fn in_dictionary(
    spelling: &[Letter],
    lang: usize,
    lines: std::ops::Range<usize>,
    prefix: &mut String,
) -> bool {
    let Some((&(b, run), rest)) = spelling.split_first() else {
        // The word itself sorts first among the words it starts.
        return !lines.is_empty() && dictionary::is_line(lang, lines.start, prefix);
    };
    let len = prefix.len();
    let mut found = false;
    for _ in 0..run {
        prefix.push(char::from(b));
    }
    for _ in 0..=LONGER_RUN {
        let narrower = dictionary::with_prefix(lang, prefix, lines.clone());
        if narrower.is_empty() {
            break;
        }
        if in_dictionary(rest, lang, narrower, prefix) {
            found = true;
            break;
        }
        prefix.push(char::from(b));
    }
    prefix.truncate(len);
    found
}

/// A spelling with each letter written as many times as its run (`b`, `o` twice, `b`:
/// `boob`). Its letters are ASCII, so the text is too.
fn written_out(spelling: &[Letter]) -> String {
    spelling
        .iter()
        .flat_map(|&(b, run)| std::iter::repeat_n(char::from(b), usize::from(run)))
        .collect()
}

/// A word's letters and their runs (`boob`: `b`, `o` twice, `b`), as a term is broken in two
/// and as the tests write terms.
pub(crate) fn letters(word: &str) -> Vec<Letter> {
    let mut out: Vec<Letter> = Vec::new();
    for b in word.bytes() {
        match out.last_mut() {
            Some((last, n)) if *last == b => *n = n.saturating_add(1),
            _ => out.push((b, 1)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spellings(word: &str) -> Vec<String> {
        spellings_of(word, Spellings::All)
    }

    fn spellings_of(word: &str, which: Spellings) -> Vec<String> {
        alternatives(&letters(word), which)
            .iter()
            .map(|s| written_out(s))
            .collect()
    }

    #[test]
    fn one_substitution_covers_a_whole_run() {
        let all = spellings("nigger");
        assert!(all.contains(&"niqqer".to_owned()), "{all:?}");
        assert!(spellings("asshole").contains(&"azzhole".to_owned()));
    }

    #[test]
    fn ambiguous_characters_and_swapped_letters_are_spelled() {
        assert!(spellings("slut").contains(&"siut".to_owned()));
        assert!(spellings("cunt").contains(&"cvnt".to_owned()));
        assert!(spellings("bitch").contains(&"bytch".to_owned()));
        assert!(spellings("pussy").contains(&"pussi".to_owned()));
        assert!(spellings("fuck").contains(&"phuck".to_owned()));
        assert!(spellings("fuck").contains(&"phuk".to_owned()));
    }

    #[test]
    fn look_alike_spellings_keep_the_letters_that_look_like_the_term() {
        let look = |word: &str| spellings_of(word, Spellings::LookAlike);
        assert!(look("dick").contains(&"dlck".to_owned()));
        assert!(look("cock").contains(&"cxck".to_owned()));
        assert!(!look("horny").contains(&"horni".to_owned()));
        assert!(!look("dick").contains(&"dikk".to_owned()));
        assert!(spellings("horny").contains(&"horni".to_owned()));
    }

    #[test]
    fn letters_made_equal_merge_into_one_run() {
        // `pussy` with `z` for `s` keeps the run of `s`.
        assert!(
            alternatives(&letters("pussy"), Spellings::All).contains(&vec![
                (b'p', 1),
                (b'u', 1),
                (b'z', 2),
                (b'y', 1)
            ])
        );
    }

    #[test]
    fn spellings_that_ordinary_words_fold_like_are_ordinary() {
        let en = dictionary::language("en").into_iter().collect::<Vec<_>>();
        // `fag` with `q`; `cock` with `k` for `ck` is how `cook` folds; Turkish `çok`.
        assert!(ordinary(&letters("faq"), &en));
        assert!(ordinary(&letters("cok"), &en));
        assert!(ordinary(&letters("cok"), &[]));
        assert!(!ordinary(&letters("cvnt"), &en));
        assert!(!ordinary(&letters("siut"), &en));
        assert!(!ordinary(
            &[(b'n', 1), (b'i', 1), (b'q', 2), (b'e', 1), (b'r', 1)],
            &en
        ));
    }

    #[test]
    fn at_most_two_substitutions_and_never_the_term_itself() {
        let all = spellings("fuck");
        // `fvck`, `phuck`, `fxck`, and with two: `phvck`, `phuk` (`fuk`, `fvk`: too short;
        // `phxck`: a crossed-out vowel stands alone).
        assert_eq!(all.len(), 5, "{all:?}");
        assert!(all.contains(&"fxck".to_owned()));
        assert!(!all.contains(&"phxck".to_owned()));
        assert!(!all.contains(&"fuck".to_owned()));
        // Three: `ph` for `f`, `v` for `u`, `k` for `ck`.
        assert!(!all.contains(&"phvk".to_owned()));
        let mut unique = all.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), all.len());
    }

    #[test]
    fn short_words_and_transpositions_have_no_spellings() {
        assert!(spellings("kys").is_empty());
        assert!(!spellings("dick").contains(&"dik".to_owned()));
        assert!(!spellings("clit").contains(&"cilt".to_owned()));
        assert!(spellings("clit").contains(&"ciit".to_owned()));
    }

    #[test]
    fn a_term_reads_backwards_unless_it_is_a_palindrome_or_short() {
        let back = |w: &str| reversed(&letters(w)).map(|s| written_out(&s));
        assert_eq!(back("fuck").as_deref(), Some("kcuf"));
        assert_eq!(back("nigger").as_deref(), Some("reggin"));
        assert_eq!(back("boob"), None);
        assert_eq!(back("ass"), None);
    }

    #[test]
    fn a_term_breaks_in_two_with_a_letter_or_more_a_side() {
        let all: Vec<(String, String)> = halves(&letters("asshole"))
            .iter()
            .map(|(a, b)| (written_out(a), written_out(b)))
            .collect();
        assert!(
            all.contains(&("as".to_owned(), "shole".to_owned())),
            "{all:?}"
        );
        assert!(all.contains(&("assho".to_owned(), "le".to_owned())));
        assert!(all.contains(&("a".to_owned(), "sshole".to_owned())));
        assert!(!all.iter().any(|(a, b)| a.is_empty() || b.is_empty()));
        assert_eq!(all.len(), 6);
        assert_eq!(halves(&letters("ass")).len(), 2);
        assert!(halves(&letters("a")).is_empty());
        assert!(halves(&letters("assholes")).is_empty());
    }

    #[test]
    fn a_term_turns_upside_down_in_each_rendering() {
        assert_eq!(upside_down(&letters("fuck")), vec!["ʞɔnɟ".to_owned()]);
        assert_eq!(
            upside_down(&letters("nigger")),
            vec!["ɹǝƃƃᴉu".to_owned(), "ɹǝᵷᵷᴉu".to_owned()]
        );
        assert!(upside_down(&[(b'1', 1), (b'a', 1)]).is_empty());
    }

    #[test]
    fn long_terms_take_one_substitution_at_a_time() {
        let all = spellings("cocksucker");
        assert!(all.contains(&"cocksvcker".to_owned()));
        assert!(all.contains(&"coksucker".to_owned()));
        assert!(!all.contains(&"coksvcker".to_owned()));
    }
}
