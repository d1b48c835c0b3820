//! ListTagsForResource: `GET /tags/{resourceArn}`, for a room or a logging configuration.

use serde::Serialize;
use serde_json::Map;

use super::{tagged_resource, Context, Reply};
use crate::control_plane::error::ServiceError;
use crate::state::Tags;

#[derive(Serialize)]
struct ListTagsOut {
    tags: Tags,
}

pub fn handle(context: &Context, resource_arn: String) -> Result<Reply, ServiceError> {
    let (input, arn) = tagged_resource::input_with_arn(resource_arn, Map::new());
    input.finish()?;
    let resource = tagged_resource::resolve(context, &arn.unwrap_or_default())?;
    let tags = context
        .region
        .list_tags(&resource)
        .map_err(|error| context.state_error(error))?;
    Reply::json(&ListTagsOut { tags })
}
