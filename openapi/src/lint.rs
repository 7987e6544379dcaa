//! The spec lint: every rule the generator and our reviewers rely on, each
//! reported with `file:line:col`, all problems at once.

use std::collections::{BTreeSet, HashMap};

use crate::check;
use crate::diag::{Diagnostics, Sink};
use crate::yaml::{self, Kind, Node, Pos};

/// HTTP methods an OpenAPI 3.0 path item may hold.
pub const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

const SCHEMA_TYPES: [&str; 6] = ["string", "number", "integer", "boolean", "array", "object"];

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
/// every problem found. Never panics, whatever the input.
pub fn lint(file: &str, bytes: &[u8]) -> Result<Spec, Diagnostics> {
    match std::panic::catch_unwind(|| lint_inner(file, bytes)) {
        Ok(result) => result,
        Err(_) => {
            let mut sink = Sink::new(file, "");
            sink.push(
                Pos { line: 1, col: 1 },
                "internal error: the lint crashed on this input; please report it with the file",
            );
            Err(sink.finish().unwrap_err())
        }
    }
}

fn lint_inner(file: &str, bytes: &[u8]) -> Result<Spec, Diagnostics> {
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let valid = &bytes[..e.valid_up_to()];
            let valid = std::str::from_utf8(valid).unwrap_or_default();
            let mut sink = Sink::new(file, valid);
            let bad = bytes.get(e.valid_up_to()).copied().unwrap_or_default();
            sink.push(
                pos_of_offset(valid, valid.len()),
                format!("the file is not UTF-8 text (byte 0x{bad:02X}); is it a binary file?"),
            );
            return Err(sink.finish().unwrap_err());
        }
    };
    let mut sink = Sink::new(file, text);
    if let Some(offset) =
        text.find(|c: char| c == '\0' || (c.is_control() && !"\t\n\r".contains(c)))
    {
        sink.push(
            pos_of_offset(text, offset),
            "the file contains a control character; is it a binary file?",
        );
        return Err(sink.finish().unwrap_err());
    }
    let tree = match yaml::parse(text) {
        Ok(Some(tree)) => tree,
        Ok(None) => {
            sink.push(
                Pos { line: 1, col: 1 },
                "the file is empty; expected an OpenAPI 3.0 document",
            );
            return Err(sink.finish().unwrap_err());
        }
        Err(errors) => {
            for e in errors {
                sink.push(e.pos, e.message);
            }
            return Err(sink.finish().unwrap_err());
        }
    };
    if !matches!(tree.kind, Kind::Map(_)) {
        sink.push(
            tree.pos,
            format!(
                "the document is {}, expected a mapping with `openapi`, `info` and `paths`",
                tree.type_name()
            ),
        );
        return Err(sink.finish().unwrap_err());
    }

    check_version(&tree, &mut sink);
    check_top_level(&tree, &mut sink);
    check_refs(&tree, &tree, &mut sink);
    check_schemas(&tree, &tree, false, &mut sink);
    check_operations(&tree, &mut sink);
    check_examples(&tree, &mut sink);

    if sink.items.is_empty() {
        // Our own checks passed; the typed model must read it too.
        let json = tree.to_json();
        match serde_path_to_error::deserialize::<_, openapiv3::OpenAPI>(json) {
            Ok(openapi) => {
                sink.finish()?;
                return Ok(Spec {
                    file: file.to_string(),
                    text: text.to_string(),
                    tree,
                    openapi,
                });
            }
            Err(e) => {
                let (node, path) = locate(&tree, e.path());
                sink.push(
                    node.pos,
                    format!(
                        "not a valid OpenAPI 3.0 document at `{path}`: {}",
                        e.inner()
                    ),
                );
            }
        }
    }
    Err(sink.finish().unwrap_err())
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
            Segment::Seq { index } => match &node.kind {
                Kind::Seq(items) => items.get(*index),
                _ => None,
            },
            Segment::Enum { .. } | Segment::Unknown => None,
        };
        match next {
            Some(n) => node = n,
            None => break,
        }
    }
    (node, path.to_string())
}

