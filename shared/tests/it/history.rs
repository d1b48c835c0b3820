//! The chat history against a real moto server (DynamoDB): batches of chat-log records as
//! CloudWatch Logs delivers them, applied by the writer and read back by the reader.

use std::collections::BTreeMap;

use shared::bans::{create_table as create_bans_table, Ban, BanScope, BanStore, DynamoBanStore};
use shared::bans::{RoomId, UserId};
use shared::history::awslogs::{LogBatch, LogEvent, LogsEvent};
use shared::history::{
    create_table, ingest, HistoryError, HistoryQuery, HistoryReader, HistoryStore, IngestSummary,
};
use shared::ivs_client::EndpointSettings;
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};

use moto::MotoServer;

const ROOM: &str = "hIsToRy12345";
const RETENTION: Duration = Duration::days(30);

async fn store(test: &str) -> HistoryStore {
    let moto = MotoServer::shared();
    let client = shared::bans::client_for_endpoint(&EndpointSettings::local(moto.endpoint()));
    let name = format!("history-{test}");
    create_table(&client, &name)
        .await
        .expect("CreateTable on moto");
    HistoryStore::new(client, name)
}

async fn bans(test: &str) -> DynamoBanStore {
    let moto = MotoServer::shared();
    let store = DynamoBanStore::for_endpoint(
        &EndpointSettings::local(moto.endpoint()),
        format!("history-bans-{test}"),
    )
    .expect("valid table name");
    create_bans_table(store.client(), store.table_name())
        .await
        .expect("CreateTable on moto");
    store
}

fn rfc3339(at: OffsetDateTime) -> String {
    at.format(&Rfc3339).expect("formats")
}

fn message(id: &str, sender: &str, content: &str, at: OffsetDateTime) -> String {
    serde_json::json!({
        "event_timestamp": rfc3339(at),
        "type": "MESSAGE",
        "payload": {
            "Type": "MESSAGE", "Id": id, "RequestId": format!("req-{id}"),
            "Attributes": {"k": "v"}, "Content": content, "SendTime": rfc3339(at),
            "Sender": {"UserId": sender, "Attributes": {"displayName": sender}}
        },
        "version": "1.0"
    })
    .to_string()
}

fn deletion(id: &str, at: OffsetDateTime) -> String {
    serde_json::json!({
        "event_timestamp": rfc3339(at),
        "type": "EVENT",
        "payload": {
            "Type": "EVENT", "Id": format!("ev-{id}"), "RequestId": "",
            "EventName": "aws:DELETE_MESSAGE",
            "Attributes": {"MessageID": id, "MessageId": id, "Reason": "spam"},
            "SendTime": rfc3339(at)
        },
        "version": "1.0"
    })
    .to_string()
}

fn batch(records: &[String]) -> LogBatch {
    LogBatch {
        message_type: "DATA_MESSAGE".into(),
        owner: "123456789012".into(),
        log_group: "/ivschat/test/chat".into(),
        log_stream: format!("aws/IVSChatLogs/1.0/room_{ROOM}"),
        subscription_filters: vec!["ChatHistoryWriterFunctionChatLog".into()],
        log_events: records
            .iter()
            .enumerate()
            .map(|(i, message)| LogEvent {
                id: i.to_string(),
                timestamp: 0,
                message: message.clone(),
            })
            .collect(),
    }
}

fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}

fn ids(messages: &[shared::history::StoredMessage]) -> Vec<&str> {
    messages.iter().map(|m| m.id.as_str()).collect()
}

