//! The typed moderation policy: what a policy file may say, its defaults, loading and validation.
//!
//! A policy file (JSON or YAML) is a [`PolicySet`]: a default [`Policy`] and overrides for some
//! rooms. Every field has a default, so `{}` is a valid file; unknown fields are refused.

mod error;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

pub use error::PolicyError;

/// The built-in policy, used when no policy file is configured.
const DEFAULT_POLICY_JSON: &str = include_str!("../../data/default-policy.json");

/// A policy file: the policy for every room, and optional overrides for some rooms.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicySet {
    /// The policy of rooms that no entry of `rooms` selects.
    #[serde(default)]
    pub default: Policy,
    /// Per-room policies, tried in order; the first whose selector matches wins. Each is a
    /// complete policy: fields it leaves out take the code defaults, not those of `default`.
    #[serde(default)]
    pub rooms: Vec<RoomPolicy>,
}

/// A policy for the rooms chosen by id or by name pattern.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoomPolicy {
    /// Room ids (the last segment of the room ARN) or full room ARNs.
    #[serde(default)]
    pub ids: Vec<String>,
    /// Room name patterns; `*` matches any run of characters (`kids-*`).
    #[serde(default)]
    pub names: Vec<String>,
    pub policy: Policy,
}

/// How one room's messages are reviewed.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Policy {
    pub blocklists: Blocklists,
    pub links: LinkPolicy,
    pub pii: PiiPolicy,
    pub spam: SpamPolicy,
}

/// The word lists of a policy: what its lexicon is compiled from. (Serialized into a
/// prebuilt lexicon, to tell which lists it was compiled from.)
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Blocklists {
    /// The languages whose built-in lexicons apply, as codes (`en`, `es`, `pt`, `fr`, `de`,
    /// `it`, `ru`, `tr`, `ar`, `hi`, `ja`, `ko`, `zh`). Absent: every shipped language. `en`
    /// stands for `builtin_en`. A term that is an ordinary word of another listed language
    /// (`con`) is blocked only in a message whose other words are of its own language; with
    /// that other language left out, always.
    pub languages: Option<Vec<String>>,
    pub builtin_en: BuiltinList,
    pub lists: Vec<TermList>,
    /// Innocent words that contain blocked ones (`scunthorpe`); a blocked match lying wholly
    /// inside one of these is ignored.
    pub allow: Vec<String>,
}

/// The embedded English list (`data/en-profanity.json`, severities 1 to 4).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct BuiltinList {
    pub enabled: bool,
    /// Entries below this severity are ignored.
    pub min_severity: u8,
    /// Entries at or above this severity deny the message; the others are masked. Absent:
    /// by severity alone, never deny.
    pub deny_from_severity: Option<u8>,
    /// Entries with one of these tags (`racial`, `lgbtq`, `sexual`, `shock`, `religious`,
    /// `general`) and severity 3 or more deny the message.
    pub deny_tags: Vec<String>,
    /// Entries with one of these tags are used from severity 1, whatever `min_severity`
    /// says: the mild sexual words (`ass`, `snatch`, `boob`) are insults in chat.
    pub mild_tags: Vec<String>,
    /// Entries with one of these tags are used from the severity given (an entry with
    /// several takes the lowest), whatever `min_severity` says: one threshold per category,
    /// as a room's category levels set them.
    pub tag_min_severity: BTreeMap<String, u8>,
}

impl Default for BuiltinList {
    fn default() -> Self {
        Self {
            enabled: true,
            min_severity: 2,
            deny_from_severity: None,
            deny_tags: vec!["racial".to_owned()],
            mild_tags: vec!["sexual".to_owned()],
            tag_min_severity: BTreeMap::new(),
        }
    }
}

