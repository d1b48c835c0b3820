//! The library every ivschat-serverless function uses. For now: the IVS Chat client, built
//! once at cold start, with the endpoint override that points it at the local service.
//! The moderation engine reviews chat messages; `review` is the message-review handler's
//! contract with IVS Chat. Later issues add configuration, domain types
//! and error mapping.

pub mod admin_api;
pub mod bans;
pub mod chat_tokens;
mod dynamo_batch;
mod dynamo_schema;
pub mod history;
pub mod http_api;
pub mod ivs_client;
pub mod janitor;
pub mod moderation;
pub mod moderation_api;
pub mod review;
pub mod room_tags;
