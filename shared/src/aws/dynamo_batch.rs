//! DynamoDB's batch calls on one table, with what DynamoDB leaves unprocessed (it does so
//! when a table is over its capacity) sent again after a growing pause. Every store's batch
//! reads and writes go through here; each store maps a failure to its own error type.

use std::collections::HashMap;
use std::time::Duration;

use aws_sdk_dynamodb::config::http::HttpResponse;
use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::operation::batch_get_item::BatchGetItemError;
use aws_sdk_dynamodb::operation::batch_write_item::BatchWriteItemError;
use aws_sdk_dynamodb::types::{AttributeValue, KeysAndAttributes, WriteRequest};
use aws_sdk_dynamodb::Client;

/// A stored item, by attribute name.
pub(crate) type Item = HashMap<String, AttributeValue>;

/// How often, and after what pauses, unprocessed keys or writes are sent again.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Retries {
    /// Calls after the first.
    pub retries: u32,
    /// The pause before the first retry; it doubles before each next one.
    pub first_pause: Duration,
}

impl Retries {
    fn pause_before(&self, retry: u32) -> Duration {
        self.first_pause * 2u32.saturating_pow(retry.saturating_sub(1))
    }
}

/// Why a batch call did not complete.
#[derive(Debug)]
pub(crate) enum BatchFailure<E> {
    /// The call itself failed.
    Call(Box<SdkError<E, HttpResponse>>),
    /// DynamoDB still left `left` keys or writes unprocessed after every retry.
    StillUnprocessed { left: usize, calls: u32 },
}

/// What a `StillUnprocessed` failure says.
pub(crate) fn still_unprocessed(left: usize, calls: u32) -> String {
    format!("{left} keys or writes still unprocessed after {calls} calls")
}

/// Reads `request`'s keys from `table` (at most 100) with BatchGetItem; returns every item
/// found, keys left unprocessed asked again per `retries`.
pub(crate) async fn get(
    client: &Client,
    table: &str,
    mut request: KeysAndAttributes,
    retries: Retries,
) -> Result<Vec<Item>, BatchFailure<BatchGetItemError>> {
    let mut found = Vec::new();
    for call in 0..=retries.retries {
        if call > 0 {
            tokio::time::sleep(retries.pause_before(call)).await;
        }
        let output = client
            .batch_get_item()
            .request_items(table, request)
            .send()
            .await
            .map_err(|e| BatchFailure::Call(Box::new(e)))?;
        found.extend(
            output
                .responses
                .and_then(|mut tables| tables.remove(table))
                .unwrap_or_default(),
        );
        match output
            .unprocessed_keys
            .and_then(|mut tables| tables.remove(table))
        {
            Some(rest) if !rest.keys().is_empty() => request = rest,
            _ => return Ok(found),
        }
    }
    Err(BatchFailure::StillUnprocessed {
        left: request.keys().len(),
        calls: retries.retries + 1,
    })
}

/// Writes `requests` to `table` (at most 25) with BatchWriteItem, writes left unprocessed sent
/// again per `retries`.
pub(crate) async fn write(
    client: &Client,
    table: &str,
    mut requests: Vec<WriteRequest>,
    retries: Retries,
) -> Result<(), BatchFailure<BatchWriteItemError>> {
    for call in 0..=retries.retries {
        if requests.is_empty() {
            return Ok(());
        }
        if call > 0 {
            tokio::time::sleep(retries.pause_before(call)).await;
        }
        requests = client
            .batch_write_item()
            .request_items(table, requests)
            .send()
            .await
            .map_err(|e| BatchFailure::Call(Box::new(e)))?
            .unprocessed_items
            .and_then(|mut tables| tables.remove(table))
            .unwrap_or_default();
    }
    if requests.is_empty() {
        return Ok(());
    }
    Err(BatchFailure::StillUnprocessed {
        left: requests.len(),
        calls: retries.retries + 1,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pauses_double_from_the_first() {
        let retries = Retries {
            retries: 4,
            first_pause: Duration::from_millis(25),
        };
        let pauses: Vec<u128> = (1..=4)
            .map(|retry| retries.pause_before(retry).as_millis())
            .collect();
        assert_eq!(pauses, [25, 50, 100, 200]);
    }
}
