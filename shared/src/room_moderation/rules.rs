//! A room's settings compiled on top of the stack's policy: one engine for what the room
//! masks and denies, and, when the room holds messages, a second small engine that finds what
//! it holds. Pure: no I/O, so it is compiled off the review path's clock and tested alone.

use std::time::{Duration, Instant};

use ivschat_moderation::policy::{
    ContentAction, EmojiFlood, LongToken, MatchMode, SpamAction, SpamPolicy, TermAction, TermList,
};
use ivschat_moderation::{
    FailMode, Moderator, Outcome, OutcomeKind, Policy, PolicyError, PolicySet, ReviewRequest,
    Reviewer, RoomRef,
};

use super::settings::{LinkRule, RoomModerationSettings, SettingsError, TermRule};

/// The list names the room's terms are reported under (`blocklist.deny:room-deny`).
pub const MASK_LIST: &str = "room-mask";
pub const DENY_LIST: &str = "room-deny";
pub const HOLD_LIST: &str = "room-hold";
/// The rules attribute of a held message.
pub const HOLD_RULE: &str = "room.hold";
/// What the sender of a held message is told.
pub const HOLD_REASON: &str = "Your message awaits a moderator.";

/// The review of one message under a room's rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RoomReview {
    /// Allowed (maybe rewritten) or denied, as any review.
    Reviewed(Outcome),
    /// Kept back for a moderator: the outcome is the DENY the sender gets; `rules` are the
    /// rules that fired (for the held message's record).
    Held {
        outcome: Outcome,
        rules: Vec<String>,
    },
}

/// A room's settings, compiled. Build once per settings version.
#[derive(Debug)]
pub struct RoomRules {
    pub version: u64,
    pub settings: RoomModerationSettings,
    main: Reviewer,
    hold: Option<Moderator>,
    /// How long compiling took, for the log.
    pub compile_time: Duration,
}

fn terms_of(settings: &RoomModerationSettings, rule: TermRule) -> Vec<String> {
    settings
        .blocked_terms
        .iter()
        .filter(|t| t.action == rule)
        .map(|t| t.term.trim().to_owned())
        .collect()
}

fn list(name: &str, action: TermAction, terms: Vec<String>) -> TermList {
    TermList {
        name: name.to_owned(),
        action,
        mode: MatchMode::Word,
        terms,
        terms_file: None,
    }
}

/// `base` (the stack's policy for the room) with the room's terms, allowed terms, link rule
/// and category levels on top.
pub fn room_policy(base: &Policy, settings: &RoomModerationSettings) -> Policy {
    let mut policy = base.clone();
    let blocklists = &mut policy.blocklists;
    for (name, action, rule) in [
        (MASK_LIST, TermAction::Mask, TermRule::Mask),
        (DENY_LIST, TermAction::Deny, TermRule::Deny),
    ] {
        let terms = terms_of(settings, rule);
        if !terms.is_empty() {
            blocklists.lists.retain(|l| l.name != name);
            blocklists.lists.push(list(name, action, terms));
        }
    }
    blocklists
        .allow
        .extend(settings.allowed_terms.iter().map(|t| t.trim().to_owned()));
    policy.links.action = match settings.links {
        None => policy.links.action,
        Some(LinkRule::Allow) | Some(LinkRule::Hold) => ContentAction::Allow,
        Some(LinkRule::Mask) => ContentAction::Mask,
        Some(LinkRule::Deny) => ContentAction::Deny,
    };
    apply_categories(&mut policy, settings);
    policy
}

/// Category levels tighten the built-in list, each category on its own tags: level 1 uses
/// its entries from severity 4, … level 4 from severity 1 (never above the stack's own
/// threshold), and a category at level 3 or 4 denies its entries of severity 3 and up. When
/// the stack's policy has the built-in list off, a level turns it on with severity 4 for the
/// other categories.
fn apply_categories(policy: &mut Policy, settings: &RoomModerationSettings) {
    let levels = settings.categories.each();
    if levels.iter().all(|(_, level, _)| *level == 0) {
        return;
    }
    let builtin = &mut policy.blocklists.builtin_en;
    if !builtin.enabled {
        builtin.enabled = true;
        builtin.min_severity = 4;
        builtin.deny_tags.clear();
        builtin.deny_from_severity = None;
        builtin.tag_min_severity.clear();
    }
    for (_, level, tags) in levels {
        if level == 0 {
            continue;
        }
        let from = 5 - level.min(4);
        for tag in tags {
            let threshold = builtin
                .tag_min_severity
                .entry((*tag).to_owned())
                .or_insert(from);
            *threshold = (*threshold).min(from);
            if level >= 3 && !builtin.deny_tags.iter().any(|t| t == tag) {
                builtin.deny_tags.push((*tag).to_owned());
            }
        }
    }
}

