//! Approving held messages when something stops halfway: moto as DynamoDB (the room
//! moderation, bans and history tables) and an in-process IVS Chat `SendEvent` that can deliver
//! and then lose its answer, a fault the local service cannot produce. Approving twice
//! delivers once, an approval that stopped after delivering is finished from the chat history
//! without a second event, one that stopped before delivering is delivered by the next
//! approval, and nothing is released that may have been delivered.

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex};

use serde_json::{json, Value};
use shared::bans::{create_table as create_bans_table, DynamoBanStore, RoomId};
use shared::history::awslogs::{LogBatch, LogEvent};
use shared::history::{create_table as create_history_table, ingest, HistoryStore};
use shared::http_api::ApiError;
use shared::ids::ResourceNames;
use shared::ivs_client::EndpointSettings;
use shared::moderation_api::{ModerationApi, APPROVAL_LEASE};
use shared::room_moderation::{
    create_table, held_id, HeldMessage, HeldStatus, RoomModerationStore,
};
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};

use moto::MotoServer;

const ROOM: &str = "heLdAPPr0val";

/// What the fake does with one `SendEvent`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Behaviour {
    /// Delivers and answers the event's id.
    Deliver,
    /// Delivers, then drops the connection without answering (the answer is lost).
    DeliverAndLoseAnswer,
    /// Refuses (400 ValidationException): nothing delivered.
    Refuse,
}

/// IVS Chat's `SendEvent` on a loopback port: what it delivered, and how it answers next.
#[derive(Clone, Default)]
struct FakeIvs {
    delivered: Arc<Mutex<Vec<Value>>>,
    next: Arc<Mutex<VecDeque<Behaviour>>>,
}