fn check_version(tree: &Node, sink: &mut Sink) {
    match tree.get("openapi") {
        None => sink.push(
            tree.pos,
            "missing `openapi: 3.0.3` at the top: this project reads OpenAPI 3.0.x only",
        ),
        Some(v) => match &v.kind {
            Kind::Str(s) if s.starts_with("3.0.") && s[4..].chars().all(|c| c.is_ascii_digit()) && s.len() > 4 => {}
            Kind::Str(s) => sink.push(
                v.pos,
                format!("`openapi: {s}` is not supported: progenitor reads OpenAPI 3.0.x only (use 3.0.3)"),
            ),
            _ => sink.push(
                v.pos,
                format!(
                    "`openapi` must be a string such as \"3.0.3\", found {}",
                    v.type_name()
                ),
            ),
        },
    }
}

fn check_top_level(tree: &Node, sink: &mut Sink) {
    match tree.get("info") {
        None => sink.push(tree.pos, "missing `info` (with `title` and `version`)"),
        Some(info) => {
            for field in ["title", "version"] {
                match info.get(field) {
                    Some(n) if n.as_str().is_some() => {}
                    Some(n) => sink.push(
                        n.pos,
                        format!("`info.{field}` must be a string, found {}", n.type_name()),
                    ),
                    None => sink.push(info.pos, format!("missing `info.{field}`")),
                }
            }
        }
    }
    match tree.get("paths") {
        None => sink.push(tree.pos, "missing `paths`"),
        Some(paths) if !matches!(paths.kind, Kind::Map(_)) => sink.push(
            paths.pos,
            format!("`paths` must be a mapping, found {}", paths.type_name()),
        ),
        Some(_) => {}
    }
}

/// Every `$ref` is a local reference to something that exists.
fn check_refs(node: &Node, root: &Node, sink: &mut Sink) {
    match &node.kind {
        Kind::Map(entries) => {
            for (key, value) in entries {
                if key.name == "$ref" {
                    match value.as_str() {
                        None => sink.push(value.pos, format!("`$ref` must be a string, found {}", value.type_name())),
                        Some(r) if !r.starts_with("#/") => sink.push(
                            value.pos,
                            format!("`$ref: {r}` points outside this file; only local references (`#/...`) are supported"),
                        ),
                        Some(r) => {
                            if root.pointer(&r[1..]).is_none() {
                                sink.push(value.pos, format!("`$ref: {r}` does not resolve: {}", missing_part(root, r)));
                            }
                        }
                    }
                } else {
                    check_refs(value, root, sink);
                }
            }
        }
        Kind::Seq(items) => items.iter().for_each(|i| check_refs(i, root, sink)),
        _ => {}
    }
}

fn missing_part(root: &Node, r: &str) -> String {
    let mut node = root;
    let mut seen = String::from("#");
    for raw in r[2..].split('/') {
        let part = raw.replace("~1", "/").replace("~0", "~");
        match node.get(&part) {
            Some(n) => {
                node = n;
                seen.push('/');
                seen.push_str(raw);
            }
            None => {
                let mut names: Vec<&str> = node
                    .entries()
                    .iter()
                    .map(|(k, _)| k.name.as_str())
                    .collect();
                names.sort_unstable();
                return if names.is_empty() {
                    format!("`{seen}` has no `{part}`")
                } else {
                    format!("`{seen}` has no `{part}` (it has: {})", names.join(", "))
                };
            }
        }
    }
    "the target is not a mapping".into()
}

