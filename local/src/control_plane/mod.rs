//! The IVS Chat control plane over HTTP (restJson1): authenticate, route, throttle, read
//! the input, call the operation's handler, write the output or the modeled error.
//! One module per operation, named after it.

mod create_chat_token;
mod create_logging_configuration;
mod create_room;
mod delete_logging_configuration;
mod delete_message;
mod delete_room;
mod disconnect_user;
pub mod error;
mod get_logging_configuration;
mod get_room;
pub mod input;
mod list_logging_configurations;
mod list_rooms;
mod list_tags_for_resource;
mod members;
mod operation;
pub mod output;
mod pagination;
mod send_event;
mod tag_resource;
mod tagged_resource;
mod untag_resource;
mod update_logging_configuration;
mod update_room;

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use bytes::Bytes;
use http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use http::request::Parts;
use http::{HeaderValue, Request, Response, StatusCode};
use serde::Serialize;

use crate::auth::{credential_scope_region, AuthError, Regions, SigV4Verifier};
use crate::quotas::RateQuotas;
use crate::state::{RegionState, ServiceState, StateError};
use error::ServiceError;
use input::Input;
pub use operation::{Operation, Route};
use output::ArnScope;

/// A successful answer.
pub enum Reply {
    /// 200 with a JSON body.
    Json(Vec<u8>),
    /// 204 with no body (DeleteRoom, DeleteLoggingConfiguration).
    NoContent,
}

impl Reply {
    pub fn json<T: Serialize>(value: &T) -> Result<Reply, ServiceError> {
        serde_json::to_vec(value)
            .map(Reply::Json)
            .map_err(|error| ServiceError::Internal {
                message: format!("could not encode the response: {error}"),
            })
    }

    /// `{}`, the empty output structure.
    pub fn empty() -> Reply {
        Reply::Json(b"{}".to_vec())
    }
}

/// What an operation handler gets besides its input: the region's resources and the scope
/// its ARNs live in.
pub struct Context<'a> {
    pub state: &'a ServiceState,
    pub region: Arc<RegionState>,
    pub scope: ArnScope,
    pub token_lifetime: Duration,
}

impl Context<'_> {
    /// The id of a room named by a (validated) room ARN of this region and account.
    pub fn room_id(&self, arn: &str) -> Result<String, ServiceError> {
        self.resource_id(arn, "room/")
            .map_err(|id| self.state_error(StateError::RoomNotFound(id)))
    }

    /// The id of a logging configuration named by a (validated) ARN of this region and account.
    pub fn logging_configuration_id(&self, arn: &str) -> Result<String, ServiceError> {
        self.resource_id(arn, "logging-configuration/")
            .map_err(|id| self.state_error(StateError::LoggingConfigurationNotFound(id)))
    }

    /// Splits `arn:aws:ivschat:<region>:<account>:<kind><id>`; a resource of another region
    /// or account does not exist here (the error carries its id).
    fn resource_id(&self, arn: &str, kind: &str) -> Result<String, String> {
        let mut fields = arn.splitn(6, ':');
        let (region, account, resource) = (fields.nth(3), fields.next(), fields.next());
        let id = resource
            .and_then(|r| r.strip_prefix(kind))
            .unwrap_or_default()
            .to_owned();
        if region == Some(self.scope.region.as_str())
            && account == Some(self.scope.account_id.as_str())
            && !id.is_empty()
        {
            Ok(id)
        } else {
            Err(id)
        }
    }

    pub fn state_error(&self, error: StateError) -> ServiceError {
        ServiceError::from_state(error, &self.scope.account_id)
    }
}

/// The control plane: state, signature checking, quotas and limits on requests.
pub struct ControlPlane {
    pub state: Arc<ServiceState>,
    verifier: Option<SigV4Verifier>,
    regions: Regions,
    quotas: RateQuotas<Operation>,
    default_region: String,
    max_body_bytes: usize,
    token_lifetime: Duration,
}

/// How the control plane is set up; see `ServeConfig` for the meaning of each.
pub struct ControlPlaneSettings {
    pub verifier: Option<SigV4Verifier>,
    /// The regions requests may be scoped to; the verifier checks them too.
    pub regions: Regions,
    pub quotas: RateQuotas<Operation>,
    pub default_region: String,
    pub max_body_bytes: usize,
    pub token_lifetime: Duration,
}

impl ControlPlane {
    pub fn new(state: Arc<ServiceState>, settings: ControlPlaneSettings) -> Self {
        ControlPlane {
            state,
            verifier: settings.verifier,
            regions: settings.regions,
            quotas: settings.quotas,
            default_region: settings.default_region,
            max_body_bytes: settings.max_body_bytes,
            token_lifetime: settings.token_lifetime,
        }
    }

    /// Answers one HTTP request. Never fails: every problem becomes a modeled error response.
    pub async fn handle(&self, request: Request<Body>) -> Response<Body> {
        let request_id = uuid::Uuid::new_v4().to_string();
        let (parts, body) = request.into_parts();
        let result = match self.read_body(&parts, body).await {
            Ok(body) => self.dispatch(&parts, &body),
            Err(error) => Err(error),
        };
        match result {
            Ok(reply) => success_response(reply, &request_id),
            Err(error) => {
                tracing::debug!(method = %parts.method, path = parts.uri.path(), error = error.error_type(), "request refused");
                error_response(&error, &request_id)
            }
        }
    }

