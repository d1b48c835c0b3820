//! Integration tests of `ivschat-local`: the real server on a loopback port, driven by the
//! real `aws-sdk-ivschat` client, by raw (SigV4-signed) HTTP requests, and by WebSocket chat
//! clients (`tokio-tungstenite`) with a fake Lambda Invoke API for message review.

mod auth;
mod binary;
mod chat_logs;
mod console;
mod fake_lambda;
mod gateway;
mod hosted_functions;
mod invoke_api;
mod list_rooms;
mod log_subscriptions;
mod logging_configurations;
mod messaging;
mod quotas;
mod rooms;
mod stack;
mod support;
mod tags;
mod validation;
mod wire;
mod ws_control_plane;
mod ws_handshake;
mod ws_limits;
mod ws_messages;
mod ws_moderation;
mod ws_review;
mod ws_support;
