//! The handler: `GET /rooms/{roomId}/history` (signed in) and `GET
//! /rooms/{roomId}/viewer-history` (anonymous, where the room allows view-only) in, messages
//! in the chat SDK's shape out. The caller is admitted as the token routes admit it (room
//! access rules, bans); then `limit` alone asks for the latest messages, `from` (and `to`,
//! `nextToken`) for a time range.

use lambda_http::{Body, Request, Response};
use serde_json::json;
use shared::bans::BanStore;
use shared::chat_tokens::TokenIssuer;
use shared::history::reader::ReadError;
use shared::history::{HistoryError, HistoryQuery, HistoryReader, HistoryStore, MAX_LATEST};
use shared::http_api::{error_response, json as json_response, ApiError, ApiRequest};
use time::OffsetDateTime;

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
    gate: &TokenIssuer<B>,
    store: &HistoryStore,
    request: Request,
) -> Response<Body> {
    let request = ApiRequest::new(request, &gate.config().access);
    let request_id = request.request_id.clone();
    let room_id = request.optional_path("roomId").unwrap_or_default();
    let now = OffsetDateTime::now_utc();
    let query = match request.query_number("limit", 1..=i64::from(MAX_LATEST)) {
        Ok(limit) => HistoryQuery::from_parameters(
            limit,
            request.query("from").as_deref(),
            request.query("to").as_deref(),
            request.query("nextToken").as_deref(),
            now,
        )
        .map_err(|e| ApiError::invalid(e.field, e.message)),
        Err(error) => Err(error),
    };
    let query = match query {
        Ok(query) => query,
        Err(error) => return error_response(&error, &request_id),
    };
    if let Err(refusal) = gate
        .admit(&request.function_arn, &room_id, &request.caller, now)
        .await
    {
        tracing::info!(
            request_id,
            room_id,
            actor = request.actor(),
            code = refusal.code(),
            "history refused"
        );
        return refusal.response(&request_id);
    }
    let reader = HistoryReader {
        store,
        bans: gate.bans(),
    };
    match reader.read(&room_id, &query, now).await {
        Ok(answer) => {
            tracing::info!(
                request_id,
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
            json_response(200, &body)
        }
        Err(error) => {
            let error = read_failure(error);
            if let ApiError::Internal(detail) = &error {
                tracing::error!(request_id, room_id, detail, "history failed");
            }
            error_response(&error, &request_id)
        }
    }
}
