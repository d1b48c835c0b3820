//! End-to-end tests of the HTTP API live in `tests/it`; this library is empty.
