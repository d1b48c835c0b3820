//! The stack each test runs: `ivschat_local::stack::up` on the repository's `template.yaml`
//! through the test kit, with the admin and moderator JWTs and rooms made through the API.

use std::ops::Deref;
use std::path::PathBuf;

use ivschat_local::stack::UpConfig;
use ivschat_local::ServeConfig;
use ivschat_testkit::chat;
use ivschat_testkit::stack::{self, UpStack};
use serde_json::{json, Value};

pub use ivschat_testkit::chat::{connect_with as connect, next_of, until_closed, Socket, WAIT};

/// The repository's root.
pub fn repository() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The running stack and the test kit's helpers (`call`, `jwt`, `chat_token`, `join`).
pub struct Stack(UpStack);

impl Deref for Stack {
    type Target = UpStack;

    fn deref(&self) -> &UpStack {
        &self.0
    }
}

/// Brings the stack up; `tweak` changes the local service's settings.
pub async fn start(tweak: impl FnOnce(&mut ServeConfig)) -> Stack {
    start_with(tweak, &[]).await
}

/// [`start`] with template parameters (`NAME`, `VALUE`).
pub async fn start_with(
    tweak: impl FnOnce(&mut ServeConfig),
    parameters: &[(&str, &str)],
) -> Stack {
    start_up(|config| {
        tweak(&mut config.serve);
        config.parameters = parameters
            .iter()
            .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
            .collect();
    })
    .await
}

/// Brings the stack up with its `up` options changed by `tweak`.
pub async fn start_up(tweak: impl FnOnce(&mut UpConfig)) -> Stack {
    let mut config = stack::config(repository().join("template.yaml"), stack::binaries_dir());
    tweak(&mut config);
    Stack(stack::start(config).await)
}

impl Stack {
    pub fn admin(&self) -> String {
        self.jwt("root", &["admins"])
    }

    pub fn moderator(&self) -> String {
        self.jwt("mod", &["moderators"])
    }

    /// A room created through the API by an admin; returns its id.
    pub async fn room(&self, body: Value) -> String {
        let answer = self
            .call("POST", "/rooms", Some(&self.admin()), &body.to_string())
            .await
            .expect(201);
        answer.json()["id"].as_str().expect("an id").to_owned()
    }
}

/// Sends a chat message on `socket`.
pub async fn say(socket: &mut Socket, content: &str) {
    let frame = json!({ "Action": "SEND_MESSAGE", "RequestId": "r1", "Content": content });
    chat::send(socket, &frame).await;
}
