//! One chat connection: reads the client's requests in order, checks capabilities and the
//! room's limits, runs message review, and writes the frames the hub queues for it; ends
//! the session with ERROR 401 when it expires.

use std::collections::{BTreeMap, VecDeque};
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message, WebSocket};
use futures_util::{SinkExt, StreamExt};
use time::OffsetDateTime;

use super::frames::{self, Request};
use super::hub::{Hub, Outbound, RoomKey};
use super::outbox::Outbox;
use super::review::{self, ReviewOutcome, ReviewRequest, ReviewSender};
use crate::chat_logging::RecordType;
use crate::control_plane::input::MAX_ATTRIBUTES_BYTES;
use crate::control_plane::output::ArnScope;
use crate::lambda::FunctionInvoker;
use crate::state::{ids, Capability, ChatTokenGrant, ServiceState};

/// The longest close reason a close frame can carry, in bytes.
const MAX_CLOSE_REASON: usize = 123;
/// Close code of a message too big to process (RFC 6455, section 7.4.1).
const MESSAGE_TOO_BIG: u16 = 1009;

pub struct Session {
    hub: Arc<Hub>,
    state: Arc<ServiceState>,
    invoker: FunctionInvoker,
    grant: ChatTokenGrant,
    room: RoomKey,
    room_arn: String,
    ip: String,
    ends_at: OffsetDateTime,
}

/// A connection registered with the hub, and its outgoing queue.
pub struct Joined {
    connection: u64,
    outbox: Arc<Outbox>,
}

impl Joined {
    pub fn connection_id(&self) -> u64 {
        self.connection
    }
}

/// An ERROR to send back: code and message.
struct Refusal(u16, String);

/// A refusal of an operation that already has an IVS-generated id (a reviewed message): the
/// ERROR frame carries that id, as the messaging API documents.
struct RefusalOf {
    id: Option<String>,
    refusal: Refusal,
}

impl From<Refusal> for RefusalOf {
    fn from(refusal: Refusal) -> Self {
        RefusalOf { id: None, refusal }
    }
}

impl Session {
    pub fn new(
        hub: Arc<Hub>,
        state: Arc<ServiceState>,
        invoker: FunctionInvoker,
        grant: ChatTokenGrant,
        ip: IpAddr,
        connected_at: OffsetDateTime,
    ) -> Self {
        let room = (grant.region.clone(), grant.room_id.clone());
        let room_arn = ArnScope {
            region: grant.region.clone(),
            account_id: state.account_id().to_owned(),
        }
        .room_arn(&grant.room_id);
        let ends_at = connected_at + grant.session_duration;
        Session {
            hub,
            state,
            invoker,
            grant,
            room,
            room_arn,
            ip: ip.to_string(),
            ends_at,
        }
    }

    /// Joins the room's fan-out before the handshake is answered: from the moment the client
    /// sees the connection open, it receives all of the room's traffic (the JavaScript SDK
    /// drops its previous connection at that moment). Frames wait in the queue until the
    /// socket is ready.
    pub fn join(&self) -> Joined {
        let outbox = Arc::new(Outbox::default());
        let connection = self.hub.join(
            &self.room,
            Arc::from(self.grant.user_id.as_str()),
            Arc::clone(&outbox),
        );
        Joined { connection, outbox }
    }

    pub async fn run(self, socket: WebSocket, joined: Joined) {
        let (sink, mut stream) = socket.split();
        let Joined { connection, outbox } = joined;
        let sender = &*outbox;
        let mut writer = tokio::spawn(write_frames(sink, Arc::clone(&outbox)));
        let remaining = (self.ends_at - ids::now())
            .try_into()
            .unwrap_or(Duration::ZERO);
        let expiry = tokio::time::sleep(remaining);
        tokio::pin!(expiry);
        let mut writer_done = false;
        loop {
            tokio::select! {
                incoming = stream.next() => match incoming {
                    Some(Ok(Message::Text(text))) => self.handle(text.as_str(), sender).await,
                    Some(Ok(Message::Binary(_))) => {
                        send_error(sender, "", 400, "Binary frames are not supported; send JSON text frames.");
                    }
                    Some(Ok(Message::Ping(_) | Message::Pong(_))) => {}
                    Some(Err(error)) if is_too_big(&error) => {
                        tracing::debug!("closing a chat connection: {error}");
                        sender.push(Outbound::Close(
                            MESSAGE_TOO_BIG,
                            "Message too big: the frame exceeds the server's maximum message size".into(),
                        ));
                        break;
                    }
                    Some(Ok(Message::Close(_)) | Err(_)) | None => break,
                },
                () = &mut expiry => {
                    send_error(sender, "", 401, "The chat session has expired; connect again with a new token.");
                    sender.push(Outbound::Close(1000, "Session expired".into()));
                    break;
                }
                _ = &mut writer => {
                    writer_done = true;
                    break;
                }
            }
        }
        self.hub.leave(&self.room, connection);
        outbox.close();
        if !writer_done {
            // Let queued frames (an ERROR, a close) reach the client.
            if tokio::time::timeout(Duration::from_secs(2), &mut writer)
                .await
                .is_err()
            {
                writer.abort();
            }
        }
    }

