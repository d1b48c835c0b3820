//! A Lambda function for testing the local service's function hosting: a message-review
//! handler whose behaviour the message content chooses.
//!
//! - `deny ...` → DENY with `Reason: "fixture says no"`;
//! - `rewrite ...` → ALLOW with the content in upper case and attribute `rewritten: "yes"`;
//! - `sleep N ...` → waits N ms, then ALLOW;
//! - `fail ...` → the handler returns an error;
//! - `panic ...` → the handler panics (lambda_runtime reports it);
//! - `crash ...` → the process exits with status 3 mid-invocation;
//! - `echo-env NAME` → ALLOW with the value of the environment variable NAME as content;
//! - anything else → ALLOW unchanged, with attribute `reviewed-by: <pid>`.
//!
//! With `FIXTURE_FAIL_INIT=1` it exits before polling for an invocation; with
//! `FIXTURE_INIT_MS=N` its initialisation takes N ms (a slow start, as a debug build's).
//!
//! An API Gateway v2 event (one with `requestContext`) is answered by its `rawPath`:
//! (after an optional `/public` prefix) `/echo...` returns the event as a JSON body; `/shortcut` returns JSON without `statusCode`;
//! `/status/N` answers status N; `/binary` a base64 body; `/cookies` two cookies; `/cors` its
//! own allow-origin header; `/invalid` a bad `statusCode`; `/fail` a handler error;
//! `/sleep/N` waits N ms first.
//!
//! A CloudWatch Logs subscription event (`{"awslogs":{"data":...}}`) is decoded as strictly as
//! `aws_lambda_events` does (padded standard base64, gzip, JSON) and appended as one line,
//! `{"failed": bool, "message": <the decoded JSON>}` or `{"error": "..."}`, to the file
//! `FIXTURE_AWSLOGS_FILE`; while that file holds fewer than `FIXTURE_AWSLOGS_FAILURES` lines,
//! the delivery is recorded and then failed (so retries can be counted across processes).

use std::io::{Read, Write};

use base64::Engine;

use lambda_runtime::{service_fn, Error, LambdaEvent};
use serde_json::{json, Value};

async fn http(event: &Value) -> Result<Value, Error> {
    let path = event["rawPath"].as_str().unwrap_or_default();
    let mut parts = path.trim_start_matches('/').split('/').peekable();
    // Routes may put the command under a prefix such as `/public/`.
    if parts.peek() == Some(&"public") {
        parts.next();
    }
    let command = parts.next().unwrap_or_default();
    let argument = parts.next().unwrap_or_default();
    match command {
        "shortcut" => Ok(json!({ "ok": true, "path": path })),
        "status" => Ok(json!({
            "statusCode": argument.parse::<u16>().unwrap_or(200),
            "headers": { "content-type": "text/plain" },
            "body": format!("status {argument}")
        })),
        "binary" => Ok(json!({
            "statusCode": 200,
            "headers": { "content-type": "application/octet-stream" },
            "body": "AAEC/w==",
            "isBase64Encoded": true
        })),
        "cookies" => Ok(json!({
            "statusCode": 200,
            "cookies": ["a=1; Path=/", "b=2"],
            "body": "with cookies"
        })),
        "cors" => Ok(json!({
            "statusCode": 200,
            "headers": { "access-control-allow-origin": "http://function.test" },
            "body": "cors"
        })),
        "invalid" => Ok(json!({ "statusCode": "not a number" })),
        "fail" => Err("fixture failure".into()),
        "sleep" => {
            let millis: u64 = argument.parse().unwrap_or(0);
            tokio::time::sleep(std::time::Duration::from_millis(millis)).await;
            Ok(json!({ "statusCode": 200, "body": "slept" }))
        }
        _ => Ok(json!({
            "statusCode": 200,
            "headers": { "content-type": "application/json" },
            "body": event.to_string()
        })),
    }
}

fn decode_awslogs(event: &Value) -> Result<Value, String> {
    let data = event["awslogs"]["data"]
        .as_str()
        .ok_or("awslogs.data is not a string")?;
    let zipped = base64::engine::general_purpose::STANDARD
        .decode(data)
        .map_err(|e| format!("not padded standard base64: {e}"))?;
    let mut text = String::new();
    flate2::read::GzDecoder::new(zipped.as_slice())
        .read_to_string(&mut text)
        .map_err(|e| format!("not gzip: {e}"))?;
    serde_json::from_str(&text).map_err(|e| format!("not JSON: {e}"))
}

fn awslogs(event: &Value) -> Result<Value, Error> {
    let path = std::env::var("FIXTURE_AWSLOGS_FILE")?;
    let recorded = std::fs::read_to_string(&path)
        .map(|text| text.lines().count())
        .unwrap_or(0);
    let failures: usize = std::env::var("FIXTURE_AWSLOGS_FAILURES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    let failed = recorded < failures;
    let line = match decode_awslogs(event) {
        Ok(message) => json!({ "failed": failed, "message": message }),
        Err(error) => json!({ "error": error }),
    };
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)?;
    file.write_all(format!("{line}\n").as_bytes())?;
    if failed {
        return Err("fixture fails this delivery".into());
    }
    Ok(Value::Null)
}

async fn review(event: LambdaEvent<Value>) -> Result<Value, Error> {
    if event.payload.get("requestContext").is_some() {
        return http(&event.payload).await;
    }
    if event.payload.get("awslogs").is_some() {
        return awslogs(&event.payload);
    }
    let content = event.payload["Content"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let (command, rest) = content.split_once(' ').unwrap_or((content.as_str(), ""));
    match command {
        "deny" => {
            Ok(json!({ "ReviewResult": "DENY", "Attributes": { "Reason": "fixture says no" } }))
        }
        "rewrite" => Ok(json!({
            "ReviewResult": "ALLOW",
            "Content": content.to_uppercase(),
            "Attributes": { "rewritten": "yes" }
        })),
        "sleep" => {
            let millis: u64 = rest
                .split(' ')
                .next()
                .and_then(|n| n.parse().ok())
                .unwrap_or(0);
            tokio::time::sleep(std::time::Duration::from_millis(millis)).await;
            Ok(json!({ "ReviewResult": "ALLOW", "Content": content }))
        }
        "fail" => Err("fixture failure".into()),
        "panic" => panic!("fixture panic"),
        "crash" => std::process::exit(3),
        "echo-env" => Ok(
            json!({ "ReviewResult": "ALLOW", "Content": std::env::var(rest).unwrap_or_default() }),
        ),
        _ => Ok(json!({
            "ReviewResult": "ALLOW",
            "Content": content,
            "Attributes": { "reviewed-by": std::process::id().to_string() }
        })),
    }
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    if std::env::var("FIXTURE_FAIL_INIT").is_ok_and(|v| v == "1") {
        return Err("fixture refuses to start".into());
    }
    if let Some(millis) = std::env::var("FIXTURE_INIT_MS")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
    {
        tokio::time::sleep(std::time::Duration::from_millis(millis)).await;
    }
    lambda_runtime::run(service_fn(review)).await
}
