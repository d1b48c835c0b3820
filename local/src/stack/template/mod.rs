//! Reads what the local stack needs from a SAM template: functions (binary, environment,
//! HTTP API routes, CloudWatch Logs subscriptions), HTTP APIs (JWT authorizers, CORS),
//! DynamoDB tables (with their secondary indexes), CloudWatch Logs log groups, IVS Chat logging
//! configurations and rooms, resolved for a local account and region.
//!
//! [`yaml`] reads the text keeping each node's tag, [`intrinsics`] turns tags (`!Ref X`) and
//! long forms (`{"Ref": "X"}`) into typed functions, [`resolve`] evaluates them (parameters,
//! references, conditions) and [`resources`] reads each resource kind. Only the properties
//! the local stack uses are evaluated; a function it does not evaluate there is refused with
//! the resource and property named.

mod intrinsics;
mod resolve;
mod resources;
mod yaml;

use std::collections::BTreeMap;
use std::path::Path;

use intrinsics::Value;
use resolve::{Resolver, Site};

/// Why the template cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{path} is not valid YAML: {message}")]
    Parse { path: String, message: String },
    /// A value is not what the template may hold there (`at` names where).
    #[error("{at}: {problem}")]
    Invalid { at: String, problem: String },
    /// An intrinsic function `up` does not evaluate, where the local stack needs the value.
    #[error(
        "{at}: {function} is not supported by `ivschat-local up` (it evaluates Ref, \
         Fn::GetAtt of an ARN, Fn::Sub, Fn::If, Fn::Equals, Fn::Not, Fn::And, Fn::Or, \
         Fn::Select and Fn::Join)"
    )]
    Unsupported { at: String, function: String },
}

/// A `CloudWatchLogs` event of a function: a subscription filter on a log group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogSubscriptionDef {
    /// The event's name under `Events`.
    pub event: String,
    pub log_group_name: String,
    pub filter_pattern: String,
}

/// A secondary index of a table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexDef {
    pub name: String,
    /// (name, `HASH` or `RANGE`)
    pub key_schema: Vec<(String, String)>,
    /// `ALL`, `KEYS_ONLY` or `INCLUDE`.
    pub projection_type: String,
    pub non_key_attributes: Vec<String>,
}

/// An `AWS::Logs::LogGroup` whose condition holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogGroupDef {
    pub logical_id: String,
    /// `LogGroupName`, or `<stack>-<logical id>` as CloudFormation would generate it (without
    /// its random suffix).
    pub name: String,
}

/// Where a logging configuration sends a room's chat log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoggingDestinationDef {
    CloudWatchLogs { log_group_name: String },
    S3 { bucket_name: String },
    Firehose { delivery_stream_name: String },
}

/// An `AWS::IVSChat::LoggingConfiguration` whose condition holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoggingConfigurationDef {
    pub logical_id: String,
    pub name: Option<String>,
    pub destination: LoggingDestinationDef,
    pub tags: Vec<(String, String)>,
}

/// A logging configuration a room names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoggingConfigurationRef {
    /// One of the template's, by logical id (`!GetAtt X.Arn` or `!Ref X`).
    Template(String),
    /// An existing one, by ARN as written.
    Existing(String),
}

/// The account and region the local stack pretends to be.
#[derive(Debug, Clone)]
pub struct LocalScope {
    pub account_id: String,
    pub region: String,
    pub stack_name: String,
}

/// A function of the template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunctionDef {
    pub logical_id: String,
    /// The cargo binary (`BuildProperties.Binary`), also its local function name.
    pub binary: String,
    pub environment: Vec<(String, String)>,
    /// Variables whose value is the ARN of one of the template's logging configurations
    /// (variable, logical id): known only once `up` has created it.
    pub logging_configuration_environment: Vec<(String, String)>,
    pub routes: Vec<RouteDef>,
    pub log_subscriptions: Vec<LogSubscriptionDef>,
    /// `Timeout` in seconds (the function's, else `Globals.Function`'s), if declared.
    pub timeout_seconds: Option<u64>,
    /// `MemorySize` in MB (the function's, else `Globals.Function`'s), if declared.
    pub memory_mb: Option<u32>,
    /// The variables Lambda sets from `LoggingConfig` (the function's, merged over
    /// `Globals.Function`'s): `AWS_LAMBDA_LOG_FORMAT`, and with the JSON format
    /// `AWS_LAMBDA_LOG_LEVEL` (the application log level, INFO unless given).
    pub logging_environment: Vec<(String, String)>,
}

/// An `HttpApi` event of a function.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteDef {
    pub api: String,
    pub method: String,
    pub path: String,
    /// `None`: the API's default; `Some("NONE")`: no authorizer.
    pub authorizer: Option<String>,
}

/// An `AWS::Serverless::HttpApi`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ApiDef {
    pub logical_id: String,
    pub default_authorizer: Option<String>,
    pub authorizers: Vec<AuthorizerDef>,
    pub cors_origins: Vec<String>,
    pub cors_methods: Vec<String>,
    pub cors_headers: Vec<String>,
    pub cors_expose: Vec<String>,
    pub cors_max_age: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorizerDef {
    pub name: String,
    pub identity_header: String,
    pub issuer: String,
    pub audiences: Vec<String>,
}

