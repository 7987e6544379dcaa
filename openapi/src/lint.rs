//! The spec lint: the rules that exist because of the generator and this
//! pipeline, each reported with `file:line:col`, all problems at once.
//!
//! The contract: a spec the lint accepts never makes the generator panic or
//! silently drop a part of it. Generic OpenAPI rules (examples valid against
//! their schemas, enum values of the schema's type...) are Redocly's, in
//! `redocly.yaml`; this lint runs where Redocly cannot (the build).

use std::collections::{BTreeSet, HashMap};

use serde_json::Value;

use crate::diag::{Diagnostics, Sink};
use crate::yaml::{self, Kind, Node, Pos};

/// HTTP methods an OpenAPI 3.0 path item may hold.
pub const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

const SCHEMA_TYPES: &str = "string, number, integer, boolean, array, object";
const SCALARS: [&str; 4] = ["string", "number", "integer", "boolean"];
/// The request body media types progenitor 0.15 generates code for.
const BODY_TYPES: &str = "application/json, application/x-www-form-urlencoded, application/octet-stream, text/plain, text/x-markdown";

/// The mappings whose keys are names (of properties, schemas, responses...),
/// not keywords.
const NAME_MAPS: [&str; 14] = [
    "properties",
    "schemas",
    "responses",
    "parameters",
    "examples",
    "requestBodies",
    "headers",
    "securitySchemes",
    "links",
    "callbacks",
    "content",
    "paths",
    "variables",
    "encoding",
];
/// Keywords that constrain a value of some type: without a `type` beside
/// them, the generator cannot tell which (typify 0.8 panics).
const TYPED_KEYWORDS: [&str; 14] = [
    "format",
    "pattern",
    "enum",
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
    "multipleOf",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "items",
    "minItems",
    "maxItems",
    "uniqueItems",
];

/// The extensions the spec may carry: provenance, and which events
/// (`ConferenceEventName`) each value of a subscription enum stands for.
const EXTENSIONS: [&str; 5] = [
    "x-sources",
    "x-decision",
    "x-events",
    SAFE_TO_REPEAT,
    BOUND_OF,
];

/// On a query parameter named `Name<` or `Name>`: the parameter `Name` it
/// bounds (on or before, on or after, D38). The generator's view leaves it
/// out (it would be `Name`'s builder method again); the client adds it.
pub const BOUND_OF: &str = "x-bound-of";

/// Whether a request may be sent again after a try that may have been
/// applied: required on every operation, and `false` on a request body
/// property that makes any request setting it unsafe to repeat (the
/// generator gives both to the client's retry policy as facts).
pub const SAFE_TO_REPEAT: &str = "x-safe-to-repeat";

/// The one extension a document's root may also have: the webhooks the
/// provider sends to the application, as a 3.0 document can carry them (D26).
pub const WEBHOOKS: &str = "x-webhooks";

