//! A real moto server (`moto_server`, the AWS emulator) on a free loopback port: the
//! DynamoDB of the local stack and of the tests. [`MotoServer::shared`] starts one per process
//! and stops it when the process exits; [`MotoServer::start`] starts one of its own.
//!
//! The executable is `$MOTO_SERVER`, or else `<workspace>/.venv/bin/moto_server` (installed
//! by `scripts/test` from `scripts/requirements.txt`). A missing executable is an error with
//! instructions; tests fail on it, they never skip.

use std::fs::File;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// How long moto may take to answer its first request.
const START_TIMEOUT: Duration = Duration::from_secs(30);
/// Ports tried before giving up (another process may take the free port first).
const START_ATTEMPTS: usize = 3;

/// Runs moto under `sh`, which kills it as soon as its standard input (a pipe held by the
/// test process) closes, so that moto goes away with the test binary even though a
/// `static` is never dropped. `sh` itself ends when moto does.
const WATCHDOG: &str = r#"exec 3<&0
"$@" </dev/null 3<&- &
server=$!
( cat <&3 >/dev/null; kill "$server" 2>/dev/null ) &
wait "$server""#;

pub struct MotoServer {
    endpoint: String,
    child: Child,
    /// Closing it stops the server.
    stdin: Option<ChildStdin>,
}

impl MotoServer {
    /// The process's one server, started on first use. For tests: panics with the reason
    /// (and how to install moto) when it cannot start.
    pub fn shared() -> &'static MotoServer {
        static SERVER: OnceLock<MotoServer> = OnceLock::new();
        SERVER.get_or_init(|| MotoServer::start().unwrap_or_else(|error| panic!("{error}")))
    }

    /// `http://127.0.0.1:PORT`.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// Starts a server of its own with the executable [`MotoServer::executable`] finds.
    pub fn start() -> Result<MotoServer, MotoError> {
        Self::start_with(&Self::executable()?)
    }

    /// Starts `executable` on a free loopback port, trying a few ports.
    pub fn start_with(executable: &Path) -> Result<MotoServer, MotoError> {
        let mut failures = Vec::new();
        for _ in 0..START_ATTEMPTS {
            match spawn(executable) {
                Ok(server) => return Ok(server),
                Err(failure) => failures.push(failure),
            }
        }
        Err(MotoError::DidNotStart {
            executable: executable.to_owned(),
            detail: failures.join("\n---\n"),
        })
    }

    /// `$MOTO_SERVER`, or the workspace's `.venv/bin/moto_server`.
    pub fn executable() -> Result<PathBuf, MotoError> {
        let (path, origin) = match std::env::var_os("MOTO_SERVER").filter(|v| !v.is_empty()) {
            Some(path) => (PathBuf::from(path), "MOTO_SERVER"),
            None => (default_executable(), "the default"),
        };
        if path.is_file() {
            Ok(path)
        } else {
            Err(MotoError::NotInstalled { path, origin })
        }
    }
}

/// Why no moto server runs.
#[derive(Debug)]
pub enum MotoError {
    NotInstalled { path: PathBuf, origin: &'static str },
    DidNotStart { executable: PathBuf, detail: String },
}

impl std::fmt::Display for MotoError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MotoError::NotInstalled { path, origin } => write!(
                f,
                "moto_server not found at {} ({origin}). Install it into the workspace's \
                 virtual environment with\n    python3 -m venv .venv && \
                 .venv/bin/pip install -r scripts/requirements.txt\n(scripts/test does this), \
                 or set MOTO_SERVER to a moto_server executable.",
                path.display()
            ),
            MotoError::DidNotStart { executable, detail } => {
                write!(
                    f,
                    "moto_server ({}) did not start:\n{detail}",
                    executable.display()
                )
            }
        }
    }
}

impl std::error::Error for MotoError {}

/// `<workspace>/.venv/bin/moto_server`.
pub fn default_executable() -> PathBuf {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .unwrap_or_else(|| Path::new("."));
    workspace.join(".venv/bin/moto_server")
}

impl Drop for MotoServer {
    fn drop(&mut self) {
        drop(self.stdin.take());
        let _ = self.child.wait();
    }
}

fn spawn(executable: &Path) -> Result<MotoServer, String> {
    let port = free_port()?;
    let log_path =
        std::env::temp_dir().join(format!("ivschat-moto-{}-{port}.log", std::process::id()));
    let log = File::create(&log_path).map_err(|e| format!("{}: {e}", log_path.display()))?;
    let log_err = log
        .try_clone()
        .map_err(|e| format!("{}: {e}", log_path.display()))?;
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(WATCHDOG)
        .arg("sh")
        .arg(executable)
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .stdin(Stdio::piped())
        .stdout(log)
        .stderr(log_err)
        .spawn()
        .map_err(|e| format!("cannot run sh: {e}"))?;
    let stdin = child.stdin.take();
    let mut server = MotoServer {
        endpoint: format!("http://127.0.0.1:{port}"),
        child,
        stdin,
    };
    let address = SocketAddr::from(([127, 0, 0, 1], port));
    let deadline = Instant::now() + START_TIMEOUT;
    loop {
        if answers(address) {
            let _ = std::fs::remove_file(&log_path);
            return Ok(server);
        }
        let exited = server.child.try_wait().ok().flatten();
        if exited.is_some() || Instant::now() > deadline {
            let what = match exited {
                Some(status) => format!("exited ({status})"),
                None => format!("did not answer within {START_TIMEOUT:?}"),
            };
            drop(server);
            let output = std::fs::read_to_string(&log_path).unwrap_or_default();
            let _ = std::fs::remove_file(&log_path);
            return Err(format!("on port {port} it {what}; its output:\n{output}"));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn free_port() -> Result<u16, String> {
    let listener =
        TcpListener::bind("127.0.0.1:0").map_err(|e| format!("no free loopback port: {e}"))?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|e| format!("no free loopback port: {e}"))
}

/// Whether an HTTP server answers on `address`.
fn answers(address: SocketAddr) -> bool {
    let Ok(mut stream) = TcpStream::connect_timeout(&address, Duration::from_millis(200)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    let request =
        format!("GET /moto-api/ HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n");
    if stream.write_all(request.as_bytes()).is_err() {
        return false;
    }
    let mut head = [0u8; 8];
    stream.read_exact(&mut head).is_ok() && head.starts_with(b"HTTP/1.")
}