    async fn handle(&self, text: &str, sender: &Outbox) {
        let (request_id, request) = match frames::parse_request(text) {
            Ok(parsed) => parsed,
            Err(bad) => return send_error(sender, &bad.request_id, 400, &bad.message),
        };
        let result = match request {
            Request::SendMessage {
                content,
                attributes,
            } => self.send_message(&request_id, content, attributes).await,
            Request::DeleteMessage { id, reason } => self
                .delete_message(&request_id, &id, reason.as_deref())
                .map_err(RefusalOf::from),
            Request::DisconnectUser { user_id, reason } => self
                .disconnect_user(&request_id, &user_id, reason.as_deref())
                .map_err(RefusalOf::from),
        };
        if let Err(RefusalOf {
            id,
            refusal: Refusal(code, message),
        }) = result
        {
            send_error_of(sender, id, &request_id, code, &message);
        }
    }

    fn require(&self, capability: Capability, action: &str) -> Result<(), Refusal> {
        if self.grant.capabilities.contains(&capability) {
            Ok(())
        } else {
            Err(Refusal(
                403,
                format!("The chat token does not grant the capability {action}."),
            ))
        }
    }

    async fn send_message(
        &self,
        request_id: &str,
        content: String,
        attributes: Option<BTreeMap<String, String>>,
    ) -> Result<(), RefusalOf> {
        self.require(Capability::SendMessage, "SEND_MESSAGE")?;
        let limits = self
            .state
            .region(&self.room.0)
            .room_limits(&self.room.1)
            .ok_or_else(|| RefusalOf::from(Refusal(404, "The room no longer exists.".into())))?;
        if let Some(attributes) = &attributes {
            let size: usize = attributes.iter().map(|(k, v)| k.len() + v.len()).sum();
            if size > MAX_ATTRIBUTES_BYTES {
                return Err(RefusalOf::from(Refusal(
                    413,
                    format!(
                        "Payload too large: Attributes must total at most {MAX_ATTRIBUTES_BYTES} bytes (keys and values, in UTF-8); these have {size}."
                    ),
                )));
            }
        }
        let length = content.chars().count();
        if length > limits.maximum_message_length as usize {
            return Err(RefusalOf::from(Refusal(
                400,
                format!(
                    "Messages must be at most {} characters long; this one has {length}.",
                    limits.maximum_message_length
                ),
            )));
        }
        if !self
            .hub
            .try_take_message(&self.room, limits.maximum_message_rate_per_second)
        {
            return Err(RefusalOf::from(Refusal(
                429,
                format!(
                    "The room accepts at most {} messages per second.",
                    limits.maximum_message_rate_per_second
                ),
            )));
        }
        let id = ids::new_id();
        let send_time = ids::now();
        let (content, attributes) = match &limits.message_review_handler {
            None => (content, attributes),
            Some(handler) => {
                let no_attributes = BTreeMap::new();
                let request = ReviewRequest {
                    content: &content,
                    message_id: &id,
                    room_arn: &self.room_arn,
                    attributes: attributes.as_ref().unwrap_or(&no_attributes),
                    sender: ReviewSender {
                        attributes: &self.grant.attributes,
                        user_id: &self.grant.user_id,
                        ip: &self.ip,
                    },
                    attributes_given: attributes.is_some(),
                };
                match review::review(
                    &self.invoker,
                    handler,
                    &request,
                    limits.maximum_message_length,
                )
                .await
                {
                    ReviewOutcome::Allow {
                        content,
                        attributes,
                    } => (content, attributes),
                    ReviewOutcome::Deny { reason } => {
                        return Err(RefusalOf {
                            id: Some(id),
                            refusal: Refusal(406, reason),
                        });
                    }
                }
            }
        };
        let frame = frames::message(&frames::Message {
            id: &id,
            request_id,
            content: &content,
            attributes: attributes.as_ref(),
            send_time,
            sender_user_id: &self.grant.user_id,
            sender_attributes: &self.grant.attributes,
        });
        self.hub
            .publish(&self.room, RecordType::Message, &frame, send_time);
        Ok(())
    }

