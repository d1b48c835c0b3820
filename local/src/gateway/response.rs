//! Turns what a function returned into the HTTP response API Gateway sends:
//! the structured form with `statusCode`, or the shortcut where any other JSON is the body
//! (<https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html>).

use base64::Engine;
use bytes::Bytes;
use http::header::{HeaderName, HeaderValue, CONTENT_TYPE, SET_COOKIE};
use http::{Response, StatusCode};
use serde_json::Value;

/// Why a function's answer cannot be sent to the client (the client gets 500).
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum BadIntegrationResponse {
    #[error("the function's answer is not JSON")]
    NotJson,
    #[error("statusCode must be an integer from 100 to 599")]
    BadStatus,
    #[error("isBase64Encoded is true but the body is not base64")]
    BadBase64,
    #[error("header {0} cannot be sent")]
    BadHeader(String),
}

/// The HTTP response for a function's output.
pub fn from_function_output(output: &[u8]) -> Result<Response<Bytes>, BadIntegrationResponse> {
    let value: Value =
        serde_json::from_slice(output).map_err(|_| BadIntegrationResponse::NotJson)?;
    let Some(object) = value.as_object().filter(|o| o.contains_key("statusCode")) else {
        // The shortcut: any JSON without statusCode is a 200 JSON body; a JSON string is sent
        // as its text.
        let body = match &value {
            Value::String(text) => Bytes::from(text.clone()),
            _ => Bytes::copy_from_slice(output),
        };
        let mut response = Response::new(body);
        response
            .headers_mut()
            .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        return Ok(response);
    };
    let status = object
        .get("statusCode")
        .and_then(|s| match s {
            Value::Number(n) => n.as_u64(),
            Value::String(s) => s.parse().ok(),
            _ => None,
        })
        .and_then(|code| u16::try_from(code).ok())
        .and_then(|code| StatusCode::from_u16(code).ok())
        .filter(|code| (100..=599).contains(&code.as_u16()))
        .ok_or(BadIntegrationResponse::BadStatus)?;
    let text = object.get("body").map(|b| match b {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    });
    let body = match (text, object.get("isBase64Encoded").and_then(Value::as_bool)) {
        (Some(text), Some(true)) => Bytes::from(
            base64::engine::general_purpose::STANDARD
                .decode(text.trim())
                .map_err(|_| BadIntegrationResponse::BadBase64)?,
        ),
        (Some(text), _) => Bytes::from(text),
        (None, _) => Bytes::new(),
    };
    let mut response = Response::new(body);
    *response.status_mut() = status;
    if let Some(headers) = object.get("headers").and_then(Value::as_object) {
        for (name, value) in headers {
            let value = match value {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            let name = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| BadIntegrationResponse::BadHeader(name.clone()))?;
            let value = HeaderValue::from_str(&value)
                .map_err(|_| BadIntegrationResponse::BadHeader(name.to_string()))?;
            response.headers_mut().insert(name, value);
        }
    }
    if let Some(cookies) = object.get("cookies").and_then(Value::as_array) {
        for cookie in cookies.iter().filter_map(Value::as_str) {
            let value = HeaderValue::from_str(cookie)
                .map_err(|_| BadIntegrationResponse::BadHeader("set-cookie".to_owned()))?;
            response.headers_mut().append(SET_COOKIE, value);
        }
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn structured_answers_keep_status_headers_cookies_and_decode_base64() {
        let output = br#"{"statusCode":201,"headers":{"x-a":"1","content-type":"text/plain"},
            "multiValueHeaders":{},"cookies":["a=b; Path=/","c=d"],"body":"aGk=","isBase64Encoded":true}"#;
        let response = from_function_output(output).expect("valid");
        assert_eq!(response.status(), 201);
        assert_eq!(response.headers()["x-a"], "1");
        let cookies: Vec<_> = response.headers().get_all(SET_COOKIE).iter().collect();
        assert_eq!(cookies, vec!["a=b; Path=/", "c=d"]);
        assert_eq!(response.body().as_ref(), b"hi");
    }

    #[test]
    fn other_json_is_a_200_json_body_and_a_string_is_its_text() {
        let response = from_function_output(br#"{"token":"t"}"#).expect("valid");
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()[CONTENT_TYPE], "application/json");
        assert_eq!(response.body().as_ref(), br#"{"token":"t"}"#);
        let response = from_function_output(br#""hello""#).expect("valid");
        assert_eq!(response.body().as_ref(), b"hello");
    }

    #[test]
    fn invalid_answers_are_refused() {
        assert_eq!(
            from_function_output(b"not json").err(),
            Some(BadIntegrationResponse::NotJson)
        );
        assert_eq!(
            from_function_output(br#"{"statusCode":"abc"}"#).err(),
            Some(BadIntegrationResponse::BadStatus)
        );
        assert_eq!(
            from_function_output(br#"{"statusCode":700}"#).err(),
            Some(BadIntegrationResponse::BadStatus)
        );
        assert_eq!(
            from_function_output(br#"{"statusCode":200,"body":"%%","isBase64Encoded":true}"#).err(),
            Some(BadIntegrationResponse::BadBase64)
        );
    }
}
