//! The token issuer: admits the caller to the room ([`RoomGate`]), grants the role's
//! capabilities, asks IVS Chat for the token, and records room activity for the janitor at
//! most once per interval.

use std::time::Instant;

use aws_sdk_ivschat::primitives::DateTimeFormat;
use aws_sdk_ivschat::types::ChatTokenCapability;
use aws_sdk_ivschat::Client;
use rand::RngCore;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use super::admission::{sdk_failure, Admission, RoomGate};
use super::attributes::profile_attributes;
use super::config::ChatTokenConfig;
use super::policy::{grant, Capability, Role};
use crate::bans::BanStore;
use crate::http_api::{ApiError, Caller};
use crate::ids::ResourceNames;
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

/// Issues chat tokens; build once at cold start and share.
pub struct TokenIssuer<B> {
    ivs: Client,
    gate: RoomGate<B>,
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
    /// An issuer admitting callers through `gate` and asking `ivs` for tokens.
    pub fn new(ivs: Client, gate: RoomGate<B>) -> Self {
        TokenIssuer { ivs, gate }
    }

    pub fn config(&self) -> &ChatTokenConfig {
        self.gate.config()
    }

    /// Issues a token for `caller` in room `room_id` (named in `names`: rooms are in the
    /// account and region of the invoked function), or says why not.
    pub async fn issue(
        &self,
        names: &ResourceNames,
        room_id: &str,
        caller: &Caller,
        ask: &TokenAsk,
        now: OffsetDateTime,
    ) -> Result<IssuedToken, ApiError> {
        let longest = self.config().session_duration_minutes;
        // The room id is checked by `admit`, before any call to IVS.
        let session_minutes = match ask.session_duration_minutes {
            None => longest,
            Some(m) if (1..=longest).contains(&m) => m,
            Some(_) => {
                return Err(ApiError::BadRequest(format!(
                    "sessionDurationMinutes must be from 1 to {longest}"
                )))
            }
        };
        let started = Instant::now();
        let Admission { room_arn, role } = self.gate.admit(names, room_id, caller, now).await?;
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
                self.gate.forget(room_id);
                return ApiError::RoomNotFound(room_id.to_owned());
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
            chat_endpoint: self.config().chat_endpoint.clone(),
            user_id,
            role,
            capabilities,
            remote_time,
        })
    }

    /// Writes the room's last-active tag when neither the tag nor this instance's last write
    /// is within the interval. Best effort: a failure is logged, the token still issued.
    async fn record_activity(&self, room_id: &str, now: OffsetDateTime) {
        let Some(interval) = self.config().activity_interval else {
            return;
        };
        let Some(arn) = self.gate.claim_activity_write(room_id, now, interval) else {
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
