//! Evaluates a template's intrinsic functions for the local account and region: parameters
//! and pseudo parameters, references to resources and their ARNs, substitutions, and
//! conditions.

use std::cell::Cell;
use std::collections::BTreeMap;
use std::fmt;

use super::intrinsics::{Intrinsic, Value};
use super::{LocalScope, TemplateError};

/// A value with its functions evaluated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    /// Absent, null, or `AWS::NoValue`.
    None,
    /// A string, number or boolean, as text (CloudFormation compares and passes them so).
    Text(String),
    List(Vec<Resolved>),
    Map(BTreeMap<String, Resolved>),
    /// The ARN of one of the template's logging configurations, by logical id: known only
    /// once `up` has created it.
    LoggingConfigurationArn(String),
}

static NONE: Resolved = Resolved::None;

impl Resolved {
    /// The map entry `key`, [`Resolved::None`] when there is none.
    pub fn get(&self, key: &str) -> &Resolved {
        match self {
            Resolved::Map(entries) => entries.get(key).unwrap_or(&NONE),
            _ => &NONE,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Resolved::Text(text) => Some(text),
            _ => None,
        }
    }

    /// A list's items; none for anything else.
    pub fn items(&self) -> &[Resolved] {
        match self {
            Resolved::List(items) => items,
            _ => &[],
        }
    }

    pub fn as_map(&self) -> Option<&BTreeMap<String, Resolved>> {
        match self {
            Resolved::Map(entries) => Some(entries),
            _ => None,
        }
    }

    /// A number (or anything else `T` parses from the text).
    pub fn parse<T: std::str::FromStr>(&self) -> Option<T> {
        self.as_str().and_then(|text| text.parse().ok())
    }
}

/// Where a value is read, to name it in errors: a resource and one of its properties (or
/// `Globals`, or a condition).
#[derive(Debug, Clone)]
pub struct Site {
    owner: String,
    property: String,
}

impl Site {
    pub fn resource(id: &str, property: &str) -> Site {
        Site {
            owner: format!("resource {id}"),
            property: property.to_owned(),
        }
    }

    pub fn globals(property: &str) -> Site {
        Site {
            owner: "Globals.Function".to_owned(),
            property: property.to_owned(),
        }
    }

    fn condition(name: &str) -> Site {
        Site {
            owner: format!("condition {name}"),
            property: String::new(),
        }
    }

    /// A part of this site's value: `.Key` or `[index]`.
    pub fn at(&self, part: &str) -> Site {
        Site {
            owner: self.owner.clone(),
            property: format!("{}{part}", self.property),
        }
    }

    pub fn invalid(&self, problem: impl Into<String>) -> TemplateError {
        TemplateError::Invalid {
            at: self.to_string(),
            problem: problem.into(),
        }
    }

    fn unsupported(&self, function: impl Into<String>) -> TemplateError {
        TemplateError::Unsupported {
            at: self.to_string(),
            function: function.into(),
        }
    }
}

impl fmt::Display for Site {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.property.is_empty() {
            f.write_str(&self.owner)
        } else {
            write!(f, "{}, property {}", self.owner, self.property)
        }
    }
}

/// How deep references may nest (a log group's name naming a function, a condition naming
/// another) before they are taken for a cycle.
const MAX_DEPTH: usize = 32;

/// Evaluates values of one template.
pub struct Resolver<'t> {
    parameters: BTreeMap<String, Resolved>,
    resources: &'t BTreeMap<String, Value>,
    conditions: &'t BTreeMap<String, Value>,
    scope: &'t LocalScope,
    depth: Cell<usize>,
}

