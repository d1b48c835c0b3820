//! A room whose review handler is this function: clean messages are delivered as sent, masked
//! ones rewritten (with the rules attribute), denied ones refused with ERROR 406 to the sender
//! only. The room's fallback is DENY, so a message delivered proves the function answered.

use std::time::Duration;

use aws_sdk_ivschat::types::{ChatTokenCapability, FallbackResult, MessageReviewHandler};
use aws_sdk_ivschat::Client;
use ivschat_local::RunningServer;
use ivschat_testkit::chat::{self, next_frame, send_message_with_attributes, Socket};
use ivschat_testkit::service::{self, function_arn, REGION};
use serde_json::{json, Value};

const FUNCTION: &str = "message-review";

struct Stack {
    server: RunningServer,
    client: Client,
    room: String,
    account: String,
}

async fn start(function_env: &[(&str, &str)]) -> Stack {
    let function = service::function(FUNCTION, env!("CARGO_BIN_EXE_message-review"))
        .envs(function_env.iter().copied());
    let server = service::start_hosting([function], |_| {}).await;
    let account = server.state().account_id().to_owned();
    let handler_arn = function_arn(REGION, FUNCTION);
    let client = ivschat_testkit::Endpoint::local(server.endpoint_url()).ivschat();
    let handler = MessageReviewHandler::builder()
        .uri(handler_arn)
        .fallback_result(FallbackResult::Deny)
        .build();
    let room = client
        .create_room()
        .name("reviewed")
        .message_review_handler(handler)
        .send()
        .await
        .expect("CreateRoom");
    let room = room.arn().expect("room ARN").to_owned();
    // A debug build compiles its policy slower than IVS's 200 ms allow; invoke the function
    // once so that its start-up is not what the room's fallback judges.
    let warm_up = br#"{"Content":"warm-up","MessageId":"w","RoomArn":"x","Attributes":{},"Sender":{"UserId":"u","Attributes":{}}}"#;
    server
        .function_invoker()
        .invoke(
            &handler_arn_for_warm_up(&account),
            bytes::Bytes::from_static(warm_up),
            Duration::from_secs(60),
        )
        .await
        .expect("the function starts");
    Stack {
        server,
        client,
        room,
        account,
    }
}

fn handler_arn_for_warm_up(account: &str) -> String {
    format!("arn:aws:lambda:us-west-2:{account}:function:{FUNCTION}")
}

async fn join(stack: &Stack, user_id: &str) -> Socket {
    let chat_url = stack.server.endpoint_url().replacen("http", "ws", 1);
    let send = [ChatTokenCapability::SendMessage];
    chat::join(&chat_url, &stack.client, &stack.room, user_id, &send).await
}

async fn send(socket: &mut Socket, request_id: &str, content: &str) {
    let request = send_message_with_attributes(request_id, content, json!({ "emote": "wave" }));
    chat::send(socket, &request).await;
}

#[tokio::test]
async fn clean_masked_and_denied_messages_through_the_hosted_review_function() {
    let stack = start(&[]).await;
    let mut alice = join(&stack, "alice").await;
    let mut bob = join(&stack, "bob").await;

    send(&mut alice, "clean", "hello there, good game").await;
    for socket in [&mut alice, &mut bob] {
        let frame = next_frame(socket).await;
        assert_eq!(frame["Type"], "MESSAGE", "{frame}");
        assert_eq!(frame["Content"], "hello there, good game");
        assert_eq!(frame["Attributes"], json!({ "emote": "wave" }));
    }

    send(&mut alice, "masked", "what a f.u.c.k play").await;
    for socket in [&mut alice, &mut bob] {
        let frame = next_frame(socket).await;
        assert_eq!(frame["Type"], "MESSAGE", "{frame}");
        assert_eq!(frame["Content"], "what a ******* play");
        assert_eq!(frame["Attributes"]["emote"], "wave");
        let rules = frame["Attributes"]["moderation.rules"]
            .as_str()
            .expect("the rules attribute");
        assert!(rules.starts_with("blocklist.mask"), "{rules}");
    }

    send(&mut alice, "denied", "🎉🔥😂👏💯🙌😎🤣👍😍🥳🤩😱🚀🎮").await;
    let frame = next_frame(&mut alice).await;
    assert_eq!(frame["Type"], "ERROR", "{frame}");
    assert_eq!(frame["ErrorCode"], 406);
    assert_eq!(frame["RequestId"], "denied");
    let message = frame["ErrorMessage"].as_str().expect("an error message");
    assert!(message.contains("spam"), "{message}");

    // Bob never sees the denied message: his next frame is the one sent after it.
    send(&mut alice, "after", "sorry about that").await;
    let frame = next_frame(&mut bob).await;
    assert_eq!(frame["RequestId"], "after", "{frame}");
    assert_eq!(frame["Content"], "sorry about that");
}

