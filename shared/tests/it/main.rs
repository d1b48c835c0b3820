//! Integration tests of the `shared` crate, one binary with a module per concern.

mod bans;
mod history;
mod room_moderation;
mod sender_ban_check;
