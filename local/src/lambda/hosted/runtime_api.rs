//! The Runtime API one process of a hosted function polls (`/2018-06-01/runtime/...`, the
//! contract `lambda_runtime` and `cargo lambda watch` use,
//! <https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html>). Each process gets a
//! listener of its own (`AWS_LAMBDA_RUNTIME_API=HOST:PORT`, as Lambda gives it), bound to its
//! generation, so that a long poll left behind by a dead process can never take an invocation
//! meant for its successor.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::UNIX_EPOCH;

use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::routing::{get, post};
use axum::Router;
use http::{HeaderMap, HeaderValue, Response, StatusCode};
use tokio::net::TcpListener;

use super::state::{FunctionState, Outcome};
use crate::lambda::invoke::InvokeError;

/// Binds a Runtime API listener for one generation of the process and serves it.
pub(super) fn serve_runtime_api(
    state: &Arc<FunctionState>,
    generation: u64,
) -> std::io::Result<SocketAddr> {
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
    {
        let mut polling = state.polling.lock();
        *polling = (*polling).max(generation);
    }
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
