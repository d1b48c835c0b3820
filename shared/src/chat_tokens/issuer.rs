//! The token issuer: checks the room (its tags cached, since GetRoom is limited to 5 TPS), the
//! caller's role and bans, asks IVS Chat for the token, and records room activity for the
//! janitor at most once per interval.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

use aws_sdk_ivschat::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_ivschat::primitives::DateTimeFormat;
use aws_sdk_ivschat::types::ChatTokenCapability;
use aws_sdk_ivschat::Client;
use rand::RngCore;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use super::attributes::profile_attributes;
use super::config::ChatTokenConfig;
use super::error::IssueError;
use super::policy::{grant, Capability, Role, RoomAccess};
use crate::bans::{BanStore, BanStoreError, RoomId, UserId};
use crate::http_api::Caller;
use crate::room_tags;

/// What the caller asked for (the request body); everything optional.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TokenAsk {
    /// Fewer capabilities than the role allows; `None` is all of them.
    pub capabilities: Option<Vec<Capability>>,
    /// A shorter session than configured.
    pub session_duration_minutes: Option<u32>,
}

/// An issued token and what the client needs to connect with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedToken {
    pub token: String,
    /// RFC 3339.
    pub token_expiration_time: String,
    /// RFC 3339.
    pub session_expiration_time: String,
    /// The WebSocket URL to connect to with the token.
    pub chat_endpoint: String,
    pub user_id: String,
    pub role: Role,
    pub capabilities: Vec<Capability>,
    /// Time spent waiting for IVS Chat and DynamoDB; the rest of the request's time is the
    /// issuer's own work (logged, and measured by the issuer benchmark).
    pub remote_time: std::time::Duration,
}

struct CachedRoom {
    arn: String,
    tags: HashMap<String, String>,
    fetched: Instant,
    /// When this instance last wrote the last-active tag.
    activity_written: Option<OffsetDateTime>,
}

/// A caller let into a room by [`TokenIssuer::admit`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Admission {
    pub room_arn: String,
    pub role: Role,
}

/// Issues chat tokens; build once at cold start and share.
pub struct TokenIssuer<B> {
    ivs: Client,
    bans: B,
    config: ChatTokenConfig,
    rooms: Mutex<HashMap<String, CachedRoom>>,
}

/// An IVS room id: 12 ASCII letters and digits.
fn check_room_id(room_id: &str) -> Result<(), IssueError> {
    if room_id.len() == 12 && room_id.bytes().all(|b| b.is_ascii_alphanumeric()) {
        Ok(())
    } else {
        Err(IssueError::BadRequest(
            "roomId must be an IVS Chat room id: 12 letters and digits".to_owned(),
        ))
    }
}

/// How an SDK failure is answered: throttling is 429, anything else is an internal failure
/// whose detail is logged only.
fn sdk_failure<E: ProvideErrorMetadata + std::error::Error + 'static>(
    operation: &str,
    error: &SdkError<E, aws_smithy_runtime_api::http::Response>,
) -> IssueError {
    let status = error.raw_response().map(|r| r.status().as_u16());
    if error.code() == Some("ThrottlingException") || status == Some(429) {
        return IssueError::Throttled {
            retry_after_seconds: 1,
        };
    }
    IssueError::Internal(format!(
        "{operation} failed: {}",
        aws_smithy_types::error::display::DisplayErrorContext(error)
    ))
}

/// `arn:PARTITION:ivschat:REGION:ACCOUNT:room/ID` for a room of the account and region of
/// `function_arn` (`arn:PARTITION:lambda:REGION:ACCOUNT:function:NAME`).
pub fn room_arn(function_arn: &str, room_id: &str) -> Option<String> {
    crate::admin_api::ResourceNames::of_function(function_arn)
        .ok()
        .map(|names| names.room(room_id))
}

fn anonymous_user_id() -> String {
    let mut bytes = [0u8; 8];
    rand::thread_rng().fill_bytes(&mut bytes);
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("anonymous-{hex}")
}

