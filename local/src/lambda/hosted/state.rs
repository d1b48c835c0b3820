//! What a hosted function's process manager, its Runtime API and its invokers share: the
//! queue of invocations, those in flight, and the process of the current generation.

use std::collections::{HashMap, VecDeque};
use std::time::SystemTime;

use axum::body::Bytes;
use parking_lot::Mutex;
use tokio::process::Child;
use tokio::sync::{oneshot, Notify};

use super::HostSettings;
use crate::lambda::invoke::InvokeError;
use crate::lambda::spec::FunctionSpec;

/// What the function answered, when it answered.
pub(super) type Outcome = Result<Bytes, InvokeError>;

/// An invocation waiting for the process to fetch it.
pub(super) struct Invocation {
    pub(super) request_id: String,
    pub(super) payload: Bytes,
    pub(super) deadline: SystemTime,
    pub(super) respond: oneshot::Sender<Outcome>,
}

/// State shared by a function's processes, its Runtime API and its invokers.
pub(super) struct FunctionState {
    pub(super) spec: FunctionSpec,
    pub(super) arn: String,
    /// Invocations not yet fetched by the process.
    pub(super) pending: Mutex<VecDeque<Invocation>>,
    /// Wakes the long poll when an invocation arrives or a process dies.
    pub(super) arrived: Notify,
    /// Invocations a process has fetched, with the generation of that process.
    pub(super) in_flight: Mutex<HashMap<String, (u64, oneshot::Sender<Outcome>)>>,
    /// The running process, if any, and its generation.
    pub(super) process: Mutex<Option<(u64, Child)>>,
    /// The generation of the last process started (0: none yet).
    pub(super) generation: Mutex<u64>,
    /// The last generation that fetched an invocation, i.e. finished its initialisation.
    pub(super) initialized: Mutex<u64>,
    /// The last generation that asked for its next invocation: its initialisation is over
    /// and it waits for work.
    pub(super) polling: Mutex<u64>,
    /// An init error a process reported, with its generation.
    pub(super) init_error: Mutex<Option<(u64, String, Bytes)>>,
    /// The Runtime API server of the live generation.
    pub(super) runtime_server: Mutex<Option<tokio::task::JoinHandle<()>>>,
    pub(super) settings: HostSettings,
    /// Variables set after the function was prepared, applied over `spec.environment`.
    pub(super) late_environment: Mutex<Vec<(String, String)>>,
}

impl FunctionState {
    /// The generation of the process alive now, if any.
    pub(super) fn live_generation(&self) -> Option<u64> {
        self.process
            .lock()
            .as_ref()
            .map(|(generation, _)| *generation)
    }
}
