//! Integration tests of `ivschat-local`: the real server on a loopback port, driven by the
//! real `aws-sdk-ivschat` client and by raw (SigV4-signed) HTTP requests.

mod auth;
mod binary;
mod chat_logs;
mod list_rooms;
mod logging_configurations;
mod messaging;
mod quotas;
mod rooms;
mod support;
mod tags;
mod validation;
mod wire;
