//! Reading a JSON request body member by member against the model's constraints (type,
//! length, pattern, range, map and list sizes), collecting every violation so that one
//! ValidationException can name each bad field, as the service does.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use regex::Regex;
use serde_json::{Map, Value};

use super::error::{FieldError, ServiceError};

/// Constraints of a string shape. Patterns are applied as full matches.
pub struct StringShape {
    pub min: usize,
    pub max: usize,
    pub pattern: Option<&'static LazyLock<Regex>>,
    /// The pattern as the model (or its correction) writes it, for error messages.
    pub pattern_text: &'static str,
    /// Sensitive members are never echoed back in error messages.
    pub sensitive: bool,
}

macro_rules! full_match {
    ($name:ident, $pattern:literal) => {
        pub static $name: LazyLock<Regex> = LazyLock::new(|| {
            Regex::new(concat!("^(?:", $pattern, ")$")).expect("a valid built-in pattern")
        });
    };
}

full_match!(
    ROOM_ARN,
    "arn:aws:ivschat:[a-z0-9-]+:[0-9]+:room/[a-zA-Z0-9-]+"
);
full_match!(
    LOGGING_CONFIGURATION_ARN,
    "arn:aws:ivschat:[a-z0-9-]+:[0-9]+:logging-configuration/[a-zA-Z0-9-]+"
);
// The model's ResourceArn pattern allows one character before '/'; this is the fix.
full_match!(
    RESOURCE_ARN,
    "arn:aws:ivschat:[a-z0-9-]+:[0-9]+:(room|logging-configuration)/[a-zA-Z0-9-]+"
);
// The model's LambdaArn pattern matches anything; CloudFormation documents this one
// (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-ivschat-room-messagereviewhandler.html).
full_match!(
    LAMBDA_ARN,
    "arn:aws:lambda:[a-z0-9-]+:[0-9]{12}:function:.+|"
);
full_match!(RESOURCE_NAME, "[a-zA-Z0-9-_]*");
full_match!(TWELVE_ALPHANUMERICS, "[a-zA-Z0-9]+");
full_match!(BUCKET_NAME, r"[a-z0-9-.]+");
full_match!(LOG_GROUP_NAME, r"[\.\-_/#A-Za-z0-9]+");
full_match!(DELIVERY_STREAM_NAME, r"[a-zA-Z0-9_.-]+");
// The generic AWS tag rules: letters, digits, spaces and _ . : / = + - @
full_match!(TAG_CHARACTERS, r"[\p{L}\p{Z}\p{N}_.:/=+\-@]*");

