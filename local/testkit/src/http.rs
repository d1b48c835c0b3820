//! A small HTTP/1.1 client for the JSON APIs under test (the local HTTP API): a request in,
//! the status, headers and body out.

use bytes::Bytes;
use http::{Method, Request};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use serde_json::Value;

/// An HTTP client.
#[derive(Clone)]
pub struct Http(Client<HttpConnector, Full<Bytes>>);

impl Default for Http {
    fn default() -> Self {
        Http(Client::builder(TokioExecutor::new()).build(HttpConnector::new()))
    }
}

/// An answer: status, headers and body.
pub struct Answer {
    pub status: u16,
    pub headers: http::HeaderMap,
    pub body: Bytes,
}

impl Http {
    /// Sends `request`; panics when the server does not answer.
    pub async fn send(&self, request: Request<Full<Bytes>>) -> Answer {
        let response = self.0.request(request).await.expect("the API answers");
        let (parts, body) = response.into_parts();
        Answer {
            status: parts.status.as_u16(),
            headers: parts.headers,
            body: body.collect().await.expect("a body").to_bytes(),
        }
    }

    /// Calls `method url` with `body` (JSON text; empty for none), with `jwt` as a bearer
    /// token when given.
    pub async fn call(&self, method: &str, url: &str, jwt: Option<&str>, body: &str) -> Answer {
        let mut request = Request::builder()
            .method(Method::from_bytes(method.as_bytes()).expect("a method"))
            .uri(url);
        if !body.is_empty() {
            request = request.header("content-type", "application/json");
        }
        if let Some(jwt) = jwt {
            request = request.header("authorization", format!("Bearer {jwt}"));
        }
        let request = request
            .body(Full::new(Bytes::from(body.to_owned())))
            .expect("a request");
        self.send(request).await
    }
}

impl Answer {
    /// The body as JSON; panics, showing it, when it is not.
    #[track_caller]
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "not JSON ({e}), status {}: {}",
                self.status,
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    /// Asserts the status, showing the body when it differs.
    #[track_caller]
    pub fn expect(self, status: u16) -> Self {
        assert_eq!(
            self.status,
            status,
            "{}",
            String::from_utf8_lossy(&self.body)
        );
        self
    }

    /// Asserts an error answer of this workspace's HTTP API: its status, `code`, a
    /// `requestId`, and (for 400) the `field` it names; returns the body.
    #[track_caller]
    pub fn expect_error(self, status: u16, code: &str, field: Option<&str>) -> Value {
        let body = self.expect(status).json();
        assert_eq!(body["code"], code, "{body}");
        assert!(
            body["requestId"].as_str().is_some_and(|id| !id.is_empty()),
            "{body}"
        );
        if let Some(field) = field {
            assert_eq!(body["field"], field, "{body}");
        }
        body
    }
}
