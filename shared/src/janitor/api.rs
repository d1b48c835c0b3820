//! The few IVS Chat operations the janitor uses, as a small trait the sweep is generic over,
//! with the plain data it needs from their answers and a classified error.

use std::collections::HashMap;
use std::fmt;
use std::future::Future;

use time::OffsetDateTime;

/// Tags of a room or logging configuration.
pub type Tags = HashMap<String, String>;

/// What the janitor needs to know of a room (a ListRooms summary).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoomSummary {
    pub arn: String,
    pub name: String,
    pub update_time: OffsetDateTime,
    pub tags: Tags,
    /// ARNs of the logging configurations attached to the room.
    pub logging_configuration_arns: Vec<String>,
}

/// What the janitor needs to know of a logging configuration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoggingConfigurationSummary {
    pub arn: String,
    pub name: String,
    pub tags: Tags,
}

/// One page of a listing and the token of the next one (absent on the last page).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_token: Option<String>,
}

/// A ListRooms request: the page to read and, optionally, only the rooms using one logging
/// configuration.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ListRooms {
    pub next_token: Option<String>,
    pub logging_configuration_arn: Option<String>,
}

/// The operations the janitor calls, each with its own AWS rate quota.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Operation {
    ListRooms,
    ListTagsForResource,
    DeleteRoom,
    ListLoggingConfigurations,
    DeleteLoggingConfiguration,
}

impl Operation {
    pub fn as_str(self) -> &'static str {
        match self {
            Operation::ListRooms => "ListRooms",
            Operation::ListTagsForResource => "ListTagsForResource",
            Operation::DeleteRoom => "DeleteRoom",
            Operation::ListLoggingConfigurations => "ListLoggingConfigurations",
            Operation::DeleteLoggingConfiguration => "DeleteLoggingConfiguration",
        }
    }
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a failed call failed, which decides whether it is worth trying again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// ThrottlingException (429): retried after a backoff.
    Throttled,
    /// A 5xx answer: retried after a backoff.
    ServerError,
    /// No answer: a timeout or a connection failure. Retried; the call may have taken effect.
    Transient,
    /// ResourceNotFoundException (404): for a delete, the resource is already gone.
    NotFound,
    /// ConflictException (409), e.g. a logging configuration still in use.
    Conflict,
    /// Any other refusal (access denied, validation): retrying would not help.
    Rejected,
}

impl ErrorKind {
    /// Whether another attempt may succeed.
    pub fn is_retryable(self) -> bool {
        matches!(
            self,
            ErrorKind::Throttled | ErrorKind::ServerError | ErrorKind::Transient
        )
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Throttled => "throttled",
            ErrorKind::ServerError => "server error",
            ErrorKind::Transient => "no answer",
            ErrorKind::NotFound => "not found",
            ErrorKind::Conflict => "conflict",
            ErrorKind::Rejected => "rejected",
        }
    }
}

/// A failed IVS Chat call: which operation, how it failed, and what the service said.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{operation} failed ({}): {message}", kind.as_str())]
pub struct ApiError {
    pub operation: Operation,
    pub kind: ErrorKind,
    pub message: String,
}

impl ApiError {
    pub fn new(operation: Operation, kind: ErrorKind, message: impl Into<String>) -> Self {
        ApiError {
            operation,
            kind,
            message: message.into(),
        }
    }
}

/// The IVS Chat operations the janitor uses. Implemented for the SDK client in
/// [`super::SdkChatApi`]; tests wrap it to inject faults. Implementations make exactly one
/// attempt per call: the sweep owns retries, pacing and timeouts.
pub trait ChatApi: Send + Sync {
    /// One page of ListRooms.
    fn list_rooms(
        &self,
        request: ListRooms,
    ) -> impl Future<Output = Result<Page<RoomSummary>, ApiError>> + Send;

    /// The current tags of a room (ListTagsForResource).
    fn room_tags(&self, room_arn: &str) -> impl Future<Output = Result<Tags, ApiError>> + Send;

    /// DeleteRoom.
    fn delete_room(&self, room_arn: &str) -> impl Future<Output = Result<(), ApiError>> + Send;

    /// One page of ListLoggingConfigurations.
    fn list_logging_configurations(
        &self,
        next_token: Option<String>,
    ) -> impl Future<Output = Result<Page<LoggingConfigurationSummary>, ApiError>> + Send;

    /// DeleteLoggingConfiguration.
    fn delete_logging_configuration(
        &self,
        arn: &str,
    ) -> impl Future<Output = Result<(), ApiError>> + Send;
}