/// Every problem the lint reports, worded once. `{op}` is the operation
/// (`GET /path`).
#[derive(Debug, thiserror::Error)]
enum Problem {
    #[error("the file is not UTF-8 text (byte 0x{0:02X}); is it a binary file?")]
    NotUtf8(u8),
    #[error("the file contains a control character; is it a binary file?")]
    ControlCharacter,
    #[error("a carriage return without a line feed (old Mac line endings); use LF or CRLF")]
    LoneCarriageReturn,
    #[error("the file is empty; expected an OpenAPI 3.0 document")]
    Empty,
    #[error("the document is not a mapping; expected one with `openapi`, `info` and `paths`")]
    NotAMapping,
    #[error("`openapi` is {0}: progenitor reads OpenAPI 3.0.x only (use \"3.0.3\")")]
    Version(String),
    #[error("`$ref: {0}` points outside this file; only local references (`#/...`) are supported")]
    ExternalRef(String),
    #[error("`$ref: {0}` does not resolve")]
    UnresolvedRef(String),
    #[error("unknown schema type {0}; expected one of {SCHEMA_TYPES}")]
    SchemaType(Value),
    #[error("`not` is not supported by the generator (typify 0.8 panics on it)")]
    Not,
    #[error("`{0}` needs a `type` beside it: the generator cannot tell what it constrains")]
    Untyped(String),
    #[error("`{0}` must be true or false, found {1}")]
    NotBoolean(&'static str, Value),
    #[error("the enum value {0} is not of the schema's type `{1}` (null needs `nullable: true`)")]
    EnumValueType(Value, String),
    #[error("`pattern` is not a valid ECMAScript regular expression: {0}")]
    Pattern(String),
    #[error(
        "unknown extension `{0}`; the spec uses only x-sources, x-decision, x-events, x-safe-to-repeat and x-bound-of"
    )]
    Extension(String),
    #[error("`x-events` key `{0}` is not a value of this schema's enum")]
    EventsKey(String),
    #[error("`x-events` must map each enum value to a non-empty list of event names, found {0}")]
    EventsShape(Value),
    #[error("`{WEBHOOKS}` must be a mapping of webhook names to path items, found {0}")]
    WebhooksNotAMapping(Value),
    #[error(
        "{0} `{1}` has no `x-sources`: name the documents that describe it (the sources in RECONCILIATION.md)"
    )]
    NoSources(&'static str, String),
    #[error("`x-sources` must be a non-empty list of source ids")]
    EmptySources,
    #[error("unknown source {0}; RECONCILIATION.md lists {1}")]
    UnknownSource(Value, String),
    #[error("`x-decision: {0}` is not a row of RECONCILIATION.md")]
    UnknownDecision(Value),
    #[error("a `$ref` path item is not supported by the generator; write the operations here")]
    PathItemRef,
    #[error(
        "parameter `{0}` and parameter `{1}` both become the builder method `{2}`: the generated code would not compile (the generator drops the characters an identifier cannot hold)"
    )]
    ParameterNamesCollide(String, String, String),
    #[error(
        "property `{0}` is required and holds a `oneOf` with a nullable alternative: the generator reads such a null only as an absent optional property; make `{0}` optional"
    )]
    RequiredNullableAlternative(String),
    #[error(
        "`{BOUND_OF}: {1}` on parameter `{0}`: a bound is a query parameter named after the one it bounds and `<` or `>` (`{1}<`, `{1}>`), beside it in the operation"
    )]
    BadBound(String, String),
    #[error("{0} has no `operationId`; the generator names methods after it")]
    NoOperationId(String),
    #[error(
        "{0} has no `x-safe-to-repeat`; say whether a retry after a try that may have been applied is safe (a create is not)"
    )]
    NoSafeToRepeat(String),
    #[error("duplicate operationId `{0}` (first used at line {1})")]
    DuplicateOperationId(String, usize),
    #[error("cookie parameters are not supported by the generator")]
    Cookie,
    #[error(
        "parameter `{0}` is {1}; the generator takes only scalar parameters (string, number, integer, boolean)"
    )]
    NotScalarParameter(String, String),
    #[error("path parameter `{0}` must have `required: true`")]
    PathParameterOptional(String),
    #[error("path parameter `{0}` does not appear in the path template")]
    NotInTemplate(String),
    #[error("{0}: the path uses `{{{1}}}` but declares no path parameter `{1}`")]
    Undeclared(String, String),
    #[error("{0} has no `responses`")]
    NoResponses(String),
    #[error(
        "{0}: a `default` response is not supported (progenitor refuses a 200 beside it); declare `4XX` and `5XX` with the error schema"
    )]
    DefaultResponse(String),
    #[error("{0} declares {1} success responses; the generator needs exactly one")]
    Successes(String, usize),
    #[error("{0} declares no {1} response with a JSON error schema")]
    NoErrorResponse(String, &'static str),
    #[error(
        "{0}: every error response must have the same schema (the generator keeps one error type); `{1}` differs from `{2}`"
    )]
    ErrorSchemas(String, String, String),
    #[error("{0}: a request body must have exactly one media type for the generator, found {1}")]
    MediaTypes(String, usize),
    #[error("{0}: an `encoding` block is not supported by the generator")]
    Encoding(String),
    #[error("{0}: the generator cannot send a `{1}` body; use one of {BODY_TYPES}")]
    BodyType(String, String),
    #[error("{0}: a form body must be `type: object`")]
    FormNotObject(String),
    #[error(
        "{0}: a form body cannot take arbitrary extra fields (`additionalProperties`): keep it flat"
    )]
    FormExtra(String),
    #[error(
        "{0}: form field `{1}` is {2}; form bodies must be flat scalars (string, boolean, integer, number)"
    )]
    FormNotFlat(String, String, String),
    #[error(
        "{0}: form field `{1}` is an array of {2}; an array field must hold scalars (sent as repeated keys)"
    )]
    FormArrayNotFlat(String, String, String),
    #[error("not a valid OpenAPI 3.0 document at `{0}`: {1}")]
    Model(String, String),
    #[error(
        "unknown key `{0}`: the generator's OpenAPI 3.0 model does not read it here (a typo, or a sibling of `$ref`?)"
    )]
    Dropped(String),
}

/// A spec that passed the lint.
#[derive(Clone, Debug)]
pub struct Spec {
    /// The file name used in messages.
    pub file: String,
    /// The spec's text.
    pub text: String,
    /// The YAML tree, with positions.
    pub tree: Node,
    /// The same document, typed.
    pub openapi: openapiv3::OpenAPI,
}

/// Lints `bytes` (the content of `file`) and returns the parsed spec, or
/// every problem found. `reconciliation` is the text of RECONCILIATION.md:
/// with it, every property and parameter must name its sources, and every
/// `x-sources` and `x-decision` must be one of its rows. Never panics,
/// whatever the input.
pub fn lint(file: &str, bytes: &[u8], reconciliation: Option<&str>) -> Result<Spec, Diagnostics> {
    let outcome = std::panic::catch_unwind(|| lint_inner(file, bytes, reconciliation));
    outcome.unwrap_or_else(|_| {
        let message =
            "internal error: the lint crashed on this input; please report it with the file";
        Err(refused(file, "", Pos { line: 1, col: 1 }, message))
    })
}

