//! What an edit of the spec changes, for the reviewer who reads it: on the
//! wire (from the two specs' trees, with the line of each change), in the
//! public Rust API of the generated code (from the two [`crate::surface`]
//! listings), and so which version the crates need.
//!
//! Nothing here knows the spec's content: it walks the structure any
//! OpenAPI 3.0 document has (paths, `x-webhooks`, parameters, bodies,
//! responses, schemas through `$ref`, `allOf`, `anyOf`, `oneOf`, `items`).
//!
//! On the wire, a change is judged by who it hurts when the two sides of a
//! call were built on different versions of the spec:
//! - **breaking for clients**: a client built on the old spec, against a
//!   server that follows the new one (a field or parameter it sends is
//!   gone, a new one is required, a value it sends is no longer accepted, a
//!   field it reads is gone, an answer it cannot read);
//! - **breaking for servers**: a server built on the old spec, receiving
//!   from a client built on the new one (a field or value it does not know
//!   and refuses, as this workspace's servers refuse what they do not know).
//!
//! Requests flow to the server; answers, and the webhooks the provider
//! sends to the application, flow to the client.
//!
//! Why not the maintained tools, measured on this workspace (2 cores):
//! cargo-semver-checks 0.51 agrees with the Rust classes here (it reports
//! `constructible_struct_adds_field` for a new optional request field) and
//! also sees the hand-written API, but its install compiles for 9 minutes
//! and a run for 3 (it builds the client's rustdoc twice, build script and
//! all): more than the whole test command. Run it by hand before a release:
//! `cargo semver-checks -p signalwire-participants --baseline-rev REV`.
//! The npm `openapi-diff` 0.24.1 installs in 8 s but saw none of a widened
//! enum, a removed `$ref` parameter or a new `maxLength` (form bodies and
//! referenced parameters are outside what it compares), and gives no line;
//! `openapi-changes` downloads a binary at install.
//!
//! In Rust, adding an optional field to a struct users build with struct
//! literals is a major change, though compatible on the wire:
//!
//! ```
//! use participants_openapi::review::{Bump, Version, rust_changes};
//! let before = "struct types::Update\n    muted: Option<bool>\n";
//! let after = "struct types::Update\n    muted: Option<bool>\n    beep: Option<bool>\n";
//! let changes = rust_changes(before, after);
//! assert_eq!(changes[0].bump, Bump::Major);
//! assert_eq!(Version(0, 1, 0).bumped(Bump::Major), Version(0, 2, 0));
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde_json::Value;

use crate::lint::{METHODS, Spec, WEBHOOKS};
use crate::yaml::{Node, Pos};

/// How a wire change lands, from the least to the most disruptive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Wire {
    /// Only text changed (descriptions, summaries, examples).
    Text,
    /// Old and new clients and servers still understand each other.
    Compatible,
    /// A server built on the old spec refuses what a new client may send.
    BreaksServers,
    /// A client built on the old spec fails against a new server.
    BreaksClients,
    /// Both.
    BreaksBoth,
}

impl Wire {
    /// The two together: a change that is both is [`Wire::BreaksBoth`].
    pub fn and(self, other: Wire) -> Wire {
        use Wire::*;
        match (self, other) {
            (BreaksClients, BreaksServers) | (BreaksServers, BreaksClients) => BreaksBoth,
            (a, b) => a.max(b),
        }
    }

    /// Whether an old client may fail against a new server.
    pub fn breaks_clients(self) -> bool {
        matches!(self, Wire::BreaksClients | Wire::BreaksBoth)
    }

    /// Whether an old server may refuse a new client.
    pub fn breaks_servers(self) -> bool {
        matches!(self, Wire::BreaksServers | Wire::BreaksBoth)
    }

    /// The version bump a change of this class needs on its own: a client
    /// whose calls stop working is a major change even when its code still
    /// compiles; a client that may now send what old servers refuse is a new
    /// feature; the rest is for the Rust API to decide.
    pub fn bump(self) -> Bump {
        match self {
            Wire::BreaksClients | Wire::BreaksBoth => Bump::Major,
            Wire::BreaksServers => Bump::Minor,
            Wire::Compatible | Wire::Text => Bump::Patch,
        }
    }
}

impl fmt::Display for Wire {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Wire::Text => "text only",
            Wire::Compatible => "compatible",
            Wire::BreaksServers => "breaking for servers",
            Wire::BreaksClients => "breaking for clients",
            Wire::BreaksBoth => "breaking for clients and servers",
        })
    }
}

/// One change on the wire.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WireChange {
    /// How it lands.
    pub class: Wire,
    /// The line in the new spec where it is, or in the old one for what was
    /// removed.
    pub line: usize,
    /// Whether [`WireChange::line`] is the old spec's.
    pub in_base: bool,
    /// The operation (its `operationId`, or `webhook NAME`).
    pub owner: String,
    /// What in it: `query parameter `PageSize``, `form field `Muted``,
    /// `200 response field `muted``...
    pub subject: String,
    /// What happened to it.
    pub change: String,
}

