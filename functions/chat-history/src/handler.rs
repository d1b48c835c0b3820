//! The handler: `GET /rooms/{roomId}/history` (signed in) and `GET
//! /rooms/{roomId}/viewer-history` (anonymous, where the room allows view-only) in, messages
//! in the chat SDK's shape out. The caller is admitted as the token routes admit it (the same
//! [`RoomGate`]: room access rules, bans); then `limit` alone asks for the latest messages,
//! `from` (and `to`, `nextToken`) for a time range. `shared::http_api::serve` answers and
//! logs every refusal.

use lambda_http::{Body, Response};
use serde_json::json;
use shared::bans::BanStore;
use shared::chat_tokens::RoomGate;
use shared::history::{
    HistoryError, HistoryQuery, HistoryReader, HistoryStore, ReadError, MAX_LATEST,
};
use shared::http_api::{json as json_response, serve, ApiError, ApiRequest, RouteAction, Routes};
use shared::ids::ResourceNames;
use time::OffsetDateTime;

/// The history routes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    /// `GET /rooms/{roomId}/history`: a signed-in caller (the gateway checked the JWT).
    History,
    /// `GET /rooms/{roomId}/viewer-history`: anyone, where the room allows view-only.
    ViewerHistory,
}

impl RouteAction for Action {
    fn of_route(route_key: &str) -> Option<Self> {
        match route_key {
            "GET /rooms/{roomId}/history" => Some(Action::History),
            "GET /rooms/{roomId}/viewer-history" => Some(Action::ViewerHistory),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Action::History => "ReadHistory",
            Action::ViewerHistory => "ReadViewerHistory",
        }
    }
}

fn read_failure(error: ReadError) -> ApiError {
    match error {
        ReadError::Bans(error) => error.into(),
        ReadError::History(HistoryError::InvalidPageToken) => {
            ApiError::invalid("nextToken", HistoryError::InvalidPageToken.to_string())
        }
        ReadError::History(HistoryError::InvalidLimit { .. }) => ApiError::invalid(
            "limit",
            format!("must be a whole number from 1 to {MAX_LATEST}"),
        ),
        ReadError::History(error) if error.is_throttling() => ApiError::Throttled {
            retry_after_seconds: 1,
        },
        ReadError::History(error) => ApiError::Internal(error.to_string()),
    }
}

/// Answers one history request.
pub(crate) async fn handle<B: BanStore>(
    gate: &RoomGate<B>,
    store: &HistoryStore,
    request: lambda_http::Request,
) -> Response<Body> {
    let access = &gate.config().access;
    let request = &ApiRequest::new(request, access);
    let routes = Routes {
        access,
        permission: None,
        audit_target: None,
    };
    serve(request, routes, |_: Action| read(gate, store, request)).await
}

/// Reads what the request asks for, once the caller is admitted to the room.
async fn read<B: BanStore>(
    gate: &RoomGate<B>,
    store: &HistoryStore,
    request: &ApiRequest,
) -> Result<Response<Body>, ApiError> {
    let room_id = request.optional_path("roomId").unwrap_or_default();
    let now = OffsetDateTime::now_utc();
    let limit = request.query_number("limit", 1..=i64::from(MAX_LATEST))?;
    let query = HistoryQuery::from_parameters(
        limit,
        request.query("from").as_deref(),
        request.query("to").as_deref(),
        request.query("nextToken").as_deref(),
        now,
    )
    .map_err(|e| ApiError::invalid(e.field, e.message))?;
    let names = ResourceNames::of_function(&request.function_arn)?;
    gate.admit(&names, &room_id, &request.caller, now).await?;
    let reader = HistoryReader {
        store,
        bans: gate.bans(),
    };
    let answer = reader
        .read(&room_id, &query, now)
        .await
        .map_err(read_failure)?;
    tracing::info!(
        request_id = request.request_id.as_str(),
        room_id,
        actor = request.actor(),
        messages = answer.messages.len(),
        latest = matches!(query, HistoryQuery::Latest { .. }),
        "history read"
    );
    let mut body = json!({ "roomId": room_id, "messages": answer.messages });
    if let Some(token) = answer.next_token {
        body["nextToken"] = json!(token);
    }
    Ok(json_response(200, &body))
}