/// Walks everything that is a schema and checks its keywords' shapes.
fn check_schemas(tree: &Node, root: &Node, _in_form: bool, sink: &mut Sink) {
    let mut schemas: Vec<&Node> = Vec::new();
    if let Some(components) = tree.get("components").and_then(|c| c.get("schemas")) {
        schemas.extend(components.entries().iter().map(|(_, v)| v));
    }
    collect_inline_schemas(tree, &mut schemas);
    for schema in schemas {
        check_schema(schema, root, sink, 0);
    }
}

fn collect_inline_schemas<'a>(node: &'a Node, out: &mut Vec<&'a Node>) {
    for (key, value) in node.entries() {
        if key.name == "schema" && matches!(value.kind, Kind::Map(_)) {
            out.push(value);
        } else if key.name != "examples" && key.name != "example" && key.name != "schemas" {
            collect_inline_schemas(value, out);
        }
    }
    if let Kind::Seq(items) = &node.kind {
        items.iter().for_each(|i| collect_inline_schemas(i, out));
    }
}

fn check_schema(schema: &Node, root: &Node, sink: &mut Sink, depth: usize) {
    if depth > 32 {
        return;
    }
    if !matches!(schema.kind, Kind::Map(_)) {
        sink.push(
            schema.pos,
            format!("a schema must be a mapping, found {}", schema.type_name()),
        );
        return;
    }
    if schema.get("$ref").is_some() {
        return;
    }
    if let Some(ty) = schema.get("type") {
        match ty.as_str() {
            Some(t) if SCHEMA_TYPES.contains(&t) => {}
            Some(t) => sink.push(
                ty.pos,
                format!(
                    "unknown schema type `{t}`; expected one of {}",
                    SCHEMA_TYPES.join(", ")
                ),
            ),
            None => sink.push(
                ty.pos,
                format!(
                    "`type` must be a single string in OpenAPI 3.0, found {}",
                    ty.type_name()
                ),
            ),
        }
    }
    for flag in ["nullable", "deprecated", "readOnly", "writeOnly"] {
        if let Some(n) = schema.get(flag)
            && n.as_bool().is_none()
        {
            sink.push(
                n.pos,
                format!("`{flag}` must be true or false, found {}", n.type_name()),
            );
        }
    }
    if let Some(p) = schema.get("pattern") {
        match p.as_str() {
            Some(pattern) => {
                if let Err(e) = regress::Regex::new(pattern) {
                    sink.push(
                        p.pos,
                        format!("`pattern` is not a valid ECMAScript regular expression: {e}"),
                    );
                }
            }
            None => sink.push(
                p.pos,
                format!("`pattern` must be a string, found {}", p.type_name()),
            ),
        }
    }
    if let Some(e) = schema.get("enum") {
        match &e.kind {
            Kind::Seq(values) if !values.is_empty() => {
                let nullable = schema.get("nullable").and_then(Node::as_bool) == Some(true);
                if let Some(t) = schema.get("type").and_then(Node::as_str) {
                    for v in values
                        .iter()
                        .filter(|v| !(nullable && matches!(v.kind, Kind::Null)))
                    {
                        let fake_schema = Node {
                            pos: schema.pos,
                            kind: Kind::Map(vec![(
                                yaml::Key {
                                    name: "type".into(),
                                    pos: schema.pos,
                                },
                                Node {
                                    pos: schema.pos,
                                    kind: Kind::Str(t.into()),
                                },
                            )]),
                        };
                        if !check::validate(v, &fake_schema, root).is_empty() {
                            sink.push(
                                v.pos,
                                format!(
                                    "enum value is {}, but the schema's type is {t}",
                                    v.type_name()
                                ),
                            );
                        }
                    }
                }
            }
            _ => sink.push(e.pos, "`enum` must be a non-empty list"),
        }
    }
    let properties = schema.get("properties");
    if let Some(props) = properties {
        if !matches!(props.kind, Kind::Map(_)) {
            sink.push(
                props.pos,
                format!(
                    "`properties` must be a mapping, found {}",
                    props.type_name()
                ),
            );
        }
        for (_, p) in props.entries() {
            check_schema(p, root, sink, depth + 1);
        }
    }
    if let Some(req) = schema.get("required") {
        match &req.kind {
            Kind::Seq(names) => {
                for n in names {
                    match n.as_str() {
                        Some(name) if properties.is_some_and(|p| p.get(name).is_none()) => sink
                            .push(
                                n.pos,
                                format!(
                                    "required field `{name}` is not among the schema's properties"
                                ),
                            ),
                        Some(_) => {}
                        None => sink.push(n.pos, "`required` lists field names (strings)"),
                    }
                }
            }
            _ => sink.push(
                req.pos,
                format!(
                    "`required` must be a list of field names, found {}",
                    req.type_name()
                ),
            ),
        }
    }
    for key in ["items", "additionalProperties", "not"] {
        if let Some(sub) = schema.get(key)
            && matches!(sub.kind, Kind::Map(_))
        {
            check_schema(sub, root, sink, depth + 1);
        }
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        if let Some(list) = schema.get(key) {
            match &list.kind {
                Kind::Seq(parts) => parts
                    .iter()
                    .for_each(|p| check_schema(p, root, sink, depth + 1)),
                _ => sink.push(list.pos, format!("`{key}` must be a list of schemas")),
            }
        }
    }
}

