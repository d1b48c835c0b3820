//! Bans through the API: store the ban, then end the user's live sessions (one room, or every
//! room of the account for a global ban, a few at a time); unban; list a scope's active bans.

use futures_util::stream::{self, StreamExt};
use serde::Deserialize;
use time::OffsetDateTime;

use super::chat::{check_reason, MAX_REASON_CHARS};
use super::views::{BanListView, BanView, BannedView};
use super::{ModerationApi, DISCONNECT_CONCURRENCY};
use crate::bans::{Ban, BanScope, BanStore, MAX_PAGE_LIMIT};
use crate::http_api::validate_id;
use crate::http_api::ApiError;
use crate::ids::ResourceNames;
use crate::ids::{RoomId, UserId};

/// The longest ban with an end: ten years, in minutes. Longer is permanent (omit the duration).
pub const MAX_BAN_MINUTES: u64 = 10 * 366 * 24 * 60;

/// The longest look back of `removeRecentMessagesMinutes`: a day.
pub const MAX_REMOVE_MINUTES: u32 = 1440;
/// Most messages one ban removes.
const MAX_REMOVED: usize = 1000;
/// The timeouts the timeout route offers, in minutes.
pub const TIMEOUT_MINUTES: [u64; 3] = [1, 5, 10];

/// `PUT /rooms/{roomId}/bans/{userId}` and `PUT /bans/{userId}`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BanBody {
    pub reason: Option<String>,
    /// Absent: permanent.
    pub duration_minutes: Option<u64>,
    /// Room bans only: also delete the user's messages of the last this many minutes.
    pub remove_recent_messages_minutes: Option<u32>,
}

/// `POST /rooms/{roomId}/users/{userId}/timeout`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TimeoutBody {
    /// 1, 5 or 10.
    pub minutes: u64,
    pub reason: Option<String>,
}

impl TimeoutBody {
    /// The room ban a timeout is.
    pub fn into_ban(self) -> Result<BanBody, ApiError> {
        if !TIMEOUT_MINUTES.contains(&self.minutes) {
            return Err(ApiError::invalid("minutes", "must be 1, 5 or 10"));
        }
        Ok(BanBody {
            reason: self.reason,
            duration_minutes: Some(self.minutes),
            remove_recent_messages_minutes: None,
        })
    }
}

/// What DisconnectUser tells the banned user: `what` happened and the moderator's reason
/// ("banned: spam"), cut to IVS Chat's 256 characters on a character boundary.
fn disconnect_reason(what: &str, reason: &str) -> String {
    let reason = reason.trim();
    let text = if reason.is_empty() {
        what.to_owned()
    } else {
        format!("{what}: {reason}")
    };
    match text.char_indices().nth(MAX_REASON_CHARS) {
        Some((end, _)) => text[..end].to_owned(),
        None => text,
    }
}

/// The scope of a ban route: a room (checked) or global.
fn scope_of(room_id: Option<&str>) -> Result<BanScope, ApiError> {
    match room_id {
        None => Ok(BanScope::Global),
        Some(room) => {
            validate_id("roomId", room)?;
            Ok(BanScope::Room(
                RoomId::new(room).map_err(|e| ApiError::invalid("roomId", e.to_string()))?,
            ))
        }
    }
}

fn user_of(user_id: &str) -> Result<UserId, ApiError> {
    UserId::new(user_id).map_err(|e| ApiError::invalid("userId", e.to_string()))
}

impl<B: BanStore> ModerationApi<B> {
    /// Bans `user_id` in `room_id` (or everywhere), then disconnects the user with the ban's
    /// reason ("banned: REASON"). A room ban of a room that does not exist is undone and
    /// answered 404.
    pub async fn ban(
        &self,
        names: &ResourceNames,
        room_id: Option<&str>,
        user_id: &str,
        body: BanBody,
        banned_by: &str,
        now: OffsetDateTime,
    ) -> Result<BannedView, ApiError> {
        self.ban_saying(names, room_id, user_id, body, banned_by, now, "banned")
            .await
    }

