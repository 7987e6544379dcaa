//! The spec as a tree that remembers where every node and key starts, so
//! that each lint message can say `file:line:col`. saphyr reads the YAML
//! (1.2 core schema: `yes` and `on` are strings); one pass over its event
//! stream finds what its tree cannot show: every duplicate key, and aliases.

use saphyr::{LoadableYamlNode, MarkedYaml, Scalar, YamlData};
use saphyr_parser::{Event, Marker, Parser, ScalarStyle};

/// Plain scalars that YAML 1.1 (and so many tools and readers) take for
/// booleans, but YAML 1.2 reads as strings.
const YAML_1_1_BOOLEANS: [&str; 12] = [
    "yes", "Yes", "YES", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF",
];

/// A 1-based line and column (in characters) in the spec file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Pos {
    /// Line, counting from 1.
    pub line: usize,
    /// Column in characters, counting from 1.
    pub col: usize,
}

impl From<&Marker> for Pos {
    fn from(m: &Marker) -> Self {
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

/// The value of a [`Node`].
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
    /// A string.
    Str(String),
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping, in file order; scalar keys as text.
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

/// A problem that stops the YAML from being read as intended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    /// Where it is.
    pub pos: Pos,
    /// What is wrong.
    pub message: String,
}

impl Node {
    /// The value under `key`, if this is a mapping that has it.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entries()
            .iter()
            .find(|(k, _)| k.name == key)
            .map(|(_, v)| v)
    }

    /// The key object for `key` (for its position), if present.
    pub fn key(&self, key: &str) -> Option<&Key> {
        self.entries()
            .iter()
            .find(|(k, _)| k.name == key)
            .map(|(k, _)| k)
    }

    /// The mapping entries, or an empty slice for any other node.
    pub fn entries(&self) -> &[(Key, Node)] {
        match &self.kind {
            Kind::Map(entries) => entries,
            _ => &[],
        }
    }

    /// The items of a sequence, or an empty slice for any other node.
    pub fn items(&self) -> &[Node] {
        match &self.kind {
            Kind::Seq(items) => items,
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

    /// The node as JSON (for the typed OpenAPI model and the generator).
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value;
        match &self.kind {
            Kind::Null => Value::Null,
            Kind::Bool(b) => Value::Bool(*b),
            Kind::Int(i) => Value::from(*i),
            Kind::Float(f) => serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number),
            Kind::Str(s) => Value::String(s.clone()),
            Kind::Seq(items) => items.iter().map(Node::to_json).collect(),
            Kind::Map(entries) => Value::Object(
                entries
                    .iter()
                    .map(|(k, v)| (k.name.clone(), v.to_json()))
                    .collect(),
            ),
        }
    }

    /// Follows a JSON pointer (`/paths/~1a/get`) through the tree.
    pub fn pointer(&self, pointer: &str) -> Option<&Node> {
        let mut node = self;
        for raw in pointer.split('/').skip(1) {
            let part = raw.replace("~1", "/").replace("~0", "~");
            node = match &node.kind {
                Kind::Seq(items) => items.get(part.parse::<usize>().ok()?)?,
                _ => node.get(&part)?,
            };
        }
        Some(node)
    }

    /// The node itself, or what its local `$ref` points to (one hop at a
    /// time, at most 16, so a cycle ends).
    pub fn resolve<'a>(&'a self, root: &'a Node) -> Option<&'a Node> {
        let mut node = self;
        for _ in 0..16 {
            match node.get("$ref").and_then(Node::as_str) {
                Some(r) => node = root.pointer(r.strip_prefix('#')?)?,
                None => return Some(node),
            }
        }
        None
    }
}

