//! `ivschat-local up` for a test: a template brought up on loopback ports with the test
//! defaults, the local issuer's JWTs, calls to the HTTP API, and chat connections made with
//! the tokens its chat-token route gives.

use std::path::PathBuf;
use std::time::Duration;

use ivschat_local::config::FunctionArgs;
use ivschat_local::gateway::RunningHttpApi;
use ivschat_local::identity::TokenRequest;
use ivschat_local::stack::{up, RunningStack, UpConfig};
use ivschat_local::ServeConfig;
use serde_json::Value;

use crate::chat::{connect_with, Socket};
use crate::http::{Answer, Http};

/// A running `up` stack and a client for its HTTP API.
pub struct UpStack {
    pub stack: RunningStack,
    /// The data directory (chat logs, `stack.json`, the issuer's key).
    pub data_dir: PathBuf,
    pub http: Http,
}

/// The `up` options for `template` with the test defaults: loopback ports, no build, the
/// function binaries from `functions_dir`, a fresh data directory.
pub fn config(template: PathBuf, functions_dir: PathBuf) -> UpConfig {
    UpConfig {
        serve: ServeConfig::for_tests(),
        hosted: FunctionArgs::default(),
        template,
        api_listen: "127.0.0.1:0".parse().expect("a loopback address"),
        parameters: Vec::new(),
        no_build: true,
        functions_dir: Some(functions_dir),
    }
}

/// The folder of the binaries cargo built with this test (`target/<profile>`).
pub fn binaries_dir() -> PathBuf {
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent()?.parent().map(PathBuf::from))
        .expect("the target folder")
}

/// A JWT from `api`'s local issuer for `user` in `groups`, valid for ten minutes, with the
/// display name `<user> (display)` and, when given, a picture.
pub fn local_jwt(
    api: &RunningHttpApi,
    user: &str,
    groups: &[&str],
    picture: Option<String>,
) -> String {
    api.issuer()
        .expect("the local issuer")
        .mint(&TokenRequest {
            user: user.to_owned(),
            groups: groups.iter().map(|g| (*g).to_owned()).collect(),
            name: Some(format!("{user} (display)")),
            picture,
            lifetime: Duration::from_secs(600),
        })
        .expect("a JWT")
}

/// Brings `config` up.
pub async fn start(config: UpConfig) -> UpStack {
    let data_dir = config.serve.data_dir.clone();
    let stack = up(config).await.expect("the stack comes up");
    UpStack {
        stack,
        data_dir,
        http: Http::default(),
    }
}

impl UpStack {
    /// A JWT from the local issuer for `user` in `groups`, valid for ten minutes.
    pub fn jwt(&self, user: &str, groups: &[&str]) -> String {
        local_jwt(&self.stack.api, user, groups, None)
    }

    /// Calls `method path` of the HTTP API with `body` (JSON text; empty for none) as the
    /// holder of `jwt`.
    pub async fn call(&self, method: &str, path: &str, jwt: Option<&str>, body: &str) -> Answer {
        let url = format!("{}{path}", self.stack.api.url());
        self.http.call(method, &url, jwt, body).await
    }

    /// The chat-token route's answer for `user` in `groups` in `room`.
    pub async fn chat_token(&self, room: &str, user: &str, groups: &[&str]) -> Value {
        self.call(
            "POST",
            &format!("/rooms/{room}/chat-token"),
            Some(&self.jwt(user, groups)),
            "",
        )
        .await
        .expect(200)
        .json()
    }

    /// A chat connection to `room` as `user` (a token from the chat-token route).
    pub async fn join(&self, room: &str, user: &str, groups: &[&str]) -> Socket {
        let answer = self.chat_token(room, user, groups).await;
        connect_with(&answer).await
    }
}
