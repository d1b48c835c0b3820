//! The room janitor: finds the rooms this stack created that are stale (expired, or
//! idle past a TTL) and deletes them within IVS Chat's rate quotas, never touching a room the
//! stack did not create, a retained room, or one whose tags it cannot read.
//!
//! Inside: `policy` is the pure staleness decision ([`Policy`]), `sweep` the run (paging, rate
//! limiters, bounded concurrency, retries, deadline: [`sweep()`]), `summary` what a run
//! reports and its metrics ([`Summary`]), `config` the settings read from the environment
//! ([`JanitorConfig`]). The sweep talks to IVS Chat through the [`ChatApi`] trait, implemented
//! for the SDK client by [`SdkChatApi`].
//!
//! ```no_run
//! # async fn example() -> Result<(), Box<dyn std::error::Error>> {
//! use shared::janitor::{sweep, JanitorConfig, Run, SdkChatApi};
//!
//! let config = JanitorConfig::from_env()?;
//! let api = SdkChatApi::new(&shared::aws::ivs::from_env().await);
//! let run = Run {
//!     dry_run: true,
//!     now: time::OffsetDateTime::now_utc(),
//!     deadline: tokio::time::Instant::now() + std::time::Duration::from_secs(60),
//! };
//! let summary = sweep(&api, &config, run).await?;
//! println!("{}", serde_json::to_string(&summary)?);
//! # Ok(())
//! # }
//! ```

mod api;
mod config;
mod limiter;
mod policy;
mod retry;
mod sdk;
mod summary;
mod sweep;

pub use api::{
    ApiError, ChatApi, ErrorKind, ListRooms, LoggingConfigurationSummary, Operation, Page,
    RoomSummary, Tags,
};
pub use config::{ConfigError, JanitorConfig};
pub use policy::{Keep, Policy, Stale, Verdict};
pub use retry::RetryPolicy;
pub use sdk::SdkChatApi;
pub use summary::Summary;
pub use sweep::{sweep, Run, SweepError};
