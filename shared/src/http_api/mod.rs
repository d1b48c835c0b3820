//! What our API Gateway functions share: the caller from the JWT authorizer's claims, the
//! groups that authorize administration and moderation, requests read strictly, the one error
//! type and its answers, JSON answers, and the audit log. Every HTTP function answers through
//! [`serve`]: its routes are an enum of actions ([`RouteAction`]) parsed once from the route
//! key, and [`serve`] checks the caller, runs the action, logs and shapes the outcome.

mod access;
mod audit;
mod caller;
mod error;
mod request;
mod response;
pub mod template_routes;

pub use access::{AccessConfig, ClaimNames, Permission};
pub use audit::AuditEntry;
pub use caller::{parse_groups, Caller, SignedIn};
pub use error::{ivs_naming, validate_id, ApiError};
pub use request::{parse_body, parse_body_up_to, ApiRequest, MAX_BODY_BYTES};
pub use response::{error as error_response, json, no_content};

use lambda_http::{Body, Response};

/// The actions of one function's routes, one per route key.
pub trait RouteAction: Copy {
    /// The action of `route_key` (`METHOD /path/{param}`), `None` for a route this function
    /// does not serve.
    fn of_route(route_key: &str) -> Option<Self>;
    /// Its name in logs and the audit line, e.g. `CreateRoom`.
    fn name(self) -> &'static str;
}

/// What [`serve`] checks and records for a function's routes.
#[derive(Debug, Clone, Copy)]
pub struct Routes<'a> {
    pub access: &'a AccessConfig,
    /// What the caller must be allowed; `None` lets any caller in, signed in or not (the
    /// token and history routes decide by room admission).
    pub permission: Option<Permission>,
    /// `Some(parameter)`: every request writes an audit line naming the path's `roomId`,
    /// `userId` and, as the target, `parameter`; `None`: no audit line.
    pub audit_target: Option<&'a str>,
}

/// What an audit line says of a request: its action and what it was done to.
#[derive(Debug, Clone, Default)]
struct Audited {
    name: &'static str,
    room_id: Option<String>,
    user_id: Option<String>,
    target: Option<String>,
}

