//! Reads each resource kind the local stack runs (functions, HTTP APIs, tables, log groups,
//! IVS Chat logging configurations and rooms) from its resolved properties.

use super::intrinsics::Value;
use super::resolve::{binary_of, Resolved, Resolver, Site};
use super::{
    ApiDef, AuthorizerDef, FunctionDef, IndexDef, LogGroupDef, LogSubscriptionDef,
    LoggingConfigurationDef, LoggingConfigurationRef, LoggingDestinationDef, RoomDef, RouteDef,
    TableDef, TemplateError,
};

/// One resource's properties, resolved one property at a time: a property the local stack
/// does not read is never evaluated.
struct Properties<'a> {
    id: &'a str,
    properties: &'a Value,
    resolver: &'a Resolver<'a>,
}

impl<'a> Properties<'a> {
    fn of(id: &'a str, resource: &'a Value, resolver: &'a Resolver<'a>) -> Properties<'a> {
        Properties {
            id,
            properties: resource.get("Properties"),
            resolver,
        }
    }

    fn site(&self, name: &str) -> Site {
        Site::resource(self.id, name)
    }

    fn get(&self, name: &str) -> Result<Resolved, TemplateError> {
        self.resolver
            .resolve(self.properties.get(name), &self.site(name))
    }

    fn text(&self, name: &str) -> Result<Option<String>, TemplateError> {
        self.resolver
            .text(self.properties.get(name), &self.site(name))
    }
}

/// An `AWS::Serverless::Function`; `globals` is `Globals.Function`.
pub fn function(
    id: &str,
    resource: &Value,
    globals: &Value,
    resolver: &Resolver<'_>,
) -> Result<FunctionDef, TemplateError> {
    let binary = binary_of(resource).ok_or_else(|| TemplateError::Invalid {
        at: format!("function {id}"),
        problem: "has no Metadata.BuildProperties.Binary".to_owned(),
    })?;
    let properties = Properties::of(id, resource, resolver);
    let mut environment = Vec::new();
    let mut logging_configuration_environment = Vec::new();
    let variables = properties.get("Environment")?;
    for (key, value) in variables.get("Variables").as_map().into_iter().flatten() {
        match value {
            // `!If [c, x, !Ref AWS::NoValue]` leaves the variable out.
            Resolved::None => {}
            Resolved::Text(text) => environment.push((key.clone(), text.clone())),
            Resolved::LoggingConfigurationArn(logical_id) => {
                logging_configuration_environment.push((key.clone(), logical_id.clone()))
            }
            Resolved::List(_) | Resolved::Map(_) => {
                return Err(properties
                    .site(&format!("Environment.Variables.{key}"))
                    .invalid("is not a string"))
            }
        }
    }
    let (routes, log_subscriptions) = events(&properties)?;
    // A property of the function, else of `Globals.Function`.
    let setting = |name: &str| -> Result<Resolved, TemplateError> {
        match properties.get(name)? {
            Resolved::None => resolver.resolve(globals.get(name), &Site::globals(name)),
            own => Ok(own),
        }
    };
    let logging_environment = lambda_logging_environment(
        &resolver.resolve(
            globals.get("LoggingConfig"),
            &Site::globals("LoggingConfig"),
        )?,
        &properties.get("LoggingConfig")?,
    );
    Ok(FunctionDef {
        logical_id: id.to_owned(),
        binary: binary.to_owned(),
        environment,
        logging_configuration_environment,
        routes,
        log_subscriptions,
        timeout_seconds: setting("Timeout")?.parse(),
        memory_mb: setting("MemorySize")?.parse(),
        logging_environment,
    })
}