fn check_operations(tree: &Node, sink: &mut Sink) {
    let Some(paths) = tree.get("paths") else {
        return;
    };
    let mut ids: HashMap<String, Pos> = HashMap::new();
    for (path_key, item) in paths.entries() {
        if !path_key.name.starts_with('/') {
            sink.push(
                path_key.pos,
                format!("path `{}` must start with `/`", path_key.name),
            );
        }
        if item.get("$ref").is_some() {
            sink.push(
                item.pos,
                "a `$ref` path item is not supported by the generator; write the operations here",
            );
        }
        let template: BTreeSet<String> = template_params(&path_key.name);
        for (method_key, op) in item.entries() {
            if !METHODS.contains(&method_key.name.as_str()) {
                continue;
            }
            let what = format!("{} {}", method_key.name.to_uppercase(), path_key.name);
            match op.get("operationId") {
                None => sink.push(
                    method_key.pos,
                    format!("{what} has no `operationId`; the generator names methods after it"),
                ),
                Some(id) => match id.as_str() {
                    None => sink.push(id.pos, "`operationId` must be a string"),
                    Some(name) => {
                        if let Some(first) = ids.get(name) {
                            sink.push(
                                id.pos,
                                format!(
                                    "duplicate operationId `{name}` (first used at line {})",
                                    first.line
                                ),
                            );
                        } else {
                            ids.insert(name.to_string(), id.pos);
                        }
                    }
                },
            }
            check_path_params(tree, item, op, &template, &what, method_key.pos, sink);
            check_responses(tree, op, &what, method_key.pos, sink);
            if let Some(body) = op.get("requestBody") {
                check_body(tree, body, &what, sink);
            }
        }
    }
}

fn template_params(path: &str) -> BTreeSet<String> {
    path.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name.to_string()))
        .collect()
}

fn check_path_params(
    root: &Node,
    item: &Node,
    op: &Node,
    template: &BTreeSet<String>,
    what: &str,
    at: Pos,
    sink: &mut Sink,
) {
    let mut declared: BTreeSet<String> = BTreeSet::new();
    for list in [item.get("parameters"), op.get("parameters")]
        .into_iter()
        .flatten()
    {
        let Kind::Seq(params) = &list.kind else {
            sink.push(list.pos, "`parameters` must be a list");
            continue;
        };
        for p in params {
            let Some(param) = check::resolve(p, root) else {
                continue;
            };
            let location = param.get("in").and_then(Node::as_str);
            if location == Some("cookie") {
                sink.push(
                    p.pos,
                    "cookie parameters are not supported by the generator",
                );
            }
            if location == Some("path") {
                let name = param.get("name").and_then(Node::as_str).unwrap_or_default();
                if param.get("required").and_then(Node::as_bool) != Some(true) {
                    sink.push(
                        p.pos,
                        format!("path parameter `{name}` must have `required: true`"),
                    );
                }
                if !template.contains(name) {
                    sink.push(
                        param.get("name").map_or(p.pos, |n| n.pos),
                        format!("path parameter `{name}` does not appear in the path template"),
                    );
                }
                declared.insert(name.to_string());
            }
        }
    }
    for name in template.difference(&declared) {
        sink.push(
            at,
            format!("{what}: the path uses `{{{name}}}` but declares no path parameter `{name}`"),
        );
    }
}

