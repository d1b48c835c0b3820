//! Messaging fan-out load on the real `ivschat-local` binary: one room, many WebSocket
//! clients, one sender at the room's highest allowed rate.
//!
//! A plain program (no criterion): delivery latency and loss are figures of a whole run. For
//! each run it starts the server binary as a child process on an ephemeral loopback port
//! (`serve --listen 127.0.0.1:0 --quotas off --token-lifetime-seconds 600`), then
//!
//! 1. creates one room with `maximumMessageRatePerSecond` 100 (the highest IVS allows) through
//!    the real `aws-sdk-ivschat` client, and a chat token per client (CreateChatToken);
//! 2. connects the clients (`tokio-tungstenite`, the token as the subprotocol, as the IVS
//!    chat SDKs do) and one sender;
//! 3. warms up (a few messages, each waited for; this also starts the review function);
//! 4. sends `rate x seconds` messages at a steady `rate` per second; each `Content` is
//!    `seq=N t=NANOS`, NANOS being the send instant on this process's monotonic clock;
//! 5. every client records, for each MESSAGE, receive instant - send instant (the same clock),
//!    and which sequence numbers it saw (gaps, duplicates, reordering);
//! 6. waits until every client has every message, or a drain period has passed.
//!
//! Two runs: `plain` (no review handler) and `review` (the room's `messageReviewHandler` is the
//! fixture function hosted by the server: `--function review=<fixture binary>`, fallback
//! ALLOW, so a review that fails or misses its 200 ms shows as a delivered message without
//! the function's `reviewed-by` attribute). The summary gives the latency the review adds.
//!
//! ```text
//! cargo build --release -p ivschat-local-fixture-function   # for the review run
//! cargo bench -p ivschat-local --bench messaging_load
//! cargo bench -p ivschat-local --bench messaging_load -- --clients 500 --seconds 5 --only plain
//! ```
//!
//! Reading the figures: everything shares the machine. Each message is one frame per client,
//! and each frame costs CPU in the server (a WebSocket write, a TCP segment over loopback) and
//! in this process (the read, the ACK, the parse), so the run reports the CPU of the server,
//! the function, this process and of every other process on the machine during the run; once
//! the machine is busy, latency is queueing for CPU, not work. The by-second latency table
//! tells a steady state from a backlog that grows.
//!
//! Options: `--clients N` (1000), `--rate R` (100, at most the room's 100), `--seconds S`
//! (10), `--drain-seconds S` (10), `--only plain|review`. Exits non-zero if a run could not
//! be driven, lost a message, or any ERROR frame or transport error occurred. Needs an
//! open-file limit above the client count (checked; raise with `ulimit -n`).

use std::collections::HashSet;
use std::error::Error;
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use aws_sdk_ivschat::types::{ChatTokenCapability, FallbackResult, MessageReviewHandler};
use aws_sdk_ivschat::Client;
use futures_util::{SinkExt, StreamExt};
use http::header::SEC_WEBSOCKET_PROTOCOL;
use http::HeaderValue;
use ivschat_testkit::Endpoint;
use serde::Deserialize;
use serde_json::json;
use tokio::net::TcpStream;
use tokio::sync::watch;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{connect_async_with_config, MaybeTlsStream, WebSocketStream};

const SERVER_BINARY: &str = env!("CARGO_BIN_EXE_ivschat-local");
/// The fixture function's binary, a package of its own (`local/fixture-function`): cargo
/// builds it beside this benchmark only when asked.
const FIXTURE_FUNCTION: &str = "ivschat-local-fixture-function";
const READY_PREFIX: &str = "ivschat-local listening on http://";
/// The room's `maximumMessageRatePerSecond`: the highest IVS allows.
const ROOM_RATE: u32 = 100;
/// The hosted function's name and its ARN as a room's review handler names it (the SDK
/// client signs for us-west-2; the account is the server's default).
const FUNCTION: &str = "review";
const FUNCTION_ARN: &str = "arn:aws:lambda:us-west-2:123456789012:function:review";
const WARMUP_MESSAGES: usize = 5;
/// Connections and CreateChatToken calls in flight at once while setting up.
const SETUP_CONCURRENCY: usize = 64;
/// Upper bound on any single setup step (a handshake, a warm-up echo); never measured.
const SETUP_WAIT: Duration = Duration::from_secs(30);
/// Server stderr lines echoed; later ones are only counted.
const STDERR_ECHO_LINES: u64 = 10;
/// Read buffer of each client connection (tungstenite's default is 128 KiB); tungstenite zeroes
/// it before every read, and a MESSAGE frame here is about 300 bytes.
const READ_BUFFER_BYTES: usize = 1024;
/// `/proc/<pid>/stat` counts CPU time in USER_HZ ticks, which Linux fixes at 100 per second.
const CLOCK_TICKS_PER_SECOND: f64 = 100.0;
const TARGET_P99_MS: f64 = 20.0;