fn refused(file: &str, text: &str, pos: Pos, problem: impl ToString) -> Diagnostics {
    let mut sink = Sink::new(file, text);
    sink.push(pos, problem.to_string());
    sink.finish().unwrap_err()
}

fn lint_inner(file: &str, bytes: &[u8], reconciliation: Option<&str>) -> Result<Spec, Diagnostics> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let valid = std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or_default();
        refused(
            file,
            valid,
            pos_of_offset(valid, valid.len()),
            Problem::NotUtf8(bytes[e.valid_up_to()]),
        )
    })?;
    if let Some(at) = text.find(|c: char| c.is_control() && !"\t\n\r".contains(c)) {
        return Err(refused(
            file,
            text,
            pos_of_offset(text, at),
            Problem::ControlCharacter,
        ));
    }
    // YAML reads a lone CR as a line break, `str::lines` does not: refused,
    // so that every line number means the same line to both.
    if let Some(at) = text
        .match_indices('\r')
        .find(|(at, _)| !text[at + 1..].starts_with('\n'))
    {
        return Err(refused(
            file,
            text,
            pos_of_offset(text, at.0),
            Problem::LoneCarriageReturn,
        ));
    }
    let mut sink = Sink::new(file, text);
    let tree = match yaml::parse(text) {
        Ok(Some(tree)) if matches!(tree.kind, Kind::Map(_)) => tree,
        Ok(Some(tree)) => return Err(refused(file, text, tree.pos, Problem::NotAMapping)),
        Ok(None) => return Err(refused(file, text, Pos { line: 1, col: 1 }, Problem::Empty)),
        Err(errors) => {
            errors.into_iter().for_each(|e| sink.push(e.pos, e.message));
            return Err(sink.finish().unwrap_err());
        }
    };
    check_version(&tree, &mut sink);
    check_refs(&tree, &tree, &mut sink);
    // With the reconciliation (the project's own rules, as for provenance),
    // every operation says whether it is safe to repeat.
    check_operations(&tree, reconciliation.is_some(), &mut sink);
    let rows = reconciliation.map(|r| (first_cells(r, "Sources"), first_cells(r, "Decisions")));
    let mut all = Vec::new();
    mappings(&tree, Role::Object, &mut all);
    for (role, node) in all {
        let root = std::ptr::eq(node, &tree);
        check_mapping(role, node, root, rows.as_ref(), &mut sink);
        if role == Role::Schema {
            check_required_nullable_alternatives(&tree, node, &mut sink);
        }
    }
    // The typed model last: it stops at its first error, and the rules
    // above say more precisely where most of them are.
    sink.finish()?;
    let json = tree.to_json();
    let openapi =
        serde_path_to_error::deserialize::<_, openapiv3::OpenAPI>(json.clone()).map_err(|e| {
            let (node, path) = locate(&tree, e.path());
            refused(
                file,
                text,
                node.pos,
                Problem::Model(path, e.inner().to_string()),
            )
        })?;
    let mut sink = Sink::new(file, text);
    check_nothing_dropped(
        &json,
        &serde_json::to_value(&openapi).unwrap_or_default(),
        &tree,
        &mut sink,
    );
    if let Some(webhooks) = tree.get(WEBHOOKS) {
        check_webhooks_model(webhooks, &mut sink);
    }
    sink.finish()?;
    Ok(Spec {
        file: file.to_string(),
        text: text.to_string(),
        tree,
        openapi,
    })
}

/// A required property may not hold a `oneOf` with a nullable alternative
/// (`NumberOrText`, D40): the generator's view drops that `nullable`, which
/// only an optional property (read as absent) can do without.
fn check_required_nullable_alternatives(root: &Node, schema: &Node, sink: &mut Sink) {
    let (Some(required), Some(properties)) = (schema.get("required"), schema.get("properties"))
    else {
        return;
    };
    for name in required.items().iter().filter_map(Node::as_str) {
        let property = properties.get(name).and_then(|p| p.resolve(root));
        let alternatives = property.and_then(|p| p.get("oneOf")).map(Node::items);
        let nullable = alternatives.unwrap_or_default().iter().any(|a| {
            let a = a.resolve(root);
            a.and_then(|a| a.get("nullable")).map(|n| &n.kind) == Some(&Kind::Bool(true))
        });
        if nullable {
            let at = properties.entries().iter().find(|(k, _)| k.name == name);
            let pos = at.map_or(required.pos, |(k, _)| k.pos);
            sink.push(pos, Problem::RequiredNullableAlternative(name.to_string()));
        }
    }
}

