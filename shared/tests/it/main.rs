//! Integration tests of the `shared` crate, one binary with a module per concern.

mod bans;
mod held_approval;
mod history;
mod room_moderation;
mod sender_ban_check;
