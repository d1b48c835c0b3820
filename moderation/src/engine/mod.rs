//! The compiled moderator: picks the room's policy and runs every rule over one message.
//!
//! The rules live in the submodules, one job each: [`normalize`] folds text for matching,
//! [`lexicon`] finds blocked terms (in the spellings of [`variants`] too, and read through
//! the stars of [`starred`]), [`links`] and [`pii`] find links, addresses and phone
//! numbers, [`spam`] judges and rewrites the message's shape; [`prebuilt`] writes a compiled
//! lexicon to bytes at build time and reads it back at start-up. [`chars`] answers, in one table
//! look-up written at build time, the Unicode properties and script classes they ask of a
//! character.

mod char_flags;
mod chars;
// Compiled into the character table by `build.rs`; the tests check the table against it.
#[cfg(test)]
mod classes;
mod dictionary;
pub(crate) mod languages;
mod lexicon;
mod links;
pub(crate) mod normalize;
mod pii;
pub mod prebuilt;
mod script;
mod spam;
mod starred;
mod term_automaton;
mod variants;

use std::borrow::Cow;
use std::cell::RefCell;
use std::path::Path;
use std::sync::Arc;

use linkify::LinkFinder;

use crate::decision::{Decision, DenyReason, FiredRule, RuleKind, Verdict};
use crate::policy::{ContentAction, Policy, PolicyError, PolicySet, SpamAction, TermAction};
use crate::rooms::{RoomRef, RoomSelector};
use lexicon::{Hit, Lexicon, LexiconScratch};
use links::{DomainClass, Found};
use normalize::Folded;
use spam::{Rewrite, SpamFindings};

/// The fewest passes after the first that a rewritten message may take to become stable.
/// Each pass that rewrites masks more characters or shortens the text, so a message of `n`
/// characters is stable after at most `n` more: the bound is the larger of the two, and a
/// review is always its own fixpoint (a term spelled out many times in one run of single
/// letters, `a d i c k  a d i c k ...`, is found one occurrence a pass).
const MIN_EXTRA_PASSES: usize = 6;

/// One policy, compiled.
#[derive(Debug)]
struct Compiled {
    policy: Policy,
    lexicon: Lexicon,
    /// The lexicon was read from a prebuilt snapshot, not compiled.
    prebuilt: bool,
}

/// The moderation engine: build it once at cold start, then call `review` per message from
/// any thread. Reviewing allocates nothing for a clean message.
#[derive(Debug)]
pub struct Moderator {
    /// `policies[0]` is the default; `rooms[i]` selects `policies[i + 1]`.
    policies: Vec<Compiled>,
    rooms: Vec<RoomSelector>,
    finder: LinkFinder,
}

