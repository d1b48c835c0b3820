//! Reads what the local stack needs from the SAM template: functions (binary, environment,
//! HTTP API routes, CloudWatch Logs subscriptions), HTTP APIs (JWT authorizers, CORS),
//! DynamoDB tables (with their secondary indexes), CloudWatch Logs log groups, IVS Chat logging
//! configurations and rooms, with parameters, `!Ref`, `!GetAtt`, `!Sub`, `!Equals` and `!Not`
//! conditions and `!If` (with `AWS::NoValue`) resolved for a local account and region.
//!
//! The YAML reader drops CloudFormation's short-form tags, so `!Ref X` reads as `X` and
//! `!GetAtt X.Arn` as `X.Arn`; a value that names a parameter or a resource is resolved as a
//! reference to it. That is exact for this project's template, which never uses a parameter or
//! resource name as a literal value.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

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
    #[error("{0}")]
    Invalid(String),
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

struct Resolver<'a> {
    parameters: BTreeMap<String, String>,
    resources: &'a serde_json::Map<String, Value>,
    conditions: &'a Value,
    scope: &'a LocalScope,
}

impl Resolver<'_> {
    /// The local value of a template string: a parameter, a resource reference, an
    /// attribute, or a `${...}` substitution.
    fn resolve(&self, raw: &str) -> String {
        if let Some(value) = self.parameters.get(raw) {
            return value.clone();
        }
        match raw {
            "AWS::AccountId" => return self.scope.account_id.clone(),
            "AWS::Region" => return self.scope.region.clone(),
            "AWS::StackName" => return self.scope.stack_name.clone(),
            "AWS::Partition" => return "aws".to_owned(),
            "AWS::URLSuffix" => return "amazonaws.com".to_owned(),
            _ => {}
        }
        if let Some(resource) = self.resources.get(raw) {
            return self.physical_id(raw, resource);
        }
        if let Some((id, attribute)) = raw.split_once('.') {
            if let Some(resource) = self.resources.get(id) {
                if attribute == "Arn" {
                    return self.arn(id, resource);
                }
            }
        }
        if raw.contains("${") {
            return self.substitute(raw);
        }
        raw.to_owned()
    }

    fn substitute(&self, text: &str) -> String {
        let mut out = String::new();
        let mut rest = text;
        while let Some(start) = rest.find("${") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            match after.find('}') {
                Some(end) => {
                    out.push_str(&self.resolve(&after[..end]));
                    rest = &after[end + 1..];
                }
                None => {
                    out.push_str(&rest[start..]);
                    rest = "";
                }
            }
        }
        out.push_str(rest);
        out
    }

    fn kind(resource: &Value) -> &str {
        resource["Type"].as_str().unwrap_or_default()
    }

    fn physical_id(&self, id: &str, resource: &Value) -> String {
        match Self::kind(resource) {
            "AWS::Serverless::Function" => binary_of(resource).unwrap_or_else(|| id.to_owned()),
            "AWS::Logs::LogGroup" => resource["Properties"]["LogGroupName"]
                .as_str()
                .map(|name| self.resolve(name))
                .unwrap_or_else(|| format!("{}-{id}", self.scope.stack_name)),
            _ => id.to_owned(),
        }
    }

    fn arn(&self, id: &str, resource: &Value) -> String {
        let LocalScope {
            account_id, region, ..
        } = self.scope;
        match Self::kind(resource) {
            "AWS::Serverless::Function" => format!(
                "arn:aws:lambda:{region}:{account_id}:function:{}",
                self.physical_id(id, resource)
            ),
            "AWS::DynamoDB::Table" => {
                format!("arn:aws:dynamodb:{region}:{account_id}:table/{id}")
            }
            "AWS::Logs::LogGroup" => format!(
                "arn:aws:logs:{region}:{account_id}:log-group:{}:*",
                self.physical_id(id, resource)
            ),
            other => format!("arn:aws:{other}:{region}:{account_id}:{id}"),
        }
    }

    fn condition_holds(&self, name: &str) -> bool {
        self.conditions
            .get(name)
            .is_none_or(|condition| self.evaluate(condition))
    }

    /// `!Equals [a, b]` reads as a pair and `!Not [c]` as a list of one. `!And` and `!Or`
    /// read like lists too and cannot be told apart; the project's template does not use
    /// them. Anything else is taken as true.
    fn evaluate(&self, condition: &Value) -> bool {
        match condition {
            Value::Array(pair) if pair.len() == 2 => {
                let side = |v: &Value| v.as_str().map(|s| self.resolve(s)).unwrap_or_default();
                side(&pair[0]) == side(&pair[1])
            }
            Value::Array(single) if single.len() == 1 => !self.evaluate(&single[0]),
            Value::String(name) => self.condition_holds(name),
            _ => true,
        }
    }

    /// The branch an `!If [condition, then, else]` takes (`!If` reads as a list of three whose
    /// first item names a condition); `Null` for `AWS::NoValue`. Other values as they are.
    fn choose<'v>(&self, value: &'v Value) -> Option<&'v Value> {
        let chosen = match value {
            Value::Array(items)
                if items.len() == 3
                    && items[0]
                        .as_str()
                        .is_some_and(|name| self.conditions.get(name).is_some()) =>
            {
                let holds = items[0]
                    .as_str()
                    .is_some_and(|name| self.condition_holds(name));
                if holds {
                    &items[1]
                } else {
                    &items[2]
                }
            }
            other => other,
        };
        (chosen.as_str() != Some("AWS::NoValue") && !chosen.is_null()).then_some(chosen)
    }

    /// The template logging configuration `raw` names (`X`, or `X.Arn`), if it names one.
    fn logging_configuration(&self, raw: &str) -> Option<String> {
        let id = raw.strip_suffix(".Arn").unwrap_or(raw);
        self.resources
            .get(id)
            .filter(|r| Self::kind(r) == "AWS::IVSChat::LoggingConfiguration")
            .map(|_| id.to_owned())
    }
}

