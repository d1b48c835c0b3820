//! Held messages: what a `hold` rule kept back, kept in the room moderation table until a
//! moderator approves or rejects it, or it expires (DynamoDB TTL; reads hide expired ones
//! before TTL removes them). A decision is one conditional write from `held`, so two
//! moderators deciding at once cannot both win.
//!
//! # Approvals
//!
//! IVS Chat's `SendEvent` has no idempotency key, so an approval is recorded in three steps:
//!
//! 1. **claim** ([`RoomModerationStore::claim_approval`]): `held` → `approving` with a lease
//!    (`claimedUntil`, longer than the moderation function may live), the first claim's time
//!    (`claimedAt`) and the message's own expiry (`heldUntil`); the TTL moves a day past the
//!    lease, so a claim never expires before it is settled;
//! 2. **deliver**: one `SendEvent` whose attributes name the held message (`MessageId`, the
//!    held id), so its delivery can be recognised later (the chat history keeps it with that
//!    id);
//! 3. **finish** ([`RoomModerationStore::finish_approval`]): `approving` → `approved` with the
//!    event's id, only while the claim is the one that sent it.
//!
//! A refusal IVS answered (nothing delivered) **releases** the claim back to `held`
//! ([`RoomModerationStore::release_approval`]). Anything else that stops between 1 and 3 (the
//! function dying, a lost answer) leaves the claim to lapse; the next approval after the lease
//! takes it over (conditional on the very claim it read, so two cannot) and settles it: the
//! delivery found, it finishes without sending; else it sends once.

use std::collections::BTreeMap;

use aws_sdk_dynamodb::types::{AttributeValue, ReturnValue};
use time::OffsetDateTime;

use super::error::StoreError;
use super::store::{key_of, number, room_key, Item, RoomModerationStore, PK, SK, TTL};
use crate::ids::RoomId;

/// The event an approved message is delivered as.
pub const APPROVED_EVENT: &str = "ivschat-serverless:approved-message";
/// IVS Chat's limit on an event's attributes (keys and values, UTF-8 bytes).
pub const MAX_EVENT_ATTRIBUTES_BYTES: usize = 1024;
/// The prefix of the sender's attributes in the approved event (`Sender.displayName`).
pub const SENDER_PREFIX: &str = "Sender.";

const HELD_PREFIX: &str = "HELD#";

/// Where a held message stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeldStatus {
    Held,
    /// A moderator's approval is delivering it.
    Approving,
    Approved,
    Rejected,
}

impl HeldStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            HeldStatus::Held => "held",
            HeldStatus::Approving => "approving",
            HeldStatus::Approved => "approved",
            HeldStatus::Rejected => "rejected",
        }
    }

    fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "held" => HeldStatus::Held,
            "approving" => HeldStatus::Approving,
            "approved" => HeldStatus::Approved,
            "rejected" => HeldStatus::Rejected,
            _ => return None,
        })
    }
}

/// A held message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldMessage {
    /// Letters and digits: the hold time in milliseconds (13 digits) and IVS's message id, so
    /// ids sort oldest first.
    pub id: String,
    pub room_id: String,
    /// The id IVS Chat gave the refused message.
    pub message_id: String,
    pub content: String,
    pub attributes: BTreeMap<String, String>,
    pub sender_user_id: String,
    pub sender_attributes: BTreeMap<String, String>,
    pub rules: Vec<String>,
    pub held_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    pub status: HeldStatus,
    pub decided_by: Option<String>,
    pub decided_at: Option<OffsetDateTime>,
    pub event_id: Option<String>,
    /// The claim of an approval under way (`approving`), or of the one that delivered it.
    pub approval: Option<ApprovalClaim>,
}

/// An approval's claim on a held message (see the module's "Approvals").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ApprovalClaim {
    /// When the first approval claimed the message: the delivery, if any, came after it.
    pub claimed_at: OffsetDateTime,
    /// Until when the claiming approval may deliver; after it, the claim has lapsed.
    pub claimed_until: OffsetDateTime,
    /// The message's expiry as held, restored if the claim is released.
    pub held_until: OffsetDateTime,
}

/// How long past its lease a claimed message is kept (its TTL), so a lapsed claim waits for
/// the approval that settles it.
const CLAIM_KEEP: time::Duration = time::Duration::days(1);

