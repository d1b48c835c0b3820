//! CloudFormation's intrinsic functions as typed values: a template [`Value`] is read from YAML
//! [`Node`]s, and the short form (`!Ref X`, `!GetAtt X.Arn`) and the long form
//! (`{"Ref": "X"}`, `{"Fn::GetAtt": ["X", "Arn"]}`) give the same [`Intrinsic`]
//! (<https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference.html>).

use std::collections::BTreeMap;

use serde_json::Number;

use super::yaml::Node;
use super::TemplateError;

/// A template value: plain data, or an intrinsic function to evaluate.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Number(Number),
    String(String),
    List(Vec<Value>),
    Map(BTreeMap<String, Value>),
    Intrinsic(Box<Intrinsic>),
}

/// An intrinsic function with its arguments.
#[derive(Debug, Clone, PartialEq)]
pub enum Intrinsic {
    /// `Ref`: a parameter, a pseudo parameter (`AWS::Region`, …) or a resource.
    Ref(String),
    /// `Fn::GetAtt`: an attribute of a resource.
    GetAtt { resource: String, attribute: String },
    /// `Fn::Sub`: `${Name}` and `${Resource.Attribute}` replaced, with optional variables.
    Sub {
        text: String,
        variables: BTreeMap<String, Value>,
    },
    /// `Fn::If`: one of two values, as a named condition holds.
    If {
        condition: String,
        then: Value,
        otherwise: Value,
    },
    /// `Fn::Equals` (conditions only).
    Equals(Value, Value),
    /// `Fn::Not` (conditions only).
    Not(Value),
    /// `Fn::And` (conditions only).
    And(Vec<Value>),
    /// `Fn::Or` (conditions only).
    Or(Vec<Value>),
    /// `Condition`: another named condition (conditions only).
    Condition(String),
    /// `Fn::Select`: the item of a list at an index.
    Select { index: Value, list: Value },
    /// `Fn::Join`: a list's items joined with a delimiter.
    Join { delimiter: String, items: Value },
    /// A function `up` does not evaluate (`Fn::ImportValue`, `Fn::FindInMap`, an unknown tag),
    /// by its long name: refused where the local stack needs the value.
    Unsupported(String),
}

impl Intrinsic {
    /// The function's name as CloudFormation's long form spells it.
    pub fn name(&self) -> &str {
        match self {
            Intrinsic::Ref(_) => "Ref",
            Intrinsic::GetAtt { .. } => "Fn::GetAtt",
            Intrinsic::Sub { .. } => "Fn::Sub",
            Intrinsic::If { .. } => "Fn::If",
            Intrinsic::Equals(..) => "Fn::Equals",
            Intrinsic::Not(_) => "Fn::Not",
            Intrinsic::And(_) => "Fn::And",
            Intrinsic::Or(_) => "Fn::Or",
            Intrinsic::Condition(_) => "Condition",
            Intrinsic::Select { .. } => "Fn::Select",
            Intrinsic::Join { .. } => "Fn::Join",
            Intrinsic::Unsupported(name) => name,
        }
    }
}

impl Value {
    /// The value of the map entry `key`, `Null` when there is none.
    pub fn get(&self, key: &str) -> &Value {
        match self {
            Value::Map(entries) => entries.get(key).unwrap_or(&Value::Null),
            _ => &Value::Null,
        }
    }

    /// A plain string (not an intrinsic).
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(text) => Some(text),
            _ => None,
        }
    }

    pub fn as_map(&self) -> Option<&BTreeMap<String, Value>> {
        match self {
            Value::Map(entries) => Some(entries),
            _ => None,
        }
    }

    /// Reads `node`, found at `at` (a path such as `Resources.Room.Properties.Name`, for
    /// errors). A function's arguments of the wrong shape are refused here.
    pub fn from_node(node: &Node, at: &str) -> Result<Value, TemplateError> {
        Ok(match node {
            Node::Null => Value::Null,
            Node::Bool(value) => Value::Bool(*value),
            Node::Number(value) => Value::Number(value.clone()),
            Node::String(text) => Value::String(text.clone()),
            Node::List(items) => Value::List(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| Value::from_node(item, &format!("{at}[{i}]")))
                    .collect::<Result<_, _>>()?,
            ),
            Node::Map(entries) => {
                if let Some((key, argument)) = single_entry(entries) {
                    if key == "Ref" || key.starts_with("Fn::") {
                        let at = format!("{at}.{key}");
                        return intrinsic(key, argument, &at)
                            .map(|function| Value::Intrinsic(Box::new(function)));
                    }
                }
                Value::Map(
                    entries
                        .iter()
                        .map(|(key, value)| {
                            Ok((
                                key.clone(),
                                Value::from_node(value, &format!("{at}.{key}"))?,
                            ))
                        })
                        .collect::<Result<_, TemplateError>>()?,
                )
            }
            Node::Tagged(tag, argument) => {
                let name = match tag.as_str() {
                    "Ref" | "Condition" => tag.clone(),
                    _ => format!("Fn::{tag}"),
                };
                let at = format!("{at}.!{tag}");
                Value::Intrinsic(Box::new(intrinsic(&name, argument, &at)?))
            }
        })
    }
}