    /// Reads the whole body. A body over the limit is still drained (up to a hard cap), so
    /// that the client gets its ValidationException on a connection that stays usable.
    async fn read_body(&self, parts: &Parts, body: Body) -> Result<Bytes, ServiceError> {
        use http_body_util::BodyExt;

        const DRAIN_CAP: usize = 64 * 1024 * 1024;
        let too_large = || {
            ServiceError::malformed(format!(
                "The request body is larger than {} bytes.",
                self.max_body_bytes
            ))
        };
        let declared = parts
            .headers
            .get(CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok());
        if declared.is_some_and(|length| length > DRAIN_CAP) {
            return Err(too_large());
        }
        let mut body = body;
        let mut collected = Vec::with_capacity(declared.unwrap_or(0).min(self.max_body_bytes));
        let mut total = 0usize;
        while let Some(frame) = body.frame().await {
            let frame = frame.map_err(|error| {
                ServiceError::malformed(format!("The request body could not be read: {error}."))
            })?;
            let Ok(data) = frame.into_data() else {
                continue;
            };
            total += data.len();
            if total > DRAIN_CAP {
                return Err(too_large());
            }
            if total <= self.max_body_bytes {
                collected.extend_from_slice(&data);
            }
        }
        if total > self.max_body_bytes {
            return Err(too_large());
        }
        Ok(Bytes::from(collected))
    }

    fn dispatch(&self, parts: &Parts, body: &[u8]) -> Result<Reply, ServiceError> {
        let region = match &self.verifier {
            Some(verifier) => verifier.verify(parts, body, time::OffsetDateTime::now_utc())?,
            // Unchecked signatures still place resources in their scope's region, which must
            // be a valid one; the default region was checked at start-up.
            None => match credential_scope_region(parts) {
                Some(region) if !self.regions.contains(&region) => {
                    return Err(AuthError::InvalidRegion(region).into())
                }
                Some(region) => region,
                None => self.default_region.clone(),
            },
        };
        let route = Route::parse(&parts.method, parts.uri.path())?;
        let account_id = self.state.account_id();
        self.quotas
            .acquire(&region, route.operation)
            .map_err(|throttled| ServiceError::throttled(account_id, throttled.limit))?;
        let context = Context {
            state: &self.state,
            region: self.state.region(&region),
            scope: ArnScope {
                region,
                account_id: account_id.to_owned(),
            },
            token_lifetime: self.token_lifetime,
        };
        let label = route.resource_arn.unwrap_or_default();
        let query = parts.uri.query().unwrap_or("");
        match route.operation {
            Operation::CreateChatToken => create_chat_token::handle(&context, Input::parse(body)?),
            Operation::CreateLoggingConfiguration => {
                create_logging_configuration::handle(&context, Input::parse(body)?)
            }
            Operation::CreateRoom => create_room::handle(&context, Input::parse(body)?),
            Operation::DeleteLoggingConfiguration => {
                delete_logging_configuration::handle(&context, Input::parse(body)?)
            }
            Operation::DeleteMessage => delete_message::handle(&context, Input::parse(body)?),
            Operation::DeleteRoom => delete_room::handle(&context, Input::parse(body)?),
            Operation::DisconnectUser => disconnect_user::handle(&context, Input::parse(body)?),
            Operation::GetLoggingConfiguration => {
                get_logging_configuration::handle(&context, Input::parse(body)?)
            }
            Operation::GetRoom => get_room::handle(&context, Input::parse(body)?),
            Operation::ListLoggingConfigurations => {
                list_logging_configurations::handle(&context, Input::parse(body)?)
            }
            Operation::ListRooms => list_rooms::handle(&context, Input::parse(body)?),
            Operation::ListTagsForResource => list_tags_for_resource::handle(&context, label),
            Operation::SendEvent => send_event::handle(&context, Input::parse(body)?),
            Operation::TagResource => tag_resource::handle(&context, label, Input::parse(body)?),
            Operation::UntagResource => untag_resource::handle(&context, label, query),
            Operation::UpdateLoggingConfiguration => {
                update_logging_configuration::handle(&context, Input::parse(body)?)
            }
            Operation::UpdateRoom => update_room::handle(&context, Input::parse(body)?),
        }
    }
}

fn success_response(reply: Reply, request_id: &str) -> Response<Body> {
    let (status, body) = match reply {
        Reply::Json(bytes) => (StatusCode::OK, Body::from(bytes)),
        Reply::NoContent => (StatusCode::NO_CONTENT, Body::empty()),
    };
    let mut response = Response::new(body);
    *response.status_mut() = status;
    let headers = response.headers_mut();
    if status == StatusCode::OK {
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    }
    if let Ok(value) = HeaderValue::from_str(request_id) {
        headers.insert("x-amzn-requestid", value);
    }
    response
}

/// Writes a modeled error: status, `x-amzn-ErrorType`, `x-amzn-RequestId`, JSON body.
pub fn error_response(error: &ServiceError, request_id: &str) -> Response<Body> {
    let body = serde_json::to_vec(&error.body()).unwrap_or_else(|_| b"{}".to_vec());
    let mut response = Response::new(Body::from(body));
    *response.status_mut() =
        StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers.insert(
        "x-amzn-errortype",
        HeaderValue::from_static(error.error_type()),
    );
    if let Ok(value) = HeaderValue::from_str(request_id) {
        headers.insert("x-amzn-requestid", value);
    }
    response
}
