//! The local OpenID issuer, what Cognito or another identity provider is in AWS: an RSA
//! signing key kept in the data directory (so `ivschat-local dev-token` in another process
//! signs tokens the running stack accepts), its JWKS and discovery document, and minting ID
//! tokens for any local user and groups.

use std::path::{Path, PathBuf};
use std::time::Duration;

use base64::Engine;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use rsa::pkcs8::{DecodePrivateKey, EncodePrivateKey, LineEnding};
use rsa::traits::PublicKeyParts;
use rsa::RsaPrivateKey;
use serde_json::{json, Value};
use sha2::Digest;
use time::OffsetDateTime;

/// The file in the data directory that holds the signing key (PKCS#8 PEM).
pub const KEY_FILE: &str = "oidc-signing-key.pem";

/// The longest user id, in characters (Unicode scalar values, not bytes), as IVS Chat's
/// CreateChatToken `userId` and the HTTP API's user ids count it.
pub const MAX_USER_CHARS: usize = 128;

/// The path, under the issuer's base URL, of the discovery document.
pub const DISCOVERY_PATH: &str = "/.well-known/openid-configuration";
/// The path, under the issuer's base URL, of the key set.
pub const JWKS_PATH: &str = "/.well-known/jwks.json";

/// Why the issuer cannot work.
#[derive(Debug, thiserror::Error)]
pub enum IdentityError {
    #[error("cannot read or write the signing key {path}: {source}")]
    KeyFile {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the signing key {path} is not a PKCS#8 RSA key: {message}")]
    BadKey { path: PathBuf, message: String },
    #[error("cannot generate a signing key: {0}")]
    Generate(String),
    #[error("cannot sign a token: {0}")]
    Sign(String),
    #[error("bad token request: {0}")]
    BadRequest(String),
}

/// Who a minted token is for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TokenRequest {
    /// The user id (`sub` and `cognito:username`).
    pub user: String,
    /// Groups (`cognito:groups`), e.g. `moderators`, `admins`.
    pub groups: Vec<String>,
    /// Display name (`name`).
    pub name: Option<String>,
    /// Avatar URL (`picture`).
    pub picture: Option<String>,
    /// How long the token is valid.
    pub lifetime: Duration,
}

/// The local issuer: its URL, audience, key id and signing key.
pub struct LocalIssuer {
    issuer_url: String,
    audience: String,
    key_id: String,
    encoding_key: EncodingKey,
    jwk: Value,
}

impl std::fmt::Debug for LocalIssuer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LocalIssuer")
            .field("issuer_url", &self.issuer_url)
            .field("audience", &self.audience)
            .field("key_id", &self.key_id)
            .finish_non_exhaustive()
    }
}

impl LocalIssuer {
    /// The issuer whose key is `data_dir/oidc-signing-key.pem`, made (mode 0600) on first use.
    pub fn load_or_create(
        data_dir: &Path,
        issuer_url: impl Into<String>,
        audience: impl Into<String>,
    ) -> Result<Self, IdentityError> {
        let path = data_dir.join(KEY_FILE);
        let pem = load_or_create_key(data_dir)?;
        Self::from_pem(&pem, issuer_url, audience).map_err(|error| match error {
            IdentityError::BadKey { message, .. } => IdentityError::BadKey { path, message },
            other => other,
        })
    }

    /// The issuer for a PKCS#8 PEM RSA private key.
    pub fn from_pem(
        pem: &str,
        issuer_url: impl Into<String>,
        audience: impl Into<String>,
    ) -> Result<Self, IdentityError> {
        let bad = |message: String| IdentityError::BadKey {
            path: PathBuf::from("<memory>"),
            message,
        };
        let key = RsaPrivateKey::from_pkcs8_pem(pem).map_err(|e| bad(e.to_string()))?;
        let encoding_key =
            EncodingKey::from_rsa_pem(pem.as_bytes()).map_err(|e| bad(e.to_string()))?;
        let b64 = |bytes: Vec<u8>| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
        let n = b64(key.n().to_bytes_be());
        let e = b64(key.e().to_bytes_be());
        let key_id = hex::encode(&sha2::Sha256::digest(n.as_bytes())[..8]);
        let jwk =
            json!({ "kty": "RSA", "alg": "RS256", "use": "sig", "kid": key_id, "n": n, "e": e });
        Ok(LocalIssuer {
            issuer_url: issuer_url.into().trim_end_matches('/').to_owned(),
            audience: audience.into(),
            key_id,
            encoding_key,
            jwk,
        })
    }

    pub fn issuer_url(&self) -> &str {
        &self.issuer_url
    }

    pub fn audience(&self) -> &str {
        &self.audience
    }

    /// The key set served at `{issuer}/.well-known/jwks.json`.
    pub fn jwks(&self) -> Value {
        json!({ "keys": [self.jwk] })
    }

    /// The discovery document served at `{issuer}/.well-known/openid-configuration`.
    pub fn discovery(&self) -> Value {
        json!({
            "issuer": self.issuer_url,
            "jwks_uri": format!("{}{JWKS_PATH}", self.issuer_url),
            "id_token_signing_alg_values_supported": ["RS256"],
            "response_types_supported": ["id_token"],
            "subject_types_supported": ["public"],
        })
    }

