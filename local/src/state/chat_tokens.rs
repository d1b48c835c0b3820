//! Chat tokens minted by CreateChatToken: opaque, subprotocol-safe strings bound to a room,
//! a user, capabilities, attributes and expiry times, each redeemable once.

use std::collections::{BTreeMap, HashMap};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use parking_lot::Mutex;
use rand::RngCore;
use time::OffsetDateTime;

/// A capability a chat token can grant; viewing is always allowed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Capability {
    SendMessage,
    DisconnectUser,
    DeleteMessage,
}

impl Capability {
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "SEND_MESSAGE" => Some(Capability::SendMessage),
            "DISCONNECT_USER" => Some(Capability::DisconnectUser),
            "DELETE_MESSAGE" => Some(Capability::DeleteMessage),
            _ => None,
        }
    }
}

/// What a chat token lets its bearer do, and until when.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChatTokenGrant {
    pub region: String,
    pub room_id: String,
    pub user_id: String,
    pub capabilities: Vec<Capability>,
    pub attributes: BTreeMap<String, String>,
    pub token_expiration_time: OffsetDateTime,
    /// The session end reported by CreateChatToken (creation + duration).
    pub session_expiration_time: OffsetDateTime,
    /// How long a connection made with the token lasts, counted from the connect, as the
    /// CreateChatToken documentation says.
    pub session_duration: time::Duration,
}

/// Why a token cannot be redeemed.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum RedeemError {
    #[error("the chat token is not valid")]
    Unknown,
    #[error("the chat token has already been used")]
    AlreadyUsed,
    #[error("the chat token has expired")]
    Expired,
}

#[derive(Debug)]
struct Entry {
    grant: ChatTokenGrant,
    used: bool,
}

/// Every outstanding token. Expired tokens are swept when the table grows.
#[derive(Default)]
pub struct ChatTokens {
    tokens: Mutex<HashMap<String, Entry>>,
}

/// Sweep expired tokens once the table holds this many.
const SWEEP_THRESHOLD: usize = 10_000;

impl ChatTokens {
    /// Mints a token for `grant`: 48 random bytes in base64url without padding, which only
    /// uses characters valid in a `Sec-WebSocket-Protocol` value.
    pub fn issue(&self, grant: ChatTokenGrant) -> String {
        let mut bytes = [0u8; 48];
        rand::thread_rng().fill_bytes(&mut bytes);
        let token = URL_SAFE_NO_PAD.encode(bytes);
        let mut tokens = self.tokens.lock();
        if tokens.len() >= SWEEP_THRESHOLD {
            let now = OffsetDateTime::now_utc();
            tokens.retain(|_, entry| !entry.used && entry.grant.token_expiration_time > now);
        }
        tokens.insert(token.clone(), Entry { grant, used: false });
        token
    }

    /// Marks a token used and returns its grant, if it is known, unused and not expired.
    pub fn redeem(&self, token: &str, now: OffsetDateTime) -> Result<ChatTokenGrant, RedeemError> {
        let mut tokens = self.tokens.lock();
        let entry = tokens.get_mut(token).ok_or(RedeemError::Unknown)?;
        if entry.used {
            return Err(RedeemError::AlreadyUsed);
        }
        if entry.grant.token_expiration_time <= now {
            return Err(RedeemError::Expired);
        }
        entry.used = true;
        Ok(entry.grant.clone())
    }

    /// Grants issued and not yet swept, for inspection in tests.
    pub fn outstanding(&self) -> usize {
        self.tokens.lock().len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::Duration;

    fn grant(expires_in: Duration) -> ChatTokenGrant {
        let now = OffsetDateTime::now_utc();
        ChatTokenGrant {
            region: "us-west-2".into(),
            room_id: "AbCdEfGhIjKl".into(),
            user_id: "alice".into(),
            capabilities: vec![Capability::SendMessage],
            attributes: BTreeMap::new(),
            token_expiration_time: now + expires_in,
            session_expiration_time: now + Duration::minutes(60),
            session_duration: Duration::minutes(60),
        }
    }

    #[test]
    fn token_is_subprotocol_safe_and_single_use() {
        let tokens = ChatTokens::default();
        let token = tokens.issue(grant(Duration::minutes(1)));
        assert!(token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        let now = OffsetDateTime::now_utc();
        assert_eq!(
            tokens.redeem(&token, now).map(|g| g.user_id),
            Ok("alice".to_owned())
        );
        assert_eq!(tokens.redeem(&token, now), Err(RedeemError::AlreadyUsed));
    }

    #[test]
    fn expired_and_unknown_tokens_are_refused() {
        let tokens = ChatTokens::default();
        let token = tokens.issue(grant(Duration::seconds(1)));
        let later = OffsetDateTime::now_utc() + Duration::seconds(2);
        assert_eq!(tokens.redeem(&token, later), Err(RedeemError::Expired));
        assert_eq!(tokens.redeem("nope", later), Err(RedeemError::Unknown));
    }
}
