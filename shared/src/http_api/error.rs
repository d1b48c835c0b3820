//! Every failure of an HTTP API call, and the one place that gives each its status, its code
//! and what the caller is told. IVS Chat, ban-store and identifier failures are mapped here
//! too, so every route of every function answers the same failure the same way.

use aws_sdk_ivschat::error::{ProvideErrorMetadata, SdkError};

use crate::bans::BanStoreError;
use crate::ids::{check_resource_id, IdError};

/// Why a call did not succeed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    /// A field of the request is missing or invalid; `field` names it (a path parameter, a
    /// query parameter, or a body field such as `messageReviewHandler.uri`; `body` for the
    /// body as a whole).
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },
    /// Invalid input to the token routes, answered `bad_request` without a `field`, as the
    /// chat clients of those routes know it.
    #[error("{0}")]
    BadRequest(String),
    #[error("sign in first")]
    Unauthorized,
    /// The room admits signed-in callers only, and the caller is anonymous.
    #[error("sign in to join this room")]
    SignInRequired,
    #[error("{0}")]
    Forbidden(String),
    /// A ban keeps the caller out of the room; the answer carries `bannedUntil`.
    #[error("you are banned from this room")]
    Banned {
        /// RFC 3339 end of the ban; `None` is permanent.
        until: Option<String>,
    },
    #[error("{0}")]
    NotFound(String),
    /// The room a caller asks to join (or read) does not exist.
    #[error("room {0} does not exist")]
    RoomNotFound(String),
    #[error("{0}")]
    Conflict(String),
    /// An IVS Chat account limit (rooms, logging configurations) is reached.
    #[error("{0}")]
    QuotaExceeded(String),
    #[error("too many requests; retry after {retry_after_seconds} s")]
    Throttled { retry_after_seconds: u32 },
    /// A failure of a service we depend on; the detail is logged, never sent to the caller.
    #[error("{0}")]
    Internal(String),
}

impl ApiError {
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        ApiError::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }

    /// The HTTP status of the answer.
    pub fn status(&self) -> u16 {
        match self {
            ApiError::Invalid { .. } | ApiError::BadRequest(_) => 400,
            ApiError::Unauthorized | ApiError::SignInRequired => 401,
            ApiError::Forbidden(_) | ApiError::Banned { .. } => 403,
            ApiError::NotFound(_) | ApiError::RoomNotFound(_) => 404,
            ApiError::Conflict(_) | ApiError::QuotaExceeded(_) => 409,
            ApiError::Throttled { .. } => 429,
            ApiError::Internal(_) => 500,
        }
    }

    /// A stable machine-readable code for the answer's `code` field.
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::Invalid { .. } => "invalid_request",
            ApiError::BadRequest(_) => "bad_request",
            ApiError::Unauthorized => "unauthorized",
            ApiError::SignInRequired => "sign_in_required",
            ApiError::Forbidden(_) => "forbidden",
            ApiError::Banned { .. } => "banned",
            ApiError::NotFound(_) => "not_found",
            ApiError::RoomNotFound(_) => "room_not_found",
            ApiError::Conflict(_) => "conflict",
            ApiError::QuotaExceeded(_) => "quota_exceeded",
            ApiError::Throttled { .. } => "throttled",
            ApiError::Internal(_) => "internal_error",
        }
    }

    /// What the caller reads: everything but internal details.
    pub fn public_message(&self) -> String {
        match self {
            ApiError::Internal(_) => "Something went wrong; try again later.".to_owned(),
            other => other.to_string(),
        }
    }

    /// [`ApiError::from_ivs`] as a function, for `map_err(ApiError::ivs("GetRoom"))`.
    pub fn ivs<E: ProvideErrorMetadata + std::error::Error + 'static>(
        operation: &'static str,
    ) -> impl Fn(SdkError<E, aws_smithy_runtime_api::http::Response>) -> ApiError {
        move |error| ApiError::from_ivs(operation, &error)
    }

    /// An IVS Chat failure of `operation`: its validation errors name the field, missing
    /// resources are 404, conflicts and account quotas 409, throttling 429; anything else
    /// (permissions, network, 5xx) is internal.
    pub fn from_ivs<E: ProvideErrorMetadata + std::error::Error + 'static>(
        operation: &str,
        error: &SdkError<E, aws_smithy_runtime_api::http::Response>,
    ) -> Self {
        let status = error.raw_response().map(|r| r.status().as_u16());
        let message = error.message().unwrap_or("").to_owned();
        match error.code() {
            Some("ThrottlingException") => ApiError::Throttled {
                retry_after_seconds: 1,
            },
            Some("ValidationException") => {
                let field = error
                    .raw_response()
                    .and_then(|r| r.body().bytes())
                    .and_then(first_invalid_field)
                    .unwrap_or_else(|| "body".to_owned());
                ApiError::Invalid { field, message }
            }
            Some("ResourceNotFoundException") => ApiError::NotFound(if message.is_empty() {
                "not found".to_owned()
            } else {
                message
            }),
            Some("ConflictException") => ApiError::Conflict(message),
            Some("ServiceQuotaExceededException") => ApiError::QuotaExceeded(format!(
                "an IVS Chat quota of this account is reached: {message}"
            )),
            _ if status == Some(429) => ApiError::Throttled {
                retry_after_seconds: 1,
            },
            _ => ApiError::Internal(format!(
                "{operation} failed: {}",
                aws_smithy_types::error::display::DisplayErrorContext(error)
            )),
        }
    }
}

