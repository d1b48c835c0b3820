//! Hosted functions, like AWS Lambda runs them: each function binary runs as a child process
//! that fetches its invocations from a Runtime API served for it alone on a loopback port.
//! One instance per function: invocations queue and run one at a time. A crash, an init error
//! or a timeout fails the affected invocations as Lambda reports them, and the next invocation
//! starts a fresh process.
//!
//! [`process`] starts and supervises the processes, [`runtime_api`] serves the Runtime API
//! each one polls, and [`state`] is what the two share with the invokers.

mod process;
mod runtime_api;
mod state;

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use axum::body::Bytes;
use parking_lot::Mutex;
use tokio::sync::{oneshot, Notify};

use super::invoke::InvokeError;
use super::spec::FunctionSpec;
use state::{FunctionState, Invocation, Outcome};

/// Lambda-like settings shared by every hosted function.
#[derive(Clone, Debug)]
pub struct HostSettings {
    pub region: String,
    pub account_id: String,
    pub access_key_id: String,
    pub secret_access_key: String,
    /// `http://HOST:PORT` of this service, given to functions as `AWS_ENDPOINT_URL_IVSCHAT`.
    pub service_url: String,
}

/// One hosted function.
pub struct HostedFunction {
    state: Arc<FunctionState>,
}

impl Drop for HostedFunction {
    fn drop(&mut self) {
        if let Some(server) = self.state.runtime_server.lock().take() {
            server.abort();
        }
        // `kill_on_drop` ends the process with its handle.
        self.state.process.lock().take();
    }
}

/// An invocation's failure as Lambda reports it: `errorType` and `errorMessage`.
fn failure(function: &str, error_type: &str, message: String) -> InvokeError {
    let body = serde_json::json!({ "errorType": error_type, "errorMessage": message });
    InvokeError::Failed {
        function: function.to_owned(),
        error_type: error_type.to_owned(),
        body: Bytes::from(body.to_string()),
    }
}

impl HostedFunction {
    /// Prepares the function; its process (and Runtime API) starts at the first invocation.
    pub async fn start(
        spec: FunctionSpec,
        settings: HostSettings,
    ) -> std::io::Result<HostedFunction> {
        if !spec.executable.is_file() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::NotFound,
                format!("no executable at {}", spec.executable.display()),
            ));
        }
        let arn = format!(
            "arn:aws:lambda:{}:{}:function:{}",
            settings.region, settings.account_id, spec.name
        );
        let state = Arc::new(FunctionState {
            spec,
            arn,
            pending: Mutex::new(VecDeque::new()),
            arrived: Notify::new(),
            in_flight: Mutex::new(HashMap::new()),
            process: Mutex::new(None),
            generation: Mutex::new(0),
            initialized: Mutex::new(0),
            polling: Mutex::new(0),
            init_error: Mutex::new(None),
            runtime_server: Mutex::new(None),
            late_environment: Mutex::new(Vec::new()),
            settings,
        });
        Ok(HostedFunction { state })
    }

    pub fn name(&self) -> &str {
        &self.state.spec.name
    }

    pub fn arn(&self) -> &str {
        &self.state.arn
    }

    /// Sets an environment variable for the processes started from now on: for a value known
    /// only once the service runs, such as the ARN of a logging configuration created through
    /// it. Processes start at the first invocation, so setting it before any makes it part of
    /// the function's environment from the start.
    pub fn set_environment_variable(&self, key: &str, value: &str) {
        let mut late = self.state.late_environment.lock();
        late.retain(|(k, _)| k != key);
        late.push((key.to_owned(), value.to_owned()));
    }

    /// Starts the function's process now rather than at the first invocation, as provisioned
    /// concurrency does; `up` does it once every function's environment is complete.
    pub fn prestart(&self) -> std::io::Result<()> {
        process::ensure_running(&self.state)
    }

    /// Waits, at most `within`, until the live process has finished its initialisation and
    /// asks for work; whether it did. False at once when no process runs (it failed to start
    /// or exited during its initialisation: the next invocation reports why).
    pub async fn until_ready(&self, within: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            match self.state.live_generation() {
                Some(live) if *self.state.polling.lock() == live => return true,
                Some(_) => {}
                None => return false,
            }
            if tokio::time::Instant::now() >= deadline {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// Runs one invocation to its end: the function's result, its error, or a timeout.
    pub async fn invoke(&self, payload: Bytes) -> Outcome {
        let name = self.state.spec.name.clone();
        process::ensure_running(&self.state).map_err(|error| {
            failure(
                &name,
                "Runtime.InvalidEntrypoint",
                format!(
                    "cannot start {}: {error}",
                    self.state.spec.executable.display()
                ),
            )
        })?;
        let request_id = uuid::Uuid::new_v4().to_string();
        let timeout = self.state.spec.timeout;
        let (respond, result) = oneshot::channel();
        let invocation = Invocation {
            request_id: request_id.clone(),
            payload,
            deadline: SystemTime::now() + timeout,
            respond,
        };
        self.state.pending.lock().push_back(invocation);
        self.state.arrived.notify_one();
        match tokio::time::timeout(timeout, result).await {
            Ok(Ok(outcome)) => outcome,
            Ok(Err(_)) => Err(failure(
                &name,
                "Runtime.ExitError",
                format!("RequestId: {request_id} Error: Runtime exited"),
            )),
            Err(_) => {
                // Lambda ends a timed-out sandbox; the next invocation gets a fresh process.
                self.state
                    .pending
                    .lock()
                    .retain(|queued| queued.request_id != request_id);
                if self.state.in_flight.lock().remove(&request_id).is_some() {
                    self.state.process.lock().take();
                }
                Err(failure(
                    &name,
                    "Sandbox.Timedout",
                    format!(
                        "RequestId: {request_id} Error: Task timed out after {:.2} seconds",
                        timeout.as_secs_f64()
                    ),
                ))
            }
        }
    }
}
