//! Typed configuration of `ivschat-local serve`, parsed once from flags and environment variables.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, ValueEnum};

pub use crate::lambda::FunctionSpec;

/// Whether AWS's per-operation TPS limits are enforced.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum QuotaSwitch {
    /// Enforce the limits (scaled by `--quota-scale`).
    On,
    /// Never throttle.
    Off,
}

/// Everything the control-plane server needs to know, with AWS-like defaults.
#[derive(Clone, Debug, Args)]
pub struct ServeConfig {
    /// Address to listen on; port 0 picks any free port. The chosen address is printed once
    /// ready: `ivschat-local listening on http://HOST:PORT`.
    #[arg(long, env = "IVSCHAT_LOCAL_LISTEN", default_value = "127.0.0.1:8330")]
    pub listen: SocketAddr,

    /// AWS account id used in every ARN the service mints.
    #[arg(long, env = "IVSCHAT_LOCAL_ACCOUNT_ID", default_value = "123456789012", value_parser = parse_account_id)]
    pub account_id: String,

    /// Access key id that requests must be signed with (SigV4), to the control plane and to
    /// the Lambda Invoke API; the service also signs its calls to `--lambda-endpoint` with it.
    #[arg(long, env = "IVSCHAT_LOCAL_ACCESS_KEY_ID", default_value = "test")]
    pub access_key_id: String,

    /// Secret access key that requests must be signed with (SigV4).
    #[arg(
        long,
        env = "IVSCHAT_LOCAL_SECRET_ACCESS_KEY",
        default_value = "test",
        hide_env_values = true
    )]
    pub secret_access_key: String,

    /// Accept requests without checking their SigV4 signature, on the control plane and on
    /// the Lambda Invoke API alike. The region is still taken from the credential scope when
    /// there is one.
    #[arg(long, env = "IVSCHAT_LOCAL_NO_VERIFY_SIGNATURES", value_parser = clap::builder::BoolishValueParser::new())]
    pub no_verify_signatures: bool,

    /// Region used for requests that carry no SigV4 credential scope (only possible with
    /// `--no-verify-signatures`).
    #[arg(
        long,
        env = "IVSCHAT_LOCAL_DEFAULT_REGION",
        default_value = "us-east-1"
    )]
    pub default_region: String,

    /// Regions a request's SigV4 credential scope may name, comma-separated (default: the
    /// regions of the IVS Chat endpoints, <https://docs.aws.amazon.com/general/latest/gr/ivs.html>).
    /// Any other region is refused as AWS refuses it (403 InvalidSignatureException);
    /// `--default-region` must be one of them.
    #[arg(
        long,
        env = "IVSCHAT_LOCAL_REGIONS",
        value_delimiter = ',',
        default_value = crate::auth::IVS_CHAT_REGIONS_TEXT,
        value_parser = parse_region
    )]
    pub regions: Vec<String>,

    /// Enforce AWS's per-operation request-rate quotas (ThrottlingException, HTTP 429).
    #[arg(long, env = "IVSCHAT_LOCAL_QUOTAS", value_enum, default_value = "on")]
    pub quotas: QuotaSwitch,

    /// Multiply every request-rate quota by this factor (e.g. 10 for fast tests).
    #[arg(long, env = "IVSCHAT_LOCAL_QUOTA_SCALE", default_value = "1", value_parser = parse_scale)]
    pub quota_scale: f64,

    /// Account limit on rooms per region (ServiceQuotaExceededException, HTTP 402).
    #[arg(long, env = "IVSCHAT_LOCAL_MAX_ROOMS", default_value = "50000")]
    pub max_rooms: usize,

    /// Account limit on logging configurations per region (ServiceQuotaExceededException, HTTP 402).
    #[arg(
        long,
        env = "IVSCHAT_LOCAL_MAX_LOGGING_CONFIGURATIONS",
        default_value = "10"
    )]
    pub max_logging_configurations: usize,

    /// Lifetime of a chat token, from CreateChatToken to `tokenExpirationTime`.
    #[arg(long, env = "IVSCHAT_LOCAL_TOKEN_LIFETIME_SECONDS", default_value = "60", value_parser = clap::value_parser!(u64).range(1..=86400))]
    pub token_lifetime_seconds: u64,

    /// Lambda Invoke API endpoint (`http://HOST:PORT`) that review-handler ARNs are invoked on,
    /// e.g. `cargo lambda watch`. Without one, a room's review handler cannot be reached and its
    /// `fallbackResult` applies to every message.
    #[arg(long, env = "IVSCHAT_LOCAL_LAMBDA_ENDPOINT")]
    pub lambda_endpoint: Option<String>,

    /// Timeout of a hosted function that sets none, in seconds (Lambda's default is 3); also
    /// bounds a CloudWatch Logs subscription's delivery (plus 5 s).
    #[arg(long, env = "IVSCHAT_LOCAL_FUNCTION_TIMEOUT_SECONDS", default_value = "3", value_parser = clap::value_parser!(u64).range(1..=900))]
    pub function_timeout_seconds: u64,

    /// Memory size reported to a hosted function that sets none, in MB.
    #[arg(long, env = "IVSCHAT_LOCAL_FUNCTION_MEMORY_MB", default_value = "128", value_parser = clap::value_parser!(u32).range(128..=10240))]
    pub function_memory_mb: u32,

    /// Directory where chat logs land (S3, CloudWatch Logs and Firehose stand-ins); created
    /// when the first record is written.
    #[arg(long, env = "IVSCHAT_LOCAL_DATA_DIR", default_value = ".ivschat-local")]
    pub data_dir: PathBuf,

    /// CloudWatch Logs subscription filters (`ivschat-local up`) deliver a log stream's
    /// batch of events once it is this old, in milliseconds; failed deliveries are retried
    /// after this long and then twice as long.
    #[arg(long, env = "IVSCHAT_LOCAL_LOG_SUBSCRIPTION_INTERVAL_MS", default_value = "1000", value_parser = clap::value_parser!(u64).range(1..=600_000))]
    pub log_subscription_interval_ms: u64,

    /// Largest WebSocket message (and frame) a chat client may send, in bytes; a larger one
    /// closes the connection with code 1009 (Message Too Big). A valid SEND_MESSAGE (500
    /// code points, 1 KB of attributes) needs a few KB at most.
    #[arg(long, env = "IVSCHAT_LOCAL_MAX_CHAT_FRAME_BYTES", default_value = "65536", value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1024..=16_777_216))]
    pub max_chat_frame_bytes: usize,

    /// Largest accepted request body; larger ones get a ValidationException.
    #[arg(long, env = "IVSCHAT_LOCAL_MAX_BODY_BYTES", default_value = "262144")]
    pub max_body_bytes: usize,

    /// The functions hosted as child processes (`--function` and `--function-env` on the
    /// command line, the template's in `ivschat-local up`).
    #[arg(skip)]
    pub functions: Vec<FunctionSpec>,
}

