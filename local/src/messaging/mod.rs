//! The messaging API: WebSocket connections on the control plane's listener (any path), the
//! chat token as the subprotocol, and the rooms' live traffic
//! (<https://docs.aws.amazon.com/ivs/latest/chatmsgapireference/chat-messaging-api.html>).

pub mod frames;
pub mod hub;
pub mod outbox;
pub mod review;
mod session;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::FromRequestParts;
use axum::response::IntoResponse;
use http::header::{CONNECTION, SEC_WEBSOCKET_PROTOCOL, UPGRADE};
use http::{Request, Response, StatusCode};

use crate::chat_logging::ChatLogger;
use crate::lambda::FunctionInvoker;
use crate::state::chat_tokens::RedeemError;
use crate::state::{ids, ServiceState};
use hub::Hub;

/// Chat connections: handshakes, sessions and the hub that fans frames out.
pub struct Messaging {
    pub hub: Arc<Hub>,
    state: Arc<ServiceState>,
    invoker: FunctionInvoker,
    /// Largest message (and frame) a client may send, in bytes.
    max_frame_bytes: usize,
}

impl Messaging {
    /// Creates the messaging side and subscribes it to control-plane activity. A client
    /// message over `max_frame_bytes` closes its connection with 1009 (Message Too Big).
    pub fn new(
        state: Arc<ServiceState>,
        invoker: FunctionInvoker,
        logger: Option<Arc<ChatLogger>>,
        max_frame_bytes: usize,
    ) -> Arc<Self> {
        let hub = Arc::new(Hub::new(logger));
        state
            .activity
            .add_sink(Arc::clone(&hub) as Arc<dyn crate::state::ActivitySink>);
        Arc::new(Messaging {
            hub,
            state,
            invoker,
            max_frame_bytes,
        })
    }

    /// Whether a request asks to become a WebSocket.
    pub fn is_upgrade(request: &Request<Body>) -> bool {
        let has = |name, token: &str| {
            request
                .headers()
                .get_all(name)
                .iter()
                .filter_map(|v| v.to_str().ok())
                .any(|v| {
                    v.split(',')
                        .any(|part| part.trim().eq_ignore_ascii_case(token))
                })
        };
        has(UPGRADE, "websocket") && has(CONNECTION, "upgrade")
    }

    /// Answers a WebSocket handshake: the token must be known, unused and unexpired and its
    /// room must exist; it is echoed as the accepted subprotocol.
    pub async fn accept(
        self: Arc<Self>,
        request: Request<Body>,
        peer: SocketAddr,
    ) -> Response<Body> {
        let (mut parts, _body) = request.into_parts();
        let upgrade = match WebSocketUpgrade::from_request_parts(&mut parts, &()).await {
            Ok(upgrade) => upgrade,
            Err(rejection) => return rejection.into_response(),
        };
        let Some(token) = parts
            .headers
            .get(SEC_WEBSOCKET_PROTOCOL)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').map(str::trim).find(|t| !t.is_empty()))
            .map(str::to_owned)
        else {
            return refuse(StatusCode::UNAUTHORIZED, "Missing chat token: send it as the WebSocket subprotocol (Sec-WebSocket-Protocol).");
        };
        let now = ids::now();
        let grant = match self.state.chat_tokens.redeem(&token, now) {
            Ok(grant) => grant,
            Err(
                error @ (RedeemError::Unknown | RedeemError::AlreadyUsed | RedeemError::Expired),
            ) => {
                return refuse(
                    StatusCode::UNAUTHORIZED,
                    &format!("{error}; get a new token with CreateChatToken."),
                );
            }
        };
        if self
            .state
            .region(&grant.region)
            .room_limits(&grant.room_id)
            .is_none()
        {
            return refuse(
                StatusCode::NOT_FOUND,
                "The chat token's room no longer exists.",
            );
        }
        let grant_room = (grant.region.clone(), grant.room_id.clone());
        let session = session::Session::new(
            Arc::clone(&self.hub),
            Arc::clone(&self.state),
            self.invoker.clone(),
            grant,
            peer.ip(),
            now,
        );
        let joined = session.join();
        let connection = (Arc::clone(&self.hub), grant_room, joined.connection_id());
        upgrade
            .max_message_size(self.max_frame_bytes)
            .max_frame_size(self.max_frame_bytes)
            .protocols([token])
            .on_failed_upgrade(move |error| {
                let (hub, room, id) = connection;
                hub.leave(&room, id);
                tracing::debug!("a WebSocket upgrade failed: {error}");
            })
            .on_upgrade(move |socket| session.run(socket, joined))
            .into_response()
    }
}

fn refuse(status: StatusCode, message: &str) -> Response<Body> {
    let mut response = Response::new(Body::from(format!("{message}\n")));
    *response.status_mut() = status;
    response.headers_mut().insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}
