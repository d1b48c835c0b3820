//! The `ivschat-local` binary: `serve` prints where it listens and answers the SDK, `--help`
//! documents every option with its environment variable, and the variables take effect.

use std::process::Stdio;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

const BINARY: &str = env!("CARGO_BIN_EXE_ivschat-local");

/// Every `serve` option and the environment variable that sets it.
const OPTIONS: [(&str, &str); 13] = [
    ("--listen", "IVSCHAT_LOCAL_LISTEN"),
    ("--account-id", "IVSCHAT_LOCAL_ACCOUNT_ID"),
    ("--access-key-id", "IVSCHAT_LOCAL_ACCESS_KEY_ID"),
    ("--secret-access-key", "IVSCHAT_LOCAL_SECRET_ACCESS_KEY"),
    (
        "--no-verify-signatures",
        "IVSCHAT_LOCAL_NO_VERIFY_SIGNATURES",
    ),
    ("--default-region", "IVSCHAT_LOCAL_DEFAULT_REGION"),
    ("--regions", "IVSCHAT_LOCAL_REGIONS"),
    ("--quotas", "IVSCHAT_LOCAL_QUOTAS"),
    ("--quota-scale", "IVSCHAT_LOCAL_QUOTA_SCALE"),
    ("--max-rooms", "IVSCHAT_LOCAL_MAX_ROOMS"),
    (
        "--max-logging-configurations",
        "IVSCHAT_LOCAL_MAX_LOGGING_CONFIGURATIONS",
    ),
    (
        "--token-lifetime-seconds",
        "IVSCHAT_LOCAL_TOKEN_LIFETIME_SECONDS",
    ),
    ("--max-body-bytes", "IVSCHAT_LOCAL_MAX_BODY_BYTES"),
];

/// The binary with no `IVSCHAT_LOCAL_*` variable inherited from the test's environment.
fn command() -> Command {
    let mut command = Command::new(BINARY);
    for (name, _) in std::env::vars() {
        if name.starts_with("IVSCHAT_LOCAL_") {
            command.env_remove(name);
        }
    }
    command.kill_on_drop(true);
    command
}

/// Starts `serve` with `command`'s settings and reads its one line on stdout: the endpoint.
async fn serve(mut command: Command) -> (Child, String) {
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let stdout = child.stdout.take().expect("piped stdout");
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .await
        .expect("a line on stdout");
    match line.trim_end().strip_prefix("ivschat-local listening on ") {
        Some(endpoint) => (child, endpoint.to_owned()),
        None => {
            let _ = child.start_kill();
            let output = child.wait_with_output().await.expect("the binary ends");
            panic!(
                "unexpected first line {line:?}; stderr: {}",
                String::from_utf8_lossy(&output.stderr)
            )
        }
    }
}

fn sdk_client(endpoint: &str) -> aws_sdk_ivschat::Client {
    ivschat_testkit::Endpoint::local(endpoint)
        .without_retries()
        .ivschat()
}

#[tokio::test]
async fn serve_prints_its_address_on_one_line_and_answers_the_sdk() {
    let mut command = command();
    command.args(["serve", "--listen", "127.0.0.1:0", "--quotas", "off"]);

    let (mut child, endpoint) = serve(command).await;

    let port = endpoint
        .strip_prefix("http://127.0.0.1:")
        .unwrap_or_else(|| panic!("endpoint {endpoint:?}"));
    assert!(port.parse::<u16>().is_ok_and(|p| p != 0), "port {port:?}");
    let client = sdk_client(&endpoint);
    let room = client.create_room().send().await.expect("CreateRoom");
    assert!(
        room.arn()
            .is_some_and(|arn| arn.starts_with("arn:aws:ivschat:us-west-2:123456789012:room/")),
        "{room:?}"
    );
    client
        .get_room()
        .identifier(room.arn().unwrap_or_default())
        .send()
        .await
        .expect("GetRoom");

    child.kill().await.expect("the server stops");
}

#[tokio::test]
async fn an_environment_variable_sets_the_account_id_in_arns() {
    let mut command = command();
    command
        .args(["serve", "--listen", "127.0.0.1:0", "--quotas", "off"])
        .env("IVSCHAT_LOCAL_ACCOUNT_ID", "210987654321");

    let (mut child, endpoint) = serve(command).await;

    let room = sdk_client(&endpoint)
        .create_room()
        .send()
        .await
        .expect("CreateRoom");
    assert!(
        room.arn()
            .is_some_and(|arn| arn.starts_with("arn:aws:ivschat:us-west-2:210987654321:room/")),
        "{room:?}"
    );
    child.kill().await.expect("the server stops");
}