/// A function's `HttpApi` and `CloudWatchLogs` events; other events are not run locally and
/// are not evaluated.
fn events(
    properties: &Properties<'_>,
) -> Result<(Vec<RouteDef>, Vec<LogSubscriptionDef>), TemplateError> {
    let mut routes = Vec::new();
    let mut log_subscriptions = Vec::new();
    let events = match properties.properties.get("Events") {
        Value::Null => return Ok((routes, log_subscriptions)),
        Value::Map(events) => events,
        _ => return Err(properties.site("Events").invalid("is not a map of events")),
    };
    for (name, event) in events {
        let at = |part: &str| properties.site(&format!("Events.{name}.{part}"));
        let kind = properties.resolver.text(event.get("Type"), &at("Type"))?;
        if !matches!(kind.as_deref(), Some("HttpApi" | "CloudWatchLogs")) {
            continue;
        }
        let p = properties
            .resolver
            .resolve(event.get("Properties"), &at("Properties"))?;
        if kind.as_deref() == Some("CloudWatchLogs") {
            let log_group_name = p.get("LogGroupName").as_str().ok_or_else(|| {
                at("Properties.LogGroupName").invalid("is missing or not a string")
            })?;
            log_subscriptions.push(LogSubscriptionDef {
                event: name.clone(),
                log_group_name: log_group_name.to_owned(),
                filter_pattern: p
                    .get("FilterPattern")
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
            });
            continue;
        }
        routes.push(RouteDef {
            api: p
                .get("ApiId")
                .as_str()
                .unwrap_or("ServerlessHttpApi")
                .to_owned(),
            method: p.get("Method").as_str().unwrap_or("ANY").to_uppercase(),
            path: p.get("Path").as_str().unwrap_or("$default").to_owned(),
            authorizer: p.get("Auth").get("Authorizer").as_str().map(str::to_owned),
        });
    }
    Ok((routes, log_subscriptions))
}

