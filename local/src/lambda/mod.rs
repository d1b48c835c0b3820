//! Lambda functions as the local service runs and calls them: functions hosted as child
//! processes behind their own Runtime API, the Invoke API on the service's listener, and
//! invocation by ARN (for message review), here or on another Lambda endpoint.

mod hosted;
mod invoke;
pub mod invoke_api;
mod spec;

pub use hosted::{HostSettings, HostedFunction};
pub use invoke::{function_name, FunctionInvoker, InvokeError};
pub use spec::FunctionSpec;