impl<'t> Resolver<'t> {
    /// The parameters' values (`overrides` over the defaults) and the document's conditions
    /// and resources.
    pub fn new(
        document: &'t Value,
        resources: &'t BTreeMap<String, Value>,
        overrides: &BTreeMap<String, String>,
        scope: &'t LocalScope,
    ) -> Result<Resolver<'t>, TemplateError> {
        static EMPTY: BTreeMap<String, Value> = BTreeMap::new();
        let mut parameters = BTreeMap::new();
        for (name, declaration) in document.get("Parameters").as_map().unwrap_or(&EMPTY) {
            let default = match declaration.get("Default") {
                Value::String(text) => Some(text.clone()),
                Value::Number(number) => Some(number.to_string()),
                Value::Bool(value) => Some(value.to_string()),
                _ => None,
            };
            let Some(value) = overrides.get(name).cloned().or(default) else {
                return Err(TemplateError::Invalid {
                    at: format!("parameter {name}"),
                    problem: format!("has no default; give it with --parameter {name}=VALUE"),
                });
            };
            let kind = declaration.get("Type").as_str().unwrap_or("String");
            let value = if kind == "CommaDelimitedList" || kind.starts_with("List<") {
                Resolved::List(
                    value
                        .split(',')
                        .map(|item| Resolved::Text(item.trim().to_owned()))
                        .collect(),
                )
            } else {
                Resolved::Text(value)
            };
            parameters.insert(name.clone(), value);
        }
        Ok(Resolver {
            parameters,
            resources,
            conditions: document.get("Conditions").as_map().unwrap_or(&EMPTY),
            scope,
            depth: Cell::new(0),
        })
    }

    /// A resource's `Type`.
    pub fn kind(resource: &Value) -> &str {
        resource.get("Type").as_str().unwrap_or_default()
    }

    /// `value` with every function evaluated; `AWS::NoValue` leaves a map entry or a list item
    /// out.
    pub fn resolve(&self, value: &Value, site: &Site) -> Result<Resolved, TemplateError> {
        Ok(match value {
            Value::Null => Resolved::None,
            Value::Bool(value) => Resolved::Text(value.to_string()),
            Value::Number(number) => Resolved::Text(number.to_string()),
            Value::String(text) => Resolved::Text(text.clone()),
            Value::List(items) => {
                let mut resolved = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    match self.resolve(item, &site.at(&format!("[{i}]")))? {
                        Resolved::None => {}
                        item => resolved.push(item),
                    }
                }
                Resolved::List(resolved)
            }
            Value::Map(entries) => {
                let mut resolved = BTreeMap::new();
                for (key, value) in entries {
                    match self.resolve(value, &site.at(&format!(".{key}")))? {
                        Resolved::None => {}
                        value => {
                            resolved.insert(key.clone(), value);
                        }
                    }
                }
                Resolved::Map(resolved)
            }
            Value::Intrinsic(function) => self.evaluate(function, site)?,
        })
    }

    /// `value` as text; `None` when absent or `AWS::NoValue`.
    pub fn text(&self, value: &Value, site: &Site) -> Result<Option<String>, TemplateError> {
        match self.resolve(value, site)? {
            Resolved::None => Ok(None),
            resolved => Self::into_text(resolved, site).map(Some),
        }
    }

    fn into_text(resolved: Resolved, site: &Site) -> Result<String, TemplateError> {
        match resolved {
            Resolved::Text(text) => Ok(text),
            Resolved::None => Err(site.invalid("is AWS::NoValue where a string is needed")),
            Resolved::List(_) => Err(site.invalid("is a list where a string is needed")),
            Resolved::Map(_) => Err(site.invalid("is a map where a string is needed")),
            Resolved::LoggingConfigurationArn(id) => Err(site.invalid(format!(
                "the ARN of logging configuration {id} is known only once `up` has created it: \
                 use `!GetAtt {id}.Arn` as the whole value"
            ))),
        }
    }

    fn evaluate(&self, function: &Intrinsic, site: &Site) -> Result<Resolved, TemplateError> {
        match function {
            Intrinsic::Ref(name) => self.reference(name, site),
            Intrinsic::GetAtt {
                resource,
                attribute,
            } => self.attribute(resource, attribute, site),
            Intrinsic::Sub { text, variables } => {
                let mut values = BTreeMap::new();
                for (name, value) in variables {
                    let site = site.at(&format!(".{name}"));
                    let value = Self::into_text(self.resolve(value, &site)?, &site)?;
                    values.insert(name.as_str(), value);
                }
                self.substitute(text, &values, site).map(Resolved::Text)
            }
            Intrinsic::If {
                condition,
                then,
                otherwise,
            } => {
                let chosen = if self.condition_holds(condition, site)? {
                    then
                } else {
                    otherwise
                };
                self.resolve(chosen, site)
            }
            Intrinsic::Select { index, list } => {
                let position = self
                    .resolve(index, site)?
                    .parse::<usize>()
                    .ok_or_else(|| site.invalid("Fn::Select's index is not a number"))?;
                match self.resolve(list, site)? {
                    Resolved::List(mut items) if position < items.len() => {
                        Ok(items.swap_remove(position))
                    }
                    Resolved::List(items) => Err(site.invalid(format!(
                        "Fn::Select's index {position} is past the list's {} items",
                        items.len()
                    ))),
                    _ => Err(site.invalid("Fn::Select needs a list")),
                }
            }
            Intrinsic::Join { delimiter, items } => match self.resolve(items, site)? {
                Resolved::List(items) => Ok(Resolved::Text(
                    items
                        .into_iter()
                        .map(|item| Self::into_text(item, site))
                        .collect::<Result<Vec<_>, _>>()?
                        .join(delimiter),
                )),
                _ => Err(site.invalid("Fn::Join needs a list")),
            },
            Intrinsic::Equals(..)
            | Intrinsic::Not(_)
            | Intrinsic::And(_)
            | Intrinsic::Or(_)
            | Intrinsic::Condition(_) => Err(site.invalid(format!(
                "{} is a condition function: it belongs under Conditions",
                function.name()
            ))),
            Intrinsic::Unsupported(name) => Err(site.unsupported(name.clone())),
        }
    }

    /// `Ref name`.
    fn reference(&self, name: &str, site: &Site) -> Result<Resolved, TemplateError> {
        if let Some(value) = self.parameters.get(name) {
            return Ok(value.clone());
        }
        let scope = self.scope;
        let pseudo = match name {
            "AWS::NoValue" => return Ok(Resolved::None),
            "AWS::AccountId" => Some(scope.account_id.clone()),
            "AWS::Region" => Some(scope.region.clone()),
            "AWS::StackName" => Some(scope.stack_name.clone()),
            "AWS::Partition" => Some("aws".to_owned()),
            "AWS::URLSuffix" => Some("amazonaws.com".to_owned()),
            _ => None,
        };
        if let Some(value) = pseudo {
            return Ok(Resolved::Text(value));
        }
        if name.starts_with("AWS::") {
            return Err(site.unsupported(format!("Ref {name}")));
        }
        let Some(resource) = self.resources.get(name) else {
            return Err(site.invalid(format!(
                "Ref {name} names neither a parameter nor a resource"
            )));
        };
        if Self::kind(resource) == "AWS::IVSChat::LoggingConfiguration" {
            return Ok(Resolved::LoggingConfigurationArn(name.to_owned()));
        }
        self.physical_id(name, resource).map(Resolved::Text)
    }

    /// What `Ref` gives of resource `id` locally: a function's binary, a log group's name,
    /// else the logical id (a table's or an API's local name).
    pub fn physical_id(&self, id: &str, resource: &Value) -> Result<String, TemplateError> {
        match Self::kind(resource) {
            "AWS::Serverless::Function" => Ok(binary_of(resource).unwrap_or(id).to_owned()),
            "AWS::Logs::LogGroup" => {
                let name = self.nested(&Site::resource(id, "LogGroupName"), |site| {
                    self.text(resource.get("Properties").get("LogGroupName"), site)
                })?;
                Ok(name.unwrap_or_else(|| format!("{}-{id}", self.scope.stack_name)))
            }
            _ => Ok(id.to_owned()),
        }
    }

    /// `Fn::GetAtt resource.attribute`: the ARN of a function, table, log group or logging
    /// configuration.
    fn attribute(&self, id: &str, attribute: &str, site: &Site) -> Result<Resolved, TemplateError> {
        let Some(resource) = self.resources.get(id) else {
            return Err(site.invalid(format!("Fn::GetAtt {id}.{attribute} names no resource")));
        };
        let kind = Self::kind(resource);
        if attribute != "Arn" {
            return Err(site.unsupported(format!("Fn::GetAtt {id}.{attribute} ({kind})")));
        }
        let LocalScope {
            account_id, region, ..
        } = self.scope;
        let arn = match kind {
            "AWS::IVSChat::LoggingConfiguration" => {
                return Ok(Resolved::LoggingConfigurationArn(id.to_owned()))
            }
            "AWS::Serverless::Function" => format!(
                "arn:aws:lambda:{region}:{account_id}:function:{}",
                self.physical_id(id, resource)?
            ),
            "AWS::DynamoDB::Table" => format!("arn:aws:dynamodb:{region}:{account_id}:table/{id}"),
            "AWS::Logs::LogGroup" => format!(
                "arn:aws:logs:{region}:{account_id}:log-group:{}:*",
                self.physical_id(id, resource)?
            ),
            _ => return Err(site.unsupported(format!("Fn::GetAtt {id}.Arn ({kind})"))),
        };
        Ok(Resolved::Text(arn))
    }

    /// `Fn::Sub`'s text with `${Name}`, `${Resource.Attribute}` and `${!Literal}` replaced.
    fn substitute(
        &self,
        text: &str,
        variables: &BTreeMap<&str, String>,
        site: &Site,
    ) -> Result<String, TemplateError> {
        let mut out = String::new();
        let mut rest = text;
        while let Some(start) = rest.find("${") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let Some(end) = after.find('}') else {
                out.push_str(&rest[start..]);
                rest = "";
                break;
            };
            let name = after[..end].trim();
            if let Some(literal) = name.strip_prefix('!') {
                out.push_str("${");
                out.push_str(literal);
                out.push('}');
            } else if let Some(value) = variables.get(name) {
                out.push_str(value);
            } else {
                let value = match name.split_once('.') {
                    Some((resource, attribute)) => self.attribute(resource, attribute, site)?,
                    None => self.reference(name, site)?,
                };
                out.push_str(&Self::into_text(value, site)?);
            }
            rest = &after[end + 1..];
        }
        out.push_str(rest);
        Ok(out)
    }

    /// Whether the condition `name` of `Conditions` holds.
    pub fn condition_holds(&self, name: &str, site: &Site) -> Result<bool, TemplateError> {
        let Some(condition) = self.conditions.get(name) else {
            return Err(site.invalid(format!("condition {name} is not declared in Conditions")));
        };
        self.nested(&Site::condition(name), |site| self.holds(condition, site))
    }

    fn holds(&self, condition: &Value, site: &Site) -> Result<bool, TemplateError> {
        let Value::Intrinsic(function) = condition else {
            return Err(site.invalid(
                "is not a condition function (Fn::Equals, Fn::Not, Fn::And, Fn::Or, Condition)",
            ));
        };
        match function.as_ref() {
            Intrinsic::Equals(a, b) => Ok(self.resolve(a, site)? == self.resolve(b, site)?),
            Intrinsic::Not(condition) => Ok(!self.holds(condition, site)?),
            Intrinsic::And(conditions) => {
                for condition in conditions {
                    if !self.holds(condition, site)? {
                        return Ok(false);
                    }
                }
                Ok(true)
            }
            Intrinsic::Or(conditions) => {
                for condition in conditions {
                    if self.holds(condition, site)? {
                        return Ok(true);
                    }
                }
                Ok(false)
            }
            Intrinsic::Condition(name) => self.condition_holds(name, site),
            Intrinsic::Unsupported(name) => Err(site.unsupported(name.clone())),
            other => Err(site.invalid(format!(
                "{} is not a condition function (Fn::Equals, Fn::Not, Fn::And, Fn::Or, Condition)",
                other.name()
            ))),
        }
    }

    /// Runs `f` one reference deeper, refusing a cycle.
    fn nested<T>(
        &self,
        site: &Site,
        f: impl FnOnce(&Site) -> Result<T, TemplateError>,
    ) -> Result<T, TemplateError> {
        let depth = self.depth.get();
        if depth >= MAX_DEPTH {
            return Err(site.invalid("refers to itself through other references"));
        }
        self.depth.set(depth + 1);
        let result = f(site);
        self.depth.set(depth);
        result
    }
}

/// A function's cargo binary, `Metadata.BuildProperties.Binary`.
pub fn binary_of(resource: &Value) -> Option<&str> {
    resource
        .get("Metadata")
        .get("BuildProperties")
        .get("Binary")
        .as_str()
}
