//! The web console (`web/`) for `ivschat-local up`: its committed bundle (`web/dist/`,
//! embedded in the binary at build time, so the README's run command needs no Node.js) and
//! `/config.json`, a small document that tells the page where the running stack is.
//!
//! The console is a static site on its own origin, as a customer's app would be: it calls the
//! HTTP API across origins (the stack's CORS admits the console's origins) and connects to
//! IVS Chat messaging with the official SDK.

use std::collections::BTreeMap;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::State;
use axum::Router;
use clap::Args;
use http::header::{CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE, X_CONTENT_TYPE_OPTIONS};
use http::{HeaderValue, Method, Request, Response, StatusCode};
use serde::Serialize;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

/// The path of the configuration document.
pub const CONFIG_PATH: &str = "/config.json";

/// One file of the bundle.
struct Asset {
    path: &'static str,
    content_type: &'static str,
    body: &'static [u8],
}

/// The committed bundle; `scripts/browser-test` checks it equals a fresh build of `web/`.
const ASSETS: &[Asset] = &[
    Asset {
        path: "/index.html",
        content_type: "text/html; charset=utf-8",
        body: include_bytes!("../../web/dist/index.html"),
    },
    Asset {
        path: "/app.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_bytes!("../../web/dist/app.js"),
    },
    Asset {
        path: "/app.css",
        content_type: "text/css; charset=utf-8",
        body: include_bytes!("../../web/dist/app.css"),
    },
];

/// The page loads only its own script and style, connects anywhere over HTTP(S) and
/// WebSocket (an API and a chat endpoint of the user's choice), and shows avatars from HTTPS.
const POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
     img-src 'self' https: data:; connect-src 'self' http: https: ws: wss:; \
     base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// The options of `ivschat-local up` for the console.
#[derive(Clone, Debug, Args)]
pub struct ConsoleOptions {
    /// Address of the web console; port 0 picks a free one. Unless `--parameter
    /// CorsAllowOrigins=...` is given, the HTTP API admits the console's origins.
    #[arg(
        long,
        env = "IVSCHAT_LOCAL_CONSOLE_LISTEN",
        default_value = "127.0.0.1:8333"
    )]
    pub console_listen: SocketAddr,

    /// Do not serve the web console.
    #[arg(long, env = "IVSCHAT_LOCAL_NO_CONSOLE", value_parser = clap::builder::BoolishValueParser::new())]
    pub no_console: bool,
}

/// Why the console cannot be served.
#[derive(Debug, thiserror::Error)]
pub enum ConsoleError {
    #[error("cannot serve the web console on {address}: {source}")]
    Bind {
        address: SocketAddr,
        source: io::Error,
    },
    #[error("cannot describe the stack for the web console: {0}")]
    Document(#[from] serde_json::Error),
}

/// What the page learns from `/config.json`: the running stack's endpoints, rooms and roles.
#[derive(Clone, Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConsoleDocument {
    /// The HTTP API's URL.
    pub api_url: String,
    /// IVS Chat messaging, for the chat SDK's `regionOrUrl`.
    pub chat_endpoint: String,
    pub region: String,
    /// The local issuer (its `/token` mints development JWTs), when there is one.
    pub issuer: Option<String>,
    /// The stack's rooms by logical id: each room's id and IVS Chat name, the name everyone
    /// (`GET /rooms` for admins included) sees.
    pub rooms: BTreeMap<String, ConsoleRoom>,
    /// The JWT claim that lists groups, and the groups of the two roles.
    pub groups_claim: String,
    pub moderator_group: String,
    pub admin_group: String,
}

/// One of the stack's rooms in `/config.json`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ConsoleRoom {
    pub id: String,
    /// The room's `name` in IVS Chat (CreateRoom's answer), as `GET /rooms` lists it; empty
    /// when the room has none.
    pub name: String,
}

/// A bound, not yet serving, console (bound first, so that its origin is known before the
/// HTTP API's CORS is configured).
pub struct Console {
    listener: TcpListener,
    address: SocketAddr,
}

impl Console {
    pub async fn bind(listen: SocketAddr) -> Result<Console, ConsoleError> {
        let bind_failed = |source| ConsoleError::Bind {
            address: listen,
            source,
        };
        let listener = TcpListener::bind(listen).await.map_err(bind_failed)?;
        let address = listener.local_addr().map_err(bind_failed)?;
        Ok(Console { listener, address })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.address
    }

    /// `http://HOST:PORT/`, the URL to open.
    pub fn url(&self) -> String {
        page_url(self.address)
    }