pub const ROOM_IDENTIFIER: StringShape = StringShape {
    min: 1,
    max: 128,
    pattern: Some(&ROOM_ARN),
    pattern_text: "arn:aws:ivschat:[a-z0-9-]+:[0-9]+:room/[a-zA-Z0-9-]+",
    sensitive: false,
};
pub const LOGGING_CONFIGURATION_IDENTIFIER: StringShape = StringShape {
    min: 1,
    max: 128,
    pattern: Some(&LOGGING_CONFIGURATION_ARN),
    pattern_text: "arn:aws:ivschat:[a-z0-9-]+:[0-9]+:logging-configuration/[a-zA-Z0-9-]+",
    sensitive: false,
};
pub const RESOURCE_ARN_SHAPE: StringShape = StringShape {
    min: 1,
    max: 128,
    pattern: Some(&RESOURCE_ARN),
    pattern_text: "arn:aws:ivschat:[a-z0-9-]+:[0-9]+:(room|logging-configuration)/[a-zA-Z0-9-]+",
    sensitive: false,
};
pub const LAMBDA_ARN_SHAPE: StringShape = StringShape {
    min: 0,
    max: 170,
    pattern: Some(&LAMBDA_ARN),
    pattern_text: "^$|^arn:aws:lambda:[a-z0-9-]+:[0-9]{12}:function:.+",
    sensitive: false,
};
pub const NAME: StringShape = StringShape {
    min: 0,
    max: 128,
    pattern: Some(&RESOURCE_NAME),
    pattern_text: "[a-zA-Z0-9-_]*",
    sensitive: false,
};
pub const MESSAGE_ID: StringShape = StringShape {
    min: 12,
    max: 12,
    pattern: Some(&TWELVE_ALPHANUMERICS),
    pattern_text: "[a-zA-Z0-9]+",
    sensitive: false,
};
pub const BUCKET_NAME_SHAPE: StringShape = StringShape {
    min: 3,
    max: 63,
    pattern: Some(&BUCKET_NAME),
    pattern_text: "[a-z0-9-.]+",
    sensitive: false,
};
pub const LOG_GROUP_NAME_SHAPE: StringShape = StringShape {
    min: 1,
    max: 512,
    pattern: Some(&LOG_GROUP_NAME),
    pattern_text: r"[\.\-_/#A-Za-z0-9]+",
    sensitive: false,
};
pub const DELIVERY_STREAM_NAME_SHAPE: StringShape = StringShape {
    min: 1,
    max: 64,
    pattern: Some(&DELIVERY_STREAM_NAME),
    pattern_text: "[a-zA-Z0-9_.-]+",
    sensitive: false,
};
pub const REASON: StringShape = StringShape {
    min: 1,
    max: 256,
    pattern: None,
    pattern_text: "",
    sensitive: false,
};
pub const EVENT_NAME: StringShape = StringShape {
    min: 1,
    max: 100,
    pattern: None,
    pattern_text: "",
    sensitive: false,
};
pub const USER_ID: StringShape = StringShape {
    min: 1,
    max: 128,
    pattern: None,
    pattern_text: "",
    sensitive: true,
};
/// A capability name; the enum itself is checked by the operation.
pub const CAPABILITY: StringShape = StringShape {
    min: 0,
    max: usize::MAX,
    pattern: None,
    pattern_text: "",
    sensitive: false,
};
pub const PAGINATION_TOKEN: StringShape = StringShape {
    min: 0,
    max: 1024,
    pattern: None,
    pattern_text: "",
    sensitive: false,
};
pub const TAG_KEY: StringShape = StringShape {
    min: 1,
    max: 128,
    pattern: None,
    pattern_text: "",
    sensitive: false,
};
pub const TAG_VALUE: StringShape = StringShape {
    min: 0,
    max: 256,
    pattern: None,
    pattern_text: "",
    sensitive: false,
};

/// Largest total size of chat-token or event attributes: keys plus values, in UTF-8 bytes.
pub const MAX_ATTRIBUTES_BYTES: usize = 1024;
/// At most this many tags in one map.
pub const MAX_TAGS: usize = 50;

/// The members of one JSON object (the body, or a nested structure), with the errors found so far.
pub struct Input {
    prefix: String,
    members: Map<String, Value>,
    errors: Vec<FieldError>,
}

impl Input {
    /// Parses a request body. An empty body is an empty structure, as botocore would send `{}`.
    pub fn parse(body: &[u8]) -> Result<Input, ServiceError> {
        if body.iter().all(u8::is_ascii_whitespace) {
            return Ok(Input::from_members(String::new(), Map::new()));
        }
        match serde_json::from_slice::<Value>(body) {
            Ok(Value::Object(members)) => Ok(Input::from_members(String::new(), members)),
            Ok(_) => Err(ServiceError::malformed(
                "The request body must be a JSON object.",
            )),
            Err(error) => Err(ServiceError::malformed(format!(
                "The request body is not valid JSON: {error}."
            ))),
        }
    }

    /// An input with members given by the caller (path labels, query strings).
    pub fn from_members(prefix: String, members: Map<String, Value>) -> Input {
        Input {
            prefix,
            members,
            errors: Vec::new(),
        }
    }

    /// The members not read yet.
    pub fn into_members(self) -> Map<String, Value> {
        self.members
    }

