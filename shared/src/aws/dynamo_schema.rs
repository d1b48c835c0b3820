//! The pieces of a DynamoDB table definition that every store's `create_table` builds: string
//! attributes, key elements, and turning on TTL.

use aws_sdk_dynamodb::config::http::HttpResponse;
use aws_sdk_dynamodb::error::{BuildError, SdkError};
use aws_sdk_dynamodb::operation::update_time_to_live::UpdateTimeToLiveError;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, KeySchemaElement, KeyType, ScalarAttributeType, TimeToLiveSpecification,
};
use aws_sdk_dynamodb::Client;

/// The definition of string attribute `name`.
pub(crate) fn string_attribute(name: &str) -> Result<AttributeDefinition, BuildError> {
    AttributeDefinition::builder()
        .attribute_name(name)
        .attribute_type(ScalarAttributeType::S)
        .build()
}

/// Key element `name` of type `key_type` (hash or range).
pub(crate) fn key(name: &str, key_type: KeyType) -> Result<KeySchemaElement, BuildError> {
    KeySchemaElement::builder()
        .attribute_name(name)
        .key_type(key_type)
        .build()
}

/// Why TTL could not be turned on.
#[derive(Debug)]
pub(crate) enum TtlFailure {
    Build(BuildError),
    Call(Box<SdkError<UpdateTimeToLiveError, HttpResponse>>),
}

/// The UpdateTimeToLive operation's name, for errors.
pub(crate) const UPDATE_TTL: &str = "UpdateTimeToLive";

/// Turns on TTL for `table`: items expire at the epoch seconds in `attribute`.
pub(crate) async fn enable_ttl(
    client: &Client,
    table: &str,
    attribute: &str,
) -> Result<(), TtlFailure> {
    let ttl = TimeToLiveSpecification::builder()
        .enabled(true)
        .attribute_name(attribute)
        .build()
        .map_err(TtlFailure::Build)?;
    client
        .update_time_to_live()
        .table_name(table)
        .time_to_live_specification(ttl)
        .send()
        .await
        .map_err(|e| TtlFailure::Call(Box::new(e)))?;
    Ok(())
}
