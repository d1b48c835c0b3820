//! The secondary indexes of a template's table, as CreateTable takes them.

use aws_sdk_dynamodb::error::BuildError;
use aws_sdk_dynamodb::types::{
    GlobalSecondaryIndex, KeySchemaElement, KeyType, LocalSecondaryIndex, Projection,
    ProjectionType,
};

use super::template::{IndexDef, TableDef};

/// The table's `LocalSecondaryIndexes` and `GlobalSecondaryIndexes` (billed per request, so
/// without provisioned throughput).
pub fn secondary_indexes(
    table: &TableDef,
) -> Result<(Vec<LocalSecondaryIndex>, Vec<GlobalSecondaryIndex>), BuildError> {
    let local = table
        .local_secondary_indexes
        .iter()
        .map(|index| {
            LocalSecondaryIndex::builder()
                .index_name(&index.name)
                .set_key_schema(Some(key_schema(index)?))
                .projection(projection(index))
                .build()
        })
        .collect::<Result<_, _>>()?;
    let global = table
        .global_secondary_indexes
        .iter()
        .map(|index| {
            GlobalSecondaryIndex::builder()
                .index_name(&index.name)
                .set_key_schema(Some(key_schema(index)?))
                .projection(projection(index))
                .build()
        })
        .collect::<Result<_, _>>()?;
    Ok((local, global))
}

fn key_schema(index: &IndexDef) -> Result<Vec<KeySchemaElement>, BuildError> {
    index
        .key_schema
        .iter()
        .map(|(name, kind)| {
            KeySchemaElement::builder()
                .attribute_name(name)
                .key_type(KeyType::from(kind.as_str()))
                .build()
        })
        .collect()
}

fn projection(index: &IndexDef) -> Projection {
    Projection::builder()
        .projection_type(ProjectionType::from(index.projection_type.as_str()))
        .set_non_key_attributes(
            (!index.non_key_attributes.is_empty()).then(|| index.non_key_attributes.clone()),
        )
        .build()
}