    fn delete_message(
        &self,
        request_id: &str,
        message_id: &str,
        reason: Option<&str>,
    ) -> Result<(), Refusal> {
        self.require(Capability::DeleteMessage, "DELETE_MESSAGE")?;
        if message_id.len() != ids::ID_LENGTH
            || !message_id.bytes().all(|b| b.is_ascii_alphanumeric())
        {
            return Err(Refusal(
                400,
                "Id must be the 12-character Id of a MESSAGE.".into(),
            ));
        }
        let attributes = frames::delete_message_attributes(message_id, reason);
        let time = ids::now();
        let frame = frames::event(
            &ids::new_id(),
            request_id,
            "aws:DELETE_MESSAGE",
            &attributes,
            time,
        );
        self.hub
            .publish(&self.room, RecordType::Event, &frame, time);
        Ok(())
    }

    fn disconnect_user(
        &self,
        request_id: &str,
        user_id: &str,
        reason: Option<&str>,
    ) -> Result<(), Refusal> {
        self.require(Capability::DisconnectUser, "DISCONNECT_USER")?;
        if user_id.is_empty() {
            return Err(Refusal(400, "UserId must not be empty.".into()));
        }
        let attributes = frames::disconnect_user_attributes(user_id, reason);
        let time = ids::now();
        let frame = frames::event(
            &ids::new_id(),
            request_id,
            "aws:DISCONNECT_USER",
            &attributes,
            time,
        );
        let close_reason = reason.unwrap_or("Disconnected by a moderator");
        self.hub
            .disconnect_user(&self.room, user_id, &frame, time, close_reason);
        Ok(())
    }
}

/// Writes queued frames to the socket: whatever is queued at once goes out with one flush
/// (at most `BATCH` frames per flush); a close frame ends the connection.
async fn write_frames(
    mut sink: futures_util::stream::SplitSink<WebSocket, Message>,
    outbox: Arc<Outbox>,
) {
    /// Frames written before one flush, at most.
    const BATCH: usize = 64;
    let mut batch = VecDeque::new();
    let written_all = 'writing: loop {
        if !outbox.take_all(&mut batch).await {
            break true;
        }
        let mut written = 0;
        while let Some(outbound) = batch.pop_front() {
            match outbound {
                Outbound::Frame(text) => {
                    if written == BATCH {
                        if sink.flush().await.is_err() {
                            break 'writing false;
                        }
                        written = 0;
                    }
                    if sink.feed(Message::Text(text)).await.is_err() {
                        break 'writing false;
                    }
                    written += 1;
                }
                Outbound::Close(code, reason) => {
                    let reason = truncate(&reason, MAX_CLOSE_REASON);
                    let close = Message::Close(Some(CloseFrame {
                        code,
                        reason: reason.into(),
                    }));
                    let _ = sink.send(close).await;
                    let _ = sink.close().await;
                    break 'writing false;
                }
            }
        }
        if sink.flush().await.is_err() {
            break false;
        }
    };
    if !written_all {
        // Frames queued from now on have nowhere to go.
        outbox.abandon();
    }
}

fn send_error(sender: &Outbox, request_id: &str, code: u16, message: &str) {
    send_error_of(sender, None, request_id, code, message);
}

/// Queues an ERROR whose `Id` is the failed operation's id when it has one, else a new id.
fn send_error_of(sender: &Outbox, id: Option<String>, request_id: &str, code: u16, message: &str) {
    let id = id.unwrap_or_else(ids::new_id);
    sender.push(Outbound::Frame(frames::error(
        &id, request_id, code, message,
    )));
}

/// Whether a read failed because the client's message or frame is over the configured
/// maximum. axum does not expose the WebSocket library's error type, so this reads the
/// library's message for its capacity errors ("Space limit exceeded: Message too long").
fn is_too_big(error: &axum::Error) -> bool {
    let text = error.to_string();
    text.contains("Space limit exceeded") || text.contains("Message too long")
}

fn truncate(text: &str, max_bytes: usize) -> &str {
    if text.len() <= max_bytes {
        return text;
    }
    let mut end = max_bytes;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}
