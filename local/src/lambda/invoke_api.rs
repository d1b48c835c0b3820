//! The Lambda Invoke API on the service's listener
//! (`POST /2015-03-31/functions/{FunctionName}/invocations`), for hosted functions, so that
//! `aws lambda invoke --endpoint-url` and the Lambda SDKs work. As in Lambda, every request
//! must be SigV4-signed (service `lambda`) with the service's key pair unless signatures are
//! not verified, and the payload must be JSON (an empty one stands for `{}`).
//! See <https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html> and
//! <https://docs.aws.amazon.com/lambda/latest/api/CommonErrors.html>.

use axum::body::{to_bytes, Body, Bytes};
use http::{HeaderValue, Request, Response, StatusCode};
use percent_encoding::percent_decode_str;

use super::invoke::{FunctionInvoker, InvokeError};
use crate::auth::{AuthError, SigV4Verifier};

/// The path every Invoke API request starts with.
pub const PATH_PREFIX: &str = "/2015-03-31/functions/";

/// Largest synchronous invocation payload Lambda accepts.
const MAX_PAYLOAD: usize = 6 * 1024 * 1024;

/// Whether a request is for the Invoke API.
pub fn is_invoke_request(request: &Request<Body>) -> bool {
    request.uri().path().starts_with(PATH_PREFIX)
}

/// The function name in a `FunctionName` path label: a name, `name:qualifier`, a partial
/// ARN `ACCOUNT:function:name` or a full ARN.
fn name_of(label: &str) -> &str {
    let parts: Vec<&str> = label.split(':').collect();
    match parts.iter().position(|part| *part == "function") {
        Some(index) if index + 1 < parts.len() => parts[index + 1],
        _ => parts[0],
    }
}

fn error(status: StatusCode, error_type: &'static str, message: &str) -> Response<Body> {
    let body =
        serde_json::json!({ "Type": "User", "Message": message, "message": message }).to_string();
    respond_with_error(status, error_type, body)
}

/// A request that is not authenticated. AWS answers these before Lambda sees them, with
/// only a `message`; Lambda lists them all as 403.
fn auth_error(failure: &AuthError) -> Response<Body> {
    let body = serde_json::json!({ "message": failure.to_string() }).to_string();
    respond_with_error(StatusCode::FORBIDDEN, failure.error_type(), body)
}

fn respond_with_error(
    status: StatusCode,
    error_type: &'static str,
    body: String,
) -> Response<Body> {
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    headers.insert("x-amzn-errortype", HeaderValue::from_static(error_type));
    if let Ok(id) = HeaderValue::from_str(&uuid::Uuid::new_v4().to_string()) {
        headers.insert("x-amzn-requestid", id);
    }
    response
}

