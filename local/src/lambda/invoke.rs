//! Invokes a function by ARN: a function hosted here, or else through the Lambda Invoke API
//! (`POST /2015-03-31/functions/NAME/invocations`, SigV4-signed as Lambda requires) of a
//! configured endpoint such as `cargo lambda watch`; function errors (`X-Amz-Function-Error`)
//! are reported as Lambda does.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::{Method, Request, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};

use super::hosted::HostedFunction;
use crate::auth::{SigV4Signer, LAMBDA_SERVICE};

/// Why an invocation produced no result.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum InvokeError {
    #[error("function {0} is not available: no Lambda endpoint is configured for it")]
    FunctionNotFound(String),
    #[error("'{0}' is not a Lambda function ARN")]
    NotAFunctionArn(String),
    /// The function ran and failed (`X-Amz-Function-Error: Unhandled`); `body` is its error JSON.
    #[error(
        "function {function} failed with {error_type}: {}",
        String::from_utf8_lossy(body)
    )]
    Failed {
        function: String,
        error_type: String,
        body: Bytes,
    },
    #[error("function {function} could not be reached: {detail}")]
    Unreachable { function: String, detail: String },
    #[error("function {function} did not answer within {timeout:?}")]
    TimedOut { function: String, timeout: Duration },
    #[error("the invocation of {function} could not be signed: {source}")]
    Unsigned {
        function: String,
        source: crate::auth::SignError,
    },
}

/// The function name in `arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]`.
pub fn function_name(arn: &str) -> Option<&str> {
    let mut fields = arn.split(':');
    let prefix: Vec<&str> = fields.by_ref().take(6).collect();
    if prefix.len() != 6 || prefix[0] != "arn" || prefix[2] != "lambda" || prefix[5] != "function" {
        return None;
    }
    fields.next().filter(|name| !name.is_empty())
}

/// The region in `arn:aws:lambda:REGION:ACCOUNT:function:NAME`.
fn region_of(arn: &str) -> Option<&str> {
    arn.split(':').nth(3).filter(|region| !region.is_empty())
}

/// Invokes hosted functions, and others on a Lambda Invoke API endpoint when one is configured.
#[derive(Clone)]
pub struct FunctionInvoker {
    hosted: Arc<HashMap<String, HostedFunction>>,
    endpoint: Option<String>,
    client: Client<HttpConnector, Full<Bytes>>,
    /// Signs requests to `endpoint`; without one they go unsigned.
    signer: Option<SigV4Signer>,
}

impl FunctionInvoker {
    /// `hosted` functions are invoked by name first; others go to `endpoint`
    /// (`http://HOST:PORT` of a Lambda Invoke API) when there is one. A function found in
    /// neither cannot be invoked, which review treats like a failing handler (fallback).
    pub fn new(hosted: Vec<HostedFunction>, endpoint: Option<String>) -> Self {
        let hosted = Arc::new(
            hosted
                .into_iter()
                .map(|function| (function.name().to_owned(), function))
                .collect(),
        );
        let mut connector = HttpConnector::new();
        connector.set_nodelay(true);
        let client = Client::builder(TokioExecutor::new())
            .pool_idle_timeout(Duration::from_secs(30))
            .build(connector);
        FunctionInvoker {
            hosted,
            endpoint: endpoint.map(|e| e.trim_end_matches('/').to_owned()),
            client,
            signer: None,
        }
    }

    /// Signs every request to the endpoint with this key pair (service `lambda`, the region of
    /// the function's ARN), as the Lambda Invoke API requires.
    pub fn with_signer(mut self, signer: SigV4Signer) -> Self {
        self.signer = Some(signer);
        self
    }

    /// The hosted function of this name, if any.
    pub fn hosted(&self, name: &str) -> Option<&HostedFunction> {
        self.hosted.get(name)
    }

    /// Invokes the function named by `arn` with `payload`, waiting at most `timeout`.
    pub async fn invoke(
        &self,
        arn: &str,
        payload: Bytes,
        timeout: Duration,
    ) -> Result<Bytes, InvokeError> {
        let name =
            function_name(arn).ok_or_else(|| InvokeError::NotAFunctionArn(arn.to_owned()))?;
        if let Some(function) = self.hosted.get(name) {
            return tokio::time::timeout(timeout, function.invoke(payload))
                .await
                .map_err(|_| InvokeError::TimedOut {
                    function: name.to_owned(),
                    timeout,
                })?;
        }
        let Some(endpoint) = &self.endpoint else {
            return Err(InvokeError::FunctionNotFound(name.to_owned()));
        };
        let function = name.to_owned();
        let url = format!(
            "{endpoint}/2015-03-31/functions/{}/invocations",
            utf8_percent_encode(name, NON_ALPHANUMERIC)
        );
        let (mut parts, ()) = Request::builder()
            .method(Method::POST)
            .uri(url)
            .header(http::header::CONTENT_TYPE, "application/json")
            .body(())
            .map_err(|error| InvokeError::Unreachable {
                function: function.clone(),
                detail: error.to_string(),
            })?
            .into_parts();
        if let Some(signer) = &self.signer {
            let region = region_of(arn).unwrap_or("us-east-1");
            signer
                .sign(
                    &mut parts,
                    &payload,
                    region,
                    LAMBDA_SERVICE,
                    time::OffsetDateTime::now_utc(),
                )
                .map_err(|source| InvokeError::Unsigned {
                    function: function.clone(),
                    source,
                })?;
        }
        let request = Request::from_parts(parts, Full::new(payload));
        let call =
            async {
                let response = self.client.request(request).await.map_err(|error| {
                    InvokeError::Unreachable {
                        function: function.clone(),
                        detail: error.to_string(),
                    }
                })?;
                let status = response.status();
                let function_error = response
                    .headers()
                    .get("x-amz-function-error")
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned);
                let body = response
                    .into_body()
                    .collect()
                    .await
                    .map_err(|error| InvokeError::Unreachable {
                        function: function.clone(),
                        detail: error.to_string(),
                    })?
                    .to_bytes();
                if let Some(error_type) = function_error {
                    return Err(InvokeError::Failed {
                        function: function.clone(),
                        error_type,
                        body,
                    });
                }
                if status == StatusCode::NOT_FOUND {
                    return Err(InvokeError::FunctionNotFound(function.clone()));
                }
                if !status.is_success() {
                    return Err(InvokeError::Unreachable {
                        function: function.clone(),
                        detail: format!(
                            "the endpoint answered {status}: {}",
                            String::from_utf8_lossy(&body)
                        ),
                    });
                }
                Ok(body)
            };
        tokio::time::timeout(timeout, call)
            .await
            .map_err(|_| InvokeError::TimedOut {
                function: function.clone(),
                timeout,
            })?
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn function_names_come_from_lambda_arns_only() {
        assert_eq!(
            function_name("arn:aws:lambda:us-west-2:123456789012:function:review"),
            Some("review")
        );
        assert_eq!(
            function_name("arn:aws:lambda:us-west-2:123456789012:function:review:live"),
            Some("review")
        );
        assert_eq!(
            function_name("arn:aws:ivschat:us-west-2:123456789012:room/abc"),
            None
        );
        assert_eq!(
            function_name("arn:aws:lambda:us-west-2:123456789012:function:"),
            None
        );
    }
}