impl ServeConfig {
    /// Defaults for an in-process server on an ephemeral loopback port (tests, benchmarks).
    pub fn for_tests() -> Self {
        ServeConfig {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            account_id: "123456789012".into(),
            access_key_id: "test".into(),
            secret_access_key: "test".into(),
            no_verify_signatures: false,
            default_region: "us-east-1".into(),
            regions: crate::auth::IVS_CHAT_REGIONS
                .iter()
                .map(|r| (*r).to_owned())
                .collect(),
            quotas: QuotaSwitch::Off,
            quota_scale: 1.0,
            max_rooms: 50_000,
            max_logging_configurations: 10,
            token_lifetime_seconds: 60,
            max_body_bytes: 262_144,
            max_chat_frame_bytes: 65_536,
            lambda_endpoint: None,
            functions: Vec::new(),
            function_timeout_seconds: 3,
            function_memory_mb: 128,
            log_subscription_interval_ms: 100,
            data_dir: std::env::temp_dir().join(format!("ivschat-local-{}", uuid::Uuid::new_v4())),
        }
    }

    pub fn token_lifetime(&self) -> Duration {
        Duration::from_secs(self.token_lifetime_seconds)
    }

    pub fn log_subscription_interval(&self) -> Duration {
        Duration::from_millis(self.log_subscription_interval_ms)
    }
}

impl ServeConfig {
    /// These settings hosting `function` too (test and benchmark set-up).
    pub fn with_function(mut self, function: FunctionSpec) -> Self {
        self.functions.push(function);
        self
    }

    /// A function spec for `name` at `executable` with this configuration's default timeout
    /// and memory size.
    pub fn function(
        &self,
        name: impl Into<String>,
        executable: impl Into<PathBuf>,
    ) -> FunctionSpec {
        FunctionSpec::new(name, executable)
            .timeout(Duration::from_secs(self.function_timeout_seconds))
            .memory_mb(self.function_memory_mb)
    }
}

/// One `--function-env NAME:KEY=VALUE`: a variable for the hosted function `NAME`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FunctionEnv {
    pub function: String,
    pub key: String,
    pub value: String,
}

/// The hosted functions as the command line gives them: binaries by name, and variables by
/// function name (for `up`, also over what the template gives its functions).
#[derive(Clone, Debug, Default, Args)]
pub struct FunctionArgs {
    /// Host a Lambda function: `NAME=PATH` of its binary (built with `lambda_runtime`, like
    /// `cargo lambda build` makes). Repeatable. The review handler ARN
    /// `arn:aws:lambda:REGION:ACCOUNT:function:NAME` and the Invoke API reach it.
    #[arg(long = "function", env = "IVSCHAT_LOCAL_FUNCTIONS", value_delimiter = ',', value_parser = parse_function)]
    pub functions: Vec<(String, PathBuf)>,

