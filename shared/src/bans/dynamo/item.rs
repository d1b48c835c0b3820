//! A ban as a DynamoDB item and back: the key attributes and the stored attributes.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;
use time::OffsetDateTime;

use super::table::{parse_scope_key, scope_key, TABLE_SCHEMA};
use crate::bans::model::{Ban, BanScope};
use crate::ids::UserId;

pub(crate) type Item = HashMap<String, AttributeValue>;

pub(crate) const REASON: &str = "reason";
pub(crate) const BANNED_BY: &str = "bannedBy";
pub(crate) const CREATED_AT: &str = "createdAt";

/// The primary key of the ban of `user_id` in `scope`.
pub(crate) fn key(scope: &BanScope, user_id: &UserId) -> Item {
    key_from_parts(scope_key(scope), user_id.as_str())
}

pub(crate) fn key_from_parts(scope_key: String, user_id: &str) -> Item {
    HashMap::from([
        (
            TABLE_SCHEMA.partition_key.to_owned(),
            AttributeValue::S(scope_key),
        ),
        (
            TABLE_SCHEMA.sort_key.to_owned(),
            AttributeValue::S(user_id.to_owned()),
        ),
    ])
}

pub(crate) fn to_item(ban: &Ban) -> Item {
    let mut item = key(ban.scope(), ban.user_id());
    item.insert(
        REASON.to_owned(),
        AttributeValue::S(ban.reason().to_owned()),
    );
    item.insert(
        BANNED_BY.to_owned(),
        AttributeValue::S(ban.banned_by().to_owned()),
    );
    item.insert(CREATED_AT.to_owned(), epoch_seconds(ban.created_at()));
    if let Some(expires_at) = ban.expires_at() {
        item.insert(
            TABLE_SCHEMA.ttl_attribute.to_owned(),
            epoch_seconds(expires_at),
        );
    }
    item
}

/// The ban an item holds; the error says which attribute is wrong.
pub(crate) fn from_item(item: &Item) -> Result<Ban, String> {
    let scope_text = string(item, TABLE_SCHEMA.partition_key)?;
    let scope = parse_scope_key(scope_text).ok_or_else(|| {
        format!(
            "`{}` is not a ban scope: `{scope_text}`",
            TABLE_SCHEMA.partition_key
        )
    })?;
    let user_id = user_id(item)?;
    let reason = match item.get(REASON) {
        None => String::new(),
        Some(_) => string(item, REASON)?.to_owned(),
    };
    let banned_by = string(item, BANNED_BY)?.to_owned();
    let created_at = time(item, CREATED_AT)?;
    let expires_at = match item.get(TABLE_SCHEMA.ttl_attribute) {
        None => None,
        Some(_) => Some(time(item, TABLE_SCHEMA.ttl_attribute)?),
    };
    Ok(Ban::from_stored(
        scope, user_id, reason, banned_by, created_at, expires_at,
    ))
}

/// The user id of an item or of a query's last evaluated key.
pub(crate) fn user_id(item: &Item) -> Result<UserId, String> {
    let text = string(item, TABLE_SCHEMA.sort_key)?;
    UserId::new(text).map_err(|e| format!("`{}`: {e}", TABLE_SCHEMA.sort_key))
}

pub(crate) fn epoch_seconds(t: OffsetDateTime) -> AttributeValue {
    AttributeValue::N(t.unix_timestamp().to_string())
}

fn string<'a>(item: &'a Item, name: &str) -> Result<&'a str, String> {
    match item.get(name) {
        Some(AttributeValue::S(text)) => Ok(text),
        Some(_) => Err(format!("`{name}` is not a string")),
        None => Err(format!("`{name}` is missing")),
    }
}

fn time(item: &Item, name: &str) -> Result<OffsetDateTime, String> {
    let seconds = match item.get(name) {
        Some(AttributeValue::N(number)) => number
            .parse::<i64>()
            .map_err(|_| format!("`{name}` is not whole epoch seconds: `{number}`"))?,
        Some(_) => return Err(format!("`{name}` is not a number")),
        None => return Err(format!("`{name}` is missing")),
    };
    OffsetDateTime::from_unix_timestamp(seconds)
        .map_err(|_| format!("`{name}` is out of range: {seconds}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::RoomId;
    use time::macros::datetime;

    #[test]
    fn a_ban_round_trips_through_its_item() {
        let room = RoomId::new("lobby").expect("room id");
        for expires_at in [None, Some(datetime!(2030-01-02 00:00:00 UTC))] {
            let ban = Ban::new(
                BanScope::Room(room.clone()),
                UserId::new("alice").expect("user id"),
                "spam",
                "mod-1",
                datetime!(2030-01-01 00:00:00 UTC),
                expires_at,
            )
            .expect("valid ban");
            let item = to_item(&ban);
            assert_eq!(
                item.get("scope"),
                Some(&AttributeValue::S("ROOM#lobby".into()))
            );
            assert_eq!(item.contains_key("expiresAt"), expires_at.is_some());
            assert_eq!(from_item(&item), Ok(ban));
        }
    }

    #[test]
    fn a_malformed_item_names_the_bad_attribute() {
        let ban = Ban::new(
            BanScope::Global,
            UserId::new("alice").expect("user id"),
            "",
            "mod-1",
            datetime!(2030-01-01 00:00:00 UTC),
            None,
        )
        .expect("valid ban");
        let mut item = to_item(&ban);
        item.insert("expiresAt".into(), AttributeValue::S("soon".into()));
        let problem = from_item(&item).expect_err("bad expiry");
        assert!(problem.contains("expiresAt"), "{problem}");
        item.insert("scope".into(), AttributeValue::S("CHANNEL#x".into()));
        let problem = from_item(&item).expect_err("bad scope");
        assert!(problem.contains("scope"), "{problem}");
    }
}
