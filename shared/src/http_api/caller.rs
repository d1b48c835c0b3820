//! The caller, from the claims API Gateway's JWT authorizer passes on (every value a string;
//! lists as `[a b]`): anonymous when there are none, else a signed-in user with groups and a
//! profile.

use std::collections::HashMap;

use super::access::ClaimNames;

/// Who asks for a token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Caller {
    Anonymous,
    SignedIn(SignedIn),
}

/// A signed-in caller, as its verified claims describe it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedIn {
    /// The `sub` claim: the chat user id.
    pub user_id: String,
    pub groups: Vec<String>,
    pub display_name: Option<String>,
    pub picture: Option<String>,
}

impl Caller {
    /// The caller for `claims`; `None` claims (no authorizer on the route) is anonymous. A
    /// claims map without `sub` is anonymous too: there is no identity to issue for.
    pub fn from_claims(claims: Option<&HashMap<String, String>>, names: &ClaimNames) -> Self {
        let Some(claims) = claims else {
            return Caller::Anonymous;
        };
        let Some(user_id) = claims
            .get("sub")
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
        else {
            return Caller::Anonymous;
        };
        let non_empty = |name: &str| {
            claims
                .get(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        Caller::SignedIn(SignedIn {
            user_id: user_id.to_owned(),
            groups: claims
                .get(&names.groups)
                .map(|v| parse_groups(v))
                .unwrap_or_default(),
            display_name: non_empty(&names.name)
                .or_else(|| non_empty("cognito:username"))
                .or_else(|| non_empty("preferred_username")),
            picture: non_empty(&names.picture),
        })
    }
}

/// A groups claim in the forms API Gateway's JWT authorizer hands it over: a list claim
/// flattened to `[a b]` (names apart by white space, which a group name cannot hold), the
/// same list as JSON array text (`["a","b"]`), or a string claim, which is one group. A comma
/// is part of a name, never a separator: a group named `x,moderators` is not `moderators`.
pub fn parse_groups(value: &str) -> Vec<String> {
    let value = value.trim();
    let Some(inner) = value.strip_prefix('[').and_then(|v| v.strip_suffix(']')) else {
        return if value.is_empty() {
            Vec::new()
        } else {
            vec![value.to_owned()]
        };
    };
    if inner.trim_start().starts_with('"') {
        if let Ok(groups) = serde_json::from_str::<Vec<String>>(value) {
            return groups.into_iter().filter(|g| !g.is_empty()).collect();
        }
    }
    inner.split_whitespace().map(str::to_owned).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_are_read_in_the_forms_api_gateway_produces() {
        let expected = vec!["admins".to_owned(), "moderators".to_owned()];
        assert_eq!(parse_groups("[admins moderators]"), expected);
        assert_eq!(parse_groups(r#"["admins","moderators"]"#), expected);
        assert_eq!(parse_groups(r#"[ "admins", "moderators" ]"#), expected);
        assert_eq!(parse_groups("[moderators]"), vec!["moderators".to_owned()]);
        assert_eq!(parse_groups("moderators"), vec!["moderators".to_owned()]);
        assert!(parse_groups("[]").is_empty());
        assert!(parse_groups("").is_empty());
    }

    #[test]
    fn a_comma_is_part_of_a_group_name_never_a_separator() {
        let one = |name: &str| vec![name.to_owned()];
        assert_eq!(parse_groups("[x,moderators]"), one("x,moderators"));
        assert_eq!(parse_groups("x,moderators"), one("x,moderators"));
        assert_eq!(parse_groups(r#"["x,moderators"]"#), one("x,moderators"));
        assert_eq!(
            parse_groups("[x,moderators admins,y]"),
            vec!["x,moderators".to_owned(), "admins,y".to_owned()]
        );
        let moderators = ClaimNames::default();
        let claims: HashMap<String, String> =
            [("sub", "eve"), ("cognito:groups", "[x,moderators]")]
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect();
        match Caller::from_claims(Some(&claims), &moderators) {
            Caller::SignedIn(user) => {
                assert!(!user.groups.iter().any(|g| g == "moderators"), "{user:?}")
            }
            Caller::Anonymous => panic!("signed in"),
        }
    }

    #[test]
    fn claims_make_a_signed_in_caller_and_no_claims_an_anonymous_one() {
        let config = ClaimNames::default();
        let claims: HashMap<String, String> = [
            ("sub", "alice"),
            ("cognito:groups", "[moderators]"),
            ("cognito:username", "alice01"),
            ("picture", "https://cdn.example.com/a.png"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        assert_eq!(
            Caller::from_claims(Some(&claims), &config),
            Caller::SignedIn(SignedIn {
                user_id: "alice".into(),
                groups: vec!["moderators".into()],
                display_name: Some("alice01".into()),
                picture: Some("https://cdn.example.com/a.png".into()),
            })
        );
        assert_eq!(Caller::from_claims(None, &config), Caller::Anonymous);
        let no_sub: HashMap<String, String> = HashMap::from([("name".into(), "x".into())]);
        assert_eq!(
            Caller::from_claims(Some(&no_sub), &config),
            Caller::Anonymous
        );
    }
}
