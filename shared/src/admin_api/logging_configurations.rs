//! Logging configurations: create (S3, CloudWatch Logs or Firehose; tagged as this stack's),
//! get, list, update, delete, and attach to or detach from a room (a read of the room's list
//! and an UpdateRoom with the new one; two admins changing one room's list at the same moment
//! may overwrite each other's change, as with any read-modify-write of IVS Chat).

use std::collections::HashMap;

use aws_sdk_ivschat::types::{
    CloudWatchLogsDestinationConfiguration, DestinationConfiguration,
    FirehoseDestinationConfiguration, S3DestinationConfiguration,
};
use serde::Deserialize;

use super::tags::check_user_tags;
use super::views::{
    logging_configuration_view, room_view, LoggingConfigurationView, Page, RoomView,
};
use super::AdminApi;
use crate::http_api::validate_id;
use crate::http_api::ApiError;
use crate::ids::ResourceNames;
use crate::room_tags;

/// Where chat records go: exactly one of the three.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DestinationBody {
    pub s3: Option<S3Body>,
    pub cloud_watch_logs: Option<CloudWatchLogsBody>,
    pub firehose: Option<FirehoseBody>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct S3Body {
    pub bucket_name: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CloudWatchLogsBody {
    pub log_group_name: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FirehoseBody {
    pub delivery_stream_name: String,
}

/// `POST /logging-configurations`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateLoggingConfigurationBody {
    pub name: Option<String>,
    pub destination_configuration: DestinationBody,
    pub tags: Option<HashMap<String, String>>,
}

/// `PATCH /logging-configurations/{loggingConfigurationId}`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UpdateLoggingConfigurationBody {
    pub name: Option<String>,
    pub destination_configuration: Option<DestinationBody>,
}

const DESTINATION: &str = "destinationConfiguration";

impl DestinationBody {
    fn to_ivs(&self) -> Result<DestinationConfiguration, ApiError> {
        let build_error = |e: aws_smithy_types::error::operation::BuildError| {
            ApiError::invalid(DESTINATION, e.to_string())
        };
        match (&self.s3, &self.cloud_watch_logs, &self.firehose) {
            (Some(s3), None, None) => Ok(DestinationConfiguration::S3(
                S3DestinationConfiguration::builder()
                    .bucket_name(&s3.bucket_name)
                    .build()
                    .map_err(build_error)?,
            )),
            (None, Some(logs), None) => Ok(DestinationConfiguration::CloudWatchLogs(
                CloudWatchLogsDestinationConfiguration::builder()
                    .log_group_name(&logs.log_group_name)
                    .build()
                    .map_err(build_error)?,
            )),
            (None, None, Some(firehose)) => Ok(DestinationConfiguration::Firehose(
                FirehoseDestinationConfiguration::builder()
                    .delivery_stream_name(&firehose.delivery_stream_name)
                    .build()
                    .map_err(build_error)?,
            )),
            _ => Err(ApiError::invalid(
                DESTINATION,
                "must have exactly one of s3, cloudWatchLogs and firehose",
            )),
        }
    }
}

impl AdminApi {
    /// `POST /logging-configurations`.
    pub async fn create_logging_configuration(
        &self,
        body: CreateLoggingConfigurationBody,
    ) -> Result<LoggingConfigurationView, ApiError> {
        let destination = body.destination_configuration.to_ivs()?;
        let mut tags = body.tags.unwrap_or_default();
        check_user_tags("tags", tags.keys())?;
        tags.insert(
            room_tags::MANAGED_BY.to_owned(),
            self.config.stack_name.clone(),
        );
        let output = self
            .ivs
            .create_logging_configuration()
            .set_name(body.name)
            .destination_configuration(destination)
            .set_tags(Some(tags))
            .send()
            .await
            .map_err(ApiError::ivs("CreateLoggingConfiguration"))?;
        Ok(logging_configuration_view!(output))
    }