fn single_entry(entries: &BTreeMap<String, Node>) -> Option<(&str, &Node)> {
    let mut iter = entries.iter();
    match (iter.next(), iter.next()) {
        (Some((key, value)), None) => Some((key, value)),
        _ => None,
    }
}

fn malformed(at: &str, shape: &str) -> TemplateError {
    TemplateError::Invalid {
        at: at.to_owned(),
        problem: format!("takes {shape}"),
    }
}

/// The function `name` (long form) applied to `argument`.
fn intrinsic(name: &str, argument: &Node, at: &str) -> Result<Intrinsic, TemplateError> {
    let text = |node: &Node, shape: &str| match node {
        Node::String(text) => Ok(text.clone()),
        _ => Err(malformed(at, shape)),
    };
    let value = |node: &Node| Value::from_node(node, at);
    // In a condition function's arguments, `{"Condition": "Name"}` is the long form of
    // `!Condition Name`.
    let operand = |node: &Node| match node {
        Node::Map(entries) => match single_entry(entries) {
            Some(("Condition", Node::String(name))) => Ok(Value::Intrinsic(Box::new(
                Intrinsic::Condition(name.clone()),
            ))),
            _ => value(node),
        },
        _ => value(node),
    };
    let list = |shape: &str| match argument {
        Node::List(items) => Ok(items.as_slice()),
        _ => Err(malformed(at, shape)),
    };
    Ok(match name {
        "Ref" => Intrinsic::Ref(text(argument, "a name")?),
        "Condition" => Intrinsic::Condition(text(argument, "a condition's name")?),
        "Fn::GetAtt" => {
            const SHAPE: &str = "\"Resource.Attribute\" or [Resource, Attribute]";
            let (resource, attribute) = match argument {
                Node::String(text) => text
                    .split_once('.')
                    .map(|(r, a)| (r.to_owned(), a.to_owned()))
                    .ok_or_else(|| malformed(at, SHAPE))?,
                Node::List(items) => match items.as_slice() {
                    [resource, attribute] => (text(resource, SHAPE)?, text(attribute, SHAPE)?),
                    _ => return Err(malformed(at, SHAPE)),
                },
                _ => return Err(malformed(at, SHAPE)),
            };
            Intrinsic::GetAtt {
                resource,
                attribute,
            }
        }
        "Fn::Sub" => {
            const SHAPE: &str = "a string, or [string, {variables}]";
            match argument {
                Node::String(text) => Intrinsic::Sub {
                    text: text.clone(),
                    variables: BTreeMap::new(),
                },
                Node::List(items) => match items.as_slice() {
                    [template, Node::Map(variables)] => Intrinsic::Sub {
                        text: text(template, SHAPE)?,
                        variables: variables
                            .iter()
                            .map(|(name, node)| Ok((name.clone(), value(node)?)))
                            .collect::<Result<_, TemplateError>>()?,
                    },
                    _ => return Err(malformed(at, SHAPE)),
                },
                _ => return Err(malformed(at, SHAPE)),
            }
        }
        "Fn::If" => {
            const SHAPE: &str = "[condition, value if true, value if false]";
            match list(SHAPE)? {
                [condition, then, otherwise] => Intrinsic::If {
                    condition: text(condition, SHAPE)?,
                    then: value(then)?,
                    otherwise: value(otherwise)?,
                },
                _ => return Err(malformed(at, SHAPE)),
            }
        }
        "Fn::Equals" => match list("[a, b]")? {
            [a, b] => Intrinsic::Equals(value(a)?, value(b)?),
            _ => return Err(malformed(at, "[a, b]")),
        },
        "Fn::Not" => match list("[condition]")? {
            [condition] => Intrinsic::Not(operand(condition)?),
            _ => return Err(malformed(at, "[condition]")),
        },
        "Fn::And" | "Fn::Or" => {
            const SHAPE: &str = "a list of 2 to 10 conditions";
            let conditions = list(SHAPE)?;
            if !(2..=10).contains(&conditions.len()) {
                return Err(malformed(at, SHAPE));
            }
            let conditions = conditions.iter().map(operand).collect::<Result<_, _>>()?;
            if name == "Fn::And" {
                Intrinsic::And(conditions)
            } else {
                Intrinsic::Or(conditions)
            }
        }
        "Fn::Select" => match list("[index, list]")? {
            [index, items] => Intrinsic::Select {
                index: value(index)?,
                list: value(items)?,
            },
            _ => return Err(malformed(at, "[index, list]")),
        },
        "Fn::Join" => match list("[delimiter, list]")? {
            [delimiter, items] => Intrinsic::Join {
                delimiter: text(delimiter, "[delimiter, list]")?,
                items: value(items)?,
            },
            _ => return Err(malformed(at, "[delimiter, list]")),
        },
        other => Intrinsic::Unsupported(other.to_owned()),
    })
}

#[cfg(test)]
mod tests {
    use super::super::yaml;
    use super::*;