/// Why a request body is not an event a function can get.
#[derive(Debug, thiserror::Error)]
enum PayloadError {
    #[error("Could not parse request body into json: Could not parse payload into json: {0}")]
    NotJson(#[source] serde_json::Error),
}

/// The payload a function gets: the request body, which must be JSON; an empty body
/// stands for `{}`, as in Lambda.
fn event_payload(body: Bytes) -> Result<Bytes, PayloadError> {
    if body.is_empty() {
        return Ok(Bytes::from_static(b"{}"));
    }
    serde_json::from_slice::<serde::de::IgnoredAny>(&body).map_err(PayloadError::NotJson)?;
    Ok(body)
}

/// Answers one Invoke API request: checks its signature with `verifier` (none: signatures
/// are not verified). `function_arn` names a function in error messages.
pub async fn handle(
    invoker: &FunctionInvoker,
    verifier: Option<&SigV4Verifier>,
    request: Request<Body>,
    function_arn: impl Fn(&str) -> String,
) -> Response<Body> {
    let path = request.uri().path().to_owned();
    let Some(label) = path
        .strip_prefix(PATH_PREFIX)
        .and_then(|rest| rest.strip_suffix("/invocations"))
    else {
        return error(
            StatusCode::NOT_FOUND,
            "UnknownOperationException",
            &format!("No Lambda operation matches {path}"),
        );
    };
    if request.method() != http::Method::POST {
        return error(
            StatusCode::METHOD_NOT_ALLOWED,
            "UnknownOperationException",
            "Invoke takes POST",
        );
    }
    let decoded = percent_decode_str(label).decode_utf8_lossy().into_owned();
    let name = name_of(&decoded).to_owned();
    let invocation_type = request
        .headers()
        .get("x-amz-invocation-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("RequestResponse")
        .to_owned();
    let (parts, body) = request.into_parts();
    let body = match to_bytes(body, MAX_PAYLOAD).await {
        Ok(body) => body,
        Err(_) => {
            return error(
                StatusCode::PAYLOAD_TOO_LARGE,
                "RequestTooLargeException",
                "Request must be smaller than 6291456 bytes for the InvokeFunction operation",
            );
        }
    };
    if let Some(verifier) = verifier {
        if let Err(failure) = verifier.verify(&parts, &body, time::OffsetDateTime::now_utc()) {
            tracing::debug!("refused an Invoke API request for {name}: {failure}");
            return auth_error(&failure);
        }
    }
    let payload = match event_payload(body) {
        Ok(payload) => payload,
        Err(failure) => {
            return error(
                StatusCode::BAD_REQUEST,
                "InvalidRequestContentException",
                &failure.to_string(),
            )
        }
    };
    let Some(function) = invoker.hosted(&name) else {
        return error(
            StatusCode::NOT_FOUND,
            "ResourceNotFoundException",
            &format!("Function not found: {}", function_arn(&name)),
        );
    };
    let mut response = match invocation_type.as_str() {
        "DryRun" => {
            let mut response = Response::new(Body::empty());
            *response.status_mut() = StatusCode::NO_CONTENT;
            response
        }
        "Event" => {
            let invoker = invoker.clone();
            tokio::spawn(async move {
                if let Some(function) = invoker.hosted(&name) {
                    if let Err(failure) = function.invoke(payload).await {
                        tracing::warn!("asynchronous invocation of {name} failed: {failure}");
                    }
                }
            });
            let mut response = Response::new(Body::empty());
            *response.status_mut() = StatusCode::ACCEPTED;
            response
        }
        "RequestResponse" => match function.invoke(payload).await {
            Ok(result) => Response::new(Body::from(result)),
            Err(InvokeError::Failed { body, .. }) => {
                let mut response = Response::new(Body::from(body));
                response.headers_mut().insert(
                    "x-amz-function-error",
                    HeaderValue::from_static("Unhandled"),
                );
                response
            }
            Err(other) => {
                return error(
                    StatusCode::BAD_GATEWAY,
                    "ServiceException",
                    &other.to_string(),
                )
            }
        },
        other => {
            return error(
                StatusCode::BAD_REQUEST,
                "InvalidParameterValueException",
                &format!(
                    "Invalid InvocationType '{other}': expected RequestResponse, Event or DryRun"
                ),
            );
        }
    };
    let headers = response.headers_mut();
    headers.insert(
        "x-amz-executed-version",
        HeaderValue::from_static("$LATEST"),
    );
    headers.insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    if let Ok(id) = HeaderValue::from_str(&uuid::Uuid::new_v4().to_string()) {
        headers.insert("x-amzn-requestid", id);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_payload_is_an_empty_object_and_bad_json_is_refused() {
        assert_eq!(
            event_payload(Bytes::new()).ok(),
            Some(Bytes::from_static(b"{}"))
        );
        assert_eq!(
            event_payload(Bytes::from_static(b"[1, \"a\"]")).ok(),
            Some(Bytes::from_static(b"[1, \"a\"]"))
        );
        assert!(matches!(
            event_payload(Bytes::from_static(b"{not json")),
            Err(PayloadError::NotJson(_))
        ));
    }

    #[test]
    fn function_names_come_from_names_and_arns() {
        assert_eq!(name_of("review"), "review");
        assert_eq!(name_of("review:live"), "review");
        assert_eq!(name_of("123456789012:function:review"), "review");
        assert_eq!(
            name_of("arn:aws:lambda:us-west-2:123456789012:function:review:3"),
            "review"
        );
    }
}
