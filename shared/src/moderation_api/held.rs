//! Held messages through the API: list what waits for a moderator, approve (delivered once
//! to the room as an event, however often approved, and settled by the next approval when an
//! earlier one stopped halfway) or reject; each decision is one conditional write, so two
//! moderators cannot both decide.

use std::collections::BTreeMap;

use serde::Serialize;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use aws_sdk_ivschat::config::retry::RetryConfig;
use aws_sdk_ivschat::config::timeout::TimeoutConfig;
use aws_sdk_ivschat::error::SdkError;

use super::ModerationApi;
use crate::bans::BanStore;
use crate::history::APPROVED_ATTRIBUTE;
use crate::http_api::{validate_id, ApiError};
use crate::ids::{ResourceNames, RoomId};
use crate::room_moderation::{is_held_id, ApprovalClaim, HeldMessage, HeldStatus, APPROVED_EVENT};

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

/// How long an approval's claim lasts: longer than the moderation function may run (30 s),
/// so a lapsed claim's approval has stopped, and its event, if sent, has had time to reach the
/// chat history (CloudWatch Logs delivers in about 10 s).
pub const APPROVAL_LEASE: time::Duration = time::Duration::seconds(60);
/// The longest the approved event's `SendEvent` may take.
const SEND_EVENT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);
/// History pages (of 100) searched for a lapsed approval's event.
const MAX_HISTORY_PAGES: usize = 50;

/// The answer to an approval of `held` that needs no claim: approved already (approving twice
/// delivers once), rejected, expired, or being approved under a claim that has not lapsed.
fn settled_or_busy(
    held: &HeldMessage,
    now: OffsetDateTime,
) -> Option<Result<DecisionView, ApiError>> {
    let id = &held.id;
    let by = held.decided_by.clone().unwrap_or_default();
    match held.status {
        HeldStatus::Approved => Some(Ok(decision(held))),
        HeldStatus::Rejected => Some(Err(ApiError::Conflict(format!(
            "{id} was rejected by {by}"
        )))),
        HeldStatus::Held if held.expires_at <= now => {
            Some(Err(ApiError::NotFound(format!("{id} has expired"))))
        }
        HeldStatus::Held => None,
        HeldStatus::Approving => match held.approval {
            Some(claim) if claim.claimed_until > now => Some(Err(ApiError::Conflict(format!(
                "{id} is being approved by {by} (until {})",
                rfc3339(claim.claimed_until)
            )))),
            _ => None,
        },
    }
}