type BoxError = Box<dyn Error + Send + Sync>;
type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// The process-wide monotonic clock both ends of a measurement read.
fn now_ns() -> u64 {
    static EPOCH: OnceLock<Instant> = OnceLock::new();
    let epoch = *EPOCH.get_or_init(Instant::now);
    u64::try_from(epoch.elapsed().as_nanos()).unwrap_or(u64::MAX)
}

// ---------------------------------------------------------------------------------------
// Options

#[derive(Clone, Copy, PartialEq, Eq)]
enum Run {
    Plain,
    Review,
}

impl Run {
    fn label(self) -> &'static str {
        match self {
            Run::Plain => "plain",
            Run::Review => "review",
        }
    }
}

struct Options {
    clients: usize,
    rate: u32,
    seconds: f64,
    drain: Duration,
    runs: Vec<Run>,
}

impl Options {
    fn parse() -> Result<Options, String> {
        let mut options = Options {
            clients: 1_000,
            rate: ROOM_RATE,
            seconds: 10.0,
            drain: Duration::from_secs(10),
            runs: vec![Run::Plain, Run::Review],
        };
        let mut args = std::env::args().skip(1);
        while let Some(arg) = args.next() {
            let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
            match arg.as_str() {
                // cargo bench passes --bench to harness = false targets.
                "--bench" => {}
                "--clients" => options.clients = parse_number(&value(&arg)?)?,
                "--rate" => options.rate = parse_number(&value(&arg)?)?,
                "--seconds" => options.seconds = parse_number(&value(&arg)?)?,
                "--drain-seconds" => {
                    options.drain = Duration::from_secs_f64(parse_number(&value(&arg)?)?);
                }
                "--only" => {
                    options.runs = match value(&arg)?.as_str() {
                        "plain" => vec![Run::Plain],
                        "review" => vec![Run::Review],
                        other => return Err(format!("--only takes plain or review, not {other}")),
                    };
                }
                other => return Err(format!("unknown argument {other}")),
            }
        }
        if options.clients == 0 || options.rate == 0 || options.seconds <= 0.0 {
            return Err("clients, rate and seconds must be positive".into());
        }
        if options.rate > ROOM_RATE {
            return Err(format!(
                "the rate cannot exceed the room's maximum of {ROOM_RATE} per second"
            ));
        }
        Ok(options)
    }

    fn messages(&self) -> u64 {
        ((f64::from(self.rate) * self.seconds).round() as u64).max(1)
    }
}

fn parse_number<T: std::str::FromStr>(text: &str) -> Result<T, String> {
    text.parse().map_err(|_| format!("not a number: {text}"))
}

// ---------------------------------------------------------------------------------------
// The server process

/// The server binary, killed when dropped (every exit path of a run).
struct ServerProcess {
    child: Child,
    address: SocketAddr,
    stderr_lines: Arc<AtomicU64>,
}

impl ServerProcess {
    fn start(run: Run) -> Result<ServerProcess, String> {
        let mut command = Command::new(SERVER_BINARY);
        command.args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--quotas",
            "off",
            "--token-lifetime-seconds",
            "600",
        ]);
        if run == Run::Review {
            let fixture = ivschat_testkit::stack::binaries_dir().join(FIXTURE_FUNCTION);
            if !fixture.is_file() {
                return Err(format!(
                    "no fixture function at {}: build it first with \
                     `cargo build --release -p {FIXTURE_FUNCTION}`",
                    fixture.display()
                ));
            }
            command
                .arg("--function")
                .arg(format!("{FUNCTION}={}", fixture.display()));
        }
        // Settings from the environment would change what is measured.
        for (name, _) in std::env::vars() {
            if name.starts_with("IVSCHAT_LOCAL_") {
                command.env_remove(name);
            }
        }
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|error| format!("cannot start ivschat-local: {error}"))?;
        let (Some(stdout), Some(stderr)) = (child.stdout.take(), child.stderr.take()) else {
            let _ = child.kill();
            let _ = child.wait();
            return Err("ivschat-local has no stdout or stderr pipe".into());
        };
        // From here on the guard kills the child on every exit path.
        let mut server = ServerProcess {
            child,
            address: SocketAddr::from(([127, 0, 0, 1], 0)),
            stderr_lines: Arc::new(AtomicU64::new(0)),
        };
        // Drain stderr so that the server never blocks on a full pipe; echo the first lines.
        let counter = Arc::clone(&server.stderr_lines);
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if counter.fetch_add(1, Ordering::Relaxed) < STDERR_ECHO_LINES {
                    eprintln!("   server stderr: {line}");
                }
            }
        });
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

    fn cpu_seconds(&self) -> Option<f64> {
        cpu_seconds(&format!("/proc/{}/stat", self.child.id()))
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
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

/// Busy CPU time of the whole machine so far, all cores, in seconds (`/proc/stat`).
fn machine_cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    let fields: Vec<f64> = stat
        .lines()
        .next()?
        .strip_prefix("cpu ")?
        .split_whitespace()
        .map(|field| field.parse().ok())
        .collect::<Option<_>>()?;
    let total: f64 = fields.iter().take(8).sum();
    // idle and iowait are fields 4 and 5.
    let idle = fields.get(3)? + fields.get(4)?;
    Some((total - idle) / CLOCK_TICKS_PER_SECOND)
}

