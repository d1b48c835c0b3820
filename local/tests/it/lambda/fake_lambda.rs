//! A tiny stand-in for the Lambda Invoke API on a loopback port: answers
//! `POST /2015-03-31/functions/{name}/invocations` as a test says, and records every payload.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use http::header::CONTENT_TYPE;
use http::StatusCode;
use serde_json::Value;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

/// What the function answers.
#[derive(Clone, Debug)]
pub enum Answer {
    /// 200 with this JSON.
    Json(Value),
    /// 200 with this body as written.
    Raw(&'static str),
    /// 200 with `X-Amz-Function-Error: Unhandled` and this JSON, as Lambda reports a
    /// function that threw.
    FunctionError(Value),
    /// This JSON, after sleeping this long.
    After(Duration, Value),
}

/// One invocation the fake received.
#[derive(Clone, Debug)]
pub struct Invocation {
    pub function: String,
    pub payload: Value,
}

type Behaviour = dyn Fn(&Value) -> Answer + Send + Sync;

struct Shared {
    behaviour: Box<Behaviour>,
    invocations: Mutex<Vec<Invocation>>,
}

/// The running fake; stops when dropped.
pub struct FakeLambda {
    url: String,
    shared: Arc<Shared>,
    task: JoinHandle<()>,
}

impl FakeLambda {
    /// Starts the fake; `behaviour` maps each review payload to the answer.
    pub async fn start(behaviour: impl Fn(&Value) -> Answer + Send + Sync + 'static) -> Self {
        let shared = Arc::new(Shared {
            behaviour: Box::new(behaviour),
            invocations: Mutex::new(Vec::new()),
        });
        let app = Router::new()
            .route("/2015-03-31/functions/{function}/invocations", post(invoke))
            .with_state(Arc::clone(&shared));
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("the fake Lambda binds a loopback port");
        let url = format!("http://{}", listener.local_addr().expect("a bound address"));
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        FakeLambda { url, shared, task }
    }

    /// `http://127.0.0.1:PORT`, for `ServeConfig::lambda_endpoint`.
    pub fn url(&self) -> String {
        self.url.clone()
    }

    /// Every invocation so far, in arrival order.
    pub fn invocations(&self) -> Vec<Invocation> {
        self.shared
            .invocations
            .lock()
            .expect("the invocation log is not poisoned")
            .clone()
    }
}

impl Drop for FakeLambda {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn invoke(
    State(shared): State<Arc<Shared>>,
    Path(function): Path<String>,
    body: Bytes,
) -> Response {
    let payload: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    shared
        .invocations
        .lock()
        .expect("the invocation log is not poisoned")
        .push(Invocation {
            function,
            payload: payload.clone(),
        });
    let json = |value: Value| {
        (
            StatusCode::OK,
            [(CONTENT_TYPE, "application/json")],
            value.to_string(),
        )
            .into_response()
    };
    match (shared.behaviour)(&payload) {
        Answer::Json(value) => json(value),
        Answer::Raw(body) => (StatusCode::OK, body).into_response(),
        Answer::FunctionError(value) => (
            StatusCode::OK,
            [("x-amz-function-error", "Unhandled")],
            value.to_string(),
        )
            .into_response(),
        Answer::After(delay, value) => {
            tokio::time::sleep(delay).await;
            json(value)
        }
    }
}