/// Who receives the data a fact describes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Flow {
    ToServer,
    ToClient,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Role {
    Operation,
    Parameter,
    Body,
    Response,
    Field,
}

/// One thing on the wire, in one spec.
#[derive(Clone, Debug)]
struct Fact {
    role: Role,
    flow: Flow,
    owner: String,
    subject: String,
    /// The name shown in a rename (a parameter's or field's own name).
    name: String,
    pos: Pos,
    required: bool,
    /// The object holding this field refuses fields it does not know.
    closed_parent: bool,
    facets: BTreeMap<String, (Value, Pos)>,
    text: Vec<String>,
}

impl Fact {
    /// A change of this fact as a whole (added, removed, renamed), at its
    /// line (`in_base`: in the old spec).
    fn change(&self, class: Wire, in_base: bool, change: String) -> WireChange {
        WireChange {
            class,
            line: self.pos.line,
            in_base,
            owner: self.owner.clone(),
            subject: self.subject.clone(),
            change,
        }
    }
}

/// What a schema says, with `$ref` and `allOf` followed.
#[derive(Default)]
struct Shape<'a> {
    facets: BTreeMap<String, (Value, Pos)>,
    text: Vec<String>,
    properties: Vec<(String, Pos, &'a Node)>,
    required: BTreeSet<String>,
    closed: bool,
    items: Option<&'a Node>,
}

/// The keywords that constrain a value, compared one by one.
const CONSTRAINTS: [&str; 15] = [
    "type",
    "format",
    "nullable",
    "pattern",
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minItems",
    "maxItems",
    "uniqueItems",
    "default",
];

/// The keywords that only document.
const TEXT: [&str; 5] = ["description", "summary", "title", "example", "examples"];

/// Deeper than this, a schema is not followed (a `$ref` cycle ends).
const MAX_DEPTH: usize = 12;

impl<'a> Shape<'a> {
    fn of(root: &'a Node, node: &'a Node) -> Shape<'a> {
        let mut shape = Shape::default();
        shape.absorb(root, node, 0);
        shape
    }

    fn absorb(&mut self, root: &'a Node, node: &'a Node, depth: usize) {
        let Some(node) = node.resolve(root).filter(|_| depth < MAX_DEPTH) else {
            return;
        };
        for member in node.get("allOf").map(Node::items).unwrap_or_default() {
            self.absorb(root, member, depth + 1);
        }
        for (key, value) in node.entries() {
            let name = key.name.as_str();
            let mut facet = |name: &str, value: Value| {
                self.facets.insert(name.to_string(), (value, key.pos));
            };
            match name {
                _ if CONSTRAINTS.contains(&name) => facet(name, value.to_json()),
                "enum" => facet("enum", Value::Array(sorted(value.to_json()))),
                "x-safe-to-repeat" => facet(name, value.to_json()),
                "additionalProperties" => {
                    self.closed = matches!(value.to_json(), Value::Bool(false));
                    let what = if self.closed { "refused" } else { "kept" };
                    facet("additionalProperties", Value::from(what));
                }
                "anyOf" | "oneOf" => {
                    let (known, alternatives) = alternatives(root, value);
                    match known {
                        Some(known) => facet("known values", Value::Array(known)),
                        None => facet("one of", Value::Array(alternatives)),
                    }
                }
                "properties" => {
                    for (k, v) in value.entries() {
                        self.properties.push((k.name.clone(), k.pos, v));
                    }
                }
                "required" => {
                    let names = value.items().iter().filter_map(Node::as_str);
                    self.required.extend(names.map(str::to_string));
                }
                "items" => self.items = Some(value),
                _ if TEXT.contains(&name) => {
                    self.text.push(format!("{name}: {}", value.to_json()));
                }
                _ => {}
            }
        }
    }
}

fn sorted(value: Value) -> Vec<Value> {
    let mut values = match value {
        Value::Array(values) => values,
        other => vec![other],
    };
    values.sort_by_key(Value::to_string);
    values
}

/// An `anyOf`/`oneOf`: the listed values of an open list (one string
/// alternative with an `enum`, one string without, whatever else it says,
/// `nullable` included: the rule `generate::open_enums` makes an open enum
/// by), or a summary of each alternative.
fn alternatives(root: &Node, value: &Node) -> (Option<Vec<Value>>, Vec<Value>) {
    let shapes: Vec<Shape> = value.items().iter().map(|a| Shape::of(root, a)).collect();
    let summary = |s: &Shape| {
        let keep = s
            .facets
            .iter()
            .filter(|(k, _)| CONSTRAINTS.contains(&k.as_str()));
        let map: serde_json::Map<String, Value> =
            keep.map(|(k, (v, _))| (k.clone(), v.clone())).collect();
        Value::Object(map)
    };
    let string = Some(&(Value::from("string"), Pos::default()));
    let is_type = |s: &Shape| s.facets.get("type").map(|(v, _)| v) == string.map(|(v, _)| v);
    let listed: Vec<&Shape> = shapes
        .iter()
        .filter(|s| s.facets.contains_key("enum"))
        .collect();
    let open = shapes
        .iter()
        .any(|s| is_type(s) && !s.facets.contains_key("enum"));
    if let ([one], true, 2) = (listed.as_slice(), open, shapes.len()) {
        let known = one.facets.get("enum").map(|(v, _)| sorted(v.clone()));
        return (known, Vec::new());
    }
    (
        None,
        sorted(Value::Array(shapes.iter().map(summary).collect())),
    )
}