#[tokio::test]
async fn a_batch_is_stored_once_in_send_order_even_when_delivered_twice() {
    let store = store("twice").await;
    let start = now() - Duration::minutes(5);
    // Out of order in the batch: the history orders by send time.
    let records: Vec<String> = [3, 1, 2]
        .iter()
        .map(|i| {
            message(
                &format!("m{i}"),
                "alice",
                &format!("hello {i}"),
                start + Duration::seconds(*i),
            )
        })
        .collect();
    let first = ingest(&store, &batch(&records), RETENTION, now())
        .await
        .expect("applies");
    assert_eq!(first.messages_stored, 3);
    let again = ingest(&store, &batch(&records), RETENTION, now())
        .await
        .expect("applies again");
    assert_eq!(again.messages_stored, 3, "rewritten, unchanged");
    let latest = store.latest(ROOM, 10, now()).await.expect("reads");
    assert_eq!(ids(&latest), ["m1", "m2", "m3"]);
    let first_message = &latest[0];
    assert_eq!(first_message.content, "hello 1");
    assert_eq!(first_message.request_id, "req-m1");
    assert_eq!(first_message.sender.user_id, "alice");
    assert_eq!(first_message.sender.attributes["displayName"], "alice");
    assert_eq!(
        first_message.attributes,
        BTreeMap::from([("k".into(), "v".into())])
    );
    assert_eq!(
        OffsetDateTime::parse(&first_message.send_time, &Rfc3339).expect("time"),
        start + Duration::seconds(1)
    );
    let two = store.latest(ROOM, 2, now()).await.expect("reads");
    assert_eq!(ids(&two), ["m2", "m3"], "the latest two, oldest first");
}

#[tokio::test]
async fn deletions_apply_in_either_order_and_survive_a_late_retry() {
    let store = store("deletions").await;
    let at = now() - Duration::minutes(1);
    let m1 = message("d1", "bob", "one", at);
    let m2 = message("d2", "bob", "two", at + Duration::seconds(1));
    let summary = ingest(
        &store,
        &batch(&[
            m1.clone(),
            m2.clone(),
            deletion("d1", at + Duration::seconds(2)),
        ]),
        RETENTION,
        now(),
    )
    .await
    .expect("applies");
    assert_eq!(summary.deletions, 1);
    assert_eq!(
        ids(&store.latest(ROOM, 10, now()).await.expect("reads")),
        ["d2"]
    );
    // The first batch delivered again, late: the deleted message stays deleted.
    let late = ingest(&store, &batch(&[m1]), RETENTION, now())
        .await
        .expect("applies");
    assert_eq!(late.already_deleted, 1);
    assert_eq!(late.messages_stored, 0);
    assert_eq!(
        ids(&store.latest(ROOM, 10, now()).await.expect("reads")),
        ["d2"]
    );
    // A deletion that arrives before its message.
    ingest(&store, &batch(&[deletion("d3", at)]), RETENTION, now())
        .await
        .expect("applies");
    let early = ingest(
        &store,
        &batch(&[message("d3", "bob", "three", at)]),
        RETENTION,
        now(),
    )
    .await
    .expect("applies");
    assert_eq!(early.already_deleted, 1);
    assert_eq!(
        ids(&store.latest(ROOM, 10, now()).await.expect("reads")),
        ["d2"]
    );
}

#[tokio::test]
async fn a_tombstone_is_kept_for_the_retention_from_its_deletion_even_when_that_is_ahead() {
    let store = store("tombstone-expiry").await;
    let ingested_at = now();
    // The chat log's clock ahead of the writer's: the deletion is stamped a day later.
    let deleted_at = ingested_at + Duration::days(1);
    ingest(
        &store,
        &batch(&[deletion("t1", deleted_at)]),
        RETENTION,
        ingested_at,
    )
    .await
    .expect("applies");
    let moto = MotoServer::shared();
    let client = shared::bans::client_for_endpoint(&EndpointSettings::local(moto.endpoint()));
    let tombstone = client
        .get_item()
        .table_name("history-tombstone-expiry")
        .key(
            "roomId",
            aws_sdk_dynamodb::types::AttributeValue::S(ROOM.into()),
        )
        .key(
            "messageId",
            aws_sdk_dynamodb::types::AttributeValue::S("deleted#t1".into()),
        )
        .consistent_read(true)
        .send()
        .await
        .expect("GetItem on moto")
        .item
        .expect("the tombstone is stored");
    let expires_at: i64 = tombstone
        .get("expiresAt")
        .and_then(|v| v.as_n().ok())
        .and_then(|n| n.parse().ok())
        .expect("expiresAt is a number");
    assert_eq!(expires_at, (deleted_at + RETENTION).unix_timestamp());
}

