//! Why a token was not issued, each with the HTTP status the API answers.

/// A refusal or failure of the token issuer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IssueError {
    #[error("{0}")]
    BadRequest(String),
    #[error("sign in to join this room")]
    SignInRequired,
    #[error("{0}")]
    Forbidden(String),
    #[error("you are banned from this room")]
    Banned {
        /// RFC 3339 end of the ban; `None` is permanent.
        until: Option<String>,
    },
    #[error("room {0} does not exist")]
    RoomNotFound(String),
    #[error("too many requests; retry after {retry_after_seconds} s")]
    Throttled { retry_after_seconds: u32 },
    /// A failure of a service we depend on; the detail is logged, never sent to the caller.
    #[error("{0}")]
    Internal(String),
}

impl IssueError {
    /// The HTTP status of the answer.
    pub fn status(&self) -> u16 {
        match self {
            IssueError::BadRequest(_) => 400,
            IssueError::SignInRequired => 401,
            IssueError::Forbidden(_) | IssueError::Banned { .. } => 403,
            IssueError::RoomNotFound(_) => 404,
            IssueError::Throttled { .. } => 429,
            IssueError::Internal(_) => 500,
        }
    }

    /// A stable machine-readable code for the answer's `code` field.
    pub fn code(&self) -> &'static str {
        match self {
            IssueError::BadRequest(_) => "bad_request",
            IssueError::SignInRequired => "sign_in_required",
            IssueError::Forbidden(_) => "forbidden",
            IssueError::Banned { .. } => "banned",
            IssueError::RoomNotFound(_) => "room_not_found",
            IssueError::Throttled { .. } => "throttled",
            IssueError::Internal(_) => "internal_error",
        }
    }

    /// The answer for this refusal: `message`, `code`, `requestId`, `bannedUntil` for a ban,
    /// `Retry-After` when throttled; internal details never leave (the caller logs them).
    pub fn response(&self, request_id: &str) -> lambda_http::Response<lambda_http::Body> {
        use lambda_http::http::{header, HeaderValue};
        let message = match self {
            IssueError::Internal(_) => "Something went wrong; try again later.".to_owned(),
            other => other.to_string(),
        };
        let mut body = serde_json::json!({
            "message": message,
            "code": self.code(),
            "requestId": request_id,
        });
        if let IssueError::Banned { until } = self {
            body["bannedUntil"] = serde_json::json!(until);
        }
        let mut response = crate::http_api::json(self.status(), &body);
        if let IssueError::Throttled {
            retry_after_seconds,
        } = self
        {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(*retry_after_seconds));
        }
        response
    }
}
