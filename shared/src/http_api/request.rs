//! One API Gateway (HTTP API, payload 2.0) request as the routes read it: its route key, the
//! caller from the JWT authorizer's claims, path and query parameters, and a JSON body read
//! strictly (size limit, unknown fields refused, the bad field named).

use lambda_http::request::RequestContext;
use lambda_http::{Body, Request, RequestExt};
use serde::de::DeserializeOwned;

use super::access::AccessConfig;
use super::caller::Caller;
use super::error::ApiError;

/// The largest body a route reads; larger ones are refused with 400.
pub const MAX_BODY_BYTES: usize = 16 * 1024;

/// A request, read once.
#[derive(Debug)]
pub struct ApiRequest {
    /// `METHOD /path/{param}` as declared in the template, e.g. `GET /rooms/{roomId}`.
    pub route_key: String,
    /// API Gateway's request id (the Lambda request id when there is none).
    pub request_id: String,
    /// The Lambda's own ARN: its account and region are the resources'.
    pub function_arn: String,
    pub caller: Caller,
    request: Request,
}

impl ApiRequest {
    pub fn new(request: Request, access: &AccessConfig) -> Self {
        let context = match request.request_context_ref() {
            Some(RequestContext::ApiGatewayV2(context)) => Some(context.clone()),
            _ => None,
        };
        // The runtime always sets the Lambda context; a request without one (a test) still works.
        let lambda = request.lambda_context_ref();
        let request_id = context
            .as_ref()
            .and_then(|c| c.request_id.clone())
            .or_else(|| lambda.map(|l| l.request_id.clone()))
            .unwrap_or_default();
        let route_key = context
            .as_ref()
            .and_then(|c| c.route_key.clone())
            .unwrap_or_else(|| format!("{} {}", request.method(), request.uri().path()));
        let claims = context
            .as_ref()
            .and_then(|c| c.authorizer.as_ref())
            .and_then(|a| a.jwt.as_ref())
            .map(|jwt| &jwt.claims);
        let caller = Caller::from_claims(claims, &access.claims);
        ApiRequest {
            route_key,
            request_id,
            function_arn: lambda
                .map(|l| l.invoked_function_arn.clone())
                .filter(|arn| arn.starts_with("arn:"))
                .or_else(|| access.function_arn.clone())
                .unwrap_or_default(),
            caller,
            request,
        }
    }

    /// The signed-in caller's user id, or `(anonymous)`.
    pub fn actor(&self) -> &str {
        match &self.caller {
            Caller::SignedIn(user) => &user.user_id,
            Caller::Anonymous => "(anonymous)",
        }
    }

    /// The path parameter `name`, which the route declares.
    pub fn path(&self, name: &str) -> Result<String, ApiError> {
        self.request
            .path_parameters_ref()
            .and_then(|p| p.first(name))
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
            .ok_or_else(|| ApiError::invalid(name, "is missing from the path"))
    }

    /// The path parameter `name`, if the route has it.
    pub fn optional_path(&self, name: &str) -> Option<String> {
        self.request
            .path_parameters_ref()
            .and_then(|p| p.first(name))
            .map(str::to_owned)
    }

    /// The query parameter `name` (its first value), if given and not blank.
    pub fn query(&self, name: &str) -> Option<String> {
        self.request
            .query_string_parameters_ref()
            .and_then(|q| q.first(name))
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    }

    /// Every value of the query parameter `name` (`?k=a&k=b`, or `?k=a,b`).
    pub fn query_all(&self, name: &str) -> Vec<String> {
        self.request
            .query_string_parameters_ref()
            .and_then(|q| q.all(name))
            .unwrap_or_default()
            .into_iter()
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
            .collect()
    }

    /// A whole-number query parameter within `range`; given but blank is invalid too.
    pub fn query_number(
        &self,
        name: &str,
        range: std::ops::RangeInclusive<i64>,
    ) -> Result<Option<i64>, ApiError> {
        let given = self
            .request
            .query_string_parameters_ref()
            .and_then(|q| q.first(name))
            .map(|v| v.trim().to_owned());
        match given {
            None => Ok(None),
            Some(text) => text
                .parse::<i64>()
                .ok()
                .filter(|n| range.contains(n))
                .map(Some)
                .ok_or_else(|| {
                    ApiError::invalid(
                        name,
                        format!(
                            "must be a whole number from {} to {}",
                            range.start(),
                            range.end()
                        ),
                    )
                }),
        }
    }

    /// The body as `T`; an empty body reads as `{}`. Unknown fields, wrong types and bodies
    /// over [`MAX_BODY_BYTES`] are 400 naming the field.
    pub fn body<T: DeserializeOwned>(&self) -> Result<T, ApiError> {
        self.body_up_to(MAX_BODY_BYTES)
    }

    /// Whether the request has no body, or only whitespace (which [`ApiRequest::body`] reads
    /// as `{}`): routes whose body is required refuse it.
    pub fn body_is_empty(&self) -> bool {
        match self.request.body() {
            Body::Text(text) => text.trim().is_empty(),
            Body::Binary(bytes) => bytes.iter().all(u8::is_ascii_whitespace),
            _ => true,
        }
    }