    /// `GET /logging-configurations/{loggingConfigurationId}`.
    pub async fn get_logging_configuration(
        &self,
        names: &ResourceNames,
        id: &str,
    ) -> Result<LoggingConfigurationView, ApiError> {
        validate_id("loggingConfigurationId", id)?;
        let output = self
            .ivs
            .get_logging_configuration()
            .identifier(names.logging_configuration(id))
            .send()
            .await
            .map_err(ApiError::ivs("GetLoggingConfiguration"))?;
        Ok(logging_configuration_view!(output))
    }

    /// `GET /logging-configurations`.
    pub async fn list_logging_configurations(
        &self,
        max_results: Option<i32>,
        next_token: Option<String>,
    ) -> Result<Page<LoggingConfigurationView>, ApiError> {
        let output = self
            .ivs
            .list_logging_configurations()
            .set_max_results(max_results)
            .set_next_token(next_token)
            .send()
            .await
            .map_err(ApiError::ivs("ListLoggingConfigurations"))?;
        Ok(Page {
            items: output
                .logging_configurations()
                .iter()
                .map(LoggingConfigurationView::from)
                .collect(),
            next_token: output.next_token().map(str::to_owned),
        })
    }

    /// `PATCH /logging-configurations/{loggingConfigurationId}`.
    pub async fn update_logging_configuration(
        &self,
        names: &ResourceNames,
        id: &str,
        body: UpdateLoggingConfigurationBody,
    ) -> Result<LoggingConfigurationView, ApiError> {
        validate_id("loggingConfigurationId", id)?;
        let destination = body
            .destination_configuration
            .as_ref()
            .map(DestinationBody::to_ivs)
            .transpose()?;
        let output = self
            .ivs
            .update_logging_configuration()
            .identifier(names.logging_configuration(id))
            .set_name(body.name)
            .set_destination_configuration(destination)
            .send()
            .await
            .map_err(ApiError::ivs("UpdateLoggingConfiguration"))?;
        Ok(logging_configuration_view!(output))
    }

    /// `DELETE /logging-configurations/{loggingConfigurationId}`.
    pub async fn delete_logging_configuration(
        &self,
        names: &ResourceNames,
        id: &str,
    ) -> Result<(), ApiError> {
        validate_id("loggingConfigurationId", id)?;
        self.ivs
            .delete_logging_configuration()
            .identifier(names.logging_configuration(id))
            .send()
            .await
            .map_err(ApiError::ivs("DeleteLoggingConfiguration"))?;
        Ok(())
    }

    /// `PUT` (`attach`) or `DELETE` (detach)
    /// `/rooms/{roomId}/logging-configurations/{loggingConfigurationId}`; answers the room.
    pub async fn set_room_logging(
        &self,
        names: &ResourceNames,
        room_id: &str,
        logging_configuration_id: &str,
        attach: bool,
    ) -> Result<RoomView, ApiError> {
        validate_id("roomId", room_id)?;
        validate_id("loggingConfigurationId", logging_configuration_id)?;
        let arn = names.logging_configuration(logging_configuration_id);
        if attach {
            // Refuse a configuration that does not exist with 404 rather than IVS's 400.
            self.get_logging_configuration(names, logging_configuration_id)
                .await?;
        }
        let room = self.get_room(names, room_id).await?;
        let is_ours = |identifier: &String| {
            identifier == &arn || identifier.ends_with(&format!("/{logging_configuration_id}"))
        };
        let attached = room.logging_configuration_identifiers.iter().any(is_ours);
        let identifiers: Vec<String> = match (attach, attached) {
            (true, true) | (false, false) => return Ok(room),
            (true, false) => room
                .logging_configuration_identifiers
                .iter()
                .cloned()
                .chain(std::iter::once(arn))
                .collect(),
            (false, true) => room
                .logging_configuration_identifiers
                .iter()
                .filter(|identifier| !is_ours(identifier))
                .cloned()
                .collect(),
        };
        let output = self
            .ivs
            .update_room()
            .identifier(names.room(room_id))
            .set_logging_configuration_identifiers(Some(identifiers))
            .send()
            .await
            .map_err(ApiError::ivs("UpdateRoom"))?;
        Ok(room_view!(output))
    }
}
