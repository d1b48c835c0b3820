//! Lambda functions as the local service uses them: invoking a function by ARN (for message
//! review) on a Lambda Invoke API endpoint, such as `cargo lambda watch`.

mod invoke;

pub use invoke::{function_name, FunctionInvoker, InvokeError};
