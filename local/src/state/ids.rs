//! Identifiers and clocks: the 12-character alphanumeric ids IVS Chat mints for rooms,
//! logging configurations, messages, events and operations.

use rand::distributions::Alphanumeric;
use rand::Rng;
use time::OffsetDateTime;

/// Length of every id the service mints.
pub const ID_LENGTH: usize = 12;

/// A fresh id of 12 characters of `[a-zA-Z0-9]`, like `M2YcHkgffEvU`.
pub fn new_id() -> String {
    rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(ID_LENGTH)
        .map(char::from)
        .collect()
}

/// The current UTC time.
pub fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_twelve_alphanumerics_and_differ() {
        let first = new_id();
        let second = new_id();
        assert_eq!(first.len(), 12);
        assert!(first.bytes().all(|b| b.is_ascii_alphanumeric()));
        assert_ne!(first, second);
    }
}
