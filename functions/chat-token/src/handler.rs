//! The handler: an API Gateway request for a room's chat token in, a JSON answer out. Every
//! refusal has its status and a message (`shared::http_api::serve` answers and logs it);
//! failures of other services answer 500 with the request id only. Tokens, JWTs and
//! attributes are never logged.

use lambda_http::{Body, Request, Response};
use serde::Deserialize;
use serde_json::json;
use shared::bans::BanStore;
use shared::chat_tokens::{Capability, TokenAsk, TokenIssuer};
use shared::http_api::{serve, ApiError, ApiRequest, RouteAction, Routes};
use shared::ids::ResourceNames;

/// The token routes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    /// `POST /rooms/{roomId}/chat-token`: a signed-in caller (the gateway checked the JWT).
    ChatToken,
    /// `POST /rooms/{roomId}/viewer-token`: anyone, view-only where the room allows it.
    ViewerToken,
}

impl RouteAction for Action {
    fn of_route(route_key: &str) -> Option<Self> {
        match route_key {
            "POST /rooms/{roomId}/chat-token" => Some(Action::ChatToken),
            "POST /rooms/{roomId}/viewer-token" => Some(Action::ViewerToken),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Action::ChatToken => "CreateChatToken",
            Action::ViewerToken => "CreateViewerToken",
        }
    }
}

/// The optional request body.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct TokenRequestBody {
    capabilities: Option<Vec<String>>,
    session_duration_minutes: Option<u32>,
}

/// What the request asks, or why it cannot be read.
fn ask_of(request: &ApiRequest) -> Result<TokenAsk, ApiError> {
    let body: TokenRequestBody = request
        .body()
        .map_err(|error| ApiError::BadRequest(error.to_string()))?;
    let capabilities = match body.capabilities {
        None => None,
        Some(names) => Some(
            names
                .iter()
                .map(|name| {
                    Capability::parse(name).ok_or_else(|| {
                        ApiError::BadRequest(format!(
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
    let access = &issuer.config().access;
    let request = &ApiRequest::new(request, access);
    let routes = Routes {
        access,
        permission: None,
        audit_target: None,
    };
    serve(request, routes, |_: Action| issue(issuer, request)).await
}

/// Issues the token the request asks for (both routes alike: who the caller is decides).
async fn issue<B: BanStore>(
    issuer: &TokenIssuer<B>,
    request: &ApiRequest,
) -> Result<Response<Body>, ApiError> {
    let started = std::time::Instant::now();
    let room_id = request.optional_path("roomId").unwrap_or_default();
    let ask = ask_of(request)?;
    let names = ResourceNames::of_function(&request.function_arn)?;
    let token = issuer
        .issue(
            &names,
            &room_id,
            &request.caller,
            &ask,
            time::OffsetDateTime::now_utc(),
        )
        .await?;
    let capabilities: Vec<&str> = token.capabilities.iter().map(|c| c.as_str()).collect();
    let own_us = started
        .elapsed()
        .saturating_sub(token.remote_time)
        .as_micros() as u64;
    log_issued(&Issued {
        request_id: &request.request_id,
        room_id: &room_id,
        user: request.actor(),
        issued_to: &token.user_id,
        role: token.role.as_str(),
        capabilities: &capabilities,
        own_us,
    });
    Ok(shared::http_api::json(
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
    ))
}

/// What the log line of an issued token says.
struct Issued<'a> {
    request_id: &'a str,
    room_id: &'a str,
    user: &'a str,
    issued_to: &'a str,
    role: &'a str,
    capabilities: &'a [&'a str],
    own_us: u64,
}

/// The log line of an issued token. Every value the caller controls (user ids come from the
/// JWT, the room id from the path) is a `&str` field, which the log formats escape and quote,
/// so a value holding a line break cannot write a line of its own.
fn log_issued(issued: &Issued<'_>) {
    tracing::info!(
        request_id = issued.request_id,
        room_id = issued.room_id,
        user = issued.user,
        issued_to = issued.issued_to,
        role = issued.role,
        capabilities = ?issued.capabilities,
        own_us = issued.own_us,
        "chat token issued"
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::test_support::CapturedLog;

    #[test]
    fn a_user_id_with_a_line_break_cannot_forge_a_log_line() {
        let forged = "alice\n2026-01-01T00:00:00Z  INFO chat token issued issued_to=admin";
        for json in [false, true] {
            let captured = CapturedLog::default();
            let writer = captured.clone();
            let builder = tracing_subscriber::fmt()
                .with_writer(move || writer.clone())
                .with_ansi(false);
            let subscriber: Box<dyn tracing::Subscriber + Send + Sync> = if json {
                Box::new(builder.json().finish())
            } else {
                Box::new(builder.finish())
            };
            tracing::subscriber::with_default(subscriber, || {
                log_issued(&Issued {
                    request_id: "r1",
                    room_id: "room\r\nx",
                    user: forged,
                    issued_to: forged,
                    role: "user",
                    capabilities: &["SEND_MESSAGE"],
                    own_us: 1,
                })
            });
            let text = captured.text();
            assert_eq!(text.lines().count(), 1, "json={json}: {text}");
            assert!(text.contains("alice\\n2026"), "json={json}: {text}");
        }
    }
}