    /// Whether a member is present (and not `null`).
    pub fn has(&self, name: &str) -> bool {
        self.members.get(name).is_some_and(|v| !v.is_null())
    }

    fn field(&self, name: &str) -> String {
        if name.is_empty() {
            self.prefix.clone()
        } else if self.prefix.is_empty() {
            name.to_owned()
        } else {
            format!("{}.{name}", self.prefix)
        }
    }

    /// Records a violation of a member.
    pub fn fail(&mut self, name: &str, value: Option<&str>, constraint: impl Into<String>) {
        let field = self.field(name);
        self.errors
            .push(FieldError::new(field, value, constraint.into()));
    }

    /// Takes a member, treating `null` as absent.
    fn take(&mut self, name: &str) -> Option<Value> {
        match self.members.remove(name) {
            None | Some(Value::Null) => None,
            Some(value) => Some(value),
        }
    }

    fn require_present(&mut self, name: &str, present: bool) {
        if !present {
            self.fail(name, None, "Member must not be null");
        }
    }

    fn type_error(&mut self, name: &str, expected: &str) {
        self.fail(name, None, format!("Member must be {expected}"));
    }

    /// An optional string member checked against `shape`.
    pub fn string(&mut self, name: &str, shape: &StringShape) -> Option<String> {
        match self.take(name)? {
            Value::String(value) => self.check_string(name, value, shape),
            _ => {
                self.type_error(name, "a string");
                None
            }
        }
    }

    /// A required string member checked against `shape`.
    pub fn required_string(&mut self, name: &str, shape: &StringShape) -> Option<String> {
        self.require_present(name, self.has(name));
        self.string(name, shape)
    }

    fn check_string(&mut self, name: &str, value: String, shape: &StringShape) -> Option<String> {
        let shown = (!shape.sensitive).then_some(value.as_str());
        let length = value.chars().count();
        let mut ok = true;
        if length < shape.min {
            self.fail(
                name,
                shown,
                format!(
                    "Member must have length greater than or equal to {}",
                    shape.min
                ),
            );
            ok = false;
        }
        if length > shape.max {
            self.fail(
                name,
                shown,
                format!(
                    "Member must have length less than or equal to {}",
                    shape.max
                ),
            );
            ok = false;
        }
        if let Some(pattern) = shape.pattern {
            if !pattern.is_match(&value) {
                self.fail(
                    name,
                    shown,
                    format!(
                        "Member must satisfy regular expression pattern: {}",
                        shape.pattern_text
                    ),
                );
                ok = false;
            }
        }
        ok.then_some(value)
    }

    /// An optional integer member within `min..=max`.
    pub fn integer(&mut self, name: &str, min: i64, max: i64) -> Option<i64> {
        let value = self.take(name)?;
        let Some(number) = value.as_i64() else {
            self.type_error(name, "an integer");
            return None;
        };
        let shown = number.to_string();
        if number < min {
            self.fail(
                name,
                Some(&shown),
                format!("Member must have value greater than or equal to {min}"),
            );
            None
        } else if number > max {
            self.fail(
                name,
                Some(&shown),
                format!("Member must have value less than or equal to {max}"),
            );
            None
        } else {
            Some(number)
        }
    }

    /// An optional enum member.
    pub fn enumeration(&mut self, name: &str, allowed: &[&str]) -> Option<String> {
        match self.take(name)? {
            Value::String(value) if allowed.contains(&value.as_str()) => Some(value),
            Value::String(value) => {
                self.fail(
                    name,
                    Some(&value),
                    format!(
                        "Member must satisfy enum value set: [{}]",
                        allowed.join(", ")
                    ),
                );
                None
            }
            _ => {
                self.type_error(name, "a string");
                None
            }
        }
    }

