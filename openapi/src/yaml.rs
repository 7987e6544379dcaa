//! A YAML document tree that remembers where every node starts, so that the
//! lint can say `file:line:col` for any problem it finds.

use std::collections::HashMap;

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

/// A 1-based line and column in the spec file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Pos {
    /// Line, counting from 1.
    pub line: usize,
    /// Column in characters, counting from 1.
    pub col: usize,
}

impl Pos {
    fn from_marker(m: &Marker) -> Self {
        Pos {
            line: m.line().max(1),
            col: m.col() + 1,
        }
    }
}

/// One YAML node with the position where it starts.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// Where the node starts.
    pub pos: Pos,
    /// What the node holds.
    pub kind: Kind,
}

/// The value of a [`Node`], after YAML 1.2 core-schema scalar resolution.
#[derive(Clone, Debug, PartialEq)]
pub enum Kind {
    /// `null`, `~` or an empty value.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// An integer that fits in 64 bits.
    Int(i64),
    /// Any other number.
    Float(f64),
    /// A string (quoted, block, or a plain scalar that is no other type).
    Str(String),
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping, in file order; keys are strings here (the lint refuses others).
    Map(Vec<(Key, Node)>),
}

/// A mapping key with its own position.
#[derive(Clone, Debug, PartialEq)]
pub struct Key {
    /// The key as text.
    pub name: String,
    /// Where the key starts.
    pub pos: Pos,
}

/// A YAML syntax problem.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    /// Where the parser stopped.
    pub pos: Pos,
    /// What it found wrong.
    pub message: String,
}

impl Node {
    /// The value under `key`, if this is a mapping that has it.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.kind {
            Kind::Map(entries) => entries.iter().find(|(k, _)| k.name == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The key object for `key` (for its position), if present.
    pub fn key(&self, key: &str) -> Option<&Key> {
        match &self.kind {
            Kind::Map(entries) => entries.iter().find(|(k, _)| k.name == key).map(|(k, _)| k),
            _ => None,
        }
    }

    /// The mapping entries, or an empty slice for any other node.
    pub fn entries(&self) -> &[(Key, Node)] {
        match &self.kind {
            Kind::Map(entries) => entries,
            _ => &[],
        }
    }

    /// The string, if this node is one.
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            Kind::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The boolean, if this node is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self.kind {
            Kind::Bool(b) => Some(b),
            _ => None,
        }
    }