fn check_responses(root: &Node, op: &Node, what: &str, at: Pos, sink: &mut Sink) {
    let (Some(responses), Some(responses_key)) = (op.get("responses"), op.key("responses")) else {
        sink.push(at, format!("{what} has no `responses`"));
        return;
    };
    let (mut client_error, mut server_error, mut successes) = (false, false, 0);
    for (code, response) in responses.entries() {
        let name = code.name.to_ascii_uppercase();
        if name == "DEFAULT" {
            sink.push(
                code.pos,
                format!("{what}: a `default` response is not supported (progenitor refuses a 200 beside it); declare `4XX` and `5XX` with the error schema"),
            );
            continue;
        }
        let valid = name.len() == 3
            && name.starts_with(['1', '2', '3', '4', '5'])
            && (name[1..].chars().all(|c| c.is_ascii_digit()) || &name[1..] == "XX");
        if !valid {
            sink.push(
                code.pos,
                format!(
                    "`{}` is not a status code (use e.g. 200, 404 or 4XX)",
                    code.name
                ),
            );
            continue;
        }
        let has_json_schema = check::resolve(response, root)
            .and_then(|r| r.get("content"))
            .and_then(|c| c.get("application/json"))
            .and_then(|m| m.get("schema"))
            .is_some();
        match name.as_bytes()[0] {
            b'2' => successes += 1,
            b'4' if has_json_schema => client_error = true,
            b'5' if has_json_schema => server_error = true,
            _ => {}
        }
    }
    if successes > 1 {
        sink.push(
            responses_key.pos,
            format!(
                "{what} declares {successes} success responses; the generator needs exactly one"
            ),
        );
    }
    if !client_error {
        sink.push(
            responses_key.pos,
            format!("{what} declares no 4XX response with a JSON error schema"),
        );
    }
    if !server_error {
        sink.push(
            responses_key.pos,
            format!("{what} declares no 5XX response with a JSON error schema"),
        );
    }
}

fn check_body(root: &Node, body: &Node, what: &str, sink: &mut Sink) {
    let Some(body) = check::resolve(body, root) else {
        return;
    };
    let Some(content) = body.get("content") else {
        sink.push(body.pos, format!("{what}: `requestBody` has no `content`"));
        return;
    };
    let media = content.entries();
    if media.len() != 1 {
        sink.push(
            content.pos,
            format!("{what}: a request body must have exactly one media type for the generator, found {}", media.len()),
        );
    }
    for (kind, m) in media {
        if let Some(enc) = m.key("encoding") {
            sink.push(
                enc.pos,
                format!("{what}: an `encoding` block is not supported by the generator"),
            );
        }
        if kind.name != "application/x-www-form-urlencoded" {
            continue;
        }
        let Some(schema) = m.get("schema") else {
            sink.push(kind.pos, format!("{what}: the form body has no schema"));
            continue;
        };
        // An unresolved `$ref` is reported by the reference check.
        let Some(schema) = check::resolve(schema, root) else {
            continue;
        };
        if schema.get("type").and_then(Node::as_str) != Some("object") {
            sink.push(
                schema.pos,
                format!("{what}: a form body must be `type: object`"),
            );
        }
        match schema.get("additionalProperties").map(|n| &n.kind) {
            None | Some(Kind::Bool(false)) => {}
            Some(_) => sink.push(
                schema.get("additionalProperties").map_or(schema.pos, |n| n.pos),
                format!("{what}: a form body cannot take arbitrary extra fields (`additionalProperties`): keep it flat"),
            ),
        }
        for (name, prop) in schema
            .get("properties")
            .map(Node::entries)
            .unwrap_or_default()
        {
            if let Some(kind) = scalar_kind(prop, root)
                && (kind == "object" || kind == "array")
            {
                sink.push(
                    name.pos,
                    format!("{what}: form field `{}` is {kind}; form bodies must be flat scalars (string, boolean, integer, number)", name.name),
                );
            }
        }
    }
}

