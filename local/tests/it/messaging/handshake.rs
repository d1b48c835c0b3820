//! The WebSocket handshake: the chat token travels as the subprotocol and is
//! echoed back; missing, unknown, used and expired tokens are refused with HTTP 401, a token
//! whose room is gone with 404; any path works. Also the end of a session.

use std::time::Duration;

use http::header::SEC_WEBSOCKET_PROTOCOL;
use http::StatusCode;
use ivschat_local::state::{Capability, ChatTokenGrant};
use time::OffsetDateTime;

use crate::messaging::support::{
    assert_error, chat_token, connect, next_close, next_of_type, refused, say, try_connect, SEND,
};
use crate::support::{client, create_room, id_of, start, start_with, REGION};

#[tokio::test]
async fn handshake_echoes_the_chat_token_as_the_subprotocol_and_the_session_works() {
    let server = start().await;
    let client = client(&server);
    let room = create_room(&client).await;
    let token = chat_token(&client, &room, "alice", SEND).await;

    let (mut socket, response) = try_connect(&server, "/", Some(&token))
        .await
        .expect("the handshake succeeds");

    assert_eq!(response.status(), StatusCode::SWITCHING_PROTOCOLS);
    assert_eq!(
        response
            .headers()
            .get(SEC_WEBSOCKET_PROTOCOL)
            .and_then(|v| v.to_str().ok()),
        Some(token.as_str())
    );
    // The session is live: the server sends no greeting, and the first frame is our echo.
    let echo = say(&mut socket, "r1", "hello").await;
    assert_eq!(echo["Content"], "hello");
}

#[tokio::test]
async fn handshake_without_a_token_is_refused_with_401() {
    let server = start().await;

    assert_eq!(refused(&server, "/", None).await, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn handshake_with_an_unknown_token_is_refused_with_401() {
    let server = start().await;

    let status = refused(&server, "/", Some("bm90LWEtcmVhbC10b2tlbi1hdC1hbGw")).await;

    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_token_opens_one_connection_and_a_second_handshake_with_it_gets_401() {
    let server = start().await;
    let client = client(&server);
    let room = create_room(&client).await;
    let token = chat_token(&client, &room, "alice", SEND).await;
    let mut first = connect(&server, &token).await;

    let status = refused(&server, "/", Some(&token)).await;

    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // The first connection is unaffected.
    say(&mut first, "r1", "still here").await;
}

#[tokio::test]
async fn a_used_token_stays_used_after_its_connection_closes() {
    let server = start().await;
    let client = client(&server);
    let room = create_room(&client).await;
    let token = chat_token(&client, &room, "alice", SEND).await;
    let mut first = connect(&server, &token).await;
    first.close(None).await.expect("closes");

    assert_eq!(
        refused(&server, "/", Some(&token)).await,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn handshake_with_an_expired_token_is_refused_with_401() {
    let server = start_with(|config| config.token_lifetime_seconds = 1).await;
    let client = client(&server);
    let room = create_room(&client).await;
    let token = chat_token(&client, &room, "alice", SEND).await;

    // Past the configured one-second token lifetime.
    tokio::time::sleep(Duration::from_millis(1500)).await;

    assert_eq!(
        refused(&server, "/", Some(&token)).await,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn handshake_with_a_token_whose_room_was_deleted_is_refused_with_404() {
    let server = start().await;
    let client = client(&server);
    let room = create_room(&client).await;
    let token = chat_token(&client, &room, "alice", SEND).await;
    client
        .delete_room()
        .identifier(&room)
        .send()
        .await
        .expect("DeleteRoom");

    assert_eq!(
        refused(&server, "/", Some(&token)).await,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn handshake_accepts_any_path() {
    let server = start().await;
    let client = client(&server);
    let room = create_room(&client).await;

    for path in ["/", "/foo", "/socket/chat?room=ignored"] {
        let token = chat_token(&client, &room, "alice", SEND).await;
        let (mut socket, response) = try_connect(&server, path, Some(&token))
            .await
            .unwrap_or_else(|error| panic!("the handshake to {path} failed: {error}"));
        assert_eq!(response.status(), StatusCode::SWITCHING_PROTOCOLS, "{path}");
        say(&mut socket, "r1", path).await;
    }
}

/// CreateChatToken's shortest session is a minute, too long for a test, so the grant is
/// issued through the server's in-process state with a one-second session instead.
#[tokio::test]
async fn a_session_that_reaches_its_duration_gets_error_401_and_then_close_1000() {
    let server = start().await;
    let client = client(&server);
    let room = create_room(&client).await;
    let now = OffsetDateTime::now_utc();
    let token = server.state().chat_tokens.issue(ChatTokenGrant {
        region: REGION.into(),
        room_id: id_of(&room).into(),
        user_id: "alice".into(),
        capabilities: vec![Capability::SendMessage],
        attributes: Default::default(),
        token_expiration_time: now + time::Duration::minutes(1),
        session_expiration_time: now + time::Duration::seconds(1),
        session_duration: time::Duration::seconds(1),
    });
    let mut socket = connect(&server, &token).await;
    say(&mut socket, "r1", "before the end").await;

    // Nothing else is sent: the next frames are the expiry's ERROR and close.
    let error = next_of_type(&mut socket, "ERROR").await;

    assert_error(&error, 401, "");
    let (code, _reason) = next_close(&mut socket).await;
    assert_eq!(code, 1000);
}