/// Per-thread buffers reused from one review to the next.
#[derive(Default)]
struct Scratch {
    folded: Folded,
    /// The folding of the next pass's text, made from `folded` when it can be.
    refolded: Folded,
    /// The last pass rewrote nothing but masks: the next pass's text is its text masked.
    masks_only: bool,
    /// The spam findings of the last pass, when it rewrote nothing but masks and exempted no
    /// link: what the spam rules find in its rewrite, as long as the next pass masks only
    /// stars (`spam::analyse` judges a text as its masks will leave it).
    spam_of_rewrite: Option<SpamFindings>,
    lexicon: LexiconScratch,
    hits: Vec<Hit>,
    masked: Vec<(u32, u32)>,
    exempt: Vec<(u32, u32)>,
    phones: Vec<(u32, u32)>,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

#[cfg(test)]
thread_local! {
    /// Every pass folds its text and tallies its spam afresh: the reference the shortcuts
    /// are tested against.
    static AFRESH_EVERY_PASS: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

impl Moderator {
    /// Validates and compiles a policy set. A policy whose word lists the snapshot registered
    /// with [`prebuilt::register`] was compiled from has its lexicon read from it instead.
    pub fn new(set: &PolicySet) -> Result<Self, PolicyError> {
        Self::with_prebuilt(set, prebuilt::registered())
    }

    /// Validates and compiles a policy set, reading the lexicon of each policy whose word
    /// lists `snapshot` ([`prebuilt::write`]) was compiled from out of it. A snapshot of other
    /// lists, of another build of this crate, or that cannot be read is not used: the lists
    /// are compiled.
    pub fn with_prebuilt(set: &PolicySet, snapshot: &[u8]) -> Result<Self, PolicyError> {
        set.validate()?;
        let mut policies = Vec::with_capacity(set.rooms.len() + 1);
        let mut rooms = Vec::with_capacity(set.rooms.len());
        policies.push(Compiled::new(&set.default, snapshot)?);
        for room in &set.rooms {
            policies.push(Compiled::new(&room.policy, snapshot)?);
            rooms.push(RoomSelector::new(&room.ids, &room.names));
        }
        Ok(Self {
            policies,
            rooms,
            finder: links::finder(),
        })
    }

    /// Whether the default policy's lexicon was read from a prebuilt snapshot rather than
    /// compiled.
    pub fn lexicon_prebuilt(&self) -> bool {
        self.policies.first().is_some_and(|p| p.prebuilt)
    }

    /// The engine with the policy embedded in the crate.
    pub fn builtin() -> Result<Self, PolicyError> {
        Self::new(&PolicySet::builtin())
    }

    /// The engine with the policy file at `path` (`.json`, `.yaml` or `.yml`).
    pub fn from_path(path: &Path) -> Result<Self, PolicyError> {
        Self::new(&PolicySet::from_path(path)?)
    }

    fn compiled_for(&self, room: RoomRef<'_>) -> &Compiled {
        let index = self
            .rooms
            .iter()
            .position(|s| s.selects(room))
            .map_or(0, |i| i + 1);
        self.policies.get(index).unwrap_or(&self.policies[0])
    }

    /// The policy that applies to `room`.
    pub fn policy_for(&self, room: RoomRef<'_>) -> &Policy {
        &self.compiled_for(room).policy
    }

    /// Reviews one message sent to `room`.
    pub fn review<'a>(&self, room: RoomRef<'_>, content: &'a str) -> Decision<'a> {
        let compiled = self.compiled_for(room);
        SCRATCH.with(|cell| match cell.try_borrow_mut() {
            Ok(mut scratch) => self.review_with(compiled, &mut scratch, content),
            Err(_) => self.review_with(compiled, &mut Scratch::default(), content),
        })
    }

    /// Reviews until the content is stable, so that reviewing the result again changes
    /// nothing: masking part of a word can leave fragments (`a s s` after a masked prefix)
    /// that only a second look joins. Clean and denied messages take one pass.
    fn review_with<'a>(&self, c: &Compiled, s: &mut Scratch, content: &'a str) -> Decision<'a> {
        s.spam_of_rewrite = None;
        let first = self.review_once(c, s, content);
        if !first.is_allow() || !first.is_rewritten() {
            return first;
        }
        let mut rules = first.rules;
        let mut current = first.content.into_owned();
        let mut previous = Cow::Borrowed(content);
        for _ in 0..content.chars().count().max(MIN_EXTRA_PASSES) {
            let next = self.review_again(c, s, &previous, &current);
            for rule in next.rules.iter() {
                if !rules.contains(rule) {
                    rules.push(rule.clone());
                }
            }
            if !next.is_allow() {
                return Decision {
                    verdict: Verdict::Deny,
                    content: Cow::Borrowed(content),
                    reason: next.reason,
                    rules,
                };
            }
            if !next.is_rewritten() {
                break;
            }
            let rewritten = next.content.into_owned();
            previous = Cow::Owned(std::mem::replace(&mut current, rewritten));
        }
        Decision {
            verdict: Verdict::Allow,
            content: Cow::Owned(current),
            reason: None,
            rules,
        }
    }