    /// The value of `a` in `yaml`.
    fn read(yaml: &str) -> Value {
        let node = yaml::parse(yaml).expect("yaml");
        Value::from_node(&node, "T")
            .expect("valid")
            .get("a")
            .clone()
    }

    fn text(value: &str) -> Value {
        Value::String(value.to_owned())
    }

    fn function(intrinsic: Intrinsic) -> Value {
        Value::Intrinsic(Box::new(intrinsic))
    }

    fn reference(name: &str) -> Value {
        function(Intrinsic::Ref(name.to_owned()))
    }

    /// Each (short form, long form) pair reads as the same function.
    #[test]
    fn each_intrinsic_reads_the_same_in_short_and_long_form() {
        let cases = [
            ("!Ref X", "{Ref: X}", reference("X")),
            (
                "!GetAtt X.Arn",
                "{\"Fn::GetAtt\": [X, Arn]}",
                function(Intrinsic::GetAtt {
                    resource: "X".into(),
                    attribute: "Arn".into(),
                }),
            ),
            (
                "!Sub \"${AWS::Region}-x\"",
                "{\"Fn::Sub\": \"${AWS::Region}-x\"}",
                function(Intrinsic::Sub {
                    text: "${AWS::Region}-x".into(),
                    variables: BTreeMap::new(),
                }),
            ),
            (
                "!Sub [\"${v}\", {v: !Ref P}]",
                "{\"Fn::Sub\": [\"${v}\", {v: {Ref: P}}]}",
                function(Intrinsic::Sub {
                    text: "${v}".into(),
                    variables: BTreeMap::from([("v".to_owned(), reference("P"))]),
                }),
            ),
            (
                "!If [C, x, !Ref AWS::NoValue]",
                "{\"Fn::If\": [C, x, {Ref: AWS::NoValue}]}",
                function(Intrinsic::If {
                    condition: "C".into(),
                    then: text("x"),
                    otherwise: reference("AWS::NoValue"),
                }),
            ),
            (
                "!Equals [!Ref P, \"true\"]",
                "{\"Fn::Equals\": [{Ref: P}, \"true\"]}",
                function(Intrinsic::Equals(reference("P"), text("true"))),
            ),
            (
                "!Not [!Condition C]",
                "{\"Fn::Not\": [{Condition: C}]}",
                function(Intrinsic::Not(function(Intrinsic::Condition("C".into())))),
            ),
            (
                "!And [!Condition C, !Condition D]",
                "{\"Fn::And\": [{Condition: C}, {Condition: D}]}",
                function(Intrinsic::And(vec![
                    function(Intrinsic::Condition("C".into())),
                    function(Intrinsic::Condition("D".into())),
                ])),
            ),
            (
                "!Or [!Condition C, !Condition D]",
                "{\"Fn::Or\": [{Condition: C}, {Condition: D}]}",
                function(Intrinsic::Or(vec![
                    function(Intrinsic::Condition("C".into())),
                    function(Intrinsic::Condition("D".into())),
                ])),
            ),
            (
                "!Select [1, !Ref L]",
                "{\"Fn::Select\": [1, {Ref: L}]}",
                function(Intrinsic::Select {
                    index: Value::Number(1.into()),
                    list: reference("L"),
                }),
            ),
            (
                "!Join [\",\", [a, !Ref P]]",
                "{\"Fn::Join\": [\",\", [a, {Ref: P}]]}",
                function(Intrinsic::Join {
                    delimiter: ",".into(),
                    items: Value::List(vec![text("a"), reference("P")]),
                }),
            ),
            (
                "!ImportValue shared",
                "{\"Fn::ImportValue\": shared}",
                function(Intrinsic::Unsupported("Fn::ImportValue".into())),
            ),
        ];
        for (short, long, expected) in cases {
            assert_eq!(read(&format!("a: {short}")), expected, "{short}");
            assert_eq!(read(&format!("a: {long}")), expected, "{long}");
        }
    }

    #[test]
    fn a_plain_string_or_a_map_with_other_keys_is_no_function() {
        assert_eq!(read("a: Room"), text("Room"));
        assert_eq!(read("a: Room.Arn"), text("Room.Arn"));
        let value = read("a: {Ref: X, Other: 1}");
        assert!(
            matches!(value, Value::Map(ref m) if m.len() == 2),
            "{value:?}"
        );
        assert_eq!(read("a: [C, x, y]").as_str(), None);
    }

    #[test]
    fn a_function_of_the_wrong_shape_is_refused_with_where_it_is() {
        for yaml in [
            "a: !If [C, x]",
            "a: !Equals [x]",
            "a: !GetAtt NoDot",
            "a: !Not [x, y]",
            "a: !Or [!Condition C]",
            "a: {\"Fn::Join\": [\",\"]}",
        ] {
            let node = yaml::parse(yaml).expect("yaml");
            let error = Value::from_node(&node, "Resources.R.Properties")
                .expect_err(yaml)
                .to_string();
            assert!(
                error.contains("Resources.R.Properties.a"),
                "{yaml}: {error}"
            );
        }
    }
}
