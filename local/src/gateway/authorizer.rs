//! The JWT authorizer
//! (<https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-jwt-authorizer.html>):
//! takes the token from the identity header (bare or `Bearer`), checks its RSA signature against
//! the issuer's JWKS (discovered through `{issuer}/.well-known/openid-configuration`, cached),
//! then `iss`, `aud` (or `client_id` when `aud` is absent), `exp`, `nbf`, `iat` and the route's
//! scopes, and hands the claims on as API Gateway does: every value a string, arrays as `[a b]`.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::HeaderMap;
use http_body_util::{BodyExt, Empty};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::Value;
use tokio::sync::Mutex;

use super::config::JwtAuthorizerConfig;

/// How long fetched keys are trusted (API Gateway caches them up to 2 hours).
const KEYS_TTL: Duration = Duration::from_secs(2 * 60 * 60);
/// The least time between two fetches caused by an unknown `kid`.
const REFETCH_INTERVAL: Duration = Duration::from_secs(5);
/// How long fetching the issuer's documents may take.
const FETCH_TIMEOUT: Duration = Duration::from_secs(5);

/// A token that passed: its claims as strings and its scopes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedToken {
    pub claims: BTreeMap<String, String>,
    pub scopes: Option<Vec<String>>,
}

/// Why a request is refused with 401; `description` goes into `www-authenticate`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{description}")]
pub struct Unauthorized {
    pub description: String,
}

impl Unauthorized {
    fn new(description: impl Into<String>) -> Self {
        Unauthorized {
            description: description.into(),
        }
    }
}

struct CachedKeys {
    keys: JwkSet,
    fetched: Instant,
}

/// One authorizer with its key cache.
pub struct JwtAuthorizer {
    config: JwtAuthorizerConfig,
    keys: Mutex<Option<CachedKeys>>,
    client: Client<HttpConnector, Empty<Bytes>>,
}

impl JwtAuthorizer {
    pub fn new(config: JwtAuthorizerConfig) -> Arc<Self> {
        Arc::new(JwtAuthorizer {
            config,
            keys: Mutex::new(None),
            client: Client::builder(TokioExecutor::new()).build(HttpConnector::new()),
        })
    }

    pub fn name(&self) -> &str {
        &self.config.name
    }

    /// Checks the request's token; `scopes` are the route's (any one must be granted).
    pub async fn authorize(
        &self,
        headers: &HeaderMap,
        scopes: &[String],
    ) -> Result<VerifiedToken, Unauthorized> {
        let raw = headers
            .get(self.config.identity_header.as_str())
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .ok_or_else(|| Unauthorized::new("the token is missing"))?;
        let token = raw
            .strip_prefix("Bearer ")
            .or_else(|| raw.strip_prefix("bearer "))
            .unwrap_or(raw)
            .trim();
        let header = jsonwebtoken::decode_header(token)
            .map_err(|_| Unauthorized::new("the token is not a valid JWT"))?;
        if !matches!(
            header.alg,
            Algorithm::RS256 | Algorithm::RS384 | Algorithm::RS512
        ) {
            return Err(Unauthorized::new(
                "the token is not signed with an RSA algorithm",
            ));
        }
        let kid = header
            .kid
            .ok_or_else(|| Unauthorized::new("the token has no kid"))?;
        let key = self.decoding_key(&kid).await?;
        let mut validation = Validation::new(header.alg);
        validation.leeway = 0;
        validation.validate_aud = false;
        validation.validate_nbf = true;
        validation.set_issuer(&[self.config.issuer.as_str()]);
        validation.set_required_spec_claims(&["exp", "iss"]);
        let data = jsonwebtoken::decode::<serde_json::Map<String, Value>>(token, &key, &validation)
            .map_err(|error| Unauthorized::new(describe(&error)))?;
        let claims = data.claims;
        self.check_audience(&claims)?;
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        if claims
            .get("iat")
            .and_then(Value::as_i64)
            .is_some_and(|iat| iat > now)
        {
            return Err(Unauthorized::new("the token is not valid yet"));
        }
        let granted = granted_scopes(&claims);
        if !scopes.is_empty() && !scopes.iter().any(|s| granted.contains(s)) {
            return Err(Unauthorized::new(
                "the token does not have the required scope",
            ));
        }
        Ok(VerifiedToken {
            claims: claims
                .iter()
                .map(|(name, value)| (name.clone(), flatten(value)))
                .collect(),
            scopes: (!granted.is_empty()).then_some(granted),
        })
    }