    /// [`Self::ban`], the disconnect's reason starting with `what` ("banned", "timed out
    /// for 5 minutes").
    #[allow(clippy::too_many_arguments)]
    async fn ban_saying(
        &self,
        names: &ResourceNames,
        room_id: Option<&str>,
        user_id: &str,
        body: BanBody,
        banned_by: &str,
        now: OffsetDateTime,
        what: &str,
    ) -> Result<BannedView, ApiError> {
        let scope = scope_of(room_id)?;
        let user = user_of(user_id)?;
        check_reason(body.reason.as_deref())?;
        let remove_minutes = match (body.remove_recent_messages_minutes, &scope) {
            (None, _) => None,
            (Some(_), BanScope::Global) => {
                return Err(ApiError::invalid(
                    "removeRecentMessagesMinutes",
                    "is for room bans only",
                ))
            }
            (Some(m), BanScope::Room(_)) if (1..=MAX_REMOVE_MINUTES).contains(&m) => Some(m),
            (Some(_), BanScope::Room(_)) => {
                return Err(ApiError::invalid(
                    "removeRecentMessagesMinutes",
                    format!("must be from 1 to {MAX_REMOVE_MINUTES}"),
                ))
            }
        };
        if remove_minutes.is_some() && self.history.is_none() {
            return Err(ApiError::invalid(
                "removeRecentMessagesMinutes",
                "this stack keeps no chat history to find the messages in",
            ));
        }
        let reason = body.reason.unwrap_or_default();
        let disconnect_reason = disconnect_reason(what, &reason);
        let ban = match body.duration_minutes {
            None => Ban::new(scope.clone(), user.clone(), reason, banned_by, now, None),
            Some(minutes) if (1..=MAX_BAN_MINUTES).contains(&minutes) => Ban::for_duration(
                scope.clone(),
                user.clone(),
                reason,
                banned_by,
                now,
                time::Duration::minutes(minutes as i64),
            ),
            Some(_) => {
                return Err(ApiError::invalid(
                    "durationMinutes",
                    format!("must be from 1 to {MAX_BAN_MINUTES}; omit it for a permanent ban"),
                ))
            }
        }
        .map_err(|e| ApiError::from(crate::bans::BanStoreError::from(e)))?;
        self.bans.put(&ban).await?;
        let (disconnected_rooms, disconnect_failed_rooms) = match &scope {
            BanScope::Room(room) => {
                let result = self
                    .ivs
                    .disconnect_user()
                    .room_identifier(names.room(room.as_str()))
                    .user_id(user.as_str())
                    .reason(&disconnect_reason)
                    .send()
                    .await
                    .map_err(ApiError::ivs("DisconnectUser"));
                match result {
                    Ok(_) => (1, Vec::new()),
                    Err(ApiError::NotFound(message)) => {
                        self.bans.remove(&scope, &user).await?;
                        return Err(ApiError::NotFound(message));
                    }
                    Err(error) => {
                        tracing::warn!(room_id = room.as_str(), %error, "ban stored, disconnect failed");
                        (0, vec![room.as_str().to_owned()])
                    }
                }
            }
            BanScope::Global => {
                self.disconnect_everywhere(&user, &disconnect_reason)
                    .await?
            }
        };
        let removed = match (&scope, remove_minutes) {
            (BanScope::Room(room), Some(minutes)) => {
                Some(self.remove_recent(names, room, &user, minutes, now).await?)
            }
            _ => None,
        };
        Ok(BannedView {
            ban: BanView::from(&ban),
            disconnected_rooms,
            disconnect_failed_rooms,
            removed_messages: removed.as_ref().map(|(done, _)| *done),
            remove_failed_messages: removed.map(|(_, failed)| failed),
        })
    }

