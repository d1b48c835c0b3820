//! Integration tests of the `shared` crate, one binary with a module per concern.

mod bans;
mod history;
mod sender_ban_check;
