//! Messaging over WebSocket: the handshake, messages and their limits, moderation by clients
//! and by control-plane calls, message review, and the chat log the room's traffic writes.

mod chat_logs;
mod control_plane_calls;
mod handshake;
mod limits;
mod messages;
mod moderation;
mod review;
pub(crate) mod support;
