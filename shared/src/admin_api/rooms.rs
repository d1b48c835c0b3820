//! Rooms: create (tagged as this stack's, reviewed by its review function unless asked
//! otherwise, with optional expiry, retention and access rules), get, list, update, delete.
//! The expiry, retention and access settings are room tags the janitor and the token issuer
//! read ([`crate::room_tags`]); this API writes them from typed fields so callers cannot get
//! their format wrong.

use std::collections::HashMap;

use aws_sdk_ivschat::types::{FallbackResult, MessageReviewHandler};
use serde::Deserialize;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use super::tags::check_user_tags;
use super::views::{room_view, Page, RoomSummaryView, RoomView};
use super::AdminApi;
use crate::http_api::{ivs_naming, validate_id, ApiError};
use crate::ids::ResourceNames;
use crate::room_tags;

/// The body field naming a room's logging configurations.
const LOGGING_CONFIGURATIONS: &str = "loggingConfigurationIdentifiers";

/// A room's settings, as `POST /rooms` and `PATCH /rooms/{roomId}` take them. Absent fields
/// keep their value (or IVS Chat's default on create).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RoomBody {
    pub name: Option<String>,
    pub maximum_message_length: Option<i32>,
    pub maximum_message_rate_per_second: Option<i32>,
    /// Absent: on create, this stack's review function; on update, unchanged. `null`: none.
    #[serde(default, deserialize_with = "present")]
    pub message_review_handler: Option<Option<ReviewHandlerBody>>,
    /// Absent: on create, this stack's chat-history logging configuration (if the stack has
    /// one); on update, unchanged. `[]`: none.
    pub logging_configuration_identifiers: Option<Vec<String>>,
    /// Create only: the room's own tags (keys of this stack's `ivschat-serverless:` prefix
    /// are refused; use the typed fields).
    pub tags: Option<HashMap<String, String>>,
    /// RFC 3339; the janitor deletes the room after it. `null` on update: no expiry.
    #[serde(default, deserialize_with = "present")]
    pub expires_at: Option<Option<String>>,
    /// `true`: the janitor never deletes the room.
    pub retain: Option<bool>,
    /// `public` (any signed-in user) or `members` (the `memberGroups`, and moderators).
    pub access: Option<String>,
    pub member_groups: Option<Vec<String>>,
    /// Anonymous callers may get view-only tokens.
    pub anonymous_view: Option<bool>,
}

/// A review handler: a Lambda ARN and what applies when it fails (`ALLOW` by default).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReviewHandlerBody {
    pub uri: String,
    pub fallback_result: Option<String>,
}

/// `GET /rooms` filters and paging, passed through to ListRooms.
#[derive(Debug, Clone, Default)]
pub struct ListRoomsQuery {
    pub name: Option<String>,
    pub logging_configuration_identifier: Option<String>,
    pub message_review_handler_uri: Option<String>,
    pub max_results: Option<i32>,
    pub next_token: Option<String>,
}

/// Distinguishes an absent field (`None`) from `null` (`Some(None)`).
fn present<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

impl ReviewHandlerBody {
    fn to_ivs(&self) -> Result<MessageReviewHandler, ApiError> {
        let fallback = match self.fallback_result.as_deref() {
            None | Some("ALLOW") => FallbackResult::Allow,
            Some("DENY") => FallbackResult::Deny,
            Some(_) => {
                return Err(ApiError::invalid(
                    "messageReviewHandler.fallbackResult",
                    "must be ALLOW or DENY",
                ))
            }
        };
        Ok(MessageReviewHandler::builder()
            .uri(self.uri.clone())
            .fallback_result(fallback)
            .build())
    }
}

