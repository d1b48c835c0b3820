//! `RoomModerationStore`: the room moderation table on DynamoDB.
//!
//! # Table
//!
//! | `pk` (partition key) | `sk` (sort key) | attributes |
//! | --- | --- | --- |
//! | `ROOM#<roomId>` | `SETTINGS` | `document` (S, the settings as JSON), `version` (N), `updatedAt` (S, RFC 3339), `updatedBy` (S) |
//! | `ROOM#<roomId>` | `SLOW#<userId>` | `lastAt` (N, epoch milliseconds of the last delivered message), `expiresAt` |
//! | `ROOM#<roomId>` | `HELD#<id>` | a held message (see `held`): content, sender, rules, `status`, `expiresAt` |
//! | `STRIKES#<roomId>#<userId>` | `<epoch ms, 13 digits>#<random>` | one refusal: `expiresAt` only |
//!
//! `expiresAt` (epoch seconds) is the table's TTL attribute. Settings are replaced with one
//! `UpdateItem` that adds 1 to `version` (conditional on the version the edit was based on,
//! when given); slow mode is one conditional `UpdateItem` per message, and a strike one item
//! written and the user's strikes of the sliding window counted by a consistent `Query`
//! ([`RoomModerationStore::add_strike`]), so both are exact however many review instances run.

use std::collections::HashMap;
use std::time::Duration;

use aws_sdk_dynamodb::client::Waiters as _;
use aws_sdk_dynamodb::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::types::{
    AttributeValue, BillingMode, KeyType, ReturnValue, ReturnValuesOnConditionCheckFailure, Select,
    SseSpecification,
};
use aws_sdk_dynamodb::Client;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use super::error::StoreError;
use super::settings::{RoomModerationSettings, StrikeRule, MAX_STRIKE_LIMIT};
use crate::aws::dynamo::{classify, Failure};
use crate::aws::dynamo_schema::{enable_ttl, key, string_attribute, TtlFailure};
use crate::aws::SdkConfig;
use crate::ids::{RoomId, UserId};

/// Environment variable naming the room moderation table.
pub const TABLE_NAME_VAR: &str = "ROOM_MODERATION_TABLE_NAME";

pub(super) const PK: &str = "pk";
pub(super) const SK: &str = "sk";
pub(super) const TTL: &str = "expiresAt";
const SETTINGS_SK: &str = "SETTINGS";

pub(super) type Item = HashMap<String, AttributeValue>;

/// A room's settings as stored, with their version and who saved them last.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredSettings {
    pub settings: RoomModerationSettings,
    /// 1 for the first save, one more for each save after it.
    pub version: u64,
    pub updated_at: OffsetDateTime,
    pub updated_by: String,
}

/// The answer of the slow-mode check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlowMode {
    /// The message may go; it is now the user's last delivered one.
    Clear,
    /// Too soon after the previous one: the user may send again at this time.
    Wait { until: OffsetDateTime },
}

/// The room moderation table. Cheap to clone (the client is shared).
#[derive(Debug, Clone)]
pub struct RoomModerationStore {
    pub(super) client: Client,
    pub(super) table: String,
}

/// The table name from [`TABLE_NAME_VAR`] read through `lookup`.
pub fn table_name_from_lookup(
    lookup: impl Fn(&str) -> Option<String>,
) -> Result<String, StoreError> {
    lookup(TABLE_NAME_VAR)
        .map(|name| name.trim().to_owned())
        .filter(|name| !name.is_empty())
        .ok_or_else(|| {
            StoreError::Config(format!(
                "{TABLE_NAME_VAR} is not set: name the room moderation table"
            ))
        })
}

pub(super) fn room_key(room: &RoomId) -> String {
    format!("ROOM#{room}")
}

pub(super) fn key_of(room: &RoomId, sort: String) -> Item {
    HashMap::from([
        (PK.to_owned(), AttributeValue::S(room_key(room))),
        (SK.to_owned(), AttributeValue::S(sort)),
    ])
}

pub(super) fn number(value: impl ToString) -> AttributeValue {
    AttributeValue::N(value.to_string())
}

