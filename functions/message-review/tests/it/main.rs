//! Integration tests of the message-review function: the real binary, hosted by the local IVS
//! Chat service as a room's review handler, reached by real WebSocket clients.

mod through_local_service;