/// The id of a message held at `held_at` with IVS's `message_id`.
pub fn held_id(held_at: OffsetDateTime, message_id: &str) -> String {
    let millis = (held_at.unix_timestamp_nanos() / 1_000_000).max(0);
    let tail: String = message_id
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(40)
        .collect();
    format!("{millis:013}{tail}")
}

/// Whether `id` can be a held message's id.
pub fn is_held_id(id: &str) -> bool {
    (1..=64).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// A page of held messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldPage {
    pub messages: Vec<HeldMessage>,
    pub next_page_token: Option<String>,
}

/// Why an approved message cannot go out as one event.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the message takes {bytes} bytes as event attributes; IVS Chat allows {MAX_EVENT_ATTRIBUTES_BYTES}")]
pub struct EventTooLarge {
    pub bytes: usize,
}

impl HeldMessage {
    /// The attributes of the approved event: `Content`, `UserId`, `MessageId` (the held id),
    /// then the sender's attributes as `Sender.<name>` while they fit IVS's 1 KB.
    pub fn event_attributes(&self) -> Result<BTreeMap<String, String>, EventTooLarge> {
        let mut attributes = BTreeMap::from([
            ("Content".to_owned(), self.content.clone()),
            ("UserId".to_owned(), self.sender_user_id.clone()),
            ("MessageId".to_owned(), self.id.clone()),
        ]);
        let mut bytes: usize = attributes.iter().map(|(k, v)| k.len() + v.len()).sum();
        if bytes > MAX_EVENT_ATTRIBUTES_BYTES {
            return Err(EventTooLarge { bytes });
        }
        for (name, value) in &self.sender_attributes {
            let key = format!("{SENDER_PREFIX}{name}");
            if bytes + key.len() + value.len() <= MAX_EVENT_ATTRIBUTES_BYTES {
                bytes += key.len() + value.len();
                attributes.insert(key, value.clone());
            }
        }
        Ok(attributes)
    }
}

fn s(value: impl Into<String>) -> AttributeValue {
    AttributeValue::S(value.into())
}

fn map_json(map: &BTreeMap<String, String>) -> AttributeValue {
    s(serde_json::to_string(map).unwrap_or_else(|_| "{}".to_owned()))
}

fn millis(t: OffsetDateTime) -> i128 {
    t.unix_timestamp_nanos() / 1_000_000
}

fn to_item(room: &RoomId, held: &HeldMessage) -> Item {
    let mut item = key_of(room, format!("{HELD_PREFIX}{}", held.id));
    item.insert("messageId".into(), s(&held.message_id));
    item.insert("content".into(), s(&held.content));
    item.insert("attributes".into(), map_json(&held.attributes));
    item.insert("senderUserId".into(), s(&held.sender_user_id));
    item.insert("senderAttributes".into(), map_json(&held.sender_attributes));
    item.insert(
        "rules".into(),
        s(serde_json::to_string(&held.rules).unwrap_or_else(|_| "[]".to_owned())),
    );
    item.insert("heldAt".into(), number(millis(held.held_at)));
    item.insert(TTL.into(), number(held.expires_at.unix_timestamp()));
    item.insert("status".into(), s(held.status.as_str()));
    item
}

impl RoomModerationStore {
    fn held_from(&self, item: &Item) -> Result<HeldMessage, StoreError> {
        let text = |name: &str| match item.get(name) {
            Some(AttributeValue::S(text)) => Ok(text.clone()),
            _ => Err(self.corrupt(format!("held item: `{name}` is not a string"))),
        };
        let optional = |name: &str| match item.get(name) {
            Some(AttributeValue::S(text)) => Some(text.clone()),
            _ => None,
        };
        let int = |name: &str| match item.get(name) {
            Some(AttributeValue::N(n)) => n
                .parse::<i128>()
                .map_err(|_| self.corrupt(format!("held item: `{name}` is `{n}`"))),
            _ => Err(self.corrupt(format!("held item: `{name}` is not a number"))),
        };
        let time_ms = |ms: i128| {
            OffsetDateTime::from_unix_timestamp_nanos(ms * 1_000_000)
                .map_err(|e| self.corrupt(format!("held item: a time: {e}")))
        };
        let map = |name: &str| -> Result<BTreeMap<String, String>, StoreError> {
            serde_json::from_str(&text(name)?)
                .map_err(|e| self.corrupt(format!("held item: `{name}`: {e}")))
        };
        let sort = text(SK)?;
        let id = sort
            .strip_prefix(HELD_PREFIX)
            .ok_or_else(|| self.corrupt(format!("held item: `{SK}` is `{sort}`")))?
            .to_owned();
        let room_id = text(PK)?.trim_start_matches("ROOM#").to_owned();
        let status_text = text("status")?;
        Ok(HeldMessage {
            id,
            room_id,
            message_id: text("messageId")?,
            content: text("content")?,
            attributes: map("attributes")?,
            sender_user_id: text("senderUserId")?,
            sender_attributes: map("senderAttributes")?,
            rules: serde_json::from_str(&text("rules")?)
                .map_err(|e| self.corrupt(format!("held item: `rules`: {e}")))?,
            held_at: time_ms(int("heldAt")?)?,
            expires_at: time_ms(int(TTL)? * 1000)?,
            status: HeldStatus::parse(&status_text)
                .ok_or_else(|| self.corrupt(format!("held item: status `{status_text}`")))?,
            decided_by: optional("decidedBy"),
            decided_at: match item.get("decidedAt") {
                Some(_) => Some(time_ms(int("decidedAt")?)?),
                None => None,
            },
            event_id: optional("eventId"),
            approval: match item.get("claimedUntil") {
                None => None,
                Some(_) => Some(ApprovalClaim {
                    claimed_at: time_ms(int("claimedAt")?)?,
                    claimed_until: time_ms(int("claimedUntil")?)?,
                    held_until: time_ms(int("heldUntil")? * 1000)?,
                }),
            },
        })
    }