/// The variables Lambda's advanced logging controls set in a function's process
/// (<https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-logformat.html>,
/// <https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-log-level.html>):
/// `AWS_LAMBDA_LOG_FORMAT` = `LogFormat`, and, as log-level filtering needs the JSON format,
/// `AWS_LAMBDA_LOG_LEVEL` = `ApplicationLogLevel` (INFO, Lambda's default, when not given).
/// `SystemLogLevel` only filters Lambda's own lines, which are not written locally. SAM
/// merges a function's `LoggingConfig` map over the Globals' one, key by key.
fn lambda_logging_environment(
    globals: &Value,
    own: &Value,
    resolver: &Resolver<'_>,
) -> Vec<(String, String)> {
    let setting = |key: &str| {
        let value = match &own[key] {
            Value::Null => &globals[key],
            value => value,
        };
        resolver
            .choose(value)
            .and_then(Value::as_str)
            .map(|text| resolver.resolve(text))
            .filter(|text| !text.is_empty())
    };
    let Some(format) = setting("LogFormat") else {
        return Vec::new();
    };
    let mut environment = Vec::new();
    if format.eq_ignore_ascii_case("JSON") {
        let level = setting("ApplicationLogLevel").unwrap_or_else(|| "INFO".to_owned());
        environment.push(("AWS_LAMBDA_LOG_LEVEL".to_owned(), level));
    }
    environment.insert(0, ("AWS_LAMBDA_LOG_FORMAT".to_owned(), format));
    environment
}

fn binary_of(resource: &Value) -> Option<String> {
    resource["Metadata"]["BuildProperties"]["Binary"]
        .as_str()
        .map(str::to_owned)
}

