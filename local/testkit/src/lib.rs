//! The test kit of the workspace: what every integration test and benchmark that runs
//! against `ivschat-local` needs, in one place.
//!
//! # Layout
//!
//! - [`clients`]: the AWS SDK clients (IVS Chat control plane, DynamoDB) for an explicit
//!   endpoint and static key pair, touching no environment.
//! - [`service`]: the local IVS Chat service on a loopback port, with or without hosted
//!   functions, and a control-plane client for it.
//! - [`chat`]: chat clients: a chat token, a WebSocket connection that offers it, requests
//!   sent as frames, and frames read with a timeout.
//! - [`http`]: a small HTTP/1.1 client for JSON APIs.
//! - [`stack`]: `ivschat-local up` on a template, with the local issuer's JWTs and the HTTP
//!   API's routes (`call`, `jwt`, `join`).
//!
//! It is a dev-dependency only; nothing here is for production code.

pub mod chat;
pub mod clients;
pub mod http;
pub mod service;
pub mod stack;

pub use chat::{Socket, WAIT};
pub use clients::Endpoint;
