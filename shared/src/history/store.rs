//! `HistoryStore`: the chat history on a DynamoDB table.
//!
//! # Table
//!
//! | attribute | type | meaning |
//! | --- | --- | --- |
//! | `roomId` (partition key) | S | the room |
//! | `messageId` (sort key) | S | the message |
//! | `sendKey` | S | `<send time, UTC, fixed width, ns>#<messageId>`: sort key of the local index `bySendTime`; absent on a tombstone |
//! | `sendTime` | S | the frame's `SendTime`, as IVS Chat wrote it |
//! | `content`, `requestId` | S | |
//! | `attributes`, `senderAttributes` | M of S | |
//! | `senderId` | S | the sender's user id |
//! | `deletedAt` | N | epoch seconds; only on a tombstone (`messageId` = `deleted#<id>`) |
//! | `expiresAt` | N | epoch seconds: DynamoDB's TTL attribute (retention) |
//!
//! A message's key is its room and id, so writing it again changes nothing (a retried batch
//! stores nothing twice); messages are written 25 to a BatchWriteItem. A deletion first writes
//! a tombstone (`messageId` = `deleted#<id>`, no `sendKey`, so never in the index) and then
//! removes the message. The writer skips messages that have a tombstone and, after writing,
//! looks again and removes any that got one meanwhile: since the deleter writes its tombstone
//! before it removes the message, either the writer sees the tombstone or the deleter's
//! removal comes after the write, so a deletion always wins, in any order and on any retry.
//! "Latest N" is a descending query of the index; a time range is an ascending one between
//! two send keys, paged by an opaque token.

use std::collections::{BTreeMap, HashMap, HashSet};

use aws_sdk_dynamodb::error::{BuildError, ProvideErrorMetadata};
use aws_sdk_dynamodb::types::{
    AttributeValue, DeleteRequest, KeysAndAttributes, PutRequest, WriteRequest,
};
use aws_sdk_dynamodb::Client;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use futures_util::stream::{self, StreamExt as _, TryStreamExt as _};
use time::macros::format_description;
use time::{Duration, OffsetDateTime, UtcOffset};

use super::record::ChatMessage;
use super::HistoryError;
use crate::aws::dynamo::{classify, Failure};
use crate::aws::dynamo_batch::{self, still_unprocessed, BatchFailure, Retries};

/// The index that orders a room's messages by send time.
pub const SEND_TIME_INDEX: &str = "bySendTime";
/// Largest page a read returns.
pub const MAX_PAGE_LIMIT: u32 = 100;

/// What writing messages did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PutSummary {
    /// Stored (or stored again, unchanged).
    pub stored: usize,
    /// Deleted before or while they were written: not kept.
    pub already_deleted: usize,
}

/// A tombstone's sort key: the deleted message's id behind a prefix no IVS Chat id has.
const TOMBSTONE_PREFIX: &str = "deleted#";
/// DynamoDB's limits per BatchWriteItem and BatchGetItem.
const BATCH_WRITE_ITEMS: usize = 25;
const BATCH_GET_KEYS: usize = 100;
/// Batch calls in flight at once.
pub const WRITE_CONCURRENCY: usize = 8;
/// Calls for items DynamoDB left unprocessed (it does so when over capacity), after the
/// first, and the pause before the first of them.
const UNPROCESSED_RETRIES: Retries = Retries {
    retries: 4,
    first_pause: std::time::Duration::from_millis(50),
};

fn tombstone_id(message_id: &str) -> String {
    format!("{TOMBSTONE_PREFIX}{message_id}")
}

/// A stored message, as the chat SDK shapes a `ChatMessage`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StoredMessage {
    pub id: String,
    pub request_id: String,
    pub content: String,
    pub attributes: BTreeMap<String, String>,
    pub send_time: String,
    pub sender: StoredSender,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StoredSender {
    pub user_id: String,
    pub attributes: BTreeMap<String, String>,
}

/// One page of a time range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryPage {
    pub messages: Vec<StoredMessage>,
    /// Where the next page starts; `None` at the end of the range.
    pub next_token: Option<String>,
}

/// The history table. Cheap to clone.
#[derive(Clone, Debug)]
pub struct HistoryStore {
    client: Client,
    table: String,
}

/// `YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ` in UTC: sorts as the instants do.
pub fn send_key_time(at: OffsetDateTime) -> String {
    at.to_offset(UtcOffset::UTC)
        .format(format_description!(
            "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:9]Z"
        ))
        .unwrap_or_default()
}

