//! The admin-api Lambda: wiring only. Reads the configuration and builds the IVS Chat client
//! once at cold start, then answers the administration routes of the HTTP API.

mod router;

use lambda_http::{run, service_fn, Error, Request};
use shared::admin_api::{AdminApi, AdminConfig};

#[tokio::main]
async fn main() -> Result<(), Error> {
    lambda_http::tracing::init_default_subscriber();
    let config = AdminConfig::from_env()?;
    let api = AdminApi::new(shared::aws::ivs::from_env().await, config);
    let api = &api;
    run(service_fn(move |request: Request| async move {
        Ok::<_, Error>(router::handle(api, request).await)
    }))
    .await
}
