//! Reading a room's history for a caller already admitted to the room: the latest N messages
//! (what a late joiner sees), or a time range page by page (replay). Messages of users banned
//! from the room are left out while the ban lasts.

use std::collections::HashSet;

use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use super::store::{HistoryStore, StoredMessage};
use super::HistoryError;
use crate::bans::{BanStore, BanStoreError};
use crate::ids::{RoomId, UserId};

/// Messages "latest" returns when the caller does not say.
pub const DEFAULT_LATEST: u32 = 50;
/// The most "latest" (and a range page) returns.
pub const MAX_LATEST: u32 = 100;

/// What the caller asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HistoryQuery {
    /// The latest `limit` messages.
    Latest { limit: u32 },
    /// Messages sent from `from` to `to`, `limit` a page, continuing at `next_token`.
    Range {
        from: OffsetDateTime,
        to: OffsetDateTime,
        limit: u32,
        next_token: Option<String>,
    },
}

/// Why a query cannot be read from the request's parameters.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct QueryError {
    pub field: &'static str,
    pub message: String,
}

fn time_parameter(
    field: &'static str,
    value: Option<&str>,
) -> Result<Option<OffsetDateTime>, QueryError> {
    value
        .map(|text| {
            OffsetDateTime::parse(text.trim(), &Rfc3339).map_err(|_| QueryError {
                field,
                message: "must be an RFC 3339 time, e.g. 2026-11-26T10:00:00Z".to_owned(),
            })
        })
        .transpose()
}

impl HistoryQuery {
    /// The query of the parameters `limit`, `from`, `to` and `nextToken` (any may be absent):
    /// no `from` (and no `nextToken`) is "latest"; `from` alone runs to `now`.
    pub fn from_parameters(
        limit: Option<i64>,
        from: Option<&str>,
        to: Option<&str>,
        next_token: Option<&str>,
        now: OffsetDateTime,
    ) -> Result<HistoryQuery, QueryError> {
        let limit = match limit {
            None => DEFAULT_LATEST,
            Some(n) if (1..=MAX_LATEST as i64).contains(&n) => n as u32,
            Some(_) => {
                return Err(QueryError {
                    field: "limit",
                    message: format!("must be a whole number from 1 to {MAX_LATEST}"),
                })
            }
        };
        let from = time_parameter("from", from)?;
        let to = time_parameter("to", to)?;
        let next_token = next_token.map(str::trim).filter(|t| !t.is_empty());
        match from {
            None if to.is_some() || next_token.is_some() => Err(QueryError {
                field: "from",
                message: "a time range needs `from`".to_owned(),
            }),
            None => Ok(HistoryQuery::Latest { limit }),
            Some(from) => {
                let to = to.unwrap_or(now);
                if to < from {
                    return Err(QueryError {
                        field: "to",
                        message: "must not be before `from`".to_owned(),
                    });
                }
                Ok(HistoryQuery::Range {
                    from,
                    to,
                    limit,
                    next_token: next_token.map(str::to_owned),
                })
            }
        }
    }
}

/// One answer: messages oldest first, and where a range continues.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryAnswer {
    pub messages: Vec<StoredMessage>,
    pub next_token: Option<String>,
}

/// A failure of the store or of the ban check.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error(transparent)]
    History(#[from] HistoryError),
    #[error(transparent)]
    Bans(#[from] BanStoreError),
}

/// Reads histories; build once at cold start.
pub struct HistoryReader<'a, B> {
    pub store: &'a HistoryStore,
    pub bans: &'a B,
}

impl<B: BanStore> HistoryReader<'_, B> {
    /// Answers `query` for room `room_id` at `now`.
    pub async fn read(
        &self,
        room_id: &str,
        query: &HistoryQuery,
        now: OffsetDateTime,
    ) -> Result<HistoryAnswer, ReadError> {
        let (messages, next_token) = match query {
            HistoryQuery::Latest { limit } => {
                (self.store.latest(room_id, *limit, now).await?, None)
            }
            HistoryQuery::Range {
                from,
                to,
                limit,
                next_token,
            } => {
                let page = self
                    .store
                    .range(room_id, *from, *to, *limit, next_token.as_deref(), now)
                    .await?;
                (page.messages, page.next_token)
            }
        };
        let messages = self.without_banned(room_id, messages, now).await?;
        Ok(HistoryAnswer {
            messages,
            next_token,
        })
    }

    async fn without_banned(
        &self,
        room_id: &str,
        messages: Vec<StoredMessage>,
        now: OffsetDateTime,
    ) -> Result<Vec<StoredMessage>, ReadError> {
        let Ok(room) = RoomId::new(room_id) else {
            return Ok(messages);
        };
        let senders: Vec<UserId> = messages
            .iter()
            .filter_map(|m| UserId::new(m.sender.user_id.as_str()).ok())
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        if senders.is_empty() {
            return Ok(messages);
        }
        let banned = self.bans.banned_among(&room, &senders, now).await?;
        if banned.is_empty() {
            return Ok(messages);
        }
        Ok(messages
            .into_iter()
            .filter(|m| {
                UserId::new(m.sender.user_id.as_str()).map_or(true, |user| !banned.contains(&user))
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2026-11-26 10:00 UTC);

    #[test]
    fn parameters_choose_latest_or_a_range() {
        assert_eq!(
            HistoryQuery::from_parameters(None, None, None, None, NOW),
            Ok(HistoryQuery::Latest { limit: 50 })
        );
        assert_eq!(
            HistoryQuery::from_parameters(Some(7), None, None, None, NOW),
            Ok(HistoryQuery::Latest { limit: 7 })
        );
        assert_eq!(
            HistoryQuery::from_parameters(
                Some(20),
                Some("2026-11-26T09:00:00Z"),
                None,
                Some("t"),
                NOW
            ),
            Ok(HistoryQuery::Range {
                from: datetime!(2026-11-26 09:00 UTC),
                to: NOW,
                limit: 20,
                next_token: Some("t".into()),
            })
        );
    }

    #[test]
    fn bad_parameters_name_their_field() {
        type Case<'a> = (
            Option<i64>,
            Option<&'a str>,
            Option<&'a str>,
            Option<&'a str>,
            &'a str,
        );
        let cases: [Case; 6] = [
            (Some(0), None, None, None, "limit"),
            (Some(101), None, None, None, "limit"),
            (None, Some("yesterday"), None, None, "from"),
            (None, Some("2026-11-26T09:00:00Z"), Some("x"), None, "to"),
            (
                None,
                Some("2026-11-26T09:00:00Z"),
                Some("2026-11-26T08:00:00Z"),
                None,
                "to",
            ),
            (None, None, None, Some("token"), "from"),
        ];
        for (limit, from, to, token, field) in cases {
            let error =
                HistoryQuery::from_parameters(limit, from, to, token, NOW).expect_err(field);
            assert_eq!(error.field, field, "{error}");
        }
    }
}