    /// Deletes `user`'s messages of the last `minutes` in `room`, found in the chat history
    /// (which follows live chat by the chat log's delivery delay, about 10 s in AWS), a few at
    /// a time; answers how many were deleted and the ids that failed.
    async fn remove_recent(
        &self,
        names: &ResourceNames,
        room: &RoomId,
        user: &UserId,
        minutes: u32,
        now: OffsetDateTime,
    ) -> Result<(usize, Vec<String>), ApiError> {
        let Some(history) = &self.history else {
            return Ok((0, Vec::new()));
        };
        let from = now - time::Duration::minutes(i64::from(minutes));
        let mut ids = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let page = history
                .range(room.as_str(), from, now, 100, token.as_deref(), now)
                .await
                .map_err(|e| ApiError::Internal(format!("reading the history: {e}")))?;
            ids.extend(
                page.messages
                    .into_iter()
                    .filter(|m| m.sender.user_id == user.as_str())
                    .map(|m| m.id),
            );
            match page.next_token {
                Some(next) if ids.len() < MAX_REMOVED => token = Some(next),
                _ => break,
            }
        }
        ids.truncate(MAX_REMOVED);
        let room_arn = names.room(room.as_str());
        let outcomes: Vec<(String, bool)> = stream::iter(ids)
            .map(|id| {
                let room_arn = room_arn.clone();
                async move {
                    let deleted = self
                        .ivs
                        .delete_message()
                        .room_identifier(room_arn)
                        .id(&id)
                        .reason("removed with the sender's ban")
                        .send()
                        .await;
                    if let Err(error) = &deleted {
                        let error = ApiError::from_ivs("DeleteMessage", error);
                        tracing::warn!(message_id = %id, %error, "ban: message not removed");
                    }
                    (id, deleted.is_ok())
                }
            })
            .buffer_unordered(DISCONNECT_CONCURRENCY)
            .collect()
            .await;
        Ok(tally(outcomes))
    }

    /// `POST /rooms/{roomId}/users/{userId}/timeout`: a room ban of 1, 5 or 10 minutes.
    pub async fn time_out(
        &self,
        names: &ResourceNames,
        room_id: &str,
        user_id: &str,
        body: TimeoutBody,
        banned_by: &str,
        now: OffsetDateTime,
    ) -> Result<BannedView, ApiError> {
        let minutes = body.minutes;
        let ban = body.into_ban()?;
        let what = format!(
            "timed out for {minutes} minute{}",
            if minutes == 1 { "" } else { "s" }
        );
        self.ban_saying(names, Some(room_id), user_id, ban, banned_by, now, &what)
            .await
    }

    /// DisconnectUser in every room of the account, [`DISCONNECT_CONCURRENCY`] at a time.
    async fn disconnect_everywhere(
        &self,
        user: &UserId,
        reason: &str,
    ) -> Result<(usize, Vec<String>), ApiError> {
        let mut rooms = Vec::new();
        let mut next_token: Option<String> = None;
        loop {
            let page = self
                .ivs
                .list_rooms()
                .max_results(50)
                .set_next_token(next_token.take())
                .send()
                .await
                .map_err(ApiError::ivs("ListRooms"))?;
            rooms.extend(
                page.rooms()
                    .iter()
                    .filter_map(|r| r.arn())
                    .map(str::to_owned),
            );
            match page.next_token() {
                Some(token) if !token.is_empty() => next_token = Some(token.to_owned()),
                _ => break,
            }
        }
        let outcomes: Vec<(String, bool)> = stream::iter(rooms)
            .map(|room| async move {
                let result = self
                    .ivs
                    .disconnect_user()
                    .room_identifier(&room)
                    .user_id(user.as_str())
                    .reason(reason)
                    .send()
                    .await;
                let ok = match &result {
                    Ok(_) => true,
                    Err(error) => {
                        let error = ApiError::from_ivs("DisconnectUser", error);
                        // A room deleted meanwhile has no session left to end.
                        matches!(error, ApiError::NotFound(_)) || {
                            tracing::warn!(room_id = %room, %error, "global ban stored, disconnect failed");
                            false
                        }
                    }
                };
                // Report the room by id, as the API names rooms.
                let id = room.rsplit('/').next().unwrap_or_default().to_owned();
                (id, ok)
            })
            .buffer_unordered(DISCONNECT_CONCURRENCY)
            .collect()
            .await;
        Ok(tally(outcomes))
    }

    /// Lifts the ban of `user_id` in the scope; 404 when there is none.
    pub async fn unban(&self, room_id: Option<&str>, user_id: &str) -> Result<(), ApiError> {
        let scope = scope_of(room_id)?;
        let user = user_of(user_id)?;
        if self.bans.remove(&scope, &user).await? {
            Ok(())
        } else {
            Err(ApiError::NotFound(format!(
                "{user_id} is not banned ({scope})"
            )))
        }
    }

    /// The active bans of the scope, a page at a time.
    pub async fn list_bans(
        &self,
        room_id: Option<&str>,
        max_results: Option<u32>,
        next_token: Option<String>,
        now: OffsetDateTime,
    ) -> Result<BanListView, ApiError> {
        let scope = scope_of(room_id)?;
        let limit = max_results.unwrap_or(50).clamp(1, MAX_PAGE_LIMIT);
        let page = self
            .bans
            .list(&scope, next_token.as_deref(), limit, now)
            .await?;
        Ok(BanListView {
            items: page.bans.iter().map(BanView::from).collect(),
            next_token: page.next_page_token,
        })
    }
}

/// How many of `outcomes` succeeded, and the names of those that failed.
fn tally(outcomes: Vec<(String, bool)>) -> (usize, Vec<String>) {
    let total = outcomes.len();
    let failed: Vec<String> = outcomes
        .into_iter()
        .filter_map(|(name, ok)| (!ok).then_some(name))
        .collect();
    (total - failed.len(), failed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_disconnect_carries_the_bans_reason_within_256_characters() {
        assert_eq!(disconnect_reason("banned", "spam"), "banned: spam");
        assert_eq!(disconnect_reason("banned", "  "), "banned");
        assert_eq!(
            disconnect_reason("timed out for 1 minute", "calm down"),
            "timed out for 1 minute: calm down"
        );
        // The longest reason the route takes, in two- and four-byte characters: cut at 256
        // characters, never inside one.
        for letter in ["é", "🙂", "a"] {
            let reason = letter.repeat(MAX_REASON_CHARS);
            let said = disconnect_reason("banned", &reason);
            assert_eq!(said.chars().count(), MAX_REASON_CHARS, "{letter}");
            assert!(said.starts_with("banned: "));
            assert!(reason.starts_with(&said["banned: ".len()..]));
        }
    }
}