#[tokio::test]
async fn bad_records_are_counted_and_skipped_and_other_events_ignored() {
    let store = store("bad").await;
    let at = now();
    let records = vec![
        "not json".to_owned(),
        r#"{"type":"MESSAGE","version":"1.0","payload":{"Id":"x"}}"#.to_owned(),
        r#"{"type":"MESSAGE","version":"9.9","payload":{}}"#.to_owned(),
        serde_json::json!({"event_timestamp": rfc3339(at), "type": "EVENT", "version": "1.0",
            "payload": {"Type": "EVENT", "Id": "e", "EventName": "app:poll", "Attributes": {}, "SendTime": rfc3339(at)}})
        .to_string(),
        message("good", "carol", "fine", at),
    ];
    let summary = ingest(&store, &batch(&records), RETENTION, now())
        .await
        .expect("applies");
    assert_eq!(
        summary,
        IngestSummary {
            log_events: 5,
            messages_stored: 1,
            ignored: 1,
            bad_records: 3,
            ..IngestSummary::default()
        }
    );
    let mut not_chat = batch(&[message("elsewhere", "carol", "x", at)]);
    not_chat.log_stream = "2026/11/26/[$LATEST]abc".into();
    let skipped = ingest(&store, &not_chat, RETENTION, now())
        .await
        .expect("applies");
    assert_eq!(skipped.bad_records, 1);
    let mut control = batch(&[]);
    control.message_type = "CONTROL_MESSAGE".into();
    assert!(
        ingest(&store, &control, RETENTION, now())
            .await
            .expect("applies")
            .control_message
    );
    assert_eq!(
        ids(&store.latest(ROOM, 10, now()).await.expect("reads")),
        ["good"]
    );
}

#[tokio::test]
async fn messages_past_retention_are_neither_stored_nor_read() {
    let store = store("retention").await;
    let old = now() - Duration::days(31);
    let summary = ingest(
        &store,
        &batch(&[message("old", "dave", "x", old)]),
        RETENTION,
        now(),
    )
    .await
    .expect("applies");
    assert_eq!(summary.expired, 1);
    // Stored with a one-day retention, read two days later: gone before TTL removes it.
    ingest(
        &store,
        &batch(&[message("brief", "dave", "x", now())]),
        Duration::days(1),
        now(),
    )
    .await
    .expect("applies");
    assert_eq!(
        ids(&store.latest(ROOM, 10, now()).await.expect("reads")),
        ["brief"]
    );
    assert!(store
        .latest(ROOM, 10, now() + Duration::days(2))
        .await
        .expect("reads")
        .is_empty());
}

#[tokio::test]
async fn a_time_range_pages_without_gaps_or_repeats() {
    let store = store("range").await;
    let start = now() - Duration::hours(1);
    let records: Vec<String> = (0..25)
        .map(|i| {
            message(
                &format!("r{i:02}"),
                "erin",
                "x",
                start + Duration::seconds(i),
            )
        })
        .collect();
    ingest(&store, &batch(&records), RETENTION, now())
        .await
        .expect("applies");
    let reader = HistoryReader {
        store: &store,
        bans: &bans("range").await,
    };
    // Seconds 5 to 20 inclusive: 16 messages, in pages of 6.
    let (from, to) = (start + Duration::seconds(5), start + Duration::seconds(20));
    let mut seen = Vec::new();
    let mut token = None;
    let mut pages = 0;
    loop {
        let query = HistoryQuery::Range {
            from,
            to,
            limit: 6,
            next_token: token.clone(),
        };
        let answer = reader.read(ROOM, &query, now()).await.expect("reads");
        pages += 1;
        seen.extend(answer.messages.iter().map(|m| m.id.clone()));
        match answer.next_token {
            Some(next) => token = Some(next),
            None => break,
        }
        assert!(pages < 10, "the range never ends");
    }
    let expected: Vec<String> = (5..=20).map(|i| format!("r{i:02}")).collect();
    assert_eq!(seen, expected);
    // A token of this room is refused for another.
    let query = HistoryQuery::Range {
        from,
        to,
        limit: 6,
        next_token: None,
    };
    let first = reader.read(ROOM, &query, now()).await.expect("reads");
    let token = first.next_token.expect("more pages");
    let error = store
        .range("oThErRoOm123", from, to, 6, Some(&token), now())
        .await
        .expect_err("foreign token");
    assert_eq!(error, HistoryError::InvalidPageToken);
}