/// The soft and hard open-file limits of this process (the server inherits them).
fn open_file_limits() -> Option<(String, String)> {
    let limits = std::fs::read_to_string("/proc/self/limits").ok()?;
    let line = limits
        .lines()
        .find(|line| line.starts_with("Max open files"))?;
    let mut fields = line["Max open files".len()..].split_whitespace();
    Some((fields.next()?.to_owned(), fields.next()?.to_owned()))
}

// ---------------------------------------------------------------------------------------
// Frames

/// The fields of a server frame this benchmark reads; the rest is skipped.
#[derive(Deserialize)]
struct Frame<'a> {
    #[serde(rename = "Type")]
    kind: &'a str,
    #[serde(rename = "Content", borrow, default)]
    content: Option<&'a str>,
    #[serde(rename = "RequestId", borrow, default)]
    request_id: Option<&'a str>,
    #[serde(rename = "ErrorCode", default)]
    error_code: Option<u32>,
    #[serde(rename = "ErrorMessage", default)]
    error_message: Option<String>,
}

/// `seq=N t=NANOS` → (N, NANOS).
fn parse_content(content: &str) -> Option<(u64, u64)> {
    let (seq, sent) = content.strip_prefix("seq=")?.split_once(" t=")?;
    Some((seq.parse().ok()?, sent.parse().ok()?))
}

