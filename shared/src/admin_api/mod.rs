//! Room administration behind the HTTP API: rooms (created with this stack's managed tag and
//! its review function), their tags, and logging configurations (created, attached to and
//! detached from rooms). Each operation validates its input (naming the bad field), calls IVS
//! Chat, and answers a JSON view of the result; failures map through
//! [`ApiError`](crate::http_api::ApiError).

mod config;
mod logging_configurations;
mod rooms;
mod tags;
mod views;

pub use config::AdminConfig;
pub use logging_configurations::{
    CreateLoggingConfigurationBody, DestinationBody, UpdateLoggingConfigurationBody,
};
pub use rooms::{ListRoomsQuery, ReviewHandlerBody, RoomBody};
pub use tags::TagsBody;
pub use views::{LoggingConfigurationView, Page, ReviewHandlerView, RoomSummaryView, RoomView};

use crate::aws::ivs::Client;

/// The administration operations, with the IVS Chat client and the configuration they share.
#[derive(Debug, Clone)]
pub struct AdminApi {
    ivs: Client,
    config: AdminConfig,
}

impl AdminApi {
    pub fn new(ivs: Client, config: AdminConfig) -> Self {
        AdminApi { ivs, config }
    }

    pub fn config(&self) -> &AdminConfig {
        &self.config
    }
}
