//! Helpers shared by the integration tests: start the real server on a loopback port, build
//! the real SDK client for it, and send raw (optionally SigV4-signed) HTTP requests.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use aws_sdk_ivschat::types::{DestinationConfiguration, S3DestinationConfiguration};
use aws_sdk_ivschat::Client;
use aws_sigv4::http_request::{
    sign, PayloadChecksumKind, SignableBody, SignableRequest, SigningSettings,
};
use aws_sigv4::sign::v4;
use aws_smithy_types::DateTime;
use bytes::Bytes;
use http::{HeaderMap, Method, Request, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::SendRequest;
use hyper_util::rt::TokioIo;
use ivschat_local::RunningServer;
use ivschat_testkit::Endpoint;
use serde_json::Value;
use tokio::net::TcpStream;

pub use ivschat_testkit::service::{client, create_room, start, start_with, ACCOUNT, REGION};

/// The fixture function's binary (the package `ivschat-local-fixture-function`), where cargo
/// puts it beside this test's; panics, saying how to build it, when it is not there.
pub fn fixture_function() -> PathBuf {
    const NAME: &str = "ivschat-local-fixture-function";
    let path = ivschat_testkit::stack::binaries_dir().join(NAME);
    assert!(
        path.is_file(),
        "no fixture function at {}: build it first with `cargo build -p {NAME}` (or \
         `cargo build --workspace --bins`, as scripts/test does)",
        path.display()
    );
    path
}

/// The SDK client for `server` with its settings changed by `tweak`.
pub fn client_with(server: &RunningServer, tweak: impl FnOnce(&mut Endpoint)) -> Client {
    let mut endpoint = ivschat_testkit::service::endpoint(server);
    tweak(&mut endpoint);
    endpoint.ivschat()
}

/// A room ARN of the test account and region.
pub fn room_arn(id: &str) -> String {
    format!("arn:aws:ivschat:{REGION}:{ACCOUNT}:room/{id}")
}

/// A logging-configuration ARN of the test account and region.
pub fn logging_configuration_arn(id: &str) -> String {
    format!("arn:aws:ivschat:{REGION}:{ACCOUNT}:logging-configuration/{id}")
}

/// Asserts that `id` is what IVS Chat mints: exactly 12 characters of `[a-zA-Z0-9]`.
#[track_caller]
pub fn assert_id(id: &str) {
    assert_eq!(id.len(), 12, "id {id:?} is not 12 characters");
    assert!(
        id.bytes().all(|b| b.is_ascii_alphanumeric()),
        "id {id:?} is not alphanumeric"
    );
}

/// An S3 destination for a logging configuration.
pub fn s3(bucket_name: &str) -> DestinationConfiguration {
    DestinationConfiguration::S3(
        S3DestinationConfiguration::builder()
            .bucket_name(bucket_name)
            .build()
            .expect("bucket name is set"),
    )
}

/// Creates a room with a name and returns its ARN.
pub async fn create_named_room(client: &Client, name: &str) -> String {
    let room = client
        .create_room()
        .name(name)
        .send()
        .await
        .expect("CreateRoom");
    room.arn().expect("a room ARN").to_owned()
}

/// Creates a logging configuration to an S3 bucket and returns its ARN.
pub async fn create_logging_configuration(client: &Client, bucket_name: &str) -> String {
    let config = client
        .create_logging_configuration()
        .destination_configuration(s3(bucket_name))
        .send()
        .await
        .expect("CreateLoggingConfiguration");
    config.arn().expect("a configuration ARN").to_owned()
}

/// A resource ARN as the `{resourceArn}` label of a tag path (`:` and `/` percent-encoded).
pub fn encode_label(arn: &str) -> String {
    arn.replace(':', "%3A").replace('/', "%2F")
}

/// The id at the end of an ARN.
pub fn id_of(arn: &str) -> &str {
    arn.rsplit('/').next().unwrap_or_default()
}

/// A timestamp from the service as a `SystemTime`.
pub fn system_time(time: Option<&DateTime>) -> SystemTime {
    SystemTime::try_from(*time.expect("a timestamp")).expect("a representable timestamp")
}

/// Asserts that `time` lies within `[earliest, latest]`, widened by a second on each side
/// for the service's millisecond rounding.
#[track_caller]
pub fn assert_within(time: Option<&DateTime>, earliest: SystemTime, latest: SystemTime) {
    let time = system_time(time);
    let slack = Duration::from_secs(1);
    assert!(
        time >= earliest - slack && time <= latest + slack,
        "{time:?} is not within [{earliest:?}, {latest:?}]"
    );
}

/// Who signs a raw request, for which region, and when.
#[derive(Clone, Debug)]
pub struct Signing {
    pub access_key_id: String,
    pub secret_access_key: String,
    pub region: String,
    pub time: SystemTime,
    /// Also send (and sign) `x-amz-content-sha256`, as some clients do.
    pub content_sha256_header: bool,
    /// The signing name in the credential scope: `ivschat`, or `lambda` for the Invoke API.
    pub service: &'static str,
}

impl Signing {
    /// The server's default key pair, region us-west-2, signed now.
    pub fn valid() -> Self {
        Signing {
            access_key_id: "test".into(),
            secret_access_key: "test".into(),
            region: REGION.into(),
            time: SystemTime::now(),
            content_sha256_header: false,
            service: "ivschat",
        }
    }
}

/// An unsigned request to `server`: `path` is sent as written (already percent-encoded),
/// with `Content-Type: application/json` when there is a body.
pub fn unsigned(
    server: &RunningServer,
    method: Method,
    path: &str,
    body: &[u8],
) -> Request<Full<Bytes>> {
    let mut builder = Request::builder()
        .method(method)
        .uri(path)
        .header("host", server.local_addr().to_string());
    if !body.is_empty() {
        builder = builder.header("content-type", "application/json");
    }
    builder
        .body(Full::new(Bytes::copy_from_slice(body)))
        .expect("a valid request")
}

/// A request signed with the server's default credentials for us-west-2.
pub fn signed(
    server: &RunningServer,
    method: Method,
    path: &str,
    body: &[u8],
) -> Request<Full<Bytes>> {
    signed_as(server, method, path, body, &Signing::valid())
}

/// A request signed (SigV4) by the `aws-sigv4` crate as `signing` says.
pub fn signed_as(
    server: &RunningServer,
    method: Method,
    path: &str,
    body: &[u8],
    signing: &Signing,
) -> Request<Full<Bytes>> {
    let mut request = unsigned(server, method, path, body);
    let url = format!("{}{path}", server.endpoint_url());
    sign_request(&mut request, &url, body, signing);
    request
}

/// Signs `request` (SigV4, by the `aws-sigv4` crate) in place as `signing` says: `url` is the
/// full URL it goes to, `body` its payload.
pub fn sign_request(request: &mut Request<Full<Bytes>>, url: &str, body: &[u8], signing: &Signing) {
    let identity = Credentials::new(
        signing.access_key_id.clone(),
        signing.secret_access_key.clone(),
        None,
        None,
        "integration-tests",
    )
    .into();
    let mut settings = SigningSettings::default();
    if signing.content_sha256_header {
        settings.payload_checksum_kind = PayloadChecksumKind::XAmzSha256;
    }
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(&signing.region)
        .name(signing.service)
        .time(signing.time)
        .settings(settings)
        .build()
        .expect("complete signing parameters")
        .into();
    let headers: Vec<(String, String)> = request
        .headers()
        .iter()
        .map(|(name, value)| {
            (
                name.as_str().to_owned(),
                value.to_str().expect("ASCII header").to_owned(),
            )
        })
        .collect();
    let signable = SignableRequest::new(
        request.method().as_str(),
        url,
        headers.iter().map(|(n, v)| (n.as_str(), v.as_str())),
        SignableBody::Bytes(body),
    )
    .expect("a signable request");
    let (instructions, _signature) = sign(signable, &params)
        .expect("the request signs")
        .into_parts();
    instructions.apply_to_request_http1x(request);
}

/// A response read in full.
#[derive(Debug)]
pub struct RawResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl RawResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The body as JSON; panics with the body when it is not.
    #[track_caller]
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|error| {
            panic!(
                "body is not JSON ({error}): {:?}",
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    /// Asserts a modeled error: status, `x-amzn-ErrorType`, `x-amzn-RequestId` and a JSON
    /// body with a `message`; returns the body.
    #[track_caller]
    pub fn assert_error(&self, status: u16, error_type: &str) -> Value {
        assert_eq!(
            self.status.as_u16(),
            status,
            "status of {:?}",
            String::from_utf8_lossy(&self.body)
        );
        assert_eq!(self.header("x-amzn-errortype"), Some(error_type));
        assert!(
            self.header("x-amzn-requestid")
                .is_some_and(|id| !id.is_empty()),
            "no x-amzn-RequestId"
        );
        let body = self.json();
        assert!(
            body["message"].as_str().is_some_and(|m| !m.is_empty()),
            "no message in {body}"
        );
        body
    }
}

/// One HTTP/1.1 connection to the server, kept open across requests so that a test can show
/// the connection survives an error.
pub struct Connection {
    sender: SendRequest<Full<Bytes>>,
}

impl Connection {
    pub async fn open(server: &RunningServer) -> Connection {
        Connection::open_at(server.local_addr()).await
    }

    /// A connection to any listener of the test (the local HTTP API, say).
    pub async fn open_at(address: SocketAddr) -> Connection {
        let stream = TcpStream::connect(address)
            .await
            .expect("connects to the server");
        let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .expect("HTTP/1.1 handshake");
        tokio::spawn(async move {
            let _ = connection.await;
        });
        Connection { sender }
    }

    /// Sends one request on this connection and reads the whole response.
    pub async fn send(&mut self, request: Request<Full<Bytes>>) -> RawResponse {
        self.sender
            .ready()
            .await
            .expect("the connection is still open");
        let response = self
            .sender
            .send_request(request)
            .await
            .expect("the server answers");
        let (parts, body) = response.into_parts();
        let body = body.collect().await.expect("the whole body").to_bytes();
        RawResponse {
            status: parts.status,
            headers: parts.headers,
            body,
        }
    }
}

/// Sends one request on a fresh connection.
pub async fn send(server: &RunningServer, request: Request<Full<Bytes>>) -> RawResponse {
    Connection::open(server).await.send(request).await
}
