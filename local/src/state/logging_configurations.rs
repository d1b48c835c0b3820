//! Logging configurations: where a room's chat log goes (S3, CloudWatch Logs or Firehose),
//! with the account limit and the rule that one in use by a room cannot be deleted.

use time::OffsetDateTime;

use super::ids::new_id;
use super::{Page, RegionState, StateError, Tags};

/// Exactly one destination of a logging configuration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Destination {
    S3 { bucket_name: String },
    CloudWatchLogs { log_group_name: String },
    Firehose { delivery_stream_name: String },
}

/// A logging configuration as stored. It becomes ACTIVE at once, as the API's Create and
/// Update responses say.
#[derive(Clone, Debug)]
pub struct LoggingConfiguration {
    pub id: String,
    pub name: String,
    pub create_time: OffsetDateTime,
    pub update_time: OffsetDateTime,
    pub destination: Destination,
    pub tags: Tags,
    revision: u64,
}

/// The members of CreateLoggingConfiguration, validated.
#[derive(Clone, Debug)]
pub struct NewLoggingConfiguration {
    pub name: Option<String>,
    pub destination: Destination,
    pub tags: Tags,
}

/// The members of UpdateLoggingConfiguration, validated; `None` leaves the value unchanged.
#[derive(Clone, Debug, Default)]
pub struct LoggingConfigurationUpdate {
    pub name: Option<String>,
    pub destination: Option<Destination>,
}

impl RegionState {
    pub fn create_logging_configuration(
        &self,
        new: NewLoggingConfiguration,
    ) -> Result<LoggingConfiguration, StateError> {
        let mut data = self.data.write();
        let limit = self.limits.max_logging_configurations;
        if data.logging_configurations.len() >= limit {
            return Err(StateError::LoggingConfigurationQuotaExceeded { limit });
        }
        let (revision, time) = data.stamp();
        let mut id = new_id();
        while data.logging_configurations.contains_key(&id) {
            id = new_id();
        }
        let config = LoggingConfiguration {
            id: id.clone(),
            name: new.name.unwrap_or_default(),
            create_time: time,
            update_time: time,
            destination: new.destination,
            tags: new.tags,
            revision,
        };
        data.logging_configurations_by_revision
            .insert(revision, id.clone());
        data.logging_configurations.insert(id, config.clone());
        Ok(config)
    }

    pub fn get_logging_configuration(&self, id: &str) -> Result<LoggingConfiguration, StateError> {
        self.data
            .read()
            .logging_configurations
            .get(id)
            .cloned()
            .ok_or_else(|| StateError::LoggingConfigurationNotFound(id.to_owned()))
    }

    pub fn update_logging_configuration(
        &self,
        id: &str,
        update: LoggingConfigurationUpdate,
    ) -> Result<LoggingConfiguration, StateError> {
        let mut data = self.data.write();
        if !data.logging_configurations.contains_key(id) {
            return Err(StateError::LoggingConfigurationNotFound(id.to_owned()));
        }
        let (revision, time) = data.stamp();
        let data = &mut *data;
        let config = data
            .logging_configurations
            .get_mut(id)
            .ok_or_else(|| StateError::LoggingConfigurationNotFound(id.to_owned()))?;
        data.logging_configurations_by_revision
            .remove(&config.revision);
        data.logging_configurations_by_revision
            .insert(revision, id.to_owned());
        config.revision = revision;
        config.update_time = time;
        if let Some(name) = update.name {
            config.name = name;
        }
        if let Some(destination) = update.destination {
            config.destination = destination;
        }
        Ok(config.clone())
    }

    /// Deletes a configuration that no room uses; one still attached answers a conflict.
    pub fn delete_logging_configuration(&self, id: &str) -> Result<(), StateError> {
        let mut data = self.data.write();
        let Some(config) = data.logging_configurations.get(id) else {
            return Err(StateError::LoggingConfigurationNotFound(id.to_owned()));
        };
        let revision = config.revision;
        let rooms = data
            .rooms
            .values()
            .filter(|room| room.logging_configuration_ids.iter().any(|used| used == id))
            .count();
        if rooms > 0 {
            return Err(StateError::LoggingConfigurationInUse {
                id: id.to_owned(),
                rooms,
            });
        }
        data.logging_configurations.remove(id);
        data.logging_configurations_by_revision.remove(&revision);
        Ok(())
    }

    /// Logging configurations, newest `updateTime` first, starting below revision `before`.
    pub fn list_logging_configurations(
        &self,
        before: Option<u64>,
        max_results: usize,
    ) -> Page<LoggingConfiguration> {
        let data = self.data.read();
        let mut all = data
            .logging_configurations_by_revision
            .range(..before.unwrap_or(u64::MAX))
            .rev()
            .filter_map(|(_, id)| data.logging_configurations.get(id));
        let items: Vec<LoggingConfiguration> = all.by_ref().take(max_results).cloned().collect();
        let next = match (items.last(), all.next()) {
            (Some(last), Some(_)) => Some(last.revision),
            _ => None,
        };
        Page { items, next }
    }
}
