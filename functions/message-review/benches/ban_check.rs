//! What the ban check costs the review, and how long a ban takes to stop a sender.
//!
//! The release message-review function is hosted by the local IVS Chat service with moto as
//! DynamoDB, as `ivschat-local up` runs it. Two measurements:
//!
//! 1. **Review latency** (invoke to reply, through the local Runtime API), 2,000 messages from
//!    200 senders: without the ban check, with it as deployed (answers trusted for 2 s), and
//!    with a store read for every message (max age 0), so moto's share is visible apart.
//! 2. **The ban window**: a sender with an open connection sends every 20 ms; a ban is stored;
//!    the time from the ban to the first refused message, over 10 bans at random phases of
//!    the 2 s answer age. Its maximum is the longest a banned user's messages still arrive.
//!
//! Run: `cargo bench -p message-review --bench ban_check` (needs `MOTO_SERVER` or the
//! stack's moto, as the tests do).

use std::time::{Duration, Instant};

use aws_sdk_ivschat::types::{ChatTokenCapability, FallbackResult, MessageReviewHandler};
use futures_util::{SinkExt, StreamExt};
use ivschat_local::RunningServer;
use ivschat_testkit::service;
use moto::MotoServer;
use serde_json::{json, Value};
use shared::bans::{create_table, Ban, BanScope, BanStore, DynamoBanStore, RoomId, UserId};
use shared::ivs_client::EndpointSettings;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::Message;

const FUNCTION: &str = "message-review";
const TABLE: &str = "bench-bans";
const MESSAGES: usize = 2_000;
const SENDERS: usize = 200;
const BANS: usize = 10;

struct Stack {
    server: RunningServer,
    handler_arn: String,
    room: String,
    client: aws_sdk_ivschat::Client,
}

async fn start(env: &[(&str, String)]) -> Stack {
    let function = service::function(FUNCTION, env!("CARGO_BIN_EXE_message-review"))
        .envs(env.iter().map(|(k, v)| (*k, v.clone())));
    let server = service::start_hosting([function], |_| {}).await;
    let handler_arn = service::function_arn(service::REGION, FUNCTION);
    let client = ivschat_testkit::Endpoint::local(server.endpoint_url()).ivschat();
    let room = client
        .create_room()
        .name("bench")
        .maximum_message_rate_per_second(100)
        .message_review_handler(
            MessageReviewHandler::builder()
                .uri(&handler_arn)
                .fallback_result(FallbackResult::Deny)
                .build(),
        )
        .send()
        .await
        .expect("CreateRoom")
        .arn()
        .expect("ARN")
        .to_owned();
    let stack = Stack {
        server,
        handler_arn,
        room,
        client,
    };
    invoke(&stack, "warm-up").await;
    stack
}

