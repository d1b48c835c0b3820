//! Held messages through the API: list what waits for a moderator, approve (delivered once
//! to the room as an event, however often approved) or reject; each decision is one
//! conditional write, so two moderators cannot both decide.

use std::collections::BTreeMap;

use serde::Serialize;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use super::ModerationApi;
use crate::bans::BanStore;
use crate::http_api::{validate_id, ApiError};
use crate::ids::{ResourceNames, RoomId};
use crate::room_moderation::{is_held_id, HeldMessage, HeldStatus, APPROVED_EVENT};

/// The sender of a held message, as the history shows senders.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HeldSenderView {
    pub user_id: String,
    pub attributes: BTreeMap<String, String>,
}

/// A held message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HeldMessageView {
    pub id: String,
    pub room_id: String,
    pub message_id: String,
    pub content: String,
    pub attributes: BTreeMap<String, String>,
    pub sender: HeldSenderView,
    pub rules: Vec<String>,
    pub held_at: String,
    pub expires_at: String,
}

/// A page of held messages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HeldPageView {
    pub items: Vec<HeldMessageView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

/// A moderator's decision on a held message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DecisionView {
    pub id: String,
    pub status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event_id: Option<String>,
    pub decided_by: String,
    pub decided_at: String,
}

fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap_or_default()
}

impl From<HeldMessage> for HeldMessageView {
    fn from(held: HeldMessage) -> Self {
        HeldMessageView {
            id: held.id,
            room_id: held.room_id,
            message_id: held.message_id,
            content: held.content,
            attributes: held.attributes,
            sender: HeldSenderView {
                user_id: held.sender_user_id,
                attributes: held.sender_attributes,
            },
            rules: held.rules,
            held_at: rfc3339(held.held_at),
            expires_at: rfc3339(held.expires_at),
        }
    }
}

fn decision(held: &HeldMessage) -> DecisionView {
    DecisionView {
        id: held.id.clone(),
        status: held.status.as_str(),
        event_id: held.event_id.clone(),
        decided_by: held.decided_by.clone().unwrap_or_default(),
        decided_at: held.decided_at.map(rfc3339).unwrap_or_default(),
    }
}

fn room_of(room_id: &str) -> Result<RoomId, ApiError> {
    validate_id("roomId", room_id)?;
    RoomId::new(room_id).map_err(|e| ApiError::invalid("roomId", e.to_string()))
}

fn checked_id(id: &str) -> Result<(), ApiError> {
    if is_held_id(id) {
        Ok(())
    } else {
        Err(ApiError::invalid(
            "heldMessageId",
            "must be 1 to 64 letters and digits",
        ))
    }
}

impl<B: BanStore> ModerationApi<B> {
    /// `GET /rooms/{roomId}/held-messages`.
    pub async fn held_messages(
        &self,
        room_id: &str,
        max_results: Option<u32>,
        next_token: Option<String>,
        now: OffsetDateTime,
    ) -> Result<HeldPageView, ApiError> {
        let room = room_of(room_id)?;
        if let Some(token) = &next_token {
            if !is_held_id(token) {
                return Err(ApiError::invalid(
                    "nextToken",
                    "is not a token this API gave",
                ));
            }
        }
        let page = self
            .room_moderation()?
            .held_messages(&room, next_token.as_deref(), max_results.unwrap_or(50), now)
            .await?;
        Ok(HeldPageView {
            items: page
                .messages
                .into_iter()
                .map(HeldMessageView::from)
                .collect(),
            next_token: page.next_page_token,
        })
    }

    /// Why a decision on `id` could not be made from `held`: the message as it stands.
    async fn undecidable(&self, room: &RoomId, id: &str) -> Result<HeldMessage, ApiError> {
        match self.room_moderation()?.held_message(room, id).await? {
            None => Err(ApiError::NotFound(format!("no held message {id}"))),
            Some(held) => Ok(held),
        }
    }

    /// `POST /rooms/{roomId}/held-messages/{id}/approve`: delivers the message once.
    pub async fn approve_held(
        &self,
        names: &ResourceNames,
        room_id: &str,
        id: &str,
        moderator: &str,
        now: OffsetDateTime,
    ) -> Result<DecisionView, ApiError> {
        let room = room_of(room_id)?;
        checked_id(id)?;
        let store = self.room_moderation()?;
        let claimed = store
            .decide(
                &room,
                id,
                HeldStatus::Held,
                HeldStatus::Approving,
                moderator,
                now,
                None,
            )
            .await?;
        let Some(held) = claimed else {
            let held = self.undecidable(&room, id).await?;
            return match held.status {
                // Approving twice delivers once: the first approval's answer.
                HeldStatus::Approved => Ok(decision(&held)),
                HeldStatus::Rejected => Err(ApiError::Conflict(format!(
                    "{id} was rejected by {}",
                    held.decided_by.unwrap_or_default()
                ))),
                HeldStatus::Approving => Err(ApiError::Conflict(format!(
                    "{id} is being approved by {}",
                    held.decided_by.unwrap_or_default()
                ))),
                HeldStatus::Held => Err(ApiError::NotFound(format!("{id} has expired"))),
            };
        };
        let release = || async {
            // Back to held, so another moderator may decide.
            let _ = store
                .decide(
                    &room,
                    id,
                    HeldStatus::Approving,
                    HeldStatus::Held,
                    moderator,
                    now,
                    None,
                )
                .await;
        };
        let attributes = match held.event_attributes() {
            Ok(attributes) => attributes,
            Err(too_large) => {
                release().await;
                return Err(ApiError::Conflict(format!(
                    "{id} cannot be delivered as one event: {too_large}; reject it instead"
                )));
            }
        };
        let sent = self
            .ivs
            .send_event()
            .room_identifier(names.room(room.as_str()))
            .event_name(APPROVED_EVENT)
            .set_attributes(Some(attributes.into_iter().collect()))
            .send()
            .await
            .map_err(ApiError::ivs("SendEvent"));
        let event_id = match sent {
            Ok(output) => output.id().unwrap_or_default().to_owned(),
            Err(error) => {
                release().await;
                return Err(error);
            }
        };
        let approved = store
            .decide(
                &room,
                id,
                HeldStatus::Approving,
                HeldStatus::Approved,
                moderator,
                now,
                Some(&event_id),
            )
            .await?;
        match approved {
            Some(held) => Ok(decision(&held)),
            None => Err(ApiError::Internal(format!(
                "{id} was delivered as event {event_id} but is no longer being approved"
            ))),
        }
    }

    /// `POST /rooms/{roomId}/held-messages/{id}/reject`: discards the message.
    pub async fn reject_held(
        &self,
        room_id: &str,
        id: &str,
        moderator: &str,
        now: OffsetDateTime,
    ) -> Result<DecisionView, ApiError> {
        let room = room_of(room_id)?;
        checked_id(id)?;
        let rejected = self
            .room_moderation()?
            .decide(
                &room,
                id,
                HeldStatus::Held,
                HeldStatus::Rejected,
                moderator,
                now,
                None,
            )
            .await?;
        if let Some(held) = rejected {
            return Ok(decision(&held));
        }
        let held = self.undecidable(&room, id).await?;
        match held.status {
            HeldStatus::Rejected => Ok(decision(&held)),
            HeldStatus::Approved | HeldStatus::Approving => Err(ApiError::Conflict(format!(
                "{id} was approved by {}",
                held.decided_by.unwrap_or_default()
            ))),
            HeldStatus::Held => Err(ApiError::NotFound(format!("{id} has expired"))),
        }
    }
}
