//! UntagResource: `DELETE /tags/{resourceArn}?tagKeys=k1&tagKeys=k2` removes tags by key;
//! `tagKeys` is required.

use percent_encoding::percent_decode_str;
use serde_json::{Map, Value};

use super::input::TAG_KEY;
use super::{tagged_resource, Context, Reply};
use crate::control_plane::error::ServiceError;

/// At most this many keys in one call.
const MAX_TAG_KEYS: usize = 50;

pub fn handle(context: &Context, resource_arn: String, query: &str) -> Result<Reply, ServiceError> {
    let keys: Vec<Value> = query
        .split('&')
        .filter_map(|pair| pair.split_once('=').or(Some((pair, ""))))
        .filter(|(name, _)| *name == "tagKeys")
        .map(|(_, value)| Value::String(percent_decode_str(value).decode_utf8_lossy().into_owned()))
        .collect();
    let mut members = Map::new();
    if !keys.is_empty() {
        members.insert("tagKeys".into(), Value::Array(keys));
    }
    // The model makes `tagKeys` required; an empty list looks on the wire like no `tagKeys`
    // at all, so both are refused as a missing required member.
    let (mut input, arn) = tagged_resource::input_with_arn(resource_arn, members);
    let keys = input.required_string_list("tagKeys", &TAG_KEY, MAX_TAG_KEYS);
    input.finish()?;
    let resource = tagged_resource::resolve(context, &arn.unwrap_or_default())?;
    context
        .region
        .untag_resource(&resource, &keys.unwrap_or_default())
        .map_err(|error| context.state_error(error))?;
    Ok(Reply::empty())
}
