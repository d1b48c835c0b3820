//! Acting on a room's live chat: delete a message, disconnect a user, send a custom event.

use std::collections::HashMap;

use serde::Deserialize;

use super::ModerationApi;
use crate::bans::BanStore;
use crate::http_api::validate_id;
use crate::http_api::ApiError;
use crate::ids::ResourceNames;

/// The longest reason IVS Chat takes for DeleteMessage and DisconnectUser.
pub const MAX_REASON_CHARS: usize = 256;

/// The most attribute bytes (keys and values, UTF-8) an event may carry.
pub const MAX_EVENT_ATTRIBUTES_BYTES: usize = 1024;

/// `POST /rooms/{roomId}/events`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EventBody {
    pub event_name: String,
    pub attributes: Option<HashMap<String, String>>,
}

pub(crate) fn check_reason(reason: Option<&str>) -> Result<(), ApiError> {
    match reason {
        Some(reason) if reason.chars().count() > MAX_REASON_CHARS => Err(ApiError::invalid(
            "reason",
            format!("is longer than {MAX_REASON_CHARS} characters"),
        )),
        _ => Ok(()),
    }
}

impl EventBody {
    fn check(&self) -> Result<(), ApiError> {
        let name = self.event_name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(ApiError::invalid(
                "eventName",
                "must have 1 to 100 characters",
            ));
        }
        if name.starts_with("aws:") {
            return Err(ApiError::invalid(
                "eventName",
                "names starting with `aws:` are IVS Chat's own",
            ));
        }
        let bytes: usize = self
            .attributes
            .iter()
            .flatten()
            .map(|(k, v)| k.len() + v.len())
            .sum();
        if bytes > MAX_EVENT_ATTRIBUTES_BYTES {
            return Err(ApiError::invalid(
                "attributes",
                format!("take {bytes} bytes; at most {MAX_EVENT_ATTRIBUTES_BYTES} are allowed"),
            ));
        }
        Ok(())
    }
}

impl<B: BanStore> ModerationApi<B> {
    /// `DELETE /rooms/{roomId}/messages/{messageId}`: connected clients get
    /// `aws:DELETE_MESSAGE`. Answers the id of that event.
    pub async fn delete_message(
        &self,
        names: &ResourceNames,
        room_id: &str,
        message_id: &str,
        reason: Option<String>,
    ) -> Result<String, ApiError> {
        validate_id("roomId", room_id)?;
        validate_id("messageId", message_id)?;
        check_reason(reason.as_deref())?;
        let output = self
            .ivs
            .delete_message()
            .room_identifier(names.room(room_id))
            .id(message_id)
            .set_reason(reason)
            .send()
            .await
            .map_err(ApiError::ivs("DeleteMessage"))?;
        Ok(output.id().unwrap_or_default().to_owned())
    }

    /// `POST /rooms/{roomId}/users/{userId}/disconnect`: ends the user's sessions in the room.
    pub async fn disconnect_user(
        &self,
        names: &ResourceNames,
        room_id: &str,
        user_id: &str,
        reason: Option<String>,
    ) -> Result<(), ApiError> {
        validate_id("roomId", room_id)?;
        if user_id.is_empty() || user_id.chars().count() > 128 {
            return Err(ApiError::invalid("userId", "must have 1 to 128 characters"));
        }
        check_reason(reason.as_deref())?;
        self.ivs
            .disconnect_user()
            .room_identifier(names.room(room_id))
            .user_id(user_id)
            .set_reason(reason)
            .send()
            .await
            .map_err(ApiError::ivs("DisconnectUser"))?;
        Ok(())
    }

    /// `POST /rooms/{roomId}/events`: answers the event's id.
    pub async fn send_event(
        &self,
        names: &ResourceNames,
        room_id: &str,
        body: EventBody,
    ) -> Result<String, ApiError> {
        validate_id("roomId", room_id)?;
        body.check()?;
        let output = self
            .ivs
            .send_event()
            .room_identifier(names.room(room_id))
            .event_name(body.event_name.trim())
            .set_attributes(body.attributes)
            .send()
            .await
            .map_err(ApiError::ivs("SendEvent"))?;
        Ok(output.id().unwrap_or_default().to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(name: &str, attributes: &[(&str, &str)]) -> EventBody {
        EventBody {
            event_name: name.to_owned(),
            attributes: Some(
                attributes
                    .iter()
                    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                    .collect(),
            ),
        }
    }

    fn field(result: Result<(), ApiError>) -> Option<String> {
        match result {
            Err(ApiError::Invalid { field, .. }) => Some(field),
            _ => None,
        }
    }

    #[test]
    fn event_names_and_attributes_are_checked() {
        assert!(event("poll:start", &[("question", "Best map?")])
            .check()
            .is_ok());
        assert_eq!(field(event("", &[]).check()).as_deref(), Some("eventName"));
        assert_eq!(
            field(event("aws:DELETE_MESSAGE", &[]).check()).as_deref(),
            Some("eventName")
        );
        assert_eq!(
            field(event(&"e".repeat(101), &[]).check()).as_deref(),
            Some("eventName")
        );
        let big = "x".repeat(1030);
        assert_eq!(
            field(event("e", &[("k", &big), ("k2", "v")]).check()).as_deref(),
            Some("attributes")
        );
        assert_eq!(
            field(check_reason(Some(&"r".repeat(257)))).as_deref(),
            Some("reason")
        );
    }
}