#[tokio::test]
async fn messages_of_banned_users_are_left_out_while_the_ban_lasts() {
    let store = store("banned").await;
    let bans = bans("banned").await;
    let at = now() - Duration::minutes(1);
    let records = [
        message("b1", "frank", "hi", at),
        message("b2", "troll", "rude", at + Duration::seconds(1)),
        message("b3", "globaltroll", "rude", at + Duration::seconds(2)),
        message("b4", "frank", "bye", at + Duration::seconds(3)),
    ];
    ingest(&store, &batch(&records), RETENTION, now())
        .await
        .expect("applies");
    let user = |id: &str| UserId::new(id).expect("user");
    let room = BanScope::Room(RoomId::new(ROOM).expect("room"));
    bans.put(&Ban::new(room.clone(), user("troll"), "rude", "mod", now(), None).expect("ban"))
        .await
        .expect("bans");
    bans.put(
        &Ban::for_duration(
            BanScope::Global,
            user("globaltroll"),
            "rude",
            "mod",
            now(),
            Duration::minutes(5),
        )
        .expect("ban"),
    )
    .await
    .expect("bans");
    // Banned from another room only: still shown here.
    let other = BanScope::Room(RoomId::new("oThErRoOm123").expect("room"));
    bans.put(&Ban::new(other, user("frank"), "x", "mod", now(), None).expect("ban"))
        .await
        .expect("bans");
    let reader = HistoryReader {
        store: &store,
        bans: &bans,
    };
    let latest = HistoryQuery::Latest { limit: 10 };
    let answer = reader.read(ROOM, &latest, now()).await.expect("reads");
    assert_eq!(ids(&answer.messages), ["b1", "b4"]);
    // After the timed global ban ends, that user's messages are back.
    let later = reader
        .read(ROOM, &latest, now() + Duration::minutes(10))
        .await
        .expect("reads");
    assert_eq!(ids(&later.messages), ["b1", "b3", "b4"]);
    bans.remove(&room, &user("troll")).await.expect("unbans");
    let unbanned = reader
        .read(ROOM, &latest, now() + Duration::minutes(10))
        .await
        .expect("reads");
    assert_eq!(ids(&unbanned.messages), ["b1", "b2", "b3", "b4"]);
}

#[tokio::test]
async fn a_delivery_event_decodes_to_the_batch_it_carries() {
    let sent = batch(&[message("w1", "gina", "hi", now())]);
    let event = LogsEvent::encode(&sent).expect("encodes");
    let wire = serde_json::to_string(&event).expect("serialises");
    let parsed: LogsEvent = serde_json::from_str(&wire).expect("parses");
    let store = store("event").await;
    let summary = ingest(&store, &parsed.decode().expect("decodes"), RETENTION, now())
        .await
        .expect("applies");
    assert_eq!(summary.messages_stored, 1);
}