/// Every fact of a spec on the wire, by a key that survives unrelated
/// edits (the method and path, or the webhook, and the subject).
fn facts(root: &Node) -> BTreeMap<String, Fact> {
    let mut out = BTreeMap::new();
    for (path, item) in root.get("paths").map(Node::entries).unwrap_or_default() {
        operations(root, &path.name, item, false, &mut out);
    }
    for (name, item) in root.get(WEBHOOKS).map(Node::entries).unwrap_or_default() {
        operations(root, &name.name, item, true, &mut out);
    }
    out
}

struct Collect<'a, 'o> {
    root: &'a Node,
    out: &'o mut BTreeMap<String, Fact>,
    key: String,
    owner: String,
}

impl Collect<'_, '_> {
    fn push(&mut self, fact: Fact) {
        let key = format!("{}\u{0}{}", self.key, fact.subject);
        self.out.insert(key, fact);
    }

    #[allow(clippy::too_many_arguments)]
    fn fact(
        &self,
        role: Role,
        flow: Flow,
        subject: String,
        name: &str,
        pos: Pos,
        required: bool,
        shape: Shape,
    ) -> Fact {
        Fact {
            role,
            flow,
            owner: self.owner.clone(),
            subject,
            name: name.to_string(),
            pos,
            required,
            closed_parent: false,
            facets: shape.facets,
            text: shape.text,
        }
    }

    /// A body's or an answer's schema: its fields, nested ones as
    /// `a.b`, array items as `a[]`.
    fn fields(&mut self, shape: &Shape, flow: Flow, label: &str, path: &str, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        let root = self.root;
        for (name, pos, node) in &shape.properties {
            let inner = Shape::of(root, node);
            let path = if path.is_empty() {
                name.clone()
            } else {
                format!("{path}.{name}")
            };
            self.nested(&inner, flow, label, &path, depth);
            let required = shape.required.contains(name);
            let subject = format!("{label} `{path}`");
            let mut fact = self.fact(Role::Field, flow, subject, name, *pos, required, inner);
            fact.closed_parent = shape.closed;
            self.push(fact);
        }
    }

    /// What is inside a value: an object's fields, an array's items.
    fn nested(&mut self, shape: &Shape, flow: Flow, label: &str, path: &str, depth: usize) {
        self.fields(shape, flow, label, path, depth + 1);
        if let Some(items) = shape.items {
            let items = Shape::of(self.root, items);
            let path = format!("{path}[]");
            self.nested(&items, flow, label, &path, depth + 1);
            if !items.facets.is_empty() && !path.is_empty() {
                let subject = format!("{label} `{path}`");
                let pos = items
                    .facets
                    .values()
                    .map(|(_, p)| *p)
                    .min()
                    .unwrap_or_default();
                let fact = self.fact(Role::Field, flow, subject, &path, pos, true, items);
                self.push(fact);
            }
        }
    }
}

fn operations(root: &Node, at: &str, item: &Node, webhook: bool, out: &mut BTreeMap<String, Fact>) {
    let Some(item) = item.resolve(root) else {
        return;
    };
    let shared = item.get("parameters").map(Node::items).unwrap_or_default();
    let (ask, answer) = match webhook {
        false => (Flow::ToServer, Flow::ToClient),
        true => (Flow::ToClient, Flow::ToServer),
    };
    for method in METHODS {
        let (Some(op), Some(method_key)) = (item.get(method), item.key(method)) else {
            continue;
        };
        let upper = method.to_uppercase();
        let key = match webhook {
            false => format!("{upper} {at}"),
            true => format!("webhook {at} {upper}"),
        };
        let owner = match op.get("operationId").and_then(Node::as_str) {
            Some(id) => id.to_string(),
            None => key.clone(),
        };
        let mut c = Collect {
            root,
            out,
            key,
            owner,
        };
        let shape = Shape::of(root, op);
        let fact = c.fact(
            Role::Operation,
            ask,
            "operation".into(),
            "",
            method_key.pos,
            true,
            shape,
        );
        c.push(fact);
        // The operation's own parameters replace the path's of the same
        // name and place.
        let own = op.get("parameters").map(Node::items).unwrap_or_default();
        let mut parameters: BTreeMap<(String, String), &Node> = BTreeMap::new();
        for p in shared.iter().chain(own) {
            let Some(p) = p.resolve(root) else { continue };
            let text = |k| {
                p.get(k)
                    .and_then(Node::as_str)
                    .unwrap_or_default()
                    .to_string()
            };
            parameters.insert((text("in"), text("name")), p);
        }
        for ((place, name), p) in parameters {
            let required = p.get("required").map(Node::to_json) == Some(Value::Bool(true));
            let mut shape = p
                .get("schema")
                .map(|s| Shape::of(root, s))
                .unwrap_or_default();
            for k in TEXT {
                if let Some(v) = p.get(k) {
                    shape.text.push(format!("{k}: {}", v.to_json()));
                }
            }
            let subject = format!("{place} parameter `{name}`");
            let fact = c.fact(Role::Parameter, ask, subject, &name, p.pos, required, shape);
            c.push(fact);
        }
        if let Some(body) = op.get("requestBody").and_then(|b| b.resolve(root)) {
            let required = body.get("required").map(Node::to_json) == Some(Value::Bool(true));
            content(&mut c, body, ask, "request body", required);
        }
        for (status, answer_node) in op.get("responses").map(Node::entries).unwrap_or_default() {
            let Some(node) = answer_node.resolve(root) else {
                continue;
            };
            let label = format!("{} response", status.name);
            content(&mut c, node, answer, &label, true);
        }
    }
}

