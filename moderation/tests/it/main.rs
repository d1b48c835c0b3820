//! Integration tests of the moderation crate, one binary with a module per concern: policy
//! files, the engine's decisions, its properties over generated text, its false positives on
//! frequent words and on real sentences, words shared between languages in real text, the
//! review contract, and lexicons read from a prebuilt snapshot.

mod frequent_words;
mod inflections;
mod kit;
mod languages;
mod moderation_policy;
mod moderation_properties;
mod moderation_review;
mod prebuilt;
mod review_contract;
mod sentences;
mod shared_words;
