//! `DynamoBanStore`: the ban store on a DynamoDB table.
//!
//! # Table
//!
//! | attribute | type | meaning |
//! | --- | --- | --- |
//! | `scope` (partition key) | S | `GLOBAL`, or `ROOM#<roomId>` |
//! | `userId` (sort key) | S | the banned user |
//! | `reason` | S | why (may be empty) |
//! | `bannedBy` | S | the moderator |
//! | `createdAt` | N | epoch seconds |
//! | `expiresAt` | N | epoch seconds; absent for a permanent ban; the table's TTL attribute |
//!
//! One item per scope and user, so a new ban of the same user in the same scope replaces
//! the old one. The token issuer's check is one `BatchGetItem` of the two keys that can
//! ban a user from a room (`ROOM#<roomId>` and `GLOBAL`); listing a scope is a `Query` of
//! its partition in user id order. Reads are strongly consistent, so a ban takes effect at
//! once. TTL deletes expired items up to days after they expire, so every read also
//! compares `expiresAt` with the caller's clock.

mod item;
mod page_token;
mod sdk_error;
mod table;

use std::collections::HashSet;
use std::time::Duration;

use aws_sdk_dynamodb::types::{AttributeValue, KeysAndAttributes, ReturnValue};
use aws_sdk_dynamodb::Client;
use time::OffsetDateTime;

use super::error::{BanStoreError, BanValidationError};
use super::model::{Ban, BanPage, BanScope};
use super::BanStore;
use crate::aws::dynamo_batch::{self, still_unprocessed, BatchFailure, Retries};
use crate::aws::{dynamo, EndpointSettings, SdkConfig};
use crate::ids::{RoomId, UserId};

pub use table::{create_table, TableSchema, TABLE_SCHEMA};

/// Environment variable naming the bans table.
pub const TABLE_NAME_VAR: &str = "BANS_TABLE_NAME";
/// Largest page `list` returns.
pub const MAX_PAGE_LIMIT: u32 = 100;

/// `BatchGetItem` calls for keys DynamoDB left unprocessed (it does so when over capacity),
/// after the first call, and the pause before the first of them.
const UNPROCESSED_RETRIES: Retries = Retries {
    retries: 3,
    first_pause: Duration::from_millis(25),
};
/// Queries one `list` call makes at most while expired bans fill the pages.
const MAX_QUERIES_PER_PAGE: usize = 4;

/// The ban store on DynamoDB. Cheap to clone (the client is shared).
#[derive(Clone, Debug)]
pub struct DynamoBanStore {
    client: Client,
    table: String,
}

impl DynamoBanStore {
    /// A store on `table_name` through `client`.
    pub fn new(client: Client, table_name: impl Into<String>) -> Result<Self, BanStoreError> {
        let table = table_name.into();
        check_table_name(&table)?;
        Ok(DynamoBanStore { client, table })
    }

    /// The store a Lambda uses: the table from `BANS_TABLE_NAME`, the client from the cold
    /// start's SDK configuration (`AWS_ENDPOINT_URL_DYNAMODB` points it at, e.g., moto).
    pub fn from_env(sdk: &SdkConfig) -> Result<Self, BanStoreError> {
        let table = table_name_from_lookup(|name| std::env::var(name).ok())?;
        DynamoBanStore::new(dynamo::client(sdk), table)
    }

    /// A store on an explicit endpoint with static credentials, touching no environment.
    pub fn for_endpoint(
        settings: &EndpointSettings,
        table_name: impl Into<String>,
    ) -> Result<Self, BanStoreError> {
        DynamoBanStore::new(dynamo::client_for_endpoint(settings), table_name)
    }

    pub fn table_name(&self) -> &str {
        &self.table
    }

    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The bans stored under `keys` (at most 100), read consistently; keys DynamoDB leaves
    /// unprocessed are asked again with backoff.
    async fn batch_get(
        &self,
        keys: Vec<std::collections::HashMap<String, AttributeValue>>,
    ) -> Result<Vec<Ban>, BanStoreError> {
        const OPERATION: &str = "BatchGetItem";
        let request = KeysAndAttributes::builder()
            .set_keys(Some(keys))
            .consistent_read(true)
            .build()
            .map_err(|e| sdk_error::from_build(e, &self.table, OPERATION))?;
        let items = dynamo_batch::get(&self.client, &self.table, request, UNPROCESSED_RETRIES)
            .await
            .map_err(|failure| match failure {
                BatchFailure::Call(e) => sdk_error::from_sdk(*e, &self.table, OPERATION),
                BatchFailure::StillUnprocessed { left, calls } => BanStoreError::Throttled {
                    table: self.table.clone(),
                    operation: OPERATION,
                    message: still_unprocessed(left, calls),
                },
            })?;
        items
            .iter()
            .map(|stored| item::from_item(stored).map_err(|p| self.corrupt(p)))
            .collect()
    }

    fn corrupt(&self, problem: String) -> BanStoreError {
        BanStoreError::CorruptItem {
            table: self.table.clone(),
            problem,
        }
    }
}

/// The table name from `BANS_TABLE_NAME` read through `lookup`.
pub fn table_name_from_lookup(
    lookup: impl Fn(&str) -> Option<String>,
) -> Result<String, BanStoreError> {
    let name = lookup(TABLE_NAME_VAR)
        .map(|name| name.trim().to_owned())
        .filter(|name| !name.is_empty())
        .ok_or_else(|| {
            BanStoreError::Config(format!("{TABLE_NAME_VAR} is not set: name the bans table"))
        })?;
    check_table_name(&name).map_err(|e| BanStoreError::Config(format!("{TABLE_NAME_VAR}: {e}")))?;
    Ok(name)
}