    /// An optional nested structure, read with its own `Input` whose errors join these.
    pub fn structure<T>(&mut self, name: &str, read: impl FnOnce(&mut Input) -> T) -> Option<T> {
        match self.take(name)? {
            Value::Object(members) => {
                let mut nested = Input::from_members(self.field(name), members);
                let value = read(&mut nested);
                self.errors.append(&mut nested.errors);
                Some(value)
            }
            _ => {
                self.type_error(name, "a structure");
                None
            }
        }
    }

    /// A required nested structure.
    pub fn required_structure<T>(
        &mut self,
        name: &str,
        read: impl FnOnce(&mut Input) -> T,
    ) -> Option<T> {
        self.require_present(name, self.has(name));
        self.structure(name, read)
    }

    /// An optional list of strings, each checked against `shape`, with at most `max_items`.
    pub fn string_list(
        &mut self,
        name: &str,
        shape: &StringShape,
        max_items: usize,
    ) -> Option<Vec<String>> {
        let Value::Array(items) = self.take(name)? else {
            self.type_error(name, "a list");
            return None;
        };
        if items.len() > max_items {
            self.fail(
                name,
                None,
                format!("Member must have length less than or equal to {max_items}"),
            );
            return None;
        }
        let mut values = Vec::with_capacity(items.len());
        let mut ok = true;
        for item in items {
            match item {
                Value::String(value) => match self.check_string(name, value, shape) {
                    Some(value) => values.push(value),
                    None => ok = false,
                },
                _ => {
                    self.type_error(name, "a list of strings");
                    ok = false;
                }
            }
        }
        ok.then_some(values)
    }

    /// A required list of strings.
    pub fn required_string_list(
        &mut self,
        name: &str,
        shape: &StringShape,
        max_items: usize,
    ) -> Option<Vec<String>> {
        self.require_present(name, self.has(name));
        self.string_list(name, shape, max_items)
    }

    /// An optional map of string to string.
    pub fn string_map(&mut self, name: &str) -> Option<BTreeMap<String, String>> {
        let Value::Object(members) = self.take(name)? else {
            self.type_error(name, "a map of strings");
            return None;
        };
        let mut map = BTreeMap::new();
        for (key, value) in members {
            match value {
                Value::String(value) => {
                    map.insert(key, value);
                }
                _ => {
                    self.type_error(name, "a map of strings");
                    return None;
                }
            }
        }
        Some(map)
    }

    /// An optional map of attributes (string to string) of at most 1 KB in all.
    pub fn attributes(&mut self, name: &str) -> Option<BTreeMap<String, String>> {
        let map = self.string_map(name)?;
        let size: usize = map.iter().map(|(k, v)| k.len() + v.len()).sum();
        if size > MAX_ATTRIBUTES_BYTES {
            self.fail(
                name,
                None,
                format!("Member must have a total size (keys and values, in UTF-8 bytes) less than or equal to {MAX_ATTRIBUTES_BYTES}; it is {size}"),
            );
            return None;
        }
        Some(map)
    }

    /// An optional tag map: at most 50 entries, keys 1–128 and values 0–256 characters of the
    /// AWS tag character set, no `aws:` prefix.
    pub fn tags(&mut self, name: &str) -> Option<BTreeMap<String, String>> {
        let map = self.string_map(name)?;
        self.check_tags(name, map)
    }

    /// A required tag map.
    pub fn required_tags(&mut self, name: &str) -> Option<BTreeMap<String, String>> {
        self.require_present(name, self.has(name));
        self.tags(name)
    }

    fn check_tags(
        &mut self,
        name: &str,
        map: BTreeMap<String, String>,
    ) -> Option<BTreeMap<String, String>> {
        let mut ok = true;
        if map.len() > MAX_TAGS {
            self.fail(
                name,
                None,
                format!("Member must have length less than or equal to {MAX_TAGS}"),
            );
            ok = false;
        }
        for (key, value) in &map {
            ok &= self.check_tag_key(name, key);
            if self.check_string(name, value.clone(), &TAG_VALUE).is_none() {
                ok = false;
            } else if !TAG_CHARACTERS.is_match(value) {
                self.fail(
                    name,
                    Some(value),
                    "Tag values may only contain letters, numbers, spaces and _ . : / = + - @",
                );
                ok = false;
            }
        }
        ok.then_some(map)
    }