/// [`ApiError::from_ivs`] for a call whose body names other resources: `identifiers`, the
/// body field `field`. IVS Chat answers ResourceNotFound alike for the resource the call is
/// about (`target`, when it exists before the call) and for one the body names; the first
/// stays 404, the second is the body's fault, a 400 naming `field` (404 would tell the caller
/// the room is gone). Which one is missing is read from the answer's `resourceId` (and its
/// `resourceType` when that says more than `ROOM`).
pub fn ivs_naming<'a, E: ProvideErrorMetadata + std::error::Error + 'static>(
    operation: &'static str,
    target: Option<&'a str>,
    field: &'static str,
    identifiers: Option<&'a [String]>,
) -> impl Fn(SdkError<E, aws_smithy_runtime_api::http::Response>) -> ApiError + 'a {
    move |error| {
        let missing = (error.code() == Some("ResourceNotFoundException"))
            .then(|| error.raw_response().and_then(|r| r.body().bytes()))
            .flatten()
            .and_then(MissingResource::read);
        let names = |identifier: &str| {
            missing
                .as_ref()
                .is_some_and(|m| last_segment(identifier) == last_segment(&m.id))
        };
        let the_target = target.is_some_and(names)
            && missing
                .as_ref()
                .is_none_or(|m| m.kind.as_deref().is_none_or(|kind| kind == "ROOM"));
        let in_body = identifiers
            .unwrap_or_default()
            .iter()
            .any(|identifier| names(identifier));
        if in_body && !the_target {
            let message = error.message().unwrap_or("not found");
            ApiError::invalid(
                field,
                format!("names a resource that does not exist: {message}"),
            )
        } else {
            ApiError::from_ivs(operation, &error)
        }
    }
}

/// What a restJson1 `ResourceNotFoundException` body says is missing.
struct MissingResource {
    id: String,
    kind: Option<String>,
}

impl MissingResource {
    fn read(body: &[u8]) -> Option<Self> {
        let body: serde_json::Value = serde_json::from_slice(body).ok()?;
        Some(MissingResource {
            id: body.get("resourceId")?.as_str()?.to_owned(),
            kind: body
                .get("resourceType")
                .and_then(serde_json::Value::as_str)
                .map(str::to_owned),
        })
    }
}

/// The id at the end of an ARN (`…:logging-configuration/abc`), or the identifier itself.
fn last_segment(identifier: &str) -> &str {
    identifier.rsplit('/').next().unwrap_or(identifier)
}

/// Checks that `id`, the path parameter `field`, is an IVS Chat resource id (12 letters and
/// digits), before any call to IVS Chat.
pub fn validate_id(field: &str, id: &str) -> Result<(), ApiError> {
    check_resource_id(id).map_err(|error| ApiError::invalid(field, error.to_string()))
}

/// An id that is not one is the caller's 400, naming the field; a function ARN the resources'
/// names cannot be derived from is ours.
impl From<IdError> for ApiError {
    fn from(error: IdError) -> Self {
        let field = match &error {
            IdError::EmptyUserId | IdError::UserIdTooLong { .. } => "userId",
            IdError::InvalidRoomId { .. } => "roomId",
            IdError::NotAResourceId => "id",
            IdError::NotAFunctionArn { .. } => return ApiError::Internal(error.to_string()),
        };
        ApiError::invalid(field, error.to_string())
    }
}

