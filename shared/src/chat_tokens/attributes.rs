//! The profile a chat token carries as attributes (`displayName`, `avatarUrl`, `role`), cleaned
//! so that other clients can show them safely, and kept within IVS's 1 KB budget.

use std::collections::HashMap;

use super::policy::Role;
use crate::http_api::Caller;

/// IVS's limit on the total size of a token's attributes (keys and values, in bytes).
pub const MAX_ATTRIBUTES_BYTES: usize = 1024;
const MAX_DISPLAY_NAME_CHARS: usize = 64;
const MAX_AVATAR_URL_BYTES: usize = 512;

/// Characters that render as nothing or reorder text: never in a display name.
fn is_invisible(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}'
            | '\u{17B5}' | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{206F}' | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}' | '\u{FFA0}' | '\u{FFF0}'..='\u{FFFB}')
}

/// A display name without invisible characters, whitespace collapsed, at most 64 characters.
fn clean_display_name(name: &str) -> Option<String> {
    let visible: String = name.chars().filter(|c| !is_invisible(*c)).collect();
    let collapsed = visible.split_whitespace().collect::<Vec<_>>().join(" ");
    let cut: String = collapsed.chars().take(MAX_DISPLAY_NAME_CHARS).collect();
    let cut = cut.trim().to_owned();
    (!cut.is_empty()).then_some(cut)
}

/// An avatar URL that is `https://` (or `http://` on loopback, for local runs), printable,
/// and short enough; anything else is dropped.
fn clean_avatar_url(url: &str) -> Option<String> {
    let url = url.trim();
    let loopback = ["http://localhost", "http://127.0.0.1"]
        .iter()
        .any(|p| url.starts_with(p));
    let ok = (url.starts_with("https://") || loopback)
        && url.len() <= MAX_AVATAR_URL_BYTES
        && url
            .chars()
            .all(|c| c.is_ascii_graphic() && !matches!(c, '"' | '\'' | '<' | '>' | '\\' | '`'));
    ok.then(|| url.to_owned())
}

/// The attributes for `caller` in `role`, within [`MAX_ATTRIBUTES_BYTES`].
pub fn profile_attributes(caller: &Caller, role: Role) -> HashMap<String, String> {
    let mut attributes = HashMap::from([("role".to_owned(), role.as_str().to_owned())]);
    if let Caller::SignedIn(user) = caller {
        let name = user
            .display_name
            .as_deref()
            .and_then(clean_display_name)
            .or_else(|| clean_display_name(&user.user_id));
        if let Some(name) = name {
            attributes.insert("displayName".to_owned(), name);
        }
        if let Some(url) = user.picture.as_deref().and_then(clean_avatar_url) {
            attributes.insert("avatarUrl".to_owned(), url);
        }
    }
    let size =
        |a: &HashMap<String, String>| a.iter().map(|(k, v)| k.len() + v.len()).sum::<usize>();
    if size(&attributes) > MAX_ATTRIBUTES_BYTES {
        attributes.remove("avatarUrl");
    }
    attributes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http_api::SignedIn;

    fn caller(name: Option<&str>, picture: Option<&str>) -> Caller {
        Caller::SignedIn(SignedIn {
            user_id: "alice".into(),
            groups: vec![],
            display_name: name.map(str::to_owned),
            picture: picture.map(str::to_owned),
        })
    }

    #[test]
    fn display_names_lose_invisible_characters_and_are_cut_at_64() {
        let attributes = profile_attributes(
            &caller(Some("  Al\u{200B}ice\u{202E}  \n the  Great "), None),
            Role::User,
        );
        assert_eq!(attributes["displayName"], "Alice the Great");
        assert_eq!(attributes["role"], "user");
        let long = "x".repeat(200);
        let attributes = profile_attributes(&caller(Some(&long), None), Role::User);
        assert_eq!(attributes["displayName"].chars().count(), 64);
    }

    #[test]
    fn a_missing_or_blank_name_falls_back_to_the_user_id() {
        let attributes = profile_attributes(&caller(Some("\u{200B} "), None), Role::User);
        assert_eq!(attributes["displayName"], "alice");
    }

    #[test]
    fn only_safe_https_avatar_urls_are_kept() {
        let keep = profile_attributes(
            &caller(None, Some("https://cdn.example.com/a.png")),
            Role::User,
        );
        assert_eq!(keep["avatarUrl"], "https://cdn.example.com/a.png");
        for bad in [
            "javascript:alert(1)",
            "http://cdn.example.com/a.png",
            "https://x.test/\"onerror=\"",
            &format!("https://x.test/{}", "a".repeat(600)),
        ] {
            let attributes = profile_attributes(&caller(None, Some(bad)), Role::User);
            assert!(!attributes.contains_key("avatarUrl"), "{bad}");
        }
    }

    #[test]
    fn anonymous_viewers_carry_only_their_role() {
        let attributes = profile_attributes(&Caller::Anonymous, Role::Viewer);
        assert_eq!(
            attributes,
            HashMap::from([("role".to_owned(), "viewer".to_owned())])
        );
    }
}