    /// The origins a browser gives the page: as bound, and as `localhost` for a loopback
    /// address (for an unspecified one, `0.0.0.0`, the loopback origins; add others with the
    /// `CorsAllowOrigins` parameter).
    pub fn origins(&self) -> Vec<String> {
        let port = self.address.port();
        let ip = self.address.ip();
        if ip.is_unspecified() {
            return vec![
                format!("http://localhost:{port}"),
                format!("http://127.0.0.1:{port}"),
            ];
        }
        let mut origins = vec![format!("http://{}", self.address)];
        if ip.is_loopback() {
            origins.insert(0, format!("http://localhost:{port}"));
        }
        origins
    }

    /// Serves in a background task until the handle is dropped.
    pub fn spawn(self, document: &ConsoleDocument) -> Result<RunningConsole, ConsoleError> {
        let (stop, stopped) = oneshot::channel::<()>();
        let address = self.address;
        let body = Arc::new(serde_json::to_vec(document)?);
        let app = Router::new().fallback(handle).with_state(body);
        tokio::spawn(async move {
            let served = axum::serve(self.listener, app)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await;
            if let Err(error) = served {
                tracing::warn!("the web console stopped: {error}");
            }
        });
        Ok(RunningConsole {
            address,
            _stop: stop,
        })
    }
}

/// The URL a browser opens: the bound address, or loopback for an unspecified one (whose
/// loopback origins are the ones the API admits).
fn page_url(address: SocketAddr) -> String {
    let mut address = address;
    if address.ip().is_unspecified() {
        address.set_ip(std::net::Ipv4Addr::LOCALHOST.into());
    }
    format!("http://{address}/")
}

/// A console serving in the background; dropping it stops it.
pub struct RunningConsole {
    address: SocketAddr,
    _stop: oneshot::Sender<()>,
}

impl RunningConsole {
    /// `http://HOST:PORT/`, the URL to open.
    pub fn url(&self) -> String {
        page_url(self.address)
    }
}

async fn handle(State(document): State<Arc<Vec<u8>>>, request: Request<Body>) -> Response<Body> {
    if request.method() != Method::GET && request.method() != Method::HEAD {
        return plain(StatusCode::METHOD_NOT_ALLOWED, "method not allowed");
    }
    let head = request.method() == Method::HEAD;
    let path = match request.uri().path() {
        "/" => "/index.html",
        other => other,
    };
    let (content_type, body): (&str, Body) = if path == CONFIG_PATH {
        ("application/json", Body::from(document.as_ref().clone()))
    } else if let Some(asset) = ASSETS.iter().find(|a| a.path == path) {
        (asset.content_type, Body::from(asset.body))
    } else {
        return plain(StatusCode::NOT_FOUND, "not found");
    };
    let mut response = Response::new(if head { Body::empty() } else { body });
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    // The bundle changes with the binary and the document with every `up`.
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(CONTENT_SECURITY_POLICY, HeaderValue::from_static(POLICY));
    response
}

fn plain(status: StatusCode, text: &'static str) -> Response<Body> {
    let mut response = Response::new(Body::from(text));
    *response.status_mut() = status;
    response.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundle_has_a_page_that_loads_its_script_and_style() {
        let page = ASSETS
            .iter()
            .find(|a| a.path == "/index.html")
            .map(|a| String::from_utf8_lossy(a.body).into_owned())
            .unwrap_or_default();
        assert!(page.contains("app.js"), "{page}");
        assert!(page.contains("app.css"), "{page}");
    }

    #[test]
    fn an_unspecified_address_is_opened_and_admitted_as_loopback() {
        let address: SocketAddr = "0.0.0.0:8333"
            .parse()
            .unwrap_or(([0, 0, 0, 0], 8333).into());
        assert_eq!(page_url(address), "http://127.0.0.1:8333/");
    }

    #[test]
    fn the_document_is_camel_case() {
        let document = ConsoleDocument {
            api_url: "http://127.0.0.1:8331".into(),
            rooms: BTreeMap::from([(
                "DemoRoom".to_owned(),
                ConsoleRoom {
                    id: "AbCdEfGhIjKl".into(),
                    name: "ivschat-local-demo".into(),
                },
            )]),
            ..ConsoleDocument::default()
        };
        let value = serde_json::to_value(&document).unwrap_or_default();
        assert_eq!(value["apiUrl"], "http://127.0.0.1:8331");
        assert_eq!(
            value["rooms"]["DemoRoom"],
            serde_json::json!({"id": "AbCdEfGhIjKl", "name": "ivschat-local-demo"})
        );
        assert!(value.get("groupsClaim").is_some());
    }
}