/// A request body or an answer: the fact itself (its media types), then
/// its schema's fields.
fn content(c: &mut Collect, node: &Node, flow: Flow, label: &str, required: bool) {
    let root = c.root;
    let media: Vec<(&str, &Node)> = node
        .get("content")
        .map(Node::entries)
        .unwrap_or_default()
        .iter()
        .map(|(k, v)| (k.name.as_str(), v))
        .collect();
    let mut shape = Shape::default();
    for k in TEXT {
        if let Some(v) = node.get(k) {
            shape.text.push(format!("{k}: {}", v.to_json()));
        }
    }
    let types: Vec<Value> = media.iter().map(|(m, _)| Value::from(*m)).collect();
    shape
        .facets
        .insert("media".into(), (Value::Array(types), node.pos));
    let role = if label == "request body" {
        Role::Body
    } else {
        Role::Response
    };
    let fact = c.fact(role, flow, label.to_string(), "", node.pos, required, shape);
    c.push(fact);
    for (m, media_node) in media {
        let Some(schema) = media_node.get("schema") else {
            continue;
        };
        let mut shape = Shape::of(root, schema);
        for k in ["example", "examples"] {
            if let Some(v) = media_node.get(k) {
                shape.text.push(format!("{m} {k}: {}", v.to_json()));
            }
        }
        let field_label = match (role, m) {
            (Role::Body, "application/x-www-form-urlencoded") => "form field".to_string(),
            (Role::Body, _) => "body field".to_string(),
            _ => format!("{label} field"),
        };
        // The body's own constraints (a closed object...) are its fact's.
        let key = format!("{}\u{0}{label}", c.key);
        if let Some(fact) = c.out.get_mut(&key) {
            for (k, v) in &shape.facets {
                fact.facets.insert(k.clone(), v.clone());
            }
            fact.text.extend(shape.text.iter().cloned());
        }
        c.nested(&shape, flow, &field_label, "", 0);
    }
}

/// Narrower accepts fewer values, wider more; `Changed` neither or both;
/// `Semantic` the same values meaning something else (a default);
/// `Neutral` nothing either side must change for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Direction {
    Narrower,
    Wider,
    Changed,
    Semantic,
    Neutral,
}

fn class_of(direction: Direction, flow: Flow) -> Wire {
    use Direction::*;
    match (direction, flow) {
        (Changed, _) => Wire::BreaksBoth,
        (Neutral, _) | (Semantic, Flow::ToClient) => Wire::Compatible,
        (Narrower, Flow::ToServer) | (Wider, Flow::ToClient) | (Semantic, Flow::ToServer) => {
            Wire::BreaksClients
        }
        (Wider, Flow::ToServer) | (Narrower, Flow::ToClient) => Wire::BreaksServers,
    }
}

fn show(value: &Value) -> String {
    match value {
        Value::String(s) => format!("`{s}`"),
        Value::Array(items) => items.iter().map(show).collect::<Vec<_>>().join(", "),
        other => format!("`{other}`"),
    }
}

