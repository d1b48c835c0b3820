//! Integration tests of `ivschat-local`: the real server on a loopback port, driven by the
//! real `aws-sdk-ivschat` client, by raw (SigV4-signed) HTTP requests, and by WebSocket chat
//! clients (`tokio-tungstenite`) with a fake Lambda Invoke API for message review. One folder
//! per part of the service, as in `src/`.

mod binary;
mod control_plane;
mod gateway;
mod lambda;
mod messaging;
mod stack;
mod support;
