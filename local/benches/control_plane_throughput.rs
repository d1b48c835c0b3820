//! Control-plane throughput and memory of the real `ivschat-local` binary.
//!
//! A plain program (no criterion): a request rate and a resident-set size are figures of a
//! whole run, not of one iteration. It starts the server binary as a child process on an
//! ephemeral loopback port and drives it over HTTP/1.1 keep-alive connections with hyper,
//! every request SigV4-signed by `aws-sigv4` (credentials `test`/`test`, region
//! `us-east-1`, signing name `ivschat`), so the server verifies every signature as it would
//! for an SDK.
//!
//! 1. Throughput: a fresh server; a warm-up creates rooms for GetRoom to read; then every
//!    connection loops over CreateRoom / GetRoom / ListRooms (default `maxResults`) in equal
//!    thirds, a few seconds of warm-up, then a measured window. Reports requests/s overall
//!    and per operation, p50/p99 latency, failures (any non-200 answer or transport error).
//! 2. Memory: another fresh server; create 100,000 rooms (a name and 2-3 tags each) as fast
//!    as possible, then read `VmRSS` and `VmHWM` from `/proc/<pid>/status`.
//!
//! By default requests come from pools signed before the clock starts and are reused
//! (signatures stay valid for 15 minutes), so the measured CPU is the server's, not the
//! signer's; `--sign-per-request` signs each request just before it is sent instead.
//!
//! ```text
//! cargo bench -p ivschat-local --bench control_plane_throughput
//! cargo bench -p ivschat-local --bench control_plane_throughput -- --sign-per-request --connections 64
//! ```
//!
//! Options: `--connections N` (32), `--warmup-seconds S` (2), `--seconds S` (10),
//! `--rooms N` (100000, memory phase), `--sign-per-request`, `--only throughput|memory`,
//! `--ops create,get,list` (the operations of the throughput mix, for profiling).
//! The process exits non-zero if any request failed or a server could not be driven.
//! The servers run with `--max-rooms 200000`: a third of the throughput mix is CreateRoom,
//! so at ~6,000 CreateRoom/s a `--seconds` beyond about 30 hits that limit and reports
//! ServiceQuotaExceededException (402) failures.

