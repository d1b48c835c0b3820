//! The control plane (restJson1 over HTTP): authentication, the wire, validation, every
//! operation through the SDK, and quotas.

mod auth;
mod chat_operations;
mod list_rooms;
mod logging_configurations;
mod quotas;
mod rooms;
mod tags;
mod validation;
mod wire;
