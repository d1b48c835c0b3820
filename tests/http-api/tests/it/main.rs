//! End-to-end tests of the HTTP API: `template.yaml` brought up by `ivschat-local up` (the
//! real function binaries, the local HTTP API with its JWT authorizer, the local IVS Chat
//! service, moto for the ban table), called over HTTP and WebSocket as clients would.
//!
//! The function binaries must be built first (`cargo build --workspace --bins`, as
//! `scripts/test` does); a missing one fails the stack's start, never skips a test.

mod admin;
mod history;
mod moderation;
mod openapi;
mod room_moderation;
mod sample_events;
mod stack;
