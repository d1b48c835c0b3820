//! Integration tests of the chat-token function: the real binary behind the local HTTP API
//! (JWT authorizer with the local issuer), the local IVS Chat service and a real DynamoDB
//! (moto) for bans.

mod sample_events;
mod stack;
mod tokens;