/// How one keyword changed, and which way.
fn compare(facet: &str, old: Option<&Value>, new: Option<&Value>) -> (Direction, String) {
    use Direction::*;
    let lower = ["minLength", "minimum", "minItems"];
    let upper = ["maxLength", "maximum", "maxItems"];
    match (facet, old, new) {
        ("enum", Some(Value::Array(a)), Some(Value::Array(b))) => {
            let added: Vec<Value> = b.iter().filter(|v| !a.contains(v)).cloned().collect();
            let dropped: Vec<Value> = a.iter().filter(|v| !b.contains(v)).cloned().collect();
            let words = match (added.is_empty(), dropped.is_empty()) {
                (false, true) => {
                    return (
                        Wider,
                        format!("closed list adds {}", show(&Value::Array(added))),
                    );
                }
                (true, false) => {
                    return (
                        Narrower,
                        format!("closed list drops {}", show(&Value::Array(dropped))),
                    );
                }
                _ => format!(
                    "closed list adds {} and drops {}",
                    show(&Value::Array(added)),
                    show(&Value::Array(dropped))
                ),
            };
            (Changed, words)
        }
        ("enum", None, Some(v)) => (Narrower, format!("now limited to {}", show(v))),
        ("enum", Some(_), None) => (Wider, "no longer limited to a list".into()),
        ("known values", Some(Value::Array(a)), Some(Value::Array(b))) => {
            let added: Vec<Value> = b.iter().filter(|v| !a.contains(v)).cloned().collect();
            let dropped: Vec<Value> = a.iter().filter(|v| !b.contains(v)).cloned().collect();
            let mut words = Vec::new();
            if !added.is_empty() {
                words.push(format!("adds {}", show(&Value::Array(added))));
            }
            if !dropped.is_empty() {
                words.push(format!("no longer names {}", show(&Value::Array(dropped))));
            }
            (Neutral, format!("open list {}", words.join(" and ")))
        }
        ("known values", None, Some(_)) => (Changed, "became an open list".into()),
        ("known values", Some(_), None) => (Changed, "is no longer an open list".into()),
        ("nullable", _, _) => {
            let (was, is) = (
                old == Some(&Value::Bool(true)),
                new == Some(&Value::Bool(true)),
            );
            match (was, is) {
                (false, true) => (Wider, "may now be null".into()),
                (true, false) => (Narrower, "may no longer be null".into()),
                _ => (Neutral, "nullable written differently".into()),
            }
        }
        ("required", _, _) => match new == Some(&Value::Bool(true)) {
            true => (Narrower, "now required".into()),
            false => (Wider, "no longer required".into()),
        },
        ("default", _, _) => (Semantic, format!("default {} -> {}", opt(old), opt(new))),
        ("x-safe-to-repeat", _, _) => (
            Neutral,
            format!(
                "safe to repeat {} -> {} (the client's retries)",
                opt(old),
                opt(new)
            ),
        ),
        ("additionalProperties", _, _) => {
            let refused = |v: Option<&Value>| v == Some(&Value::from("refused"));
            match (refused(old), refused(new)) {
                (false, true) => (Narrower, "now refuses fields it does not list".into()),
                (true, false) => (Wider, "now takes fields it does not list".into()),
                _ => (Neutral, "additionalProperties written differently".into()),
            }
        }
        (f, _, _) if lower.contains(&f) || upper.contains(&f) => {
            let (a, b) = (old.and_then(Value::as_f64), new.and_then(Value::as_f64));
            let tighter = match (a, b) {
                (None, Some(_)) => true,
                (Some(_), None) => false,
                (Some(a), Some(b)) if lower.contains(&f) => b > a,
                (Some(a), Some(b)) => b < a,
                (None, None) => false,
            };
            let dir = if tighter { Narrower } else { Wider };
            (dir, format!("{f} {} -> {}", opt(old), opt(new)))
        }
        ("format" | "pattern", None, Some(v)) => (Narrower, format!("{facet} {} added", show(v))),
        ("format" | "pattern", Some(v), None) => (Wider, format!("{facet} {} removed", show(v))),
        ("pattern", Some(_), Some(_)) => (
            Changed,
            format!(
                "pattern {} -> {} (it may refuse values it took, and take others)",
                opt(old),
                opt(new)
            ),
        ),
        ("one of", Some(Value::Array(a)), Some(Value::Array(b))) => {
            let added = b.iter().any(|v| !a.contains(v));
            let dropped = a.iter().any(|v| !b.contains(v));
            let dir = match (added, dropped) {
                (true, false) => Wider,
                (false, true) => Narrower,
                _ => Changed,
            };
            (dir, format!("alternatives {} -> {}", opt(old), opt(new)))
        }
        ("media", _, _) => (Changed, format!("media type {} -> {}", opt(old), opt(new))),
        _ => (Changed, format!("{facet} {} -> {}", opt(old), opt(new))),
    }
}

fn opt(value: Option<&Value>) -> String {
    value.map_or_else(|| "(none)".to_string(), show)
}