/// Serves one request: the action its route key names (404 for a route the function does not
/// serve), the caller checked for the routes' permission, `run` with the action, and the
/// answer: JSON or 204 on success, the one error shape of [`ApiError`] on failure (internal
/// details logged at error level, refusals at info), audited when the routes are.
pub async fn serve<A, F, Fut>(request: &ApiRequest, routes: Routes<'_>, run: F) -> Response<Body>
where
    A: RouteAction,
    F: FnOnce(A) -> Fut,
    Fut: std::future::Future<Output = Result<Response<Body>, ApiError>>,
{
    let audited = routes.audit_target.is_some();
    let Some(action) = A::of_route(&request.route_key) else {
        let unknown = ApiError::NotFound(format!("no route {}", request.route_key));
        let audit = Audited {
            name: "Unknown",
            ..Audited::default()
        };
        return finish(request, audit, Err(unknown), audited);
    };
    let audit = Audited {
        name: action.name(),
        room_id: request.optional_path("roomId"),
        user_id: request.optional_path("userId"),
        target: routes
            .audit_target
            .and_then(|parameter| request.optional_path(parameter)),
    };
    let allowed = match routes.permission {
        None => Ok(()),
        Some(permission) => routes
            .access
            .authorize(&request.caller, permission)
            .map(|_| ()),
    };
    let outcome = match allowed {
        Ok(()) => run(action).await,
        Err(refused) => Err(refused),
    };
    finish(request, audit, outcome, audited)
}

/// Shapes the answer of `audit`'s action on `request`: logs failures (internal details at
/// error level, refusals at info), writes the audit line when `audited`, and answers the
/// error shape for failures.
fn finish(
    request: &ApiRequest,
    audit: Audited,
    outcome: Result<Response<Body>, ApiError>,
    audited: bool,
) -> Response<Body> {
    let (response, result) = match outcome {
        Ok(answer) => (answer, "ok"),
        Err(error) => {
            match &error {
                ApiError::Internal(detail) => {
                    tracing::error!(
                        request_id = request.request_id.as_str(),
                        route = request.route_key.as_str(),
                        action = audit.name,
                        actor = request.actor(),
                        detail,
                        "request failed"
                    )
                }
                refusal => {
                    tracing::info!(
                        request_id = request.request_id.as_str(),
                        route = request.route_key.as_str(),
                        action = audit.name,
                        actor = request.actor(),
                        status = refusal.status(),
                        code = refusal.code(),
                        "request refused"
                    )
                }
            }
            (error_response(&error, &request.request_id), error.code())
        }
    };
    if audited {
        let mut entry = AuditEntry::new(
            request.actor(),
            audit.name,
            &request.request_id,
            time::OffsetDateTime::now_utc(),
        );
        entry.room_id = audit.room_id;
        entry.user_id = audit.user_id;
        entry.target = audit.target;
        entry.status = response.status().as_u16();
        entry.result = result;
        entry.write();
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::CapturedLog;

    fn sample_request() -> ApiRequest {
        let event = include_str!("../../../events/admin-api-create-room.json");
        let request = lambda_http::request::from_str(event).expect("a sample event");
        ApiRequest::new(request, &AccessConfig::default())
    }

    fn audit_lines(
        run: impl FnOnce() -> Response<Body>,
    ) -> (Response<Body>, Vec<serde_json::Value>) {
        let captured = CapturedLog::default();
        let writer = captured.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .finish();
        let response = tracing::subscriber::with_default(subscriber, run);
        let text = captured.text();
        let lines = text
            .lines()
            .filter_map(|line| line.split_once("audit=").map(|(_, json)| json))
            .map(|json| {
                serde_json::from_str(json.trim_end_matches(" audit")).expect("a JSON audit entry")
            })
            .collect();
        (response, lines)
    }

    #[test]
    fn every_request_writes_one_audit_line_with_who_what_which_and_the_result() {
        let request = sample_request();
        assert_eq!(request.route_key, "POST /rooms");
        assert_eq!(request.actor(), "carol");
        let action = Audited {
            name: "CreateRoom",
            room_id: Some("abcdEFGH1234".into()),
            ..Audited::default()
        };
        let (response, lines) = audit_lines(|| {
            finish(
                &request,
                action.clone(),
                Err(ApiError::QuotaExceeded("rooms".into())),
                true,
            )
        });
        assert_eq!(response.status(), 409);
        assert_eq!(lines.len(), 1, "{lines:?}");
        let line = &lines[0];
        assert_eq!(line["actor"], "carol");
        assert_eq!(line["action"], "CreateRoom");
        assert_eq!(line["roomId"], "abcdEFGH1234");
        assert_eq!(line["status"], 409);
        assert_eq!(line["result"], "quota_exceeded");
        assert_eq!(line["requestId"], request.request_id.as_str());

        let (response, lines) = audit_lines(|| finish(&request, action, Ok(no_content()), true));
        assert_eq!(response.status(), 204);
        assert_eq!(lines[0]["result"], "ok");
        assert_eq!(lines[0]["status"], 204);
    }

    #[test]
    fn internal_failures_answer_only_the_request_id() {
        let request = sample_request();
        let (response, _) = audit_lines(|| {
            finish(
                &request,
                Audited {
                    name: "CreateRoom",
                    ..Audited::default()
                },
                Err(ApiError::Internal("dynamodb at 10.1.2.3 refused".into())),
                true,
            )
        });
        assert_eq!(response.status(), 500);
        let body = String::from_utf8_lossy(response.body().as_ref()).to_string();
        assert!(!body.contains("10.1.2.3"), "{body}");
        assert!(body.contains(&request.request_id), "{body}");
    }
}