#[tokio::test]
async fn a_policy_from_the_environment_is_applied() {
    let policy = r#"{"default":{"blocklists":{"builtin_en":{"enabled":false},
        "lists":[{"name":"spoilers","action":"deny","terms":["rosebud"]}]}}}"#;
    let stack = start(&[("MODERATION_POLICY_JSON", policy)]).await;
    let mut alice = join(&stack, "alice").await;

    send(&mut alice, "spoiler", "the sled is called r0s3bud").await;
    let frame = next_frame(&mut alice).await;
    assert_eq!(frame["Type"], "ERROR", "{frame}");
    assert_eq!(frame["ErrorCode"], 406);

    // The built-in list is off in this policy, so mild language passes unchanged.
    send(&mut alice, "mild", "well shit").await;
    let frame = next_frame(&mut alice).await;
    assert_eq!(frame["Type"], "MESSAGE", "{frame}");
    assert_eq!(frame["Content"], "well shit");
}

/// The function invoked directly, as IVS Chat would with these bytes: the reply, or why the
/// invocation failed.
async fn invoke_directly(stack: &Stack, payload: Vec<u8>) -> Result<Value, String> {
    stack
        .server
        .function_invoker()
        .invoke(
            &handler_arn_for_warm_up(&stack.account),
            bytes::Bytes::from(payload),
            Duration::from_secs(10),
        )
        .await
        .map_err(|e| e.to_string())
        .map(|body| serde_json::from_slice(&body).expect("a JSON reply"))
}

#[tokio::test]
async fn empty_non_json_and_oversized_invocations_get_a_valid_reply_never_an_error() {
    let stack = start(&[]).await;
    for payload in [&b""[..], b"not json", b"[1,2]"] {
        let reply = invoke_directly(&stack, payload.to_vec())
            .await
            .unwrap_or_else(|e| panic!("{payload:?}: the invocation failed: {e}"));
        assert_eq!(reply["ReviewResult"], "DENY", "{reply}");
        assert!(reply["Attributes"]["Reason"].is_string(), "{reply}");
    }
    // Client attributes over IVS's 1 KB: a reply echoing them would be invalid, and the
    // room's fallback would deliver the original, unmasked text.
    let oversized = json!({
        "Content": "what a f.u.c.k play", "MessageId": "m1", "RoomArn": stack.room,
        "Attributes": { "pad": "x".repeat(2000) },
        "Sender": { "UserId": "alice", "Attributes": {}, "Ip": "127.0.0.1" }
    });
    let reply = invoke_directly(&stack, oversized.to_string().into_bytes())
        .await
        .expect("a reply");
    assert_eq!(reply["ReviewResult"], "DENY", "{reply}");
    let bytes: usize = reply["Attributes"]
        .as_object()
        .expect("attributes")
        .iter()
        .map(|(k, v)| k.len() + v.as_str().map_or(0, str::len))
        .sum();
    assert!(bytes <= 1024, "{reply}");
}

#[tokio::test]
async fn a_sender_banned_after_getting_a_token_gets_no_message_into_the_room() {
    use shared::bans::{create_table, Ban, BanScope, BanStore, DynamoBanStore, RoomId, UserId};

    let moto = moto::MotoServer::shared();
    let bans = DynamoBanStore::for_endpoint(
        &shared::ivs_client::EndpointSettings::local(moto.endpoint()),
        "review-bans",
    )
    .expect("table name");
    create_table(bans.client(), bans.table_name())
        .await
        .expect("CreateTable");
    let stack = start(&[
        ("BANS_TABLE_NAME", "review-bans"),
        ("AWS_ENDPOINT_URL_DYNAMODB", moto.endpoint()),
        // moto keeps tables per region: the one the table was created in.
        ("AWS_REGION", "us-west-2"),
        // Every message reads the store, so the ban applies at the next message.
        ("BAN_CHECK_MAX_AGE_MS", "0"),
    ])
    .await;
    // Mallory holds a token and a connection from before the ban.
    let mut mallory = join(&stack, "mallory").await;
    let mut bob = join(&stack, "bob").await;
    send(&mut mallory, "before", "hi all").await;
    for socket in [&mut mallory, &mut bob] {
        assert_eq!(next_frame(socket).await["RequestId"], "before");
    }

    let room = RoomId::from_identifier(&stack.room).expect("room id");
    let ban = Ban::new(
        BanScope::Room(room),
        UserId::new("mallory").expect("user"),
        "raid",
        "mod-1",
        time::OffsetDateTime::now_utc(),
        None,
    )
    .expect("ban");
    bans.put(&ban).await.expect("ban stored");

    // The same connection, and a new one with a token fetched before the ban, both refused.
    send(&mut mallory, "after", "still here").await;
    let frame = next_frame(&mut mallory).await;
    assert_eq!(frame["Type"], "ERROR", "{frame}");
    assert_eq!(frame["ErrorCode"], 406);
    let message = frame["ErrorMessage"].as_str().expect("message");
    assert!(message.contains("banned"), "{message}");

    // Bob never sees it: his next frame is his own message.
    send(&mut bob, "bob", "quiet now").await;
    let frame = next_frame(&mut bob).await;
    assert_eq!(frame["RequestId"], "bob", "{frame}");
}