    /// Environment of a hosted function: `NAME:KEY=VALUE`. Repeatable. The value is taken as
    /// written, commas and newlines included (a JSON policy, say); the environment variable
    /// holds one entry.
    #[arg(long = "function-env", env = "IVSCHAT_LOCAL_FUNCTION_ENV", value_parser = parse_function_env)]
    pub function_env: Vec<FunctionEnv>,
}

impl FunctionArgs {
    /// The `--function`s, each with its `--function-env` variables and `config`'s default
    /// timeout and memory size.
    pub fn specs(&self, config: &ServeConfig) -> Vec<FunctionSpec> {
        self.functions
            .iter()
            .map(|(name, executable)| {
                self.function_env
                    .iter()
                    .filter(|entry| &entry.function == name)
                    .fold(config.function(name, executable), |spec, entry| {
                        spec.env(&entry.key, &entry.value)
                    })
            })
            .collect()
    }
}

fn is_function_name(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn parse_function(value: &str) -> Result<(String, PathBuf), String> {
    match value.split_once('=') {
        Some((name, path)) if is_function_name(name) && !path.is_empty() => {
            Ok((name.to_owned(), path.into()))
        }
        _ => Err("expected NAME=PATH, NAME being 1-64 letters, digits, '-' or '_'".into()),
    }
}

fn parse_function_env(value: &str) -> Result<FunctionEnv, String> {
    let parsed = value.split_once(':').and_then(|(name, assignment)| {
        assignment
            .split_once('=')
            .map(|(key, value)| (name, key, value))
    });
    match parsed {
        Some((name, key, value)) if is_function_name(name) && !key.is_empty() => Ok(FunctionEnv {
            function: name.to_owned(),
            key: key.to_owned(),
            value: value.to_owned(),
        }),
        _ => Err("expected NAME:KEY=VALUE".into()),
    }
}

fn parse_account_id(value: &str) -> Result<String, String> {
    if value.len() == 12 && value.bytes().all(|b| b.is_ascii_digit()) {
        Ok(value.to_owned())
    } else {
        Err("an AWS account id is exactly 12 digits".into())
    }
}

fn parse_region(value: &str) -> Result<String, String> {
    if crate::auth::is_region_name(value) {
        Ok(value.to_owned())
    } else {
        Err("a region is lower-case letters, digits and '-', starting with a letter".into())
    }
}

fn parse_scale(value: &str) -> Result<f64, String> {
    match value.parse::<f64>() {
        Ok(scale) if scale.is_finite() && scale > 0.0 => Ok(scale),
        _ => Err("the quota scale must be a positive number".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Wrapper {
        #[command(flatten)]
        config: ServeConfig,
        #[command(flatten)]
        functions: FunctionArgs,
    }

    #[test]
    fn regions_default_to_the_ivs_chat_endpoints_and_are_a_comma_separated_list() {
        let parsed = Wrapper::try_parse_from(["serve"]).expect("parses");
        assert_eq!(parsed.config.regions, crate::auth::IVS_CHAT_REGIONS);
        let parsed = Wrapper::try_parse_from(["serve", "--regions", "ca-central-1,us-east-2"])
            .expect("parses");
        assert_eq!(parsed.config.regions, ["ca-central-1", "us-east-2"]);
        assert!(Wrapper::try_parse_from(["serve", "--regions", "Bad_Region"]).is_err());
    }

    #[test]
    fn function_env_values_keep_commas_and_newlines() {
        let policy = "{\"default\": {\"links\": {\"action\": \"deny\", \"allow_domains\": [\"a.com\", \"b.com\"]}}}\n";
        let parsed = Wrapper::try_parse_from([
            "serve".to_owned(),
            "--function-env".to_owned(),
            format!("review:MODERATION_POLICY_JSON={policy}"),
            "--function-env".to_owned(),
            "review:REVIEW_FAIL_MODE=deny".to_owned(),
            "--function".to_owned(),
            "review=/bin/review".to_owned(),
            "--function-timeout-seconds".to_owned(),
            "7".to_owned(),
        ])
        .expect("parses");
        assert_eq!(
            parsed.functions.specs(&parsed.config),
            vec![FunctionSpec::new("review", "/bin/review")
                .env("MODERATION_POLICY_JSON", policy)
                .env("REVIEW_FAIL_MODE", "deny")
                .timeout(Duration::from_secs(7))]
        );
    }
}