fn send_key(message: &ChatMessage) -> String {
    format!("{}#{}", send_key_time(message.sent_at), message.id)
}

fn s(value: impl Into<String>) -> AttributeValue {
    AttributeValue::S(value.into())
}

fn n(value: i64) -> AttributeValue {
    AttributeValue::N(value.to_string())
}

fn map(values: &BTreeMap<String, String>) -> AttributeValue {
    AttributeValue::M(
        values
            .iter()
            .map(|(k, v)| (k.clone(), AttributeValue::S(v.clone())))
            .collect(),
    )
}

fn read_map(item: &HashMap<String, AttributeValue>, name: &str) -> BTreeMap<String, String> {
    item.get(name)
        .and_then(|v| v.as_m().ok())
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| v.as_s().ok().map(|v| (k.clone(), v.clone())))
                .collect()
        })
        .unwrap_or_default()
}

fn read_string(item: &HashMap<String, AttributeValue>, name: &str) -> Option<String> {
    item.get(name).and_then(|v| v.as_s().ok()).cloned()
}

impl HistoryStore {
    pub fn new(client: Client, table_name: impl Into<String>) -> Self {
        HistoryStore {
            client,
            table: table_name.into(),
        }
    }

    pub fn table_name(&self) -> &str {
        &self.table
    }

    fn failed<E, R>(
        &self,
        operation: &'static str,
        error: aws_sdk_dynamodb::error::SdkError<E, R>,
    ) -> HistoryError
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
        R: std::fmt::Debug + Send + Sync + 'static,
    {
        let message = aws_sdk_dynamodb::error::DisplayErrorContext(&error).to_string();
        match classify(error.code()) {
            Failure::Throttled => HistoryError::Throttled {
                table: self.table.clone(),
                operation,
                message,
            },
            Failure::TableNotFound | Failure::Other => HistoryError::Service {
                table: self.table.clone(),
                operation,
                message,
            },
        }
    }

    /// Stores delivered messages of `room_id`, each kept until its expiry, in batches of 25
    /// (BatchWriteItem). A message whose deletion is already recorded is not stored; one
    /// deleted while this call wrote it is removed again after the write (see the module
    /// documentation), so a deletion always wins.
    pub async fn put_messages(
        &self,
        room_id: &str,
        messages: &[(&ChatMessage, OffsetDateTime)],
    ) -> Result<PutSummary, HistoryError> {
        let ids: Vec<&str> = messages.iter().map(|(m, _)| m.id.as_str()).collect();
        let deleted = self.tombstoned(room_id, &ids).await?;
        let fresh: Vec<&(&ChatMessage, OffsetDateTime)> = messages
            .iter()
            .filter(|(m, _)| !deleted.contains(m.id.as_str()))
            .collect();
        let requests = fresh
            .iter()
            .map(|(message, expires_at)| {
                let item = HashMap::from([
                    ("roomId".to_owned(), s(room_id)),
                    ("messageId".to_owned(), s(&message.id)),
                    ("sendKey".to_owned(), s(send_key(message))),
                    ("sendTime".to_owned(), s(&message.send_time)),
                    ("requestId".to_owned(), s(&message.request_id)),
                    ("content".to_owned(), s(&message.content)),
                    ("attributes".to_owned(), map(&message.attributes)),
                    ("senderId".to_owned(), s(&message.sender_user_id)),
                    (
                        "senderAttributes".to_owned(),
                        map(&message.sender_attributes),
                    ),
                    ("expiresAt".to_owned(), n(expires_at.unix_timestamp())),
                ]);
                self.put_request(item)
            })
            .collect::<Result<Vec<_>, _>>()?;
        self.batch_write(requests).await?;
        // Deleted meanwhile (the deletion's tombstone landed after the check above): the
        // deleter removed the message before this write or removes it now.
        let written: Vec<&str> = fresh.iter().map(|(m, _)| m.id.as_str()).collect();
        let raced: Vec<String> = self
            .tombstoned(room_id, &written)
            .await?
            .into_iter()
            .collect();
        if !raced.is_empty() {
            self.batch_write(self.delete_requests(room_id, raced.iter().map(String::as_str))?)
                .await?;
        }
        Ok(PutSummary {
            stored: fresh.len() - raced.len(),
            already_deleted: messages.len() - fresh.len() + raced.len(),
        })
    }

