//! `ivschat-local up`: the whole project on one machine from `template.yaml` — builds the
//! functions, starts a local DynamoDB (moto) with the template's tables, hosts the functions
//! behind the local IVS Chat service and the local HTTP API (JWT authorizer with the local
//! issuer), creates the template's logging configurations and rooms, puts its functions'
//! CloudWatch Logs subscriptions on the chat log, and prints every URL a user needs.

mod clients;
mod indexes;
pub mod logs;
pub mod template;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, KeySchemaElement, KeyType, ScalarAttributeType,
    TimeToLiveSpecification,
};
use clap::Args;
use http::Method;
use moto::MotoServer;
use serde_json::json;

use crate::config::{FunctionArgs, FunctionEnv, ServeConfig};
use crate::console::{Console, ConsoleDocument, ConsoleRoom, RunningConsole};
use crate::gateway::{
    CorsConfig, HttpApi, HttpApiConfig, JwtAuthorizerConfig, LocalIssuerKey, RouteAuthorization,
    RouteConfig, RunningHttpApi, LOCAL_ISSUER,
};
use crate::identity;
use crate::server::{RunningServer, Server};
use template::{LocalScope, StackTemplate};

/// The audience of the local issuer's tokens, and the template's `JwtAudience` locally.
pub const LOCAL_AUDIENCE: &str = "ivschat-local";
/// The file in the data directory that describes the running stack (for `dev-token`).
pub const STACK_FILE: &str = "stack.json";
/// The moto version installed when none is found.
const MOTO_REQUIREMENT: &str = "moto[server]==5.2.5";
/// The longest `up` waits for its functions to finish their initialisation.
const FUNCTION_READY_WAIT: Duration = Duration::from_secs(30);

/// The options of `ivschat-local up`.
#[derive(Clone, Debug, Args)]
pub struct UpConfig {
    #[command(flatten)]
    pub serve: ServeConfig,

    /// Functions to host besides the template's, and variables over what the stack gives
    /// a function (`--function-env` wins, and `up` says so).
    #[command(flatten)]
    pub hosted: FunctionArgs,

    /// The SAM template to run.
    #[arg(long, env = "IVSCHAT_LOCAL_TEMPLATE", default_value = "template.yaml")]
    pub template: PathBuf,

    /// Address of the local HTTP API (API Gateway).
    #[arg(
        long,
        env = "IVSCHAT_LOCAL_API_LISTEN",
        default_value = "127.0.0.1:8331"
    )]
    pub api_listen: std::net::SocketAddr,

    /// A template parameter, `NAME=VALUE`; repeatable. `JwtIssuer` defaults to the local
    /// issuer and `JwtAudience` to `ivschat-local`.
    #[arg(long = "parameter", value_parser = parse_parameter)]
    pub parameters: Vec<(String, String)>,

    /// Use the function binaries already built instead of running `cargo build`.
    #[arg(long)]
    pub no_build: bool,

    /// Where the function binaries are (default: the cargo target folder of the profile
    /// `ivschat-local` itself was built with; functions are built in that profile too).
    #[arg(long, env = "IVSCHAT_LOCAL_FUNCTIONS_DIR")]
    pub functions_dir: Option<PathBuf>,
}

/// Whether this binary (and so the functions it builds) is a release build.
const RELEASE: bool = !cfg!(debug_assertions);

fn parse_parameter(value: &str) -> Result<(String, String), String> {
    value
        .split_once('=')
        .filter(|(name, _)| !name.is_empty())
        .map(|(n, v)| (n.to_owned(), v.to_owned()))
        .ok_or_else(|| "expected NAME=VALUE".to_owned())
}