    /// Reviews `content`, the rewrite of `previous` by the pass just made. Most rewrites only
    /// mask words, and then the folded text is the previous one less the masked words
    /// (`Folded::fold_masked`): the pass skips folding, the largest part of its work, and
    /// the languages of the words left whole are not read again; and
    /// unless it masks more, it takes the spam findings of the pass before
    /// (`Scratch::spam_of_rewrite`).
    fn review_again<'a>(
        &self,
        c: &Compiled,
        s: &mut Scratch,
        previous: &str,
        content: &'a str,
    ) -> Decision<'a> {
        #[cfg(test)]
        if AFRESH_EVERY_PASS.get() {
            s.spam_of_rewrite = None;
            return self.review_once(c, s, content);
        }
        if s.masks_only && s.refolded.fold_masked(&s.folded, previous, &s.masked) {
            std::mem::swap(&mut s.folded, &mut s.refolded);
            return self.review_folded(c, s, content, true);
        }
        self.review_once(c, s, content)
    }

    fn review_once<'a>(&self, c: &Compiled, s: &mut Scratch, content: &'a str) -> Decision<'a> {
        s.folded.fold(content);
        self.review_folded(c, s, content, false)
    }

    /// Reviews `content`, folded in `s.folded`; `masked_from_refolded`: made by masking words
    /// of `s.refolded`, the folding the pass before reviewed.
    fn review_folded<'a>(
        &self,
        c: &Compiled,
        s: &mut Scratch,
        content: &'a str,
        masked_from_refolded: bool,
    ) -> Decision<'a> {
        let policy = &c.policy;
        let mut rules: Vec<FiredRule> = Vec::new();
        let mut deny: Option<DenyReason> = None;
        let fire = |rules: &mut Vec<FiredRule>, kind: RuleKind, list: Option<&Arc<str>>| {
            if !rules
                .iter()
                .any(|r| r.kind == kind && r.list.as_ref() == list)
            {
                rules.push(FiredRule {
                    kind,
                    list: list.cloned(),
                });
            }
        };
        s.masked.clear();
        s.exempt.clear();
        s.masks_only = false;

        s.hits.clear();
        let earlier = masked_from_refolded.then_some(&s.refolded);
        c.lexicon
            .search(content, &s.folded, earlier, &mut s.lexicon, &mut s.hits);
        for hit in &s.hits {
            let list = c.lexicon.list_names.get(usize::from(hit.list));
            match hit.action {
                TermAction::Deny => {
                    deny.get_or_insert(DenyReason::BlockedLanguage);
                    fire(&mut rules, RuleKind::BlocklistDeny, list);
                }
                TermAction::Mask => {
                    s.masked.push((hit.start, past_marks(content, hit.end)));
                    fire(&mut rules, RuleKind::BlocklistMask, list);
                }
            }
        }

        let masked = &mut s.masked;
        let exempt = &mut s.exempt;
        links::scan(&self.finder, &policy.links, content, |found| match found {
            Found::Email { start, end } => match policy.pii.emails {
                ContentAction::Allow => exempt.push((start, end)),
                ContentAction::Mask => {
                    masked.push((start, end));
                    fire(&mut rules, RuleKind::EmailMask, None);
                }
                ContentAction::Deny => {
                    deny.get_or_insert(DenyReason::PersonalInformation);
                    fire(&mut rules, RuleKind::EmailDeny, None);
                }
            },
            Found::Url { start, end, domain } => {
                let action = match domain {
                    DomainClass::Denied => ContentAction::Deny,
                    DomainClass::Allowed => ContentAction::Allow,
                    DomainClass::Unlisted => policy.links.action,
                };
                match action {
                    ContentAction::Allow => exempt.push((start, end)),
                    ContentAction::Mask => {
                        masked.push((start, end));
                        fire(&mut rules, RuleKind::LinkMask, None);
                    }
                    ContentAction::Deny => {
                        deny.get_or_insert(DenyReason::BlockedLink);
                        fire(&mut rules, RuleKind::LinkDeny, None);
                    }
                }
            }
        });

        if policy.pii.phones != ContentAction::Allow {
            s.phones.clear();
            pii::phones(content, policy.pii.phone_min_digits, &mut s.phones);
            for &(start, end) in &s.phones {
                // Digits inside an allowed link are part of the link.
                if s.exempt.iter().any(|&(a, b)| start < b && a < end) {
                    continue;
                }
                if policy.pii.phones == ContentAction::Deny {
                    deny.get_or_insert(DenyReason::PersonalInformation);
                    fire(&mut rules, RuleKind::PhoneDeny, None);
                } else {
                    s.masked.push((start, end));
                    fire(&mut rules, RuleKind::PhoneMask, None);
                }
            }
        }

        merge(&mut s.masked);
        s.exempt.sort_unstable();
        let sp = &policy.spam;
        let found = match s.spam_of_rewrite.take() {
            // Masking a star again shows the same text: the findings are those of the text.
            Some(found) if s.exempt.is_empty() && masks_only_stars(content, &s.masked) => found,
            _ => spam::analyse(content, &s.masked, &s.exempt, sp),
        };
        let mut spam_rule = |on: bool, action: SpamAction, kind: RuleKind| {
            if on {
                fire(&mut rules, kind, None);
                if action == SpamAction::Deny {
                    deny.get_or_insert(DenyReason::Spam);
                }
            }
        };
        spam_rule(found.shouting, sp.shouting.action, RuleKind::Shouting);
        spam_rule(found.char_flood, sp.char_flood.action, RuleKind::CharFlood);
        spam_rule(
            found.emoji_flood,
            sp.emoji_flood.action,
            RuleKind::EmojiFlood,
        );
        spam_rule(found.long_token, sp.long_token.action, RuleKind::LongToken);

        if let Some(reason) = deny {
            return Decision {
                verdict: Verdict::Deny,
                content: Cow::Borrowed(content),
                reason: Some(reason),
                rules,
            };
        }
        let how = Rewrite {
            lowercase: found.shouting && sp.shouting.action == SpamAction::Rewrite,
            max_run: (found.char_flood && sp.char_flood.action == SpamAction::Rewrite)
                .then_some(sp.char_flood.max_run),
        };
        s.masks_only = !how.lowercase && how.max_run.is_none();
        s.spam_of_rewrite = (s.masks_only && s.exempt.is_empty()).then_some(found);
        let content = if s.masked.is_empty() && !how.lowercase && how.max_run.is_none() {
            Cow::Borrowed(content)
        } else {
            let out = spam::rewrite(content, &s.masked, how);
            if out == content {
                Cow::Borrowed(content)
            } else {
                Cow::Owned(out)
            }
        };
        Decision {
            verdict: Verdict::Allow,
            content,
            reason: None,
            rules,
        }
    }
}