/// The tags the typed fields of `body` set (`Some`) or remove (`None`).
fn typed_tag_changes(
    body: &RoomBody,
    now: OffsetDateTime,
) -> Result<Vec<(&'static str, Option<String>)>, ApiError> {
    let mut changes = Vec::new();
    if let Some(expires_at) = &body.expires_at {
        let value = match expires_at {
            None => None,
            Some(text) => {
                let at = OffsetDateTime::parse(text, &Rfc3339).map_err(|_| {
                    ApiError::invalid(
                        "expiresAt",
                        "must be an RFC 3339 time such as 2026-12-01T18:00:00Z",
                    )
                })?;
                if at <= now {
                    return Err(ApiError::invalid("expiresAt", "must be in the future"));
                }
                let utc = at
                    .to_offset(time::UtcOffset::UTC)
                    .replace_nanosecond(0)
                    .unwrap_or(at);
                Some(utc.format(&Rfc3339).unwrap_or_default())
            }
        };
        changes.push((room_tags::EXPIRES_AT, value));
    }
    if let Some(retain) = body.retain {
        changes.push((room_tags::RETAIN, retain.then(|| "true".to_owned())));
    }
    match body.access.as_deref() {
        None => {}
        Some("public") => {
            changes.push((room_tags::ACCESS, Some("public".to_owned())));
            changes.push((room_tags::MEMBER_GROUPS, None));
        }
        Some("members") => {
            changes.push((room_tags::ACCESS, Some("members".to_owned())));
        }
        Some(_) => return Err(ApiError::invalid("access", "must be public or members")),
    }
    if let Some(groups) = &body.member_groups {
        if body.access.as_deref() == Some("public") {
            return Err(ApiError::invalid(
                "memberGroups",
                "only applies with access `members`",
            ));
        }
        for group in groups {
            let valid = !group.is_empty()
                && group.chars().all(|c| {
                    c.is_alphanumeric()
                        || matches!(c, '_' | '.' | ':' | '/' | '=' | '+' | '-' | '@')
                });
            if !valid {
                return Err(ApiError::invalid(
                    "memberGroups",
                    format!("`{group}` is not a group name (letters, digits and _ . : / = + - @)"),
                ));
            }
        }
        let value = groups.join(" ");
        if value.chars().count() > 256 {
            return Err(ApiError::invalid(
                "memberGroups",
                "are longer than 256 characters together",
            ));
        }
        changes.push((room_tags::MEMBER_GROUPS, Some(value)));
    }
    if let Some(anonymous) = body.anonymous_view {
        changes.push((
            room_tags::ANONYMOUS_VIEW,
            anonymous.then(|| "true".to_owned()),
        ));
    }
    Ok(changes)
}

impl AdminApi {
    /// `POST /rooms`.
    pub async fn create_room(
        &self,
        body: RoomBody,
        now: OffsetDateTime,
    ) -> Result<RoomView, ApiError> {
        let mut tags = match &body.tags {
            Some(tags) => {
                check_user_tags("tags", tags.keys())?;
                tags.clone()
            }
            None => HashMap::new(),
        };
        for (key, value) in typed_tag_changes(&body, now)? {
            if let Some(value) = value {
                tags.insert(key.to_owned(), value);
            }
        }
        tags.insert(
            room_tags::MANAGED_BY.to_owned(),
            self.config.stack_name.clone(),
        );
        let handler = match &body.message_review_handler {
            Some(Some(handler)) => Some(handler.to_ivs()?),
            Some(None) => None,
            None => self.config.review_function_arn.as_ref().map(|arn| {
                MessageReviewHandler::builder()
                    .uri(arn.clone())
                    .fallback_result(FallbackResult::from(
                        self.config.review_fallback_result.as_str(),
                    ))
                    .build()
            }),
        };
        let logging_configurations = body.logging_configuration_identifiers.clone().or_else(|| {
            self.config
                .chat_logging_configuration_arn
                .clone()
                .map(|arn| vec![arn])
        });
        let output = self
            .ivs
            .create_room()
            .set_name(body.name.clone())
            .set_maximum_message_length(body.maximum_message_length)
            .set_maximum_message_rate_per_second(body.maximum_message_rate_per_second)
            .set_message_review_handler(handler)
            .set_logging_configuration_identifiers(logging_configurations.clone())
            .set_tags(Some(tags))
            .send()
            .await
            .map_err(ivs_naming(
                "CreateRoom",
                None,
                LOGGING_CONFIGURATIONS,
                logging_configurations.as_deref(),
            ))?;
        Ok(room_view!(output))
    }

    /// `GET /rooms/{roomId}`.
    pub async fn get_room(
        &self,
        names: &ResourceNames,
        room_id: &str,
    ) -> Result<RoomView, ApiError> {
        validate_id("roomId", room_id)?;
        let output = self
            .ivs
            .get_room()
            .identifier(names.room(room_id))
            .send()
            .await
            .map_err(ApiError::ivs("GetRoom"))?;
        Ok(room_view!(output))
    }

    /// `GET /rooms`.
    pub async fn list_rooms(
        &self,
        query: ListRoomsQuery,
    ) -> Result<Page<RoomSummaryView>, ApiError> {
        let output = self
            .ivs
            .list_rooms()
            .set_name(query.name)
            .set_logging_configuration_identifier(query.logging_configuration_identifier)
            .set_message_review_handler_uri(query.message_review_handler_uri)
            .set_max_results(query.max_results)
            .set_next_token(query.next_token)
            .send()
            .await
            .map_err(ApiError::ivs("ListRooms"))?;
        Ok(Page {
            items: output.rooms().iter().map(RoomSummaryView::from).collect(),
            next_token: output.next_token().map(str::to_owned),
        })
    }