/// DynamoDB's rule for table names: 3 to 255 of `a-z A-Z 0-9 _ - .`.
fn check_table_name(name: &str) -> Result<(), BanStoreError> {
    let valid = (3..=255).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'));
    if valid {
        Ok(())
    } else {
        Err(BanStoreError::Config(format!(
            "`{name}` is not a DynamoDB table name (3 to 255 of a-z, A-Z, 0-9, `_`, `-`, `.`)"
        )))
    }
}

impl BanStore for DynamoBanStore {
    async fn active_ban(
        &self,
        room_id: &RoomId,
        user_id: &UserId,
        now: OffsetDateTime,
    ) -> Result<Option<Ban>, BanStoreError> {
        let keys = vec![
            item::key(&BanScope::Room(room_id.clone()), user_id),
            item::key(&BanScope::Global, user_id),
        ];
        Ok(self
            .batch_get(keys)
            .await?
            .into_iter()
            .filter(|ban| ban.is_active_at(now))
            .max_by(|a, b| a.severity_cmp(b)))
    }

    async fn banned_among(
        &self,
        room_id: &RoomId,
        user_ids: &[UserId],
        now: OffsetDateTime,
    ) -> Result<HashSet<UserId>, BanStoreError> {
        let mut unique: Vec<&UserId> = user_ids.iter().collect();
        unique.sort();
        unique.dedup();
        let mut banned = HashSet::new();
        // Two keys per user, BatchGetItem takes at most 100.
        for users in unique.chunks(50) {
            let keys = users
                .iter()
                .flat_map(|user| {
                    [
                        item::key(&BanScope::Room(room_id.clone()), user),
                        item::key(&BanScope::Global, user),
                    ]
                })
                .collect();
            for ban in self.batch_get(keys).await? {
                if ban.is_active_at(now) {
                    banned.insert(ban.user_id().clone());
                }
            }
        }
        Ok(banned)
    }

    async fn put(&self, ban: &Ban) -> Result<(), BanStoreError> {
        self.client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item::to_item(ban)))
            .send()
            .await
            .map_err(|e| sdk_error::from_sdk(e, &self.table, "PutItem"))?;
        Ok(())
    }

    async fn remove(&self, scope: &BanScope, user_id: &UserId) -> Result<bool, BanStoreError> {
        let output = self
            .client
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(item::key(scope, user_id)))
            .return_values(ReturnValue::AllOld)
            .send()
            .await
            .map_err(|e| sdk_error::from_sdk(e, &self.table, "DeleteItem"))?;
        Ok(output.attributes.is_some_and(|old| !old.is_empty()))
    }

    async fn list(
        &self,
        scope: &BanScope,
        page_token: Option<&str>,
        limit: u32,
        now: OffsetDateTime,
    ) -> Result<BanPage, BanStoreError> {
        const OPERATION: &str = "Query";
        if !(1..=MAX_PAGE_LIMIT).contains(&limit) {
            return Err(BanValidationError::InvalidLimit {
                limit,
                max: MAX_PAGE_LIMIT,
            }
            .into());
        }
        let page_size = limit as usize;
        let scope_key = table::scope_key(scope);
        let mut start = page_token
            .map(|token| page_token::decode(token, &scope_key))
            .transpose()?;
        let mut bans = Vec::with_capacity(page_size + 1);
        for _ in 0..MAX_QUERIES_PER_PAGE {
            // One more than the page, so a listing that fits exactly ends without a token.
            let output = self
                .client
                .query()
                .table_name(&self.table)
                .key_condition_expression("#scope = :scope")
                .filter_expression("attribute_not_exists(#expiresAt) OR #expiresAt > :now")
                .expression_attribute_names("#scope", TABLE_SCHEMA.partition_key)
                .expression_attribute_names("#expiresAt", TABLE_SCHEMA.ttl_attribute)
                .expression_attribute_values(":scope", AttributeValue::S(scope_key.clone()))
                .expression_attribute_values(":now", item::epoch_seconds(now))
                .consistent_read(true)
                .limit(limit as i32 + 1)
                .set_exclusive_start_key(
                    start
                        .as_ref()
                        .map(|user| item::key_from_parts(scope_key.clone(), user.as_str())),
                )
                .send()
                .await
                .map_err(|e| sdk_error::from_sdk(e, &self.table, OPERATION))?;
            for stored in output.items() {
                let ban = item::from_item(stored).map_err(|p| self.corrupt(p))?;
                if ban.is_active_at(now) {
                    bans.push(ban);
                }
            }
            let more_stored = output
                .last_evaluated_key
                .as_ref()
                .is_some_and(|key| !key.is_empty());
            if bans.len() > page_size || (bans.len() == page_size && more_stored) {
                bans.truncate(page_size);
                let next = bans
                    .last()
                    .map(|last| page_token::encode(&scope_key, last.user_id().as_str()));
                return Ok(BanPage {
                    bans,
                    next_page_token: next,
                });
            }
            match output.last_evaluated_key.filter(|key| !key.is_empty()) {
                None => {
                    return Ok(BanPage {
                        bans,
                        next_page_token: None,
                    })
                }
                Some(key) => start = Some(item::user_id(&key).map_err(|p| self.corrupt(p))?),
            }
        }
        // Mostly expired bans so far: hand back a short page rather than read on.
        Ok(BanPage {
            bans,
            next_page_token: start.map(|user| page_token::encode(&scope_key, user.as_str())),
        })
    }
}
