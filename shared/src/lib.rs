//! The library every ivschat-serverless function uses. For now: the IVS Chat client, built
//! once at cold start, with the endpoint override that points it at the local service.
//! The moderation engine reviews chat messages. Later issues add configuration, domain types
//! and error mapping.

pub mod ivs_client;
pub mod moderation;
