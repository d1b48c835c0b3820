//! The local API Gateway: an HTTP API (payload format 2.0) on its own listener that routes
//! requests to hosted functions the way API Gateway does — route selection, the JWT
//! authorizer, CORS, the v2 event and the response mapping — and, when given a key, serves
//! the local OpenID issuer whose tokens its authorizers accept.

pub mod authorizer;
pub mod config;
pub mod cors;
pub mod event;
pub mod response;
pub mod routes;

use std::collections::HashMap;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{ConnectInfo, State};
use axum::Router;
use base64::Engine;
use bytes::Bytes;
use http::header::{CONTENT_TYPE, WWW_AUTHENTICATE};
use http::{HeaderValue, Method, Request, Response, StatusCode};
use http_body_util::{BodyExt, Limited};
use rand::RngCore;
use serde::Deserialize;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

pub use authorizer::{JwtAuthorizer, Unauthorized, VerifiedToken};
pub use config::{CorsConfig, HttpApiConfig, JwtAuthorizerConfig, RouteAuthorization, RouteConfig};

use crate::identity::{LocalIssuer, TokenRequest, DISCOVERY_PATH, JWKS_PATH};
use crate::lambda::{FunctionInvoker, InvokeError};
use routes::RouteTable;

/// Where the local issuer lives on the API's listener; its URL is `http://HOST:PORT` + this.
pub const LOCAL_ISSUER_PATH: &str = "/_local/oidc";
/// An authorizer whose `issuer` is this is pointed at the local issuer once the API is bound.
pub const LOCAL_ISSUER: &str = "local";
/// API Gateway's payload limit.
const MAX_PAYLOAD_BYTES: usize = 10 * 1024 * 1024;

/// The local issuer's signing key and the audience of its tokens.
#[derive(Clone)]
pub struct LocalIssuerKey {
    pub pem: String,
    pub audience: String,
}

struct Inner {
    config: HttpApiConfig,
    table: RouteTable,
    authorizers: HashMap<String, Arc<JwtAuthorizer>>,
    invoker: FunctionInvoker,
    issuer: Option<Arc<LocalIssuer>>,
}

/// A bound, not yet serving, HTTP API.
pub struct HttpApi {
    listener: TcpListener,
    address: SocketAddr,
    inner: Arc<Inner>,
}

impl HttpApi {
    /// Binds `listen` and builds the API; authorizers whose issuer is [`LOCAL_ISSUER`] are
    /// given the local issuer's URL.
    pub async fn bind(
        listen: SocketAddr,
        mut config: HttpApiConfig,
        invoker: FunctionInvoker,
        issuer_key: Option<LocalIssuerKey>,
    ) -> io::Result<HttpApi> {
        let listener = TcpListener::bind(listen).await?;
        let address = listener.local_addr()?;
        let issuer_url = format!("http://{address}{LOCAL_ISSUER_PATH}");
        let issuer = match issuer_key {
            Some(key) => Some(Arc::new(
                LocalIssuer::from_pem(&key.pem, issuer_url.clone(), key.audience)
                    .map_err(io::Error::other)?,
            )),
            None => None,
        };
        for authorizer in &mut config.authorizers {
            if authorizer.issuer == LOCAL_ISSUER {
                authorizer.issuer = issuer_url.clone();
            }
        }
        let authorizers = config
            .authorizers
            .iter()
            .map(|a| (a.name.clone(), JwtAuthorizer::new(a.clone())))
            .collect();
        let table = RouteTable::new(&config.routes);
        Ok(HttpApi {
            listener,
            address,
            inner: Arc::new(Inner {
                config,
                table,
                authorizers,
                invoker,
                issuer,
            }),
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.address
    }

    /// The local issuer, when the API serves one.
    pub fn issuer(&self) -> Option<Arc<LocalIssuer>> {
        self.inner.issuer.clone()
    }

    /// Serves until `shutdown` completes.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> io::Result<()> {
        let app = Router::new().fallback(handle).with_state(self.inner);
        axum::serve(
            self.listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown)
        .await
    }

    /// Serves in a background task until the handle is dropped.
    pub fn spawn(self) -> RunningHttpApi {
        let (stop, stopped) = oneshot::channel::<()>();
        let address = self.address;
        let issuer = self.issuer();
        tokio::spawn(self.run_until(async {
            let _ = stopped.await;
        }));
        RunningHttpApi {
            address,
            issuer,
            _stop: stop,
        }
    }
}

/// An HTTP API serving in the background; dropping it stops it.
pub struct RunningHttpApi {
    address: SocketAddr,
    issuer: Option<Arc<LocalIssuer>>,
    _stop: oneshot::Sender<()>,
}

impl RunningHttpApi {
    /// `http://HOST:PORT`, the API's invoke URL.
    pub fn url(&self) -> String {
        format!("http://{}", self.address)
    }

