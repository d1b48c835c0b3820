//! Opaque `nextToken`s: a listing's cursor (the revision to continue below), tagged with the
//! listing it belongs to and base64url-encoded so that callers cannot read meaning into it.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

use super::error::{FieldError, ServiceError};

/// Which listing a token continues.
#[derive(Clone, Copy)]
pub enum Listing {
    Rooms,
    LoggingConfigurations,
}

impl Listing {
    fn tag(self) -> &'static str {
        match self {
            Listing::Rooms => "rooms",
            Listing::LoggingConfigurations => "logging-configurations",
        }
    }
}

pub fn encode(listing: Listing, revision: u64) -> String {
    URL_SAFE_NO_PAD.encode(format!("v1:{}:{revision}", listing.tag()))
}

/// Decodes a token of `listing`; an empty token means the first page.
pub fn decode(listing: Listing, token: Option<&str>) -> Result<Option<u64>, ServiceError> {
    let Some(token) = token.filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    let invalid = || {
        ServiceError::field_validation(vec![FieldError::new(
            "nextToken".into(),
            None,
            "The pagination token is invalid or belongs to another listing".into(),
        )])
    };
    let bytes = URL_SAFE_NO_PAD.decode(token).map_err(|_| invalid())?;
    let text = String::from_utf8(bytes).map_err(|_| invalid())?;
    let rest = text
        .strip_prefix("v1:")
        .and_then(|r| r.strip_prefix(listing.tag()))
        .and_then(|r| r.strip_prefix(':'));
    rest.and_then(|r| r.parse::<u64>().ok())
        .map(Some)
        .ok_or_else(invalid)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_and_do_not_cross_listings() {
        let token = encode(Listing::Rooms, 42);
        assert_eq!(decode(Listing::Rooms, Some(&token)), Ok(Some(42)));
        assert!(decode(Listing::LoggingConfigurations, Some(&token)).is_err());
        assert!(decode(Listing::Rooms, Some("garbage!")).is_err());
        assert_eq!(decode(Listing::Rooms, Some("")), Ok(None));
    }
}