    /// Records the deletion of messages of `room_id` (id, when): first a tombstone for each
    /// (kept until `expires_at`, so a late copy of the message is refused), then the messages
    /// themselves are removed, whether or not they were stored yet.
    pub async fn delete_messages(
        &self,
        room_id: &str,
        deletions: &[(&str, OffsetDateTime)],
        expires_at: OffsetDateTime,
    ) -> Result<(), HistoryError> {
        let tombstones = deletions
            .iter()
            .map(|(message_id, deleted_at)| {
                let item = HashMap::from([
                    ("roomId".to_owned(), s(room_id)),
                    ("messageId".to_owned(), s(tombstone_id(message_id))),
                    ("deletedAt".to_owned(), n(deleted_at.unix_timestamp())),
                    ("expiresAt".to_owned(), n(expires_at.unix_timestamp())),
                ]);
                self.put_request(item)
            })
            .collect::<Result<Vec<_>, _>>()?;
        self.batch_write(tombstones).await?;
        self.batch_write(self.delete_requests(room_id, deletions.iter().map(|(id, _)| *id))?)
            .await
    }

    fn delete_requests<'a>(
        &self,
        room_id: &str,
        message_ids: impl Iterator<Item = &'a str>,
    ) -> Result<Vec<WriteRequest>, HistoryError> {
        message_ids
            .map(|message_id| {
                DeleteRequest::builder()
                    .set_key(Some(HashMap::from([
                        ("roomId".to_owned(), s(room_id)),
                        ("messageId".to_owned(), s(message_id)),
                    ])))
                    .build()
                    .map(|delete| WriteRequest::builder().delete_request(delete).build())
                    .map_err(|e| self.build_failed("BatchWriteItem", e))
            })
            .collect()
    }

    fn put_request(
        &self,
        item: HashMap<String, AttributeValue>,
    ) -> Result<WriteRequest, HistoryError> {
        PutRequest::builder()
            .set_item(Some(item))
            .build()
            .map(|put| WriteRequest::builder().put_request(put).build())
            .map_err(|e| self.build_failed("BatchWriteItem", e))
    }

    fn build_failed(&self, operation: &'static str, error: BuildError) -> HistoryError {
        HistoryError::Service {
            table: self.table.clone(),
            operation,
            message: error.to_string(),
        }
    }

    /// Writes `requests`, 25 per BatchWriteItem and [`WRITE_CONCURRENCY`] calls at once;
    /// what DynamoDB leaves unprocessed is sent again with backoff.
    async fn batch_write(&self, requests: Vec<WriteRequest>) -> Result<(), HistoryError> {
        let chunks: Vec<Vec<WriteRequest>> = requests
            .chunks(BATCH_WRITE_ITEMS)
            .map(<[WriteRequest]>::to_vec)
            .collect();
        stream::iter(chunks)
            .map(|chunk| self.write_chunk(chunk))
            .buffer_unordered(WRITE_CONCURRENCY)
            .try_collect::<Vec<()>>()
            .await?;
        Ok(())
    }

    async fn write_chunk(&self, chunk: Vec<WriteRequest>) -> Result<(), HistoryError> {
        dynamo_batch::write(&self.client, &self.table, chunk, UNPROCESSED_RETRIES)
            .await
            .map_err(|failure| self.batch_failed("BatchWriteItem", failure))
    }

    /// A batch call's failure as the store's error.
    fn batch_failed<E>(&self, operation: &'static str, failure: BatchFailure<E>) -> HistoryError
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        match failure {
            BatchFailure::Call(error) => self.failed(operation, *error),
            BatchFailure::StillUnprocessed { left, calls } => HistoryError::Throttled {
                table: self.table.clone(),
                operation,
                message: still_unprocessed(left, calls),
            },
        }
    }

    /// Which of `message_ids` of `room_id` have a tombstone (strongly consistent reads, 100
    /// keys per BatchGetItem).
    async fn tombstoned(
        &self,
        room_id: &str,
        message_ids: &[&str],
    ) -> Result<HashSet<String>, HistoryError> {
        let mut found = HashSet::new();
        for ids in message_ids.chunks(BATCH_GET_KEYS) {
            let keys = ids
                .iter()
                .map(|id| {
                    HashMap::from([
                        ("roomId".to_owned(), s(room_id)),
                        ("messageId".to_owned(), s(tombstone_id(id))),
                    ])
                })
                .collect::<Vec<_>>();
            let request = KeysAndAttributes::builder()
                .set_keys(Some(keys))
                .consistent_read(true)
                .projection_expression("messageId")
                .build()
                .map_err(|e| self.build_failed("BatchGetItem", e))?;
            let items = dynamo_batch::get(&self.client, &self.table, request, UNPROCESSED_RETRIES)
                .await
                .map_err(|failure| self.batch_failed("BatchGetItem", failure))?;
            found.extend(items.iter().filter_map(|item| {
                read_string(item, "messageId")
                    .and_then(|key| key.strip_prefix(TOMBSTONE_PREFIX).map(str::to_owned))
            }));
        }
        Ok(found)
    }

    /// The latest `limit` messages of `room_id` not expired at `now`, oldest first.
    pub async fn latest(
        &self,
        room_id: &str,
        limit: u32,
        now: OffsetDateTime,
    ) -> Result<Vec<StoredMessage>, HistoryError> {
        check_limit(limit)?;
        let output = self
            .client
            .query()
            .table_name(&self.table)
            .index_name(SEND_TIME_INDEX)
            .key_condition_expression("roomId = :room")
            .filter_expression("expiresAt > :now")
            .expression_attribute_values(":room", s(room_id))
            .expression_attribute_values(":now", n(now.unix_timestamp()))
            .scan_index_forward(false)
            .limit(limit as i32)
            .send()
            .await
            .map_err(|e| self.failed("Query", e))?;
        let mut messages = self.messages(output.items())?;
        messages.reverse();
        Ok(messages)
    }

    /// Messages of `room_id` sent from `from` to `to` (inclusive), oldest first, at most
    /// `limit`; `page_token` continues a previous page of the same room.
    pub async fn range(
        &self,
        room_id: &str,
        from: OffsetDateTime,
        to: OffsetDateTime,
        limit: u32,
        page_token: Option<&str>,
        now: OffsetDateTime,
    ) -> Result<HistoryPage, HistoryError> {
        check_limit(limit)?;
        let start = page_token
            .map(|token| decode_token(token, room_id))
            .transpose()?;
        let output = self
            .client
            .query()
            .table_name(&self.table)
            .index_name(SEND_TIME_INDEX)
            .key_condition_expression("roomId = :room AND sendKey BETWEEN :from AND :to")
            .filter_expression("expiresAt > :now")
            .expression_attribute_values(":room", s(room_id))
            .expression_attribute_values(":from", s(send_key_time(from)))
            // `~` sorts after every id character, so every message of the last instant is in.
            .expression_attribute_values(":to", s(format!("{}#~", send_key_time(to))))
            .expression_attribute_values(":now", n(now.unix_timestamp()))
            .scan_index_forward(true)
            .limit(limit as i32)
            .set_exclusive_start_key(start.map(|(send_key, message_id)| {
                HashMap::from([
                    ("roomId".to_owned(), s(room_id)),
                    ("messageId".to_owned(), s(message_id)),
                    ("sendKey".to_owned(), s(send_key)),
                ])
            }))
            .send()
            .await
            .map_err(|e| self.failed("Query", e))?;
        let messages = self.messages(output.items())?;
        let next_token = output
            .last_evaluated_key()
            .filter(|key| !key.is_empty())
            .and_then(|key| {
                Some(encode_token(
                    room_id,
                    &read_string(key, "sendKey")?,
                    &read_string(key, "messageId")?,
                ))
            });
        Ok(HistoryPage {
            messages,
            next_token,
        })
    }

    fn messages(
        &self,
        items: &[HashMap<String, AttributeValue>],
    ) -> Result<Vec<StoredMessage>, HistoryError> {
        items
            .iter()
            .map(|item| {
                let field = |name: &str| {
                    read_string(item, name).ok_or_else(|| HistoryError::CorruptItem {
                        table: self.table.clone(),
                        problem: format!("an item has no {name}"),
                    })
                };
                Ok(StoredMessage {
                    id: field("messageId")?,
                    request_id: read_string(item, "requestId").unwrap_or_default(),
                    content: read_string(item, "content").unwrap_or_default(),
                    attributes: read_map(item, "attributes"),
                    send_time: field("sendTime")?,
                    sender: StoredSender {
                        user_id: field("senderId")?,
                        attributes: read_map(item, "senderAttributes"),
                    },
                })
            })
            .collect()
    }
}