fn rfc3339(time: Option<&aws_sdk_ivschat::primitives::DateTime>) -> String {
    time.and_then(|t| t.fmt(DateTimeFormat::DateTime).ok())
        .unwrap_or_default()
}

impl<B: BanStore> TokenIssuer<B> {
    pub fn new(ivs: Client, bans: B, config: ChatTokenConfig) -> Self {
        TokenIssuer {
            ivs,
            bans,
            config,
            rooms: Mutex::new(HashMap::new()),
        }
    }

    pub fn config(&self) -> &ChatTokenConfig {
        &self.config
    }

    /// Issues a token for `caller` in room `room_id` of the account and region of
    /// `function_arn` (the invoked function's ARN: rooms are in the function's account and
    /// region), or says why not.
    pub async fn issue(
        &self,
        function_arn: &str,
        room_id: &str,
        caller: &Caller,
        ask: &TokenAsk,
        now: OffsetDateTime,
    ) -> Result<IssuedToken, IssueError> {
        // The room id is checked by `admit`, before any call to IVS.
        let session_minutes = match ask.session_duration_minutes {
            None => self.config.session_duration_minutes,
            Some(m) if (1..=self.config.session_duration_minutes).contains(&m) => m,
            Some(_) => {
                return Err(IssueError::BadRequest(format!(
                    "sessionDurationMinutes must be from 1 to {}",
                    self.config.session_duration_minutes
                )))
            }
        };
        let started = Instant::now();
        let Admission { room_arn, role } = self.admit(function_arn, room_id, caller, now).await?;
        let mut remote_time = started.elapsed();
        let capabilities = grant(role, ask.capabilities.as_deref())?;
        let user_id = match caller {
            Caller::SignedIn(user) => user.user_id.clone(),
            Caller::Anonymous => anonymous_user_id(),
        };
        let mut request = self
            .ivs
            .create_chat_token()
            .room_identifier(&room_arn)
            .user_id(&user_id)
            .session_duration_in_minutes(session_minutes as i32)
            .set_attributes(Some(profile_attributes(caller, role)));
        for capability in &capabilities {
            request = request.capabilities(ChatTokenCapability::from(capability.as_str()));
        }
        let started = Instant::now();
        let sent = request.send().await;
        remote_time += started.elapsed();
        let token = sent.map_err(|error| {
            if error
                .as_service_error()
                .is_some_and(|e| e.is_resource_not_found_exception())
            {
                self.forget(room_id);
                return IssueError::RoomNotFound(room_id.to_owned());
            }
            sdk_failure("CreateChatToken", &error)
        })?;
        let started = Instant::now();
        self.record_activity(room_id, now).await;
        remote_time += started.elapsed();
        Ok(IssuedToken {
            token: token.token().unwrap_or_default().to_owned(),
            token_expiration_time: rfc3339(token.token_expiration_time()),
            session_expiration_time: rfc3339(token.session_expiration_time()),
            chat_endpoint: self.config.chat_endpoint.clone(),
            user_id,
            role,
            capabilities,
            remote_time,
        })
    }

    /// Whether `caller` may be in room `room_id` (of the account and region of
    /// `function_arn`) at `now`: the room exists, its access rules admit the caller's role,
    /// and no ban keeps a signed-in caller out. The token routes and the history routes
    /// decide with this, so reading a room's chat is allowed exactly where joining it is.
    pub async fn admit(
        &self,
        function_arn: &str,
        room_id: &str,
        caller: &Caller,
        now: OffsetDateTime,
    ) -> Result<Admission, IssueError> {
        check_room_id(room_id)?;
        let room_arn = room_arn(function_arn, room_id).ok_or_else(|| {
            IssueError::Internal(format!("cannot tell the account from {function_arn}"))
        })?;
        let tags = self.room_tags(room_id, &room_arn).await?;
        let role = Role::of(caller, &self.config);
        RoomAccess::from_tags(&tags).admit(caller, role)?;
        if let Caller::SignedIn(user) = caller {
            self.check_bans(room_id, &user.user_id, now).await?;
        }
        Ok(Admission { room_arn, role })
    }