impl FakeIvs {
    async fn start() -> (FakeIvs, String) {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("binds");
        let url = format!("http://{}", listener.local_addr().expect("address"));
        let fake = FakeIvs::default();
        let serving = fake.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(serving.clone().serve(stream));
            }
        });
        (fake, url)
    }

    fn then(&self, behaviour: Behaviour) {
        self.next.lock().expect("lock").push_back(behaviour);
    }

    fn delivered(&self) -> Vec<Value> {
        self.delivered.lock().expect("lock").clone()
    }

    /// HTTP/1.1 requests on one connection, answered in turn.
    async fn serve(self, mut stream: TcpStream) {
        let mut buffer = Vec::new();
        loop {
            let Some(end) = find(&buffer, b"\r\n\r\n") else {
                let mut chunk = [0u8; 4096];
                match stream.read(&mut chunk).await {
                    Ok(0) | Err(_) => return,
                    Ok(n) => buffer.extend_from_slice(&chunk[..n]),
                }
                continue;
            };
            let head = String::from_utf8_lossy(&buffer[..end]).to_lowercase();
            let length: usize = head
                .lines()
                .find_map(|line| line.strip_prefix("content-length:"))
                .and_then(|n| n.trim().parse().ok())
                .unwrap_or(0);
            while buffer.len() < end + 4 + length {
                let mut chunk = [0u8; 4096];
                match stream.read(&mut chunk).await {
                    Ok(0) | Err(_) => return,
                    Ok(n) => buffer.extend_from_slice(&chunk[..n]),
                }
            }
            let body: Value =
                serde_json::from_slice(&buffer[end + 4..end + 4 + length]).unwrap_or(Value::Null);
            buffer.drain(..end + 4 + length);
            let behaviour = self
                .next
                .lock()
                .expect("lock")
                .pop_front()
                .unwrap_or(Behaviour::Deliver);
            let (status, kind, answer) = match behaviour {
                Behaviour::Refuse => (
                    "400 Bad Request",
                    "ValidationException",
                    json!({"message": "refused by the fake"}),
                ),
                Behaviour::Deliver | Behaviour::DeliverAndLoseAnswer => {
                    let mut delivered = self.delivered.lock().expect("lock");
                    delivered.push(body);
                    let id = format!("EvT{:09}", delivered.len());
                    ("200 OK", "", json!({ "id": id }))
                }
            };
            if behaviour == Behaviour::DeliverAndLoseAnswer {
                return;
            }
            let answer = answer.to_string();
            let mut response = format!(
                "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n",
                answer.len()
            );
            if !kind.is_empty() {
                response.push_str(&format!("x-amzn-errortype: {kind}\r\n"));
            }
            response.push_str("\r\n");
            response.push_str(&answer);
            if stream.write_all(response.as_bytes()).await.is_err() {
                return;
            }
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

struct Fixture {
    api: ModerationApi<DynamoBanStore>,
    store: RoomModerationStore,
    history: HistoryStore,
    ivs: FakeIvs,
    names: ResourceNames,
    room: RoomId,
}

async fn fixture(test: &str) -> Fixture {
    let moto = MotoServer::shared();
    let endpoint = EndpointSettings::local(moto.endpoint());
    let client = shared::bans::client_for_endpoint(&endpoint);
    let moderation_table = format!("held-approval-{test}");
    create_table(&client, &moderation_table)
        .await
        .expect("room moderation table");
    let history_table = format!("held-approval-history-{test}");
    create_history_table(&client, &history_table)
        .await
        .expect("history table");
    let bans = DynamoBanStore::for_endpoint(&endpoint, format!("held-approval-bans-{test}"))
        .expect("bans");
    create_bans_table(bans.client(), bans.table_name())
        .await
        .expect("bans table");
    let (ivs, url) = FakeIvs::start().await;
    let store = RoomModerationStore::new(client.clone(), moderation_table);
    let history = HistoryStore::new(client, history_table);
    let api = ModerationApi::new(
        shared::ivs_client::for_endpoint(&EndpointSettings::local(url)),
        bans,
    )
    .with_room_moderation(store.clone())
    .with_history(history.clone());
    Fixture {
        api,
        store,
        history,
        ivs,
        names: ResourceNames::of_function(
            "arn:aws:lambda:us-west-2:123456789012:function:moderation-api",
        )
        .expect("names"),
        room: RoomId::new(ROOM).expect("room id"),
    }
}

impl Fixture {
    /// A message a hold rule kept back at `at`, for an hour.
    async fn hold(&self, content: &str, at: OffsetDateTime) -> String {
        let message_id = format!("msg{}", content.len());
        let held = HeldMessage {
            id: held_id(at, &message_id),
            room_id: ROOM.to_owned(),
            message_id,
            content: content.to_owned(),
            attributes: BTreeMap::new(),
            sender_user_id: "alice".to_owned(),
            sender_attributes: BTreeMap::from([("displayName".to_owned(), "Alice".to_owned())]),
            rules: vec!["room.hold:giveaway".to_owned()],
            held_at: at,
            expires_at: at + Duration::hours(1),
            status: HeldStatus::Held,
            decided_by: None,
            decided_at: None,
            event_id: None,
            approval: None,
        };
        self.store.hold(&self.room, &held).await.expect("held");
        held.id
    }

    async fn approve(&self, id: &str, by: &str, at: OffsetDateTime) -> Result<Value, ApiError> {
        self.api
            .approve_held(&self.names, ROOM, id, by, at)
            .await
            .map(|view| serde_json::to_value(view).expect("json"))
    }

    async fn status(&self, id: &str) -> HeldStatus {
        self.store
            .held_message(&self.room, id)
            .await
            .expect("read")
            .expect("the message")
            .status
    }

    /// What IVS Chat's logging does with a delivered event: its chat-log record, written to the
    /// history by the writer.
    async fn log_delivery(&self, event: &Value, id: &str, at: OffsetDateTime) {
        let time = at.format(&Rfc3339).expect("formats");
        let record = json!({
            "event_timestamp": time,
            "type": "EVENT",
            "payload": {
                "Type": "EVENT", "Id": id, "RequestId": "",
                "EventName": event["eventName"], "Attributes": event["attributes"],
                "SendTime": time
            },
            "version": "1.0"
        });
        let batch = LogBatch {
            message_type: "DATA_MESSAGE".into(),
            owner: "123456789012".into(),
            log_group: "/ivschat/test/chat".into(),
            log_stream: format!("aws/IVSChatLogs/1.0/room_{ROOM}"),
            subscription_filters: vec!["ChatHistoryWriterFunctionChatLog".into()],
            log_events: vec![LogEvent {
                id: "0".into(),
                timestamp: 0,
                message: record.to_string(),
            }],
        };
        let stored = ingest(&self.history, &batch, Duration::days(30), at)
            .await
            .expect("ingested");
        assert_eq!(stored.messages_stored, 1, "{stored:?}");
    }
}

#[tokio::test]
async fn approving_twice_at_once_delivers_once() {
    let f = fixture("twice").await;
    let now = OffsetDateTime::now_utc();
    let id = f.hold("free giveaway", now).await;
    let (first, second) = tokio::join!(f.approve(&id, "mod-1", now), f.approve(&id, "mod-2", now));
    assert_eq!(f.ivs.delivered().len(), 1, "{first:?} {second:?}");
    let won = [&first, &second]
        .into_iter()
        .filter(|r| r.as_ref().is_ok_and(|v| v["status"] == "approved"))
        .count();
    assert!(won >= 1, "{first:?} {second:?}");
    for answer in [&first, &second] {
        if let Err(error) = answer {
            assert!(matches!(error, ApiError::Conflict(_)), "{error:?}");
        }
    }
    // Later approvals answer the first one's decision and send nothing.
    let again = f.approve(&id, "mod-3", now).await.expect("approved");
    assert_eq!(again["status"], "approved");
    assert_eq!(f.ivs.delivered().len(), 1);
}

#[tokio::test]
async fn an_approval_whose_answer_was_lost_after_delivery_is_finished_from_the_history_once() {
    let f = fixture("lost-answer").await;
    let now = OffsetDateTime::now_utc();
    let id = f.hold("free giveaway today", now).await;

    // SendEvent delivers, and its answer never comes back: the function cannot know.
    f.ivs.then(Behaviour::DeliverAndLoseAnswer);
    let lost = f.approve(&id, "mod-1", now).await;
    assert!(matches!(lost, Err(ApiError::Internal(_))), "{lost:?}");
    assert_eq!(f.ivs.delivered().len(), 1, "one attempt: no SDK retry");
    assert_eq!(
        f.status(&id).await,
        HeldStatus::Approving,
        "not released: it may have been delivered"
    );

    // While the claim lasts, another approval waits for it and sends nothing.
    let busy = f
        .approve(&id, "mod-2", now + Duration::seconds(5))
        .await
        .expect_err("still claimed");
    assert!(matches!(busy, ApiError::Conflict(_)), "{busy:?}");
    assert_eq!(f.ivs.delivered().len(), 1);

    // The moderators still see it waiting once the claim has lapsed.
    let after = now + APPROVAL_LEASE + Duration::seconds(1);
    let page = f
        .store
        .held_messages(&f.room, None, 50, after)
        .await
        .expect("listed");
    assert_eq!(page.messages.len(), 1);

    // The chat log brought the delivered event to the history; the next approval finds it.
    let delivered = f.ivs.delivered()[0].clone();
    assert_eq!(delivered["attributes"]["MessageId"], id.as_str());
    f.log_delivery(&delivered, "EvTdelivered1", now + Duration::seconds(1))
        .await;
    let settled = f.approve(&id, "mod-2", after).await.expect("settled");
    assert_eq!(settled["status"], "approved");
    assert_eq!(settled["eventId"], "EvTdelivered1");
    assert_eq!(f.ivs.delivered().len(), 1, "delivered once");
    let again = f.approve(&id, "mod-3", after).await.expect("approved");
    assert_eq!(again, settled);
    assert_eq!(f.ivs.delivered().len(), 1);
}

#[tokio::test]
async fn an_approval_that_stopped_before_delivering_is_delivered_once_by_the_next() {
    let f = fixture("stopped").await;
    let now = OffsetDateTime::now_utc();
    let id = f.hold("free giveaway tomorrow", now).await;
    // The function claims the message and dies before SendEvent.
    let held = f
        .store
        .held_message(&f.room, &id)
        .await
        .expect("read")
        .expect("held");
    f.store
        .claim_approval(&f.room, &held, "mod-1", now, APPROVAL_LEASE)
        .await
        .expect("claim")
        .expect("claimed");

    // The message would have expired meanwhile: the claim keeps it.
    let after = now + Duration::hours(2);
    let settled = f.approve(&id, "mod-2", after).await.expect("delivered");
    assert_eq!(settled["status"], "approved");
    let delivered = f.ivs.delivered();
    assert_eq!(delivered.len(), 1);
    assert_eq!(
        delivered[0]["attributes"]["Content"],
        "free giveaway tomorrow"
    );
    assert_eq!(delivered[0]["attributes"]["MessageId"], id.as_str());
    assert_eq!(settled["eventId"], "EvT000000001", "the event IVS answered");
    f.approve(&id, "mod-3", after).await.expect("approved");
    assert_eq!(f.ivs.delivered().len(), 1);
}

#[tokio::test]
async fn a_refused_event_releases_the_message_for_the_next_decision() {
    let f = fixture("refused").await;
    let now = OffsetDateTime::now_utc();
    let id = f.hold("free giveaway now", now).await;
    f.ivs.then(Behaviour::Refuse);
    let refused = f.approve(&id, "mod-1", now).await;
    assert!(
        matches!(refused, Err(ApiError::Invalid { .. })),
        "{refused:?}"
    );
    assert!(f.ivs.delivered().is_empty());
    let held = f
        .store
        .held_message(&f.room, &id)
        .await
        .expect("read")
        .expect("held");
    assert_eq!(held.status, HeldStatus::Held);
    assert_eq!(held.approval, None);
    assert_eq!(
        held.expires_at,
        now.replace_nanosecond(0).expect("whole seconds") + Duration::hours(1),
        "its own expiry again"
    );
    let approved = f.approve(&id, "mod-2", now).await.expect("approved");
    assert_eq!(approved["status"], "approved");
    assert_eq!(approved["decidedBy"], "mod-2");
    assert_eq!(f.ivs.delivered().len(), 1);
}