/// The wire changes from `base` to `head`, most disruptive first, then in
/// file order.
pub fn wire_changes(base: &Spec, head: &Spec) -> Vec<WireChange> {
    let (old, new) = (facts(&base.tree), facts(&head.tree));
    let mut changes = Vec::new();
    let mut removed: Vec<&Fact> = Vec::new();
    let mut added: Vec<&Fact> = Vec::new();
    for (key, fact) in &old {
        match new.get(key) {
            None => removed.push(fact),
            Some(now) => changes.extend(changed(fact, now)),
        }
    }
    for (key, fact) in &new {
        if !old.contains_key(key) {
            added.push(fact);
        }
    }
    // A parameter or field that went away where one of the same kind and
    // shape came: a rename.
    let mut renamed = BTreeSet::new();
    for (i, gone) in removed.iter().enumerate() {
        let kind = |f: &Fact| f.subject.split('`').next().unwrap_or_default().to_string();
        let same = |f: &&&Fact| {
            f.owner == gone.owner
                && matches!(f.role, Role::Parameter | Role::Field)
                && f.role == gone.role
                && kind(f) == kind(gone)
                && f.required == gone.required
                && f.facets
                    .iter()
                    .map(|(k, (v, _))| (k, v))
                    .eq(gone.facets.iter().map(|(k, (v, _))| (k, v)))
        };
        let candidates: Vec<(usize, &Fact)> = (added.iter().enumerate())
            .filter(|(_, f)| same(f))
            .map(|(j, f)| (j, *f))
            .collect();
        let rivals = removed.iter().filter(|r| same(r)).count();
        if let ([(j, came)], 1) = (candidates.as_slice(), rivals) {
            let (j, came) = (*j, *came);
            renamed.insert(i);
            let class = gone_class(gone).and(added_class(came));
            let change = format!("renamed `{}` to `{}`", gone.name, came.name);
            changes.push(came.change(class, false, change));
            added[j] = &EMPTY;
        }
    }
    for (i, gone) in removed.iter().enumerate() {
        if renamed.contains(&i) {
            continue;
        }
        let class = gone_class(gone);
        changes.push(gone.change(class, true, "removed".into()));
    }
    for came in added.into_iter().filter(|f| !f.owner.is_empty()) {
        let class = added_class(came);
        let what = match (came.role, came.required) {
            (Role::Operation, _) => "new operation",
            (Role::Parameter | Role::Field, true) => "added, required",
            (Role::Parameter | Role::Field, false) => "added, optional",
            _ => "added",
        };
        changes.push(came.change(class, false, what.into()));
    }
    // Whatever an added or removed operation holds is that operation's
    // change, not one of its own.
    let whole: BTreeSet<String> = changes
        .iter()
        .filter(|c| {
            c.subject == "operation" && matches!(c.change.as_str(), "removed" | "new operation")
        })
        .map(|c| c.owner.clone())
        .collect();
    changes.retain(|c| {
        c.subject == "operation"
            || !whole.contains(&c.owner)
            || !matches!(
                c.change.as_str(),
                "removed" | "added, optional" | "added, required" | "added"
            )
    });
    changes.sort_by(|a, b| {
        (b.class, a.line, &a.owner, &a.subject).cmp(&(a.class, b.line, &b.owner, &b.subject))
    });
    changes
}

/// A placeholder for an added fact a rename took.
static EMPTY: Fact = Fact {
    role: Role::Field,
    flow: Flow::ToServer,
    owner: String::new(),
    subject: String::new(),
    name: String::new(),
    pos: Pos { line: 0, col: 0 },
    required: false,
    closed_parent: false,
    facets: BTreeMap::new(),
    text: Vec::new(),
};

fn gone_class(fact: &Fact) -> Wire {
    match (fact.role, fact.flow) {
        // A client calling it, sending it or reading it finds it gone.
        (Role::Operation | Role::Parameter | Role::Field | Role::Body, _) => Wire::BreaksClients,
        // A server must no longer answer so.
        (Role::Response, Flow::ToClient) => Wire::BreaksServers,
        (Role::Response, Flow::ToServer) => Wire::BreaksClients,
    }
}

fn added_class(fact: &Fact) -> Wire {
    match (fact.role, fact.flow, fact.required) {
        (Role::Operation, _, _) => Wire::Compatible,
        // An old client does not send it; an old server does not know it.
        (Role::Parameter | Role::Field, Flow::ToServer, true) => Wire::BreaksBoth,
        (Role::Parameter | Role::Field, Flow::ToServer, false) => Wire::BreaksServers,
        (Role::Body, Flow::ToServer, true) => Wire::BreaksClients,
        (Role::Body, Flow::ToServer, false) => Wire::Compatible,
        // An old server does not send it; an old client refuses it if its
        // object refuses fields it does not know.
        (Role::Field, Flow::ToClient, required) => {
            let servers = if required {
                Wire::BreaksServers
            } else {
                Wire::Compatible
            };
            let clients = if fact.closed_parent {
                Wire::BreaksClients
            } else {
                Wire::Compatible
            };
            servers.and(clients)
        }
        (Role::Parameter | Role::Body, Flow::ToClient, _) => Wire::Compatible,
        // An answer an old client does not expect.
        (Role::Response, Flow::ToClient, _) => Wire::BreaksClients,
        (Role::Response, Flow::ToServer, _) => Wire::Compatible,
    }
}