/// Whether a failed `SendEvent` certainly delivered nothing: it was never sent, or IVS Chat
/// answered with a refusal (4xx). A timeout, a dropped connection or a 5xx may have delivered.
fn not_delivered<E>(error: &SdkError<E, aws_smithy_runtime_api::http::Response>) -> bool {
    match error {
        SdkError::ConstructionFailure(_) => true,
        SdkError::ServiceError(service) => (400..500).contains(&service.raw().status().as_u16()),
        _ => false,
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

    /// `POST /rooms/{roomId}/held-messages/{id}/approve`: delivers the message once, however
    /// often approved and whatever stopped an earlier approval (see "Approvals" in
    /// `room_moderation::held`): the message is claimed for [`APPROVAL_LEASE`], sent as one
    /// event naming it, and marked approved; a claim that lapsed is settled by this approval,
    /// from the chat history when the event is there, else by sending it.
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
        let current = self.undecidable(&room, id).await?;
        if let Some(answer) = settled_or_busy(&current, now) {
            return answer;
        }
        let Some(claimed) = store
            .claim_approval(&room, &current, moderator, now, APPROVAL_LEASE)
            .await?
        else {
            // Decided or claimed by another moderator between the read and the claim.
            let current = self.undecidable(&room, id).await?;
            return settled_or_busy(&current, now)
                .unwrap_or_else(|| Err(ApiError::Conflict(format!("{id} is being decided"))));
        };
        let Some(claim) = claimed.approval else {
            return Err(ApiError::Internal(format!("{id}: claimed without a lease")));
        };
        if current.status == HeldStatus::Approving {
            // An earlier approval stopped after claiming; it may have delivered.
            if let Some(event_id) = self.delivered_event(&room, &current, now).await? {
                tracing::warn!(room_id = room.as_str(), held_id = id, event_id = %event_id,
                    "approval settled: the event was delivered before the approval stopped");
                return self.finish(&room, id, &claim, &event_id).await;
            }
            tracing::warn!(
                room_id = room.as_str(),
                held_id = id,
                "approval settled: no delivery found; sending the event"
            );
        }
        let attributes = match claimed.event_attributes() {
            Ok(attributes) => attributes,
            Err(too_large) => {
                store.release_approval(&room, id, &claim).await?;
                return Err(ApiError::Conflict(format!(
                    "{id} cannot be delivered as one event: {too_large}; reject it instead"
                )));
            }
        };
        // One attempt: a retried SendEvent whose first answer was lost would deliver twice.
        let sent = self
            .ivs
            .send_event()
            .room_identifier(names.room(room.as_str()))
            .event_name(APPROVED_EVENT)
            .set_attributes(Some(attributes.into_iter().collect()))
            .customize()
            .config_override(
                aws_sdk_ivschat::config::Builder::default()
                    .retry_config(RetryConfig::disabled())
                    .timeout_config(
                        TimeoutConfig::builder()
                            .operation_timeout(SEND_EVENT_TIMEOUT)
                            .build(),
                    ),
            )
            .send()
            .await;
        match sent {
            Ok(output) => {
                let event_id = output.id().unwrap_or_default().to_owned();
                self.finish(&room, id, &claim, &event_id).await
            }
            Err(error) if not_delivered(&error) => {
                store.release_approval(&room, id, &claim).await?;
                Err(ApiError::from_ivs("SendEvent", &error))
            }
            Err(error) => {
                // Perhaps delivered: the claim stays, and the approval after its lease settles it.
                let detail = aws_smithy_types::error::display::DisplayErrorContext(&error);
                Err(ApiError::Internal(format!(
                    "SendEvent for held message {id} got no answer ({detail}); approve again \
                     after {} to settle it",
                    rfc3339(claim.claimed_until)
                )))
            }
        }
    }

    /// Marks the claimed message approved, delivered as `event_id`.
    async fn finish(
        &self,
        room: &RoomId,
        id: &str,
        claim: &ApprovalClaim,
        event_id: &str,
    ) -> Result<DecisionView, ApiError> {
        match self
            .room_moderation()?
            .finish_approval(room, id, claim, event_id)
            .await?
        {
            Some(held) => Ok(decision(&held)),
            None => Err(ApiError::Internal(format!(
                "{id} was delivered as event {event_id} but its claim lapsed meanwhile"
            ))),
        }
    }

    /// The id of the event that delivered `held` after its first claim, as the chat history
    /// has it; `None` when the history has no such event (or the stack keeps no history).
    async fn delivered_event(
        &self,
        room: &RoomId,
        held: &HeldMessage,
        now: OffsetDateTime,
    ) -> Result<Option<String>, ApiError> {
        let (Some(history), Some(claim)) = (&self.history, held.approval) else {
            return Ok(None);
        };
        // IVS's clock stamps the event: allow it to run a little behind ours.
        let from = claim.claimed_at - time::Duration::seconds(5);
        let mut token: Option<String> = None;
        for _ in 0..MAX_HISTORY_PAGES {
            let page = history
                .range(room.as_str(), from, now, 100, token.as_deref(), now)
                .await
                .map_err(|e| ApiError::Internal(format!("reading the history: {e}")))?;
            let found = page.messages.into_iter().find(|m| {
                m.sender.user_id == held.sender_user_id
                    && m.attributes.get(APPROVED_ATTRIBUTE) == Some(&held.id)
            });
            if let Some(message) = found {
                return Ok(Some(message.id));
            }
            match page.next_token {
                Some(next) => token = Some(next),
                None => return Ok(None),
            }
        }
        Err(ApiError::Internal(format!(
            "more than {} messages since {} approval was claimed; the history cannot say \
             whether it was delivered",
            MAX_HISTORY_PAGES * 100,
            held.id
        )))
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
