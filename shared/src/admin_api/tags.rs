//! A room's tags: list, add, remove. The managed-by tag is this stack's to set (it decides
//! what the janitor may delete), so callers can neither add nor remove it here; the other
//! `ivschat-serverless:` tags may be set directly, or through the room's typed fields.

use std::collections::HashMap;

use serde::Deserialize;

use super::AdminApi;
use crate::http_api::validate_id;
use crate::http_api::ApiError;
use crate::ids::ResourceNames;
use crate::room_tags;

/// `POST /rooms/{roomId}/tags`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TagsBody {
    pub tags: HashMap<String, String>,
}

/// Refuses the managed-by key among `keys` (of the request field `field`).
pub(crate) fn check_user_tags<'k>(
    field: &str,
    keys: impl IntoIterator<Item = &'k String>,
) -> Result<(), ApiError> {
    match keys.into_iter().find(|key| *key == room_tags::MANAGED_BY) {
        Some(key) => Err(ApiError::invalid(
            format!("{field}.{key}"),
            "is set by this stack only",
        )),
        None => Ok(()),
    }
}

impl AdminApi {
    /// `GET /rooms/{roomId}/tags`.
    pub async fn list_room_tags(
        &self,
        names: &ResourceNames,
        room_id: &str,
    ) -> Result<HashMap<String, String>, ApiError> {
        validate_id("roomId", room_id)?;
        let arn = names.room(room_id);
        let output = self
            .ivs
            .list_tags_for_resource()
            .resource_arn(arn)
            .send()
            .await
            .map_err(ApiError::ivs("ListTagsForResource"))?;
        Ok(output.tags().clone())
    }

    /// `POST /rooms/{roomId}/tags`: adds or replaces `tags`.
    pub async fn tag_room(
        &self,
        names: &ResourceNames,
        room_id: &str,
        body: TagsBody,
    ) -> Result<(), ApiError> {
        validate_id("roomId", room_id)?;
        if body.tags.is_empty() {
            return Err(ApiError::invalid("tags", "must name at least one tag"));
        }
        check_user_tags("tags", body.tags.keys())?;
        let arn = names.room(room_id);
        self.ivs
            .tag_resource()
            .resource_arn(arn)
            .set_tags(Some(body.tags))
            .send()
            .await
            .map_err(ApiError::ivs("TagResource"))?;
        Ok(())
    }

    /// `DELETE /rooms/{roomId}/tags?tagKeys=k1&tagKeys=k2`.
    pub async fn untag_room(
        &self,
        names: &ResourceNames,
        room_id: &str,
        tag_keys: Vec<String>,
    ) -> Result<(), ApiError> {
        validate_id("roomId", room_id)?;
        if tag_keys.is_empty() {
            return Err(ApiError::invalid(
                "tagKeys",
                "must name at least one tag key",
            ));
        }
        check_user_tags("tagKeys", tag_keys.iter())?;
        let arn = names.room(room_id);
        self.ivs
            .untag_resource()
            .resource_arn(arn)
            .set_tag_keys(Some(tag_keys))
            .send()
            .await
            .map_err(ApiError::ivs("UntagResource"))?;
        Ok(())
    }
}