/// Reads one YAML document. `Ok(None)` for a stream with no document (an
/// empty file, or only comments). Every duplicate key is reported, with the
/// place of its first use, and every plain `yes`/`no`/`on`/`off` value;
/// aliases are refused (OpenAPI has `$ref`, and an
/// alias can multiply a small file into an enormous tree).
pub fn parse(text: &str) -> Result<Option<Node>, Vec<SyntaxError>> {
    let problems = scan(text);
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut docs = MarkedYaml::load_from_str(text).map_err(|e| {
        vec![SyntaxError {
            pos: e.marker().into(),
            message: format!("YAML syntax error: {}", e.info()),
        }]
    })?;
    if let Some(second) = docs.get(1) {
        return Err(vec![SyntaxError {
            pos: (&second.span.start).into(),
            message: "the spec must be a single YAML document; found a second one".into(),
        }]);
    }
    Ok(docs.pop().map(|doc| convert(&doc)))
}

/// Syntax errors, duplicate keys, aliases and YAML 1.1 booleans, from
/// saphyr's event stream.
fn scan(text: &str) -> Vec<SyntaxError> {
    // Per open collection: for a mapping, its keys so far and whether the
    // next scalar is a key.
    type Keys = Vec<(String, Pos)>;
    let mut stack: Vec<Option<(Keys, bool)>> = Vec::new();
    let mut problems = Vec::new();
    for event in Parser::new_from_str(text) {
        let (event, span) = match event {
            Ok(e) => e,
            Err(e) => {
                let message = format!("YAML syntax error: {}", e.info());
                problems.push(SyntaxError {
                    pos: e.marker().into(),
                    message,
                });
                break;
            }
        };
        let at = Pos::from(&span.start);
        let mut key = None;
        match event {
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                let is_map = matches!(event, Event::MappingStart(..));
                stack.push(is_map.then(|| (Vec::new(), true)));
                continue;
            }
            // A collection counts in its parent once it ends (as a value, or
            // as a key that is not text and so equals no other).
            Event::MappingEnd | Event::SequenceEnd => {
                stack.pop();
            }
            Event::Scalar(text, style, ..) => {
                let is_key = matches!(stack.last(), Some(Some((_, true))));
                if !is_key && style == ScalarStyle::Plain && YAML_1_1_BOOLEANS.contains(&&*text) {
                    problems.push(SyntaxError {
                        pos: at,
                        message: format!("`{text}` is the string \"{text}\" in YAML 1.2, not a boolean; write true or false (or quote it)"),
                    });
                }
                key = Some(text.into_owned());
            }
            Event::Alias(_) => problems.push(SyntaxError {
                pos: at,
                message: "YAML aliases (`*name`) are not supported; use `$ref`".into(),
            }),
            _ => continue,
        }
        if let Some(Some((keys, expect_key))) = stack.last_mut() {
            if let (true, Some(name)) = (*expect_key, key) {
                match keys.iter().find(|(k, _)| *k == name) {
                    Some((_, first)) => problems.push(SyntaxError {
                        pos: at,
                        message: format!(
                            "duplicate key `{name}` in this mapping (first at line {})",
                            first.line
                        ),
                    }),
                    None => keys.push((name, at)),
                }
            }
            *expect_key = !*expect_key;
        }
    }
    problems
}

fn convert(node: &MarkedYaml) -> Node {
    let kind = match &node.data {
        YamlData::Value(Scalar::Null) => Kind::Null,
        YamlData::Value(Scalar::Boolean(b)) => Kind::Bool(*b),
        YamlData::Value(Scalar::Integer(i)) => Kind::Int(*i),
        YamlData::Value(Scalar::FloatingPoint(f)) => Kind::Float(**f),
        YamlData::Value(Scalar::String(s)) => Kind::Str(s.to_string()),
        YamlData::Sequence(items) => Kind::Seq(items.iter().map(convert).collect()),
        YamlData::Mapping(map) => Kind::Map(
            map.iter()
                .map(|(k, v)| {
                    let name = match convert(k).kind {
                        Kind::Str(s) => s,
                        other => Node {
                            pos: Pos::default(),
                            kind: other,
                        }
                        .to_json()
                        .to_string(),
                    };
                    (
                        Key {
                            name,
                            pos: (&k.span.start).into(),
                        },
                        convert(v),
                    )
                })
                .collect(),
        ),
        YamlData::Tagged(_, inner) => return convert(inner),
        _ => Kind::Null,
    };
    Node {
        pos: (&node.span.start).into(),
        kind,
    }
}