    /// A signed ID token, shaped like Cognito's: `sub`, `cognito:username`, `cognito:groups`,
    /// `name`, `picture`, `aud`, `iss`, `token_use`, `iat`, `exp`.
    pub fn mint(&self, request: &TokenRequest) -> Result<String, IdentityError> {
        let user = checked_user(&request.user)?;
        let now = OffsetDateTime::now_utc().unix_timestamp();
        let lifetime = i64::try_from(request.lifetime.as_secs()).unwrap_or(i64::MAX / 2);
        let mut claims = json!({
            "sub": user,
            "cognito:username": user,
            "iss": self.issuer_url,
            "aud": self.audience,
            "token_use": "id",
            "auth_time": now,
            "iat": now,
            "exp": now.saturating_add(lifetime),
        });
        if !request.groups.is_empty() {
            claims["cognito:groups"] = json!(request.groups);
        }
        if let Some(name) = &request.name {
            claims["name"] = json!(name);
        }
        if let Some(picture) = &request.picture {
            claims["picture"] = json!(picture);
        }
        let mut header = Header::new(Algorithm::RS256);
        header.kid = Some(self.key_id.clone());
        jsonwebtoken::encode(&header, &claims, &self.encoding_key)
            .map_err(|e| IdentityError::Sign(e.to_string()))
    }
}

/// The user id a token may carry: trimmed, 1 to [`MAX_USER_CHARS`] characters. Counted in
/// characters as IVS Chat counts CreateChatToken's `userId`, so that any id the issuer mints
/// is one the HTTP API accepts, and the other way round (128 `é` are 256 bytes, and fine).
fn checked_user(user: &str) -> Result<&str, IdentityError> {
    let user = user.trim();
    let chars = user.chars().count();
    if chars == 0 || chars > MAX_USER_CHARS {
        return Err(IdentityError::BadRequest(format!(
            "the user must be 1 to {MAX_USER_CHARS} characters; this one has {chars}"
        )));
    }
    Ok(user)
}

/// The signing key (PKCS#8 PEM) of `data_dir/oidc-signing-key.pem`, made (mode 0600) on
/// first use.
pub fn load_or_create_key(data_dir: &Path) -> Result<String, IdentityError> {
    let path = data_dir.join(KEY_FILE);
    let key_error = |source| IdentityError::KeyFile {
        path: path.clone(),
        source,
    };
    match std::fs::read_to_string(&path) {
        Ok(pem) => Ok(pem),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(data_dir).map_err(key_error)?;
            let pem = generate_pem()?;
            write_private(&path, &pem).map_err(key_error)?;
            Ok(pem)
        }
        Err(error) => Err(key_error(error)),
    }
}

fn generate_pem() -> Result<String, IdentityError> {
    let mut rng = rand::rngs::OsRng;
    let key =
        RsaPrivateKey::new(&mut rng, 2048).map_err(|e| IdentityError::Generate(e.to_string()))?;
    let pem = key
        .to_pkcs8_pem(LineEnding::LF)
        .map_err(|e| IdentityError::Generate(e.to_string()))?;
    Ok(pem.to_string())
}

fn write_private(path: &Path, pem: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)?.write_all(pem.as_bytes())
}

/// A fresh PKCS#8 PEM RSA key, for tests that need an issuer without a data directory.
pub fn generate_key_pem() -> Result<String, IdentityError> {
    generate_pem()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn issuer() -> LocalIssuer {
        let pem = generate_key_pem().expect("an RSA key");
        LocalIssuer::from_pem(&pem, "http://127.0.0.1:8331/_local/oidc", "ivschat-local")
            .expect("an issuer")
    }

    fn claims(token: &str) -> Value {
        let payload = token.split('.').nth(1).unwrap_or_default();
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload)
            .unwrap_or_default();
        serde_json::from_slice(&bytes).unwrap_or_default()
    }

    fn request(user: &str) -> TokenRequest {
        TokenRequest {
            user: user.to_owned(),
            lifetime: Duration::from_secs(60),
            ..TokenRequest::default()
        }
    }

    #[test]
    fn user_ids_are_counted_in_characters_as_ivs_chat_counts_them() {
        let issuer = issuer();
        // 128 two-byte characters: 256 bytes, within IVS Chat's 128 characters.
        let accented = "é".repeat(MAX_USER_CHARS);
        let token = issuer.mint(&request(&accented)).expect("128 characters");
        assert_eq!(claims(&token)["sub"], accented.as_str());
        let emoji = "🙂".repeat(MAX_USER_CHARS);
        assert!(
            issuer.mint(&request(&emoji)).is_ok(),
            "128 four-byte characters"
        );
        assert!(issuer.mint(&request(&"a".repeat(MAX_USER_CHARS))).is_ok());

        for too_long in [
            "é".repeat(MAX_USER_CHARS + 1),
            "a".repeat(MAX_USER_CHARS + 1),
        ] {
            let refused = issuer.mint(&request(&too_long));
            assert!(
                matches!(&refused, Err(IdentityError::BadRequest(m)) if m.contains("129")),
                "{refused:?}"
            );
        }
        for empty in ["", "   "] {
            assert!(matches!(
                issuer.mint(&request(empty)),
                Err(IdentityError::BadRequest(_))
            ));
        }
    }
}