#[tokio::test]
async fn large_batches_are_written_in_chunks_and_a_concurrent_deletion_always_wins() {
    let store = store("chunks").await;
    let at = now() - Duration::minutes(10);
    // 260 messages (eleven BatchWriteItem calls) and 130 deletions of them in one delivery.
    let mut records: Vec<String> = (0..260)
        .map(|i| {
            message(
                &format!("c{i:03}"),
                "hank",
                "x",
                at + Duration::milliseconds(i),
            )
        })
        .collect();
    records.extend(
        (0..260)
            .step_by(2)
            .map(|i| deletion(&format!("c{i:03}"), now())),
    );
    let summary = ingest(&store, &batch(&records), RETENTION, now())
        .await
        .expect("applies");
    assert_eq!(
        (
            summary.messages_stored,
            summary.deletions,
            summary.already_deleted
        ),
        (130, 130, 130)
    );
    let latest = store.latest(ROOM, 100, now()).await.expect("reads");
    let expected: Vec<String> = (60..260)
        .step_by(2)
        .map(|i| format!("c{:03}", i + 1))
        .collect();
    assert_eq!(ids(&latest), expected);

    // A message and its deletion in two deliveries applied at the same time, many times over:
    // whichever write lands first, the message ends deleted.
    for round in 0..20 {
        let id = format!("race{round:02}");
        let put = batch(&[message(&id, "ivan", "x", now())]);
        let delete = batch(&[deletion(&id, now())]);
        let (a, b) = tokio::join!(
            ingest(&store, &put, RETENTION, now()),
            ingest(&store, &delete, RETENTION, now())
        );
        a.expect("applies");
        b.expect("applies");
        let shown = store.latest(ROOM, 100, now()).await.expect("reads");
        assert!(
            !ids(&shown).contains(&id.as_str()),
            "round {round}: {id} came back"
        );
    }
}

// ---- faults a real server cannot produce: canned DynamoDB answers through the SDK ----

mod unprocessed {
    use super::*;
    use aws_sdk_dynamodb::config::retry::RetryConfig;
    use aws_sdk_dynamodb::operation::batch_write_item::BatchWriteItemOutput;
    use aws_sdk_dynamodb::types::{AttributeValue, PutRequest, WriteRequest};
    use aws_sdk_dynamodb::Client;
    use aws_smithy_mocks::{mock, mock_client, Rule, RuleMode};
    use std::collections::HashMap;

    const TABLE: &str = "history-mocked";

    fn mocked_store(rules: &[&Rule]) -> HistoryStore {
        let client: Client = mock_client!(aws_sdk_dynamodb, RuleMode::Sequential, rules, |c| c
            .retry_config(RetryConfig::standard().with_max_attempts(1)));
        HistoryStore::new(client, TABLE)
    }

    /// An answer that leaves one tombstone write unprocessed.
    fn one_write_left() -> BatchWriteItemOutput {
        let item = HashMap::from([
            ("roomId".to_owned(), AttributeValue::S(ROOM.into())),
            (
                "messageId".to_owned(),
                AttributeValue::S("deleted#m1".into()),
            ),
        ]);
        let put = PutRequest::builder()
            .set_item(Some(item))
            .build()
            .expect("item given");
        BatchWriteItemOutput::builder()
            .unprocessed_items(
                TABLE,
                vec![WriteRequest::builder().put_request(put).build()],
            )
            .build()
    }

    #[tokio::test]
    async fn writes_left_unprocessed_are_sent_again() {
        let rule = mock!(Client::batch_write_item)
            .sequence()
            .output(one_write_left)
            .output(|| BatchWriteItemOutput::builder().build())
            .repeatedly()
            .build();
        let store = mocked_store(&[&rule]);
        store
            .delete_messages(ROOM, &[("m1", now())], now() + RETENTION)
            .await
            .expect("written on the second call");
        // Tombstones: two calls (the second for the one left over); then the deletion.
        assert_eq!(rule.num_calls(), 3);
    }

    #[tokio::test]
    async fn writes_that_stay_unprocessed_are_reported_as_throttling() {
        let rule = mock!(Client::batch_write_item)
            .sequence()
            .output(one_write_left)
            .repeatedly()
            .build();
        let store = mocked_store(&[&rule]);
        let error = store
            .delete_messages(ROOM, &[("m1", now())], now() + RETENTION)
            .await
            .expect_err("never written");
        assert!(
            matches!(&error, HistoryError::Throttled { operation: "BatchWriteItem", message, .. }
                if message.contains("1 keys or writes still unprocessed after 5 calls")),
            "{error:?}"
        );
        assert_eq!(rule.num_calls(), 5);
    }
}
