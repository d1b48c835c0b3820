//! `ivschat-local`: a local Amazon IVS Chat service that is faithful on the wire, so that the
//! AWS CLI, boto3 and the AWS SDKs work against it unchanged.
//!
//! The crate is split the way the service it imitates is: [`state`] holds rooms, logging
//! configurations, chat tokens and recorded activity and knows nothing of HTTP;
//! [`control_plane`] is the restJson1 wire layer with one handler per operation; [`auth`]
//! checks SigV4 signatures; [`messaging`] carries chat traffic over WebSocket and calls
//! review handlers through [`lambda`]; [`quotas`] enforces AWS's rate and account limits; [`server`]
//! binds the listener and shuts down gracefully. [`gateway`] is the local API Gateway HTTP API
//! in front of hosted functions, with the JWT authorizer, and [`identity`] the local OpenID
//! issuer whose tokens it accepts; [`stack`] runs the whole SAM template (`ivschat-local up`),
//! and [`console`] serves the web console beside it. [`chat_logging`] writes rooms' chat
//! logs, and [`log_subscriptions`] feeds CloudWatch Logs events to subscribed functions.

pub mod auth;
pub mod chat_logging;
pub mod config;
pub mod console;
pub mod control_plane;
pub mod gateway;
pub mod identity;
pub mod lambda;
pub mod log_subscriptions;
pub mod messaging;
pub mod quotas;
pub mod server;
pub mod stack;
pub mod state;

pub use config::ServeConfig;
pub use lambda::FunctionSpec;
pub use server::{RunningServer, Server};