    /// `PATCH /rooms/{roomId}`: IVS settings through UpdateRoom, typed tag settings through
    /// TagResource / UntagResource.
    pub async fn update_room(
        &self,
        names: &ResourceNames,
        room_id: &str,
        body: RoomBody,
        now: OffsetDateTime,
    ) -> Result<RoomView, ApiError> {
        validate_id("roomId", room_id)?;
        if body.tags.is_some() {
            return Err(ApiError::invalid(
                "tags",
                "cannot be changed here; use POST or DELETE /rooms/{roomId}/tags",
            ));
        }
        let changes = typed_tag_changes(&body, now)?;
        let handler = match &body.message_review_handler {
            None => None,
            Some(Some(handler)) => Some(handler.to_ivs()?),
            // IVS Chat: an empty uri removes the handler.
            Some(None) => Some(MessageReviewHandler::builder().uri("").build()),
        };
        let output = self
            .ivs
            .update_room()
            .identifier(names.room(room_id))
            .set_name(body.name.clone())
            .set_maximum_message_length(body.maximum_message_length)
            .set_maximum_message_rate_per_second(body.maximum_message_rate_per_second)
            .set_message_review_handler(handler)
            .set_logging_configuration_identifiers(body.logging_configuration_identifiers.clone())
            .send()
            .await
            .map_err(ivs_naming(
                "UpdateRoom",
                Some(room_id),
                LOGGING_CONFIGURATIONS,
                body.logging_configuration_identifiers.as_deref(),
            ))?;
        let mut room = room_view!(output);
        if !changes.is_empty() {
            let arn = names.room(room_id);
            let set: HashMap<String, String> = changes
                .iter()
                .filter_map(|(k, v)| v.clone().map(|v| ((*k).to_owned(), v)))
                .collect();
            let remove: Vec<String> = changes
                .iter()
                .filter(|(_, v)| v.is_none())
                .map(|(k, _)| (*k).to_owned())
                .collect();
            if !set.is_empty() {
                self.ivs
                    .tag_resource()
                    .resource_arn(&arn)
                    .set_tags(Some(set.clone()))
                    .send()
                    .await
                    .map_err(ApiError::ivs("TagResource"))?;
            }
            if !remove.is_empty() {
                self.ivs
                    .untag_resource()
                    .resource_arn(&arn)
                    .set_tag_keys(Some(remove.clone()))
                    .send()
                    .await
                    .map_err(ApiError::ivs("UntagResource"))?;
            }
            room.tags.extend(set);
            for key in remove {
                room.tags.remove(&key);
            }
        }
        Ok(room)
    }

    /// `DELETE /rooms/{roomId}`.
    pub async fn delete_room(&self, names: &ResourceNames, room_id: &str) -> Result<(), ApiError> {
        validate_id("roomId", room_id)?;
        self.ivs
            .delete_room()
            .identifier(names.room(room_id))
            .send()
            .await
            .map_err(ApiError::ivs("DeleteRoom"))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http_api::parse_body;

    fn now() -> OffsetDateTime {
        time::macros::datetime!(2026-11-26 10:00 UTC)
    }

    #[test]
    fn typed_fields_become_the_tags_the_janitor_and_issuer_read() {
        let body: RoomBody = parse_body(
            br#"{"expiresAt":"2026-11-27T10:00:00.5+01:00","retain":true,"access":"members","memberGroups":["vip","crew"],"anonymousView":false}"#,
        )
        .expect("valid");
        let changes = typed_tag_changes(&body, now()).expect("valid");
        assert_eq!(
            changes,
            vec![
                (
                    room_tags::EXPIRES_AT,
                    Some("2026-11-27T09:00:00Z".to_owned())
                ),
                (room_tags::RETAIN, Some("true".to_owned())),
                (room_tags::ACCESS, Some("members".to_owned())),
                (room_tags::MEMBER_GROUPS, Some("vip crew".to_owned())),
                (room_tags::ANONYMOUS_VIEW, None),
            ]
        );
    }

    #[test]
    fn null_removes_and_bad_values_name_their_field() {
        let body: RoomBody =
            parse_body(br#"{"expiresAt":null,"messageReviewHandler":null}"#).expect("valid");
        assert!(matches!(body.message_review_handler, Some(None)));
        assert_eq!(
            typed_tag_changes(&body, now()).expect("valid"),
            vec![(room_tags::EXPIRES_AT, None)]
        );
        for (json, field) in [
            (r#"{"expiresAt":"tomorrow"}"#, "expiresAt"),
            (r#"{"expiresAt":"2020-01-01T00:00:00Z"}"#, "expiresAt"),
            (r#"{"access":"secret"}"#, "access"),
            (
                r#"{"access":"public","memberGroups":["a"]}"#,
                "memberGroups",
            ),
            (r#"{"memberGroups":["a b"]}"#, "memberGroups"),
        ] {
            let body: RoomBody = parse_body(json.as_bytes()).expect("parses");
            match typed_tag_changes(&body, now()) {
                Err(ApiError::Invalid { field: f, .. }) => assert_eq!(f, field, "{json}"),
                other => panic!("{json}: {other:?}"),
            }
        }
    }
}
