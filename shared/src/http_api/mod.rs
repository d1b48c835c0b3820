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

/// Serves one request of a router: the action its route key names (`actions`, 404 for none),
/// the caller checked for `permission`, `run` with the action's name and the caller's user id,
/// and the answer shaped and audited by [`finish`]. The audit names the path's `roomId`, `userId`
/// and, as the target, `target_parameter`.
pub async fn serve<F, Fut>(
    request: &ApiRequest,
    access: &AccessConfig,
    permission: Permission,
    actions: fn(&str) -> Option<&'static str>,
    target_parameter: &str,
    run: F,
) -> Response<Body>
where
    F: FnOnce(&'static str, String) -> Fut,
    Fut: std::future::Future<Output = Result<Response<Body>, ApiError>>,
{
    let Some(name) = actions(&request.route_key) else {
        let unknown = ApiError::NotFound(format!("no route {}", request.route_key));
        return finish(request, Action::named("Unknown"), Err(unknown), true);
    };
    let action = Action {
        name,
        room_id: request.optional_path("roomId"),
        user_id: request.optional_path("userId"),
        target: request.optional_path(target_parameter),
    };
    let outcome = match access.authorize(&request.caller, permission) {
        Ok(user) => run(name, user.user_id.clone()).await,
        Err(refused) => Err(refused),
    };
    finish(request, action, outcome, true)
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
                    tracing::error!(
                        request_id = request.request_id.as_str(),
                        route = request.route_key.as_str(),
                        action = action.name,
                        detail,
                        "request failed"
                    )
                }
                refusal => {
                    tracing::info!(
                        request_id = request.request_id.as_str(),
                        route = request.route_key.as_str(),
                        action = action.name,
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

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::sync::{Arc, Mutex};

    use super::*;

    /// Collects what the log subscriber writes.
    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl Write for Captured {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0
                .lock()
                .map_err(|_| std::io::Error::other("poisoned"))?
                .extend_from_slice(bytes);
            Ok(bytes.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
        type Writer = Captured;

        fn make_writer(&'a self) -> Self::Writer {
            self.clone()
        }
    }

    fn sample_request() -> ApiRequest {
        let event = include_str!("../../../events/admin-api-create-room.json");
        let request = lambda_http::request::from_str(event).expect("a sample event");
        ApiRequest::new(request, &AccessConfig::default())
    }

    fn audit_lines(
        run: impl FnOnce() -> Response<Body>,
    ) -> (Response<Body>, Vec<serde_json::Value>) {
        let captured = Captured::default();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(captured.clone())
            .with_ansi(false)
            .finish();
        let response = tracing::subscriber::with_default(subscriber, run);
        let text = String::from_utf8(captured.0.lock().expect("the log").clone()).expect("text");
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
        let action = Action {
            name: "CreateRoom",
            room_id: Some("abcdEFGH1234".into()),
            ..Action::default()
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
                Action::named("CreateRoom"),
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
