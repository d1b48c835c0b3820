//! Policy files: JSON and YAML, term files, defaults and the errors of a bad file.

use std::path::PathBuf;

use ivschat_moderation::policy::TermAction;
use ivschat_moderation::{Moderator, PolicyError, PolicySet, RoomRef};

fn temp_dir(name: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("ivschat-moderation-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

#[test]
fn builtin_policy_is_valid_and_enables_the_english_list() {
    let set = PolicySet::builtin();
    set.validate().expect("embedded policy validates");
    assert!(set.default.blocklists.builtin_en.enabled);
    assert!(!set.default.blocklists.allow.is_empty());
}

#[test]
fn yaml_policy_with_a_terms_file_loads() {
    let dir = temp_dir("yaml");
    std::fs::write(
        dir.join("terms.txt"),
        "# spoilers\nrosebud\n\nthe butler did it # classic\n",
    )
    .expect("write terms");
    let path = dir.join("policy.yaml");
    std::fs::write(
        &path,
        "default:\n  blocklists:\n    lists:\n      - name: spoilers\n        action: deny\n        terms_file: terms.txt\n",
    )
    .expect("write policy");
    let set = PolicySet::from_path(&path).expect("loads");
    let list = &set.default.blocklists.lists[0];
    assert_eq!(list.action, TermAction::Deny);
    assert_eq!(list.terms, ["rosebud", "the butler did it"]);
    let m = Moderator::new(&set).expect("compiles");
    assert!(!m
        .review(
            RoomRef {
                id: "r",
                name: None
            },
            "The Butler did it!"
        )
        .is_allow());
}

#[test]
fn json_policy_file_loads() {
    let dir = temp_dir("json");
    let path = dir.join("policy.json");
    std::fs::write(&path, r#"{"default": {"links": {"action": "deny"}}}"#).expect("write");
    let m = Moderator::from_path(&path).expect("loads");
    assert!(!m
        .review(
            RoomRef {
                id: "r",
                name: None
            },
            "see example.com"
        )
        .is_allow());
}

fn invalid_field(json: &str) -> String {
    match PolicySet::from_json_str(json) {
        Err(PolicyError::Invalid { field, .. }) => field,
        other => panic!("expected an invalid field, got {other:?}"),
    }
}

#[test]
fn out_of_range_values_name_their_field() {
    assert_eq!(
        invalid_field(r#"{"default": {"spam": {"shouting": {"max_caps_ratio": 1.5}}}}"#),
        "default.spam.shouting.max_caps_ratio"
    );
    assert_eq!(
        invalid_field(
            r#"{"rooms": [{"ids": ["a"], "policy": {"blocklists": {"builtin_en": {"min_severity": 9}}}}]}"#
        ),
        "rooms[0].policy.blocklists.builtin_en.min_severity"
    );
    assert_eq!(
        invalid_field(
            r#"{"default": {"blocklists": {"builtin_en": {"tag_min_severity": {"sexual": 0}}}}}"#
        ),
        "default.blocklists.builtin_en.tag_min_severity.sexual"
    );
    assert_eq!(
        invalid_field(
            r#"{"default": {"blocklists": {"builtin_en": {"tag_min_severity": {"rude": 2}}}}}"#
        ),
        "default.blocklists.builtin_en.tag_min_severity"
    );
    assert_eq!(
        invalid_field(r#"{"default": {"spam": {"char_flood": {"max_run": 1}}}}"#),
        "default.spam.char_flood.max_run"
    );
    assert_eq!(
        invalid_field(r#"{"default": {"links": {"allow_domains": ["not a domain"]}}}"#),
        "default.links.allow_domains[0]"
    );
}

#[test]
fn bad_lists_name_their_field() {
    assert_eq!(
        invalid_field(
            r#"{"default": {"blocklists": {"lists": [{"name": "a", "action": "mask", "terms": ["ok", "f*ck"]}]}}}"#
        ),
        "default.blocklists.lists[0].terms[1]"
    );
    assert_eq!(
        invalid_field(
            r#"{"default": {"blocklists": {"lists": [
            {"name": "a", "action": "mask", "terms": ["xx"]}, {"name": "a", "action": "deny", "terms": ["yy"]}]}}}"#
        ),
        "default.blocklists.lists[1].name"
    );
    assert_eq!(invalid_field(r#"{"rooms": [{"policy": {}}]}"#), "rooms[0]");
}

#[test]
fn unknown_fields_are_rejected_with_their_name() {
    let err = PolicySet::from_json_str(r#"{"default": {"spam": {"shoutin": {}}}}"#)
        .expect_err("typo rejected");
    assert!(err.to_string().contains("shoutin"), "{err}");
}

#[test]
fn a_missing_file_and_an_unknown_extension_are_reported() {
    let missing = PolicySet::from_path(std::path::Path::new("/nonexistent/policy.json"));
    assert!(matches!(missing, Err(PolicyError::Read { .. })));
    let dir = temp_dir("ext");
    let path = dir.join("policy.toml");
    std::fs::write(&path, "").expect("write");
    assert!(matches!(
        PolicySet::from_path(&path),
        Err(PolicyError::UnknownFormat { .. })
    ));
}
