//! Chat logging: messages and events delivered in a room with logging configurations land in
//! local files laid out like S3, CloudWatch Logs and Firehose, as v1.0 records.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;

use aws_sdk_ivschat::types::{
    ChatTokenCapability, CloudWatchLogsDestinationConfiguration, DestinationConfiguration,
    FirehoseDestinationConfiguration, S3DestinationConfiguration,
};
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

use crate::support::{client, start_with, ACCOUNT, REGION};

/// Every file under `dir`, recursively.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

/// The lines of a file, gunzipping `.gz` (one gzip member per record).
fn lines(path: &Path) -> Vec<String> {
    let bytes = std::fs::read(path).expect("the log file is readable");
    let text = if path.extension().is_some_and(|e| e == "gz") {
        let mut text = String::new();
        flate2::read::MultiGzDecoder::new(bytes.as_slice())
            .read_to_string(&mut text)
            .expect("the object is gzip");
        text
    } else {
        String::from_utf8(bytes).expect("the log file is UTF-8")
    };
    text.lines().map(str::to_owned).collect()
}

/// Waits (the writer is asynchronous) until `dir` holds `count` files with `lines` lines each.
async fn wait_for_records(dir: &Path, count: usize, lines_each: usize) -> Vec<PathBuf> {
    for _ in 0..100 {
        let files = files_under(dir);
        if files.len() == count && files.iter().all(|f| lines(f).len() == lines_each) {
            return files;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!(
        "expected {count} files of {lines_each} records under {}, found {:?}",
        dir.display(),
        files_under(dir)
    );
}

#[tokio::test]
async fn delivered_messages_and_events_are_logged_to_every_destination_of_the_room() {
    let data_dir = std::env::temp_dir().join(format!("ivschat-it-logs-{}", uuid_like()));
    let dir = data_dir.clone();
    let server = start_with(move |config| config.data_dir = dir).await;
    let client = client(&server);
    let destinations = [
        DestinationConfiguration::S3(
            S3DestinationConfiguration::builder()
                .bucket_name("chat-logs")
                .build()
                .expect("s3"),
        ),
        DestinationConfiguration::CloudWatchLogs(
            CloudWatchLogsDestinationConfiguration::builder()
                .log_group_name("/aws/ivschat/demo")
                .build()
                .expect("cwl"),
        ),
        DestinationConfiguration::Firehose(
            FirehoseDestinationConfiguration::builder()
                .delivery_stream_name("chat-stream")
                .build()
                .expect("firehose"),
        ),
    ];
    let mut arns = Vec::new();
    for destination in destinations {
        let config = client
            .create_logging_configuration()
            .destination_configuration(destination)
            .send()
            .await
            .expect("CreateLoggingConfiguration");
        arns.push(config.arn().expect("arn").to_owned());
    }
    let room = client
        .create_room()
        .set_logging_configuration_identifiers(Some(arns))
        .send()
        .await
        .expect("CreateRoom");
    let room_arn = room.arn().expect("arn");
    let room_id = room.id().expect("id");
    let unlogged = client.create_room().send().await.expect("CreateRoom");

    let token = client
        .create_chat_token()
        .room_identifier(room_arn)
        .user_id("alice")
        .capabilities(ChatTokenCapability::SendMessage)
        .send()
        .await
        .expect("CreateChatToken");
    let mut request = server
        .endpoint_url()
        .replace("http://", "ws://")
        .into_client_request()
        .expect("request");
    request.headers_mut().insert(
        "sec-websocket-protocol",
        token.token().expect("token").parse().expect("header"),
    );
    let (mut socket, _) = tokio_tungstenite::connect_async(request)
        .await
        .expect("connects");
    socket
        .send(Message::text(
            json!({"Action": "SEND_MESSAGE", "RequestId": "r1", "Content": "hello"}).to_string(),
        ))
        .await
        .expect("sends");
    let message: Value = match tokio::time::timeout(Duration::from_secs(5), socket.next()).await {
        Ok(Some(Ok(Message::Text(text)))) => serde_json::from_str(text.as_str()).expect("JSON"),
        other => panic!("expected the MESSAGE echo, got {other:?}"),
    };
    client
        .send_event()
        .room_identifier(room_arn)
        .event_name("app:poll")
        .send()
        .await
        .expect("SendEvent");
    client
        .send_event()
        .room_identifier(unlogged.arn().expect("arn"))
        .event_name("app:elsewhere")
        .send()
        .await
        .expect("SendEvent");

    let files = wait_for_records(&data_dir, 3, 2).await;
    let prefix = format!("AWSLogs/{ACCOUNT}/IVSChatLogs/1.0/{REGION}/room_{room_id}/");
    let s3 = files
        .iter()
        .find(|f| f.starts_with(data_dir.join("s3/chat-logs")))
        .expect("an S3 object");
    let key = s3
        .strip_prefix(data_dir.join("s3/chat-logs"))
        .expect("in the bucket")
        .to_string_lossy()
        .into_owned();
    assert!(key.starts_with(&prefix), "{key}");
    assert!(
        key.ends_with(".log.gz")
            && key.contains(&format!(
                "{ACCOUNT}_IVSChatLogs_1.0_{REGION}_room_{room_id}_"
            )),
        "{key}"
    );
    let stream = data_dir
        .join("cloudwatch-logs/%2Faws%2Fivschat%2Fdemo")
        .join(format!("aws%2FIVSChatLogs%2F1.0%2Froom_{room_id}.ndjson"));
    assert!(files.contains(&stream), "{files:?}");
    let firehose = data_dir.join("firehose/chat-stream.ndjson");
    assert!(files.contains(&firehose), "{files:?}");

    let firehose_records: Vec<Value> = lines(&firehose)
        .iter()
        .map(|l| serde_json::from_str(l).expect("JSON"))
        .collect();
    assert_eq!(firehose_records[0]["version"], "1.0");
    assert_eq!(firehose_records[0]["type"], "MESSAGE");
    assert_eq!(
        firehose_records[0]["payload"], message,
        "the payload is exactly the delivered frame"
    );
    assert_eq!(firehose_records[1]["type"], "EVENT");
    assert_eq!(firehose_records[1]["payload"]["EventName"], "app:poll");
    let timestamp = firehose_records[0]["event_timestamp"]
        .as_str()
        .expect("a string");
    assert_eq!(
        timestamp.len(),
        "2023-01-05T14:33:32.894Z".len(),
        "{timestamp}"
    );

    let s3_records: Vec<Value> = lines(s3)
        .iter()
        .map(|l| serde_json::from_str(l).expect("JSON"))
        .collect();
    assert_eq!(s3_records, firehose_records);
    let events: Vec<Value> = lines(&stream)
        .iter()
        .map(|l| serde_json::from_str(l).expect("JSON"))
        .collect();
    let from_events: Vec<Value> = events
        .iter()
        .map(|e| serde_json::from_str(e["message"].as_str().expect("message")).expect("a record"))
        .collect();
    assert_eq!(from_events, firehose_records);
    assert!(events[0]["timestamp"]
        .as_i64()
        .is_some_and(|ms| ms > 1_600_000_000_000));
    let _ = std::fs::remove_dir_all(&data_dir);
}

/// A unique enough suffix for a temporary directory.
fn uuid_like() -> String {
    format!(
        "{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0)
    )
}

/// Log group, bucket and stream names such as `..`, `.` and `a/../../x` are valid in AWS; each
/// must land in a folder (or file) of its own inside its destination's folder.
#[tokio::test]
async fn dot_and_slash_destination_names_stay_in_their_own_folders() {
    let parent = std::env::temp_dir().join(format!("ivschat-it-odd-names-{}", uuid_like()));
    let data_dir = parent.join("data");
    let dir = data_dir.clone();
    let server = start_with(move |config| config.data_dir = dir).await;
    let client = client(&server);
    let log_group = |name: &str| {
        DestinationConfiguration::CloudWatchLogs(
            CloudWatchLogsDestinationConfiguration::builder()
                .log_group_name(name)
                .build()
                .expect("cwl"),
        )
    };
    let stream = |name: &str| {
        DestinationConfiguration::Firehose(
            FirehoseDestinationConfiguration::builder()
                .delivery_stream_name(name)
                .build()
                .expect("firehose"),
        )
    };
    let bucket = DestinationConfiguration::S3(
        S3DestinationConfiguration::builder()
            .bucket_name("...")
            .build()
            .expect("s3"),
    );
    // A room takes at most three logging configurations.
    let rooms = [
        vec![log_group(".."), log_group("."), log_group("a/../../x")],
        vec![stream(".."), stream("."), bucket],
    ];
    let mut room_ids = Vec::new();
    for destinations in rooms {
        let mut arns = Vec::new();
        for destination in destinations {
            let config = client
                .create_logging_configuration()
                .destination_configuration(destination)
                .send()
                .await
                .expect("a valid destination name");
            arns.push(config.arn().expect("arn").to_owned());
        }
        let room = client
            .create_room()
            .set_logging_configuration_identifiers(Some(arns))
            .send()
            .await
            .expect("CreateRoom");
        client
            .send_event()
            .room_identifier(room.arn().expect("arn"))
            .event_name("app:odd")
            .send()
            .await
            .expect("SendEvent");
        room_ids.push(room.id().expect("id").to_owned());
    }

    let files = wait_for_records(&parent, 6, 1).await;
    let stream_file = format!("aws%2FIVSChatLogs%2F1.0%2Froom_{}.ndjson", room_ids[0]);
    let cloudwatch = data_dir.join("cloudwatch-logs");
    let expected = [
        cloudwatch.join("%2E.").join(&stream_file),
        cloudwatch.join("%2E").join(&stream_file),
        cloudwatch.join("a%2F..%2F..%2Fx").join(&stream_file),
        data_dir.join("firehose/%2E..ndjson"),
        data_dir.join("firehose/%2E.ndjson"),
    ];
    for path in &expected {
        assert!(files.contains(path), "{} not in {files:?}", path.display());
    }
    let s3 = data_dir.join("s3/%2E..").join(format!(
        "AWSLogs/{ACCOUNT}/IVSChatLogs/1.0/{REGION}/room_{}",
        room_ids[1]
    ));
    assert!(files.iter().any(|f| f.starts_with(&s3)), "{files:?}");
    let _ = std::fs::remove_dir_all(&parent);
}