    pub fn issuer(&self) -> Option<&Arc<LocalIssuer>> {
        self.issuer.as_ref()
    }
}

fn json_response(status: StatusCode, body: serde_json::Value) -> Response<Body> {
    let mut response = Response::new(Body::from(body.to_string()));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

fn message(status: StatusCode, text: &str) -> Response<Body> {
    json_response(status, serde_json::json!({ "message": text }))
}

/// A request id shaped like API Gateway's (`Mc7UVioPPHcEKPA=`).
fn request_id() -> String {
    let mut bytes = [0u8; 11];
    rand::thread_rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

async fn handle(
    State(api): State<Arc<Inner>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    request: Request<Body>,
) -> Response<Body> {
    let path = request.uri().path().to_owned();
    if let Some(issuer) = &api.issuer {
        if let Some(rest) = path.strip_prefix(LOCAL_ISSUER_PATH) {
            // A browser app on an origin the API admits (the web console) may sign in here.
            let Some(cors) = &api.config.cors else {
                return serve_issuer(issuer, rest, request).await;
            };
            if cors::is_preflight(request.method(), request.headers()) {
                let mut response = Response::new(Body::empty());
                *response.status_mut() = StatusCode::NO_CONTENT;
                *response.headers_mut() = cors::preflight_headers(cors, request.headers());
                return response;
            }
            let origin_headers = request.headers().clone();
            let mut response = serve_issuer(issuer, rest, request).await;
            cors::decorate(cors, &origin_headers, response.headers_mut());
            return response;
        }
    }
    let id = request_id();
    let origin_headers = request.headers().clone();
    let mut response = route(&api, peer, request, &id).await;
    if let Some(cors) = &api.config.cors {
        cors::decorate(cors, &origin_headers, response.headers_mut());
    }
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert("apigw-requestid", value);
    }
    tracing::debug!(request_id = %id, path, status = response.status().as_u16(), "http api request");
    response
}

async fn route(api: &Inner, peer: SocketAddr, request: Request<Body>, id: &str) -> Response<Body> {
    if let Some(cors) = &api.config.cors {
        if cors::is_preflight(request.method(), request.headers()) {
            let mut response = Response::new(Body::empty());
            *response.status_mut() = StatusCode::NO_CONTENT;
            *response.headers_mut() = cors::preflight_headers(cors, request.headers());
            return response;
        }
    }
    let decoded_path = percent_encoding::percent_decode_str(request.uri().path())
        .decode_utf8_lossy()
        .into_owned();
    let Some(matched) = api.table.find(request.method(), &decoded_path) else {
        return message(StatusCode::NOT_FOUND, "Not Found");
    };
    let Some(route) = api.config.routes.get(matched.index) else {
        return message(StatusCode::NOT_FOUND, "Not Found");
    };
    let (parts, body) = request.into_parts();
    let token = match authorizer_of(api, &route.authorization) {
        Ok(None) => None,
        Ok(Some((authorizer, scopes))) => {
            match authorizer.authorize(&parts.headers, scopes).await {
                Ok(token) => Some(token),
                Err(refused) => return unauthorized(&refused),
            }
        }
        Err(MissingAuthorizer) => {
            return message(StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error")
        }
    };
    let body = match Limited::new(body, MAX_PAYLOAD_BYTES).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => return message(StatusCode::PAYLOAD_TOO_LARGE, "Request Entity Too Large"),
    };
    let context = event::EventContext {
        account_id: &api.config.account_id,
        api_id: &api.config.api_id,
        region: &api.config.region,
        request_id: id,
        peer,
        now: time::OffsetDateTime::now_utc(),
        route: &matched,
        token: token.as_ref(),
    };
    let event = event::build(&parts, &body, &context);
    let payload = Bytes::from(event.to_string());
    let timeout = if api.config.integration_timeout.is_zero() {
        Duration::from_secs(30)
    } else {
        api.config.integration_timeout
    };
    match api
        .invoker
        .invoke(&route.function_arn, payload, timeout)
        .await
    {
        Ok(output) => match response::from_function_output(&output) {
            Ok(response) => response.map(Body::from),
            Err(error) => {
                tracing::warn!(request_id = %id, function = %route.function_arn, "invalid integration response: {error}");
                message(StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error")
            }
        },
        Err(InvokeError::TimedOut { .. }) => {
            message(StatusCode::SERVICE_UNAVAILABLE, "Service Unavailable")
        }
        Err(error) => {
            tracing::warn!(request_id = %id, "integration failed: {error}");
            message(StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error")
        }
    }
}

type Authorization<'a> = Option<(&'a Arc<JwtAuthorizer>, &'a [String])>;

/// A route names an authorizer the API does not have (a configuration error).
struct MissingAuthorizer;

fn authorizer_of<'a>(
    api: &'a Inner,
    authorization: &'a RouteAuthorization,
) -> Result<Authorization<'a>, MissingAuthorizer> {
    let (name, scopes): (&str, &[String]) = match authorization {
        RouteAuthorization::None => return Ok(None),
        RouteAuthorization::Default => match &api.config.default_authorizer {
            Some(name) => (name.as_str(), &[]),
            None => return Ok(None),
        },
        RouteAuthorization::Jwt { authorizer, scopes } => (authorizer.as_str(), scopes.as_slice()),
    };
    match api.authorizers.get(name) {
        Some(authorizer) => Ok(Some((authorizer, scopes))),
        None => {
            tracing::error!(
                authorizer = name,
                "a route names an authorizer the API does not have"
            );
            Err(MissingAuthorizer)
        }
    }
}

fn unauthorized(refused: &Unauthorized) -> Response<Body> {
    let mut response = message(StatusCode::UNAUTHORIZED, "Unauthorized");
    let challenge = format!(
        "Bearer scope=\"\" error=\"invalid_token\" error_description=\"{}\"",
        refused.description.replace('"', "'")
    );
    if let Ok(value) = HeaderValue::from_str(&challenge) {
        response.headers_mut().insert(WWW_AUTHENTICATE, value);
    }
    response
}

/// The body of `POST {issuer}/token`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct TokenBody {
    user: String,
    #[serde(default)]
    groups: Vec<String>,
    name: Option<String>,
    picture: Option<String>,
    #[serde(default = "default_lifetime")]
    lifetime_seconds: u64,
}

fn default_lifetime() -> u64 {
    3600
}

async fn serve_issuer(issuer: &LocalIssuer, rest: &str, request: Request<Body>) -> Response<Body> {
    match (request.method(), rest) {
        (&Method::GET, DISCOVERY_PATH) => json_response(StatusCode::OK, issuer.discovery()),
        (&Method::GET, JWKS_PATH) => json_response(StatusCode::OK, issuer.jwks()),
        (&Method::POST, "/token") => {
            let body = match Limited::new(request.into_body(), 64 * 1024).collect().await {
                Ok(collected) => collected.to_bytes(),
                Err(_) => {
                    return message(StatusCode::PAYLOAD_TOO_LARGE, "Request Entity Too Large")
                }
            };
            let parsed: TokenBody = match serde_json::from_slice(&body) {
                Ok(parsed) => parsed,
                Err(error) => return message(StatusCode::BAD_REQUEST, &error.to_string()),
            };
            let minted = issuer.mint(&TokenRequest {
                user: parsed.user,
                groups: parsed.groups,
                name: parsed.name,
                picture: parsed.picture,
                lifetime: Duration::from_secs(parsed.lifetime_seconds.clamp(1, 24 * 3600)),
            });
            match minted {
                Ok(token) => json_response(StatusCode::OK, serde_json::json!({ "idToken": token })),
                Err(error) => message(StatusCode::BAD_REQUEST, &error.to_string()),
            }
        }
        _ => message(StatusCode::NOT_FOUND, "Not Found"),
    }
}