fn epoch_millis(t: OffsetDateTime) -> i64 {
    (t.unix_timestamp_nanos() / 1_000_000) as i64
}

impl RoomModerationStore {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        RoomModerationStore {
            client,
            table: table.into(),
        }
    }

    /// The store a Lambda uses: the table from [`TABLE_NAME_VAR`], the client from the cold
    /// start's SDK configuration.
    pub fn from_env(sdk: &SdkConfig) -> Result<Self, StoreError> {
        let table = table_name_from_lookup(|name| std::env::var(name).ok())?;
        Ok(RoomModerationStore::new(
            crate::aws::dynamo::client(sdk),
            table,
        ))
    }

    pub fn table_name(&self) -> &str {
        &self.table
    }

    pub(super) fn failed<E, R>(&self, operation: &'static str, error: &SdkError<E, R>) -> StoreError
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
        R: std::fmt::Debug,
    {
        let message = DisplayErrorContext(error).to_string();
        match classify(error.code()) {
            Failure::Throttled => StoreError::Throttled {
                table: self.table.clone(),
                operation,
                message,
            },
            _ => StoreError::Service {
                table: self.table.clone(),
                operation,
                message,
            },
        }
    }

    pub(super) fn corrupt(&self, problem: impl Into<String>) -> StoreError {
        StoreError::CorruptItem {
            table: self.table.clone(),
            problem: problem.into(),
        }
    }

    /// The room's settings, read consistently; `None` for a room never configured.
    pub async fn settings(&self, room: &RoomId) -> Result<Option<StoredSettings>, StoreError> {
        const OPERATION: &str = "GetItem";
        let output = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key_of(room, SETTINGS_SK.to_owned())))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| self.failed(OPERATION, &e))?;
        output.item.map(|item| self.stored(&item)).transpose()
    }

    fn stored(&self, item: &Item) -> Result<StoredSettings, StoreError> {
        let text = |name: &str| match item.get(name) {
            Some(AttributeValue::S(text)) => Ok(text.as_str()),
            _ => Err(self.corrupt(format!("settings item: `{name}` is not a string"))),
        };
        let settings: RoomModerationSettings = serde_json::from_str(text("document")?)
            .map_err(|e| self.corrupt(format!("settings item: `document`: {e}")))?;
        let version = match item.get("version") {
            Some(AttributeValue::N(n)) => n
                .parse()
                .map_err(|_| self.corrupt(format!("settings item: `version` is `{n}`")))?,
            _ => return Err(self.corrupt("settings item: `version` is not a number")),
        };
        let updated_at = OffsetDateTime::parse(text("updatedAt")?, &Rfc3339)
            .map_err(|e| self.corrupt(format!("settings item: `updatedAt`: {e}")))?;
        Ok(StoredSettings {
            settings,
            version,
            updated_at,
            updated_by: text("updatedBy")?.to_owned(),
        })
    }

    /// Replaces the room's settings (validated by the caller). With `expected_version`, only
    /// if the stored version is that one (0: none stored yet), else
    /// [`StoreError::VersionConflict`]; without it, the last writer wins.
    pub async fn put_settings(
        &self,
        room: &RoomId,
        settings: &RoomModerationSettings,
        expected_version: Option<u64>,
        updated_by: &str,
        now: OffsetDateTime,
    ) -> Result<StoredSettings, StoreError> {
        const OPERATION: &str = "UpdateItem";
        let document = serde_json::to_string(settings)
            .map_err(|e| self.corrupt(format!("settings do not serialize: {e}")))?;
        let updated_at = now
            .format(&Rfc3339)
            .map_err(|e| self.corrupt(format!("time does not format: {e}")))?;
        let mut request = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key_of(room, SETTINGS_SK.to_owned())))
            .update_expression(
                "SET #document = :document, #updatedAt = :at, #updatedBy = :by, \
                 #version = if_not_exists(#version, :zero) + :one",
            )
            .expression_attribute_names("#document", "document")
            .expression_attribute_names("#updatedAt", "updatedAt")
            .expression_attribute_names("#updatedBy", "updatedBy")
            .expression_attribute_names("#version", "version")
            .expression_attribute_values(":document", AttributeValue::S(document))
            .expression_attribute_values(":at", AttributeValue::S(updated_at))
            .expression_attribute_values(":by", AttributeValue::S(updated_by.to_owned()))
            .expression_attribute_values(":zero", number(0))
            .expression_attribute_values(":one", number(1))
            .return_values(ReturnValue::AllNew)
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld);
        match expected_version {
            None => {}
            Some(0) => request = request.condition_expression("attribute_not_exists(#version)"),
            Some(version) => {
                request = request
                    .condition_expression("#version = :expected")
                    .expression_attribute_values(":expected", number(version));
            }
        }
        match request.send().await {
            Ok(output) => {
                let item = output.attributes.unwrap_or_default();
                self.stored(&item)
            }
            Err(error) => {
                let conflict = error
                    .as_service_error()
                    .filter(|e| e.is_conditional_check_failed_exception());
                if conflict.is_some() {
                    let current = match self.settings(room).await? {
                        Some(stored) => stored.version,
                        None => 0,
                    };
                    return Err(StoreError::VersionConflict { current });
                }
                Err(self.failed(OPERATION, &error))
            }
        }
    }

    /// Slow mode for one message of `user` at `now`: clear (and recorded as the user's last
    /// delivered message) when the previous one is at least `seconds` old, else when the
    /// user may send again. One conditional write, exact across instances.
    pub async fn claim_slow_mode(
        &self,
        room: &RoomId,
        user: &UserId,
        now: OffsetDateTime,
        seconds: u32,
    ) -> Result<SlowMode, StoreError> {
        const OPERATION: &str = "UpdateItem";
        let now_ms = epoch_millis(now);
        let window_ms = i64::from(seconds) * 1000;
        let expires = now.unix_timestamp() + i64::from(seconds) + 60;
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key_of(room, format!("SLOW#{user}"))))
            .update_expression("SET lastAt = :now, #ttl = :expires")
            .condition_expression("attribute_not_exists(lastAt) OR lastAt <= :cutoff")
            .expression_attribute_names("#ttl", TTL)
            .expression_attribute_values(":now", number(now_ms))
            .expression_attribute_values(":cutoff", number(now_ms - window_ms))
            .expression_attribute_values(":expires", number(expires))
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
            .send()
            .await;
        let error = match result {
            Ok(_) => return Ok(SlowMode::Clear),
            Err(error) => error,
        };
        let Some(refused) = error
            .as_service_error()
            .filter(|e| e.is_conditional_check_failed_exception())
        else {
            return Err(self.failed(OPERATION, &error));
        };
        let last = match refused {
            aws_sdk_dynamodb::operation::update_item::UpdateItemError::ConditionalCheckFailedException(e) => {
                e.item().and_then(|item| match item.get("lastAt") {
                    Some(AttributeValue::N(n)) => n.parse::<i64>().ok(),
                    _ => None,
                })
            }
            _ => None,
        };
        // Without the old item (a store that does not return it), the wait is at most the
        // whole window.
        let until_ms = last.unwrap_or(now_ms) + window_ms;
        let until = OffsetDateTime::from_unix_timestamp_nanos(i128::from(until_ms) * 1_000_000)
            .map_err(|e| self.corrupt(format!("slow mode item: `lastAt`: {e}")))?;
        Ok(SlowMode::Wait { until })
    }

    /// Records one refusal of `user` at `now` and answers how many refusals of the user fall
    /// within the sliding window of `rule.window_minutes` that ends now (this one included),
    /// counted up to `rule.limit`.
    ///
    /// One item per refusal (`pk` = `STRIKES#<roomId>#<userId>`, `sk` = the time in epoch
    /// milliseconds, 13 digits, and a random suffix, so two refusals in the same millisecond
    /// are two items), written first, then one strongly consistent `Query` counting the items
    /// newer than `now - window`. Exact across instances: every refusal's write completes
    /// before its own count, so whichever of several concurrent refusals writes last counts
    /// them all; none is lost to a race and none counted twice, and the limit-th refusal is
    /// always seen by at least one review (several concurrent ones may see it and time the
    /// user out with the same ban). A window boundary does not exist. The cost is one small
    /// write and one read of at most `limit` items per refusal, and no contention, where one
    /// item holding the list of times would need a conditional rewrite retried under
    /// concurrent refusals; TTL (`expiresAt`, the refusal's time plus the window) removes the
    /// items after the window, and the key condition ignores those TTL has not removed yet.
    /// A refusal from an instance whose clock runs ahead still counts (the range is open
    /// upwards).
    pub async fn add_strike(
        &self,
        room: &RoomId,
        user: &UserId,
        now: OffsetDateTime,
        rule: &StrikeRule,
    ) -> Result<u32, StoreError> {
        let window_ms = i64::from(rule.window_minutes.max(1)) * 60_000;
        let now_ms = epoch_millis(now).max(0);
        let partition = strikes_key(room, user);
        let sort = format!("{now_ms:013}#{:016x}", rand::random::<u64>());
        let expires = now.unix_timestamp() + window_ms / 1000 + 60;
        self.client
            .put_item()
            .table_name(&self.table)
            .item(PK, AttributeValue::S(partition.clone()))
            .item(SK, AttributeValue::S(sort))
            .item(TTL, number(expires))
            .send()
            .await
            .map_err(|e| self.failed("PutItem", &e))?;
        // Strictly newer than `now - window`: "within M minutes" of now.
        let from = format!("{:013}~", (now_ms - window_ms).max(0));
        let output = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("#pk = :pk AND #sk > :from")
            .expression_attribute_names("#pk", PK)
            .expression_attribute_names("#sk", SK)
            .expression_attribute_values(":pk", AttributeValue::S(partition))
            .expression_attribute_values(":from", AttributeValue::S(from))
            .select(Select::Count)
            .consistent_read(true)
            .limit(rule.limit.clamp(1, MAX_STRIKE_LIMIT) as i32)
            .send()
            .await
            .map_err(|e| self.failed("Query", &e))?;
        u32::try_from(output.count)
            .map_err(|_| self.corrupt(format!("strike count is `{}`", output.count)))
    }
}