#[tokio::test]
async fn an_environment_variable_switches_signature_checks_off() {
    let mut command = command();
    command
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env("IVSCHAT_LOCAL_NO_VERIFY_SIGNATURES", "true")
        .env("IVSCHAT_LOCAL_QUOTAS", "off");

    let (mut child, endpoint) = serve(command).await;

    let mut settings = ivschat_testkit::Endpoint::local(&endpoint);
    settings.max_attempts = 1;
    settings.secret_access_key = "not-the-secret".into();
    settings
        .ivschat()
        .list_rooms()
        .send()
        .await
        .expect("signatures are not checked");
    child.kill().await.expect("the server stops");
}

/// Environment switches are commonly set to `1`; `IVSCHAT_LOCAL_NO_VERIFY_SIGNATURES=1`
/// should switch signature checks off like `true` does, not stop the server from starting.
#[tokio::test]
async fn a_boolean_environment_variable_of_1_switches_signature_checks_off() {
    let mut command = command();
    command
        .args(["serve", "--listen", "127.0.0.1:0", "--quotas", "off"])
        .env("IVSCHAT_LOCAL_NO_VERIFY_SIGNATURES", "1");

    let (mut child, endpoint) = serve(command).await;

    let mut settings = ivschat_testkit::Endpoint::local(&endpoint);
    settings.max_attempts = 1;
    settings.secret_access_key = "not-the-secret".into();
    settings
        .ivschat()
        .list_rooms()
        .send()
        .await
        .expect("signatures are not checked");
    child.kill().await.expect("the server stops");
}

#[tokio::test]
async fn serve_help_documents_every_option_with_its_environment_variable() {
    let output = command()
        .args(["serve", "--help"])
        .output()
        .await
        .expect("the binary runs");

    assert!(output.status.success());
    let help = String::from_utf8_lossy(&output.stdout);
    for (option, variable) in OPTIONS {
        assert!(help.contains(option), "{option} is not documented:\n{help}");
        assert!(
            help.contains(&format!("[env: {variable}")),
            "{variable} is not documented:\n{help}"
        );
    }
}

#[tokio::test]
async fn an_invalid_account_id_is_refused_at_startup() {
    let output = command()
        .args(["serve", "--listen", "127.0.0.1:0", "--account-id", "12345"])
        .output()
        .await
        .expect("the binary runs");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("12 digits"), "{stderr}");
}

#[tokio::test]
async fn a_port_in_use_is_reported_and_the_binary_fails() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    let address = taken.local_addr().expect("its address").to_string();
    let output = command()
        .args(["serve", "--listen", &address])
        .output()
        .await
        .expect("the binary runs");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains(&address), "{stderr}");
    assert!(output.stdout.is_empty());
}

#[tokio::test]
async fn a_default_region_where_the_service_is_not_is_refused_at_startup() {
    let output = command()
        .args(["serve", "--listen", "127.0.0.1:0", "--no-verify-signatures"])
        .args(["--default-region", "xx-nowhere-1"])
        .output()
        .await
        .expect("the binary runs");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("xx-nowhere-1") && stderr.contains("--regions"),
        "{stderr}"
    );
    assert!(output.stdout.is_empty());
}

#[tokio::test]
async fn an_environment_variable_sets_the_accepted_regions() {
    let mut command = command();
    command
        .args(["serve", "--listen", "127.0.0.1:0", "--quotas", "off"])
        .env("IVSCHAT_LOCAL_REGIONS", "us-west-2,ca-central-1")
        .env("IVSCHAT_LOCAL_DEFAULT_REGION", "ca-central-1");

    let (mut child, endpoint) = serve(command).await;

    let mut settings = ivschat_testkit::Endpoint::local(&endpoint);
    settings.max_attempts = 1;
    settings.region = "ca-central-1".into();
    let room = settings
        .ivschat()
        .create_room()
        .send()
        .await
        .expect("ca-central-1 is accepted");
    assert!(
        room.arn()
            .is_some_and(|arn| arn.starts_with("arn:aws:ivschat:ca-central-1:")),
        "{room:?}"
    );
    settings.region = "eu-west-1".into();
    let error = settings
        .ivschat()
        .list_rooms()
        .send()
        .await
        .expect_err("eu-west-1 is not in the list");
    assert_eq!(
        aws_sdk_ivschat::error::ProvideErrorMetadata::code(&error),
        Some("InvalidSignatureException")
    );
    child.kill().await.expect("the server stops");
}
