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
}
