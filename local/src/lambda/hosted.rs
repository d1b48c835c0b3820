//! Hosted functions, like AWS Lambda runs them: each function binary runs as a child process
//! that fetches its invocations from a Runtime API (`/2018-06-01/runtime/...`, the contract
//! `lambda_runtime` and `cargo lambda watch` use) served for it alone on a loopback port.
//! Each process gets a Runtime API listener of its own (`AWS_LAMBDA_RUNTIME_API=HOST:PORT`,
//! as Lambda gives it), bound to its generation, so that a long poll left behind by a dead
//! process can never take an invocation meant for its successor.
//! One instance per function: invocations queue and run one at a time. A crash, an init error
//! or a timeout fails the affected invocations as Lambda reports them, and the next invocation
//! starts a fresh process.

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::routing::{get, post};
use axum::Router;
use http::{HeaderMap, HeaderValue, Response, StatusCode};
use parking_lot::Mutex;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::net::TcpListener;
use tokio::process::{Child, Command};
use tokio::sync::{oneshot, Notify};

use super::invoke::InvokeError;
use super::spec::FunctionSpec;

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

/// What the function answered, when it answered.
type Outcome = Result<Bytes, InvokeError>;

struct Invocation {
    request_id: String,
    payload: Bytes,
    deadline: SystemTime,
    respond: oneshot::Sender<Outcome>,
}

/// State shared by a function's Runtime API and its invokers.
struct FunctionState {
    spec: FunctionSpec,
    arn: String,
    /// Invocations not yet fetched by the process.
    pending: Mutex<VecDeque<Invocation>>,
    /// Wakes the long poll when an invocation arrives or a process dies.
    arrived: Notify,
    /// Invocations a process has fetched, with the generation of that process.
    in_flight: Mutex<HashMap<String, (u64, oneshot::Sender<Outcome>)>>,
    /// The running process, if any, and its generation.
    process: Mutex<Option<(u64, Child)>>,
    /// The generation of the last process started (0: none yet).
    generation: Mutex<u64>,
    /// The last generation that fetched an invocation, i.e. finished its initialisation.
    initialized: Mutex<u64>,
    /// An init error a process reported, with its generation.
    init_error: Mutex<Option<(u64, String, Bytes)>>,
    /// The Runtime API server of the live generation.
    runtime_server: Mutex<Option<tokio::task::JoinHandle<()>>>,
    settings: HostSettings,
    /// Variables set after the function was prepared, applied over `spec.environment`.
    late_environment: Mutex<Vec<(String, String)>>,
}

impl FunctionState {
    /// The generation of the process alive now, if any.
    fn live_generation(&self) -> Option<u64> {
        self.process
            .lock()
            .as_ref()
            .map(|(generation, _)| *generation)
    }
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

