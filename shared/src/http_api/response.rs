//! The answers of the HTTP API: JSON bodies, 204 for actions with nothing to say, and the one
//! error shape (`message`, `code`, `requestId`, `field` for invalid input, `bannedUntil` for a
//! ban) with `Retry-After` when throttled.

use lambda_http::http::{header, HeaderValue, StatusCode};
use lambda_http::{Body, Response};
use serde::Serialize;
use serde_json::json;

use super::error::ApiError;

/// `status` with `body` as JSON.
pub fn json<T: Serialize + ?Sized>(status: u16, body: &T) -> Response<Body> {
    let text = serde_json::to_string(body).unwrap_or_else(|_| "{}".to_owned());
    let mut response = Response::new(Body::from(text));
    *response.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

/// 204 No Content.
pub fn no_content() -> Response<Body> {
    let mut response = Response::new(Body::Empty);
    *response.status_mut() = StatusCode::NO_CONTENT;
    response
}

/// The answer for `error`; internal details never leave (they are logged by the caller).
pub fn error(error: &ApiError, request_id: &str) -> Response<Body> {
    let mut body = json!({
        "message": error.public_message(),
        "code": error.code(),
        "requestId": request_id,
    });
    match error {
        ApiError::Invalid { field, .. } => body["field"] = json!(field),
        ApiError::Banned { until } => body["bannedUntil"] = json!(until),
        _ => {}
    }
    let mut response = json(error.status(), &body);
    if let ApiError::Throttled {
        retry_after_seconds,
    } = error
    {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(*retry_after_seconds));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_carry_code_request_id_field_and_retry_after() {
        let answer = error(&ApiError::invalid("name", "too long"), "req-1");
        assert_eq!(answer.status(), 400);
        let body: serde_json::Value = serde_json::from_slice(answer.body().as_ref()).expect("json");
        assert_eq!(body["field"], "name");
        assert_eq!(body["requestId"], "req-1");
        assert_eq!(body["code"], "invalid_request");

        let answer = error(
            &ApiError::Throttled {
                retry_after_seconds: 2,
            },
            "req-2",
        );
        assert_eq!(answer.status(), 429);
        assert_eq!(
            answer
                .headers()
                .get(header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok()),
            Some("2")
        );

        let answer = error(
            &ApiError::Banned {
                until: Some("2030-01-01T00:00:00Z".into()),
            },
            "req-4",
        );
        assert_eq!(answer.status(), 403);
        let body: serde_json::Value = serde_json::from_slice(answer.body().as_ref()).expect("json");
        assert_eq!(body["code"], "banned");
        assert_eq!(body["bannedUntil"], "2030-01-01T00:00:00Z");
        assert_eq!(body["message"], "you are banned from this room");
        let permanent = error(&ApiError::Banned { until: None }, "req-5");
        let body: serde_json::Value =
            serde_json::from_slice(permanent.body().as_ref()).expect("json");
        assert!(body["bannedUntil"].is_null(), "{body}");
        assert!(body.get("bannedUntil").is_some(), "{body}");

        let answer = error(&ApiError::Internal("secret detail".into()), "req-3");
        assert!(!String::from_utf8_lossy(answer.body().as_ref()).contains("secret"));
    }
}
