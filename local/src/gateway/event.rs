//! The request event of an HTTP API route integration, payload format 2.0:
//! lower-case headers with repeats comma-joined, cookies split out, the query both raw and
//! parsed, path parameters, the JWT claims as strings, and the body as text or base64
//! (<https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html>).

use std::collections::BTreeMap;
use std::net::SocketAddr;

use base64::Engine;
use http::request::Parts;
use serde_json::{json, Map, Value};
use time::OffsetDateTime;

use super::authorizer::VerifiedToken;
use super::routes::Matched;

/// What the event needs besides the request itself.
pub struct EventContext<'a> {
    pub account_id: &'a str,
    pub api_id: &'a str,
    pub region: &'a str,
    pub request_id: &'a str,
    pub peer: SocketAddr,
    pub now: OffsetDateTime,
    pub route: &'a Matched,
    pub token: Option<&'a VerifiedToken>,
}

/// Builds the event for `parts` and `body`.
pub fn build(parts: &Parts, body: &[u8], context: &EventContext<'_>) -> Value {
    let mut headers: BTreeMap<String, String> = BTreeMap::new();
    let mut cookies: Vec<String> = Vec::new();
    for (name, value) in &parts.headers {
        let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
        if name == http::header::COOKIE {
            cookies.extend(
                value
                    .split(';')
                    .map(str::trim)
                    .filter(|c| !c.is_empty())
                    .map(str::to_owned),
            );
            continue;
        }
        headers
            .entry(name.as_str().to_owned())
            .and_modify(|joined| {
                joined.push(',');
                joined.push_str(&value);
            })
            .or_insert(value);
    }
    let domain_name = headers.get("host").cloned().unwrap_or_else(|| {
        format!(
            "{}.execute-api.{}.amazonaws.com",
            context.api_id, context.region
        )
    });
    let domain_prefix = domain_name.split('.').next().unwrap_or_default().to_owned();
    headers
        .entry("x-forwarded-for".to_owned())
        .or_insert_with(|| context.peer.ip().to_string());
    headers
        .entry("x-forwarded-proto".to_owned())
        .or_insert_with(|| "http".to_owned());
    headers
        .entry("x-forwarded-port".to_owned())
        .or_insert_with(|| {
            domain_name
                .rsplit_once(':')
                .map_or("80", |(_, p)| p)
                .to_owned()
        });

    let raw_path = parts.uri.path();
    let raw_query = parts.uri.query().unwrap_or_default();
    let mut query: BTreeMap<String, String> = BTreeMap::new();
    for (key, value) in form_urlencoded_pairs(raw_query) {
        query
            .entry(key)
            .and_modify(|joined| {
                joined.push(',');
                joined.push_str(&value);
            })
            .or_insert(value);
    }

    let user_agent = headers.get("user-agent").cloned().unwrap_or_default();
    let mut request_context = json!({
        "accountId": context.account_id,
        "apiId": context.api_id,
        "domainName": domain_name,
        "domainPrefix": domain_prefix,
        "http": {
            "method": parts.method.as_str(),
            "path": percent_decode(raw_path),
            "protocol": protocol(parts.version),
            "sourceIp": context.peer.ip().to_string(),
            "userAgent": user_agent,
        },
        "requestId": context.request_id,
        "routeKey": context.route.route_key,
        "stage": "$default",
        "time": clf_time(context.now),
        "timeEpoch": (context.now.unix_timestamp_nanos() / 1_000_000) as i64,
    });
    if let Some(token) = context.token {
        request_context["authorizer"] = json!({
            "jwt": { "claims": token.claims, "scopes": token.scopes }
        });
    }

    let mut event = Map::new();
    event.insert("version".into(), json!("2.0"));
    event.insert("routeKey".into(), json!(context.route.route_key));
    event.insert("rawPath".into(), json!(raw_path));
    event.insert("rawQueryString".into(), json!(raw_query));
    if !cookies.is_empty() {
        event.insert("cookies".into(), json!(cookies));
    }
    event.insert("headers".into(), json!(headers));
    if !query.is_empty() {
        event.insert("queryStringParameters".into(), json!(query));
    }
    if !context.route.path_parameters.is_empty() {
        event.insert(
            "pathParameters".into(),
            json!(context.route.path_parameters),
        );
    }
    event.insert("requestContext".into(), request_context);
    if !body.is_empty() {
        let content_type = parts
            .headers
            .get(http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok());
        match std::str::from_utf8(body) {
            Ok(text) if content_type.is_none_or(is_text) => {
                event.insert("body".into(), json!(text));
                event.insert("isBase64Encoded".into(), json!(false));
            }
            _ => {
                let encoded = base64::engine::general_purpose::STANDARD.encode(body);
                event.insert("body".into(), json!(encoded));
                event.insert("isBase64Encoded".into(), json!(true));
            }
        }
    } else {
        event.insert("isBase64Encoded".into(), json!(false));
    }
    Value::Object(event)
}

/// Content types API Gateway passes as text.
pub fn is_text(content_type: &str) -> bool {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    essence.starts_with("text/")
        || matches!(
            essence.as_str(),
            "application/json"
                | "application/javascript"
                | "application/xml"
                | "application/yaml"
                | "application/x-www-form-urlencoded"
        )
        || essence.ends_with("+json")
        || essence.ends_with("+xml")
        || essence.ends_with("+yaml")
}

fn protocol(version: http::Version) -> &'static str {
    match version {
        http::Version::HTTP_10 => "HTTP/1.0",
        http::Version::HTTP_2 => "HTTP/2.0",
        _ => "HTTP/1.1",
    }
}

/// `12/Mar/2020:19:03:58 +0000`, the common log format time of `requestContext.time`.
fn clf_time(now: OffsetDateTime) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let utc = now.to_offset(time::UtcOffset::UTC);
    format!(
        "{:02}/{}/{}:{:02}:{:02}:{:02} +0000",
        utc.day(),
        MONTHS[usize::from(u8::from(utc.month())) - 1],
        utc.year(),
        utc.hour(),
        utc.minute(),
        utc.second()
    )
}

fn percent_decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text)
        .decode_utf8_lossy()
        .into_owned()
}

/// `a=1&b=x%20y&c` as decoded pairs (`+` is a space, as in forms).
fn form_urlencoded_pairs(query: &str) -> impl Iterator<Item = (String, String)> + '_ {
    query.split('&').filter(|p| !p.is_empty()).map(|pair| {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let decode = |s: &str| percent_decode(&s.replace('+', " "));
        (decode(key), decode(value))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_time_is_in_common_log_format() {
        let at = time::macros::datetime!(2020-03-12 19:03:58 UTC);
        assert_eq!(clf_time(at), "12/Mar/2020:19:03:58 +0000");
    }

    #[test]
    fn query_pairs_are_decoded() {
        let pairs: Vec<_> = form_urlencoded_pairs("a=1&b=x%20y&c&d=e+f").collect();
        assert_eq!(
            pairs,
            vec![
                ("a".into(), "1".into()),
                ("b".into(), "x y".into()),
                ("c".into(), "".into()),
                ("d".into(), "e f".into())
            ]
        );
    }
}
