//! The library every ivschat-serverless function uses. For now: the IVS Chat client, built
//! once at cold start, with the endpoint override that points it at the local service.
//! Later issues add configuration, domain types, the moderation engine and error mapping.

pub mod ivs_client;