    /// Stores a message a rule held.
    pub async fn hold(&self, room: &RoomId, held: &HeldMessage) -> Result<(), StoreError> {
        self.client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(to_item(room, held)))
            .send()
            .await
            .map_err(|e| self.failed("PutItem", &e))?;
        Ok(())
    }

    /// One held message (any status, expired included), read consistently.
    pub async fn held_message(
        &self,
        room: &RoomId,
        id: &str,
    ) -> Result<Option<HeldMessage>, StoreError> {
        let output = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key_of(room, format!("{HELD_PREFIX}{id}"))))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| self.failed("GetItem", &e))?;
        output.item.map(|item| self.held_from(&item)).transpose()
    }

    /// The room's messages still waiting at `now`, oldest first, `limit` per page: those held
    /// and not expired, and those whose approval's claim lapsed (approving one settles it).
    pub async fn held_messages(
        &self,
        room: &RoomId,
        page_token: Option<&str>,
        limit: u32,
        now: OffsetDateTime,
    ) -> Result<HeldPage, StoreError> {
        let mut query = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("#pk = :pk AND begins_with(#sk, :prefix)")
            .filter_expression(
                "(#status = :held AND #ttl > :now) OR (#status = :approving AND \
                 (attribute_not_exists(claimedUntil) OR claimedUntil <= :nowMs))",
            )
            .expression_attribute_names("#pk", PK)
            .expression_attribute_names("#sk", SK)
            .expression_attribute_names("#status", "status")
            .expression_attribute_names("#ttl", TTL)
            .expression_attribute_values(":pk", s(room_key(room)))
            .expression_attribute_values(":prefix", s(HELD_PREFIX))
            .expression_attribute_values(":held", s(HeldStatus::Held.as_str()))
            .expression_attribute_values(":approving", s(HeldStatus::Approving.as_str()))
            .expression_attribute_values(":now", number(now.unix_timestamp()))
            .expression_attribute_values(":nowMs", number(millis(now)))
            .consistent_read(true)
            .limit(limit.clamp(1, 100) as i32);
        if let Some(token) = page_token {
            query =
                query.set_exclusive_start_key(Some(key_of(room, format!("{HELD_PREFIX}{token}"))));
        }
        let output = query.send().await.map_err(|e| self.failed("Query", &e))?;
        let messages = output
            .items()
            .iter()
            .map(|item| self.held_from(item))
            .collect::<Result<Vec<_>, _>>()?;
        let next_page_token = output
            .last_evaluated_key()
            .and_then(|key| match key.get(SK) {
                Some(AttributeValue::S(sort)) => sort.strip_prefix(HELD_PREFIX).map(str::to_owned),
                _ => None,
            });
        Ok(HeldPage {
            messages,
            next_page_token,
        })
    }

    /// Moves a held message from `from` to `to` (one conditional write; a message still
    /// `held` must not have expired at `now`), recording who decided and, once delivered, the
    /// event's id. `None` when the message was not in `from` (or is gone).
    #[allow(clippy::too_many_arguments)]
    pub async fn decide(
        &self,
        room: &RoomId,
        id: &str,
        from: HeldStatus,
        to: HeldStatus,
        decided_by: &str,
        now: OffsetDateTime,
        event_id: Option<&str>,
    ) -> Result<Option<HeldMessage>, StoreError> {
        let mut update = "SET #status = :to, decidedBy = :by, decidedAt = :at".to_owned();
        if event_id.is_some() {
            update.push_str(", eventId = :event");
        }
        let mut condition = "#status = :from".to_owned();
        if from == HeldStatus::Held {
            condition.push_str(" AND #ttl > :now");
        }
        let mut request = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key_of(room, format!("{HELD_PREFIX}{id}"))))
            .update_expression(update)
            .condition_expression(condition)
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":to", s(to.as_str()))
            .expression_attribute_values(":from", s(from.as_str()))
            .expression_attribute_values(":by", s(decided_by))
            .expression_attribute_values(":at", number(millis(now)))
            .return_values(ReturnValue::AllNew);
        if from == HeldStatus::Held {
            request = request
                .expression_attribute_names("#ttl", TTL)
                .expression_attribute_values(":now", number(now.unix_timestamp()));
        }
        if let Some(event) = event_id {
            request = request.expression_attribute_values(":event", s(event));
        }
        self.conditional(request.send().await)
    }
}