/// The webhooks as the typed model reads path items (its 3.0 document has
/// no webhooks, so it skips `x-webhooks` whole): each must be a valid path
/// item that loses no key, as each of `paths` must, or a typo such as
/// `requsetBody` would silently leave the webhook's body unchecked.
fn check_webhooks_model(webhooks: &Node, sink: &mut Sink) {
    let items = webhooks.entries().iter();
    for (name, item) in items.filter(|(k, _)| !k.name.starts_with("x-")) {
        let json = item.to_json();
        match serde_path_to_error::deserialize::<_, openapiv3::PathItem>(json.clone()) {
            Ok(read) => {
                let read = serde_json::to_value(&read).unwrap_or_default();
                check_nothing_dropped(&json, &read, item, sink);
            }
            Err(e) => {
                let (node, path) = locate(item, e.path());
                let at = match path.as_str() {
                    "." => format!("{WEBHOOKS}.{}", name.name),
                    path => format!("{WEBHOOKS}.{}.{path}", name.name),
                };
                sink.push(node.pos, Problem::Model(at, e.inner().to_string()));
            }
        }
    }
}

/// The 1-based position of a byte offset in `text`.
fn pos_of_offset(text: &str, offset: usize) -> Pos {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    Pos { line, col }
}

/// The deepest node on a serde path, and the path as text.
fn locate<'a>(tree: &'a Node, path: &serde_path_to_error::Path) -> (&'a Node, String) {
    use serde_path_to_error::Segment;
    let mut node = tree;
    for segment in path.iter() {
        let next = match segment {
            Segment::Map { key } => node.get(key),
            Segment::Seq { index } => node.items().get(*index),
            Segment::Enum { .. } | Segment::Unknown => None,
        };
        let Some(next) = next else { break };
        node = next;
    }
    (node, path.to_string())
}

fn check_version(tree: &Node, sink: &mut Sink) {
    let version = tree.get("openapi");
    let minor = version
        .and_then(Node::as_str)
        .and_then(|s| s.strip_prefix("3.0."));
    if !minor.is_some_and(|m| !m.is_empty() && m.bytes().all(|b| b.is_ascii_digit())) {
        let found = version.map_or("missing".into(), |v| v.to_json().to_string());
        sink.push(version.map_or(tree.pos, |v| v.pos), Problem::Version(found));
    }
}

/// Every `$ref` is a local reference to something that exists (the
/// generator panics on anything else).
fn check_refs(node: &Node, root: &Node, sink: &mut Sink) {
    for (key, value) in node.entries() {
        match (key.name.as_str(), value.as_str()) {
            ("$ref", Some(r)) if !r.starts_with("#/") => {
                sink.push(value.pos, Problem::ExternalRef(r.into()))
            }
            ("$ref", Some(r)) if root.pointer(&r[1..]).is_none() => {
                sink.push(value.pos, Problem::UnresolvedRef(r.into()))
            }
            _ => check_refs(value, root, sink),
        }
    }
    node.items().iter().for_each(|i| check_refs(i, root, sink));
}

/// What a mapping of the document is, from where it sits: which rules apply
/// depends on it, not on the key it sits under alone (a property may be
/// called `content` or `not`).
#[derive(Clone, Copy, PartialEq)]
enum Role<'a> {
    /// A Schema Object: every schema keyword rule applies.
    Schema,
    /// Any other object (operation, media type...): its keys are keywords,
    /// and only the provenance extensions are allowed.
    Object,
    /// A Parameter Object, wherever it is declared (components, a path
    /// item's or an operation's `parameters`): an object that must name its
    /// sources, unless it is a `$ref`.
    Parameter,
    /// An Example or Link Object: checked as an object, its free-form values
    /// (an example's `value`, a link's `parameters` and `requestBody`) not
    /// entered.
    Example,
    /// A security scheme: its `type` is not a schema type; not checked.
    Unchecked,
    /// A map whose keys are names (of properties, schemas, paths...), under
    /// this keyword, each value an element of the given kind.
    Names(&'a str, Elements),
}

/// What the values of a names map (or the items of a list) are.
#[derive(Clone, Copy, PartialEq)]
enum Elements {
    Schemas,
    Objects,
    Parameters,
    Examples,
    Unchecked,
}

impl Elements {
    fn role<'a>(self) -> Role<'a> {
        match self {
            Elements::Schemas => Role::Schema,
            Elements::Objects => Role::Object,
            Elements::Parameters => Role::Parameter,
            Elements::Examples => Role::Example,
            Elements::Unchecked => Role::Unchecked,
        }
    }
}