/// The policy of the hold engine: only the hold terms (as a deny list) and, when links are
/// held, links not on the stack's allow list; the room's allowed terms still apply.
fn hold_policy(room: &Policy, settings: &RoomModerationSettings) -> Option<Policy> {
    let terms = terms_of(settings, TermRule::Hold);
    let hold_links = settings.links == Some(LinkRule::Hold);
    if terms.is_empty() && !hold_links {
        return None;
    }
    let mut policy = Policy::default();
    policy.blocklists.builtin_en.enabled = false;
    policy.blocklists.lists = if terms.is_empty() {
        Vec::new()
    } else {
        vec![list(HOLD_LIST, TermAction::Deny, terms)]
    };
    policy.blocklists.allow = room.blocklists.allow.clone();
    policy.links.action = if hold_links {
        ContentAction::Deny
    } else {
        ContentAction::Allow
    };
    policy.links.allow_domains = room.links.allow_domains.clone();
    policy.pii.emails = ContentAction::Allow;
    policy.pii.phones = ContentAction::Allow;
    policy.spam = SpamPolicy {
        shouting: ivschat_moderation::policy::Shouting {
            action: SpamAction::Off,
            ..Default::default()
        },
        char_flood: ivschat_moderation::policy::CharFlood {
            action: SpamAction::Off,
            ..Default::default()
        },
        emoji_flood: EmojiFlood {
            action: SpamAction::Off,
            ..Default::default()
        },
        long_token: LongToken {
            action: SpamAction::Off,
            ..Default::default()
        },
    };
    Some(policy)
}

fn single(policy: Policy) -> PolicySet {
    PolicySet {
        default: policy,
        rooms: Vec::new(),
    }
}

/// Checks every term as the engine will (no `*`, at least two letters or digits once
/// normalized), naming the document's field: the API refuses what would not compile.
pub fn check_terms(settings: &RoomModerationSettings) -> Result<(), SettingsError> {
    let invalid = |field: String, error: PolicyError| {
        let message = match error {
            PolicyError::Invalid { problem, .. } => problem,
            other => other.to_string(),
        };
        SettingsError { field, message }
    };
    for (i, blocked) in settings.blocked_terms.iter().enumerate() {
        let mut policy = Policy::default();
        policy.blocklists.lists = vec![list(
            MASK_LIST,
            TermAction::Mask,
            vec![blocked.term.trim().to_owned()],
        )];
        single(policy)
            .validate()
            .map_err(|e| invalid(format!("blockedTerms[{i}].term"), e))?;
    }
    for (i, term) in settings.allowed_terms.iter().enumerate() {
        let mut policy = Policy::default();
        policy.blocklists.allow = vec![term.trim().to_owned()];
        single(policy)
            .validate()
            .map_err(|e| invalid(format!("allowedTerms[{i}]"), e))?;
    }
    Ok(())
}

impl RoomRules {
    /// Compiles `settings` (version `version`) on top of `stack`'s policy for `room`.
    pub fn compile(
        stack: &Moderator,
        room: RoomRef<'_>,
        fail_mode: FailMode,
        settings: RoomModerationSettings,
        version: u64,
    ) -> Result<RoomRules, PolicyError> {
        Self::compile_on(stack.policy_for(room), fail_mode, settings, version)
    }

    /// Compiles `settings` on top of `base`, the stack's policy for the room (owned inputs,
    /// so it can run on another thread).
    pub fn compile_on(
        base: &Policy,
        fail_mode: FailMode,
        settings: RoomModerationSettings,
        version: u64,
    ) -> Result<RoomRules, PolicyError> {
        let started = Instant::now();
        let policy = room_policy(base, &settings);
        let hold = hold_policy(&policy, &settings)
            .map(|p| Moderator::new(&single(p)))
            .transpose()?;
        let main = Reviewer::new(Moderator::new(&single(policy))?, fail_mode);
        Ok(RoomRules {
            version,
            settings,
            main,
            hold,
            compile_time: started.elapsed(),
        })
    }

    /// The reviewer of the room's rules (for refusals that come after the review).
    pub fn reviewer(&self) -> &Reviewer {
        &self.main
    }