impl Compiled {
    /// The policy compiled, its lexicon read from `snapshot` when that was compiled from the
    /// policy's word lists.
    fn new(policy: &Policy, snapshot: &[u8]) -> Result<Self, PolicyError> {
        let (lexicon, prebuilt) = match prebuilt::read(snapshot, &policy.blocklists) {
            Ok(lexicon) => (lexicon, true),
            Err(_) => (Lexicon::compile(&policy.blocklists)?, false),
        };
        Ok(Self {
            policy: policy.clone(),
            lexicon,
            prebuilt,
        })
    }
}

/// The end of a masked term at byte `end` of `text`, moved past the combining marks and
/// invisible characters that follow: they are part of its last letter (`f̸u̸c̸k̸`), which
/// folding reads without them, and are masked with it, not left over a star.
fn past_marks(text: &str, end: u32) -> u32 {
    let rest = text.get(end as usize..).unwrap_or_default();
    let marks: usize = rest
        .chars()
        .take_while(|&c| {
            let p = chars::props(c);
            p.combining() || p.invisible()
        })
        .map(char::len_utf8)
        .sum();
    end.saturating_add(u32::try_from(marks).unwrap_or(0))
}

/// Whether every byte of `text` that `masked` covers is a `*` already.
fn masks_only_stars(text: &str, masked: &[(u32, u32)]) -> bool {
    let bytes = text.as_bytes();
    masked.iter().all(|&(a, b)| {
        bytes
            .get(a as usize..b as usize)
            .is_some_and(|hidden| hidden.iter().all(|&c| c == b'*'))
    })
}