    /// Checks one tag key; returns whether it is valid.
    pub fn check_tag_key(&mut self, name: &str, key: &str) -> bool {
        if self.check_string(name, key.to_owned(), &TAG_KEY).is_none() {
            return false;
        }
        if key.to_ascii_lowercase().starts_with("aws:") {
            self.fail(
                name,
                Some(key),
                "Tag keys must not start with the reserved prefix 'aws:'",
            );
            return false;
        }
        if !TAG_CHARACTERS.is_match(key) {
            self.fail(
                name,
                Some(key),
                "Tag keys may only contain letters, numbers, spaces and _ . : / = + - @",
            );
            return false;
        }
        true
    }

    /// Ends reading: one ValidationException naming every bad field, if there were any.
    pub fn finish(self) -> Result<(), ServiceError> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(ServiceError::field_validation(self.errors))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(json: &str) -> Input {
        Input::parse(json.as_bytes()).unwrap_or_else(|e| panic!("{e:?}"))
    }

    #[test]
    fn every_bad_member_is_named() {
        let mut body =
            input(r#"{"name":"bad name!","maximumMessageLength":501,"tags":{"aws:x":"y"}}"#);
        assert_eq!(body.string("name", &NAME), None);
        assert_eq!(body.integer("maximumMessageLength", 1, 500), None);
        assert_eq!(body.tags("tags"), None);
        let Err(ServiceError::Validation { fields, .. }) = body.finish() else {
            panic!("expected a validation error")
        };
        let names: Vec<&str> = fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["name", "maximumMessageLength", "tags"]);
    }

    #[test]
    fn nested_members_are_named_with_their_path() {
        let mut body =
            input(r#"{"messageReviewHandler":{"uri":"arn:aws:lambda:us-west-2:12:function:f"}}"#);
        body.structure("messageReviewHandler", |h| {
            h.string("uri", &LAMBDA_ARN_SHAPE)
        });
        let Err(ServiceError::Validation { fields, .. }) = body.finish() else {
            panic!("expected a validation error")
        };
        assert_eq!(fields[0].name, "messageReviewHandler.uri");
    }

    #[test]
    fn lambda_arn_pattern_is_the_corrected_one() {
        assert!(LAMBDA_ARN.is_match(""));
        assert!(LAMBDA_ARN.is_match("arn:aws:lambda:us-west-2:123456789012:function:review"));
        assert!(!LAMBDA_ARN.is_match("not-an-arn"));
        assert!(RESOURCE_ARN.is_match("arn:aws:ivschat:us-west-2:123456789012:room/AbCdEfGhIjKl"));
        assert!(RESOURCE_ARN
            .is_match("arn:aws:ivschat:us-west-2:123456789012:logging-configuration/AbCdEfGhIjKl"));
        assert!(
            !RESOURCE_ARN.is_match("arn:aws:ivschat:us-west-2:123456789012:channel/AbCdEfGhIjKl")
        );
    }

    #[test]
    fn attributes_over_one_kilobyte_are_refused() {
        let big = "x".repeat(1020);
        let mut body = input(&format!(r#"{{"attributes":{{"k":"{big}","k2":"yyyy"}}}}"#));
        assert_eq!(body.attributes("attributes"), None);
        assert!(body.finish().is_err());
    }

    #[test]
    fn wrong_types_and_malformed_json_are_validation_errors() {
        let mut body = input(r#"{"maximumMessageLength":"ten"}"#);
        assert_eq!(body.integer("maximumMessageLength", 1, 500), None);
        assert!(body.finish().is_err());
        assert!(Input::parse(b"{not json").is_err());
        assert!(Input::parse(b"[1,2]").is_err());
    }
}
