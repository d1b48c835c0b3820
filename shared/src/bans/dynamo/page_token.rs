//! Opaque page tokens: a query's resume key, as base64url JSON, checked when it comes back.
//!
//! A token is not signed: whoever edits one can only choose where the listing of the same
//! scope resumes, which they could do by paging anyway.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde::{Deserialize, Serialize};

use crate::bans::error::BanValidationError;
use crate::ids::UserId;

/// Tokens longer than this are refused before decoding.
const MAX_TOKEN_CHARS: usize = 1024;
const VERSION: u32 = 1;

/// Where a listing resumes: after this user of this scope (the query's exclusive start key).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Cursor {
    v: u32,
    scope: String,
    #[serde(rename = "userId")]
    user_id: String,
}

/// The token that resumes a listing of `scope_key` after `user_id`.
pub(crate) fn encode(scope_key: &str, user_id: &str) -> String {
    let cursor = Cursor {
        v: VERSION,
        scope: scope_key.to_owned(),
        user_id: user_id.to_owned(),
    };
    // A struct of strings and a number always serializes.
    let json = serde_json::to_vec(&cursor).unwrap_or_default();
    URL_SAFE_NO_PAD.encode(json)
}

/// The user id to resume after, if `token` was made by [`encode`] for `scope_key`.
pub(crate) fn decode(token: &str, scope_key: &str) -> Result<UserId, BanValidationError> {
    let bad = |problem| BanValidationError::InvalidPageToken { problem };
    if token.is_empty() {
        return Err(bad("it is empty"));
    }
    if token.len() > MAX_TOKEN_CHARS {
        return Err(bad("it is too long"));
    }
    let json = URL_SAFE_NO_PAD
        .decode(token)
        .map_err(|_| bad("it is not base64url"))?;
    let cursor: Cursor =
        serde_json::from_slice(&json).map_err(|_| bad("it was not issued by this API"))?;
    if cursor.v != VERSION {
        return Err(bad("it was issued by another version of this API"));
    }
    if cursor.scope != scope_key {
        return Err(bad("it belongs to the listing of another scope"));
    }
    UserId::new(cursor.user_id).map_err(|_| bad("it holds an invalid user id"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_round_trips_for_its_own_scope_only() {
        let token = encode("ROOM#lobby", "alice");
        assert!(token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        assert_eq!(
            decode(&token, "ROOM#lobby").expect("own scope").as_str(),
            "alice"
        );
        assert!(matches!(
            decode(&token, "GLOBAL"),
            Err(BanValidationError::InvalidPageToken { .. })
        ));
    }

    #[test]
    fn garbage_tokens_are_refused() {
        let not_json = URL_SAFE_NO_PAD.encode(b"hello");
        let other_fields =
            URL_SAFE_NO_PAD.encode(br#"{"v":1,"scope":"GLOBAL","userId":"a","x":1}"#);
        let empty_user = URL_SAFE_NO_PAD.encode(br#"{"v":1,"scope":"GLOBAL","userId":""}"#);
        let old_version = URL_SAFE_NO_PAD.encode(br#"{"v":0,"scope":"GLOBAL","userId":"a"}"#);
        let long = "A".repeat(MAX_TOKEN_CHARS + 1);
        for token in [
            "",
            "%%%",
            &not_json,
            &other_fields,
            &empty_user,
            &old_version,
            &long,
        ] {
            assert!(
                matches!(
                    decode(token, "GLOBAL"),
                    Err(BanValidationError::InvalidPageToken { .. })
                ),
                "{token:?} was accepted"
            );
        }
    }
}
