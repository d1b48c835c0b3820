//! What a hosted function is: its name, binary, environment, timeout and memory size, with a
//! builder that starts from Lambda's defaults.

use std::path::PathBuf;
use std::time::Duration;

/// How to run one hosted function.
///
/// ```
/// # use std::time::Duration;
/// use ivschat_local::FunctionSpec;
/// let review = FunctionSpec::new("message-review", "target/debug/message-review")
///     .env("REVIEW_FAIL_MODE", "deny")
///     .timeout(Duration::from_secs(10))
///     .memory_mb(256);
/// assert_eq!(review.environment, [("REVIEW_FAIL_MODE".to_owned(), "deny".to_owned())]);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FunctionSpec {
    /// The function name: `arn:aws:lambda:REGION:ACCOUNT:function:NAME` reaches it.
    pub name: String,
    /// The binary, built on `lambda_runtime`.
    pub executable: PathBuf,
    /// Extra environment, applied after (and so over) the Lambda-reserved variables.
    pub environment: Vec<(String, String)>,
    pub timeout: Duration,
    pub memory_mb: u32,
}

impl FunctionSpec {
    /// Lambda's default timeout.
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(3);
    /// Lambda's default memory size, in MB.
    pub const DEFAULT_MEMORY_MB: u32 = 128;

    /// `name` run from `executable`, with no extra environment and Lambda's defaults (3 s,
    /// 128 MB).
    pub fn new(name: impl Into<String>, executable: impl Into<PathBuf>) -> Self {
        FunctionSpec {
            name: name.into(),
            executable: executable.into(),
            environment: Vec::new(),
            timeout: Self::DEFAULT_TIMEOUT,
            memory_mb: Self::DEFAULT_MEMORY_MB,
        }
    }

    /// With the variable `key` set to `value` (after the ones set before).
    pub fn env(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.environment.push((key.into(), value.into()));
        self
    }

    /// With these variables added.
    pub fn envs<K: Into<String>, V: Into<String>>(
        mut self,
        variables: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        self.environment
            .extend(variables.into_iter().map(|(k, v)| (k.into(), v.into())));
        self
    }

    /// With this timeout.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// With this memory size.
    pub fn memory_mb(mut self, memory_mb: u32) -> Self {
        self.memory_mb = memory_mb;
        self
    }
}
