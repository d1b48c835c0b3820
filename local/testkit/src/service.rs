//! The local IVS Chat service for a test: started on a loopback port with the test defaults
//! (quotas off, signatures checked), optionally hosting functions, and a control-plane client
//! for it.

use std::path::PathBuf;

use ivschat_local::{FunctionSpec, RunningServer, ServeConfig, Server};

use crate::clients::Endpoint;

/// The region the control-plane client signs for; every ARN it sees carries it.
pub const REGION: &str = "us-west-2";
/// The account of `ServeConfig::for_tests()`.
pub const ACCOUNT: &str = "123456789012";

/// Starts a service with the test defaults.
pub async fn start() -> RunningServer {
    start_with(|_| {}).await
}

/// Starts a service with the test defaults changed by `tweak`.
pub async fn start_with(tweak: impl FnOnce(&mut ServeConfig)) -> RunningServer {
    let mut config = ServeConfig::for_tests();
    tweak(&mut config);
    Server::bind(config)
        .await
        .expect("the server binds a loopback port")
        .spawn()
}

/// Starts a service hosting `functions` (see [`function`]), with `tweak` applied after.
pub async fn start_hosting(
    functions: impl IntoIterator<Item = FunctionSpec>,
    tweak: impl FnOnce(&mut ServeConfig),
) -> RunningServer {
    start_with(|config| {
        config.functions.extend(functions);
        tweak(config);
    })
    .await
}

/// The spec of the function `name` built from `executable` (e.g.
/// `env!("CARGO_BIN_EXE_message-review")`), with Lambda's default timeout and memory.
pub fn function(name: &str, executable: impl Into<PathBuf>) -> FunctionSpec {
    FunctionSpec::new(name, executable)
}

/// The ARN of the function `name` in `region` of the test account.
pub fn function_arn(region: &str, name: &str) -> String {
    format!("arn:aws:lambda:{region}:{ACCOUNT}:function:{name}")
}

/// The control-plane endpoint of `server`: region us-west-2, credentials test/test, no
/// retries (so a throttled or failed call shows as it is).
pub fn endpoint(server: &RunningServer) -> Endpoint {
    Endpoint::local(server.endpoint_url()).without_retries()
}

/// The control-plane client of `server` (see [`endpoint`]).
pub fn client(server: &RunningServer) -> aws_sdk_ivschat::Client {
    endpoint(server).ivschat()
}

/// Creates a room with default settings; returns its ARN.
pub async fn create_room(client: &aws_sdk_ivschat::Client) -> String {
    let room = client.create_room().send().await.expect("CreateRoom");
    room.arn().expect("a room ARN").to_owned()
}