    fn check_audience(&self, claims: &serde_json::Map<String, Value>) -> Result<(), Unauthorized> {
        let audiences: Vec<&str> = match claims.get("aud").or_else(|| claims.get("client_id")) {
            Some(Value::String(aud)) => vec![aud.as_str()],
            Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        if audiences
            .iter()
            .any(|aud| self.config.audiences.iter().any(|allowed| allowed == aud))
        {
            Ok(())
        } else {
            Err(Unauthorized::new(
                "the token does not have a valid audience",
            ))
        }
    }

    async fn decoding_key(&self, kid: &str) -> Result<DecodingKey, Unauthorized> {
        let mut cache = self.keys.lock().await;
        let stale = cache
            .as_ref()
            .is_none_or(|c| c.fetched.elapsed() > KEYS_TTL);
        let unknown = cache
            .as_ref()
            .is_some_and(|c| c.keys.find(kid).is_none() && c.fetched.elapsed() > REFETCH_INTERVAL);
        if stale || unknown {
            match self.fetch_keys().await {
                Ok(keys) => {
                    *cache = Some(CachedKeys {
                        keys,
                        fetched: Instant::now(),
                    })
                }
                Err(detail) => {
                    tracing::warn!(authorizer = %self.config.name, issuer = %self.config.issuer, "cannot fetch the issuer's keys: {detail}");
                    if cache.is_none() {
                        return Err(Unauthorized::new(
                            "the issuer's signing keys are unavailable",
                        ));
                    }
                }
            }
        }
        let jwk = cache
            .as_ref()
            .and_then(|c| c.keys.find(kid).cloned())
            .ok_or_else(|| Unauthorized::new("the token's kid matches no key of the issuer"))?;
        DecodingKey::from_jwk(&jwk)
            .map_err(|_| Unauthorized::new("the issuer's key cannot verify tokens"))
    }

    async fn fetch_keys(&self) -> Result<JwkSet, String> {
        let discovery_url = format!(
            "{}/.well-known/openid-configuration",
            self.config.issuer.trim_end_matches('/')
        );
        let discovery: Value = self.get_json(&discovery_url).await?;
        let jwks_uri = discovery
            .get("jwks_uri")
            .and_then(Value::as_str)
            .ok_or_else(|| format!("{discovery_url} has no jwks_uri"))?
            .to_owned();
        let keys: Value = self.get_json(&jwks_uri).await?;
        serde_json::from_value(keys).map_err(|e| format!("{jwks_uri} is not a JWK set: {e}"))
    }

    async fn get_json(&self, url: &str) -> Result<Value, String> {
        let uri: http::Uri = url.parse().map_err(|e| format!("{url}: {e}"))?;
        let fetch = async {
            let response = self
                .client
                .get(uri)
                .await
                .map_err(|e| format!("{url}: {e}"))?;
            if !response.status().is_success() {
                return Err(format!("{url} answered {}", response.status()));
            }
            let body = response
                .into_body()
                .collect()
                .await
                .map_err(|e| format!("{url}: {e}"))?
                .to_bytes();
            serde_json::from_slice(&body).map_err(|e| format!("{url} is not JSON: {e}"))
        };
        tokio::time::timeout(FETCH_TIMEOUT, fetch)
            .await
            .map_err(|_| format!("{url} did not answer in time"))?
    }
}

fn describe(error: &jsonwebtoken::errors::Error) -> String {
    use jsonwebtoken::errors::ErrorKind;
    match error.kind() {
        ErrorKind::ExpiredSignature => "the token has expired".to_owned(),
        ErrorKind::ImmatureSignature => "the token is not valid yet".to_owned(),
        ErrorKind::InvalidIssuer => "the token does not have a valid issuer".to_owned(),
        ErrorKind::InvalidSignature => "the token's signature is invalid".to_owned(),
        ErrorKind::MissingRequiredClaim(claim) => format!("the token has no {claim} claim"),
        _ => "the token is not valid".to_owned(),
    }
}

/// `scope` (space-separated) or `scp` (list or string).
fn granted_scopes(claims: &serde_json::Map<String, Value>) -> Vec<String> {
    match claims.get("scope").or_else(|| claims.get("scp")) {
        Some(Value::String(s)) => s.split_whitespace().map(str::to_owned).collect(),
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        _ => Vec::new(),
    }
}

/// A claim as API Gateway passes it: strings as they are, numbers and booleans as text,
/// arrays as `[a b]`, objects as JSON text.
pub fn flatten(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Array(items) => {
            let inner: Vec<String> = items.iter().map(flatten).collect();
            format!("[{}]", inner.join(" "))
        }
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn claims_are_flattened_to_strings_like_api_gateway() {
        assert_eq!(flatten(&json!("alice")), "alice");
        assert_eq!(
            flatten(&json!(["admins", "moderators"])),
            "[admins moderators]"
        );
        assert_eq!(flatten(&json!(1_700_000_000)), "1700000000");
        assert_eq!(flatten(&json!(true)), "true");
        assert_eq!(flatten(&json!({"a": 1})), r#"{"a":1}"#);
    }
}