/// Why the stack cannot come up.
#[derive(Debug, thiserror::Error)]
pub enum StackError {
    #[error(transparent)]
    Template(#[from] template::TemplateError),
    #[error("building the functions failed: {0}")]
    Build(String),
    #[error("the local DynamoDB (moto) is not available: {0}")]
    Moto(String),
    #[error("cannot create table {table}: {detail}")]
    Table { table: String, detail: String },
    #[error(transparent)]
    Identity(#[from] identity::IdentityError),
    #[error(transparent)]
    Server(#[from] crate::server::ServerError),
    #[error("cannot serve the HTTP API on {address}: {source}")]
    Api {
        address: std::net::SocketAddr,
        source: std::io::Error,
    },
    #[error("cannot create room {room}: {detail}")]
    Room { room: String, detail: String },
    #[error(transparent)]
    Logging(#[from] logs::LoggingError),
    #[error(transparent)]
    Console(#[from] crate::console::ConsoleError),
    #[error("cannot write {path}: {source}")]
    StackFile {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot start function {function}: {source}")]
    FunctionStart {
        function: String,
        source: std::io::Error,
    },
}

/// A running local stack; dropping it stops everything.
pub struct RunningStack {
    pub server: RunningServer,
    pub api: RunningHttpApi,
    pub moto: MotoServer,
    /// Ids of the rooms the template declares, by logical id.
    pub rooms: BTreeMap<String, String>,
    pub region: String,
    /// The web console, when `up` serves it.
    pub console: Option<RunningConsole>,
    /// The functions' variables that `--function-env` set over the stack's values.
    pub environment_overrides: Vec<EnvironmentOverride>,
}

/// A function's environment variable that the user's `--function-env` set over the value the
/// stack (the template, or `up` itself) would have given it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnvironmentOverride {
    pub function: String,
    pub variable: String,
    pub stack_value: String,
    pub user_value: String,
}

/// The value the user gave `variable` of `function` with `--function-env` (the last one given).
fn user_value<'a>(user_env: &'a [FunctionEnv], function: &str, variable: &str) -> Option<&'a str> {
    user_env
        .iter()
        .rev()
        .find(|entry| entry.function == function && entry.key == variable)
        .map(|entry| entry.value.as_str())
}

/// Brings the stack up.
pub async fn up(config: UpConfig) -> Result<RunningStack, StackError> {
    up_with_console(config, None).await
}

/// Brings the stack up and serves the web console on `console` (already bound, so that the
/// HTTP API's CORS can admit its origins unless `CorsAllowOrigins` is given).
pub async fn up_with_console(
    config: UpConfig,
    console: Option<Console>,
) -> Result<RunningStack, StackError> {
    let serve = config.serve.clone();
    let scope = LocalScope {
        account_id: serve.account_id.clone(),
        region: serve.default_region.clone(),
        stack_name: "ivschat-local".to_owned(),
    };
    let mut overrides = BTreeMap::from([
        ("JwtIssuer".to_owned(), LOCAL_ISSUER.to_owned()),
        ("JwtAudience".to_owned(), LOCAL_AUDIENCE.to_owned()),
    ]);
    if let Some(console) = &console {
        overrides.insert("CorsAllowOrigins".to_owned(), console.origins().join(","));
    }
    overrides.extend(config.parameters.iter().cloned());
    let template = StackTemplate::load(&config.template, &overrides, &scope)?;
    logs::check_subscriptions(&template)?;
    let workspace = config
        .template
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_path_buf();
    let binaries: Vec<String> = template
        .functions
        .iter()
        .map(|f| f.binary.clone())
        .collect();
    if !config.no_build && !binaries.is_empty() {
        build(&workspace, &binaries, RELEASE)?;
    }
    let target = config.functions_dir.clone().unwrap_or_else(|| {
        std::env::var_os("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| workspace.join("target"))
            .join(if RELEASE { "release" } else { "debug" })
    });

    eprintln!("starting the local DynamoDB (moto)...");
    let moto = MotoServer::start_with(&moto_executable(&serve.data_dir)?)
        .map_err(|e| StackError::Moto(e.to_string()))?;
    let dynamo = clients::dynamodb(&clients::Endpoint {
        url: moto.endpoint().to_owned(),
        region: scope.region.clone(),
        access_key_id: "test".to_owned(),
        secret_access_key: "test".to_owned(),
    });
    for table in &template.tables {
        create_table(&dynamo, table).await?;
    }

    let mut serve = serve;
    serve.functions.extend(config.hosted.specs(&serve));
    // What the user gave with --function-env wins over what the stack would set.
    let user_env = &config.hosted.function_env;
    let mut environment_overrides = Vec::new();
    for function in &template.functions {
        let mut spec = serve.function(&function.binary, target.join(&function.binary));
        if let Some(timeout) = function.timeout_seconds {
            spec = spec.timeout(Duration::from_secs(timeout));
        }
        if let Some(memory_mb) = function.memory_mb {
            spec = spec.memory_mb(memory_mb);
        }
        let mut env = function.environment.clone();
        env.extend(function.logging_environment.iter().cloned());
        env.push((
            "AWS_ENDPOINT_URL_DYNAMODB".to_owned(),
            moto.endpoint().to_owned(),
        ));
        for (key, value) in env {
            match user_value(user_env, &function.binary, &key) {
                Some(user) => environment_overrides.push(EnvironmentOverride {
                    function: function.binary.clone(),
                    variable: key,
                    stack_value: value,
                    user_value: user.to_owned(),
                }),
                None => spec = spec.env(key, value),
            }
        }
        // The user's variables come after the stack's, as before: the last one set wins.
        for entry in user_env.iter().filter(|e| e.function == function.binary) {
            spec = spec.env(&entry.key, &entry.value);
        }
        serve.functions.push(spec);
    }
    let server = Server::bind(serve.clone()).await?.spawn();

    let pem = identity::load_or_create_key(&serve.data_dir)?;
    let api_config = api_config(&template, &scope);
    let api = HttpApi::bind(
        config.api_listen,
        api_config,
        server.function_invoker(),
        Some(LocalIssuerKey {
            pem,
            audience: LOCAL_AUDIENCE.to_owned(),
        }),
    )
    .await
    .map_err(|source| StackError::Api {
        address: config.api_listen,
        source,
    })?
    .spawn();

    let ivs = clients::ivschat(&clients::Endpoint {
        url: server.endpoint_url(),
        region: scope.region.clone(),
        access_key_id: serve.access_key_id.clone(),
        secret_access_key: serve.secret_access_key.clone(),
    });
    let logging_configurations = logs::create_logging_configurations(&ivs, &template).await?;
    environment_overrides.extend(logs::pass_logging_configuration_arns(
        &server,
        &template,
        &logging_configurations,
        user_env,
    ));
    logs::subscribe(&server, &template, &scope)?;
    let mut rooms = BTreeMap::new();
    let mut console_rooms = BTreeMap::new();
    for room in &template.rooms {
        let created = create_room(&ivs, room, &logging_configurations).await?;
        rooms.insert(room.logical_id.clone(), created.id.clone());
        console_rooms.insert(room.logical_id.clone(), created);
    }

    // Every function's environment is complete now (logging configurations' ARNs included):
    // start the processes, as provisioned concurrency would, so that a debug build's slower
    // start does not send the first chat messages to the rooms' review fallback.
    let invoker = server.function_invoker();
    let mut starting = Vec::new();
    for function in &template.functions {
        if let Some(hosted) = invoker.hosted(&function.binary) {
            hosted
                .prestart()
                .map_err(|source| StackError::FunctionStart {
                    function: function.binary.clone(),
                    source,
                })?;
            starting.push(hosted);
        }
    }
    // The stack is ready when its functions are: each has finished its initialisation and
    // waits for work (bounded; one that fails to start says why at its first invocation).
    let ready = starting
        .iter()
        .map(|hosted| hosted.until_ready(FUNCTION_READY_WAIT));
    for (hosted, ready) in starting
        .iter()
        .zip(futures_util::future::join_all(ready).await)
    {
        if !ready {
            tracing::warn!(
                function = hosted.name(),
                wait_s = FUNCTION_READY_WAIT.as_secs(),
                "function not ready; its first invocations start it"
            );
        }
    }

    let console = match console {
        Some(console) => Some(console.spawn(&console_document(
            &template,
            &server,
            &api,
            &console_rooms,
            &scope,
        ))?),
        None => None,
    };
    let stack = RunningStack {
        server,
        api,
        moto,
        rooms,
        region: scope.region.clone(),
        console,
        environment_overrides,
    };
    write_stack_file(&serve.data_dir, &stack)?;
    Ok(stack)
}

impl RunningStack {
    /// What a user needs, for the terminal.
    pub fn describe(&self) -> String {
        let control_plane = self.server.endpoint_url();
        let chat = control_plane.replacen("http", "ws", 1);
        let api = self.api.url();
        let issuer = self
            .api
            .issuer()
            .map(|i| i.issuer_url().to_owned())
            .unwrap_or_default();
        let mut out = format!(
            "ivschat-local is up (region {region}, account {account})\n\
             \n  HTTP API (API Gateway)     {api}\
             \n  IVS Chat control plane     {control_plane}   (credentials test / test)\
             \n  IVS Chat messaging         {chat}\
             \n  local JWT issuer           {issuer}   (audience {LOCAL_AUDIENCE})\
             \n  DynamoDB (moto)            {moto}\n",
            region = self.region,
            account = self.server.state().account_id(),
            moto = self.moto.endpoint(),
        );
        if let Some(console) = &self.console {
            out.push_str(&format!("  web console                {}\n", console.url()));
        }
        for (logical_id, id) in &self.rooms {
            out.push_str(&format!("  room {logical_id:<21} {id}\n"));
        }
        if !self.environment_overrides.is_empty() {
            out.push_str("\n--function-env over the template:\n");
            for o in &self.environment_overrides {
                out.push_str(&format!(
                    "  {}: {} {:?} -> {:?}\n",
                    o.function, o.variable, o.stack_value, o.user_value
                ));
            }
        }
        if let Some(room) = self.rooms.values().next() {
            out.push_str(&format!(
                "\nGet a JWT and a chat token:\n\
                 \n  JWT=$(cargo run -q -p ivschat-local -- dev-token --user alice)\
                 \n  curl -s -X POST -H \"Authorization: Bearer $JWT\" {api}/rooms/{room}/chat-token\n"
            ));
        }
        out
    }
}

fn build(workspace: &Path, binaries: &[String], release: bool) -> Result<(), StackError> {
    eprintln!("building {} ...", binaries.join(", "));
    let mut command =
        std::process::Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()));
    command.current_dir(workspace).arg("build");
    if release {
        command.arg("--release");
    }
    for binary in binaries {
        command.args(["--bin", binary]);
    }
    let status = command
        .status()
        .map_err(|e| StackError::Build(format!("cannot run cargo: {e}")))?;
    if status.success() {
        Ok(())
    } else {
        Err(StackError::Build(format!(
            "cargo build ended with {status}"
        )))
    }
}

/// moto from `$MOTO_SERVER` or the workspace's `.venv`, or else installed into a virtual
/// environment in the data directory (once).
fn moto_executable(data_dir: &Path) -> Result<PathBuf, StackError> {
    if let Ok(path) = MotoServer::executable() {
        return Ok(path);
    }
    let venv = data_dir.join("venv");
    let installed = venv.join("bin").join("moto_server");
    if installed.is_file() {
        return Ok(installed);
    }
    eprintln!(
        "installing {MOTO_REQUIREMENT} into {} (once)...",
        venv.display()
    );
    let run = |program: &Path, args: &[&str]| -> Result<(), StackError> {
        let status = std::process::Command::new(program)
            .args(args)
            .status()
            .map_err(|e| StackError::Moto(format!("cannot run {}: {e}", program.display())))?;
        if status.success() {
            Ok(())
        } else {
            Err(StackError::Moto(format!(
                "{} {args:?} ended with {status}",
                program.display()
            )))
        }
    };
    std::fs::create_dir_all(data_dir).map_err(|e| StackError::Moto(e.to_string()))?;
    let venv_text = venv.to_string_lossy().into_owned();
    run(Path::new("python3"), &["-m", "venv", &venv_text])?;
    run(
        &venv.join("bin").join("pip"),
        &[
            "install",
            "--quiet",
            "--disable-pip-version-check",
            MOTO_REQUIREMENT,
        ],
    )?;
    Ok(installed)
}

async fn create_table(
    client: &aws_sdk_dynamodb::Client,
    table: &template::TableDef,
) -> Result<(), StackError> {
    let failed = |detail: String| StackError::Table {
        table: table.logical_id.clone(),
        detail,
    };
    let mut request = client
        .create_table()
        .table_name(&table.logical_id)
        .billing_mode(BillingMode::PayPerRequest);
    for (name, kind) in &table.key_schema {
        let key = KeySchemaElement::builder()
            .attribute_name(name)
            .key_type(KeyType::from(kind.as_str()))
            .build()
            .map_err(|e| failed(e.to_string()))?;
        request = request.key_schema(key);
    }
    for (name, kind) in &table.attributes {
        let attribute = AttributeDefinition::builder()
            .attribute_name(name)
            .attribute_type(ScalarAttributeType::from(kind.as_str()))
            .build()
            .map_err(|e| failed(e.to_string()))?;
        request = request.attribute_definitions(attribute);
    }
    let (local_indexes, global_indexes) =
        indexes::secondary_indexes(table).map_err(|e| failed(e.to_string()))?;
    request = request
        .set_local_secondary_indexes((!local_indexes.is_empty()).then_some(local_indexes))
        .set_global_secondary_indexes((!global_indexes.is_empty()).then_some(global_indexes));
    request.send().await.map_err(|e| {
        failed(aws_smithy_types::error::display::DisplayErrorContext(e).to_string())
    })?;
    if let Some(attribute) = &table.ttl_attribute {
        let ttl = TimeToLiveSpecification::builder()
            .attribute_name(attribute)
            .enabled(true)
            .build()
            .map_err(|e| failed(e.to_string()))?;
        client
            .update_time_to_live()
            .table_name(&table.logical_id)
            .time_to_live_specification(ttl)
            .send()
            .await
            .map_err(|e| {
                failed(aws_smithy_types::error::display::DisplayErrorContext(e).to_string())
            })?;
    }
    Ok(())
}

fn api_config(template: &StackTemplate, scope: &LocalScope) -> HttpApiConfig {
    let mut config = HttpApiConfig {
        api_id: "localapi".to_owned(),
        account_id: scope.account_id.clone(),
        region: scope.region.clone(),
        integration_timeout: Duration::from_secs(30),
        ..HttpApiConfig::default()
    };
    // One local HTTP API serves the template's (there is one today).
    if let Some(api) = template.apis.first() {
        config.api_id = api.logical_id.to_ascii_lowercase();
        config.default_authorizer = api.default_authorizer.clone();
        config.authorizers = api
            .authorizers
            .iter()
            .map(|a| JwtAuthorizerConfig {
                name: a.name.clone(),
                issuer: a.issuer.clone(),
                audiences: a.audiences.clone(),
                identity_header: a.identity_header.clone(),
            })
            .collect();
        if !api.cors_origins.is_empty() {
            config.cors = Some(CorsConfig {
                allow_origins: api.cors_origins.clone(),
                allow_methods: api.cors_methods.clone(),
                allow_headers: api.cors_headers.clone(),
                expose_headers: api.cors_expose.clone(),
                max_age_seconds: api.cors_max_age,
                allow_credentials: false,
            });
        }
    }
    for function in &template.functions {
        for route in &function.routes {
            config.routes.push(RouteConfig {
                method: (route.method != "ANY")
                    .then(|| Method::from_bytes(route.method.as_bytes()).ok())
                    .flatten(),
                path: route.path.clone(),
                function_arn: format!(
                    "arn:aws:lambda:{}:{}:function:{}",
                    scope.region, scope.account_id, function.binary
                ),
                authorization: match route.authorizer.as_deref() {
                    None => RouteAuthorization::Default,
                    Some("NONE") => RouteAuthorization::None,
                    Some(name) => RouteAuthorization::Jwt {
                        authorizer: name.to_owned(),
                        scopes: Vec::new(),
                    },
                },
            });
        }
    }
    config
}

/// Creates one of the template's rooms; answers its id and its name as IVS Chat keeps it.
async fn create_room(
    ivs: &aws_sdk_ivschat::Client,
    room: &template::RoomDef,
    logging_configurations: &BTreeMap<String, String>,
) -> Result<ConsoleRoom, StackError> {
    let mut request = ivs
        .create_room()
        .set_name(room.name.clone())
        .set_maximum_message_length(room.maximum_message_length)
        .set_maximum_message_rate_per_second(room.maximum_message_rate_per_second);
    if let Some(uri) = &room.review_handler_uri {
        let handler = aws_sdk_ivschat::types::MessageReviewHandler::builder()
            .uri(uri)
            .set_fallback_result(
                room.fallback_result
                    .as_deref()
                    .map(aws_sdk_ivschat::types::FallbackResult::from),
            )
            .build();
        request = request.message_review_handler(handler);
    }
    for (key, value) in &room.tags {
        request = request.tags(key, value);
    }
    let logging = logs::room_logging_configurations(room, logging_configurations);
    request =
        request.set_logging_configuration_identifiers((!logging.is_empty()).then_some(logging));
    let created = request.send().await.map_err(|e| StackError::Room {
        room: room.logical_id.clone(),
        detail: aws_smithy_types::error::display::DisplayErrorContext(e).to_string(),
    })?;
    Ok(ConsoleRoom {
        id: created.id().unwrap_or_default().to_owned(),
        name: created.name().unwrap_or_default().to_owned(),
    })
}

/// What the console's `/config.json` says: the stack's endpoints and rooms, and the groups of
/// the roles as the template configures the functions.
fn console_document(
    template: &StackTemplate,
    server: &RunningServer,
    api: &RunningHttpApi,
    rooms: &BTreeMap<String, ConsoleRoom>,
    scope: &LocalScope,
) -> ConsoleDocument {
    let setting = |key: &str, default: &str| {
        template
            .functions
            .iter()
            .flat_map(|f| f.environment.iter())
            .find(|(k, _)| k == key)
            .map_or_else(|| default.to_owned(), |(_, v)| v.clone())
    };
    ConsoleDocument {
        api_url: api.url(),
        chat_endpoint: server.endpoint_url().replacen("http", "ws", 1),
        region: scope.region.clone(),
        issuer: api.issuer().map(|i| i.issuer_url().to_owned()),
        rooms: rooms.clone(),
        groups_claim: setting("GROUPS_CLAIM", "cognito:groups"),
        moderator_group: setting("MODERATOR_GROUP", "moderators"),
        admin_group: setting("ADMIN_GROUP", "admins"),
    }
}

fn write_stack_file(data_dir: &Path, stack: &RunningStack) -> Result<(), StackError> {
    let path = data_dir.join(STACK_FILE);
    let description = json!({
        "apiUrl": stack.api.url(),
        "issuer": stack.api.issuer().map(|i| i.issuer_url().to_owned()),
        "audience": LOCAL_AUDIENCE,
        "controlPlane": stack.server.endpoint_url(),
        "chatEndpoint": stack.server.endpoint_url().replacen("http", "ws", 1),
        "region": stack.region,
        "rooms": stack.rooms,
        "consoleUrl": stack.console.as_ref().map(RunningConsole::url),
    });
    std::fs::create_dir_all(data_dir)
        .and_then(|()| std::fs::write(&path, description.to_string()))
        .map_err(|source| StackError::StackFile { path, source })
}

/// The options of `ivschat-local dev-token`.
#[derive(Clone, Debug, Args)]
pub struct DevTokenConfig {
    /// The user id (`sub`).
    #[arg(long)]
    pub user: String,
    /// A group (`cognito:groups`), e.g. `moderators` or `admins`; repeatable.
    #[arg(long = "group")]
    pub groups: Vec<String>,
    /// Display name (`name`).
    #[arg(long)]
    pub name: Option<String>,
    /// Avatar URL (`picture`).
    #[arg(long)]
    pub picture: Option<String>,
    /// Lifetime of the token in seconds.
    #[arg(long, default_value = "3600")]
    pub lifetime_seconds: u64,
    /// The running stack's data directory.
    #[arg(long, env = "IVSCHAT_LOCAL_DATA_DIR", default_value = ".ivschat-local")]
    pub data_dir: PathBuf,
}

/// A JWT the running stack's HTTP API accepts.
pub fn dev_token(config: &DevTokenConfig) -> Result<String, String> {
    let path = config.data_dir.join(STACK_FILE);
    let text = std::fs::read_to_string(&path).map_err(|e| {
        format!(
            "cannot read {} ({e}); is `ivschat-local up` running?",
            path.display()
        )
    })?;
    let stack: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let issuer_url = stack["issuer"]
        .as_str()
        .ok_or_else(|| format!("{} names no issuer", path.display()))?;
    let audience = stack["audience"].as_str().unwrap_or(LOCAL_AUDIENCE);
    let issuer = identity::LocalIssuer::load_or_create(&config.data_dir, issuer_url, audience)
        .map_err(|e| e.to_string())?;
    issuer
        .mint(&identity::TokenRequest {
            user: config.user.clone(),
            groups: config.groups.clone(),
            name: config.name.clone(),
            picture: config.picture.clone(),
            lifetime: Duration::from_secs(config.lifetime_seconds.clamp(1, 86_400)),
        })
        .map_err(|e| e.to_string())
}
