//! The filters that run in this process: our engine, `rustrict`, and a naive Aho-Corasick
//! baseline, each reduced to "does this line hold profanity".

use aho_corasick::{AhoCorasick, AhoCorasickBuilder};
use ivschat_moderation::{Moderator, PolicyError, RoomRef, RuleKind};
use rustrict::CensorStr;
use serde::Deserialize;

/// The room every line is reviewed in; the built-in policy has no per-room overrides.
const ROOM_ARN: &str = "arn:aws:ivschat:us-east-1:123456789012:room/abcdEFGH1234";

/// Our built-in word list and policy, read here for the naive baseline's terms.
const BUILTIN_EN_JSON: &str = include_str!("../../../moderation/data/en-profanity.json");
const DEFAULT_POLICY_JSON: &str = include_str!("../../../moderation/data/default-policy.json");

/// The version of `rustrict` in the lock file, found by the build script.
const RUSTRICT_VERSION: &str = env!("MODERATION_PEERS_RUSTRICT_VERSION");

/// A profanity filter that runs in this process.
pub trait Filter {
    fn name(&self) -> &'static str;
    fn version(&self) -> String;
    /// Whether the filter flags `text` as profane.
    fn flags(&self, text: &str) -> bool;
}

/// Our engine with the built-in policy. A line is flagged when a blocklist rule fired (mask
/// or deny); link, PII and spam rules are ignored, as the peers have none.
pub struct Ours {
    moderator: Moderator,
}

impl Ours {
    pub fn builtin() -> Result<Self, PolicyError> {
        Ok(Self {
            moderator: Moderator::builtin()?,
        })
    }
}

impl Filter for Ours {
    fn name(&self) -> &'static str {
        "ivschat moderation (ours)"
    }

    fn version(&self) -> String {
        "this tree".to_owned()
    }

    fn flags(&self, text: &str) -> bool {
        self.moderator
            .review(RoomRef::from_arn(ROOM_ARN), text)
            .rules
            .iter()
            .any(|r| matches!(r.kind, RuleKind::BlocklistMask | RuleKind::BlocklistDeny))
    }
}

/// `rustrict` with its default threshold, `Type::INAPPROPRIATE` (profane, offensive or sexual
/// at moderate severity or more, or severely mean), as `is_inappropriate` uses.
pub struct Rustrict;

impl Filter for Rustrict {
    fn name(&self) -> &'static str {
        "rustrict"
    }

    fn version(&self) -> String {
        RUSTRICT_VERSION.to_owned()
    }

    fn flags(&self, text: &str) -> bool {
        text.is_inappropriate()
    }
}

/// The naive baseline: our built-in terms (severity 2 and up, plus the policy's own lists)
/// as ASCII case-insensitive substrings, with no normalisation and no allowlist.
pub struct Naive {
    automaton: AhoCorasick,
}

#[derive(Deserialize)]
struct ListEntry {
    #[serde(rename = "match")]
    pattern: String,
    severity: u8,
}

#[derive(Deserialize)]
struct PolicyFile {
    default: PolicyDefault,
}

#[derive(Deserialize)]
struct PolicyDefault {
    blocklists: PolicyBlocklists,
}

#[derive(Deserialize)]
struct PolicyBlocklists {
    lists: Vec<PolicyList>,
}

#[derive(Deserialize)]
struct PolicyList {
    terms: Vec<String>,
}

/// Why the naive baseline could not be built.
#[derive(Debug, thiserror::Error)]
pub enum NaiveError {
    #[error("the built-in word list is not the JSON expected: {0}")]
    List(serde_json::Error),
    #[error("the default policy is not the JSON expected: {0}")]
    Policy(serde_json::Error),
    #[error("cannot build the Aho-Corasick automaton: {0}")]
    Build(#[from] aho_corasick::BuildError),
}

impl Naive {
    pub fn builtin_terms() -> Result<Self, NaiveError> {
        Self::new(&Self::terms()?)
    }

    pub fn new(terms: &[String]) -> Result<Self, NaiveError> {
        let automaton = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .build(terms)?;
        Ok(Self { automaton })
    }

    /// The terms of our built-in policy: list entries from severity 2 (the policy's
    /// `min_severity`), each `|` alternative with the list's `*` repeat marks dropped.
    pub fn terms() -> Result<Vec<String>, NaiveError> {
        let list: Vec<ListEntry> =
            serde_json::from_str(BUILTIN_EN_JSON).map_err(NaiveError::List)?;
        let policy: PolicyFile =
            serde_json::from_str(DEFAULT_POLICY_JSON).map_err(NaiveError::Policy)?;
        let mut terms: Vec<String> = list
            .iter()
            .filter(|e| e.severity >= 2)
            .flat_map(|e| e.pattern.split('|').map(|t| t.replace('*', "")))
            .chain(
                policy
                    .default
                    .blocklists
                    .lists
                    .into_iter()
                    .flat_map(|l| l.terms),
            )
            .filter(|t| !t.is_empty())
            .collect();
        terms.sort();
        terms.dedup();
        Ok(terms)
    }
}

impl Filter for Naive {
    fn name(&self) -> &'static str {
        "naive aho-corasick"
    }

    fn version(&self) -> String {
        "baseline".to_owned()
    }

    fn flags(&self, text: &str) -> bool {
        self.automaton.is_match(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ours_flags_blocklist_hits_but_not_links_or_spam() {
        let ours = Ours::builtin().expect("the built-in policy compiles");
        assert!(ours.flags("oh f.u.c.k off"));
        assert!(!ours.flags("see https://example.com for the patch notes"));
        assert!(!ours.flags("WHAT A GREAT MATCH THAT WAS EVERYONE"));
        assert!(!ours.flags("greetings from Scunthorpe everyone"));
    }

    #[test]
    fn naive_matches_substrings_in_any_ascii_case_only() {
        let naive = Naive::builtin_terms().expect("the built-in terms load");
        assert!(naive.flags("what the FUCK"));
        assert!(naive.flags("greetings from Scunthorpe"));
        assert!(!naive.flags("what the f.u.c.k"));
        assert!(!naive.flags("good game everyone"));
    }

    #[test]
    fn naive_terms_come_from_the_built_in_list_and_policy() {
        let terms = Naive::terms().expect("the built-in terms load");
        for t in ["fuck", "shit", "cunt", "asshole", "bastard", "wanker"] {
            assert!(terms.iter().any(|x| x == t), "{t}");
        }
        // Severity 1 entries stay out, as in the built-in policy.
        assert!(!terms.iter().any(|x| x == "damn"));
        assert!(!terms.iter().any(|x| x.contains('*') || x.contains('|')));
    }

    #[test]
    fn rustrict_reports_its_version_and_flags_plain_profanity() {
        assert!(RUSTRICT_VERSION.starts_with("0.7."), "{RUSTRICT_VERSION}");
        assert!(Rustrict.flags("you absolute fuck"));
        assert!(!Rustrict.flags("good game everyone"));
    }
}
