//! The resource ARN path label of the three tag operations: validated with the corrected
//! ResourceArn pattern, then resolved to a room or a logging configuration.

use serde_json::{Map, Value};

use super::error::ServiceError;
use super::input::{Input, RESOURCE_ARN_SHAPE};
use super::Context;
use crate::state::ResourceRef;

/// An input holding the ARN label beside `members`, with the ARN already read (and checked).
pub fn input_with_arn(
    resource_arn: String,
    mut members: Map<String, Value>,
) -> (Input, Option<String>) {
    members.insert("resourceArn".into(), Value::String(resource_arn));
    let mut input = Input::from_members(String::new(), members);
    let arn = input.required_string("resourceArn", &RESOURCE_ARN_SHAPE);
    (input, arn)
}

/// The resource a validated ARN names in this region and account.
pub fn resolve(context: &Context, arn: &str) -> Result<ResourceRef, ServiceError> {
    if arn.contains(":room/") {
        context.room_id(arn).map(ResourceRef::Room)
    } else {
        context
            .logging_configuration_id(arn)
            .map(ResourceRef::LoggingConfiguration)
    }
}