    /// [`ApiRequest::body`] for a route that takes bodies up to `max_bytes`.
    pub fn body_up_to<T: DeserializeOwned>(&self, max_bytes: usize) -> Result<T, ApiError> {
        let bytes: &[u8] = match self.request.body() {
            Body::Empty => b"",
            Body::Text(text) => text.as_bytes(),
            Body::Binary(bytes) => bytes,
            _ => b"",
        };
        parse_body_up_to(bytes, max_bytes)
    }
}

/// Reads `bytes` as the JSON object `T` (see [`ApiRequest::body`]).
pub fn parse_body<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    parse_body_up_to(bytes, MAX_BODY_BYTES)
}

/// [`parse_body`] with a size limit of `max_bytes`.
pub fn parse_body_up_to<T: DeserializeOwned>(
    bytes: &[u8],
    max_bytes: usize,
) -> Result<T, ApiError> {
    if bytes.len() > max_bytes {
        return Err(ApiError::invalid(
            "body",
            format!("is larger than {max_bytes} bytes"),
        ));
    }
    let bytes = if bytes.iter().all(u8::is_ascii_whitespace) {
        b"{}".as_slice()
    } else {
        bytes
    };
    let text =
        std::str::from_utf8(bytes).map_err(|_| ApiError::invalid("body", "is not UTF-8 text"))?;
    if !text.trim_start().starts_with('{') {
        return Err(ApiError::invalid("body", "must be a JSON object"));
    }
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let value: T = serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let path = error.path().to_string();
        let inner = error.into_inner();
        let syntax = inner.is_syntax() || inner.is_eof();
        let message = strip_position(&inner.to_string());
        // A missing member is reported at its parent's path; name the member itself.
        if let (false, Some(member)) = (syntax, missing_member(&message)) {
            let field = match path.as_str() {
                "." | "?" => member.to_owned(),
                parent => format!("{parent}.{member}"),
            };
            return ApiError::Invalid {
                field,
                message: "is required".to_owned(),
            };
        }
        let field = if syntax || path == "." || path == "?" {
            "body".to_owned()
        } else {
            path
        };
        let message = if syntax {
            format!("is not valid JSON ({inner})")
        } else {
            message
        };
        ApiError::Invalid { field, message }
    })?;
    deserializer
        .end()
        .map_err(|_| ApiError::invalid("body", "has data after the JSON object"))?;
    Ok(value)
}

/// The member named by serde's "missing field `name`" message.
fn missing_member(message: &str) -> Option<&str> {
    message
        .strip_prefix("missing field `")
        .and_then(|rest| rest.strip_suffix('`'))
}

/// serde_json's message without its ` at line L column C` tail.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_owned(),
        None => message.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    struct Sample {
        name: Option<String>,
        handler: Option<Handler>,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Handler {
        uri: String,
    }

    fn field_of(body: &str) -> (String, String) {
        match parse_body::<Sample>(body.as_bytes()) {
            Err(ApiError::Invalid { field, message }) => (field, message),
            other => panic!("expected a 400, got {other:?}"),
        }
    }

    #[test]
    fn an_empty_body_is_an_empty_object() {
        assert_eq!(
            parse_body::<Sample>(b"  ").ok(),
            Some(Sample {
                name: None,
                handler: None
            })
        );
    }

    #[test]
    fn bad_bodies_name_the_field() {
        assert_eq!(field_of(r#"{"name": 5}"#).0, "name");
        assert_eq!(field_of(r#"{"handler": {"uri": 1}}"#).0, "handler.uri");
        let (field, message) = field_of(r#"{"nmae": "x"}"#);
        assert_eq!(field, "nmae");
        assert!(message.contains("unknown field `nmae`"), "{message}");
        assert!(!message.contains("line"), "{message}");
        assert_eq!(field_of("[1]").0, "body");
        assert_eq!(field_of("{\"name\": ").0, "body");
        assert_eq!(field_of(r#"{"name": "a"} {}"#).0, "body");
    }

    #[test]
    fn a_missing_member_is_named_itself_not_its_parent() {
        assert_eq!(
            field_of(r#"{"handler": {}}"#),
            ("handler.uri".to_owned(), "is required".to_owned())
        );
        #[derive(Debug, Deserialize)]
        #[serde(rename_all = "camelCase")]
        #[allow(dead_code)]
        struct Event {
            event_name: String,
        }
        match parse_body::<Event>(br#"{"attributes": {"q": "1"}}"#) {
            Err(ApiError::Invalid { field, message }) => {
                assert_eq!(field, "eventName");
                assert_eq!(message, "is required");
            }
            other => panic!("expected a 400, got {other:?}"),
        }
    }

    #[test]
    fn oversized_bodies_are_refused_before_parsing() {
        let body = format!(r#"{{"name": "{}"}}"#, "a".repeat(MAX_BODY_BYTES));
        let (field, message) = field_of(&body);
        assert_eq!(field, "body");
        assert!(message.contains("larger than"), "{message}");
    }
}