    /// Runs one invocation to its end: the function's result, its error, or a timeout.
    pub async fn invoke(&self, payload: Bytes) -> Outcome {
        let name = self.state.spec.name.clone();
        ensure_running(&self.state).map_err(|error| {
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

/// Starts the process unless one is running.
fn ensure_running(state: &Arc<FunctionState>) -> std::io::Result<()> {
    let mut process = state.process.lock();
    if let Some((_, child)) = process.as_mut() {
        if matches!(child.try_wait(), Ok(None)) {
            return Ok(());
        }
    }
    let generation = {
        let mut generation = state.generation.lock();
        *generation += 1;
        *generation
    };
    let runtime_api = serve_runtime_api(state, generation)?;
    let mut child = command(state, runtime_api).spawn()?;
    forward_output(&state.spec.name, child.stdout.take(), child.stderr.take());
    *process = Some((generation, child));
    drop(process);
    tokio::spawn(supervise(Arc::clone(state), generation));
    Ok(())
}

/// Binds a Runtime API listener for one generation of the process and serves it.
fn serve_runtime_api(state: &Arc<FunctionState>, generation: u64) -> std::io::Result<SocketAddr> {
    let listener = std::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))?;
    listener.set_nonblocking(true)?;
    let address = listener.local_addr()?;
    let listener = TcpListener::from_std(listener)?;
    let app = Router::new()
        .route("/2018-06-01/runtime/invocation/next", get(next_invocation))
        .route(
            "/2018-06-01/runtime/invocation/{request_id}/response",
            post(invocation_response),
        )
        .route(
            "/2018-06-01/runtime/invocation/{request_id}/error",
            post(invocation_error),
        )
        .route("/2018-06-01/runtime/init/error", post(init_error))
        .with_state(Runtime {
            state: Arc::clone(state),
            generation,
        });
    let server = tokio::spawn(async move {
        if let Err(error) = axum::serve(listener, app).await {
            tracing::error!("the Runtime API of a hosted function stopped: {error}");
        }
    });
    if let Some(previous) = state.runtime_server.lock().replace(server) {
        previous.abort();
    }
    Ok(address)
}

/// A Runtime API listener's view: the function and the process generation it serves.
#[derive(Clone)]
struct Runtime {
    state: Arc<FunctionState>,
    generation: u64,
}

fn command(state: &FunctionState, runtime_api: SocketAddr) -> Command {
    let spec = &state.spec;
    let settings = &state.settings;
    let mut command = Command::new(&spec.executable);
    let task_root = spec
        .executable
        .parent()
        .map(|p| p.to_string_lossy().into_owned())
        .unwrap_or_default();
    command
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("AWS_LAMBDA_RUNTIME_API", runtime_api.to_string())
        .env("AWS_LAMBDA_FUNCTION_NAME", &spec.name)
        .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        .env(
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
            spec.memory_mb.to_string(),
        )
        .env(
            "AWS_LAMBDA_LOG_GROUP_NAME",
            format!("/aws/lambda/{}", spec.name),
        )
        .env(
            "AWS_LAMBDA_LOG_STREAM_NAME",
            format!("local/[$LATEST]{}", uuid::Uuid::new_v4().simple()),
        )
        .env("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand")
        .env("AWS_REGION", &settings.region)
        .env("AWS_DEFAULT_REGION", &settings.region)
        .env("AWS_ACCESS_KEY_ID", &settings.access_key_id)
        .env("AWS_SECRET_ACCESS_KEY", &settings.secret_access_key)
        .env("AWS_ENDPOINT_URL_IVSCHAT", &settings.service_url)
        .env("AWS_EXECUTION_ENV", "AWS_Lambda_rust")
        .env("_HANDLER", "bootstrap")
        .env("LAMBDA_TASK_ROOT", task_root)
        .env("TZ", ":UTC")
        .envs(spec.environment.iter().map(|(k, v)| (k, v)))
        .envs(state.late_environment.lock().iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    command
}

/// Waits for the process of `generation` to exit, then fails what it left unanswered.
async fn supervise(state: Arc<FunctionState>, generation: u64) {
    let status = loop {
        let exited = {
            let mut process = state.process.lock();
            match process.as_mut() {
                Some((current, child)) if *current == generation => match child.try_wait() {
                    Ok(Some(status)) => Some(Some(status)),
                    Ok(None) => None,
                    Err(_) => Some(None),
                },
                // Killed (timeout, shutdown) or replaced: the handle is gone.
                _ => Some(None),
            }
        };
        match exited {
            Some(status) => break status,
            None => tokio::time::sleep(Duration::from_millis(20)).await,
        }
    };
    {
        let mut process = state.process.lock();
        if process
            .as_ref()
            .is_some_and(|(current, _)| *current == generation)
        {
            process.take();
        }
    }
    let name = &state.spec.name;
    let init_error = {
        let mut reported = state.init_error.lock();
        match reported.take() {
            Some((reporter, error_type, body)) if reporter == generation => {
                Some((error_type, body))
            }
            other => {
                *reported = other;
                None
            }
        }
    };
    let describe = |request_id: &str| match (&init_error, status) {
        (Some((error_type, body)), _) => InvokeError::Failed {
            function: name.clone(),
            error_type: error_type.clone(),
            body: body.clone(),
        },
        (None, Some(status)) => failure(
            name,
            "Runtime.ExitError",
            format!("RequestId: {request_id} Error: Runtime exited with error: {status}"),
        ),
        (None, None) => failure(
            name,
            "Runtime.ExitError",
            format!("RequestId: {request_id} Error: Runtime exited"),
        ),
    };
    // Only this process's invocations: a successor may already be serving others.
    let unanswered: Vec<(String, oneshot::Sender<Outcome>)> = {
        let mut in_flight = state.in_flight.lock();
        let mine: Vec<String> = in_flight
            .iter()
            .filter(|(_, (owner, _))| *owner == generation)
            .map(|(request_id, _)| request_id.clone())
            .collect();
        mine.into_iter()
            .filter_map(|request_id| {
                in_flight
                    .remove(&request_id)
                    .map(|(_, respond)| (request_id, respond))
            })
            .collect()
    };
    for (request_id, respond) in unanswered {
        let _ = respond.send(Err(describe(&request_id)));
    }
    let newest = *state.generation.lock() == generation;
    let initialized = *state.initialized.lock() >= generation;
    if !newest {
        // A successor already runs and serves the queue.
    } else if init_error.is_some() || !initialized {
        // The process died before fetching an invocation: every queued one would meet the
        // same fate, so they fail as the cold start's invocation does on Lambda.
        let queued: Vec<Invocation> = state.pending.lock().drain(..).collect();
        for invocation in queued {
            let _ = invocation
                .respond
                .send(Err(describe(&invocation.request_id)));
        }
    } else if !state.pending.lock().is_empty() {
        // Invocations queued behind the one that crashed get a fresh process.
        if let Err(error) = ensure_running(&state) {
            tracing::warn!(function = %name, "cannot restart hosted function: {error}");
        }
    }
    // Wake a long poll the dead process left behind, so that it ends.
    state.arrived.notify_one();
    if let Some(status) = status {
        tracing::info!(function = %name, "hosted function exited: {status}");
    }
}

/// Copies the function's stdout and stderr to ours (stderr), prefixed with its name.
fn forward_output(
    name: &str,
    stdout: Option<tokio::process::ChildStdout>,
    stderr: Option<tokio::process::ChildStderr>,
) {
    fn pipe<R: tokio::io::AsyncRead + Unpin + Send + 'static>(name: String, reader: R) {
        tokio::spawn(async move {
            let mut lines = BufReader::new(reader).lines();
            while let Ok(Some(line)) = lines.next_line().await {
                eprintln!("[{name}] {line}");
            }
        });
    }
    if let Some(stdout) = stdout {
        pipe(name.to_owned(), stdout);
    }
    if let Some(stderr) = stderr {
        pipe(name.to_owned(), stderr);
    }
}

fn runtime_error(status: StatusCode, error_type: &str, message: &str) -> Response<Body> {
    let body = serde_json::json!({ "errorType": error_type, "errorMessage": message }).to_string();
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    response.headers_mut().insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

fn accepted() -> Response<Body> {
    let mut response = Response::new(Body::from(r#"{"status":"OK"}"#));
    *response.status_mut() = StatusCode::ACCEPTED;
    response.headers_mut().insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

/// `GET /runtime/invocation/next`: held open until there is an invocation, as Lambda does.
/// A poll from a process that is no longer the live one gets nothing.
async fn next_invocation(State(Runtime { state, generation }): State<Runtime>) -> Response<Body> {
    let invocation = loop {
        let notified = state.arrived.notified();
        if state.live_generation() != Some(generation) {
            // Pass the wake-up on to the live process's poll.
            state.arrived.notify_one();
            return runtime_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "ServiceException",
                "this runtime is no longer the function's live process",
            );
        }
        let popped = {
            let mut pending = state.pending.lock();
            // Skip invocations whose invoker gave up (timeout) before the function got to them.
            while pending
                .front()
                .is_some_and(|queued| queued.respond.is_closed())
            {
                pending.pop_front();
            }
            pending.pop_front()
        };
        match popped {
            Some(invocation) => break invocation,
            None => notified.await,
        }
    };
    *state.initialized.lock() = generation;
    let deadline_ms = invocation
        .deadline
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or(0);
    state.in_flight.lock().insert(
        invocation.request_id.clone(),
        (generation, invocation.respond),
    );
    let mut response = Response::new(Body::from(invocation.payload));
    let headers = response.headers_mut();
    let mut put = |name: &'static str, value: String| {
        if let Ok(value) = HeaderValue::from_str(&value) {
            headers.insert(name, value);
        }
    };
    put(
        "lambda-runtime-aws-request-id",
        invocation.request_id.clone(),
    );
    put("lambda-runtime-deadline-ms", deadline_ms.to_string());
    put("lambda-runtime-invoked-function-arn", state.arn.clone());
    put(
        "lambda-runtime-trace-id",
        format!(
            "Root=1-{:08x}-{};Parent={};Sampled=0",
            deadline_ms / 1000,
            &uuid::Uuid::new_v4().simple().to_string()[..24],
            &uuid::Uuid::new_v4().simple().to_string()[..16]
        ),
    );
    put("content-type", "application/json".into());
    response
}

fn complete(state: &FunctionState, request_id: &str, outcome: Outcome) -> Response<Body> {
    match state.in_flight.lock().remove(request_id) {
        Some((_, respond)) => {
            let _ = respond.send(outcome);
            accepted()
        }
        None => runtime_error(
            StatusCode::BAD_REQUEST,
            "InvalidRequestID",
            &format!("Invalid request ID: {request_id} is not an invocation in progress"),
        ),
    }
}

/// `POST /runtime/invocation/{id}/response`.
async fn invocation_response(
    State(Runtime { state, .. }): State<Runtime>,
    Path(request_id): Path<String>,
    body: Bytes,
) -> Response<Body> {
    if body.len() > 6 * 1024 * 1024 {
        return runtime_error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "RequestEntityTooLarge",
            "the response exceeds 6 MB",
        );
    }
    complete(&state, &request_id, Ok(body))
}

/// `POST /runtime/invocation/{id}/error`.
async fn invocation_error(
    State(Runtime { state, .. }): State<Runtime>,
    Path(request_id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response<Body> {
    let error_type = error_type_of(&headers, &body);
    let outcome = Err(InvokeError::Failed {
        function: state.spec.name.clone(),
        error_type,
        body,
    });
    complete(&state, &request_id, outcome)
}

/// `POST /runtime/init/error`: the process will exit; its invocations fail with this error.
async fn init_error(
    State(Runtime { state, generation }): State<Runtime>,
    headers: HeaderMap,
    body: Bytes,
) -> Response<Body> {
    let error_type = error_type_of(&headers, &body);
    tracing::warn!(function = %state.spec.name, "hosted function failed to initialise: {}", String::from_utf8_lossy(&body));
    *state.init_error.lock() = Some((generation, error_type, body));
    accepted()
}

fn error_type_of(headers: &HeaderMap, body: &[u8]) -> String {
    serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .and_then(|v| {
            v.get("errorType")
                .and_then(|t| t.as_str())
                .map(str::to_owned)
        })
        .or_else(|| {
            headers
                .get("lambda-runtime-function-error-type")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        })
        .unwrap_or_else(|| "Unhandled".into())
}
