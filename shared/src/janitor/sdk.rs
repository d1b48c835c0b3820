//! [`ChatApi`] for the AWS SDK client: one attempt per call (the SDK's own retries are turned
//! off, the sweep retries), answers turned into the janitor's data, errors classified.

use aws_sdk_ivschat::config::http::HttpResponse;
use aws_sdk_ivschat::config::retry::RetryConfig;
use aws_sdk_ivschat::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_sdk_ivschat::primitives::DateTime;
use aws_sdk_ivschat::Client;
use time::OffsetDateTime;

use super::api::{
    ApiError, ChatApi, ErrorKind, ListRooms, LoggingConfigurationSummary, Operation, Page,
    RoomSummary, Tags,
};

/// The SDK client, reconfigured to make a single attempt per call.
#[derive(Clone, Debug)]
pub struct SdkChatApi {
    client: Client,
}

impl SdkChatApi {
    /// Wraps a client (built by `ivs_client::from_env` or `for_endpoint`), turning its retries
    /// off: the sweep retries itself, paced by its rate limiters, and counts every retry.
    pub fn new(client: &Client) -> Self {
        let config = client
            .config()
            .to_builder()
            .retry_config(RetryConfig::disabled())
            .build();
        SdkChatApi {
            client: Client::from_conf(config),
        }
    }
}

impl ChatApi for SdkChatApi {
    async fn list_rooms(&self, request: ListRooms) -> Result<Page<RoomSummary>, ApiError> {
        let output = self
            .client
            .list_rooms()
            .max_results(50)
            .set_next_token(request.next_token)
            .set_logging_configuration_identifier(request.logging_configuration_arn)
            .send()
            .await
            .map_err(|e| classify(Operation::ListRooms, e))?;
        let items = output
            .rooms()
            .iter()
            .map(|room| {
                let arn = room.arn().unwrap_or_default();
                // A summary without an ARN or update time cannot be acted on safely.
                let update_time = room.update_time().and_then(to_offset).ok_or_else(|| {
                    ApiError::new(
                        Operation::ListRooms,
                        ErrorKind::ServerError,
                        format!("room summary {arn:?} has no valid updateTime"),
                    )
                })?;
                if arn.is_empty() {
                    return Err(ApiError::new(
                        Operation::ListRooms,
                        ErrorKind::ServerError,
                        "a room summary has no ARN",
                    ));
                }
                Ok(RoomSummary {
                    arn: arn.to_owned(),
                    name: room.name().unwrap_or_default().to_owned(),
                    update_time,
                    tags: room.tags().cloned().unwrap_or_default(),
                    logging_configuration_arns: room.logging_configuration_identifiers().to_vec(),
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Page {
            items,
            next_token: non_empty(output.next_token()),
        })
    }

    async fn room_tags(&self, room_arn: &str) -> Result<Tags, ApiError> {
        let output = self
            .client
            .list_tags_for_resource()
            .resource_arn(room_arn)
            .send()
            .await
            .map_err(|e| classify(Operation::ListTagsForResource, e))?;
        Ok(output.tags().clone())
    }

    async fn delete_room(&self, room_arn: &str) -> Result<(), ApiError> {
        self.client
            .delete_room()
            .identifier(room_arn)
            .send()
            .await
            .map_err(|e| classify(Operation::DeleteRoom, e))?;
        Ok(())
    }

    async fn list_logging_configurations(
        &self,
        next_token: Option<String>,
    ) -> Result<Page<LoggingConfigurationSummary>, ApiError> {
        let output = self
            .client
            .list_logging_configurations()
            .max_results(50)
            .set_next_token(next_token)
            .send()
            .await
            .map_err(|e| classify(Operation::ListLoggingConfigurations, e))?;
        let items = output
            .logging_configurations()
            .iter()
            .filter_map(|config| {
                Some(LoggingConfigurationSummary {
                    arn: config.arn().filter(|arn| !arn.is_empty())?.to_owned(),
                    name: config.name().unwrap_or_default().to_owned(),
                    tags: config.tags().cloned().unwrap_or_default(),
                })
            })
            .collect();
        Ok(Page {
            items,
            next_token: non_empty(output.next_token()),
        })
    }

    async fn delete_logging_configuration(&self, arn: &str) -> Result<(), ApiError> {
        self.client
            .delete_logging_configuration()
            .identifier(arn)
            .send()
            .await
            .map_err(|e| classify(Operation::DeleteLoggingConfiguration, e))?;
        Ok(())
    }
}

fn non_empty(token: Option<&str>) -> Option<String> {
    token.filter(|t| !t.is_empty()).map(str::to_owned)
}

fn to_offset(time: &DateTime) -> Option<OffsetDateTime> {
    OffsetDateTime::from_unix_timestamp_nanos(time.as_nanos()).ok()
}

/// Sorts an SDK error by what the sweep should do about it. Operations whose model lists no
/// ThrottlingException (DeleteRoom, ListRooms) still get one from the service, as an
/// unmodeled error: the error code and the HTTP status are what count.
fn classify<E>(operation: Operation, error: SdkError<E, HttpResponse>) -> ApiError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    let kind = match &error {
        SdkError::ServiceError(context) => {
            kind_of(context.err().code(), context.raw().status().as_u16())
        }
        SdkError::ResponseError(context) => {
            let status = context.raw().status().as_u16();
            if status >= 500 {
                ErrorKind::ServerError
            } else {
                ErrorKind::Transient
            }
        }
        SdkError::TimeoutError(_) | SdkError::DispatchFailure(_) => ErrorKind::Transient,
        _ => ErrorKind::Rejected,
    };
    let message = match error.code() {
        Some(code) => format!("{code}: {}", error.message().unwrap_or_default()),
        None => DisplayErrorContext(&error).to_string(),
    };
    ApiError::new(operation, kind, message)
}

fn kind_of(code: Option<&str>, status: u16) -> ErrorKind {
    match (code.unwrap_or_default(), status) {
        ("ThrottlingException", _) | (_, 429) => ErrorKind::Throttled,
        ("ResourceNotFoundException", _) | (_, 404) => ErrorKind::NotFound,
        ("ConflictException", _) | (_, 409) => ErrorKind::Conflict,
        ("InternalServerException", _) | (_, 500..=599) => ErrorKind::ServerError,
        _ => ErrorKind::Rejected,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_are_sorted_by_code_then_status() {
        assert_eq!(
            kind_of(Some("ThrottlingException"), 429),
            ErrorKind::Throttled
        );
        assert_eq!(kind_of(None, 429), ErrorKind::Throttled);
        assert_eq!(
            kind_of(Some("ResourceNotFoundException"), 404),
            ErrorKind::NotFound
        );
        assert_eq!(kind_of(Some("ConflictException"), 409), ErrorKind::Conflict);
        assert_eq!(
            kind_of(Some("InternalServerException"), 500),
            ErrorKind::ServerError
        );
        assert_eq!(kind_of(None, 503), ErrorKind::ServerError);
        assert_eq!(
            kind_of(Some("AccessDeniedException"), 403),
            ErrorKind::Rejected
        );
        assert_eq!(
            kind_of(Some("ValidationException"), 400),
            ErrorKind::Rejected
        );
    }
}