/// The effective `type` of a property, through `$ref` and single-part `allOf`.
fn scalar_kind(schema: &Node, root: &Node) -> Option<String> {
    let schema = check::resolve(schema, root)?;
    if let Some(t) = schema.get("type").and_then(Node::as_str) {
        return Some(t.to_string());
    }
    if schema.get("properties").is_some() {
        return Some("object".into());
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        if let Some(Kind::Seq(parts)) = schema.get(key).map(|n| &n.kind) {
            for p in parts {
                if let Some(t) = scalar_kind(p, root)
                    && !["string", "boolean", "integer", "number"].contains(&t.as_str())
                {
                    return Some(t);
                }
            }
            return parts.first().and_then(|p| scalar_kind(p, root));
        }
    }
    None
}

/// Every example (media type, parameter or schema) validates against its schema.
fn check_examples(tree: &Node, sink: &mut Sink) {
    let mut pairs: Vec<(String, &Node, &Node)> = Vec::new();
    collect_examples(tree, tree, &mut pairs);
    if let Some(schemas) = tree.get("components").and_then(|c| c.get("schemas")) {
        for (name, schema) in schemas.entries() {
            collect_schema_examples(&format!("schema `{}`", name.name), schema, &mut pairs, 0);
        }
    }
    for (label, value, schema) in pairs {
        for m in check::validate(value, schema, tree) {
            sink.push(
                m.pos,
                format!("{label} does not match its schema: {}: {}", m.at, m.message),
            );
        }
    }
}

fn collect_schema_examples<'a>(
    label: &str,
    schema: &'a Node,
    out: &mut Vec<(String, &'a Node, &'a Node)>,
    depth: usize,
) {
    if depth > 32 {
        return;
    }
    if let Some(example) = schema.get("example") {
        out.push((format!("the example of {label}"), example, schema));
    }
    for (name, prop) in schema
        .get("properties")
        .map(Node::entries)
        .unwrap_or_default()
    {
        collect_schema_examples(
            &format!("{label} field `{}`", name.name),
            prop,
            out,
            depth + 1,
        );
    }
}

/// Media types and parameters: (what, example value, schema).
fn collect_examples<'a>(
    node: &'a Node,
    root: &'a Node,
    out: &mut Vec<(String, &'a Node, &'a Node)>,
) {
    if let Kind::Map(entries) = &node.kind {
        if let Some(schema) = node.get("schema") {
            if let Some(example) = node.get("example") {
                out.push(("the example".into(), example, schema));
            }
            for (name, ex) in node.get("examples").map(Node::entries).unwrap_or_default() {
                let Some(ex) = check::resolve(ex, root) else {
                    continue;
                };
                if let Some(value) = ex.get("value") {
                    out.push((format!("example `{}`", name.name), value, schema));
                }
            }
        }
        for (key, value) in entries {
            if key.name != "examples"
                && key.name != "example"
                && key.name != "schema"
                && key.name != "schemas"
            {
                collect_examples(value, root, out);
            }
        }
    }
    if let Kind::Seq(items) = &node.kind {
        items.iter().for_each(|i| collect_examples(i, root, out));
    }
}
