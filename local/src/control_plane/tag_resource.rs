//! TagResource: `POST /tags/{resourceArn}` adds or overwrites tags, at most 50 in all.

use super::input::Input;
use super::{tagged_resource, Context, Reply};
use crate::control_plane::error::ServiceError;

pub fn handle(context: &Context, resource_arn: String, body: Input) -> Result<Reply, ServiceError> {
    let (mut input, arn) = tagged_resource::input_with_arn(resource_arn, body.into_members());
    let tags = input.required_tags("tags");
    input.finish()?;
    let resource = tagged_resource::resolve(context, &arn.unwrap_or_default())?;
    context
        .region
        .tag_resource(&resource, tags.unwrap_or_default())
        .map_err(|error| context.state_error(error))?;
    Ok(Reply::empty())
}