/// Every mapping of the document with its role. Example values, defaults,
/// enums and extensions are free-form, so not entered.
fn mappings<'a>(node: &'a Node, role: Role<'a>, out: &mut Vec<(Role<'a>, &'a Node)>) {
    if matches!(node.kind, Kind::Map(_)) {
        out.push((role, node));
    }
    match role {
        Role::Example | Role::Unchecked => {}
        Role::Names(under, elements) => {
            for (key, value) in node.entries() {
                // The `x-` keys of paths, webhooks and responses are
                // extensions, not names.
                let keywords = matches!(under, "paths" | "responses" | WEBHOOKS);
                if !(keywords && key.name.starts_with("x-")) {
                    mappings(value, elements.role(), out);
                }
            }
        }
        Role::Schema | Role::Object | Role::Parameter => {
            let schema = role == Role::Schema;
            for (key, value) in node.entries() {
                let name = key.name.as_str();
                // The webhooks (D26) are a names map of path items, as `paths` is.
                if name == WEBHOOKS && role == Role::Object {
                    mappings(value, Role::Names(WEBHOOKS, Elements::Objects), out);
                    continue;
                }
                if matches!(name, "example" | "default" | "enum") || name.starts_with("x-") {
                    continue;
                }
                let elements = match name {
                    "properties" if schema => Some(Elements::Schemas),
                    "schemas" if !schema => Some(Elements::Schemas),
                    "parameters" if !schema => Some(Elements::Parameters),
                    "examples" | "links" if !schema => Some(Elements::Examples),
                    "securitySchemes" if !schema => Some(Elements::Unchecked),
                    _ if !schema && NAME_MAPS.contains(&name) => Some(Elements::Objects),
                    _ => None,
                };
                let element = match name {
                    "items" | "additionalProperties" | "not" | "allOf" | "anyOf" | "oneOf"
                        if schema =>
                    {
                        Role::Schema
                    }
                    "schema" => Role::Schema,
                    _ => elements.map_or(Role::Object, Elements::role),
                };
                // A map under a names keyword is a names map; a list under
                // one (an operation's `parameters`) holds its elements.
                let map = elements.map_or(element, |e| Role::Names(name, e));
                mappings(value, map, out);
                value.items().iter().for_each(|i| mappings(i, element, out));
            }
        }
    }
}

/// The rules every mapping is held to, by its role: the schema keywords on
/// schemas, the allowed extensions on every object, and, with the
/// reconciliation's rows, provenance on every property and parameter.
fn check_mapping(
    role: Role<'_>,
    node: &Node,
    root: bool,
    rows: Option<&(BTreeSet<String>, BTreeSet<String>)>,
    sink: &mut Sink,
) {
    match role {
        Role::Schema => check_schema_keywords(node, sink),
        Role::Object if root => {
            let entries = node.entries().iter().filter(|(k, _)| k.name != WEBHOOKS);
            check_extensions(&entries.cloned().collect::<Vec<_>>(), sink)
        }
        Role::Object | Role::Parameter | Role::Example => check_extensions(node.entries(), sink),
        Role::Names("paths" | "responses" | WEBHOOKS, _) => check_extensions(node.entries(), sink),
        Role::Names(..) | Role::Unchecked => {}
    }
    if let Some(events) = node.get("x-events") {
        check_events(node, events, sink);
    }
    let Some((sources, decisions)) = rows else {
        return;
    };
    if let Role::Names("properties", _) = role {
        for (name, _) in node
            .entries()
            .iter()
            .filter(|(_, p)| p.get("$ref").is_none() && p.get("x-sources").is_none())
        {
            sink.push(name.pos, Problem::NoSources("property", name.name.clone()));
        }
    }
    if role == Role::Parameter && node.get("$ref").is_none() && node.get("x-sources").is_none() {
        let name = node.get("name").map_or_else(String::new, |n| {
            n.as_str()
                .map_or_else(|| n.to_json().to_string(), str::to_string)
        });
        sink.push(node.pos, Problem::NoSources("parameter", name));
    }
    if let Some(list) = node.get("x-sources") {
        if list.items().is_empty() {
            sink.push(list.pos, Problem::EmptySources);
        }
        let known = sources.iter().cloned().collect::<Vec<_>>().join(", ");
        for s in list
            .items()
            .iter()
            .filter(|s| !s.as_str().is_some_and(|s| sources.contains(s)))
        {
            sink.push(s.pos, Problem::UnknownSource(s.to_json(), known.clone()));
        }
    }
    if let Some(d) = node
        .get("x-decision")
        .filter(|d| !d.as_str().is_some_and(|d| decisions.contains(d)))
    {
        sink.push(d.pos, Problem::UnknownDecision(d.to_json()));
    }
}

/// `x-events` names, for each value of its schema's enum (directly or in an
/// `anyOf` alternative), the event names it stands for.
fn check_events(schema: &Node, events: &Node, sink: &mut Sink) {
    let alternatives = schema.get("anyOf").map(Node::items).unwrap_or_default();
    let enums = std::iter::once(schema).chain(alternatives);
    let values: Vec<&str> = enums
        .filter_map(|s| s.get("enum"))
        .flat_map(Node::items)
        .filter_map(Node::as_str)
        .collect();
    if events.entries().is_empty() {
        sink.push(events.pos, Problem::EventsShape(events.to_json()));
    }
    for (key, list) in events.entries() {
        if !values.contains(&key.name.as_str()) {
            sink.push(key.pos, Problem::EventsKey(key.name.clone()));
        }
        let names = list.items();
        if names.is_empty() || names.iter().any(|n| n.as_str().is_none()) {
            sink.push(list.pos, Problem::EventsShape(list.to_json()));
        }
    }
}