/// Creates the history table `table_name` as `template.yaml` declares it (keys, the
/// `bySendTime` index, on-demand billing, TTL on `expiresAt`), for tests, benchmarks and
/// tools; fails if it exists.
pub async fn create_table(client: &Client, table_name: &str) -> Result<(), HistoryError> {
    use crate::aws::dynamo_schema::{enable_ttl, key, string_attribute, TtlFailure, UPDATE_TTL};
    use aws_sdk_dynamodb::types::{
        BillingMode, KeyType, LocalSecondaryIndex, Projection, ProjectionType,
    };
    let build = |e: aws_sdk_dynamodb::error::BuildError| HistoryError::Service {
        table: table_name.to_owned(),
        operation: "CreateTable",
        message: e.to_string(),
    };
    let attribute = |name: &str| string_attribute(name).map_err(build);
    let key = |name: &str, key_type| key(name, key_type).map_err(build);
    let index = LocalSecondaryIndex::builder()
        .index_name(SEND_TIME_INDEX)
        .key_schema(key("roomId", KeyType::Hash)?)
        .key_schema(key("sendKey", KeyType::Range)?)
        .projection(
            Projection::builder()
                .projection_type(ProjectionType::All)
                .build(),
        )
        .build()
        .map_err(build)?;
    let store = HistoryStore::new(client.clone(), table_name);
    client
        .create_table()
        .table_name(table_name)
        .attribute_definitions(attribute("roomId")?)
        .attribute_definitions(attribute("messageId")?)
        .attribute_definitions(attribute("sendKey")?)
        .key_schema(key("roomId", KeyType::Hash)?)
        .key_schema(key("messageId", KeyType::Range)?)
        .local_secondary_indexes(index)
        .billing_mode(BillingMode::PayPerRequest)
        .send()
        .await
        .map_err(|e| store.failed("CreateTable", e))?;
    enable_ttl(client, table_name, "expiresAt")
        .await
        .map_err(|failure| match failure {
            TtlFailure::Build(e) => build(e),
            TtlFailure::Call(e) => store.failed(UPDATE_TTL, *e),
        })?;
    Ok(())
}