impl RoomModerationStore {
    /// Claims `held` (as just read) for an approval by `moderator` at `now` for `lease`: from
    /// `held` while it has not expired, or from `approving` whose claim (the one read) has
    /// lapsed. One conditional write; `None` when the message is no longer as read (another
    /// moderator decided or claimed it meanwhile).
    pub async fn claim_approval(
        &self,
        room: &RoomId,
        held: &HeldMessage,
        moderator: &str,
        now: OffsetDateTime,
        lease: time::Duration,
    ) -> Result<Option<HeldMessage>, StoreError> {
        let claimed_until = now + lease;
        let (claimed_at, held_until) = match held.approval {
            Some(claim) => (claim.claimed_at, claim.held_until),
            None => (now, held.expires_at),
        };
        let keep = held_until.max(claimed_until) + CLAIM_KEEP;
        let mut request = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key_of(room, format!("{HELD_PREFIX}{}", held.id))))
            .update_expression(
                "SET #status = :approving, decidedBy = :by, decidedAt = :at, \
                 claimedAt = :claimedAt, claimedUntil = :until, heldUntil = :heldUntil, \
                 #ttl = :keep",
            )
            .expression_attribute_names("#status", "status")
            .expression_attribute_names("#ttl", TTL)
            .expression_attribute_values(":approving", s(HeldStatus::Approving.as_str()))
            .expression_attribute_values(":by", s(moderator))
            .expression_attribute_values(":at", number(millis(now)))
            .expression_attribute_values(":claimedAt", number(millis(claimed_at)))
            .expression_attribute_values(":until", number(millis(claimed_until)))
            .expression_attribute_values(":heldUntil", number(held_until.unix_timestamp()))
            .expression_attribute_values(":keep", number(keep.unix_timestamp()))
            .return_values(ReturnValue::AllNew);
        request = match (held.status, held.approval) {
            (HeldStatus::Held, _) => request
                .condition_expression("#status = :held AND #ttl > :now")
                .expression_attribute_values(":held", s(HeldStatus::Held.as_str()))
                .expression_attribute_values(":now", number(now.unix_timestamp())),
            (HeldStatus::Approving, Some(claim)) if claim.claimed_until <= now => request
                .condition_expression("#status = :approving AND claimedUntil = :seen")
                .expression_attribute_values(":seen", number(millis(claim.claimed_until))),
            // A claim written before leases: it has lapsed.
            (HeldStatus::Approving, None) => request.condition_expression(
                "#status = :approving AND attribute_not_exists(claimedUntil)",
            ),
            _ => return Ok(None),
        };
        self.conditional(request.send().await)
    }

    /// Finishes the approval that holds `claim`: `approved`, delivered as `event_id`. `None`
    /// when the claim is no longer this one (it lapsed and another approval took it over).
    pub async fn finish_approval(
        &self,
        room: &RoomId,
        id: &str,
        claim: &ApprovalClaim,
        event_id: &str,
    ) -> Result<Option<HeldMessage>, StoreError> {
        let request = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key_of(room, format!("{HELD_PREFIX}{id}"))))
            .update_expression("SET #status = :approved, eventId = :event")
            .condition_expression("#status = :approving AND claimedUntil = :mine")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":approved", s(HeldStatus::Approved.as_str()))
            .expression_attribute_values(":approving", s(HeldStatus::Approving.as_str()))
            .expression_attribute_values(":event", s(event_id))
            .expression_attribute_values(":mine", number(millis(claim.claimed_until)))
            .return_values(ReturnValue::AllNew);
        self.conditional(request.send().await)
    }

    /// Gives `claim` up when nothing was delivered: the message is `held` again, with its own
    /// expiry, for any moderator to decide. `None` when the claim is no longer this one.
    pub async fn release_approval(
        &self,
        room: &RoomId,
        id: &str,
        claim: &ApprovalClaim,
    ) -> Result<Option<HeldMessage>, StoreError> {
        let request = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key_of(room, format!("{HELD_PREFIX}{id}"))))
            .update_expression(
                "SET #status = :held, #ttl = :expires \
                 REMOVE decidedBy, decidedAt, claimedAt, claimedUntil, heldUntil",
            )
            .condition_expression("#status = :approving AND claimedUntil = :mine")
            .expression_attribute_names("#status", "status")
            .expression_attribute_names("#ttl", TTL)
            .expression_attribute_values(":held", s(HeldStatus::Held.as_str()))
            .expression_attribute_values(":approving", s(HeldStatus::Approving.as_str()))
            .expression_attribute_values(":expires", number(claim.held_until.unix_timestamp()))
            .expression_attribute_values(":mine", number(millis(claim.claimed_until)))
            .return_values(ReturnValue::AllNew);
        self.conditional(request.send().await)
    }

    /// The item a conditional `UpdateItem` wrote, or `None` when its condition failed.
    fn conditional(
        &self,
        result: Result<
            aws_sdk_dynamodb::operation::update_item::UpdateItemOutput,
            aws_sdk_dynamodb::error::SdkError<
                aws_sdk_dynamodb::operation::update_item::UpdateItemError,
                aws_smithy_runtime_api::http::Response,
            >,
        >,
    ) -> Result<Option<HeldMessage>, StoreError> {
        match result {
            Ok(output) => self
                .held_from(&output.attributes.unwrap_or_default())
                .map(Some),
            Err(error) => {
                let lost = error
                    .as_service_error()
                    .is_some_and(|e| e.is_conditional_check_failed_exception());
                if lost {
                    Ok(None)
                } else {
                    Err(self.failed("UpdateItem", &error))
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn held(content: &str, sender: &[(&str, &str)]) -> HeldMessage {
        let at = datetime!(2030-01-01 10:00 UTC);
        HeldMessage {
            id: held_id(at, "abcDEF123456"),
            room_id: "abcdEFGH1234".into(),
            message_id: "abcDEF123456".into(),
            content: content.into(),
            attributes: BTreeMap::new(),
            sender_user_id: "alice".into(),
            sender_attributes: sender
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            rules: vec!["room.hold:term".into()],
            held_at: at,
            expires_at: at + time::Duration::hours(1),
            status: HeldStatus::Held,
            decided_by: None,
            decided_at: None,
            event_id: None,
            approval: None,
        }
    }

    #[test]
    fn ids_sort_by_hold_time_and_are_letters_and_digits() {
        let id = held_id(datetime!(2030-01-01 10:00 UTC), "abc-DEF");
        assert!(is_held_id(&id), "{id}");
        assert!(id.ends_with("abcDEF"));
        assert!(
            held_id(datetime!(2030-01-01 10:00 UTC), "z")
                < held_id(datetime!(2030-01-01 10:01 UTC), "a")
        );
    }

    #[test]
    fn the_event_carries_content_and_sender_within_one_kilobyte() {
        let message = held(
            "hello",
            &[("displayName", "Alice"), ("avatarUrl", &"x".repeat(2000))],
        );
        let attributes = message.event_attributes().expect("fits");
        assert_eq!(attributes["Content"], "hello");
        assert_eq!(attributes["UserId"], "alice");
        assert_eq!(attributes["MessageId"], message.id);
        assert_eq!(attributes["Sender.displayName"], "Alice");
        assert!(
            !attributes.contains_key("Sender.avatarUrl"),
            "left out: too large"
        );
        // 500 characters of 3-byte text do not fit one event.
        let long = held(&"語".repeat(500), &[]);
        assert_eq!(
            long.event_attributes(),
            Err(EventTooLarge {
                bytes: 1500 + 7 + 6 + 5 + 9 + long.id.len()
            })
        );
    }
}