    /// The ban store this issuer checks.
    pub fn bans(&self) -> &B {
        &self.bans
    }

    async fn check_bans(
        &self,
        room_id: &str,
        user_id: &str,
        now: OffsetDateTime,
    ) -> Result<(), IssueError> {
        let room = RoomId::new(room_id).map_err(|e| IssueError::BadRequest(e.to_string()))?;
        let user = UserId::new(user_id).map_err(|e| IssueError::BadRequest(e.to_string()))?;
        match self.bans.active_ban(&room, &user, now).await {
            Ok(None) => Ok(()),
            Ok(Some(ban)) => Err(IssueError::Banned {
                until: ban.expires_at().and_then(|t| t.format(&Rfc3339).ok()),
            }),
            Err(error) if error.is_throttling() => Err(IssueError::Throttled {
                retry_after_seconds: 1,
            }),
            Err(error) => Err(IssueError::Internal(ban_failure(&error))),
        }
    }

    /// The room's tags, from the cache while fresh, else from GetRoom.
    async fn room_tags(
        &self,
        room_id: &str,
        room_arn: &str,
    ) -> Result<HashMap<String, String>, IssueError> {
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
                    IssueError::RoomNotFound(room_id.to_owned())
                }
                Some(e) if e.is_validation_exception() => {
                    IssueError::BadRequest(format!("roomId {room_id} is not valid"))
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

    fn forget(&self, room_id: &str) {
        if let Ok(mut rooms) = self.rooms.lock() {
            rooms.remove(room_id);
        }
    }

    /// Writes the room's last-active tag when neither the tag nor this instance's last write
    /// is within the interval. Best effort: a failure is logged, the token still issued.
    async fn record_activity(&self, room_id: &str, now: OffsetDateTime) {
        let Some(interval) = self.config.activity_interval else {
            return;
        };
        let due = {
            let Ok(mut rooms) = self.rooms.lock() else {
                return;
            };
            let Some(room) = rooms.get_mut(room_id) else {
                return;
            };
            let tagged = room
                .tags
                .get(room_tags::LAST_ACTIVE)
                .and_then(|t| OffsetDateTime::parse(t, &Rfc3339).ok());
            let last = tagged.max(room.activity_written);
            let due = last.is_none_or(|last| now - last >= interval);
            if due {
                // Claimed before the call, so concurrent requests do not all write it.
                room.activity_written = Some(now);
            }
            due.then(|| room.arn.clone())
        };
        let Some(arn) = due else {
            return;
        };
        let stamp = now
            .replace_nanosecond(0)
            .unwrap_or(now)
            .format(&Rfc3339)
            .unwrap_or_default();
        if let Err(error) = self
            .ivs
            .tag_resource()
            .resource_arn(&arn)
            .tags(room_tags::LAST_ACTIVE, &stamp)
            .send()
            .await
        {
            tracing::warn!(
                room_id,
                "cannot record room activity: {}",
                aws_smithy_types::error::display::DisplayErrorContext(&error)
            );
        }
    }
}

fn ban_failure(error: &BanStoreError) -> String {
    format!("ban lookup failed: {error}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rooms_are_in_the_functions_account_and_region() {
        assert_eq!(
            room_arn(
                "arn:aws:lambda:eu-west-1:123456789012:function:chat-token",
                "abcdEFGH1234"
            )
            .as_deref(),
            Some("arn:aws:ivschat:eu-west-1:123456789012:room/abcdEFGH1234")
        );
        assert_eq!(
            room_arn(
                "arn:aws-cn:lambda:cn-north-1:123456789012:function:f:live",
                "r"
            )
            .as_deref(),
            Some("arn:aws-cn:ivschat:cn-north-1:123456789012:room/r")
        );
        assert_eq!(room_arn("not an arn", "r"), None);
    }
}
