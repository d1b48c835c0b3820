//! The local API Gateway HTTP API in front of hosted functions.

mod http_api;