/// Sorts byte ranges and merges those that overlap or touch.
fn merge(spans: &mut Vec<(u32, u32)>) {
    spans.sort_unstable();
    let mut w = 0;
    for r in 0..spans.len() {
        let (s, e) = spans[r];
        if w > 0 && s <= spans[w - 1].1 {
            spans[w - 1].1 = spans[w - 1].1.max(e);
        } else {
            spans[w] = (s, e);
            w += 1;
        }
    }
    spans.truncate(w);
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::sync::OnceLock;

    const ROOM: RoomRef<'static> = RoomRef {
        id: "room",
        name: None,
    };

    fn moderator() -> &'static Moderator {
        static M: OnceLock<Moderator> = OnceLock::new();
        M.get_or_init(|| Moderator::builtin().expect("the built-in policy compiles"))
    }

    /// Chat words and blocked terms of every shipped language, plain and disguised, with
    /// the words whose reading depends on their neighbours: ambiguous terms (`con`), names,
    /// spelled-out letters, leetspeak symbols, Chinese and Japanese written without spaces.
    const WORDS: &[&str] = &[
        "hola",
        "qué",
        "con",
        "leche",
        "t'es",
        "un",
        "le",
        "la",
        "de",
        "el",
        "y",
        "et",
        "the",
        "you",
        "a",
        "I",
        "u",
        "r",
        "Dick",
        "Van",
        "Dyke",
        "dick",
        "fuck",
        "f.u.c.k",
        "f u c k",
        "sh1t",
        "@$$hole",
        "$",
        "!",
        "|",
        "**",
        "*",
        "fu\u{0441}k",
        "ｆｕｃｋ",
        "bullshit",
        "Scunthorpe",
        "class",
        "p.u.t.a",
        "puta",
        "ｍｉｅｒｄａ",
        "conn4rd",
        "connard",
        "Scheiße",
        "c a z z o",
        "cazzo",
        "merda",
        "culo",
        "göt",
        "piç",
        "orospu",
        "sıkı",
        "привет",
        "как",
        "и",
        "я",
        "с",
        "а",
        "блядь",
        "х\u{0443}й",
        "пидор",
        "مرحبا",
        "في",
        "شرموطة",
        "नमस्ते",
        "है",
        "chutiya",
        "yaar",
        "kya",
        "hai",
        "こんにちは",
        "の",
        "バカ",
        "ﾁﾝｺ",
        "死ね",
        "안녕하세요",
        "씨 발",
        "시발",
        "你好",
        "的",
        "他 妈 的",
        "他妈的",
        "幹你娘",
        "草泥马",
        "游戏",
        "🔥",
        "555",
        "0123",
        "example.com",
        "SHOUTING",
        "loooooool",
        "bi+ch",
        "fu(k",
        "word(s)",
        "(",
        "+",
    ];

    fn message() -> impl Strategy<Value = String> {
        let seps = prop_oneof![4 => Just(" "), 1 => Just(""), 1 => Just(", "), 1 => Just("  "), 1 => Just(" . ")];
        prop::collection::vec((prop::sample::select(WORDS), seps), 1..40).prop_map(|parts| {
            let mut m = String::new();
            for (word, sep) in parts {
                m.push_str(word);
                m.push_str(sep);
            }
            m
        })
    }

    fn review(m: &Moderator, text: &str, afresh_every_pass: bool) -> Decision<'static> {
        AFRESH_EVERY_PASS.set(afresh_every_pass);
        let d = m.review(ROOM, text);
        AFRESH_EVERY_PASS.set(false);
        Decision {
            verdict: d.verdict,
            content: Cow::Owned(d.content.into_owned()),
            reason: d.reason,
            rules: d.rules,
        }
    }

    #[test]
    fn a_masked_message_is_reviewed_again_as_if_folded_afresh() {
        let m = moderator();
        for text in [
            "t'es un con блядь 你好 他 妈 的 游戏 con",
            "a p.u.t.a b",
            "$ cazzo x",
        ] {
            assert_eq!(review(m, text, false), review(m, text, true), "{text}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        #[test]
        fn later_passes_decide_as_they_would_folding_afresh(text in message()) {
            let m = moderator();
            prop_assert_eq!(review(m, &text, false), review(m, &text, true), "{:?}", text);
        }
    }
}
