//! A hosted function's processes: each generation is started with Lambda's environment and a
//! Runtime API listener of its own, its output forwarded, and its exit supervised so that the
//! invocations it leaves unanswered fail as Lambda reports them.

use std::net::SocketAddr;
use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;
use tokio::sync::oneshot;

use super::failure;
use super::runtime_api::serve_runtime_api;
use super::state::{FunctionState, Invocation, Outcome};
use crate::lambda::invoke::InvokeError;

/// Starts the process unless one is running.
pub(super) fn ensure_running(state: &Arc<FunctionState>) -> std::io::Result<()> {
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