use std::error::Error;
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use bytes::Bytes;
use http::header::{CONTENT_TYPE, HOST};
use http::{HeaderMap, HeaderValue, Method, Request, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::SendRequest;
use hyper_util::rt::TokioIo;
use serde_json::json;
use tokio::net::TcpStream;

const REGION: &str = "us-east-1";
const SIGNING_NAME: &str = "ivschat";
const ACCESS_KEY_ID: &str = "test";
const SECRET_ACCESS_KEY: &str = "test";
const MAX_ROOMS: &str = "200000";
const READY_PREFIX: &str = "ivschat-local listening on http://";
/// Rooms created before the throughput warm-up, for GetRoom to read.
const GET_ROOM_TARGETS: usize = 1_000;
/// Distinct signed CreateRoom requests in the pre-signed pool.
const CREATE_POOL: usize = 4_096;
/// `/proc/<pid>/stat` counts CPU time in USER_HZ ticks, which Linux fixes at 100 per second.
const CLOCK_TICKS_PER_SECOND: f64 = 100.0;
const TARGET_RPS: f64 = 10_000.0;
const TARGET_RSS_MIB: f64 = 200.0;

type BoxError = Box<dyn Error + Send + Sync>;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Op {
    CreateRoom,
    GetRoom,
    ListRooms,
}

impl Op {
    const ALL: [Op; 3] = [Op::CreateRoom, Op::GetRoom, Op::ListRooms];

    fn name(self) -> &'static str {
        match self {
            Op::CreateRoom => "CreateRoom",
            Op::GetRoom => "GetRoom",
            Op::ListRooms => "ListRooms",
        }
    }

    fn path(self) -> &'static str {
        match self {
            Op::CreateRoom => "/CreateRoom",
            Op::GetRoom => "/GetRoom",
            Op::ListRooms => "/ListRooms",
        }
    }

    fn index(self) -> usize {
        match self {
            Op::CreateRoom => 0,
            Op::GetRoom => 1,
            Op::ListRooms => 2,
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Signing {
    /// Pools of requests signed before the clock starts, reused.
    PreSigned,
    /// Each request signed just before it is sent.
    PerRequest,
}

impl Signing {
    fn describe(self) -> &'static str {
        match self {
            Signing::PreSigned => "pre-signed pool, reused (signing cost not in the measurement)",
            Signing::PerRequest => "signed per request (signing cost in the measurement)",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Signing::PreSigned => "pre-signed",
            Signing::PerRequest => "per-request",
        }
    }
}

struct Options {
    connections: usize,
    warmup: Duration,
    measure: Duration,
    seed_rooms: usize,
    signing: Signing,
    throughput: bool,
    memory: bool,
    ops: Vec<Op>,
}

impl Options {
    fn parse() -> Result<Options, String> {
        let mut options = Options {
            connections: 32,
            warmup: Duration::from_secs(2),
            measure: Duration::from_secs(10),
            seed_rooms: 100_000,
            signing: Signing::PreSigned,
            throughput: true,
            memory: true,
            ops: Op::ALL.to_vec(),
        };
        let mut args = std::env::args().skip(1);
        while let Some(arg) = args.next() {
            let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
            match arg.as_str() {
                // cargo bench passes --bench to harness = false targets.
                "--bench" => {}
                "--connections" => options.connections = parse_number(&value(&arg)?)?,
                "--warmup-seconds" => {
                    options.warmup = Duration::from_secs_f64(parse_number(&value(&arg)?)?);
                }
                "--seconds" => {
                    options.measure = Duration::from_secs_f64(parse_number(&value(&arg)?)?);
                }
                "--rooms" => options.seed_rooms = parse_number(&value(&arg)?)?,
                "--sign-per-request" => options.signing = Signing::PerRequest,
                "--only" => match value(&arg)?.as_str() {
                    "throughput" => options.memory = false,
                    "memory" => options.throughput = false,
                    other => return Err(format!("--only takes throughput or memory, not {other}")),
                },
                "--ops" => {
                    options.ops = value(&arg)?
                        .split(',')
                        .map(|op| match op {
                            "create" => Ok(Op::CreateRoom),
                            "get" => Ok(Op::GetRoom),
                            "list" => Ok(Op::ListRooms),
                            other => Err(format!("unknown operation {other} (create, get, list)")),
                        })
                        .collect::<Result<_, _>>()?;
                }
                other => return Err(format!("unknown argument {other}")),
            }
        }
        if options.connections == 0 || options.ops.is_empty() || options.measure.is_zero() {
            return Err("connections, operations and seconds must not be zero".into());
        }
        Ok(options)
    }
}

fn parse_number<T: std::str::FromStr>(text: &str) -> Result<T, String> {
    text.parse().map_err(|_| format!("not a number: {text}"))
}

// ---------------------------------------------------------------------------------------
// The server process

/// The `ivschat-local serve` child process; killed when dropped, also on panic.
struct ServerProcess {
    child: Child,
    address: SocketAddr,
}

impl ServerProcess {
    fn start() -> Result<ServerProcess, String> {
        let mut child = Command::new(env!("CARGO_BIN_EXE_ivschat-local"))
            .args([
                "serve",
                "--listen",
                "127.0.0.1:0",
                "--quotas",
                "off",
                "--max-rooms",
                MAX_ROOMS,
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|error| format!("cannot start ivschat-local: {error}"))?;
        let Some(stdout) = child.stdout.take() else {
            let _ = child.kill();
            let _ = child.wait();
            return Err("ivschat-local has no stdout pipe".into());
        };
        // From here on the guard kills the child on every exit path.
        let mut server = ServerProcess {
            child,
            address: SocketAddr::from(([127, 0, 0, 1], 0)),
        };
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .map_err(|error| format!("cannot read the server's stdout: {error}"))?;
        server.address = line
            .trim()
            .strip_prefix(READY_PREFIX)
            .and_then(|address| address.parse().ok())
            .ok_or_else(|| format!("unexpected first line from ivschat-local: {line:?}"))?;
        Ok(server)
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }

    /// VmRSS and VmHWM, in kB.
    fn memory(&self) -> Result<Memory, String> {
        let path = format!("/proc/{}/status", self.pid());
        let status = std::fs::read_to_string(&path).map_err(|error| format!("{path}: {error}"))?;
        let field = |name: &str| -> Result<u64, String> {
            status
                .lines()
                .find_map(|line| line.strip_prefix(name))
                .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
                .ok_or_else(|| format!("{path} has no readable {name}"))
        };
        Ok(Memory {
            rss_kb: field("VmRSS:")?,
            hwm_kb: field("VmHWM:")?,
        })
    }

    /// CPU time (user + system) used so far, in seconds.
    fn cpu_seconds(&self) -> Option<f64> {
        cpu_seconds(&format!("/proc/{}/stat", self.pid()))
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[derive(Clone, Copy)]
struct Memory {
    rss_kb: u64,
    hwm_kb: u64,
}

fn mib(kb: u64) -> f64 {
    kb as f64 / 1024.0
}

fn mb(kb: u64) -> f64 {
    kb as f64 * 1024.0 / 1_000_000.0
}

/// utime + stime of `/proc/<pid>/stat`, in seconds.
fn cpu_seconds(path: &str) -> Option<f64> {
    let stat = std::fs::read_to_string(path).ok()?;
    // The command name (field 2) may contain spaces; fields after its closing ')' are fixed.
    let rest = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // rest starts at field 3 (state); utime and stime are fields 14 and 15.
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / CLOCK_TICKS_PER_SECOND)
}

// ---------------------------------------------------------------------------------------
// Signing

/// A signed request, ready to be turned into an HTTP request as often as needed.
#[derive(Clone)]
struct SignedRequest {
    op: Op,
    headers: HeaderMap,
    body: Bytes,
}

impl SignedRequest {
    fn to_http(&self) -> Request<Full<Bytes>> {
        let mut request = Request::new(Full::new(self.body.clone()));
        *request.method_mut() = Method::POST;
        *request.uri_mut() = http::Uri::from_static(self.op.path());
        *request.headers_mut() = self.headers.clone();
        request
    }
}

/// Signs requests for one server with `aws-sigv4`, as the SDKs do for ivschat.
struct Signer {
    identity: Identity,
    host: String,
}

impl Signer {
    fn new(address: SocketAddr) -> Signer {
        Signer {
            identity: Credentials::new(ACCESS_KEY_ID, SECRET_ACCESS_KEY, None, None, "bench")
                .into(),
            host: address.to_string(),
        }
    }

    fn sign(&self, op: Op, body: Bytes) -> Result<SignedRequest, BoxError> {
        let params = v4::SigningParams::builder()
            .identity(&self.identity)
            .region(REGION)
            .name(SIGNING_NAME)
            .time(SystemTime::now())
            .settings(SigningSettings::default())
            .build()?
            .into();
        let uri = format!("http://{}{}", self.host, op.path());
        let headers = [
            ("host", self.host.as_str()),
            ("content-type", "application/json"),
        ];
        let signable =
            SignableRequest::new("POST", uri, headers.into_iter(), SignableBody::Bytes(&body))?;
        let (instructions, _signature) = sign(signable, &params)?.into_parts();
        let mut request = Request::new(());
        request
            .headers_mut()
            .insert(HOST, HeaderValue::from_str(&self.host)?);
        request
            .headers_mut()
            .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        instructions.apply_to_request_http1x(&mut request);
        Ok(SignedRequest {
            op,
            headers: request.into_parts().0.headers,
            body,
        })
    }
}

/// A realistic CreateRoom: a name and two or three tags.
fn create_room_body(prefix: &str, n: u64) -> Bytes {
    let mut tags = serde_json::Map::new();
    tags.insert("environment".into(), json!("benchmark"));
    tags.insert("team".into(), json!(format!("team-{}", n % 17)));
    if n.is_multiple_of(2) {
        tags.insert("owner".into(), json!(format!("user-{n}")));
    }
    let body = json!({ "name": format!("{prefix}-{n:07}"), "tags": tags });
    Bytes::from(body.to_string())
}

fn get_room_body(arn: &str) -> Bytes {
    Bytes::from(json!({ "identifier": arn }).to_string())
}

fn list_rooms_body() -> Bytes {
    Bytes::from_static(b"{}")
}

/// Where the throughput loops get their requests.
enum RequestSource {
    PreSigned {
        pools: [Vec<SignedRequest>; 3],
    },
    PerRequest {
        signer: Arc<Signer>,
        arns: Vec<String>,
    },
}

impl RequestSource {
    fn new(signing: Signing, signer: Arc<Signer>, arns: Vec<String>) -> Result<Self, BoxError> {
        Ok(match signing {
            Signing::PerRequest => RequestSource::PerRequest { signer, arns },
            Signing::PreSigned => {
                let create = (0..CREATE_POOL as u64)
                    .map(|n| signer.sign(Op::CreateRoom, create_room_body("bench-mix", n)))
                    .collect::<Result<_, _>>()?;
                let get = arns
                    .iter()
                    .map(|arn| signer.sign(Op::GetRoom, get_room_body(arn)))
                    .collect::<Result<_, _>>()?;
                let list = vec![signer.sign(Op::ListRooms, list_rooms_body())?];
                RequestSource::PreSigned {
                    pools: [create, get, list],
                }
            }
        })
    }

    /// The `n`-th request of operation `op` on connection `connection`.
    fn request(&self, op: Op, connection: usize, n: u64) -> Result<Request<Full<Bytes>>, BoxError> {
        match self {
            RequestSource::PreSigned { pools } => {
                let pool = &pools[op.index()];
                let index = (n as usize).wrapping_add(connection.wrapping_mul(7919)) % pool.len();
                Ok(pool[index].to_http())
            }
            RequestSource::PerRequest { signer, arns } => {
                let body = match op {
                    Op::CreateRoom => create_room_body(&format!("bench-mix-c{connection}"), n),
                    Op::GetRoom => get_room_body(&arns[(n as usize + connection) % arns.len()]),
                    Op::ListRooms => list_rooms_body(),
                };
                Ok(signer.sign(op, body)?.to_http())
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// HTTP

/// One HTTP/1.1 keep-alive connection.
struct Connection {
    address: SocketAddr,
    sender: SendRequest<Full<Bytes>>,
}

impl Connection {
    async fn open(address: SocketAddr) -> Result<Connection, BoxError> {
        Ok(Connection {
            address,
            sender: handshake(address).await?,
        })
    }

    /// Sends one request and reads the whole answer. After a transport error the connection
    /// is replaced, so the caller can go on.
    async fn send(
        &mut self,
        request: Request<Full<Bytes>>,
    ) -> Result<(StatusCode, Bytes), BoxError> {
        let result = async {
            self.sender.ready().await?;
            let response = self.sender.send_request(request).await?;
            let status = response.status();
            let body = response.into_body().collect().await?.to_bytes();
            Ok::<_, hyper::Error>((status, body))
        }
        .await;
        match result {
            Ok(answer) => Ok(answer),
            Err(error) => {
                self.sender = handshake(self.address).await?;
                Err(error.into())
            }
        }
    }
}

async fn handshake(address: SocketAddr) -> Result<SendRequest<Full<Bytes>>, BoxError> {
    let stream = TcpStream::connect(address).await?;
    stream.set_nodelay(true)?;
    let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
    tokio::spawn(async move {
        if let Err(error) = connection.await {
            eprintln!("bench: connection to {address} failed: {error}");
        }
    });
    Ok(sender)
}

/// What went wrong, for the report: at most a few samples are kept.
#[derive(Default)]
struct Failures {
    count: u64,
    samples: Vec<String>,
}

impl Failures {
    const SAMPLES: usize = 5;

    fn record(&mut self, what: String) {
        self.count += 1;
        if self.samples.len() < Self::SAMPLES {
            self.samples.push(what);
        }
    }

    fn merge(&mut self, other: Failures) {
        self.count += other.count;
        for sample in other.samples {
            if self.samples.len() < Self::SAMPLES {
                self.samples.push(sample);
            }
        }
    }

    fn report(&self, phase: &str) {
        if self.count == 0 {
            return;
        }
        eprintln!();
        eprintln!("!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!");
        eprintln!(
            "!!! {phase}: {} REQUEST(S) FAILED (non-200 or transport error)",
            self.count
        );
        for sample in &self.samples {
            eprintln!("!!!   {sample}");
        }
        eprintln!("!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!");
        eprintln!();
    }
}

fn describe_answer(op: Op, status: StatusCode, body: &[u8]) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(300)]).into_owned();
    format!("{}: HTTP {status}: {text}", op.name())
}

// ---------------------------------------------------------------------------------------
// Phase 1: throughput

#[derive(Default)]
struct OpStats {
    requests: u64,
    /// Latency of every measured request, in microseconds.
    latencies_us: Vec<u32>,
}

#[derive(Default)]
struct LoadStats {
    ops: [OpStats; 3],
    failures: Failures,
    all_requests: u64,
}

impl LoadStats {
    fn merge(&mut self, other: LoadStats) {
        for (mine, theirs) in self.ops.iter_mut().zip(other.ops) {
            mine.requests += theirs.requests;
            mine.latencies_us.extend(theirs.latencies_us);
        }
        self.failures.merge(other.failures);
        self.all_requests += other.all_requests;
    }
}

/// Creates `count` rooms over `connections` connections, each request signed just before
/// it is sent, and returns their ARNs.
async fn create_target_rooms(
    address: SocketAddr,
    signer: &Arc<Signer>,
    count: usize,
    connections: usize,
) -> Result<Vec<String>, BoxError> {
    let mut tasks = Vec::new();
    for connection in 0..connections {
        let signer = Arc::clone(signer);
        tasks.push(tokio::spawn(async move {
            let mut conn = Connection::open(address).await?;
            let mut arns = Vec::new();
            for n in (connection..count).step_by(connections) {
                let request = signer
                    .sign(Op::CreateRoom, create_room_body("bench-target", n as u64))?
                    .to_http();
                let (status, body) = conn.send(request).await?;
                if status != StatusCode::OK {
                    return Err(describe_answer(Op::CreateRoom, status, &body).into());
                }
                let room: serde_json::Value = serde_json::from_slice(&body)?;
                let arn = room
                    .get("arn")
                    .and_then(|arn| arn.as_str())
                    .ok_or("CreateRoom answered without an arn")?;
                arns.push(arn.to_owned());
            }
            Ok::<_, BoxError>(arns)
        }));
    }
    let mut arns = Vec::with_capacity(count);
    for task in tasks {
        arns.extend(task.await??);
    }
    Ok(arns)
}

/// One connection's loop over the mix, until `end`; counts what completes after `start`.
async fn load_loop(
    address: SocketAddr,
    source: Arc<RequestSource>,
    ops: Arc<Vec<Op>>,
    connection: usize,
    start: Instant,
    end: Instant,
) -> Result<LoadStats, BoxError> {
    let mut conn = Connection::open(address).await?;
    let mut stats = LoadStats::default();
    let mut n = connection as u64;
    loop {
        let op = ops[(n % ops.len() as u64) as usize];
        let request = source.request(op, connection, n / ops.len() as u64)?;
        let sent = Instant::now();
        let result = conn.send(request).await;
        let done = Instant::now();
        if done >= end {
            return Ok(stats);
        }
        match result {
            Ok((StatusCode::OK, _)) => {
                if done >= start {
                    let op_stats = &mut stats.ops[op.index()];
                    op_stats.requests += 1;
                    let micros = (done - sent).as_micros();
                    op_stats
                        .latencies_us
                        .push(u32::try_from(micros).unwrap_or(u32::MAX));
                    stats.all_requests += 1;
                }
            }
            Ok((status, body)) => stats.failures.record(describe_answer(op, status, &body)),
            Err(error) => stats
                .failures
                .record(format!("{}: transport error: {error}", op.name())),
        }
        n += 1;
    }
}

/// Nearest-rank percentile of sorted values, in milliseconds.
fn percentile_ms(sorted_us: &[u32], percent: f64) -> f64 {
    if sorted_us.is_empty() {
        return f64::NAN;
    }
    let rank = ((percent / 100.0) * sorted_us.len() as f64).ceil() as usize;
    let index = rank.clamp(1, sorted_us.len()) - 1;
    f64::from(sorted_us[index]) / 1000.0
}

struct ThroughputResult {
    total_rps: f64,
    per_op: Vec<(Op, f64, f64, f64)>,
    p50_ms: f64,
    p99_ms: f64,
    failures: u64,
    server_cores: Option<f64>,
    client_cores: Option<f64>,
    server_memory: Option<Memory>,
}

async fn throughput(
    server: &ServerProcess,
    options: &Options,
) -> Result<ThroughputResult, BoxError> {
    let address = server.address;
    let signer = Arc::new(Signer::new(address));
    let arns = create_target_rooms(address, &signer, GET_ROOM_TARGETS, options.connections).await?;
    let source = Arc::new(RequestSource::new(options.signing, signer, arns)?);
    let ops = Arc::new(options.ops.clone());

    let begin = Instant::now();
    let start = begin + options.warmup;
    let end = start + options.measure;
    let tasks: Vec<_> = (0..options.connections)
        .map(|connection| {
            tokio::spawn(load_loop(
                address,
                Arc::clone(&source),
                Arc::clone(&ops),
                connection,
                start,
                end,
            ))
        })
        .collect();
    tokio::time::sleep_until(start.into()).await;
    let cpu_at_start = (server.cpu_seconds(), cpu_seconds("/proc/self/stat"));
    tokio::time::sleep_until(end.into()).await;
    let cpu_at_end = (server.cpu_seconds(), cpu_seconds("/proc/self/stat"));
    let mut stats = LoadStats::default();
    for task in tasks {
        stats.merge(task.await??);
    }
    stats.failures.report("THROUGHPUT");

    let seconds = options.measure.as_secs_f64();
    let cores = |before: Option<f64>, after: Option<f64>| Some((after? - before?) / seconds);
    let mut all = Vec::with_capacity(stats.all_requests as usize);
    let mut per_op = Vec::new();
    for op in &options.ops {
        let op_stats = &mut stats.ops[op.index()];
        op_stats.latencies_us.sort_unstable();
        per_op.push((
            *op,
            op_stats.requests as f64 / seconds,
            percentile_ms(&op_stats.latencies_us, 50.0),
            percentile_ms(&op_stats.latencies_us, 99.0),
        ));
        all.extend_from_slice(&op_stats.latencies_us);
    }
    all.sort_unstable();
    Ok(ThroughputResult {
        total_rps: stats.all_requests as f64 / seconds,
        per_op,
        p50_ms: percentile_ms(&all, 50.0),
        p99_ms: percentile_ms(&all, 99.0),
        failures: stats.failures.count,
        server_cores: cores(cpu_at_start.0, cpu_at_end.0),
        client_cores: cores(cpu_at_start.1, cpu_at_end.1),
        server_memory: server.memory().ok(),
    })
}

// ---------------------------------------------------------------------------------------
// Phase 2: memory with many rooms

struct MemoryResult {
    rooms: usize,
    seconds: f64,
    failures: u64,
    baseline: Memory,
    after: Memory,
}

impl MemoryResult {
    /// Rooms the server answered 200 for.
    fn created(&self) -> u64 {
        (self.rooms as u64).saturating_sub(self.failures)
    }
}

async fn seed(server: &ServerProcess, options: &Options) -> Result<MemoryResult, BoxError> {
    let address = server.address;
    let signer = Arc::new(Signer::new(address));
    let connections = options.connections;
    let rooms = options.seed_rooms;
    let baseline = server.memory()?;

    // Each connection's share: pre-signed before the clock, or signed as it goes.
    let mut shares: Vec<Vec<SignedRequest>> = Vec::with_capacity(connections);
    if options.signing == Signing::PreSigned {
        for connection in 0..connections {
            shares.push(
                (connection..rooms)
                    .step_by(connections)
                    .map(|n| signer.sign(Op::CreateRoom, create_room_body("room", n as u64)))
                    .collect::<Result<_, _>>()?,
            );
        }
    }
    let mut opened = Vec::with_capacity(connections);
    for _ in 0..connections {
        opened.push(Connection::open(address).await?);
    }

    let began = Instant::now();
    let mut tasks = Vec::with_capacity(connections);
    for (connection, mut conn) in opened.into_iter().enumerate() {
        let signer = Arc::clone(&signer);
        let share = shares.get_mut(connection).map(std::mem::take);
        tasks.push(tokio::spawn(async move {
            let mut failures = Failures::default();
            let indices = (connection..rooms).step_by(connections);
            for (k, n) in indices.enumerate() {
                let request = match &share {
                    Some(share) => share[k].to_http(),
                    None => signer
                        .sign(Op::CreateRoom, create_room_body("room", n as u64))?
                        .to_http(),
                };
                match conn.send(request).await {
                    Ok((StatusCode::OK, _)) => {}
                    Ok((status, body)) => {
                        failures.record(describe_answer(Op::CreateRoom, status, &body));
                    }
                    Err(error) => failures.record(format!("CreateRoom: transport error: {error}")),
                }
            }
            Ok::<_, BoxError>(failures)
        }));
    }
    let mut failures = Failures::default();
    for task in tasks {
        failures.merge(task.await??);
    }
    let seconds = began.elapsed().as_secs_f64();
    failures.report("MEMORY SEEDING");
    Ok(MemoryResult {
        rooms,
        seconds,
        failures: failures.count,
        baseline,
        after: server.memory()?,
    })
}

// ---------------------------------------------------------------------------------------

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find_map(|line| line.strip_prefix("model name"))
                .map(|rest| rest.trim_start_matches([' ', '\t', ':']).trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".into())
}

fn verdict(ok: bool) -> &'static str {
    if ok {
        "ok"
    } else {
        "MISSED"
    }
}

fn main() -> ExitCode {
    let options = match Options::parse() {
        Ok(options) => options,
        Err(error) => {
            eprintln!("bench: {error}");
            return ExitCode::FAILURE;
        }
    };
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("bench: cannot start the tokio runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    println!("ivschat-local control-plane benchmark");
    println!(
        "machine: {cores} cores ({}); server and load generator share them",
        cpu_model()
    );
    println!(
        "signing: SigV4 by aws-sigv4, {}",
        options.signing.describe()
    );
    let mut failed = false;

    let mut throughput_result = None;
    if options.throughput {
        println!();
        println!(
            "== throughput: {} HTTP/1.1 keep-alive connections, one request in flight each; \
             mix {}; {} target rooms for GetRoom; ListRooms with default maxResults",
            options.connections,
            options
                .ops
                .iter()
                .map(|op| op.name())
                .collect::<Vec<_>>()
                .join(" / "),
            GET_ROOM_TARGETS,
        );
        println!(
            "   warm-up {:.1} s, measured {:.1} s",
            options.warmup.as_secs_f64(),
            options.measure.as_secs_f64()
        );
        let result = ServerProcess::start()
            .map_err(BoxError::from)
            .and_then(|server| runtime.block_on(throughput(&server, &options)));
        match result {
            Ok(result) => {
                println!(
                    "   {:<11} {:>10} {:>9} {:>9}",
                    "operation", "req/s", "p50 ms", "p99 ms"
                );
                for (op, rps, p50, p99) in &result.per_op {
                    println!("   {:<11} {rps:>10.0} {p50:>9.3} {p99:>9.3}", op.name());
                }
                println!(
                    "   {:<11} {:>10.0} {:>9.3} {:>9.3}",
                    "all", result.total_rps, result.p50_ms, result.p99_ms
                );
                if let Some(server) = result.server_cores {
                    println!(
                        "   server CPU per request: {:.1} us",
                        server * 1e6 / result.total_rps
                    );
                }
                if let (Some(server), Some(client)) = (result.server_cores, result.client_cores) {
                    println!(
                        "   CPU while measuring: server {server:.2} cores, load generator {client:.2} cores"
                    );
                }
                if let Some(memory) = result.server_memory {
                    println!(
                        "   server VmRSS after the run: {:.1} MiB (VmHWM {:.1} MiB)",
                        mib(memory.rss_kb),
                        mib(memory.hwm_kb)
                    );
                }
                println!("   failures: {}", result.failures);
                failed |= result.failures > 0;
                throughput_result = Some(result);
            }
            Err(error) => {
                eprintln!("!!! throughput phase failed: {error}");
                failed = true;
            }
        }
    }

    let mut memory_result = None;
    if options.memory {
        println!();
        println!(
            "== memory: a fresh server, {} CreateRoom (name + 2-3 tags) over {} connections",
            options.seed_rooms, options.connections
        );
        let result = ServerProcess::start()
            .map_err(BoxError::from)
            .and_then(|server| runtime.block_on(seed(&server, &options)));
        match result {
            Ok(result) => {
                let created = result.created();
                println!(
                    "   created {created} rooms ({} CreateRoom sent) in {:.2} s: {:.0} rooms/s",
                    result.rooms,
                    result.seconds,
                    created as f64 / result.seconds
                );
                println!(
                    "   server memory before seeding: VmRSS {:.1} MiB",
                    mib(result.baseline.rss_kb)
                );
                println!(
                    "   server memory with {created} rooms: VmRSS {:.1} MiB ({:.1} MB), VmHWM {:.1} MiB ({:.1} MB)",
                    mib(result.after.rss_kb),
                    mb(result.after.rss_kb),
                    mib(result.after.hwm_kb),
                    mb(result.after.hwm_kb)
                );
                let per_room = (result.after.rss_kb.saturating_sub(result.baseline.rss_kb) * 1024)
                    as f64
                    / created.max(1) as f64;
                println!("   about {per_room:.0} bytes of RSS per room");
                println!("   failures: {}", result.failures);
                failed |= result.failures > 0;
                memory_result = Some(result);
            }
            Err(error) => {
                eprintln!("!!! memory phase failed: {error}");
                failed = true;
            }
        }
    }
    // Every server process has been killed by its guard by now.

    println!();
    println!("== summary (compare across runs)");
    println!("   cores                  {cores}");
    println!("   signing                {}", options.signing.label());
    println!("   connections            {}", options.connections);
    if let Some(result) = &throughput_result {
        println!(
            "   throughput             {:.0} req/s  (target >= {TARGET_RPS:.0}: {})",
            result.total_rps,
            verdict(result.total_rps >= TARGET_RPS)
        );
        for (op, rps, _, _) in &result.per_op {
            println!("   {:<22} {rps:.0} req/s", op.name());
        }
        println!(
            "   latency p50 / p99      {:.3} / {:.3} ms",
            result.p50_ms, result.p99_ms
        );
        println!("   throughput failures    {}", result.failures);
    }
    if let Some(result) = &memory_result {
        let rss = mib(result.after.rss_kb);
        println!(
            "   RSS with {} rooms  {rss:.1} MiB, HWM {:.1} MiB  (target < {TARGET_RSS_MIB:.0} MB: {})",
            result.created(),
            mib(result.after.hwm_kb),
            verdict(mb(result.after.rss_kb) < TARGET_RSS_MIB)
        );
        println!(
            "   seeding rate           {:.0} rooms/s",
            result.created() as f64 / result.seconds
        );
        println!("   seeding failures       {}", result.failures);
    }
    if failed {
        eprintln!("bench: FAILED (see the messages above)");
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
