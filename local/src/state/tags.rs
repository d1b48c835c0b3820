//! Tags on rooms and logging configurations: the resource a tag ARN names, and the
//! tag/untag/list rules shared by both kinds of resource.

use std::collections::BTreeMap;

use super::{RegionData, RegionState, StateError};

/// Tags of one resource, in key order.
pub type Tags = BTreeMap<String, String>;

/// At most this many tags on one resource.
pub const MAX_TAGS_PER_RESOURCE: usize = 50;

/// A taggable resource, by kind and id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ResourceRef {
    Room(String),
    LoggingConfiguration(String),
}

impl RegionData {
    fn tags_mut(&mut self, resource: &ResourceRef) -> Result<&mut Tags, StateError> {
        match resource {
            ResourceRef::Room(id) => self
                .rooms
                .get_mut(id)
                .map(|room| &mut room.tags)
                .ok_or_else(|| StateError::RoomNotFound(id.clone())),
            ResourceRef::LoggingConfiguration(id) => self
                .logging_configurations
                .get_mut(id)
                .map(|config| &mut config.tags)
                .ok_or_else(|| StateError::LoggingConfigurationNotFound(id.clone())),
        }
    }
}

impl RegionState {
    /// The tags of a resource.
    pub fn list_tags(&self, resource: &ResourceRef) -> Result<Tags, StateError> {
        let data = self.data.read();
        match resource {
            ResourceRef::Room(id) => data
                .rooms
                .get(id)
                .map(|room| room.tags.clone())
                .ok_or_else(|| StateError::RoomNotFound(id.clone())),
            ResourceRef::LoggingConfiguration(id) => data
                .logging_configurations
                .get(id)
                .map(|config| config.tags.clone())
                .ok_or_else(|| StateError::LoggingConfigurationNotFound(id.clone())),
        }
    }

    /// Adds or overwrites tags; refuses (changing nothing) when the result would exceed 50.
    pub fn tag_resource(&self, resource: &ResourceRef, new_tags: Tags) -> Result<(), StateError> {
        let mut data = self.data.write();
        let tags = data.tags_mut(resource)?;
        let added = new_tags
            .keys()
            .filter(|key| !tags.contains_key(*key))
            .count();
        if tags.len() + added > MAX_TAGS_PER_RESOURCE {
            return Err(StateError::TooManyTags {
                limit: MAX_TAGS_PER_RESOURCE,
            });
        }
        tags.extend(new_tags);
        Ok(())
    }

    /// Removes the given keys; keys that are not present are ignored.
    pub fn untag_resource(
        &self,
        resource: &ResourceRef,
        keys: &[String],
    ) -> Result<(), StateError> {
        let mut data = self.data.write();
        let tags = data.tags_mut(resource)?;
        for key in keys {
            tags.remove(key);
        }
        Ok(())
    }
}