async fn invoke(stack: &Stack, user: &str) -> (Duration, Value) {
    let payload = json!({
        "Content": "what a f.u.c.k play", "MessageId": "m", "RoomArn": stack.room,
        "Attributes": {}, "Sender": {"UserId": user, "Attributes": {}, "Ip": "127.0.0.1"}
    });
    let started = Instant::now();
    let body = stack
        .server
        .function_invoker()
        .invoke(
            &stack.handler_arn,
            bytes::Bytes::from(payload.to_string()),
            Duration::from_secs(10),
        )
        .await
        .expect("a reply");
    (
        started.elapsed(),
        serde_json::from_slice(&body).expect("JSON"),
    )
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

async fn latency(label: &str, env: &[(&str, String)]) {
    let stack = start(env).await;
    let mut times = Vec::with_capacity(MESSAGES);
    for i in 0..MESSAGES {
        let (took, reply) = invoke(&stack, &format!("user-{}", i % SENDERS)).await;
        assert_eq!(reply["ReviewResult"], "ALLOW", "{reply}");
        times.push(took);
    }
    times.sort();
    println!(
        "{label:<38} p50 {:>9}  p99 {:>9}  max {:>9}",
        ms(percentile(&times, 0.5)),
        ms(percentile(&times, 0.99)),
        ms(times[times.len() - 1])
    );
}

async fn ban_window(env: &[(&str, String)], store: &DynamoBanStore) {
    let stack = start(env).await;
    let mut windows = Vec::new();
    for round in 0..BANS {
        let user = format!("raider-{round}");
        let token = stack
            .client
            .create_chat_token()
            .room_identifier(&stack.room)
            .user_id(&user)
            .capabilities(ChatTokenCapability::SendMessage)
            .send()
            .await
            .expect("CreateChatToken");
        let url = stack.server.endpoint_url().replacen("http", "ws", 1);
        let mut request = url.into_client_request().expect("request");
        request.headers_mut().insert(
            "Sec-WebSocket-Protocol",
            HeaderValue::from_str(token.token().expect("token")).expect("header"),
        );
        let (socket, _) = tokio_tungstenite::connect_async(request)
            .await
            .expect("handshake");
        let (mut write, mut read) = socket.split();
        // Chat for a random part of the answer age, so the ban falls anywhere in it.
        let lead = Duration::from_millis(200 + (rand_ms(round) % 2_000));
        let sender = tokio::spawn(async move {
            let mut n = 0u32;
            loop {
                let frame =
                    json!({"Action": "SEND_MESSAGE", "RequestId": n.to_string(), "Content": "hi"});
                if write.send(Message::text(frame.to_string())).await.is_err() {
                    return;
                }
                n += 1;
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        });
        tokio::time::sleep(lead).await;
        let room = RoomId::from_identifier(&stack.room).expect("room");
        let ban = Ban::new(
            BanScope::Room(room),
            UserId::new(user.as_str()).expect("user"),
            "raid",
            "bench",
            time::OffsetDateTime::now_utc(),
            None,
        )
        .expect("ban");
        store.put(&ban).await.expect("ban stored");
        let banned_at = Instant::now();
        let window = loop {
            let frame = tokio::time::timeout(Duration::from_secs(30), read.next())
                .await
                .expect("a frame in time")
                .expect("open")
                .expect("frame");
            let Message::Text(text) = frame else { continue };
            let frame: Value = serde_json::from_str(&text).expect("JSON");
            if frame["Type"] == "ERROR" && frame["ErrorCode"] == 406 {
                break banned_at.elapsed();
            }
        };
        sender.abort();
        windows.push(window);
    }
    windows.sort();
    println!(
        "ban window over {BANS} bans (answers trusted 2 s): median {}  max {}",
        ms(percentile(&windows, 0.5)),
        ms(windows[windows.len() - 1])
    );
}

/// A spread of phases without a random-number dependency: the round's hash.
fn rand_ms(round: usize) -> u64 {
    (round as u64).wrapping_mul(2_654_435_761) % 10_007
}

fn main() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async {
        let moto = MotoServer::shared();
        let store = DynamoBanStore::for_endpoint(&EndpointSettings::local(moto.endpoint()), TABLE)
            .expect("table");
        create_table(store.client(), store.table_name())
            .await
            .expect("CreateTable");
        let with_bans = |max_age: &str| {
            vec![
                ("BANS_TABLE_NAME", TABLE.to_owned()),
                ("AWS_ENDPOINT_URL_DYNAMODB", moto.endpoint().to_owned()),
                ("AWS_REGION", "us-west-2".to_owned()),
                ("BAN_CHECK_MAX_AGE_MS", max_age.to_owned()),
            ]
        };
        println!("review latency, {MESSAGES} messages from {SENDERS} senders (invoke to reply):");
        latency("no ban check", &[]).await;
        latency("ban check, answers trusted 2 s", &with_bans("2000")).await;
        latency("ban check, store read every message", &with_bans("0")).await;
        ban_window(&with_bans("2000"), &store).await;
    });
}