/// A named list of blocked words or phrases.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TermList {
    /// Short machine-readable name, reported in the rules that fired (`blocklist.mask:<name>`).
    pub name: String,
    pub action: TermAction,
    #[serde(default)]
    pub mode: MatchMode,
    #[serde(default)]
    pub terms: Vec<String>,
    /// A file of more terms, one a line, `#` starting a comment; relative paths are resolved
    /// against the policy file's folder. Read once, at load.
    #[serde(default)]
    pub terms_file: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TermAction {
    /// Replace the match, separators inside it included, with `*`.
    Mask,
    /// Refuse the message.
    Deny,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchMode {
    /// Whole words, with common English endings (`-s`, `-ed`, `-er`, `-ing`, `-y`…).
    #[default]
    Word,
    /// Anywhere, inside other words too; pair with `allow` for innocent words.
    Substring,
}

/// What to do with a link, an e-mail address or a phone number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContentAction {
    Allow,
    Mask,
    Deny,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LinkPolicy {
    /// For links to domains on neither list.
    pub action: ContentAction,
    /// Always allowed, subdomains included.
    pub allow_domains: Vec<String>,
    /// Always deny the message, subdomains included.
    pub deny_domains: Vec<String>,
}

impl Default for LinkPolicy {
    fn default() -> Self {
        Self {
            action: ContentAction::Mask,
            allow_domains: Vec::new(),
            deny_domains: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PiiPolicy {
    pub emails: ContentAction,
    pub phones: ContentAction,
    /// Fewer digits than this is a number, not a phone number.
    pub phone_min_digits: u8,
}

impl Default for PiiPolicy {
    fn default() -> Self {
        Self {
            emails: ContentAction::Mask,
            phones: ContentAction::Mask,
            phone_min_digits: 9,
        }
    }
}

/// What a spam rule does when it fires.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SpamAction {
    Off,
    /// Shouting is lowercased, floods are cut to the allowed run.
    Rewrite,
    Deny,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SpamPolicy {
    pub shouting: Shouting,
    pub char_flood: CharFlood,
    pub emoji_flood: EmojiFlood,
    pub long_token: LongToken,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Shouting {
    pub action: SpamAction,
    /// Messages with fewer letters are never shouting ("OK", "LOL").
    pub min_letters: u32,
    /// Uppercase letters over all letters above which the message is shouting.
    pub max_caps_ratio: f32,
}

impl Default for Shouting {
    fn default() -> Self {
        Self {
            action: SpamAction::Rewrite,
            min_letters: 12,
            max_caps_ratio: 0.7,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CharFlood {
    pub action: SpamAction,
    /// The longest run of one character (whitespace and `*` aside) left as it is.
    pub max_run: u32,
}

impl Default for CharFlood {
    fn default() -> Self {
        Self {
            action: SpamAction::Rewrite,
            max_run: 4,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EmojiFlood {
    /// `off` or `deny`.
    pub action: SpamAction,
    pub max_emoji: u32,
}

impl Default for EmojiFlood {
    fn default() -> Self {
        Self {
            action: SpamAction::Deny,
            max_emoji: 12,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LongToken {
    /// `off` or `deny`.
    pub action: SpamAction,
    /// The longest run of non-space characters allowed; allowed links are exempt. Han and
    /// kana end a run: Chinese and Japanese are written without spaces, so a sentence of
    /// them is no token.
    pub max_chars: u32,
}

impl Default for LongToken {
    fn default() -> Self {
        Self {
            action: SpamAction::Deny,
            max_chars: 60,
        }
    }
}

impl PolicySet {
    /// The policy embedded in the crate (`data/default-policy.json`).
    pub fn builtin() -> Self {
        // The embedded file is checked by a unit test; a broken one falls back to code defaults
        // rather than failing every cold start.
        serde_json::from_str(DEFAULT_POLICY_JSON).unwrap_or_else(|_| Self {
            default: Policy::default(),
            rooms: Vec::new(),
        })
    }

    /// Reads, parses (by extension: `.json`, `.yaml`, `.yml`) and validates a policy file, and
    /// reads the term files it names.
    pub fn from_path(path: &Path) -> Result<Self, PolicyError> {
        let text = std::fs::read_to_string(path).map_err(|source| PolicyError::Read {
            path: path.to_owned(),
            source,
        })?;
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        let mut set: Self = match ext.as_deref() {
            Some("json") => serde_json::from_str(&text).map_err(|e| PolicyError::Parse {
                path: path.to_owned(),
                format: "JSON",
                message: e.to_string(),
            })?,
            Some("yaml" | "yml") => {
                serde_saphyr::from_str(&text).map_err(|e| PolicyError::Parse {
                    path: path.to_owned(),
                    format: "YAML",
                    message: e.to_string(),
                })?
            }
            _ => {
                return Err(PolicyError::UnknownFormat {
                    path: path.to_owned(),
                })
            }
        };
        let base = path.parent().unwrap_or(Path::new("."));
        set.read_term_files(base)?;
        set.validate()?;
        Ok(set)
    }

    /// Parses a JSON policy from a string and validates it; term files are resolved against
    /// the current directory.
    pub fn from_json_str(text: &str) -> Result<Self, PolicyError> {
        let mut set: Self = serde_json::from_str(text).map_err(|e| PolicyError::Parse {
            path: PathBuf::from("<string>"),
            format: "JSON",
            message: e.to_string(),
        })?;
        set.read_term_files(Path::new("."))?;
        set.validate()?;
        Ok(set)
    }

    fn policies_mut(&mut self) -> impl Iterator<Item = (String, &mut Policy)> {
        std::iter::once(("default".to_owned(), &mut self.default)).chain(
            self.rooms
                .iter_mut()
                .enumerate()
                .map(|(i, r)| (format!("rooms[{i}].policy"), &mut r.policy)),
        )
    }

    fn read_term_files(&mut self, base: &Path) -> Result<(), PolicyError> {
        for (prefix, policy) in self.policies_mut() {
            for (i, list) in policy.blocklists.lists.iter_mut().enumerate() {
                let Some(file) = list.terms_file.take() else {
                    continue;
                };
                let path = base.join(&file);
                let text =
                    std::fs::read_to_string(&path).map_err(|source| PolicyError::TermsFile {
                        field: format!("{prefix}.blocklists.lists[{i}].terms_file"),
                        path: path.clone(),
                        source,
                    })?;
                list.terms.extend(
                    text.lines()
                        .map(|l| l.split('#').next().unwrap_or("").trim())
                        .filter(|l| !l.is_empty())
                        .map(str::to_owned),
                );
                list.terms_file = Some(file);
            }
        }
        Ok(())
    }

    /// Checks every field a type cannot check; the error names the first bad field.
    pub fn validate(&self) -> Result<(), PolicyError> {
        self.default.validate("default")?;
        for (i, room) in self.rooms.iter().enumerate() {
            let at = format!("rooms[{i}]");
            if room.ids.is_empty() && room.names.is_empty() {
                return Err(PolicyError::invalid(
                    at,
                    "selects no room: give `ids` or `names`",
                ));
            }
            for (j, id) in room.ids.iter().enumerate() {
                if id.trim().is_empty() {
                    return Err(PolicyError::invalid(format!("{at}.ids[{j}]"), "is empty"));
                }
            }
            for (j, name) in room.names.iter().enumerate() {
                if name.trim().is_empty() {
                    return Err(PolicyError::invalid(format!("{at}.names[{j}]"), "is empty"));
                }
            }
            room.policy.validate(&format!("{at}.policy"))?;
        }
        Ok(())
    }
}

impl Policy {
    fn validate(&self, at: &str) -> Result<(), PolicyError> {
        let b = &self.blocklists.builtin_en;
        let sev = |field: &str, v: u8| {
            if (1..=4).contains(&v) {
                Ok(())
            } else {
                Err(PolicyError::invalid(
                    format!("{at}.blocklists.builtin_en.{field}"),
                    format!("is {v}; severities go from 1 to 4"),
                ))
            }
        };
        sev("min_severity", b.min_severity)?;
        if let Some(d) = b.deny_from_severity {
            sev("deny_from_severity", d)?;
        }
        const TAGS: [&str; 6] = ["racial", "lgbtq", "sexual", "shock", "religious", "general"];
        let tags = b
            .deny_tags
            .iter()
            .map(|t| ("deny_tags", t))
            .enumerate()
            .chain(b.mild_tags.iter().map(|t| ("mild_tags", t)).enumerate());
        for (j, (field, tag)) in tags {
            if !TAGS.contains(&tag.as_str()) {
                return Err(PolicyError::invalid(
                    format!("{at}.blocklists.builtin_en.{field}[{j}]"),
                    format!("is {tag:?}; use one of {}", TAGS.join(", ")),
                ));
            }
        }
        for (tag, &severity) in &b.tag_min_severity {
            if !TAGS.contains(&tag.as_str()) {
                return Err(PolicyError::invalid(
                    format!("{at}.blocklists.builtin_en.tag_min_severity"),
                    format!("names the tag {tag:?}; use one of {}", TAGS.join(", ")),
                ));
            }
            sev(&format!("tag_min_severity.{tag}"), severity)?;
        }
        for (j, lang) in self.blocklists.languages.iter().flatten().enumerate() {
            if crate::engine::languages::bit(lang).is_none() {
                return Err(PolicyError::invalid(
                    format!("{at}.blocklists.languages[{j}]"),
                    format!(
                        "is {lang:?}; use one of {}",
                        crate::engine::languages::SHIPPED.join(", ")
                    ),
                ));
            }
        }
        let mut names = std::collections::HashSet::new();
        for (i, list) in self.blocklists.lists.iter().enumerate() {
            let field = format!("{at}.blocklists.lists[{i}]");
            let name_ok = !list.name.is_empty()
                && list.name.len() <= 64
                && list
                    .name
                    .bytes()
                    .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_');
            if !name_ok {
                return Err(PolicyError::invalid(
                    format!("{field}.name"),
                    format!(
                        "is {:?}; use 1 to 64 ASCII letters, digits, `-` or `_`",
                        list.name
                    ),
                ));
            }
            if !names.insert(list.name.as_str()) {
                return Err(PolicyError::invalid(
                    format!("{field}.name"),
                    format!("{:?} names two lists", list.name),
                ));
            }
            for (j, term) in list.terms.iter().enumerate() {
                check_term(&format!("{field}.terms[{j}]"), term)?;
            }
        }
        for (j, term) in self.blocklists.allow.iter().enumerate() {
            check_term(&format!("{at}.blocklists.allow[{j}]"), term)?;
        }
        for (key, list) in [
            ("allow_domains", &self.links.allow_domains),
            ("deny_domains", &self.links.deny_domains),
        ] {
            for (j, d) in list.iter().enumerate() {
                let ok = !d.is_empty()
                    && d.len() <= 253
                    && !d.starts_with('.')
                    && !d.ends_with('.')
                    && d.chars()
                        .all(|c| c.is_alphanumeric() || c == '-' || c == '.');
                if !ok {
                    return Err(PolicyError::invalid(
                        format!("{at}.links.{key}[{j}]"),
                        format!("{d:?} is not a domain name like `example.com`"),
                    ));
                }
            }
        }
        if !(7..=15).contains(&self.pii.phone_min_digits) {
            return Err(PolicyError::invalid(
                format!("{at}.pii.phone_min_digits"),
                format!("is {}; use 7 to 15", self.pii.phone_min_digits),
            ));
        }
        let s = &self.spam;
        let ratio = s.shouting.max_caps_ratio;
        if !(ratio > 0.0 && ratio <= 1.0) {
            return Err(PolicyError::invalid(
                format!("{at}.spam.shouting.max_caps_ratio"),
                format!("is {ratio}; use a number above 0 and at most 1"),
            ));
        }
        if s.char_flood.max_run < 3 {
            // Cutting runs to fewer than three could turn "asss" into "as" and change what
            // the blocklists see on a second review.
            return Err(PolicyError::invalid(
                format!("{at}.spam.char_flood.max_run"),
                format!("is {}; use 3 or more", s.char_flood.max_run),
            ));
        }
        for (key, action) in [
            ("emoji_flood", s.emoji_flood.action),
            ("long_token", s.long_token.action),
        ] {
            if action == SpamAction::Rewrite {
                return Err(PolicyError::invalid(
                    format!("{at}.spam.{key}.action"),
                    "`rewrite` is not supported here; use `deny` or `off`",
                ));
            }
        }
        if s.long_token.max_chars < 8 {
            return Err(PolicyError::invalid(
                format!("{at}.spam.long_token.max_chars"),
                format!("is {}; use 8 or more", s.long_token.max_chars),
            ));
        }
        Ok(())
    }
}

fn check_term(field: &str, term: &str) -> Result<(), PolicyError> {
    if term.contains('*') {
        return Err(PolicyError::invalid(
            field,
            format!("{term:?} contains `*`, the mask character; list each form instead"),
        ));
    }
    if crate::engine::normalize::folded_weight(term) < 2 {
        return Err(PolicyError::invalid(
            field,
            format!("{term:?} has fewer than two letters or digits once normalized"),
        ));
    }
    Ok(())
}