/// The partition of a user's refusals in a room. The room id has no `#`, so the user id
/// after it cannot make two users' partitions the same.
fn strikes_key(room: &RoomId, user: &UserId) -> String {
    format!("STRIKES#{room}#{user}")
}

/// How long [`create_table`] waits for the new table to become active.
const CREATE_WAIT: Duration = Duration::from_secs(120);

/// Creates the table as `template.yaml` declares it (keys `pk`/`sk`, on-demand, encrypted,
/// TTL on `expiresAt`), for tests and tools.
pub async fn create_table(client: &Client, table: &str) -> Result<(), StoreError> {
    let service = |operation: &'static str, message: String| StoreError::Service {
        table: table.to_owned(),
        operation,
        message,
    };
    let build = |e: aws_sdk_dynamodb::error::BuildError| service("CreateTable", e.to_string());
    client
        .create_table()
        .table_name(table)
        .attribute_definitions(string_attribute(PK).map_err(build)?)
        .attribute_definitions(string_attribute(SK).map_err(build)?)
        .key_schema(key(PK, KeyType::Hash).map_err(build)?)
        .key_schema(key(SK, KeyType::Range).map_err(build)?)
        .billing_mode(BillingMode::PayPerRequest)
        .sse_specification(SseSpecification::builder().enabled(true).build())
        .send()
        .await
        .map_err(|e| service("CreateTable", DisplayErrorContext(&e).to_string()))?;
    client
        .wait_until_table_exists()
        .table_name(table)
        .wait(CREATE_WAIT)
        .await
        .map_err(|e| service("DescribeTable", DisplayErrorContext(&e).to_string()))?;
    enable_ttl(client, table, TTL)
        .await
        .map_err(|failure| match failure {
            TtlFailure::Build(e) => service("UpdateTimeToLive", e.to_string()),
            TtlFailure::Call(e) => service("UpdateTimeToLive", DisplayErrorContext(&e).to_string()),
        })
}
