//! A room's live moderation settings through the API: read them (the defaults, version 0,
//! for a room never configured) and replace the whole document, validated and versioned.

use serde::Serialize;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use super::ModerationApi;
use crate::bans::BanStore;
use crate::http_api::{validate_id, ApiError};
use crate::ids::RoomId;
use crate::room_moderation::{
    check_terms, RoomModerationSettings, RoomModerationStore, SettingsBody, StoredSettings,
};

/// The largest settings document the API takes: 1,000 terms of up to 100 characters each.
pub const MAX_SETTINGS_BODY_BYTES: usize = 256 * 1024;

/// The answer of both settings routes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RoomModerationView {
    pub room_id: String,
    #[serde(flatten)]
    pub settings: RoomModerationSettings,
    /// 0 for a room never configured.
    pub version: u64,
    pub updated_at: Option<String>,
    pub updated_by: Option<String>,
}

impl RoomModerationView {
    fn of(room: &RoomId, stored: Option<StoredSettings>) -> Self {
        match stored {
            None => RoomModerationView {
                room_id: room.as_str().to_owned(),
                settings: RoomModerationSettings::default(),
                version: 0,
                updated_at: None,
                updated_by: None,
            },
            Some(stored) => RoomModerationView {
                room_id: room.as_str().to_owned(),
                settings: stored.settings,
                version: stored.version,
                updated_at: stored.updated_at.format(&Rfc3339).ok(),
                updated_by: Some(stored.updated_by),
            },
        }
    }
}

fn room_of(room_id: &str) -> Result<RoomId, ApiError> {
    validate_id("roomId", room_id)?;
    RoomId::new(room_id).map_err(|e| ApiError::invalid("roomId", e.to_string()))
}

impl<B: BanStore> ModerationApi<B> {
    pub(super) fn room_moderation(&self) -> Result<&RoomModerationStore, ApiError> {
        self.room_moderation.as_ref().ok_or_else(|| {
            ApiError::Internal("the room moderation table is not configured".to_owned())
        })
    }

    /// `GET /rooms/{roomId}/moderation`.
    pub async fn room_settings(&self, room_id: &str) -> Result<RoomModerationView, ApiError> {
        let room = room_of(room_id)?;
        let stored = self.room_moderation()?.settings(&room).await?;
        Ok(RoomModerationView::of(&room, stored))
    }

    /// `PUT /rooms/{roomId}/moderation`: validates and saves the whole document, with the
    /// version check when the body names the version it was based on.
    pub async fn put_room_settings(
        &self,
        room_id: &str,
        body: SettingsBody,
        updated_by: &str,
        now: OffsetDateTime,
    ) -> Result<RoomModerationView, ApiError> {
        let room = room_of(room_id)?;
        let (settings, expected) = body.into_parts();
        settings.validate()?;
        check_terms(&settings)?;
        let stored = self
            .room_moderation()?
            .put_settings(&room, &settings, expected, updated_by, now)
            .await?;
        Ok(RoomModerationView::of(&room, Some(stored)))
    }
}
