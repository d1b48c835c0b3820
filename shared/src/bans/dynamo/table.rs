//! The bans table's layout (keys, TTL attribute) and its creation, for tests and the local
//! stack; `template.yaml` declares the same table for AWS.

use std::time::Duration;

use aws_sdk_dynamodb::client::Waiters as _;
use aws_sdk_dynamodb::types::{BillingMode, KeyType, SseSpecification};
use aws_sdk_dynamodb::Client;

use super::sdk_error;
use crate::aws::dynamo_schema::{enable_ttl, key, string_attribute, TtlFailure, UPDATE_TTL};
use crate::bans::error::BanStoreError;
use crate::bans::model::BanScope;
use crate::ids::RoomId;

/// The names of the table's key and TTL attributes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TableSchema {
    /// Partition key (string): `GLOBAL`, or `ROOM#<roomId>`.
    pub partition_key: &'static str,
    /// Sort key (string): the banned user's id.
    pub sort_key: &'static str,
    /// Expiry in epoch seconds (number), absent for permanent bans: DynamoDB's TTL attribute.
    pub ttl_attribute: &'static str,
}

/// The bans table's layout.
pub const TABLE_SCHEMA: TableSchema = TableSchema {
    partition_key: "scope",
    sort_key: "userId",
    ttl_attribute: "expiresAt",
};

const GLOBAL_KEY: &str = "GLOBAL";
const ROOM_PREFIX: &str = "ROOM#";

/// How long [`create_table`] waits for the new table to become active.
const CREATE_WAIT: Duration = Duration::from_secs(120);

/// The partition key value of a scope.
pub(crate) fn scope_key(scope: &BanScope) -> String {
    match scope {
        BanScope::Global => GLOBAL_KEY.to_owned(),
        BanScope::Room(room) => format!("{ROOM_PREFIX}{room}"),
    }
}

pub(crate) fn parse_scope_key(key: &str) -> Option<BanScope> {
    if key == GLOBAL_KEY {
        return Some(BanScope::Global);
    }
    let room = key.strip_prefix(ROOM_PREFIX)?;
    RoomId::new(room).ok().map(BanScope::Room)
}

/// Creates the bans table `table_name` as `template.yaml` declares it (on-demand billing,
/// encryption at rest, the key schema of [`TABLE_SCHEMA`]), waits until it is active, and
/// turns on TTL on [`TableSchema::ttl_attribute`]. Fails if the table exists.
pub async fn create_table(client: &Client, table_name: &str) -> Result<(), BanStoreError> {
    const CREATE: &str = "CreateTable";
    let build = |e| sdk_error::from_build(e, table_name, CREATE);
    let attribute = |name: &str| string_attribute(name).map_err(build);
    let key = |name: &str, key_type| key(name, key_type).map_err(build);
    client
        .create_table()
        .table_name(table_name)
        .attribute_definitions(attribute(TABLE_SCHEMA.partition_key)?)
        .attribute_definitions(attribute(TABLE_SCHEMA.sort_key)?)
        .key_schema(key(TABLE_SCHEMA.partition_key, KeyType::Hash)?)
        .key_schema(key(TABLE_SCHEMA.sort_key, KeyType::Range)?)
        .billing_mode(BillingMode::PayPerRequest)
        .sse_specification(SseSpecification::builder().enabled(true).build())
        .send()
        .await
        .map_err(|e| sdk_error::from_sdk(e, table_name, CREATE))?;

    client
        .wait_until_table_exists()
        .table_name(table_name)
        .wait(CREATE_WAIT)
        .await
        .map_err(|e| BanStoreError::Service {
            table: table_name.to_owned(),
            operation: "DescribeTable",
            message: format!(
                "the table did not become active: {}",
                aws_sdk_dynamodb::error::DisplayErrorContext(&e)
            ),
            source: Some(Box::new(e)),
        })?;

    enable_ttl(client, table_name, TABLE_SCHEMA.ttl_attribute)
        .await
        .map_err(|failure| match failure {
            TtlFailure::Build(e) => sdk_error::from_build(e, table_name, UPDATE_TTL),
            TtlFailure::Call(e) => sdk_error::from_sdk(*e, table_name, UPDATE_TTL),
        })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scope_keys_round_trip() {
        let room = BanScope::Room(RoomId::new("g1H2I3j4k5L6").expect("room id"));
        assert_eq!(scope_key(&room), "ROOM#g1H2I3j4k5L6");
        assert_eq!(scope_key(&BanScope::Global), "GLOBAL");
        for scope in [room, BanScope::Global] {
            assert_eq!(parse_scope_key(&scope_key(&scope)), Some(scope));
        }
        for bad in ["", "ROOM#", "room#x", "GLOBAL#", "ROOM#a#b"] {
            assert_eq!(parse_scope_key(bad), None, "{bad}");
        }
    }
}
