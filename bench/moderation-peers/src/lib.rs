//! Peer comparison benchmark of the moderation engine: a labelled chat corpus, and the
//! machinery to run our engine and other profanity filters over it and compare speed, recall
//! on disguised profanity and false positives on clean and innocent chat.

pub mod corpus;
pub mod engines;
pub mod languages;
pub mod peer_terms;
pub mod peers;
pub mod report;
pub mod timing;
