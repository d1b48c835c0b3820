//! What our API Gateway functions share: the caller from the JWT authorizer's claims, the
//! groups that authorize administration and moderation, requests read strictly, errors mapped
//! to statuses in one place, JSON answers, and the audit log. A function's router names the
//! action of each route and calls [`finish`] with its outcome.

mod access;
mod audit;
mod caller;
mod error;
mod request;
mod response;

pub use access::{AccessConfig, ClaimNames, Permission};
pub use audit::AuditEntry;
pub use caller::{parse_groups, Caller, SignedIn};
pub use error::ApiError;
pub use request::{parse_body, ApiRequest, MAX_BODY_BYTES};
pub use response::{error as error_response, json, no_content};

use lambda_http::{Body, Response};

/// An action of a route, for the audit log: its name and what it was done to.
#[derive(Debug, Clone, Default)]
pub struct Action {
    pub name: &'static str,
    pub room_id: Option<String>,
    pub user_id: Option<String>,
    pub target: Option<String>,
}

impl Action {
    pub fn named(name: &'static str) -> Self {
        Action {
            name,
            ..Action::default()
        }
    }
}

/// Shapes the answer of `action` on `request`: logs failures (internal details at error
/// level, refusals at info), writes the audit line when `audited`, and answers the error shape
/// for failures.
pub fn finish(
    request: &ApiRequest,
    action: Action,
    outcome: Result<Response<Body>, ApiError>,
    audited: bool,
) -> Response<Body> {
    let (response, result) = match outcome {
        Ok(answer) => (answer, "ok"),
        Err(error) => {
            match &error {
                ApiError::Internal(detail) => {
                    tracing::error!(request_id = %request.request_id, route = %request.route_key, action = action.name, detail, "request failed")
                }
                refusal => {
                    tracing::info!(request_id = %request.request_id, route = %request.route_key, action = action.name, status = refusal.status(), code = refusal.code(), "request refused")
                }
            }
            (error_response(&error, &request.request_id), error.code())
        }
    };
    if audited {
        let mut entry = AuditEntry::new(
            request.actor(),
            action.name,
            &request.request_id,
            time::OffsetDateTime::now_utc(),
        );
        entry.room_id = action.room_id;
        entry.user_id = action.user_id;
        entry.target = action.target;
        entry.status = response.status().as_u16();
        entry.result = result;
        entry.write();
    }
    response
}