    /// A short name of the node's type, for messages.
    pub fn type_name(&self) -> &'static str {
        match self.kind {
            Kind::Null => "null",
            Kind::Bool(_) => "boolean",
            Kind::Int(_) => "integer",
            Kind::Float(_) => "number",
            Kind::Str(_) => "string",
            Kind::Seq(_) => "array",
            Kind::Map(_) => "object",
        }
    }

    /// The node as JSON (for handing to `openapiv3`).
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value;
        match &self.kind {
            Kind::Null => Value::Null,
            Kind::Bool(b) => Value::Bool(*b),
            Kind::Int(i) => Value::from(*i),
            Kind::Float(f) => serde_json::Number::from_f64(*f)
                .map(Value::Number)
                .unwrap_or(Value::Null),
            Kind::Str(s) => Value::String(s.clone()),
            Kind::Seq(items) => Value::Array(items.iter().map(Node::to_json).collect()),
            Kind::Map(entries) => Value::Object(
                entries
                    .iter()
                    .map(|(k, v)| (k.name.clone(), v.to_json()))
                    .collect(),
            ),
        }
    }

    /// A tree from JSON (positions are all 1:1), to validate a JSON value
    /// against a schema with [`crate::check::validate`].
    pub fn from_json(value: &serde_json::Value) -> Node {
        use serde_json::Value;
        let pos = Pos { line: 1, col: 1 };
        let kind = match value {
            Value::Null => Kind::Null,
            Value::Bool(b) => Kind::Bool(*b),
            Value::Number(n) => match n.as_i64() {
                Some(i) => Kind::Int(i),
                None => Kind::Float(n.as_f64().unwrap_or(f64::NAN)),
            },
            Value::String(s) => Kind::Str(s.clone()),
            Value::Array(items) => Kind::Seq(items.iter().map(Node::from_json).collect()),
            Value::Object(map) => Kind::Map(
                map.iter()
                    .map(|(k, v)| {
                        (
                            Key {
                                name: k.clone(),
                                pos,
                            },
                            Node::from_json(v),
                        )
                    })
                    .collect(),
            ),
        };
        Node { pos, kind }
    }

    /// Follows a JSON pointer (`/paths/~1a/get`) through the tree.
    pub fn pointer(&self, pointer: &str) -> Option<&Node> {
        if pointer.is_empty() {
            return Some(self);
        }
        let mut node = self;
        for raw in pointer.strip_prefix('/')?.split('/') {
            let part = raw.replace("~1", "/").replace("~0", "~");
            node = match &node.kind {
                Kind::Map(_) => node.get(&part)?,
                Kind::Seq(items) => items.get(part.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        Some(node)
    }
}

/// Parses one YAML document into a [`Node`] tree.
///
/// Returns `Ok(None)` for a stream with no document at all (an empty file or
/// only comments). Duplicate keys and non-string keys are reported as syntax
/// errors, since OpenAPI gives them no meaning.
pub fn parse(text: &str) -> Result<Option<Node>, Vec<SyntaxError>> {
    let mut builder = Builder::default();
    let mut parser = Parser::new_from_str(text);
    if let Err(e) = parser.load(&mut builder, true) {
        return Err(vec![SyntaxError {
            pos: Pos::from_marker(e.marker()),
            message: format!("YAML syntax error: {}", e.info()),
        }]);
    }
    if !builder.errors.is_empty() {
        return Err(builder.errors);
    }
    if builder.documents.len() > 1 {
        let pos = builder.documents[1].pos;
        return Err(vec![SyntaxError {
            pos,
            message: "the spec must be a single YAML document; found a second one".into(),
        }]);
    }
    Ok(builder.documents.pop())
}

enum Frame {
    Seq(Pos, usize, Vec<Node>),
    Map(Pos, usize, Vec<(Key, Node)>, Option<Key>),
}

#[derive(Default)]
struct Builder {
    stack: Vec<Frame>,
    documents: Vec<Node>,
    anchors: HashMap<usize, Node>,
    errors: Vec<SyntaxError>,
}

impl Builder {
    fn push_value(&mut self, node: Node) {
        match self.stack.last_mut() {
            None => self.documents.push(node),
            Some(Frame::Seq(_, _, items)) => items.push(node),
            Some(Frame::Map(_, _, entries, pending)) => match pending.take() {
                None => {
                    // This node is a key.
                    let name = match &node.kind {
                        Kind::Str(s) => Some(s.clone()),
                        Kind::Int(i) => Some(i.to_string()),
                        Kind::Bool(b) => Some(b.to_string()),
                        Kind::Float(f) => Some(f.to_string()),
                        Kind::Null => Some("null".to_string()),
                        Kind::Seq(_) | Kind::Map(_) => None,
                    };
                    match name {
                        Some(name) => {
                            if entries.iter().any(|(k, _)| k.name == name) {
                                self.errors.push(SyntaxError {
                                    pos: node.pos,
                                    message: format!("duplicate key `{name}` in this mapping"),
                                });
                            }
                            *pending = Some(Key {
                                name,
                                pos: node.pos,
                            });
                        }
                        None => {
                            self.errors.push(SyntaxError {
                                pos: node.pos,
                                message: format!(
                                    "a mapping key must be a scalar, found {}",
                                    node.type_name()
                                ),
                            });
                            *pending = Some(Key {
                                name: String::new(),
                                pos: node.pos,
                            });
                        }
                    }
                }
                Some(key) => entries.push((key, node)),
            },
        }
    }
}

impl MarkedEventReceiver for Builder {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        let pos = Pos::from_marker(&mark);
        match ev {
            Event::Scalar(value, style, anchor, tag) => {
                let kind = resolve_scalar(value, style, tag.as_ref().map(|t| t.suffix.as_str()));
                let node = Node { pos, kind };
                if anchor > 0 {
                    self.anchors.insert(anchor, node.clone());
                }
                self.push_value(node);
            }
            Event::SequenceStart(anchor, _) => self.stack.push(Frame::Seq(pos, anchor, Vec::new())),
            Event::MappingStart(anchor, _) => {
                self.stack.push(Frame::Map(pos, anchor, Vec::new(), None))
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let (node, anchor) = match self.stack.pop() {
                    Some(Frame::Seq(pos, anchor, items)) => (
                        Node {
                            pos,
                            kind: Kind::Seq(items),
                        },
                        anchor,
                    ),
                    Some(Frame::Map(pos, anchor, entries, _)) => (
                        Node {
                            // A block mapping's start marker sits after its
                            // first key; the first key is where a reader looks.
                            pos: entries.first().map_or(pos, |(k, _)| k.pos.min(pos)),
                            kind: Kind::Map(entries),
                        },
                        anchor,
                    ),
                    None => return,
                };
                if anchor > 0 {
                    self.anchors.insert(anchor, node.clone());
                }
                self.push_value(node);
            }
            Event::Alias(id) => {
                let node = match self.anchors.get(&id) {
                    Some(target) => Node {
                        pos,
                        kind: target.kind.clone(),
                    },
                    None => {
                        self.errors.push(SyntaxError {
                            pos,
                            message: "alias to an unknown anchor".into(),
                        });
                        Node {
                            pos,
                            kind: Kind::Null,
                        }
                    }
                };
                self.push_value(node);
            }
            Event::Nothing
            | Event::StreamStart
            | Event::StreamEnd
            | Event::DocumentStart
            | Event::DocumentEnd => {}
        }
    }
}

/// YAML 1.2 core schema: plain scalars may be null, booleans or numbers;
/// quoted and block scalars are always strings.
fn resolve_scalar(value: String, style: TScalarStyle, tag: Option<&str>) -> Kind {
    if let Some(tag) = tag {
        match tag {
            "str" => return Kind::Str(value),
            "int" => {
                if let Ok(i) = value.parse() {
                    return Kind::Int(i);
                }
            }
            "bool" => match value.as_str() {
                "true" => return Kind::Bool(true),
                "false" => return Kind::Bool(false),
                _ => {}
            },
            _ => {}
        }
    }
    if style != TScalarStyle::Plain {
        return Kind::Str(value);
    }
    match value.as_str() {
        "" | "~" | "null" | "Null" | "NULL" => return Kind::Null,
        "true" | "True" | "TRUE" => return Kind::Bool(true),
        "false" | "False" | "FALSE" => return Kind::Bool(false),
        _ => {}
    }
    if let Some(hex) = value.strip_prefix("0x")
        && let Ok(i) = i64::from_str_radix(hex, 16)
    {
        return Kind::Int(i);
    }
    if let Some(oct) = value.strip_prefix("0o")
        && let Ok(i) = i64::from_str_radix(oct, 8)
    {
        return Kind::Int(i);
    }
    let looks_numeric = value
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_digit() || c == '-' || c == '+' || c == '.');
    if looks_numeric {
        if let Ok(i) = value.parse::<i64>() {
            return Kind::Int(i);
        }
        if value.chars().any(|c| c.is_ascii_digit())
            && value
                .chars()
                .all(|c| c.is_ascii_digit() || "+-.eE".contains(c))
            && let Ok(f) = value.parse::<f64>()
        {
            return Kind::Float(f);
        }
    }
    match value.as_str() {
        ".inf" | ".Inf" | ".INF" | "+.inf" => Kind::Float(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => Kind::Float(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => Kind::Float(f64::NAN),
        _ => Kind::Str(value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based() {
        let doc = parse("a: 1\nb:\n  c: 'x'\n").unwrap().unwrap();
        let b = doc.get("b").unwrap();
        let c = b.get("c").unwrap();
        assert_eq!(doc.key("b").unwrap().pos, Pos { line: 2, col: 1 });
        assert_eq!(b.key("c").unwrap().pos, Pos { line: 3, col: 3 });
        assert_eq!(c.pos, Pos { line: 3, col: 6 });
        assert_eq!(c.kind, Kind::Str("x".into()));
        assert_eq!(b.pos, Pos { line: 3, col: 3 });
        assert_eq!(doc.pos, Pos { line: 1, col: 1 });
    }

    #[test]
    fn core_schema_scalars() {
        let doc = parse("a: 3.0.3\nb: '3'\nc: 3\nd: ~\ne: true\nf: 1.5\n")
            .unwrap()
            .unwrap();
        assert_eq!(doc.get("a").unwrap().kind, Kind::Str("3.0.3".into()));
        assert_eq!(doc.get("b").unwrap().kind, Kind::Str("3".into()));
        assert_eq!(doc.get("c").unwrap().kind, Kind::Int(3));
        assert_eq!(doc.get("d").unwrap().kind, Kind::Null);
        assert_eq!(doc.get("e").unwrap().kind, Kind::Bool(true));
        assert_eq!(doc.get("f").unwrap().kind, Kind::Float(1.5));
    }

    #[test]
    fn duplicate_keys_are_errors() {
        let errs = parse("a: 1\na: 2\n").unwrap_err();
        assert_eq!(errs[0].pos, Pos { line: 2, col: 1 });
        assert!(errs[0].message.contains("duplicate key `a`"));
    }

    #[test]
    fn empty_stream_has_no_document() {
        assert_eq!(parse("").unwrap(), None);
        assert_eq!(parse("# only a comment\n").unwrap(), None);
    }

    #[test]
    fn aliases_copy_their_anchor() {
        let doc = parse("a: &x {k: 1}\nb: *x\n").unwrap().unwrap();
        assert_eq!(doc.get("b").unwrap().get("k").unwrap().kind, Kind::Int(1));
    }
}
