//! Integration tests of the `shared` crate, one binary with a module per concern.

mod bans;
mod history;
mod moderation_policy;
mod moderation_properties;
mod moderation_review;
mod review_contract;
mod sender_ban_check;