/// `(N, NANOS)` of a measured MESSAGE, read straight from the text the server writes
/// (`{"Type":"MESSAGE","Id":…,"RequestId":"mN","Content":"seq=N t=NANOS",…`); `None` for
/// any other frame or shape, which then gets the full JSON parse.
fn measured_message(text: &str) -> Option<(u64, u64)> {
    const CONTENT: &str = r#""Content":""#;
    let rest = text.strip_prefix(r#"{"Type":"MESSAGE","#)?;
    let start = rest.find(r#""Content":"seq="#)? + CONTENT.len();
    let content = &rest[start..];
    parse_content(&content[..content.find('"')?])
}

fn describe_error(frame: &Frame) -> String {
    format!(
        "ERROR {} {}",
        frame.error_code.unwrap_or_default(),
        frame.error_message.as_deref().unwrap_or_default()
    )
}

// ---------------------------------------------------------------------------------------
// Clients

/// What one receiving client saw.
struct ClientStats {
    seen: Vec<bool>,
    distinct: u64,
    duplicates: u64,
    /// A sequence number lower than one already seen.
    out_of_order: u64,
    /// Jumps over at least one sequence number (lost or late ones).
    gaps: u64,
    last_seq: Option<u64>,
    /// Delivery latency by sequence number; `u32::MAX` for a message not received.
    latencies_us: Vec<u32>,
    /// Measured messages delivered without the review function's attribute.
    unreviewed: u64,
    errors: Vec<String>,
    transport_error: Option<String>,
    closed_by_server: bool,
    last_receive_ns: u64,
}

impl ClientStats {
    fn new(expected: u64) -> ClientStats {
        ClientStats {
            seen: vec![false; expected as usize],
            distinct: 0,
            duplicates: 0,
            out_of_order: 0,
            gaps: 0,
            last_seq: None,
            latencies_us: vec![u32::MAX; expected as usize],
            unreviewed: 0,
            errors: Vec::new(),
            transport_error: None,
            closed_by_server: false,
            last_receive_ns: 0,
        }
    }

    fn frame(&mut self, text: &str, received_ns: u64) {
        // The measured messages, ~100,000 a second, skip the JSON parse; anything else gets it.
        if let Some((seq, sent_ns)) = measured_message(text) {
            return self.message(seq, sent_ns, text, received_ns);
        }
        let frame: Frame = match serde_json::from_str(text) {
            Ok(frame) => frame,
            Err(error) => {
                self.errors
                    .push(format!("unreadable frame ({error}): {text}"));
                return;
            }
        };
        match frame.kind {
            "MESSAGE" => {
                if let Some((seq, sent_ns)) = frame.content.and_then(parse_content) {
                    self.message(seq, sent_ns, text, received_ns);
                } // else a warm-up message
            }
            "ERROR" => self.errors.push(describe_error(&frame)),
            _ => {}
        }
    }

    fn message(&mut self, seq: u64, sent_ns: u64, text: &str, received_ns: u64) {
        let Some(seen) = self.seen.get_mut(seq as usize) else {
            self.errors
                .push(format!("sequence number {seq} was never sent"));
            return;
        };
        if *seen {
            self.duplicates += 1;
            return;
        }
        *seen = true;
        self.distinct += 1;
        match self.last_seq {
            Some(last) if seq < last => self.out_of_order += 1,
            Some(last) if seq > last + 1 => self.gaps += 1,
            None if seq > 0 => self.gaps += 1,
            _ => {}
        }
        self.last_seq = Some(self.last_seq.map_or(seq, |last| last.max(seq)));
        let micros = received_ns.saturating_sub(sent_ns) / 1_000;
        self.latencies_us[seq as usize] = u32::try_from(micros).unwrap_or(u32::MAX - 1);
        if !text.contains("\"reviewed-by\"") {
            self.unreviewed += 1;
        }
        self.last_receive_ns = received_ns;
    }
}

/// Reads frames until the client has every message, the server ends the connection, or
/// `stop` says the drain period is over.
async fn receive(
    mut socket: Socket,
    expected: u64,
    mut stop: watch::Receiver<bool>,
    complete: Arc<AtomicUsize>,
) -> ClientStats {
    let mut stats = ClientStats::new(expected);
    // One wait on the stop signal for the whole loop: a fresh `changed()` per frame would
    // register and unregister with the channel shared by every client, each time.
    let stopped = stop.changed();
    tokio::pin!(stopped);
    loop {
        let next = tokio::select! {
            biased;
            next = socket.next() => next,
            _ = &mut stopped => break,
        };
        let received_ns = now_ns();
        match next {
            Some(Ok(Message::Text(text))) => {
                stats.frame(text.as_str(), received_ns);
                if stats.distinct == expected {
                    complete.fetch_add(1, Ordering::Relaxed);
                    break;
                }
            }
            Some(Ok(Message::Close(_))) | None => {
                stats.closed_by_server = true;
                break;
            }
            Some(Ok(_)) => {}
            Some(Err(error)) => {
                stats.transport_error = Some(error.to_string());
                break;
            }
        }
    }
    stats
}

/// Opens a chat connection with `token` as the subprotocol.
async fn connect(address: SocketAddr, token: &str) -> Result<Socket, BoxError> {
    let mut request = format!("ws://{address}/").into_client_request()?;
    request
        .headers_mut()
        .insert(SEC_WEBSOCKET_PROTOCOL, HeaderValue::from_str(token)?);
    // tungstenite zero-fills its whole read buffer (128 KiB by default) before every read;
    // with 1,000 clients reading ~300-byte frames that memset alone took a fifth of the
    // machine, so the buffer is sized for the frames this benchmark gets. No Nagle delay on
    // the sender's small frames.
    let config = WebSocketConfig::default().read_buffer_size(READ_BUFFER_BYTES);
    let (socket, _) = tokio::time::timeout(
        SETUP_WAIT,
        connect_async_with_config(request, Some(config), true),
    )
    .await??;
    Ok(socket)
}

async fn chat_token(
    client: &Client,
    room: &str,
    user_id: String,
    capability: Option<ChatTokenCapability>,
) -> Result<String, BoxError> {
    let mut request = client
        .create_chat_token()
        .room_identifier(room)
        .user_id(user_id);
    if let Some(capability) = capability {
        request = request.capabilities(capability);
    }
    let token = request.send().await?;
    Ok(token
        .token()
        .ok_or("CreateChatToken returned no token")?
        .to_owned())
}

fn send_message(request_id: &str, content: &str) -> Message {
    Message::text(
        json!({"Action": "SEND_MESSAGE", "RequestId": request_id, "Content": content}).to_string(),
    )
}

// ---------------------------------------------------------------------------------------
// One run

struct RunResult {
    run: Run,
    clients: usize,
    messages: u64,
    send_seconds: f64,
    delivered: u64,
    delivered_per_second: f64,
    /// p50, p99 and max latency of the messages sent in each second.
    by_second: Vec<(f64, f64, f64)>,
    p50_ms: f64,
    p99_ms: f64,
    p999_ms: f64,
    max_ms: f64,
    lost: u64,
    clients_missing_messages: usize,
    duplicates: u64,
    out_of_order: u64,
    gaps: u64,
    unreviewed: u64,
    error_frames: u64,
    error_samples: Vec<String>,
    transport_errors: u64,
    closed_by_server: u64,
    sender_echoes: u64,
    /// Send instant to the sender's own echo.
    echo_p50_ms: f64,
    echo_p99_ms: f64,
    echo_max_ms: f64,
    server_cores: Option<f64>,
    bench_cores: Option<f64>,
    function_pid: Option<u32>,
    function_cores: Option<f64>,
    /// Every process on the machine, ours included.
    machine_busy_cores: Option<f64>,
    stderr_lines: u64,
}

impl RunResult {
    /// CPU used by processes other than this run's, in cores: load that distorts the figures.
    fn other_cores(&self) -> Option<f64> {
        let ours =
            self.server_cores? + self.function_cores.unwrap_or_default() + self.bench_cores?;
        Some((self.machine_busy_cores? - ours).max(0.0))
    }

    fn failed(&self) -> bool {
        self.lost > 0
            || self.error_frames > 0
            || self.transport_errors > 0
            || self.closed_by_server > 0
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

async fn run_once(
    server: &ServerProcess,
    run: Run,
    options: &Options,
) -> Result<RunResult, BoxError> {
    let address = server.address;
    let client = Endpoint::local(format!("http://{address}")).ivschat();
    let messages = options.messages();

    // 1. The room and the tokens.
    let mut create = client
        .create_room()
        .name(format!("messaging-load-{}", run.label()))
        .maximum_message_rate_per_second(ROOM_RATE as i32);
    if run == Run::Review {
        create = create.message_review_handler(
            MessageReviewHandler::builder()
                .uri(FUNCTION_ARN)
                .fallback_result(FallbackResult::Allow)
                .build(),
        );
    }
    let room = create.send().await?.arn().ok_or("no room ARN")?.to_owned();
    let began = Instant::now();
    let tokens: Vec<String> = futures_util::stream::iter(0..options.clients)
        .map(|n| chat_token(&client, &room, format!("viewer-{n:04}"), None))
        .buffered(SETUP_CONCURRENCY)
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .collect::<Result<_, _>>()?;
    let sender_token = chat_token(
        &client,
        &room,
        "sender".into(),
        Some(ChatTokenCapability::SendMessage),
    )
    .await?;
    println!(
        "   {} chat tokens in {:.2} s",
        tokens.len() + 1,
        began.elapsed().as_secs_f64()
    );

    // 2. The connections.
    let began = Instant::now();
    let sockets: Vec<Socket> = futures_util::stream::iter(tokens)
        .map(|token| async move { connect(address, &token).await })
        .buffer_unordered(SETUP_CONCURRENCY)
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .collect::<Result<_, _>>()?;
    let mut sender = connect(address, &sender_token).await?;
    println!(
        "   {} WebSocket clients + 1 sender connected in {:.2} s",
        sockets.len(),
        began.elapsed().as_secs_f64()
    );
    let (stop, stopped) = watch::channel(false);
    let complete = Arc::new(AtomicUsize::new(0));
    let receivers: Vec<_> = sockets
        .into_iter()
        .map(|socket| {
            tokio::spawn(receive(
                socket,
                messages,
                stopped.clone(),
                Arc::clone(&complete),
            ))
        })
        .collect();

    // 3. Warm-up: each message waited for (its echo or an ERROR).
    let mut function_pid = None;
    let mut sender_errors: Vec<String> = Vec::new();
    for n in 0..WARMUP_MESSAGES {
        let request_id = format!("warmup-{n}");
        sender
            .send(send_message(&request_id, &format!("warmup {n}")))
            .await?;
        loop {
            let next = tokio::time::timeout(SETUP_WAIT, sender.next())
                .await
                .map_err(|_| "no echo of a warm-up message")?
                .ok_or("the sender's connection ended during the warm-up")??;
            let Message::Text(text) = next else { continue };
            let frame: Frame = serde_json::from_str(text.as_str())?;
            if frame.request_id != Some(request_id.as_str()) {
                continue;
            }
            if frame.kind == "ERROR" {
                sender_errors.push(format!("warm-up: {}", describe_error(&frame)));
            }
            if let Some(pid) = serde_json::from_str::<serde_json::Value>(text.as_str())?
                ["Attributes"]["reviewed-by"]
                .as_str()
                .and_then(|pid| pid.parse().ok())
            {
                function_pid = Some(pid);
            }
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // Let the room's rate bucket refill completely before the measured burst.
    tokio::time::sleep(Duration::from_millis(1_100)).await;

    // 4. The measured send.
    let machine_at_start = machine_cpu_seconds();
    let cpu_at_start = (
        server.cpu_seconds(),
        cpu_seconds("/proc/self/stat"),
        function_pid.and_then(|pid| cpu_seconds(&format!("/proc/{pid}/stat"))),
    );
    let period = Duration::from_secs_f64(1.0 / f64::from(options.rate));
    let mut ticks = tokio::time::interval(period);
    let first_send_ns = now_ns();
    let mut sent = 0u64;
    // Send instant to the sender's own echo: the server's accepting (and reviewing) of each
    // message plus its write back to the sender, one of the fan-out's connections.
    let mut echo_latencies_us: Vec<u32> = Vec::with_capacity(messages as usize);
    let mut handle_sender_frame = |text: &str, echoes: &mut Vec<u32>| -> Result<(), BoxError> {
        let received_ns = now_ns();
        let frame: Frame = serde_json::from_str(text)?;
        match frame.kind {
            "MESSAGE" => {
                if let Some((_, sent_ns)) = frame.content.and_then(parse_content) {
                    let micros = received_ns.saturating_sub(sent_ns) / 1_000;
                    echoes.push(u32::try_from(micros).unwrap_or(u32::MAX));
                }
            }
            "ERROR" => sender_errors.push(describe_error(&frame)),
            _ => {}
        }
        Ok(())
    };
    while sent < messages {
        tokio::select! {
            _ = ticks.tick() => {
                let sent_ns = now_ns();
                let content = format!("seq={sent} t={sent_ns}");
                sender.send(send_message(&format!("m{sent}"), &content)).await?;
                sent += 1;
            }
            next = sender.next() => match next {
                Some(Ok(Message::Text(text))) => handle_sender_frame(text.as_str(), &mut echo_latencies_us)?,
                Some(Ok(_)) => {}
                Some(Err(error)) => return Err(error.into()),
                None => return Err("the server closed the sender's connection".into()),
            },
        }
    }
    let send_seconds = (now_ns() - first_send_ns) as f64 / 1e9;

    // 5. Drain: until every client has every message (and the sender its echoes), or time is up.
    let deadline = tokio::time::Instant::now() + options.drain;
    while (echo_latencies_us.len() as u64) < messages {
        match tokio::time::timeout_at(deadline, sender.next()).await {
            Ok(Some(Ok(Message::Text(text)))) => {
                handle_sender_frame(text.as_str(), &mut echo_latencies_us)?;
            }
            Ok(Some(Ok(_))) => {}
            Ok(Some(Err(error))) => return Err(error.into()),
            Ok(None) => return Err("the server closed the sender's connection".into()),
            Err(_) => break,
        }
    }
    while complete.load(Ordering::Relaxed) < options.clients
        && tokio::time::Instant::now() < deadline
    {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let _ = stop.send(true);
    let mut stats = Vec::with_capacity(receivers.len());
    for receiver in receivers {
        stats.push(receiver.await?);
    }
    let machine_at_end = machine_cpu_seconds();
    let cpu_at_end = (
        server.cpu_seconds(),
        cpu_seconds("/proc/self/stat"),
        function_pid.and_then(|pid| cpu_seconds(&format!("/proc/{pid}/stat"))),
    );
    let _ = sender.close(None).await;
    let sender_echoes = echo_latencies_us.len() as u64;
    echo_latencies_us.sort_unstable();

    // 6. The figures.
    let last_receive_ns = stats
        .iter()
        .map(|s| s.last_receive_ns)
        .max()
        .unwrap_or(first_send_ns);
    let window = (last_receive_ns.saturating_sub(first_send_ns) as f64 / 1e9).max(1e-9);
    let seconds_measured = (now_ns() - first_send_ns) as f64 / 1e9;
    let cores =
        |before: Option<f64>, after: Option<f64>| Some((after? - before?) / seconds_measured);
    let mut latencies: Vec<u32> = Vec::with_capacity(stats.len() * messages as usize);
    let mut error_samples: Vec<String> = Vec::new();
    let mut distinct_errors: HashSet<String> = HashSet::new();
    let mut error_frames = sender_errors.len() as u64;
    for error in &sender_errors {
        if distinct_errors.insert(error.clone()) {
            error_samples.push(format!("sender: {error}"));
        }
    }
    let mut transport_samples = Vec::new();
    for s in &stats {
        latencies.extend(s.latencies_us.iter().filter(|&&us| us != u32::MAX));
        error_frames += s.errors.len() as u64;
        for error in &s.errors {
            if distinct_errors.insert(error.clone()) {
                error_samples.push(format!("client: {error}"));
            }
        }
        if let Some(error) = &s.transport_error {
            if transport_samples.len() < 3 {
                transport_samples.push(error.clone());
            }
        }
    }
    for error in transport_samples {
        error_samples.push(format!("transport: {error}"));
    }
    latencies.sort_unstable();
    // Latency by second of sending, to tell a steady state from a backlog that builds up.
    let per_second = u64::from(options.rate);
    let by_second: Vec<(f64, f64, f64)> = (0..messages.div_ceil(per_second))
        .map(|second| {
            let range =
                (second * per_second) as usize..((second + 1) * per_second).min(messages) as usize;
            let mut slice: Vec<u32> = stats
                .iter()
                .flat_map(|s| s.latencies_us[range.clone()].iter().copied())
                .filter(|&us| us != u32::MAX)
                .collect();
            slice.sort_unstable();
            (
                percentile_ms(&slice, 50.0),
                percentile_ms(&slice, 99.0),
                slice.last().map_or(f64::NAN, |&us| f64::from(us) / 1000.0),
            )
        })
        .collect();
    let delivered: u64 = stats.iter().map(|s| s.distinct).sum();
    let expected = messages * stats.len() as u64;
    Ok(RunResult {
        run,
        clients: stats.len(),
        messages,
        send_seconds,
        delivered,
        delivered_per_second: delivered as f64 / window,
        by_second,
        p50_ms: percentile_ms(&latencies, 50.0),
        p99_ms: percentile_ms(&latencies, 99.0),
        p999_ms: percentile_ms(&latencies, 99.9),
        max_ms: latencies
            .last()
            .map_or(f64::NAN, |&us| f64::from(us) / 1000.0),
        lost: expected.saturating_sub(delivered),
        clients_missing_messages: stats.iter().filter(|s| s.distinct < messages).count(),
        duplicates: stats.iter().map(|s| s.duplicates).sum(),
        out_of_order: stats.iter().map(|s| s.out_of_order).sum(),
        gaps: stats.iter().map(|s| s.gaps).sum(),
        unreviewed: stats.iter().map(|s| s.unreviewed).sum(),
        error_frames,
        error_samples,
        transport_errors: stats.iter().filter(|s| s.transport_error.is_some()).count() as u64,
        closed_by_server: stats.iter().filter(|s| s.closed_by_server).count() as u64,
        sender_echoes,
        echo_p50_ms: percentile_ms(&echo_latencies_us, 50.0),
        echo_p99_ms: percentile_ms(&echo_latencies_us, 99.0),
        echo_max_ms: echo_latencies_us
            .last()
            .map_or(f64::NAN, |&us| f64::from(us) / 1000.0),
        server_cores: cores(cpu_at_start.0, cpu_at_end.0),
        bench_cores: cores(cpu_at_start.1, cpu_at_end.1),
        function_pid,
        function_cores: cores(cpu_at_start.2, cpu_at_end.2),
        machine_busy_cores: cores(machine_at_start, machine_at_end),
        stderr_lines: server.stderr_lines.load(Ordering::Relaxed),
    })
}

fn print_run(result: &RunResult) {
    println!(
        "   sent {} messages in {:.2} s ({:.1}/s); sender echoes {}",
        result.messages,
        result.send_seconds,
        result.messages as f64 / result.send_seconds,
        result.sender_echoes
    );
    println!(
        "   sender's own echo (accept{} + publish): p50 {:.3} ms, p99 {:.3} ms, max {:.3} ms",
        if result.run == Run::Review {
            " + review"
        } else {
            ""
        },
        result.echo_p50_ms,
        result.echo_p99_ms,
        result.echo_max_ms
    );
    println!(
        "   delivered {} MESSAGE frames to {} clients: {:.0} frames/s",
        result.delivered, result.clients, result.delivered_per_second
    );
    println!(
        "   delivery latency p50 {:.3} ms, p99 {:.3} ms, p99.9 {:.3} ms, max {:.3} ms",
        result.p50_ms, result.p99_ms, result.p999_ms, result.max_ms
    );
    println!("   latency by second of sending (p50 / p99 / max ms):");
    for (second, (p50, p99, max)) in result.by_second.iter().enumerate() {
        println!("     s{second:<3} {p50:>8.3} {p99:>8.3} {max:>8.3}");
    }
    println!(
        "   lost {} (clients missing messages: {}), gaps {}, out of order {}, duplicates {}",
        result.lost,
        result.clients_missing_messages,
        result.gaps,
        result.out_of_order,
        result.duplicates
    );
    if result.run == Run::Review {
        println!(
            "   delivered without the function's attribute (review fallback): {}",
            result.unreviewed
        );
    }
    println!(
        "   ERROR frames {}, transport errors {}, connections closed by the server {}",
        result.error_frames, result.transport_errors, result.closed_by_server
    );
    for sample in result.error_samples.iter().take(10) {
        println!("     {sample}");
    }
    let mut cpu = Vec::new();
    if let Some(cores) = result.server_cores {
        cpu.push(format!("server {cores:.2} cores"));
    }
    if let Some(cores) = result.function_cores {
        cpu.push(format!("function {cores:.2} cores"));
    }
    if let Some(cores) = result.bench_cores {
        cpu.push(format!("clients (this process) {cores:.2} cores"));
    }
    if let (Some(machine), Some(others)) = (result.machine_busy_cores, result.other_cores()) {
        cpu.push(format!(
            "whole machine {machine:.2} cores (other processes {others:.2})"
        ));
    }
    if !cpu.is_empty() {
        println!(
            "   CPU from the first send to the end of the drain: {}",
            cpu.join(", ")
        );
    }
    if let Some(pid) = result.function_pid {
        println!("   review function process: pid {pid}");
    }
    println!("   server stderr lines: {}", result.stderr_lines);
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
    println!("ivschat-local messaging load benchmark");
    println!("machine: {cores} cores; server, review function and clients share them");
    let needed_files = options.clients + 256;
    match open_file_limits() {
        Some((soft, hard)) => {
            println!("open files: soft limit {soft}, hard limit {hard} (need about {needed_files} per process)");
            if soft.parse::<usize>().is_ok_and(|soft| soft < needed_files) {
                eprintln!(
                    "bench: the open-file limit {soft} is too low for {} clients; raise it \
                     (ulimit -n {needed_files}, at most the hard limit {hard})",
                    options.clients
                );
                return ExitCode::FAILURE;
            }
        }
        None => println!("open files: limit unknown (/proc/self/limits unreadable)"),
    }
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
    now_ns();
    let mut failed = false;
    let mut results: Vec<RunResult> = Vec::new();
    for &run in &options.runs {
        println!();
        println!(
            "== {}: 1 room (maximumMessageRatePerSecond {ROOM_RATE}{}), {} clients, 1 sender at \
             {}/s for {:.1} s ({} messages)",
            run.label(),
            if run == Run::Review {
                ", review handler = hosted fixture function, fallback ALLOW"
            } else {
                ""
            },
            options.clients,
            options.rate,
            options.seconds,
            options.messages()
        );
        let result = ServerProcess::start(run)
            .map_err(BoxError::from)
            .and_then(|server| runtime.block_on(run_once(&server, run, &options)));
        // The server guard has killed the process by now.
        match result {
            Ok(result) => {
                print_run(&result);
                failed |= result.failed();
                results.push(result);
            }
            Err(error) => {
                eprintln!("!!! the {} run failed: {error}", run.label());
                failed = true;
            }
        }
    }

    println!();
    println!("== summary (compare across runs)");
    println!("   cores                    {cores}");
    println!(
        "   clients / rate / seconds {} / {}/s / {:.1}",
        options.clients, options.rate, options.seconds
    );
    for result in &results {
        let label = result.run.label();
        println!(
            "   {label:<7} delivered        {:.0} frames/s ({} of {})",
            result.delivered_per_second,
            result.delivered,
            result.messages * result.clients as u64
        );
        println!(
            "   {label:<7} latency          p50 {:.3} / p99 {:.3} / max {:.3} ms  (p99 target < {TARGET_P99_MS:.0} ms: {})",
            result.p50_ms,
            result.p99_ms,
            result.max_ms,
            verdict(result.p99_ms < TARGET_P99_MS)
        );
        println!(
            "   {label:<7} lost             {}  (target 0: {})",
            result.lost,
            verdict(result.lost == 0)
        );
        println!(
            "   {label:<7} sender echo      p50 {:.3} / p99 {:.3} ms",
            result.echo_p50_ms, result.echo_p99_ms
        );
        println!("   {label:<7} ERROR frames     {}", result.error_frames);
        if let Some(others) = result.other_cores() {
            println!(
                "   {label:<7} other load       {others:.2} cores (processes not of this run)"
            );
        }
        if result.run == Run::Review {
            println!("   {label:<7} review fallbacks {}", result.unreviewed);
        }
    }
    let plain = results.iter().find(|r| r.run == Run::Plain);
    let review = results.iter().find(|r| r.run == Run::Review);
    if let (Some(plain), Some(review)) = (plain, review) {
        println!(
            "   review adds              p50 {:+.3} ms, p99 {:+.3} ms",
            review.p50_ms - plain.p50_ms,
            review.p99_ms - plain.p99_ms
        );
    }
    if failed {
        eprintln!("bench: FAILED (see the messages above)");
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
