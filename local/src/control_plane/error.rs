//! The modeled errors of the IVS Chat control plane and how each goes on the wire: HTTP
//! status, `x-amzn-ErrorType` header and JSON body with the shape's members.

use serde::Serialize;
use serde_json::json;

use crate::auth::AuthError;
use crate::state::StateError;

/// `reason` of a ValidationException.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ValidationReason {
    UnknownOperation,
    FieldValidationFailed,
    Other,
}

/// One entry of a ValidationException's `fieldList`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub name: String,
    pub message: String,
    /// The offending value for the summary message; `None` for sensitive or non-scalar members.
    #[serde(skip)]
    pub value: Option<String>,
}

impl FieldError {
    pub fn new(name: String, value: Option<&str>, constraint: String) -> Self {
        FieldError {
            name,
            message: constraint,
            value: value.map(str::to_owned),
        }
    }

    fn summary(&self) -> String {
        match &self.value {
            Some(value) => format!(
                "Value '{value}' at '{}' failed to satisfy constraint: {}",
                self.name, self.message
            ),
            None => format!(
                "Value at '{}' failed to satisfy constraint: {}",
                self.name, self.message
            ),
        }
    }
}

/// The `resourceType` of not-found, conflict, quota and throttling errors. The model's enum
/// has only `ROOM`; logging configurations are named for what they are.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ResourceType {
    Room,
    LoggingConfiguration,
}

/// A modeled (or, for authentication, AWS-wide) error answer.
#[derive(Debug, PartialEq, Eq)]
pub enum ServiceError {
    Validation {
        reason: ValidationReason,
        message: String,
        fields: Vec<FieldError>,
    },
    ResourceNotFound {
        message: String,
        resource_id: String,
        resource_type: ResourceType,
    },
    Conflict {
        message: String,
        resource_id: String,
        resource_type: ResourceType,
    },
    ServiceQuotaExceeded {
        message: String,
        resource_id: String,
        resource_type: ResourceType,
        limit: u64,
    },
    Throttling {
        message: String,
        resource_id: String,
        resource_type: ResourceType,
        limit: u64,
    },
    Internal {
        message: String,
    },
    Auth(AuthError),
}

impl ServiceError {
    /// A body that cannot be read as the operation's input (bad JSON, not an object, too big).
    pub fn malformed(message: impl Into<String>) -> Self {
        ServiceError::Validation {
            reason: ValidationReason::Other,
            message: message.into(),
            fields: Vec::new(),
        }
    }

    pub fn unknown_operation(method: &str, path: &str) -> Self {
        ServiceError::Validation {
            reason: ValidationReason::UnknownOperation,
            message: format!("No operation of Amazon IVS Chat matches {method} {path}."),
            fields: Vec::new(),
        }
    }

    pub fn field_validation(fields: Vec<FieldError>) -> Self {
        let summaries: Vec<String> = fields.iter().map(FieldError::summary).collect();
        let count = fields.len();
        let noun = if count == 1 { "error" } else { "errors" };
        ServiceError::Validation {
            reason: ValidationReason::FieldValidationFailed,
            message: format!(
                "{count} validation {noun} detected: {}",
                summaries.join("; ")
            ),
            fields,
        }
    }

    pub fn throttled(account_id: &str, limit: u32) -> Self {
        ServiceError::Throttling {
            message: "Rate exceeded".into(),
            resource_id: account_id.to_owned(),
            resource_type: ResourceType::Room,
            limit: u64::from(limit),
        }
    }

    /// Maps a refusal of the state layer, naming the account for account-wide limits.
    pub fn from_state(error: StateError, account_id: &str) -> Self {
        let message = error.to_string();
        match error {
            StateError::RoomNotFound(id) => ServiceError::ResourceNotFound {
                message: format!("Room not found: {id}"),
                resource_id: id,
                resource_type: ResourceType::Room,
            },
            StateError::LoggingConfigurationNotFound(id) => ServiceError::ResourceNotFound {
                message: format!("Logging configuration not found: {id}"),
                resource_id: id,
                resource_type: ResourceType::LoggingConfiguration,
            },
            StateError::RoomQuotaExceeded { limit } => ServiceError::ServiceQuotaExceeded {
                message: format!("Service quota exceeded: {message}"),
                resource_id: account_id.to_owned(),
                resource_type: ResourceType::Room,
                limit: limit as u64,
            },
            StateError::LoggingConfigurationQuotaExceeded { limit } => {
                ServiceError::ServiceQuotaExceeded {
                    message: format!("Service quota exceeded: {message}"),
                    resource_id: account_id.to_owned(),
                    resource_type: ResourceType::LoggingConfiguration,
                    limit: limit as u64,
                }
            }
            StateError::LoggingConfigurationInUse { id, .. } => ServiceError::Conflict {
                message: format!("Conflict: {message}; detach it from every room first"),
                resource_id: id,
                resource_type: ResourceType::LoggingConfiguration,
            },
            StateError::TooManyTags { .. } => {
                ServiceError::field_validation(vec![FieldError::new(
                    "tags".into(),
                    None,
                    format!(
                        "Member must have length less than or equal to {}: {message}",
                        crate::state::MAX_TAGS_PER_RESOURCE
                    ),
                )])
            }
        }
    }

    /// The shape name sent in `x-amzn-ErrorType`.
    pub fn error_type(&self) -> &'static str {
        match self {
            ServiceError::Validation { .. } => "ValidationException",
            ServiceError::ResourceNotFound { .. } => "ResourceNotFoundException",
            ServiceError::Conflict { .. } => "ConflictException",
            ServiceError::ServiceQuotaExceeded { .. } => "ServiceQuotaExceededException",
            ServiceError::Throttling { .. } => "ThrottlingException",
            ServiceError::Internal { .. } => "InternalServerException",
            ServiceError::Auth(error) => error.error_type(),
        }
    }

    pub fn status(&self) -> u16 {
        match self {
            ServiceError::Validation { .. } => 400,
            ServiceError::ResourceNotFound { .. } => 404,
            ServiceError::Conflict { .. } => 409,
            ServiceError::ServiceQuotaExceeded { .. } => 402,
            ServiceError::Throttling { .. } => 429,
            ServiceError::Internal { .. } => 500,
            ServiceError::Auth(error) => error.status(),
        }
    }

    /// The JSON body: `message` plus the shape's modeled members.
    pub fn body(&self) -> serde_json::Value {
        match self {
            ServiceError::Validation {
                reason,
                message,
                fields,
            } if fields.is_empty() => {
                json!({ "message": message, "reason": reason })
            }
            ServiceError::Validation {
                reason,
                message,
                fields,
            } => {
                json!({ "message": message, "reason": reason, "fieldList": fields })
            }
            ServiceError::ResourceNotFound {
                message,
                resource_id,
                resource_type,
            }
            | ServiceError::Conflict {
                message,
                resource_id,
                resource_type,
            } => {
                json!({ "message": message, "resourceId": resource_id, "resourceType": resource_type })
            }
            ServiceError::ServiceQuotaExceeded {
                message,
                resource_id,
                resource_type,
                limit,
            }
            | ServiceError::Throttling {
                message,
                resource_id,
                resource_type,
                limit,
            } => {
                json!({ "message": message, "resourceId": resource_id, "resourceType": resource_type, "limit": limit })
            }
            ServiceError::Internal { message } => json!({ "message": message }),
            ServiceError::Auth(error) => json!({ "message": error.to_string() }),
        }
    }
}

impl From<AuthError> for ServiceError {
    fn from(error: AuthError) -> Self {
        ServiceError::Auth(error)
    }
}
