//! CORS as an HTTP API with a CORS configuration answers it: preflight requests are answered
//! by the gateway itself (no route is invoked), and every other response from an allowed
//! origin gets the allow-origin, expose and credentials headers, replacing the function's own.

use http::header::{
    ACCESS_CONTROL_ALLOW_CREDENTIALS, ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS,
    ACCESS_CONTROL_ALLOW_ORIGIN, ACCESS_CONTROL_EXPOSE_HEADERS, ACCESS_CONTROL_MAX_AGE,
    ACCESS_CONTROL_REQUEST_METHOD, ORIGIN,
};
use http::{HeaderMap, HeaderValue, Method};

use super::config::CorsConfig;

/// Whether the request is a CORS preflight.
pub fn is_preflight(method: &Method, headers: &HeaderMap) -> bool {
    method == Method::OPTIONS
        && headers.contains_key(ORIGIN)
        && headers.contains_key(ACCESS_CONTROL_REQUEST_METHOD)
}

/// The allowed origin to echo for `headers`' `Origin`, if it is allowed.
fn allowed_origin(cors: &CorsConfig, headers: &HeaderMap) -> Option<HeaderValue> {
    let origin = headers.get(ORIGIN)?.to_str().ok()?;
    if cors.allow_origins.iter().any(|o| o == "*") && !cors.allow_credentials {
        return Some(HeaderValue::from_static("*"));
    }
    cors.allow_origins
        .iter()
        .any(|o| o == "*" || o.eq_ignore_ascii_case(origin))
        .then(|| HeaderValue::from_str(origin).ok())
        .flatten()
}

fn joined(items: &[String]) -> Option<HeaderValue> {
    (!items.is_empty())
        .then(|| HeaderValue::from_str(&items.join(",")).ok())
        .flatten()
}

/// The headers of the preflight answer (an empty map for an origin that is not allowed).
pub fn preflight_headers(cors: &CorsConfig, request: &HeaderMap) -> HeaderMap {
    let mut headers = HeaderMap::new();
    let Some(origin) = allowed_origin(cors, request) else {
        return headers;
    };
    headers.insert(ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    if let Some(methods) = joined(&cors.allow_methods) {
        headers.insert(ACCESS_CONTROL_ALLOW_METHODS, methods);
    }
    if let Some(allow) = joined(&cors.allow_headers) {
        headers.insert(ACCESS_CONTROL_ALLOW_HEADERS, allow);
    }
    if let Some(age) = cors.max_age_seconds {
        headers.insert(ACCESS_CONTROL_MAX_AGE, HeaderValue::from(age));
    }
    if cors.allow_credentials {
        headers.insert(
            ACCESS_CONTROL_ALLOW_CREDENTIALS,
            HeaderValue::from_static("true"),
        );
    }
    headers
}

/// Adds the CORS headers of an actual (non-preflight) response.
pub fn decorate(cors: &CorsConfig, request: &HeaderMap, response: &mut HeaderMap) {
    for name in [
        ACCESS_CONTROL_ALLOW_ORIGIN,
        ACCESS_CONTROL_EXPOSE_HEADERS,
        ACCESS_CONTROL_ALLOW_CREDENTIALS,
    ] {
        response.remove(name);
    }
    let Some(origin) = allowed_origin(cors, request) else {
        return;
    };
    response.insert(ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    if let Some(expose) = joined(&cors.expose_headers) {
        response.insert(ACCESS_CONTROL_EXPOSE_HEADERS, expose);
    }
    if cors.allow_credentials {
        response.insert(
            ACCESS_CONTROL_ALLOW_CREDENTIALS,
            HeaderValue::from_static("true"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cors(origins: &[&str]) -> CorsConfig {
        CorsConfig {
            allow_origins: origins.iter().map(|o| (*o).to_owned()).collect(),
            allow_methods: vec!["GET".into(), "POST".into()],
            allow_headers: vec!["authorization".into(), "content-type".into()],
            expose_headers: vec!["retry-after".into()],
            max_age_seconds: Some(600),
            allow_credentials: false,
        }
    }

    fn request(origin: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(ORIGIN, HeaderValue::from_str(origin).expect("origin"));
        headers
    }

    #[test]
    fn allowed_origins_get_the_preflight_headers_and_others_none() {
        let config = cors(&["http://localhost:3000"]);
        let answer = preflight_headers(&config, &request("http://localhost:3000"));
        assert_eq!(answer[ACCESS_CONTROL_ALLOW_ORIGIN], "http://localhost:3000");
        assert_eq!(answer[ACCESS_CONTROL_ALLOW_METHODS], "GET,POST");
        assert_eq!(answer[ACCESS_CONTROL_MAX_AGE], "600");
        assert!(preflight_headers(&config, &request("http://evil.test")).is_empty());
    }

    #[test]
    fn responses_get_allow_origin_and_expose_replacing_the_functions_own() {
        let config = cors(&["*"]);
        let mut response = HeaderMap::new();
        response.insert(
            ACCESS_CONTROL_ALLOW_ORIGIN,
            HeaderValue::from_static("http://x"),
        );
        decorate(&config, &request("http://a.test"), &mut response);
        assert_eq!(response[ACCESS_CONTROL_ALLOW_ORIGIN], "*");
        assert_eq!(response[ACCESS_CONTROL_EXPOSE_HEADERS], "retry-after");
    }
}
