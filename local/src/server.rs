//! The listener: binds the address, serves the control plane over HTTP/1.1 on every
//! connection, and shuts down gracefully when told to.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{ConnectInfo, State};
use axum::serve::ListenerExt;
use axum::Router;
use http::{Request, Response};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

use crate::auth::{Regions, SigV4Signer, SigV4Verifier, LAMBDA_SERVICE};
use crate::chat_logging::ChatLogger;
use crate::config::{QuotaSwitch, ServeConfig};
use crate::control_plane::{ControlPlane, ControlPlaneSettings};
use crate::lambda::{invoke_api, FunctionInvoker, HostSettings, HostedFunction};
use crate::log_subscriptions::{DeliverySettings, LogSubscriptions};
use crate::messaging::Messaging;
use crate::quotas::RateQuotas;
use crate::state::{AccountLimits, ServiceState};

/// Why the server could not start or stopped.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error("cannot listen on {address}: {source}")]
    Bind {
        address: SocketAddr,
        source: io::Error,
    },
    #[error("the default region {region} is not one requests may be scoped to ({regions}); choose one of them with --default-region, or add it with --regions")]
    DefaultRegion { region: String, regions: String },
    #[error("cannot host function {name}: {source}")]
    Function { name: String, source: io::Error },
    #[error("the server stopped: {0}")]
    Serve(#[source] io::Error),
}

/// A bound, not yet serving, server.
pub struct Server {
    listener: TcpListener,
    address: SocketAddr,
    services: Services,
    log_subscriptions: LogSubscriptions,
}

/// What the listener serves: the control plane, messaging (WebSocket upgrades) and the
/// Lambda Invoke API of hosted functions.
#[derive(Clone)]
struct Services {
    control_plane: Arc<ControlPlane>,
    messaging: Arc<Messaging>,
    functions: FunctionInvoker,
    /// Checks Invoke API signatures (service `lambda`) with the control plane's key pair;
    /// none with `--no-verify-signatures`.
    invoke_verifier: Option<Arc<SigV4Verifier>>,
    /// `arn:aws:lambda:REGION:ACCOUNT:function:` of hosted functions.
    function_arn_prefix: Arc<str>,
}

impl Server {
    /// Builds the service from `config` and binds its listener.
    pub async fn bind(config: ServeConfig) -> Result<Server, ServerError> {
        let listener =
            TcpListener::bind(config.listen)
                .await
                .map_err(|source| ServerError::Bind {
                    address: config.listen,
                    source,
                })?;
        let address = listener.local_addr().map_err(|source| ServerError::Bind {
            address: config.listen,
            source,
        })?;
        let regions = Regions::new(config.regions.iter().cloned());
        // Hosted functions live in the default region and `up` works in it, signed or not.
        if !regions.contains(&config.default_region) {
            return Err(ServerError::DefaultRegion {
                region: config.default_region.clone(),
                regions: regions.list(),
            });
        }
        let state = Arc::new(ServiceState::new(
            config.account_id.clone(),
            AccountLimits {
                max_rooms: config.max_rooms,
                max_logging_configurations: config.max_logging_configurations,
            },
        ));
        let settings = ControlPlaneSettings {
            verifier: (!config.no_verify_signatures).then(|| {
                SigV4Verifier::new(
                    config.access_key_id.clone(),
                    config.secret_access_key.clone(),
                )
                .with_regions(regions.clone())
            }),
            regions,
            quotas: match config.quotas {
                QuotaSwitch::On => RateQuotas::scaled(config.quota_scale),
                QuotaSwitch::Off => RateQuotas::off(),
            },
            default_region: config.default_region.clone(),
            max_body_bytes: config.max_body_bytes,
            token_lifetime: config.token_lifetime(),
        };
        let host_settings = HostSettings {
            region: config.default_region.clone(),
            account_id: config.account_id.clone(),
            access_key_id: config.access_key_id.clone(),
            secret_access_key: config.secret_access_key.clone(),
            service_url: format!("http://{address}"),
        };
        let mut hosted = Vec::new();
        for spec in config.functions.iter().cloned() {
            let name = spec.name.clone();
            let function = HostedFunction::start(spec, host_settings.clone())
                .await
                .map_err(|source| ServerError::Function { name, source })?;
            hosted.push(function);
        }
        let invoker = FunctionInvoker::new(hosted, config.lambda_endpoint.clone()).with_signer(
            SigV4Signer::new(
                config.access_key_id.clone(),
                config.secret_access_key.clone(),
            ),
        );
        let invoke_verifier = (!config.no_verify_signatures).then(|| {
            Arc::new(
                SigV4Verifier::new(
                    config.access_key_id.clone(),
                    config.secret_access_key.clone(),
                )
                .with_service(LAMBDA_SERVICE),
            )
        });
        let log_subscriptions = LogSubscriptions::start(
            invoker.clone(),
            DeliverySettings {
                owner: config.account_id.clone(),
                interval: config.log_subscription_interval(),
                // The hosted function's own timeout ends a stuck invocation first.
                invoke_timeout: Duration::from_secs(config.function_timeout_seconds + 5),
            },
        );
        let logger = ChatLogger::start(
            Arc::clone(&state),
            config.data_dir.clone(),
            Some(log_subscriptions.clone()),
        );
        let messaging = Messaging::new(
            Arc::clone(&state),
            invoker.clone(),
            Some(logger),
            config.max_chat_frame_bytes,
        );
        let function_arn_prefix = format!(
            "arn:aws:lambda:{}:{}:function:",
            config.default_region, config.account_id
        );
        let control_plane = Arc::new(ControlPlane::new(state, settings));
        Ok(Server {
            listener,
            address,
            services: Services {
                control_plane,
                messaging,
                functions: invoker,
                invoke_verifier,
                function_arn_prefix: Arc::from(function_arn_prefix),
            },
            log_subscriptions,
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.address
    }

    /// The service's state, for inspection by tests and tools in the same process.
    pub fn state(&self) -> Arc<ServiceState> {
        Arc::clone(&self.services.control_plane.state)
    }

    /// The invoker of the hosted functions, for a local HTTP API in front of them.
    pub fn function_invoker(&self) -> FunctionInvoker {
        self.services.functions.clone()
    }

    /// The CloudWatch Logs subscription filters that chat logs are delivered through.
    pub fn log_subscriptions(&self) -> LogSubscriptions {
        self.log_subscriptions.clone()
    }

    /// Serves until `shutdown` completes, then lets in-flight requests finish.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), ServerError> {
        let app = Router::new().fallback(handle).with_state(self.services);
        // Chat frames are small and latency-bound: no Nagle delay on accepted sockets.
        let listener = self.listener.tap_io(|stream| {
            let _ = stream.set_nodelay(true);
        });
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown)
        .await
        .map_err(ServerError::Serve)
    }

