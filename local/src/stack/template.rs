//! Reads what the local stack needs from the SAM template: functions (binary, environment,
//! HTTP API routes), HTTP APIs (JWT authorizers, CORS), DynamoDB tables and IVS Chat rooms,
//! with parameters, `!Ref`, `!GetAtt`, `!Sub` and `!Equals` conditions resolved for a local
//! account and region.
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
    pub routes: Vec<RouteDef>,
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
    pub tags: Vec<(String, String)>,
}

/// The parts of a template the local stack runs.
#[derive(Debug, Clone, Default)]
pub struct StackTemplate {
    pub functions: Vec<FunctionDef>,
    pub apis: Vec<ApiDef>,
    pub tables: Vec<TableDef>,
    pub rooms: Vec<RoomDef>,
}

struct Resolver<'a> {
    parameters: BTreeMap<String, String>,
    resources: &'a serde_json::Map<String, Value>,
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
            other => format!("arn:aws:{other}:{region}:{account_id}:{id}"),
        }
    }

    fn condition_holds(&self, conditions: &Value, name: &str) -> bool {
        match conditions.get(name) {
            Some(Value::Array(pair)) if pair.len() == 2 => {
                let side = |v: &Value| v.as_str().map(|s| self.resolve(s)).unwrap_or_default();
                side(&pair[0]) == side(&pair[1])
            }
            _ => true,
        }
    }
}

fn binary_of(resource: &Value) -> Option<String> {
    resource["Metadata"]["BuildProperties"]["Binary"]
        .as_str()
        .map(str::to_owned)
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
            scope,
        };
        let conditions = &document["Conditions"];
        let mut template = StackTemplate::default();
        for (id, resource) in resources {
            if let Some(condition) = resource["Condition"].as_str() {
                if !resolver.condition_holds(conditions, condition) {
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
                    let environment = properties["Environment"]["Variables"]
                        .as_object()
                        .map(|vars| {
                            vars.iter()
                                .map(|(k, v)| {
                                    let raw = match v {
                                        Value::String(s) => s.clone(),
                                        other => other.to_string(),
                                    };
                                    (k.clone(), resolver.resolve(&raw))
                                })
                                .collect()
                        })
                        .unwrap_or_default();
                    let mut routes = Vec::new();
                    if let Some(events) = properties["Events"].as_object() {
                        for event in events.values() {
                            if event["Type"] != "HttpApi" {
                                continue;
                            }
                            let p = &event["Properties"];
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
                    template.functions.push(FunctionDef {
                        logical_id: id.clone(),
                        binary,
                        environment,
                        routes,
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
                    let pairs = |list: &Value, key: &str, value: &str| -> Vec<(String, String)> {
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
                    };
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
                    });
                }
                "AWS::IVSChat::Room" => {
                    let handler = &properties["MessageReviewHandler"];
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
                        tags: properties["Tags"]
                            .as_array()
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
                            .unwrap_or_default(),
                    });
                }
                _ => {}
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
}
