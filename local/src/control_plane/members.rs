//! Readers for the input structures several operations share: `messageReviewHandler` and the
//! `destinationConfiguration` union.

use super::input::{
    Input, BUCKET_NAME_SHAPE, DELIVERY_STREAM_NAME_SHAPE, LAMBDA_ARN_SHAPE, LOG_GROUP_NAME_SHAPE,
};
use super::output::ArnScope;
use crate::state::{Destination, FallbackResult, MessageReviewHandlerChange};

/// `messageReviewHandler`: `uri` (a Lambda ARN or empty) and `fallbackResult` (default ALLOW).
/// The Chat User Guide requires the function to be in the room's account and region
/// (<https://docs.aws.amazon.com/ivs/latest/ChatUserGuide/chat-message-review-handler.html>);
/// our reading is that another account or region is a ValidationException on
/// `messageReviewHandler.uri`.
pub fn message_review_handler(
    input: &mut Input,
    scope: &ArnScope,
) -> Option<MessageReviewHandlerChange> {
    input.structure("messageReviewHandler", |handler| {
        let uri = handler
            .string("uri", &LAMBDA_ARN_SHAPE)
            .and_then(|uri| same_account_and_region(handler, uri, scope));
        let fallback = handler.enumeration("fallbackResult", &["ALLOW", "DENY"]);
        MessageReviewHandlerChange {
            uri,
            fallback_result: match fallback.as_deref() {
                Some("DENY") => FallbackResult::Deny,
                _ => FallbackResult::Allow,
            },
        }
    })
}

/// `uri` if it is empty (detach) or names a function of the room's account and region;
/// otherwise the field fails.
fn same_account_and_region(handler: &mut Input, uri: String, scope: &ArnScope) -> Option<String> {
    if uri.is_empty() {
        return Some(uri);
    }
    // The pattern has been checked: arn:aws:lambda:REGION:ACCOUNT:function:NAME.
    let mut fields = uri.split(':').skip(3);
    let (region, account) = (fields.next(), fields.next());
    if region == Some(scope.region.as_str()) && account == Some(scope.account_id.as_str()) {
        return Some(uri);
    }
    handler.fail(
        "uri",
        Some(&uri),
        format!(
            "Member must be the ARN of a Lambda function in the room's account ({}) and region ({})",
            scope.account_id, scope.region
        ),
    );
    None
}

/// `destinationConfiguration`: exactly one of `s3`, `cloudWatchLogs`, `firehose`.
pub fn destination_configuration(input: &mut Input, required: bool) -> Option<Destination> {
    let read = |destination: &mut Input| {
        let s3 = destination.structure("s3", |s3| {
            s3.required_string("bucketName", &BUCKET_NAME_SHAPE)
        });
        let cloud_watch_logs = destination.structure("cloudWatchLogs", |logs| {
            logs.required_string("logGroupName", &LOG_GROUP_NAME_SHAPE)
        });
        let firehose = destination.structure("firehose", |firehose| {
            firehose.required_string("deliveryStreamName", &DELIVERY_STREAM_NAME_SHAPE)
        });
        let given = [s3.is_some(), cloud_watch_logs.is_some(), firehose.is_some()]
            .into_iter()
            .filter(|g| *g)
            .count();
        if given != 1 {
            destination.fail(
                "",
                None,
                format!("Member must have exactly one of s3, cloudWatchLogs or firehose set; {given} were set"),
            );
            return None;
        }
        match (s3, cloud_watch_logs, firehose) {
            (Some(bucket_name), _, _) => {
                bucket_name.map(|bucket_name| Destination::S3 { bucket_name })
            }
            (_, Some(log_group_name), _) => {
                log_group_name.map(|log_group_name| Destination::CloudWatchLogs { log_group_name })
            }
            (_, _, Some(stream)) => stream.map(|delivery_stream_name| Destination::Firehose {
                delivery_stream_name,
            }),
            _ => None,
        }
    };
    if required {
        input
            .required_structure("destinationConfiguration", read)
            .flatten()
    } else {
        input.structure("destinationConfiguration", read).flatten()
    }
}