    /// Serves in a background task until the returned handle is stopped or dropped.
    pub fn spawn(self) -> RunningServer {
        let (stop, stopped) = oneshot::channel::<()>();
        let address = self.address;
        let state = self.state();
        let functions = self.function_invoker();
        let log_subscriptions = self.log_subscriptions();
        let task = tokio::spawn(self.run_until(async {
            let _ = stopped.await;
        }));
        RunningServer {
            address,
            state,
            functions,
            log_subscriptions,
            stop: Some(stop),
            task,
        }
    }
}

async fn handle(
    State(services): State<Services>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    request: Request<Body>,
) -> Response<Body> {
    if Messaging::is_upgrade(&request) {
        Arc::clone(&services.messaging).accept(request, peer).await
    } else if invoke_api::is_invoke_request(&request) {
        let prefix = &services.function_arn_prefix;
        invoke_api::handle(
            &services.functions,
            services.invoke_verifier.as_deref(),
            request,
            |name| format!("{prefix}{name}"),
        )
        .await
    } else {
        services.control_plane.handle(request).await
    }
}

/// A server serving in the background.
pub struct RunningServer {
    address: SocketAddr,
    state: Arc<ServiceState>,
    functions: FunctionInvoker,
    log_subscriptions: LogSubscriptions,
    stop: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<Result<(), ServerError>>,
}

impl RunningServer {
    pub fn local_addr(&self) -> SocketAddr {
        self.address
    }

    /// `http://HOST:PORT`, the endpoint URL to give SDKs.
    pub fn endpoint_url(&self) -> String {
        format!("http://{}", self.address)
    }

    pub fn state(&self) -> &Arc<ServiceState> {
        &self.state
    }

    /// The invoker of the hosted functions, for a local HTTP API in front of them.
    pub fn function_invoker(&self) -> FunctionInvoker {
        self.functions.clone()
    }

    /// The CloudWatch Logs subscription filters that chat logs are delivered through
    /// (`ivschat-local up` puts the template's).
    pub fn log_subscriptions(&self) -> LogSubscriptions {
        self.log_subscriptions.clone()
    }

    /// Stops accepting connections and waits for the server task to end.
    pub async fn stop(mut self) -> Result<(), ServerError> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        match (&mut self.task).await {
            Ok(result) => result,
            Err(join) => Err(ServerError::Serve(io::Error::other(join))),
        }
    }
}

impl Drop for RunningServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