/// (`key`, `value`) of each item of a list of objects, e.g. a `KeySchema`.
fn pairs(list: &Value, key: &str, value: &str) -> Vec<(String, String)> {
    list.as_array()
        .map(|items| {
            items
                .iter()
                .map(|i| {
                    (
                        i[key].as_str().unwrap_or_default().to_owned(),
                        i[value].as_str().unwrap_or_default().to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// A `Tags` list of `Key`/`Value` objects, values resolved.
fn tags(list: &Value, resolver: &Resolver<'_>) -> Vec<(String, String)> {
    list.as_array()
        .map(|tags| {
            tags.iter()
                .map(|t| {
                    (
                        t["Key"].as_str().unwrap_or_default().to_owned(),
                        t["Value"]
                            .as_str()
                            .map(|v| resolver.resolve(v))
                            .unwrap_or_default(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// `LocalSecondaryIndexes` or `GlobalSecondaryIndexes` of a table.
fn indexes(list: &Value) -> Vec<IndexDef> {
    list.as_array()
        .map(|items| {
            items
                .iter()
                .map(|index| IndexDef {
                    name: index["IndexName"].as_str().unwrap_or_default().to_owned(),
                    key_schema: pairs(&index["KeySchema"], "AttributeName", "KeyType"),
                    projection_type: index["Projection"]["ProjectionType"]
                        .as_str()
                        .unwrap_or("ALL")
                        .to_owned(),
                    non_key_attributes: index["Projection"]["NonKeyAttributes"]
                        .as_array()
                        .map(|names| {
                            names
                                .iter()
                                .filter_map(Value::as_str)
                                .map(str::to_owned)
                                .collect()
                        })
                        .unwrap_or_default(),
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The one destination of a logging configuration.
fn logging_destination(
    id: &str,
    destination: &Value,
    resolver: &Resolver<'_>,
) -> Result<LoggingDestinationDef, TemplateError> {
    let named = |kind: &str, member: &str| {
        destination[kind][member]
            .as_str()
            .map(|name| resolver.resolve(name))
    };
    let found = [
        named("CloudWatchLogs", "LogGroupName")
            .map(|log_group_name| LoggingDestinationDef::CloudWatchLogs { log_group_name }),
        named("S3", "BucketName").map(|bucket_name| LoggingDestinationDef::S3 { bucket_name }),
        named("Firehose", "DeliveryStreamName").map(|delivery_stream_name| {
            LoggingDestinationDef::Firehose {
                delivery_stream_name,
            }
        }),
    ];
    let mut found = found.into_iter().flatten();
    match (found.next(), found.next()) {
        (Some(destination), None) => Ok(destination),
        _ => Err(TemplateError::Invalid(format!(
            "logging configuration {id} needs exactly one of DestinationConfiguration              CloudWatchLogs.LogGroupName, S3.BucketName or Firehose.DeliveryStreamName"
        ))),
    }
}

fn strings(value: &Value, resolver: &Resolver<'_>) -> Vec<String> {
    match value {
        Value::Array(items) => items
            .iter()
            .filter_map(Value::as_str)
            .map(|s| resolver.resolve(s))
            .collect(),
        Value::String(s) => resolver
            .resolve(s)
            .split(',')
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .collect(),
        _ => Vec::new(),
    }
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
        let document: Value = serde_saphyr::from_str(&text).map_err(|e| TemplateError::Parse {
            path: shown,
            message: e.to_string(),
        })?;
        Self::from_document(&document, overrides, scope)
    }

    pub fn from_document(
        document: &Value,
        overrides: &BTreeMap<String, String>,
        scope: &LocalScope,
    ) -> Result<StackTemplate, TemplateError> {
        let empty = serde_json::Map::new();
        let resources = document["Resources"].as_object().unwrap_or(&empty);
        let mut parameters = BTreeMap::new();
        if let Some(declared) = document["Parameters"].as_object() {
            for (name, declaration) in declared {
                let default = match &declaration["Default"] {
                    Value::String(s) => Some(s.clone()),
                    Value::Number(n) => Some(n.to_string()),
                    Value::Bool(b) => Some(b.to_string()),
                    _ => None,
                };
                match overrides.get(name).cloned().or(default) {
                    Some(value) => {
                        parameters.insert(name.clone(), value);
                    }
                    None => {
                        return Err(TemplateError::Invalid(format!(
                            "parameter {name} has no default; give it with --parameter {name}=VALUE"
                        )))
                    }
                }
            }
        }
        let resolver = Resolver {
            parameters,
            resources,
            conditions: &document["Conditions"],
            scope,
        };
        let mut template = StackTemplate::default();
        for (id, resource) in resources {
            if let Some(condition) = resource["Condition"].as_str() {
                if !resolver.condition_holds(condition) {
                    continue;
                }
            }
            let properties = &resource["Properties"];
            match Resolver::kind(resource) {
                "AWS::Serverless::Function" => {
                    let binary = binary_of(resource).ok_or_else(|| {
                        TemplateError::Invalid(format!(
                            "function {id} has no Metadata.BuildProperties.Binary"
                        ))
                    })?;
                    let mut environment = Vec::new();
                    let mut logging_configuration_environment = Vec::new();
                    if let Some(vars) = properties["Environment"]["Variables"].as_object() {
                        for (key, value) in vars {
                            // `!If [c, x, !Ref AWS::NoValue]` may leave the variable out.
                            let Some(value) = resolver.choose(value) else {
                                continue;
                            };
                            let raw = match value {
                                Value::String(s) => s.clone(),
                                other => other.to_string(),
                            };
                            match resolver.logging_configuration(&raw) {
                                Some(logical_id) => logging_configuration_environment
                                    .push((key.clone(), logical_id)),
                                None => environment.push((key.clone(), resolver.resolve(&raw))),
                            }
                        }
                    }
                    let mut routes = Vec::new();
                    let mut log_subscriptions = Vec::new();
                    if let Some(events) = properties["Events"].as_object() {
                        for (name, event) in events {
                            let p = &event["Properties"];
                            if event["Type"] == "CloudWatchLogs" {
                                let log_group_name = p["LogGroupName"]
                                    .as_str()
                                    .map(|group| resolver.resolve(group))
                                    .ok_or_else(|| {
                                        TemplateError::Invalid(format!(
                                            "event {name} of function {id} has no LogGroupName"
                                        ))
                                    })?;
                                log_subscriptions.push(LogSubscriptionDef {
                                    event: name.clone(),
                                    log_group_name,
                                    filter_pattern: p["FilterPattern"]
                                        .as_str()
                                        .map(|pattern| resolver.resolve(pattern))
                                        .unwrap_or_default(),
                                });
                                continue;
                            }
                            if event["Type"] != "HttpApi" {
                                continue;
                            }
                            routes.push(RouteDef {
                                api: p["ApiId"]
                                    .as_str()
                                    .unwrap_or("ServerlessHttpApi")
                                    .to_owned(),
                                method: p["Method"].as_str().unwrap_or("ANY").to_uppercase(),
                                path: p["Path"].as_str().unwrap_or("$default").to_owned(),
                                authorizer: p["Auth"]["Authorizer"].as_str().map(str::to_owned),
                            });
                        }
                    }
                    // A property of the function, else of `Globals.Function`.
                    let setting = |name: &str| {
                        let own = &properties[name];
                        let value = if own.is_null() {
                            &document["Globals"]["Function"][name]
                        } else {
                            own
                        };
                        match value {
                            Value::Number(n) => n.as_u64(),
                            Value::String(s) => resolver.resolve(s).parse().ok(),
                            _ => None,
                        }
                    };
                    let logging_environment = lambda_logging_environment(
                        &document["Globals"]["Function"]["LoggingConfig"],
                        &properties["LoggingConfig"],
                        &resolver,
                    );
                    template.functions.push(FunctionDef {
                        logical_id: id.clone(),
                        binary,
                        environment,
                        logging_configuration_environment,
                        routes,
                        log_subscriptions,
                        timeout_seconds: setting("Timeout"),
                        memory_mb: setting("MemorySize").and_then(|mb| u32::try_from(mb).ok()),
                        logging_environment,
                    });
                }
                "AWS::Serverless::HttpApi" => {
                    let auth = &properties["Auth"];
                    let authorizers = auth["Authorizers"]
                        .as_object()
                        .map(|all| {
                            all.iter()
                                .map(|(name, a)| AuthorizerDef {
                                    name: name.clone(),
                                    identity_header: a["IdentitySource"]
                                        .as_str()
                                        .unwrap_or("$request.header.Authorization")
                                        .trim_start_matches("$request.header.")
                                        .to_ascii_lowercase(),
                                    issuer: a["JwtConfiguration"]["issuer"]
                                        .as_str()
                                        .map(|s| resolver.resolve(s))
                                        .unwrap_or_default(),
                                    audiences: strings(
                                        &a["JwtConfiguration"]["audience"],
                                        &resolver,
                                    ),
                                })
                                .collect()
                        })
                        .unwrap_or_default();
                    let cors = &properties["CorsConfiguration"];
                    template.apis.push(ApiDef {
                        logical_id: id.clone(),
                        default_authorizer: auth["DefaultAuthorizer"].as_str().map(str::to_owned),
                        authorizers,
                        cors_origins: strings(&cors["AllowOrigins"], &resolver),
                        cors_methods: strings(&cors["AllowMethods"], &resolver),
                        cors_headers: strings(&cors["AllowHeaders"], &resolver),
                        cors_expose: strings(&cors["ExposeHeaders"], &resolver),
                        cors_max_age: cors["MaxAge"].as_u64().and_then(|m| u32::try_from(m).ok()),
                    });
                }
                "AWS::DynamoDB::Table" => {
                    template.tables.push(TableDef {
                        logical_id: id.clone(),
                        key_schema: pairs(&properties["KeySchema"], "AttributeName", "KeyType"),
                        attributes: pairs(
                            &properties["AttributeDefinitions"],
                            "AttributeName",
                            "AttributeType",
                        ),
                        ttl_attribute: properties["TimeToLiveSpecification"]["AttributeName"]
                            .as_str()
                            .map(str::to_owned),
                        local_secondary_indexes: indexes(&properties["LocalSecondaryIndexes"]),
                        global_secondary_indexes: indexes(&properties["GlobalSecondaryIndexes"]),
                    });
                }
                "AWS::Logs::LogGroup" => {
                    template.log_groups.push(LogGroupDef {
                        logical_id: id.clone(),
                        name: resolver.physical_id(id, resource),
                    });
                }
                "AWS::IVSChat::LoggingConfiguration" => {
                    template
                        .logging_configurations
                        .push(LoggingConfigurationDef {
                            logical_id: id.clone(),
                            name: properties["Name"].as_str().map(|s| resolver.resolve(s)),
                            destination: logging_destination(
                                id,
                                &properties["DestinationConfiguration"],
                                &resolver,
                            )?,
                            tags: tags(&properties["Tags"], &resolver),
                        });
                }
                "AWS::IVSChat::Room" => {
                    let handler = &properties["MessageReviewHandler"];
                    let logging_configurations = resolver
                        .choose(&properties["LoggingConfigurationIdentifiers"])
                        .and_then(Value::as_array)
                        .map(|identifiers| {
                            identifiers
                                .iter()
                                .filter_map(Value::as_str)
                                .map(|raw| match resolver.logging_configuration(raw) {
                                    Some(logical_id) => {
                                        LoggingConfigurationRef::Template(logical_id)
                                    }
                                    None => {
                                        LoggingConfigurationRef::Existing(resolver.resolve(raw))
                                    }
                                })
                                .collect()
                        })
                        .unwrap_or_default();
                    template.rooms.push(RoomDef {
                        logical_id: id.clone(),
                        name: properties["Name"].as_str().map(|s| resolver.resolve(s)),
                        maximum_message_length: properties["MaximumMessageLength"]
                            .as_i64()
                            .and_then(|n| i32::try_from(n).ok()),
                        maximum_message_rate_per_second: properties["MaximumMessageRatePerSecond"]
                            .as_i64()
                            .and_then(|n| i32::try_from(n).ok()),
                        review_handler_uri: handler["Uri"].as_str().map(|s| resolver.resolve(s)),
                        fallback_result: handler["FallbackResult"].as_str().map(str::to_owned),
                        logging_configurations,
                        tags: tags(&properties["Tags"], &resolver),
                    });
                }
                _ => {}
            }
        }
        let named = template
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
            .chain(template.functions.iter().flat_map(|function| {
                function
                    .logging_configuration_environment
                    .iter()
                    .map(move |(_, id)| (&function.logical_id, id))
            }));
        for (user, logical_id) in named {
            if !template
                .logging_configurations
                .iter()
                .any(|c| &c.logical_id == logical_id)
            {
                return Err(TemplateError::Invalid(format!(
                    "{user} names logging configuration {logical_id}, which is not created \
                     (its condition is false)"
                )));
            }
        }
        Ok(template)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scope() -> LocalScope {
        LocalScope {
            account_id: "123456789012".into(),
            region: "us-east-1".into(),
            stack_name: "local".into(),
        }
    }

    #[test]
    fn the_projects_template_resolves_for_the_local_stack() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../template.yaml");
        let overrides = BTreeMap::from([
            ("JwtIssuer".to_owned(), "local".to_owned()),
            ("JwtAudience".to_owned(), "ivschat-local".to_owned()),
        ]);
        let template = StackTemplate::load(&path, &overrides, &scope()).expect("loads");
        let token = template
            .functions
            .iter()
            .find(|f| f.binary == "chat-token")
            .expect("the chat-token function");
        assert!(token
            .environment
            .contains(&("BANS_TABLE_NAME".to_owned(), "BansTable".to_owned())));
        assert!(token
            .environment
            .contains(&("GROUPS_CLAIM".to_owned(), "cognito:groups".to_owned())));
        assert!(token
            .routes
            .iter()
            .any(|r| r.path == "/rooms/{roomId}/chat-token"
                && r.method == "POST"
                && r.authorizer.is_none()));
        assert!(token
            .routes
            .iter()
            .any(|r| r.authorizer.as_deref() == Some("NONE")));
        // Timeout and MemorySize: the function's own, else the Globals'.
        assert_eq!(
            (token.timeout_seconds, token.memory_mb),
            (Some(10), Some(256))
        );
        let limits_of = |binary: &str| {
            template
                .functions
                .iter()
                .find(|f| f.binary == binary)
                .map(|f| (f.timeout_seconds, f.memory_mb))
        };
        assert_eq!(
            limits_of("chat-history-writer"),
            Some((Some(60), Some(256)))
        );
        assert_eq!(limits_of("room-janitor"), Some((Some(900), Some(256))));
        // The Globals' LoggingConfig reaches every function as Lambda's variables.
        assert_eq!(
            token.logging_environment,
            [
                ("AWS_LAMBDA_LOG_FORMAT".to_owned(), "JSON".to_owned()),
                ("AWS_LAMBDA_LOG_LEVEL".to_owned(), "INFO".to_owned()),
            ]
        );
        let api = template.apis.first().expect("an HTTP API");
        assert_eq!(api.authorizers[0].issuer, "local");
        assert_eq!(
            api.authorizers[0].audiences,
            vec!["ivschat-local".to_owned()]
        );
        assert_eq!(api.authorizers[0].identity_header, "authorization");
        let bans = template
            .tables
            .iter()
            .find(|t| t.logical_id == "BansTable")
            .expect("the bans table");
        assert_eq!(bans.ttl_attribute.as_deref(), Some("expiresAt"));
        let demo = template.rooms.first().expect("the demo room");
        assert_eq!(demo.name.as_deref(), Some("local-demo"));
        assert_eq!(
            demo.review_handler_uri.as_deref(),
            Some("arn:aws:lambda:us-east-1:123456789012:function:message-review")
        );

        // Chat history: the log group, the logging configuration writing to it (attached to
        // the demo room), the subscription feeding the writer, and the table's local index.
        let chat_log = template
            .log_groups
            .iter()
            .find(|g| g.logical_id == "ChatLogGroup")
            .expect("the chat log group");
        assert_eq!(chat_log.name, "/ivschat/local/chat");
        assert!(template
            .log_groups
            .iter()
            .any(|g| g.name == "/aws/lambda/chat-history-writer"));
        assert_eq!(
            template.logging_configurations,
            vec![LoggingConfigurationDef {
                logical_id: "ChatLoggingConfiguration".into(),
                name: Some("local-chat".into()),
                destination: LoggingDestinationDef::CloudWatchLogs {
                    log_group_name: "/ivschat/local/chat".into()
                },
                tags: vec![("ivschat-serverless:managed-by".into(), "local".into())],
            }]
        );
        assert_eq!(
            demo.logging_configurations,
            vec![LoggingConfigurationRef::Template(
                "ChatLoggingConfiguration".into()
            )]
        );
        let writer = template
            .functions
            .iter()
            .find(|f| f.binary == "chat-history-writer")
            .expect("the chat-history-writer function");
        assert_eq!(
            writer.log_subscriptions,
            vec![LogSubscriptionDef {
                event: "ChatLog".into(),
                log_group_name: "/ivschat/local/chat".into(),
                filter_pattern: String::new(),
            }]
        );
        assert!(writer.environment.contains(&(
            "HISTORY_TABLE_NAME".to_owned(),
            "ChatHistoryTable".to_owned()
        )));
        let admin = template
            .functions
            .iter()
            .find(|f| f.binary == "admin-api")
            .expect("the admin-api function");
        assert_eq!(
            admin.logging_configuration_environment,
            vec![(
                "CHAT_LOGGING_CONFIGURATION_ARN".to_owned(),
                "ChatLoggingConfiguration".to_owned()
            )]
        );
        let history = template
            .tables
            .iter()
            .find(|t| t.logical_id == "ChatHistoryTable")
            .expect("the history table");
        assert_eq!(
            history.local_secondary_indexes,
            vec![IndexDef {
                name: "bySendTime".into(),
                key_schema: vec![
                    ("roomId".into(), "HASH".into()),
                    ("sendKey".into(), "RANGE".into())
                ],
                projection_type: "ALL".into(),
                non_key_attributes: Vec::new(),
            }]
        );
        assert!(history.global_secondary_indexes.is_empty());

        // Without chat history, none of it, and the room's `!If` gives `AWS::NoValue`.
        let mut overrides = overrides;
        overrides.insert("ChatHistory".into(), "false".into());
        let template = StackTemplate::load(&path, &overrides, &scope()).expect("loads");
        assert!(template.logging_configurations.is_empty());
        assert!(!template
            .functions
            .iter()
            .any(|f| f.binary == "chat-history-writer"));
        let demo = template.rooms.first().expect("the demo room");
        assert!(demo.logging_configurations.is_empty());
        let admin = template
            .functions
            .iter()
            .find(|f| f.binary == "admin-api")
            .expect("the admin-api function");
        assert!(admin.logging_configuration_environment.is_empty());
        assert!(admin
            .environment
            .contains(&("CHAT_LOGGING_CONFIGURATION_ARN".to_owned(), String::new())));
    }

    const LOGGING: &str = "\
Parameters:
  Logs:
    Type: String
    Default: \"true\"
  Topic:
    Type: String
    Default: \"\"
Conditions:
  WithLogs: !Equals [!Ref Logs, \"true\"]
  WithTopic: !Not [!Equals [!Ref Topic, \"\"]]
Resources:
  Group:
    Type: AWS::Logs::LogGroup
    Condition: WithLogs
  ToGroup:
    Type: AWS::IVSChat::LoggingConfiguration
    Condition: WithLogs
    Properties:
      DestinationConfiguration:
        CloudWatchLogs:
          LogGroupName: !Ref Group
  ToBucket:
    Type: AWS::IVSChat::LoggingConfiguration
    Condition: WithTopic
    Properties:
      DestinationConfiguration:
        S3:
          BucketName: !Sub \"${AWS::AccountId}-chat\"
  ToStream:
    Type: AWS::IVSChat::LoggingConfiguration
    Properties:
      DestinationConfiguration:
        Firehose:
          DeliveryStreamName: chat
  Room:
    Type: AWS::IVSChat::Room
    Properties:
      LoggingConfigurationIdentifiers: !If
        - WithLogs
        - [!GetAtt ToGroup.Arn, !Ref ToStream, arn:aws:ivschat:us-east-1:123456789012:logging-configuration/AbCdEfGhIjKl]
        - !Ref AWS::NoValue
  Indexed:
    Type: AWS::DynamoDB::Table
    Properties:
      KeySchema:
        - AttributeName: pk
          KeyType: HASH
      GlobalSecondaryIndexes:
        - IndexName: byOwner
          KeySchema:
            - AttributeName: owner
              KeyType: HASH
          Projection:
            ProjectionType: INCLUDE
            NonKeyAttributes: [title]
  Reader:
    Type: AWS::Serverless::Function
    Metadata:
      BuildProperties:
        Binary: reader
    Properties:
      Environment:
        Variables:
          LOGS_ARN: !If [WithLogs, !GetAtt ToGroup.Arn, !Ref AWS::NoValue]
          STREAM_ARN: !Ref ToStream
      Events:
        Logs:
          Type: CloudWatchLogs
          Properties:
            LogGroupName: !Ref Group
            FilterPattern: \"\"
";

    #[test]
    fn logging_configurations_log_groups_and_subscriptions_resolve() {
        let document: Value = serde_saphyr::from_str(LOGGING).expect("yaml");
        let template =
            StackTemplate::from_document(&document, &BTreeMap::new(), &scope()).expect("valid");
        assert_eq!(
            template.log_groups,
            vec![LogGroupDef {
                logical_id: "Group".into(),
                name: "local-Group".into()
            }],
            "a log group without LogGroupName gets a generated name"
        );
        let destinations: Vec<_> = template
            .logging_configurations
            .iter()
            .map(|c| (c.logical_id.as_str(), c.destination.clone()))
            .collect();
        assert_eq!(
            destinations,
            vec![
                (
                    "ToGroup",
                    LoggingDestinationDef::CloudWatchLogs {
                        log_group_name: "local-Group".into()
                    }
                ),
                (
                    "ToStream",
                    LoggingDestinationDef::Firehose {
                        delivery_stream_name: "chat".into()
                    }
                ),
            ],
            "ToBucket's !Not condition is false"
        );
        assert_eq!(
            template.rooms[0].logging_configurations,
            vec![
                LoggingConfigurationRef::Template("ToGroup".into()),
                LoggingConfigurationRef::Template("ToStream".into()),
                LoggingConfigurationRef::Existing(
                    "arn:aws:ivschat:us-east-1:123456789012:logging-configuration/AbCdEfGhIjKl"
                        .into()
                ),
            ]
        );
        assert_eq!(
            template.functions[0].log_subscriptions[0].log_group_name,
            "local-Group"
        );
        assert_eq!(
            template.functions[0].logging_configuration_environment,
            vec![
                ("LOGS_ARN".to_owned(), "ToGroup".to_owned()),
                ("STREAM_ARN".to_owned(), "ToStream".to_owned())
            ]
        );
        assert_eq!(
            template.tables[0].global_secondary_indexes,
            vec![IndexDef {
                name: "byOwner".into(),
                key_schema: vec![("owner".into(), "HASH".into())],
                projection_type: "INCLUDE".into(),
                non_key_attributes: vec!["title".into()],
            }]
        );

        let overrides = BTreeMap::from([("Topic".to_owned(), "arn:topic".to_owned())]);
        let template =
            StackTemplate::from_document(&document, &overrides, &scope()).expect("valid");
        assert!(template.logging_configurations.iter().any(|c| c.destination
            == LoggingDestinationDef::S3 {
                bucket_name: "123456789012-chat".into()
            }));

        let overrides = BTreeMap::from([("Logs".to_owned(), "false".to_owned())]);
        let template =
            StackTemplate::from_document(&document, &overrides, &scope()).expect("valid");
        assert!(
            template.rooms[0].logging_configurations.is_empty(),
            "AWS::NoValue"
        );
        assert_eq!(
            template.functions[0].logging_configuration_environment,
            vec![("STREAM_ARN".to_owned(), "ToStream".to_owned())],
            "AWS::NoValue leaves the variable out"
        );
    }

    #[test]
    fn a_room_naming_a_logging_configuration_that_is_not_created_is_refused() {
        let text = LOGGING.replace(
            "LoggingConfigurationIdentifiers: !If",
            "LoggingConfigurationIdentifiers: [!GetAtt ToBucket.Arn]\n      Unused: !If",
        );
        let document: Value = serde_saphyr::from_str(&text).expect("yaml");
        let error = StackTemplate::from_document(&document, &BTreeMap::new(), &scope())
            .expect_err("ToBucket's condition is false");
        assert!(error.to_string().contains("ToBucket"), "{error}");
    }

    #[test]
    fn conditions_and_missing_parameters() {
        let document: Value = serde_saphyr::from_str(
            "Parameters:\n  Make:\n    Type: String\n    Default: \"false\"\n  Needed:\n    Type: String\n\
             Conditions:\n  WithRoom: !Equals [!Ref Make, \"true\"]\n\
             Resources:\n  Room:\n    Type: AWS::IVSChat::Room\n    Condition: WithRoom\n",
        )
        .expect("yaml");
        let error = StackTemplate::from_document(&document, &BTreeMap::new(), &scope())
            .expect_err("Needed has no default");
        assert!(error.to_string().contains("--parameter Needed="), "{error}");
        let overrides = BTreeMap::from([("Needed".to_owned(), "x".to_owned())]);
        let template =
            StackTemplate::from_document(&document, &overrides, &scope()).expect("valid");
        assert!(template.rooms.is_empty(), "the condition is false");
        let overrides = BTreeMap::from([
            ("Needed".to_owned(), "x".to_owned()),
            ("Make".to_owned(), "true".to_owned()),
        ]);
        let template =
            StackTemplate::from_document(&document, &overrides, &scope()).expect("valid");
        assert_eq!(template.rooms.len(), 1);
    }

    #[test]
    fn logging_config_is_merged_over_the_globals_and_becomes_lambdas_variables() {
        let function = |name: &str, logging: &str| {
            format!(
                "  {name}:\n    Type: AWS::Serverless::Function\n    Metadata:\n      BuildProperties:\n        Binary: {name}\n    Properties:\n      CodeUri: ./\n{logging}"
            )
        };
        let document: Value = serde_saphyr::from_str(&format!(
            "Parameters:\n  Level:\n    Type: String\n    Default: DEBUG\n\
             Globals:\n  Function:\n    LoggingConfig:\n      LogFormat: JSON\n      ApplicationLogLevel: WARN\n      SystemLogLevel: WARN\n\
             Resources:\n{}{}{}",
            function("inherits", ""),
            function(
                "own",
                "      LoggingConfig:\n        ApplicationLogLevel: !Ref Level\n"
            ),
            function("text", "      LoggingConfig:\n        LogFormat: Text\n"),
        ))
        .expect("yaml");
        let template =
            StackTemplate::from_document(&document, &BTreeMap::new(), &scope()).expect("valid");
        let environment = |binary: &str| {
            template
                .functions
                .iter()
                .find(|f| f.binary == binary)
                .map(|f| f.logging_environment.clone())
                .unwrap_or_default()
        };
        let pair = |k: &str, v: &str| (k.to_owned(), v.to_owned());
        assert_eq!(
            environment("inherits"),
            [
                pair("AWS_LAMBDA_LOG_FORMAT", "JSON"),
                pair("AWS_LAMBDA_LOG_LEVEL", "WARN")
            ]
        );
        assert_eq!(
            environment("own"),
            [
                pair("AWS_LAMBDA_LOG_FORMAT", "JSON"),
                pair("AWS_LAMBDA_LOG_LEVEL", "DEBUG")
            ]
        );
        // Level filtering needs the JSON format.
        assert_eq!(environment("text"), [pair("AWS_LAMBDA_LOG_FORMAT", "Text")]);

        let without: Value =
            serde_saphyr::from_str(&format!("Resources:\n{}", function("plain", "")))
                .expect("yaml");
        let template =
            StackTemplate::from_document(&without, &BTreeMap::new(), &scope()).expect("valid");
        assert!(template.functions[0].logging_environment.is_empty());
    }
}