/// The schema keywords the generator needs (a known `type`, boolean flags, a
/// `pattern` the ECMAScript engine of the generated code compiles, a `type`
/// beside any keyword that constrains one, no `not`), and only the
/// provenance extensions.
fn check_schema_keywords(node: &Node, sink: &mut Sink) {
    if let Some(ty) = node.get("type").filter(|t| {
        !t.as_str()
            .is_some_and(|t| SCHEMA_TYPES.split(", ").any(|k| k == t))
    }) {
        sink.push(ty.pos, Problem::SchemaType(ty.to_json()));
    }
    if let Some((key, _)) = node.entries().iter().find(|(k, _)| k.name == "not") {
        sink.push(key.pos, Problem::Not);
    }
    // An enum value of another type than the schema's: the generator stops
    // on it ("unexpected value type"), and no value of the type matches it.
    if let (Some(ty), Some(values)) = (node.get("type").and_then(Node::as_str), node.get("enum")) {
        let nullable = node
            .get("nullable")
            .is_some_and(|n| matches!(n.kind, Kind::Bool(true)));
        for value in values.items() {
            let fits = match (&value.kind, ty) {
                (Kind::Str(_), "string") | (Kind::Bool(_), "boolean") => true,
                (Kind::Int(_), "integer" | "number") | (Kind::Float(_), "number") => true,
                (Kind::Null, _) => nullable,
                _ => false,
            };
            if !fits {
                sink.push(
                    value.pos,
                    Problem::EnumValueType(value.to_json(), ty.to_string()),
                );
            }
        }
    }
    let typed = ["type", "$ref", "allOf", "anyOf", "oneOf", "properties"];
    if !typed.iter().any(|k| node.get(k).is_some())
        && let Some((key, _)) = node
            .entries()
            .iter()
            .find(|(k, _)| TYPED_KEYWORDS.contains(&k.name.as_str()))
    {
        sink.push(key.pos, Problem::Untyped(key.name.clone()));
    }
    for flag in [
        "nullable",
        "deprecated",
        "readOnly",
        "writeOnly",
        SAFE_TO_REPEAT,
    ] {
        if let Some(n) = node.get(flag).filter(|n| !matches!(n.kind, Kind::Bool(_))) {
            sink.push(n.pos, Problem::NotBoolean(flag, n.to_json()));
        }
    }
    if let Some(p) = node.get("pattern")
        && let Some(Err(e)) = p.as_str().map(regress::Regex::new)
    {
        sink.push(p.pos, Problem::Pattern(e.to_string()));
    }
    check_extensions(node.entries(), sink);
}

/// Only the provenance extensions: any other `x-` key is a typo, or a vendor
/// extension nothing here reads. (In paths and responses, the keys that are
/// not names.)
fn check_extensions(entries: &[(yaml::Key, Node)], sink: &mut Sink) {
    for (key, _) in entries
        .iter()
        .filter(|(k, _)| k.name.starts_with("x-") && !EXTENSIONS.contains(&k.name.as_str()))
    {
        sink.push(key.pos, Problem::Extension(key.name.clone()));
    }
}

/// The ids in the first column of the table under `## {section}`.
fn first_cells(markdown: &str, section: &str) -> BTreeSet<String> {
    let Some((_, rest)) = markdown.split_once(&format!("## {section}\n")) else {
        return BTreeSet::new();
    };
    let table = rest.split("\n## ").next().unwrap_or_default();
    let cells = table
        .lines()
        .filter_map(|l| l.strip_prefix("| ")?.split(" |").next());
    cells.skip(1).map(str::to_string).collect()
}

fn check_operations(tree: &Node, decided: bool, sink: &mut Sink) {
    let mut ids: HashMap<&str, Pos> = HashMap::new();
    let paths = tree.get("paths").map(Node::entries).unwrap_or_default();
    let webhooks = tree.get(WEBHOOKS);
    if let Some(w) = webhooks.filter(|w| !matches!(w.kind, Kind::Map(_))) {
        sink.push(w.pos, Problem::WebhooksNotAMapping(w.to_json()));
    }
    let webhooks = webhooks.map(Node::entries).unwrap_or_default();
    let items = paths.iter().map(|p| (p, false));
    let items = items.chain(webhooks.iter().map(|w| (w, true)));
    // An `x-` key of either is an extension (checked as one), not an item.
    for ((path_key, item), webhook) in items.filter(|((k, _), _)| !k.name.starts_with("x-")) {
        if item.get("$ref").is_some() {
            sink.push(item.pos, Problem::PathItemRef);
        }
        let names = path_key
            .name
            .split('{')
            .skip(1)
            .filter_map(|rest| rest.split_once('}'));
        let template: BTreeSet<&str> = names.map(|(name, _)| name).collect();
        for (method, op) in item
            .entries()
            .iter()
            .filter(|(m, _)| METHODS.contains(&m.name.as_str()))
        {
            let what = match webhook {
                false => format!("{} {}", method.name.to_uppercase(), path_key.name),
                true => format!("webhook {} ({})", path_key.name, method.name.to_uppercase()),
            };
            match op
                .get("operationId")
                .map(|id| (id, id.as_str().unwrap_or_default()))
            {
                None => sink.push(method.pos, Problem::NoOperationId(what.clone())),
                Some((id, name)) => match ids.get(name) {
                    Some(first) => sink.push(
                        id.pos,
                        Problem::DuplicateOperationId(name.into(), first.line),
                    ),
                    None => {
                        ids.insert(name, id.pos);
                    }
                },
            }
            match op.get(SAFE_TO_REPEAT) {
                None if decided && !webhook => {
                    sink.push(method.pos, Problem::NoSafeToRepeat(what.clone()))
                }
                Some(flag) if !matches!(flag.kind, Kind::Bool(_)) => sink.push(
                    flag.pos,
                    Problem::NotBoolean(SAFE_TO_REPEAT, flag.to_json()),
                ),
                _ => {}
            }
            check_parameters(tree, [item, op], &template, &what, method.pos, sink);
            // A webhook's responses are the application's answers, which
            // no generated client reads: only that there are some.
            match (op.get("responses"), op.key("responses")) {
                (Some(_), Some(_)) if webhook => {}
                (Some(responses), Some(key)) => {
                    check_responses(tree, responses, key.pos, &what, sink)
                }
                _ => sink.push(method.pos, Problem::NoResponses(what.clone())),
            }
            if let Some(body) = op.get("requestBody").and_then(|b| b.resolve(tree)) {
                check_body(tree, body, &what, !webhook, sink);
            }
        }
    }
}

