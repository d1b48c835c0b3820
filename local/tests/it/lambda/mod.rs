//! Lambda as the service runs and calls it: hosted functions behind their Runtime API, the
//! Invoke API, CloudWatch Logs subscriptions, and a stand-in Invoke API for review tests.

pub(crate) mod fake_lambda;
mod hosted_functions;
mod invoke_api;
mod log_subscriptions;