/// The changes of one thing present in both specs.
fn changed(old: &Fact, new: &Fact) -> Vec<WireChange> {
    let mut out = Vec::new();
    let mut push = |class: Wire, line: usize, in_base: bool, change: String| {
        out.push(WireChange {
            class,
            line,
            in_base,
            owner: new.owner.clone(),
            subject: new.subject.clone(),
            change,
        });
    };
    if old.required != new.required
        && matches!(new.role, Role::Parameter | Role::Field | Role::Body)
    {
        let (dir, words) = compare(
            "required",
            Some(&Value::Bool(old.required)),
            Some(&Value::Bool(new.required)),
        );
        push(class_of(dir, new.flow), new.pos.line, false, words);
    }
    let names: BTreeSet<&String> = old.facets.keys().chain(new.facets.keys()).collect();
    for name in names {
        let (a, b) = (old.facets.get(name), new.facets.get(name));
        if a.map(|(v, _)| v) == b.map(|(v, _)| v) {
            continue;
        }
        let (dir, words) = compare(name, a.map(|(v, _)| v), b.map(|(v, _)| v));
        let (line, in_base) = match (b, a) {
            (Some((_, pos)), _) => (pos.line, false),
            (None, Some((_, pos))) => (pos.line, true),
            (None, None) => (new.pos.line, false),
        };
        push(class_of(dir, new.flow), line, in_base, words);
    }
    if old.text != new.text {
        let what = if old.role == Role::Operation {
            "text edited (summary, description or examples)"
        } else {
            "text edited (description or examples)"
        };
        push(Wire::Text, new.pos.line, false, what.into());
    }
    out
}

/// A Rust API change's semver class, as the Cargo book's SemVer
/// compatibility rules (and cargo-semver-checks) class them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Bump {
    /// Nothing a user's code can see.
    Patch,
    /// Something new; every user's code still compiles.
    Minor,
    /// Some user's code may stop compiling.
    Major,
}

impl fmt::Display for Bump {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Bump::Patch => "patch",
            Bump::Minor => "minor",
            Bump::Major => "major",
        })
    }
}

/// One change of the public Rust API.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RustChange {
    /// Its class.
    pub bump: Bump,
    /// What changed, and why it is of that class.
    pub what: String,
}

/// One item of a surface listing: its line and its members' lines.
struct Item<'a> {
    header: &'a str,
    members: Vec<&'a str>,
}

/// The item's identity: its kind and path, without what may change.
fn item_key(header: &str) -> String {
    let cut = |s: &str, at: &[char]| s.find(at).map_or(s.to_string(), |i| s[..i].to_string());
    if let Some(rest) = header.strip_prefix("struct ") {
        return format!("struct {}", cut(rest, &['<', '(']));
    }
    if let Some(rest) = header.strip_prefix("fn ") {
        // The path without generics: `builder::List<'a>::muted<V>` is
        // `builder::List::muted`.
        let mut depth = 0usize;
        let path: String = (cut(rest, &['(']).chars())
            .filter(|c| {
                let keep = depth == 0 && *c != '<';
                match c {
                    '<' => depth += 1,
                    '>' => depth = depth.saturating_sub(1),
                    _ => {}
                }
                keep && *c != '>'
            })
            .collect();
        return format!("fn {path}");
    }
    header.to_string()
}

fn items(listing: &str) -> BTreeMap<String, Item<'_>> {
    let mut out: BTreeMap<String, Item> = BTreeMap::new();
    let mut current: Option<String> = None;
    for line in listing.lines().filter(|l| !l.trim().is_empty()) {
        if line.starts_with(' ') {
            if let Some(item) = current.as_ref().and_then(|k| out.get_mut(k)) {
                item.members.push(line.trim());
            }
            continue;
        }
        let key = item_key(line);
        out.entry(key.clone()).or_insert(Item {
            header: line,
            members: Vec::new(),
        });
        current = Some(key);
    }
    out
}

/// A member's name: a field's before `:`, a variant's before ` = `.
fn member_name(member: &str) -> &str {
    member.split([':', ' ']).next().unwrap_or(member)
}

/// The changes between two listings of [`crate::surface::surface`]
/// (`base` before the edit, `head` after), majors first.
pub fn rust_changes(base: &str, head: &str) -> Vec<RustChange> {
    let (old, new) = (items(base), items(head));
    let mut out = Vec::new();
    let mut push = |bump, what: String| out.push(RustChange { bump, what });
    for (key, before) in &old {
        let Some(after) = new.get(key) else {
            let shown = if key.starts_with("fn ") {
                key
            } else {
                before.header
            };
            push(Bump::Major, format!("removed: {shown}"));
            continue;
        };
        if before.header != after.header {
            push(
                Bump::Major,
                format!("changed: {} -> {}", before.header, after.header),
            );
        }
        let is_enum = key.starts_with("enum ");
        let by_name = |item: &Item<'_>| -> BTreeMap<String, String> {
            (item.members.iter())
                .map(|m| (member_name(m).to_string(), m.to_string()))
                .collect()
        };
        let (was, is) = (by_name(before), by_name(after));
        for (name, line) in &was {
            match is.get(name) {
                None if is_enum => push(Bump::Major, format!("{key}: variant `{name}` removed")),
                None => push(Bump::Major, format!("{key}: field `{name}` removed")),
                // A variant's wire name is serde's business, not the API's.
                Some(_) if is_enum => {}
                Some(now) if now != line => {
                    push(Bump::Major, format!("{key}: field `{line}` is now `{now}`"));
                }
                Some(_) => {}
            }
        }
        for name in is.keys().filter(|n| !was.contains_key(*n)) {
            if is_enum {
                // Every match on the enum that lists its variants stops
                // compiling (it is not `#[non_exhaustive]`).
                push(
                    Bump::Major,
                    format!("{key}: variant `{name}` added (exhaustive enum)"),
                );
            } else if !was.is_empty() {
                // Every struct literal of it stops compiling.
                push(
                    Bump::Major,
                    format!("{key}: field `{name}` added (users build it with struct literals)"),
                );
            } else {
                push(Bump::Minor, format!("{key}: field `{name}` added"));
            }
        }
    }
    for (key, after) in &new {
        if !old.contains_key(key) {
            let shown = if key.starts_with("fn ") {
                key
            } else {
                after.header
            };
            push(Bump::Minor, format!("added: {shown}"));
        }
    }
    out.sort_by_key(|c| std::cmp::Reverse(c.bump));
    out
}

