//! The 17 operations and how a request's method and raw path select one. Tag operations
//! carry the resource ARN as one percent-encoded path label, so routing works on the raw
//! path and decodes the label afterwards.

use http::Method;
use percent_encoding::percent_decode_str;

use super::error::ServiceError;

/// An operation of the IVS Chat control plane.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Operation {
    CreateChatToken,
    CreateLoggingConfiguration,
    CreateRoom,
    DeleteLoggingConfiguration,
    DeleteMessage,
    DeleteRoom,
    DisconnectUser,
    GetLoggingConfiguration,
    GetRoom,
    ListLoggingConfigurations,
    ListRooms,
    ListTagsForResource,
    SendEvent,
    TagResource,
    UntagResource,
    UpdateLoggingConfiguration,
    UpdateRoom,
}

impl Operation {
    /// The transactions-per-second quota AWS documents for the operation
    /// (<https://docs.aws.amazon.com/ivs/latest/ChatUserGuide/service-quotas.html>).
    pub fn tps_limit(self) -> u32 {
        use Operation::*;
        match self {
            CreateChatToken => 200,
            DeleteMessage | DisconnectUser | SendEvent => 100,
            CreateRoom | DeleteRoom | GetRoom | ListRooms | UpdateRoom => 5,
            CreateLoggingConfiguration
            | DeleteLoggingConfiguration
            | GetLoggingConfiguration
            | ListLoggingConfigurations
            | UpdateLoggingConfiguration => 3,
            ListTagsForResource | TagResource | UntagResource => 10,
        }
    }

    /// Every operation, in the model's order.
    pub const ALL: [Operation; 17] = [
        Operation::CreateChatToken,
        Operation::CreateLoggingConfiguration,
        Operation::CreateRoom,
        Operation::DeleteLoggingConfiguration,
        Operation::DeleteMessage,
        Operation::DeleteRoom,
        Operation::DisconnectUser,
        Operation::GetLoggingConfiguration,
        Operation::GetRoom,
        Operation::ListLoggingConfigurations,
        Operation::ListRooms,
        Operation::ListTagsForResource,
        Operation::SendEvent,
        Operation::TagResource,
        Operation::UntagResource,
        Operation::UpdateLoggingConfiguration,
        Operation::UpdateRoom,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Operation::CreateChatToken => "CreateChatToken",
            Operation::CreateLoggingConfiguration => "CreateLoggingConfiguration",
            Operation::CreateRoom => "CreateRoom",
            Operation::DeleteLoggingConfiguration => "DeleteLoggingConfiguration",
            Operation::DeleteMessage => "DeleteMessage",
            Operation::DeleteRoom => "DeleteRoom",
            Operation::DisconnectUser => "DisconnectUser",
            Operation::GetLoggingConfiguration => "GetLoggingConfiguration",
            Operation::GetRoom => "GetRoom",
            Operation::ListLoggingConfigurations => "ListLoggingConfigurations",
            Operation::ListRooms => "ListRooms",
            Operation::ListTagsForResource => "ListTagsForResource",
            Operation::SendEvent => "SendEvent",
            Operation::TagResource => "TagResource",
            Operation::UntagResource => "UntagResource",
            Operation::UpdateLoggingConfiguration => "UpdateLoggingConfiguration",
            Operation::UpdateRoom => "UpdateRoom",
        }
    }

    fn from_post_path(path: &str) -> Option<Operation> {
        let name = path.strip_prefix('/')?;
        Operation::ALL
            .into_iter()
            .filter(|op| {
                !matches!(
                    op,
                    Operation::ListTagsForResource
                        | Operation::TagResource
                        | Operation::UntagResource
                )
            })
            .find(|op| op.name() == name)
    }
}

/// A routed request: the operation and, for tag operations, the decoded resource ARN label.
#[derive(Debug, PartialEq, Eq)]
pub struct Route {
    pub operation: Operation,
    pub resource_arn: Option<String>,
}

impl Route {
    pub fn parse(method: &Method, raw_path: &str) -> Result<Route, ServiceError> {
        let unknown = || ServiceError::unknown_operation(method.as_str(), raw_path);
        if let Some(label) = raw_path.strip_prefix("/tags/") {
            let operation = match *method {
                Method::GET => Operation::ListTagsForResource,
                Method::POST => Operation::TagResource,
                Method::DELETE => Operation::UntagResource,
                _ => return Err(unknown()),
            };
            let arn = percent_decode_str(label).decode_utf8().map_err(|_| {
                ServiceError::malformed("The resource ARN in the path is not valid UTF-8.")
            })?;
            return Ok(Route {
                operation,
                resource_arn: Some(arn.into_owned()),
            });
        }
        if *method != Method::POST {
            return Err(unknown());
        }
        let path = raw_path.strip_suffix('/').unwrap_or(raw_path);
        Operation::from_post_path(path)
            .map(|operation| Route {
                operation,
                resource_arn: None,
            })
            .ok_or_else(unknown)
    }
}

impl crate::quotas::Quota for Operation {
    fn tps_limit(self) -> u32 {
        Operation::tps_limit(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_post_operation_routes_by_name() {
        for op in Operation::ALL {
            if matches!(
                op,
                Operation::ListTagsForResource | Operation::TagResource | Operation::UntagResource
            ) {
                continue;
            }
            let route = Route::parse(&Method::POST, &format!("/{}", op.name()));
            assert_eq!(route.map(|r| r.operation), Ok(op));
        }
    }

    #[test]
    fn tag_routes_decode_the_arn_label_including_slashes() {
        let route = Route::parse(
            &Method::GET,
            "/tags/arn%3Aaws%3Aivschat%3Aus-west-2%3A123456789012%3Aroom%2FAbCdEfGhIjKl",
        );
        assert_eq!(
            route,
            Ok(Route {
                operation: Operation::ListTagsForResource,
                resource_arn: Some(
                    "arn:aws:ivschat:us-west-2:123456789012:room/AbCdEfGhIjKl".into()
                )
            })
        );
        assert_eq!(
            Route::parse(&Method::DELETE, "/tags/x").map(|r| r.operation),
            Ok(Operation::UntagResource)
        );
    }

    #[test]
    fn unknown_paths_and_methods_are_unknown_operations() {
        assert!(matches!(
            Route::parse(&Method::POST, "/DescribeRoom"),
            Err(ServiceError::Validation {
                reason: super::super::error::ValidationReason::UnknownOperation,
                ..
            })
        ));
        assert!(Route::parse(&Method::GET, "/GetRoom").is_err());
        assert!(Route::parse(&Method::PUT, "/tags/x").is_err());
    }
}