/// The first field a restJson1 `ValidationException` body names (`fieldList[0].name`).
fn first_invalid_field(body: &[u8]) -> Option<String> {
    let body: serde_json::Value = serde_json::from_slice(body).ok()?;
    body.get("fieldList")?
        .get(0)?
        .get("name")?
        .as_str()
        .map(str::to_owned)
}

impl From<BanStoreError> for ApiError {
    fn from(error: BanStoreError) -> Self {
        match error {
            BanStoreError::Invalid(invalid) => {
                use crate::bans::BanValidationError as V;
                let field = match &invalid {
                    V::Id(id) => return ApiError::from(id.clone()),
                    V::ReasonTooLong { .. } => "reason",
                    V::EmptyBannedBy | V::BannedByTooLong { .. } => "sub",
                    V::ExpiryNotInFuture { .. } | V::DurationOutOfRange => "durationMinutes",
                    V::InvalidLimit { .. } => "maxResults",
                    V::InvalidPageToken { .. } => "nextToken",
                };
                ApiError::invalid(field, invalid.to_string())
            }
            BanStoreError::Throttled { .. } => ApiError::Throttled {
                retry_after_seconds: 1,
            },
            other => ApiError::Internal(other.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_its_status_and_internal_details_stay_inside() {
        assert_eq!(ApiError::invalid("name", "too long").status(), 400);
        assert_eq!(ApiError::Unauthorized.status(), 401);
        assert_eq!(ApiError::BadRequest("x".into()).status(), 400);
        assert_eq!(ApiError::SignInRequired.status(), 401);
        assert_eq!(ApiError::Forbidden("x".into()).status(), 403);
        assert_eq!(ApiError::Banned { until: None }.status(), 403);
        assert_eq!(ApiError::NotFound("x".into()).status(), 404);
        assert_eq!(ApiError::RoomNotFound("x".into()).status(), 404);
        assert_eq!(ApiError::Conflict("x".into()).status(), 409);
        assert_eq!(ApiError::QuotaExceeded("x".into()).status(), 409);
        assert_eq!(
            ApiError::Throttled {
                retry_after_seconds: 1
            }
            .status(),
            429
        );
        let internal = ApiError::Internal("dynamodb at 10.0.0.1 said no".into());
        assert_eq!(internal.status(), 500);
        assert!(!internal.public_message().contains("10.0.0.1"));
        assert_eq!(
            ApiError::invalid("name", "too long").public_message(),
            "name: too long"
        );
    }

    #[test]
    fn ids_are_checked_and_name_their_field() {
        assert!(validate_id("roomId", "abcdEFGH1234").is_ok());
        for bad in ["", "abc", "abcdEFGH123!", "abcdEFGH12345"] {
            let error = validate_id("roomId", bad).expect_err(bad);
            assert_eq!(error.status(), 400, "{bad}");
            assert!(
                matches!(&error, ApiError::Invalid { field, .. } if field == "roomId"),
                "{error:?}"
            );
        }
        assert_eq!(
            ApiError::from(IdError::NotAFunctionArn { arn: "x".into() }).status(),
            500
        );
    }

    #[test]
    fn the_missing_resource_is_read_from_a_not_found_body() {
        let body = br#"{"message":"Logging configuration not found: abc","resourceId":"arn:aws:ivschat:us-east-1:123456789012:logging-configuration/abc","resourceType":"LOGGING_CONFIGURATION"}"#;
        let missing = MissingResource::read(body).expect("read");
        assert_eq!(last_segment(&missing.id), "abc");
        assert_eq!(missing.kind.as_deref(), Some("LOGGING_CONFIGURATION"));
        assert!(MissingResource::read(b"{}").is_none());
        assert!(MissingResource::read(b"not json").is_none());
        assert_eq!(last_segment("abc"), "abc");
    }

    #[test]
    fn the_first_invalid_field_is_read_from_a_validation_body() {
        let body = br#"{"message":"bad","reason":"FIELD_VALIDATION_FAILED","fieldList":[{"name":"maximumMessageLength","message":"must be <= 500"}]}"#;
        assert_eq!(
            first_invalid_field(body).as_deref(),
            Some("maximumMessageLength")
        );
        assert_eq!(first_invalid_field(b"not json"), None);
        assert_eq!(first_invalid_field(br#"{"fieldList":[]}"#), None);
    }
}