/// The path's `{names}` and the declared path parameters match both ways;
/// no cookie parameter, and only scalars (the generator panics otherwise).
fn check_parameters(
    root: &Node,
    owners: [&Node; 2],
    template: &BTreeSet<&str>,
    what: &str,
    at: Pos,
    sink: &mut Sink,
) {
    let mut declared = BTreeSet::new();
    let mut idents: HashMap<String, &str> = HashMap::new();
    let (mut bounds, mut declared_query) = (Vec::new(), BTreeSet::new());
    for p in owners
        .iter()
        .filter_map(|o| o.get("parameters"))
        .flat_map(Node::items)
    {
        let Some(param) = p.resolve(root) else {
            continue;
        };
        let name = param.get("name").and_then(Node::as_str).unwrap_or_default();
        if let Some(bound) = param.get(BOUND_OF) {
            let of = bound.as_str().unwrap_or_default();
            let named = [format!("{of}<"), format!("{of}>")].contains(&name.to_string());
            let query = param.get("in").and_then(Node::as_str) == Some("query");
            if !named || !query || of.is_empty() {
                sink.push(bound.pos, Problem::BadBound(name.into(), of.into()));
            }
            bounds.push((bound.pos, name, of));
            declared_query.insert(name);
            continue;
        }
        if param.get("in").and_then(Node::as_str) == Some("query") {
            declared_query.insert(name);
        }
        // The generator names a builder method after the parameter, dropping
        // what an identifier cannot hold: `DateCreated<` and `DateCreated`
        // would be one method twice, code that does not compile.
        let kept: String = name.chars().filter(|c| c.is_alphanumeric()).collect();
        let ident = heck::ToSnakeCase::to_snake_case(kept.as_str());
        match idents.get(&ident) {
            Some(first) if *first != name => {
                sink.push(
                    p.pos,
                    Problem::ParameterNamesCollide(name.into(), first.to_string(), ident),
                );
            }
            _ => {
                idents.insert(ident, name);
            }
        }
        let location = param.get("in").and_then(Node::as_str);
        if location == Some("cookie") {
            sink.push(p.pos, Problem::Cookie);
        }
        let schema = param.get("schema").and_then(|s| s.resolve(root));
        if let Some(ty) = schema
            .and_then(|s| s.get("type"))
            .and_then(Node::as_str)
            .filter(|t| !SCALARS.contains(t))
        {
            sink.push(p.pos, Problem::NotScalarParameter(name.into(), ty.into()));
        }
        if location != Some("path") {
            continue;
        }
        if param.get("required").map(|r| &r.kind) != Some(&Kind::Bool(true)) {
            sink.push(p.pos, Problem::PathParameterOptional(name.into()));
        }
        if !template.contains(name) {
            sink.push(
                param.get("name").map_or(p.pos, |n| n.pos),
                Problem::NotInTemplate(name.into()),
            );
        }
        declared.insert(name);
    }
    for name in template.difference(&declared) {
        sink.push(at, Problem::Undeclared(what.into(), name.to_string()));
    }
    for (pos, name, of) in bounds {
        if !declared_query.contains(of) {
            sink.push(pos, Problem::BadBound(name.into(), of.into()));
        }
    }
}

/// One success response; the error object on `4XX` and `5XX`, the same
/// schema for every error status (progenitor keeps one error type, and
/// panics on two); no `default` (it panics beside a 200).
fn check_responses(root: &Node, responses: &Node, at: Pos, what: &str, sink: &mut Sink) {
    let (mut successes, mut errors) = (0, Vec::new());
    for (code, response) in responses.entries() {
        let schema = response
            .resolve(root)
            .and_then(|r| r.pointer("/content/application~1json/schema"));
        match (code.name.to_ascii_uppercase().as_str(), schema) {
            ("DEFAULT", _) => sink.push(code.pos, Problem::DefaultResponse(what.into())),
            (c, _) if c.starts_with('2') => successes += 1,
            (c, Some(schema)) if c.starts_with(['4', '5']) => errors.push((code, schema.to_json())),
            _ => {}
        }
    }
    if successes > 1 {
        sink.push(at, Problem::Successes(what.into(), successes));
    }
    for range in ["4XX", "5XX"]
        .into_iter()
        .filter(|r| !errors.iter().any(|(c, _)| c.name.eq_ignore_ascii_case(r)))
    {
        sink.push(at, Problem::NoErrorResponse(what.into(), range));
    }
    if let Some((first_code, first)) = errors.first() {
        for (code, _) in errors.iter().filter(|(_, s)| s != first) {
            sink.push(
                code.pos,
                Problem::ErrorSchemas(what.into(), code.name.clone(), first_code.name.clone()),
            );
        }
    }
}

