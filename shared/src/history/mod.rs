//! Chat history: what a late joiner sees first and what a replay shows, built on IVS Chat's
//! chat logging. IVS Chat writes every delivered message and event of a room to its logging
//! configuration's CloudWatch Logs group; the group's subscription sends batches of those
//! records to the chat-history-writer function ([`awslogs`] decodes them, `record` reads
//! each record, [`ingest`] applies the batch to the [`HistoryStore`]); the chat-history
//! routes read the store back ([`HistoryReader`]) in the chat SDK's message shape.
//!
//! Denied messages are never delivered, so never logged and never in the history; masked
//! messages are logged as delivered, masked; a deleted message is removed; messages of a user
//! banned from the room (or from every room) are left out of every read while the ban lasts.

pub mod awslogs;
mod config;
mod reader;
mod record;
mod store;
mod writer;

pub use config::HistoryConfig;
pub use reader::{
    HistoryAnswer, HistoryQuery, HistoryReader, QueryError, ReadError, DEFAULT_LATEST, MAX_LATEST,
};
pub use record::APPROVED_ATTRIBUTE;
pub use store::{
    create_table, HistoryPage, HistoryStore, PutSummary, StoredMessage, MAX_PAGE_LIMIT,
};
pub use writer::{ingest, IngestSummary};

/// Why a history operation failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HistoryError {
    #[error("{operation} on table {table} was throttled: {message}")]
    Throttled {
        table: String,
        operation: &'static str,
        message: String,
    },
    #[error("{operation} on table {table} failed: {message}")]
    Service {
        table: String,
        operation: &'static str,
        message: String,
    },
    #[error("table {table} holds an item that is not a message: {problem}")]
    CorruptItem { table: String, problem: String },
    #[error("limit must be from 1 to {max}, not {limit}")]
    InvalidLimit { limit: u32, max: u32 },
    #[error("nextToken is not one this room's history issued")]
    InvalidPageToken,
    #[error("{0}")]
    Config(String),
}

impl HistoryError {
    pub fn is_throttling(&self) -> bool {
        matches!(self, HistoryError::Throttled { .. })
    }
}
