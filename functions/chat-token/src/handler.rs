//! The handler: an API Gateway request for a room's chat token in, a JSON answer out. Every
//! refusal has its status and a message; failures of other services answer 500 with the
//! request id only. Tokens, JWTs and attributes are never logged.

use lambda_http::{Body, Request, Response};
use serde::Deserialize;
use serde_json::json;
use shared::bans::BanStore;
use shared::chat_tokens::{Caller, Capability, IssueError, TokenAsk, TokenIssuer};
use shared::http_api::ApiRequest;

/// The optional request body.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct TokenRequestBody {
    capabilities: Option<Vec<String>>,
    session_duration_minutes: Option<u32>,
}

/// What the request asks, or why it cannot be read.
fn ask_of(request: &ApiRequest) -> Result<TokenAsk, IssueError> {
    let body: TokenRequestBody = request
        .body()
        .map_err(|error| IssueError::BadRequest(error.to_string()))?;
    let capabilities = match body.capabilities {
        None => None,
        Some(names) => Some(
            names
                .iter()
                .map(|name| {
                    Capability::parse(name).ok_or_else(|| {
                        IssueError::BadRequest(format!(
                            "unknown capability {name}; use SEND_MESSAGE, DELETE_MESSAGE or DISCONNECT_USER"
                        ))
                    })
                })
                .collect::<Result<Vec<_>, _>>()?,
        ),
    };
    Ok(TokenAsk {
        capabilities,
        session_duration_minutes: body.session_duration_minutes,
    })
}

/// Answers one token request.
pub(crate) async fn handle<B: BanStore>(
    issuer: &TokenIssuer<B>,
    request: Request,
) -> Response<Body> {
    let started = std::time::Instant::now();
    let request = ApiRequest::new(request, &issuer.config().access);
    let request_id = request.request_id.clone();
    let caller = request.caller.clone();
    let room_id = request.optional_path("roomId").unwrap_or_default();
    let function_arn = request.function_arn.clone();
    let outcome = match ask_of(&request) {
        Ok(ask) => {
            issuer
                .issue(
                    &function_arn,
                    &room_id,
                    &caller,
                    &ask,
                    time::OffsetDateTime::now_utc(),
                )
                .await
        }
        Err(error) => Err(error),
    };
    let user = match &caller {
        Caller::SignedIn(user) => user.user_id.as_str(),
        Caller::Anonymous => "(anonymous)",
    };
    match outcome {
        Ok(token) => {
            let capabilities: Vec<&str> = token.capabilities.iter().map(|c| c.as_str()).collect();
            let own_us = started
                .elapsed()
                .saturating_sub(token.remote_time)
                .as_micros() as u64;
            tracing::info!(request_id, room_id, user, issued_to = %token.user_id, role = token.role.as_str(), capabilities = ?capabilities, own_us, "chat token issued");
            shared::http_api::json(
                200,
                &json!({
                    "token": token.token,
                    "tokenExpirationTime": token.token_expiration_time,
                    "sessionExpirationTime": token.session_expiration_time,
                    "chatEndpoint": token.chat_endpoint,
                    "userId": token.user_id,
                    "role": token.role.as_str(),
                    "capabilities": capabilities,
                }),
            )
        }
        Err(error) => {
            match &error {
                IssueError::Internal(detail) => {
                    tracing::error!(request_id, room_id, user, detail, "chat token failed")
                }
                refusal => {
                    tracing::info!(
                        request_id,
                        room_id,
                        user,
                        status = refusal.status(),
                        code = refusal.code(),
                        "chat token refused"
                    )
                }
            }
            error.response(&request_id)
        }
    }
}
