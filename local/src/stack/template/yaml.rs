//! Reads a template's YAML into [`Node`]s that keep each node's local tag, since a tag such as
//! `!Ref` or `!If` is how CloudFormation writes an intrinsic function in short form.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Number;
use serde_saphyr::Tagged;

/// A YAML node as written: scalars, lists, maps (keys sorted), and tagged nodes.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    Null,
    Bool(bool),
    Number(Number),
    String(String),
    List(Vec<Node>),
    Map(BTreeMap<String, Node>),
    /// A node with a local tag: the tag without its `!` (`Ref`, `GetAtt`, …), and the node.
    Tagged(String, Box<Node>),
}

/// Reads YAML text.
pub fn parse(text: &str) -> Result<Node, serde_saphyr::Error> {
    serde_saphyr::from_str(text)
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let Tagged(Untagged(node), tag) = Tagged::<Untagged>::deserialize(deserializer)?;
        Ok(match tag.as_deref().and_then(|tag| tag.strip_prefix('!')) {
            // `!!str`, `!!int`, … resolve to `tag:yaml.org,2002:…` and never reach here; a
            // local tag is kept whatever it is, for the intrinsics to accept or refuse.
            Some(local) if !local.is_empty() => Node::Tagged(local.to_owned(), Box::new(node)),
            _ => node,
        })
    }
}

/// A node without its tag: each item and value is read as a [`Node`] again, so that tags
/// deeper down are kept too.
struct Untagged(Node);

impl<'de> Deserialize<'de> for Untagged {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(NodeVisitor).map(Untagged)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a YAML node")
    }

    fn visit_unit<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }

    fn visit_none<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Node, D::Error> {
        Node::deserialize(deserializer)
    }

    fn visit_bool<E>(self, value: bool) -> Result<Node, E> {
        Ok(Node::Bool(value))
    }

    fn visit_i64<E>(self, value: i64) -> Result<Node, E> {
        Ok(Node::Number(value.into()))
    }

    fn visit_u64<E>(self, value: u64) -> Result<Node, E> {
        Ok(Node::Number(value.into()))
    }

    fn visit_f64<E>(self, value: f64) -> Result<Node, E> {
        // `.nan` and `.inf` have no JSON number; CloudFormation reads them as text anyway.
        Ok(Number::from_f64(value)
            .map(Node::Number)
            .unwrap_or_else(|| Node::String(value.to_string())))
    }

    fn visit_str<E>(self, value: &str) -> Result<Node, E> {
        Ok(Node::String(value.to_owned()))
    }

    fn visit_string<E>(self, value: String) -> Result<Node, E> {
        Ok(Node::String(value))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Node>()? {
            items.push(item);
        }
        Ok(Node::List(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut entries = BTreeMap::new();
        while let Some((key, value)) = map.next_entry::<String, Node>()? {
            entries.insert(key, value);
        }
        Ok(Node::Map(entries))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(entries: &[(&str, Node)]) -> Node {
        Node::Map(
            entries
                .iter()
                .map(|(k, v)| ((*k).to_owned(), v.clone()))
                .collect(),
        )
    }

    fn text(value: &str) -> Node {
        Node::String(value.to_owned())
    }

    fn tagged(tag: &str, node: Node) -> Node {
        Node::Tagged(tag.to_owned(), Box::new(node))
    }

    #[test]
    fn short_form_tags_are_kept_at_every_depth() {
        let node = parse(
            "A: !Ref X\nB: !If [C, !GetAtt R.Arn, !Ref AWS::NoValue]\nC: !Sub\n  - ${a}\n  - a: !Ref P\n",
        )
        .expect("yaml");
        assert_eq!(
            node,
            map(&[
                ("A", tagged("Ref", text("X"))),
                (
                    "B",
                    tagged(
                        "If",
                        Node::List(vec![
                            text("C"),
                            tagged("GetAtt", text("R.Arn")),
                            tagged("Ref", text("AWS::NoValue")),
                        ])
                    )
                ),
                (
                    "C",
                    tagged(
                        "Sub",
                        Node::List(vec![text("${a}"), map(&[("a", tagged("Ref", text("P")))])])
                    )
                ),
            ])
        );
    }

    #[test]
    fn plain_values_stay_plain_and_core_tags_are_not_kept() {
        let node = parse("a: X\nb: 5\nc: true\nd: !!str 6\ne:\nf: 1.5\n").expect("yaml");
        assert_eq!(
            node,
            map(&[
                ("a", text("X")),
                ("b", Node::Number(5.into())),
                ("c", Node::Bool(true)),
                ("d", text("6")),
                ("e", Node::Null),
                ("f", Node::Number(Number::from_f64(1.5).expect("finite"))),
            ])
        );
    }
}