/// An `AWS::DynamoDB::Table`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableDef {
    pub logical_id: String,
    /// (name, `HASH` or `RANGE`)
    pub key_schema: Vec<(String, String)>,
    /// (name, `S`, `N` or `B`)
    pub attributes: Vec<(String, String)>,
    pub ttl_attribute: Option<String>,
    pub local_secondary_indexes: Vec<IndexDef>,
    pub global_secondary_indexes: Vec<IndexDef>,
}

/// An `AWS::IVSChat::Room` whose condition holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoomDef {
    pub logical_id: String,
    pub name: Option<String>,
    pub maximum_message_length: Option<i32>,
    pub maximum_message_rate_per_second: Option<i32>,
    pub review_handler_uri: Option<String>,
    pub fallback_result: Option<String>,
    pub logging_configurations: Vec<LoggingConfigurationRef>,
    pub tags: Vec<(String, String)>,
}

/// The parts of a template the local stack runs.
#[derive(Debug, Clone, Default)]
pub struct StackTemplate {
    pub functions: Vec<FunctionDef>,
    pub apis: Vec<ApiDef>,
    pub tables: Vec<TableDef>,
    pub log_groups: Vec<LogGroupDef>,
    pub logging_configurations: Vec<LoggingConfigurationDef>,
    pub rooms: Vec<RoomDef>,
}

impl StackTemplate {
    /// Reads `path` with `overrides` over the parameters' defaults.
    pub fn load(
        path: &Path,
        overrides: &BTreeMap<String, String>,
        scope: &LocalScope,
    ) -> Result<StackTemplate, TemplateError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| TemplateError::Read {
            path: shown.clone(),
            source,
        })?;
        Self::parse(&text, &shown, overrides, scope)
    }

    /// Reads the template `text` (from `path`, for errors).
    pub fn parse(
        text: &str,
        path: &str,
        overrides: &BTreeMap<String, String>,
        scope: &LocalScope,
    ) -> Result<StackTemplate, TemplateError> {
        let node = yaml::parse(text).map_err(|e| TemplateError::Parse {
            path: path.to_owned(),
            message: e.to_string(),
        })?;
        let document = Value::from_node(&node, "")?;
        Self::from_document(&document, overrides, scope)
    }

    fn from_document(
        document: &Value,
        overrides: &BTreeMap<String, String>,
        scope: &LocalScope,
    ) -> Result<StackTemplate, TemplateError> {
        let empty = BTreeMap::new();
        let resources = document.get("Resources").as_map().unwrap_or(&empty);
        let resolver = Resolver::new(document, resources, overrides, scope)?;
        let globals = document.get("Globals").get("Function");
        let mut template = StackTemplate::default();
        for (id, resource) in resources {
            match resource.get("Condition") {
                Value::Null => {}
                Value::String(condition) => {
                    if !resolver.condition_holds(condition, &Site::resource(id, "Condition"))? {
                        continue;
                    }
                }
                _ => {
                    return Err(Site::resource(id, "Condition").invalid("is not a condition's name"))
                }
            }
            match Resolver::kind(resource) {
                "AWS::Serverless::Function" => template
                    .functions
                    .push(resources::function(id, resource, globals, &resolver)?),
                "AWS::Serverless::HttpApi" => template
                    .apis
                    .push(resources::http_api(id, resource, &resolver)?),
                "AWS::DynamoDB::Table" => template
                    .tables
                    .push(resources::table(id, resource, &resolver)?),
                "AWS::Logs::LogGroup" => template
                    .log_groups
                    .push(resources::log_group(id, resource, &resolver)?),
                "AWS::IVSChat::LoggingConfiguration" => template
                    .logging_configurations
                    .push(resources::logging_configuration(id, resource, &resolver)?),
                "AWS::IVSChat::Room" => template
                    .rooms
                    .push(resources::room(id, resource, &resolver)?),
                _ => {}
            }
        }
        template.check_logging_configurations_exist()?;
        Ok(template)
    }

    /// Every logging configuration a room or a function names is one `up` creates.
    fn check_logging_configurations_exist(&self) -> Result<(), TemplateError> {
        let named = self
            .rooms
            .iter()
            .flat_map(|room| {
                room.logging_configurations
                    .iter()
                    .filter_map(move |reference| match reference {
                        LoggingConfigurationRef::Template(id) => Some((&room.logical_id, id)),
                        LoggingConfigurationRef::Existing(_) => None,
                    })
            })
            .chain(self.functions.iter().flat_map(|function| {
                function
                    .logging_configuration_environment
                    .iter()
                    .map(move |(_, id)| (&function.logical_id, id))
            }));
        for (user, logical_id) in named {
            if !self
                .logging_configurations
                .iter()
                .any(|c| &c.logical_id == logical_id)
            {
                return Err(TemplateError::Invalid {
                    at: format!("resource {user}"),
                    problem: format!(
                        "names logging configuration {logical_id}, which is not created \
                         (its condition is false)"
                    ),
                });
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