    /// Reviews one message: the room's engine first; a message it delivers is then held when
    /// a hold rule finds something in the original text.
    pub fn review(&self, request: &ReviewRequest) -> RoomReview {
        let outcome = self.main.review(request);
        let delivered = matches!(outcome.kind, OutcomeKind::Allowed | OutcomeKind::Rewritten);
        let Some(hold) = self.hold.as_ref().filter(|_| delivered) else {
            return RoomReview::Reviewed(outcome);
        };
        let decision = hold.review(RoomRef::from_arn(&request.room_arn), &request.content);
        if decision.is_allow() {
            return RoomReview::Reviewed(outcome);
        }
        let rules: Vec<String> = decision
            .rules
            .iter()
            .map(|rule| match &rule.list {
                Some(_) => format!("{HOLD_RULE}:term"),
                None if rule.kind.as_str().starts_with("link") => format!("{HOLD_RULE}:link"),
                None => HOLD_RULE.to_owned(),
            })
            .collect();
        let attribute = rules
            .first()
            .cloned()
            .unwrap_or_else(|| HOLD_RULE.to_owned());
        RoomReview::Held {
            outcome: self.main.refuse(request, HOLD_REASON, &attribute),
            rules,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ivschat_moderation::review::REASON_ATTRIBUTE;
    use ivschat_moderation::ReviewResult;

    const ROOM: &str = "arn:aws:ivschat:us-east-1:123456789012:room/abcdEFGH1234";

    fn settings(json: &str) -> RoomModerationSettings {
        let settings: RoomModerationSettings = serde_json::from_str(json).expect("settings");
        settings.validate().expect("valid");
        check_terms(&settings).expect("terms compile");
        settings
    }

    fn rules(json: &str) -> RoomRules {
        let stack = Moderator::builtin().expect("built-in");
        RoomRules::compile(
            &stack,
            RoomRef::from_arn(ROOM),
            FailMode::Allow,
            settings(json),
            1,
        )
        .expect("compiles")
    }

    fn request(content: &str) -> ReviewRequest {
        ReviewRequest {
            content: content.to_owned(),
            message_id: "m1".to_owned(),
            room_arn: ROOM.to_owned(),
            attributes: Default::default(),
            sender: Default::default(),
        }
    }

    fn reviewed(review: RoomReview) -> Outcome {
        match review {
            RoomReview::Reviewed(outcome) => outcome,
            RoomReview::Held { .. } => panic!("held: {review:?}"),
        }
    }

    #[test]
    fn room_terms_mask_and_deny_on_top_of_the_stack_policy_and_resist_evasion() {
        let rules = rules(
            r#"{"blockedTerms":[{"term":"spoiler","action":"mask"},{"term":"rosebud","action":"deny"}]}"#,
        );
        let masked = reviewed(rules.review(&request("no S.P.O.I.L.E.R.S please")));
        assert_eq!(masked.response.review_result, ReviewResult::Allow);
        assert_eq!(masked.response.content, "no *************** please");
        assert!(masked.rules.contains("room-mask"), "{}", masked.rules);
        let denied = reviewed(rules.review(&request("it was r0sebud all along")));
        assert_eq!(denied.response.review_result, ReviewResult::Deny);
        assert!(denied.rules.contains("room-deny"), "{}", denied.rules);
        // The stack's own list still applies.
        let stack = reviewed(rules.review(&request("you are a sh1t")));
        assert!(stack.response.content.contains('*'));
    }

    #[test]
    fn hold_terms_and_held_links_keep_the_message_back_with_the_reason() {
        let rules =
            rules(r#"{"blockedTerms":[{"term":"giveaway","action":"hold"}],"links":"hold"}"#);
        for text in ["free G1VEAWAY here", "see https://example.com/x"] {
            match rules.review(&request(text)) {
                RoomReview::Held { outcome, rules } => {
                    assert_eq!(outcome.response.review_result, ReviewResult::Deny);
                    assert_eq!(outcome.response.attributes[REASON_ATTRIBUTE], HOLD_REASON);
                    assert!(rules.iter().all(|r| r.starts_with(HOLD_RULE)), "{rules:?}");
                }
                other => panic!("{text}: not held: {other:?}"),
            }
        }
        assert_eq!(
            reviewed(rules.review(&request("hello all")))
                .response
                .review_result,
            ReviewResult::Allow
        );
    }

    #[test]
    fn allowed_terms_and_link_rules_change_the_stack_policy() {
        let rules = rules(
            r#"{"blockedTerms":[{"term":"grape","action":"deny"}],"allowedTerms":["grapefruit"],"links":"allow"}"#,
        );
        let fruit = reviewed(rules.review(&request("grapefruit juice")));
        assert_eq!(fruit.response.review_result, ReviewResult::Allow);
        let link = reviewed(rules.review(&request("see https://example.com/x")));
        assert_eq!(link.response.content, "see https://example.com/x");
        let denied = rules_deny_links();
        let outcome = reviewed(denied.review(&request("see https://example.com/x")));
        assert_eq!(outcome.response.review_result, ReviewResult::Deny);
    }

    fn rules_deny_links() -> RoomRules {
        rules(r#"{"links":"deny"}"#)
    }

    #[test]
    fn category_levels_only_tighten_the_builtin_list() {
        let base = Moderator::builtin().expect("built-in");
        let stack = base.policy_for(RoomRef::from_arn(ROOM)).clone();
        let strict = room_policy(&stack, &settings(r#"{"categories":{"sexual":4}}"#));
        let builtin = &strict.blocklists.builtin_en;
        assert_eq!(builtin.tag_min_severity.get("sexual"), Some(&1));
        assert!(builtin.deny_tags.contains(&"sexual".to_owned()));
        // The other categories keep the stack's threshold.
        assert_eq!(
            builtin.min_severity,
            stack.blocklists.builtin_en.min_severity
        );
        assert_eq!(builtin.tag_min_severity.len(), 1);
        let lax = room_policy(&stack, &settings(r#"{"categories":{"profanity":1}}"#));
        assert_eq!(
            lax.blocklists.builtin_en.tag_min_severity.get("general"),
            Some(&4)
        );
        assert_eq!(room_policy(&stack, &settings("{}")), stack);
    }

    #[test]
    fn each_category_level_moves_only_its_own_words() {
        let base = Moderator::builtin().expect("built-in");
        let stack = base.policy_for(RoomRef::from_arn(ROOM)).clone();
        let at = |categories: &str| {
            let policy = room_policy(&stack, &settings(categories));
            let set = PolicySet {
                default: policy,
                rooms: Vec::new(),
            };
            Moderator::new(&set).expect("compiles")
        };
        let masked =
            |m: &Moderator, text: &str| m.review(RoomRef::from_arn(ROOM), text).content != text;
        // Severity 1 words of two categories: masked only where their own category is strict.
        // (`damn` is tagged religious: the discrimination category's.)
        let (religious, profane) = ("oh damn it", "this is crap");
        let stack_only = at("{}");
        assert!(!masked(&stack_only, religious) && !masked(&stack_only, profane));
        let strict_discrimination = at(r#"{"categories":{"discrimination":4}}"#);
        assert!(masked(&strict_discrimination, religious), "{religious}");
        assert!(!masked(&strict_discrimination, profane), "{profane}");
        let strict_profanity = at(r#"{"categories":{"profanity":4}}"#);
        assert!(masked(&strict_profanity, profane), "{profane}");
        assert!(!masked(&strict_profanity, religious), "{religious}");
    }

    #[test]
    fn terms_the_engine_cannot_match_are_named_by_their_field() {
        let bad: RoomModerationSettings =
            serde_json::from_str(r#"{"blockedTerms":[{"term":"ok term","action":"mask"},{"term":"f*ck","action":"deny"}]}"#)
                .expect("reads");
        assert_eq!(
            check_terms(&bad).expect_err("a star").field,
            "blockedTerms[1].term"
        );
        let bad: RoomModerationSettings =
            serde_json::from_str(r#"{"allowedTerms":["!"]}"#).expect("reads");
        assert_eq!(
            check_terms(&bad).expect_err("no letters").field,
            "allowedTerms[0]"
        );
    }

    #[test]
    fn a_thousand_terms_compile() {
        let terms: Vec<String> = (0..1000)
            .map(|i| {
                format!(
                    r#"{{"term":"blockedword{i}","action":"{}"}}"#,
                    ["mask", "deny", "hold"][i % 3]
                )
            })
            .collect();
        let rules = rules(&format!(r#"{{"blockedTerms":[{}]}}"#, terms.join(",")));
        let held = rules.review(&request("a blockedword2 here"));
        assert!(matches!(held, RoomReview::Held { .. }), "{held:?}");
        let denied = reviewed(rules.review(&request("a BLOCKEDWORD1 here")));
        assert_eq!(denied.response.review_result, ReviewResult::Deny);
    }
}