/// The variables Lambda's advanced logging controls set in a function's process
/// (<https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-logformat.html>,
/// <https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-log-level.html>):
/// `AWS_LAMBDA_LOG_FORMAT` = `LogFormat`, and, as log-level filtering needs the JSON format,
/// `AWS_LAMBDA_LOG_LEVEL` = `ApplicationLogLevel` (INFO, Lambda's default, when not given).
/// `SystemLogLevel` only filters Lambda's own lines, which are not written locally. SAM
/// merges a function's `LoggingConfig` map over the Globals' one, key by key.
fn lambda_logging_environment(globals: &Resolved, own: &Resolved) -> Vec<(String, String)> {
    let setting = |key: &str| {
        let value = match own.get(key) {
            Resolved::None => globals.get(key),
            value => value,
        };
        value
            .as_str()
            .filter(|text| !text.is_empty())
            .map(str::to_owned)
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

/// An `AWS::Serverless::HttpApi`.
pub fn http_api(
    id: &str,
    resource: &Value,
    resolver: &Resolver<'_>,
) -> Result<ApiDef, TemplateError> {
    let properties = Properties::of(id, resource, resolver);
    let auth = properties.get("Auth")?;
    let authorizers = auth
        .get("Authorizers")
        .as_map()
        .into_iter()
        .flatten()
        .map(|(name, a)| AuthorizerDef {
            name: name.clone(),
            identity_header: a
                .get("IdentitySource")
                .as_str()
                .unwrap_or("$request.header.Authorization")
                .trim_start_matches("$request.header.")
                .to_ascii_lowercase(),
            issuer: a
                .get("JwtConfiguration")
                .get("issuer")
                .as_str()
                .unwrap_or_default()
                .to_owned(),
            audiences: strings(a.get("JwtConfiguration").get("audience")),
        })
        .collect();
    let cors = properties.get("CorsConfiguration")?;
    Ok(ApiDef {
        logical_id: id.to_owned(),
        default_authorizer: auth.get("DefaultAuthorizer").as_str().map(str::to_owned),
        authorizers,
        cors_origins: strings(cors.get("AllowOrigins")),
        cors_methods: strings(cors.get("AllowMethods")),
        cors_headers: strings(cors.get("AllowHeaders")),
        cors_expose: strings(cors.get("ExposeHeaders")),
        cors_max_age: cors.get("MaxAge").parse(),
    })
}

/// A list of strings, or one comma-separated string.
fn strings(value: &Resolved) -> Vec<String> {
    let items: Vec<&str> = match value {
        Resolved::List(items) => items.iter().filter_map(Resolved::as_str).collect(),
        Resolved::Text(text) => text.split(',').collect(),
        _ => Vec::new(),
    };
    items
        .into_iter()
        .map(|item| item.trim().to_owned())
        .filter(|item| !item.is_empty())
        .collect()
}

/// An `AWS::DynamoDB::Table`.
pub fn table(
    id: &str,
    resource: &Value,
    resolver: &Resolver<'_>,
) -> Result<TableDef, TemplateError> {
    let properties = Properties::of(id, resource, resolver);
    Ok(TableDef {
        logical_id: id.to_owned(),
        key_schema: pairs(&properties.get("KeySchema")?, "AttributeName", "KeyType"),
        attributes: pairs(
            &properties.get("AttributeDefinitions")?,
            "AttributeName",
            "AttributeType",
        ),
        ttl_attribute: properties
            .get("TimeToLiveSpecification")?
            .get("AttributeName")
            .as_str()
            .map(str::to_owned),
        local_secondary_indexes: indexes(&properties.get("LocalSecondaryIndexes")?),
        global_secondary_indexes: indexes(&properties.get("GlobalSecondaryIndexes")?),
    })
}

/// (`key`, `value`) of each item of a list of maps, e.g. a `KeySchema`.
fn pairs(list: &Resolved, key: &str, value: &str) -> Vec<(String, String)> {
    list.items()
        .iter()
        .map(|item| {
            (
                item.get(key).as_str().unwrap_or_default().to_owned(),
                item.get(value).as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

/// `LocalSecondaryIndexes` or `GlobalSecondaryIndexes` of a table.
fn indexes(list: &Resolved) -> Vec<IndexDef> {
    list.items()
        .iter()
        .map(|index| IndexDef {
            name: index
                .get("IndexName")
                .as_str()
                .unwrap_or_default()
                .to_owned(),
            key_schema: pairs(index.get("KeySchema"), "AttributeName", "KeyType"),
            projection_type: index
                .get("Projection")
                .get("ProjectionType")
                .as_str()
                .unwrap_or("ALL")
                .to_owned(),
            non_key_attributes: index
                .get("Projection")
                .get("NonKeyAttributes")
                .items()
                .iter()
                .filter_map(Resolved::as_str)
                .map(str::to_owned)
                .collect(),
        })
        .collect()
}

/// An `AWS::Logs::LogGroup`.
pub fn log_group(
    id: &str,
    resource: &Value,
    resolver: &Resolver<'_>,
) -> Result<LogGroupDef, TemplateError> {
    Ok(LogGroupDef {
        logical_id: id.to_owned(),
        name: resolver.physical_id(id, resource)?,
    })
}

/// An `AWS::IVSChat::LoggingConfiguration`.
pub fn logging_configuration(
    id: &str,
    resource: &Value,
    resolver: &Resolver<'_>,
) -> Result<LoggingConfigurationDef, TemplateError> {
    let properties = Properties::of(id, resource, resolver);
    let destination = properties.get("DestinationConfiguration")?;
    let named = |kind: &str, member: &str| {
        destination
            .get(kind)
            .get(member)
            .as_str()
            .map(str::to_owned)
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
    let destination = match (found.next(), found.next()) {
        (Some(destination), None) => destination,
        _ => {
            return Err(properties.site("DestinationConfiguration").invalid(
                "needs exactly one of CloudWatchLogs.LogGroupName, S3.BucketName or \
                 Firehose.DeliveryStreamName",
            ))
        }
    };
    Ok(LoggingConfigurationDef {
        logical_id: id.to_owned(),
        name: properties.text("Name")?,
        destination,
        tags: tags(&properties.get("Tags")?),
    })
}

/// A `Tags` list of `Key`/`Value` maps.
fn tags(list: &Resolved) -> Vec<(String, String)> {
    pairs(list, "Key", "Value")
}

/// An `AWS::IVSChat::Room`.
pub fn room(id: &str, resource: &Value, resolver: &Resolver<'_>) -> Result<RoomDef, TemplateError> {
    let properties = Properties::of(id, resource, resolver);
    let handler = properties.get("MessageReviewHandler")?;
    let identifiers = properties.get("LoggingConfigurationIdentifiers")?;
    let logging_configurations = identifiers
        .items()
        .iter()
        .enumerate()
        .map(|(i, identifier)| match identifier {
            Resolved::LoggingConfigurationArn(logical_id) => {
                Ok(LoggingConfigurationRef::Template(logical_id.clone()))
            }
            Resolved::Text(arn) => Ok(LoggingConfigurationRef::Existing(arn.clone())),
            _ => Err(properties
                .site(&format!("LoggingConfigurationIdentifiers[{i}]"))
                .invalid("is not an ARN")),
        })
        .collect::<Result<_, _>>()?;
    Ok(RoomDef {
        logical_id: id.to_owned(),
        name: properties.text("Name")?,
        maximum_message_length: properties.get("MaximumMessageLength")?.parse(),
        maximum_message_rate_per_second: properties.get("MaximumMessageRatePerSecond")?.parse(),
        review_handler_uri: handler.get("Uri").as_str().map(str::to_owned),
        fallback_result: handler.get("FallbackResult").as_str().map(str::to_owned),
        logging_configurations,
        tags: tags(&properties.get("Tags")?),
    })
}
