//! Room admission: whether a caller may be in a room (the room exists, its access tags admit
//! the caller's role, no ban keeps a signed-in caller out). The token routes and the history
//! routes both admit through it, so reading a room's chat is allowed exactly where joining it
//! is. It keeps each room's tags for a while, since GetRoom is limited to 5 TPS.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

use aws_sdk_ivschat::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_ivschat::Client;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use super::config::ChatTokenConfig;
use super::policy::{Role, RoomAccess};
use crate::bans::BanStore;
use crate::http_api::{ApiError, Caller};
use crate::ids::{check_resource_id, ResourceNames, RoomId, UserId};
use crate::room_tags;

/// A caller let into a room by [`RoomGate::admit`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Admission {
    pub room_arn: String,
    pub role: Role,
}

struct CachedRoom {
    arn: String,
    tags: HashMap<String, String>,
    fetched: Instant,
    /// When this instance last wrote the last-active tag.
    activity_written: Option<OffsetDateTime>,
}

/// Admits callers to rooms; build once at cold start and share.
pub struct RoomGate<B> {
    ivs: Client,
    bans: B,
    config: ChatTokenConfig,
    rooms: Mutex<HashMap<String, CachedRoom>>,
}

/// How an SDK failure is answered: throttling is 429, anything else is an internal failure
/// whose detail is logged only.
pub(crate) fn sdk_failure<E: ProvideErrorMetadata + std::error::Error + 'static>(
    operation: &str,
    error: &SdkError<E, aws_smithy_runtime_api::http::Response>,
) -> ApiError {
    let status = error.raw_response().map(|r| r.status().as_u16());
    if error.code() == Some("ThrottlingException") || status == Some(429) {
        return ApiError::Throttled {
            retry_after_seconds: 1,
        };
    }
    ApiError::Internal(format!(
        "{operation} failed: {}",
        aws_smithy_types::error::display::DisplayErrorContext(error)
    ))
}

impl<B: BanStore> RoomGate<B> {
    pub fn new(ivs: Client, bans: B, config: ChatTokenConfig) -> Self {
        RoomGate {
            ivs,
            bans,
            config,
            rooms: Mutex::new(HashMap::new()),
        }
    }

    pub fn config(&self) -> &ChatTokenConfig {
        &self.config
    }

    /// The ban store this gate checks.
    pub fn bans(&self) -> &B {
        &self.bans
    }

    /// Whether `caller` may be in room `room_id` (named in `names`' account and region) at
    /// `now`: the room exists, its access rules admit the caller's role, and no ban keeps a
    /// signed-in caller out.
    pub async fn admit(
        &self,
        names: &ResourceNames,
        room_id: &str,
        caller: &Caller,
        now: OffsetDateTime,
    ) -> Result<Admission, ApiError> {
        check_resource_id(room_id).map_err(|_| {
            ApiError::BadRequest(
                "roomId must be an IVS Chat room id: 12 letters and digits".to_owned(),
            )
        })?;
        let room_arn = names.room(room_id);
        let tags = self.room_tags(room_id, &room_arn).await?;
        let role = Role::of(caller, &self.config);
        RoomAccess::from_tags(&tags).admit(caller, role)?;
        if let Caller::SignedIn(user) = caller {
            self.check_bans(room_id, &user.user_id, now).await?;
        }
        Ok(Admission { room_arn, role })
    }

    async fn check_bans(
        &self,
        room_id: &str,
        user_id: &str,
        now: OffsetDateTime,
    ) -> Result<(), ApiError> {
        let room = RoomId::new(room_id).map_err(|e| ApiError::BadRequest(e.to_string()))?;
        let user = UserId::new(user_id).map_err(|e| ApiError::BadRequest(e.to_string()))?;
        match self.bans.active_ban(&room, &user, now).await {
            Ok(None) => Ok(()),
            Ok(Some(ban)) => Err(ApiError::Banned {
                until: ban.expires_at().and_then(|t| t.format(&Rfc3339).ok()),
            }),
            Err(error) if error.is_throttling() => Err(ApiError::Throttled {
                retry_after_seconds: 1,
            }),
            Err(error) => Err(ApiError::Internal(format!("ban lookup failed: {error}"))),
        }
    }

    /// The room's tags, from the cache while fresh, else from GetRoom.
    async fn room_tags(
        &self,
        room_id: &str,
        room_arn: &str,
    ) -> Result<HashMap<String, String>, ApiError> {
        if let Ok(rooms) = self.rooms.lock() {
            if let Some(room) = rooms.get(room_id) {
                if room.fetched.elapsed() < self.config.room_cache {
                    return Ok(room.tags.clone());
                }
            }
        }
        let room = self
            .ivs
            .get_room()
            .identifier(room_arn)
            .send()
            .await
            .map_err(|error| match error.as_service_error() {
                Some(e) if e.is_resource_not_found_exception() => {
                    ApiError::RoomNotFound(room_id.to_owned())
                }
                Some(e) if e.is_validation_exception() => {
                    ApiError::BadRequest(format!("roomId {room_id} is not valid"))
                }
                _ => sdk_failure("GetRoom", &error),
            })?;
        let arn = room.arn().unwrap_or(room_arn).to_owned();
        let tags = room.tags().cloned().unwrap_or_default();
        if let Ok(mut rooms) = self.rooms.lock() {
            let activity_written = rooms.get(room_id).and_then(|r| r.activity_written);
            rooms.insert(
                room_id.to_owned(),
                CachedRoom {
                    arn: arn.clone(),
                    tags: tags.clone(),
                    fetched: Instant::now(),
                    activity_written,
                },
            );
        }
        Ok(tags)
    }

    /// Forgets what is known of a room (it was found deleted).
    pub(crate) fn forget(&self, room_id: &str) {
        if let Ok(mut rooms) = self.rooms.lock() {
            rooms.remove(room_id);
        }
    }

    /// Claims the room's last-active write at `now` when neither the tag nor this instance's
    /// last write is within `interval`: the room's ARN to tag, or `None`. Claimed before the
    /// call, so concurrent requests do not all write it.
    pub(crate) fn claim_activity_write(
        &self,
        room_id: &str,
        now: OffsetDateTime,
        interval: std::time::Duration,
    ) -> Option<String> {
        let mut rooms = self.rooms.lock().ok()?;
        let room = rooms.get_mut(room_id)?;
        let tagged = room
            .tags
            .get(room_tags::LAST_ACTIVE)
            .and_then(|t| OffsetDateTime::parse(t, &Rfc3339).ok());
        let last = tagged.max(room.activity_written);
        let due = last.is_none_or(|last| now - last >= interval);
        if due {
            room.activity_written = Some(now);
        }
        due.then(|| room.arn.clone())
    }
}