/// A crate version, `MAJOR.MINOR.PATCH`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Version(pub u64, pub u64, pub u64);

impl Version {
    /// Reads `1.2.3` (a pre-release or build suffix is refused).
    pub fn parse(text: &str) -> Option<Version> {
        let mut parts = text.trim().split('.').map(|p| p.parse::<u64>().ok());
        let v = Version(parts.next()??, parts.next()??, parts.next()??);
        parts.next().is_none().then_some(v)
    }

    /// The smallest version after `self` that a change of class `bump`
    /// needs. Before 1.0, cargo takes `0.y` as the major part: a major
    /// change bumps `y`, any other `z`.
    pub fn bumped(self, bump: Bump) -> Version {
        let Version(major, minor, patch) = self;
        match (major, bump) {
            (0, Bump::Major) => Version(0, minor + 1, 0),
            (0, _) => Version(0, minor, patch + 1),
            (_, Bump::Major) => Version(major + 1, 0, 0),
            (_, Bump::Minor) => Version(major, minor + 1, 0),
            (_, Bump::Patch) => Version(major, minor, patch + 1),
        }
    }

    /// Whether `self` (the version a crate has) may follow `released` after
    /// a change of class `bump`: it is at least [`Version::bumped`], or for
    /// a patch-level change it is still `released` (nothing forces a
    /// release).
    pub fn covers(self, released: Version, bump: Bump) -> bool {
        self >= released.bumped(bump) || (bump == Bump::Patch && self >= released)
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.0, self.1, self.2)
    }
}

/// What an edit changes: on the wire and in the Rust API.
#[derive(Clone, Debug, Default)]
pub struct Review {
    /// The wire changes, most disruptive first.
    pub wire: Vec<WireChange>,
    /// The Rust API changes, majors first.
    pub rust: Vec<RustChange>,
}

impl Review {
    /// Compares two specs and the surface listings generated from them.
    pub fn new(base: &Spec, head: &Spec, base_surface: &str, head_surface: &str) -> Review {
        Review {
            wire: wire_changes(base, head),
            rust: rust_changes(base_surface, head_surface),
        }
    }

    /// The worst wire class, if anything changed on the wire.
    pub fn wire_class(&self) -> Option<Wire> {
        self.wire.iter().map(|c| c.class).reduce(Wire::and)
    }

    /// The Rust API's class: [`Bump::Patch`] when nothing public changed.
    pub fn rust_bump(&self) -> Bump {
        self.rust
            .iter()
            .map(|c| c.bump)
            .max()
            .unwrap_or(Bump::Patch)
    }

    /// The bump the crates need: the larger of the Rust API's and the
    /// wire's ([`Wire::bump`]).
    pub fn bump(&self) -> Bump {
        let wire = self.wire_class().map_or(Bump::Patch, Wire::bump);
        wire.max(self.rust_bump())
    }

    /// Whether anything but text changed (on the wire or in the API).
    pub fn changes_something(&self) -> bool {
        self.wire.iter().any(|c| c.class != Wire::Text) || !self.rust.is_empty()
    }

    /// The wire changes grouped: one line per change at one place (a
    /// component schema used by many fields is one line), with what it
    /// touches. `file` is the spec's path as shown.
    pub fn wire_lines(&self, file: &str) -> Vec<(Wire, String)> {
        let mut groups: Vec<(Wire, usize, bool, String, Vec<String>)> = Vec::new();
        for c in &self.wire {
            let touched = match c.subject.as_str() {
                "operation" => c.owner.clone(),
                subject => format!("{} {subject}", c.owner),
            };
            match groups
                .iter_mut()
                .find(|g| (g.0, g.1, g.2, &g.3) == (c.class, c.line, c.in_base, &c.change))
            {
                Some(group) => group.4.push(touched),
                None => groups.push((c.class, c.line, c.in_base, c.change.clone(), vec![touched])),
            }
        }
        groups
            .into_iter()
            .map(|(class, line, in_base, change, touched)| {
                let at = if in_base {
                    format!("{file}:{line} (before the edit)")
                } else {
                    format!("{file}:{line}")
                };
                let shown = if touched.len() > 3 {
                    format!("{} and {} more", touched[..3].join("; "), touched.len() - 3)
                } else {
                    touched.join("; ")
                };
                (class, format!("{at}: {shown}: {change}"))
            })
            .collect()
    }
}