fn check_limit(limit: u32) -> Result<(), HistoryError> {
    if (1..=MAX_PAGE_LIMIT).contains(&limit) {
        Ok(())
    } else {
        Err(HistoryError::InvalidLimit {
            limit,
            max: MAX_PAGE_LIMIT,
        })
    }
}

/// The retention's end for something that happened at `at`.
pub fn expiry(at: OffsetDateTime, retention: Duration) -> OffsetDateTime {
    at + retention
}

/// `base64url(roomId \n sendKey \n messageId)`: bound to its room, checked when read back.
fn encode_token(room_id: &str, send_key: &str, message_id: &str) -> String {
    URL_SAFE_NO_PAD.encode(format!("{room_id}\n{send_key}\n{message_id}"))
}

fn decode_token(token: &str, room_id: &str) -> Result<(String, String), HistoryError> {
    let invalid = || HistoryError::InvalidPageToken;
    let bytes = URL_SAFE_NO_PAD.decode(token).map_err(|_| invalid())?;
    let text = String::from_utf8(bytes).map_err(|_| invalid())?;
    let mut parts = text.split('\n');
    match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(room), Some(send_key), Some(message_id), None)
            if room == room_id
                && send_key.ends_with(&format!("#{message_id}"))
                && !message_id.is_empty() =>
        {
            Ok((send_key.to_owned(), message_id.to_owned()))
        }
        _ => Err(invalid()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn send_keys_sort_as_time_does() {
        let earlier = send_key_time(datetime!(2023-01-05 14:33:32.894089757 UTC));
        let later = send_key_time(datetime!(2023-01-05 14:33:32.9 UTC));
        assert_eq!(earlier, "2023-01-05T14:33:32.894089757Z");
        assert_eq!(later, "2023-01-05T14:33:32.900000000Z");
        assert!(earlier < later);
        let offset = send_key_time(datetime!(2023-01-05 16:33:32.9 +02:00));
        assert_eq!(offset, later);
    }

    #[test]
    fn page_tokens_are_bound_to_their_room() {
        let token = encode_token("room1", "2023-01-05T14:33:32.900000000Z#abc", "abc");
        assert_eq!(
            decode_token(&token, "room1").expect("decodes"),
            ("2023-01-05T14:33:32.900000000Z#abc".into(), "abc".into())
        );
        assert!(matches!(
            decode_token(&token, "room2"),
            Err(HistoryError::InvalidPageToken)
        ));
        for bad in ["", "!!", &URL_SAFE_NO_PAD.encode("room1\nx\ny")] {
            assert!(decode_token(bad, "room1").is_err(), "{bad}");
        }
    }
}
