//! Cold start of the message-review function, as Lambda counts it: from process start to the
//! first `GET /runtime/invocation/next` (ready for the first event), and to the first reply.
//!
//! A minimal Runtime API on a loopback port stands in for Lambda, so nothing else is timed.
//! Run: `cargo bench -p message-review --bench cold_start` (builds the function in release).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const RUNS: usize = 40;
const EVENT: &str = r#"{"Content":"this lag is sh1t","MessageId":"m1","RoomArn":"arn:aws:ivschat:us-west-2:123456789012:room/g1H2I3j4k5L6","Attributes":{},"Sender":{"UserId":"alice","Attributes":{},"Ip":"203.0.113.7"}}"#;

/// What the fake Runtime API saw, in order.
enum Seen {
    Next,
    Response(String),
}

/// Reads one HTTP/1.1 request (line, headers, body by Content-Length).
fn read_request(reader: &mut BufReader<TcpStream>) -> Option<(String, String)> {
    let mut line = String::new();
    if reader.read_line(&mut line).ok()? == 0 {
        return None;
    }
    let mut length = 0usize;
    loop {
        let mut header = String::new();
        reader.read_line(&mut header).ok()?;
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().ok()?;
            }
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some((line, String::from_utf8_lossy(&body).into_owned()))
}

fn serve_connection(stream: TcpStream, seen: mpsc::Sender<Seen>) {
    let mut writer = stream.try_clone().expect("clone the stream");
    let mut reader = BufReader::new(stream);
    while let Some((line, body)) = read_request(&mut reader) {
        if line.starts_with("GET /2018-06-01/runtime/invocation/next") {
            if seen.send(Seen::Next).is_err() {
                return;
            }
            let deadline = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .expect("clock")
                .as_millis()
                + 3_000;
            let reply = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\
                 lambda-runtime-aws-request-id: req-1\r\nlambda-runtime-deadline-ms: {deadline}\r\n\
                 lambda-runtime-invoked-function-arn: arn:aws:lambda:us-west-2:123456789012:function:message-review\r\n\
                 lambda-runtime-trace-id: Root=1-00000000-000000000000000000000000\r\n\
                 content-length: {}\r\n\r\n{EVENT}",
                EVENT.len()
            );
            if writer.write_all(reply.as_bytes()).is_err() {
                return;
            }
        } else {
            let _ = seen.send(Seen::Response(body));
            let _ = writer.write_all(
                b"HTTP/1.1 202 Accepted\r\ncontent-type: application/json\r\ncontent-length: 16\r\n\r\n{\"status\":\"OK\"}\n",
            );
        }
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

fn main() {
    let binary = env!("CARGO_BIN_EXE_message-review");
    let mut ready = Vec::with_capacity(RUNS);
    let mut answered = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let address = listener.local_addr().expect("address");
        let (seen_tx, seen_rx) = mpsc::channel();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let seen = seen_tx.clone();
                std::thread::spawn(move || serve_connection(stream, seen));
            }
        });
        let started = Instant::now();
        let mut child = Command::new(binary)
            .env_clear()
            .env("AWS_LAMBDA_RUNTIME_API", address.to_string())
            .env("AWS_LAMBDA_FUNCTION_NAME", "message-review")
            .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
            .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "512")
            .env("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/message-review")
            .env("AWS_LAMBDA_LOG_STREAM_NAME", "bench")
            .env("AWS_LAMBDA_LOG_FORMAT", "JSON")
            .env("AWS_REGION", "us-west-2")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the function");
        let wait = Duration::from_secs(10);
        match seen_rx.recv_timeout(wait) {
            Ok(Seen::Next) => ready.push(started.elapsed()),
            _ => panic!("the function never asked for an event"),
        }
        match seen_rx.recv_timeout(wait) {
            Ok(Seen::Response(body)) => {
                answered.push(started.elapsed());
                assert!(body.contains("\"ReviewResult\":\"ALLOW\""), "{body}");
            }
            _ => panic!("the function never answered"),
        }
        let _ = child.kill();
        let _ = child.wait();
    }
    ready.sort();
    answered.sort();
    println!(
        "message-review cold start over {RUNS} process starts (release build, built-in policy)"
    );
    for (label, figures) in [
        ("start -> ready for the first event", &ready),
        ("start -> first reply sent", &answered),
    ] {
        println!(
            "  {label:<36} p50 {}  p90 {}  max {}",
            ms(percentile(figures, 0.5)),
            ms(percentile(figures, 0.9)),
            ms(percentile(figures, 1.0))
        );
    }
}