/// A request body the generator can send: one media type, no `encoding`,
/// and a form body that is a flat object of scalars, closed unless it is a
/// webhook's (`closed` false: the client reads it, keeping unknown fields).
fn check_body(root: &Node, body: &Node, what: &str, closed: bool, sink: &mut Sink) {
    let media = body.get("content").map(Node::entries).unwrap_or_default();
    if media.len() != 1 {
        sink.push(
            body.key("content").map_or(body.pos, |k| k.pos),
            Problem::MediaTypes(what.into(), media.len()),
        );
    }
    for (kind, m) in media {
        let essence = kind.name.split(';').next().unwrap_or_default();
        if !BODY_TYPES.split(", ").any(|t| t == essence) {
            sink.push(kind.pos, Problem::BodyType(what.into(), kind.name.clone()));
        }
        if let Some(enc) = m.key("encoding") {
            sink.push(enc.pos, Problem::Encoding(what.into()));
        }
        let schema = m.get("schema").and_then(|s| s.resolve(root));
        let (Some(schema), "application/x-www-form-urlencoded") = (schema, kind.name.as_str())
        else {
            continue;
        };
        if schema.get("type").and_then(Node::as_str) != Some("object") {
            sink.push(schema.pos, Problem::FormNotObject(what.into()));
        }
        if let Some(extra) = schema
            .get("additionalProperties")
            .filter(|a| closed && a.kind != Kind::Bool(false))
        {
            sink.push(extra.pos, Problem::FormExtra(what.into()));
        }
        for (name, prop) in schema
            .get("properties")
            .map(Node::entries)
            .unwrap_or_default()
        {
            // A request's array of scalars goes out as repeated keys (D33);
            // a callback's is not read (one value per key).
            let kind = kind_of(prop, root);
            let items = prop.resolve(root).and_then(|p| p.get("items"));
            let item_kind = items.and_then(|items| kind_of(items, root));
            match (kind.as_deref(), item_kind) {
                (Some("array"), Some(item)) if closed && SCALARS.contains(&item.as_str()) => {}
                (Some("array"), Some(item)) if closed => sink.push(
                    name.pos,
                    Problem::FormArrayNotFlat(what.into(), name.name.clone(), item),
                ),
                (Some(kind @ ("object" | "array")), _) => sink.push(
                    name.pos,
                    Problem::FormNotFlat(what.into(), name.name.clone(), kind.into()),
                ),
                _ => {}
            }
        }
    }
}

/// The effective `type` of a schema, through `$ref` and the first part of
/// `allOf`/`oneOf`/`anyOf`.
fn kind_of(schema: &Node, root: &Node) -> Option<String> {
    let schema = schema.resolve(root)?;
    if let Some(t) = schema.get("type").and_then(Node::as_str) {
        return Some(t.to_string());
    }
    if schema.get("properties").is_some() {
        return Some("object".into());
    }
    let first = ["allOf", "oneOf", "anyOf"]
        .iter()
        .find_map(|k| schema.get(k)?.items().first());
    first.and_then(|part| kind_of(part, root))
}

/// What the typed model (and so the generator) reads, written back: a key
/// of the spec that is not there was dropped, a typo such as `requsetBody`
/// or `profperties` that would silently lose a part of the spec. A key whose
/// value is `false`, `[]` or `{}` is a default the model leaves out; an `x-`
/// key is provenance, which the model need not keep, unless beside a `$ref`.
fn check_nothing_dropped(input: &Value, kept: &Value, node: &Node, sink: &mut Sink) {
    match (input, kept) {
        (Value::Object(given), Value::Object(read)) => {
            for (name, value) in given {
                let default = value == &Value::Bool(false)
                    || value == &serde_json::json!([])
                    || value == &serde_json::json!({});
                match read.get(name) {
                    Some(r) => {
                        check_nothing_dropped(value, r, node.get(name).unwrap_or(node), sink)
                    }
                    None if default || (name.starts_with("x-") && node.get("$ref").is_none()) => {}
                    None => sink.push(
                        node.key(name).map_or(node.pos, |k| k.pos),
                        Problem::Dropped(name.clone()),
                    ),
                }
            }
        }
        (Value::Array(given), Value::Array(read)) => {
            for (i, (g, r)) in given.iter().zip(read).enumerate() {
                check_nothing_dropped(g, r, node.items().get(i).unwrap_or(node), sink);
            }
        }
        _ => {}
    }
}
