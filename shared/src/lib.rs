//! The library every ivschat-serverless function uses. Its layers, from the bottom:
//!
//! - [`ids`]: user and room ids, IVS Chat resource ids and ARNs (knows nothing else), and
//!   [`env_number`]: whole-number settings read from the environment;
//! - [`aws`]: the SDK configuration loaded once per cold start, the IVS Chat and DynamoDB
//!   clients, DynamoDB's batch calls;
//! - [`read_through`]: the review path's memory of a store's answers (fresh for a time,
//!   bounded reads, the last known answer when the store fails);
//! - [`bans`] (the ban store), [`history`] (chat history), [`janitor`] (the room janitor),
//!   [`room_tags`] (the tags the stack reads and writes);
//! - [`http_api`]: what the HTTP functions share (the caller, the one error type, `serve`),
//!   and the routes' domains: [`chat_tokens`] (room admission and tokens), [`admin_api`],
//!   [`moderation_api`], and [`room_moderation`] (a room's live settings, slow mode, strikes).
//!
//! The moderation engine and the review contract are their own crate, `ivschat-moderation`,
//! free of the AWS SDK.

pub mod admin_api;
pub mod aws;
pub mod bans;
pub mod chat_tokens;
pub mod env_number;
pub mod history;
pub mod http_api;
pub mod ids;
pub mod janitor;
pub mod moderation_api;
pub mod read_through;
pub mod room_moderation;
pub mod room_tags;
#[cfg(any(test, feature = "test-support"))]
pub mod test_support;

/// The IVS Chat client's builders under their older name; the same as [`aws::ivs`].
pub use aws::ivs as ivs_client;
