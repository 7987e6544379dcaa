//! Checks a YAML value (an example) against an OpenAPI 3.0 schema, both taken
//! from the spec's own tree, so every mismatch keeps its line and column.
//!
//! It covers the keywords this spec and its reviewers use: `$ref`, `allOf`,
//! `oneOf`, `anyOf`, `type`, `nullable`, `enum`, `pattern`, `minLength`,
//! `maxLength`, `minimum`, `maximum`, `format` (`uri`, `uuid`), `properties`,
//! `required`, `additionalProperties` and `items`.

use crate::yaml::{Kind, Node, Pos};

/// One mismatch: where the value is, and what is wrong with it.
#[derive(Debug, Clone, PartialEq)]
pub struct Mismatch {
    /// Where the offending value starts.
    pub pos: Pos,
    /// Where in the example it is, e.g. `CallSidToCoach` or `items[2]`.
    pub at: String,
    /// What is wrong.
    pub message: String,
}

const MAX_DEPTH: usize = 64;

/// Validates `value` against `schema`; `root` resolves `$ref`s.
pub fn validate(value: &Node, schema: &Node, root: &Node) -> Vec<Mismatch> {
    let mut out = Vec::new();
    check(value, schema, root, "", 0, &mut out);
    out
}

/// Follows `$ref`s (local ones only) to the schema they name.
pub fn resolve<'a>(mut schema: &'a Node, root: &'a Node) -> Option<&'a Node> {
    for _ in 0..MAX_DEPTH {
        match schema.get("$ref").and_then(Node::as_str) {
            Some(r) => schema = root.pointer(r.strip_prefix('#')?)?,
            None => return Some(schema),
        }
    }
    None
}

fn push(out: &mut Vec<Mismatch>, value: &Node, at: &str, message: String) {
    out.push(Mismatch {
        pos: value.pos,
        at: if at.is_empty() {
            "(the whole example)".into()
        } else {
            at.to_string()
        },
        message,
    });
}

fn join(at: &str, name: &str) -> String {
    if at.is_empty() {
        name.to_string()
    } else {
        format!("{at}.{name}")
    }
}

fn check(
    value: &Node,
    schema: &Node,
    root: &Node,
    at: &str,
    depth: usize,
    out: &mut Vec<Mismatch>,
) {
    if depth > MAX_DEPTH {
        push(
            out,
            value,
            at,
            "schema nests too deeply (a `$ref` cycle?)".into(),
        );
        return;
    }
    let Some(schema) = resolve(schema, root) else {
        // Unresolved references are reported by the `$ref` check.
        return;
    };

    if let Some(Kind::Seq(parts)) = schema.get("allOf").map(|n| &n.kind) {
        for part in parts {
            check(value, part, root, at, depth + 1, out);
        }
    }
    for (keyword, exactly_one) in [("oneOf", true), ("anyOf", false)] {
        if let Some(Kind::Seq(parts)) = schema.get(keyword).map(|n| &n.kind) {
            let matches = parts
                .iter()
                .filter(|p| {
                    let mut scratch = Vec::new();
                    check(value, p, root, at, depth + 1, &mut scratch);
                    scratch.is_empty()
                })
                .count();
            if matches == 0 || (exactly_one && matches > 1) {
                push(
                    out,
                    value,
                    at,
                    format!(
                        "matches {matches} of the {} `{keyword}` alternatives",
                        parts.len()
                    ),
                );
            }
        }
    }

    if matches!(value.kind, Kind::Null) {
        let nullable = schema.get("nullable").and_then(Node::as_bool) == Some(true);
        let typed = schema.get("type").is_some();
        if typed && !nullable {
            push(
                out,
                value,
                at,
                "is null, but the schema is not `nullable`".into(),
            );
        }
        return;
    }

    if let Some(ty) = schema.get("type").and_then(Node::as_str) {
        let ok = match ty {
            "string" => matches!(value.kind, Kind::Str(_)),
            "boolean" => matches!(value.kind, Kind::Bool(_)),
            "integer" => matches!(value.kind, Kind::Int(_)),
            "number" => matches!(value.kind, Kind::Int(_) | Kind::Float(_)),
            "object" => matches!(value.kind, Kind::Map(_)),
            "array" => matches!(value.kind, Kind::Seq(_)),
            _ => true,
        };
        if !ok {
            push(
                out,
                value,
                at,
                format!(
                    "is {} `{}`, but the schema wants {ty}",
                    a_or_an(value.type_name()),
                    show(value)
                ),
            );
            return;
        }
    }

    if let Some(Kind::Seq(allowed)) = schema.get("enum").map(|n| &n.kind)
        && !allowed.iter().any(|a| a.kind == value.kind)
    {
        let list: Vec<String> = allowed.iter().map(show).collect();
        push(
            out,
            value,
            at,
            format!(
                "`{}` is not one of the allowed values: {}",
                show(value),
                list.join(", ")
            ),
        );
    }

    match &value.kind {
        Kind::Str(s) => check_string(value, s, schema, at, out),
        Kind::Int(i) => check_number(value, *i as f64, schema, at, out),
        Kind::Float(f) => check_number(value, *f, schema, at, out),
        Kind::Map(entries) => {
            let properties = schema.get("properties");
            if let Some(Kind::Seq(required)) = schema.get("required").map(|n| &n.kind) {
                for name in required.iter().filter_map(Node::as_str) {
                    if value.get(name).is_none() {
                        push(out, value, at, format!("lacks the required field `{name}`"));
                    }
                }
            }
            for (key, item) in entries {
                match properties.and_then(|p| p.get(&key.name)) {
                    Some(prop) => check(item, prop, root, &join(at, &key.name), depth + 1, out),
                    None => match schema.get("additionalProperties").map(|n| &n.kind) {
                        Some(Kind::Bool(false)) => {
                            let mut known: Vec<&str> = properties
                                .map(|p| p.entries().iter().map(|(k, _)| k.name.as_str()).collect())
                                .unwrap_or_default();
                            known.sort_unstable();
                            out.push(Mismatch {
                                pos: key.pos,
                                at: join(at, &key.name),
                                message: format!(
                                    "`{}` is not a field of this schema (known: {})",
                                    key.name,
                                    known.join(", ")
                                ),
                            });
                        }
                        Some(Kind::Map(_)) => {
                            if let Some(extra) = schema.get("additionalProperties") {
                                check(item, extra, root, &join(at, &key.name), depth + 1, out);
                            }
                        }
                        _ => {}
                    },
                }
            }
        }
        Kind::Seq(items) => {
            if let Some(item_schema) = schema.get("items") {
                for (i, item) in items.iter().enumerate() {
                    check(
                        item,
                        item_schema,
                        root,
                        &format!("{at}[{i}]"),
                        depth + 1,
                        out,
                    );
                }
            }
        }
        Kind::Null | Kind::Bool(_) => {}
    }
}

fn check_string(value: &Node, s: &str, schema: &Node, at: &str, out: &mut Vec<Mismatch>) {
    let len = s.chars().count();
    if let Some(Kind::Int(min)) = schema.get("minLength").map(|n| &n.kind)
        && (len as i64) < *min
    {
        push(
            out,
            value,
            at,
            format!("is {len} characters long, shorter than minLength {min}"),
        );
    }
    if let Some(Kind::Int(max)) = schema.get("maxLength").map(|n| &n.kind)
        && (len as i64) > *max
    {
        push(
            out,
            value,
            at,
            format!("is {len} characters long, longer than maxLength {max}"),
        );
    }
    if let Some(pattern) = schema.get("pattern").and_then(Node::as_str)
        && let Ok(re) = regress::Regex::new(pattern)
        && re.find(s).is_none()
    {
        push(
            out,
            value,
            at,
            format!("`{s}` does not match the pattern `{pattern}`"),
        );
    }
    match schema.get("format").and_then(Node::as_str) {
        Some("uri") if !is_absolute_uri(s) => {
            push(
                out,
                value,
                at,
                format!("`{s}` is not an absolute URI (format: uri)"),
            );
        }
        Some("uuid") if !is_uuid(s) => {
            push(
                out,
                value,
                at,
                format!("`{s}` is not a UUID (format: uuid)"),
            );
        }
        _ => {}
    }
}

fn check_number(value: &Node, n: f64, schema: &Node, at: &str, out: &mut Vec<Mismatch>) {
    let bound = |key: &str| match schema.get(key).map(|n| &n.kind) {
        Some(Kind::Int(i)) => Some(*i as f64),
        Some(Kind::Float(f)) => Some(*f),
        _ => None,
    };
    if let Some(min) = bound("minimum")
        && n < min
    {
        push(out, value, at, format!("{n} is below the minimum {min}"));
    }
    if let Some(max) = bound("maximum")
        && n > max
    {
        push(out, value, at, format!("{n} is above the maximum {max}"));
    }
}

/// `scheme:rest` where the scheme is RFC 3986 shaped and the rest is not
/// empty and has no spaces.
pub fn is_absolute_uri(s: &str) -> bool {
    let Some((scheme, rest)) = s.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        && !rest.is_empty()
        && !s.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// 8-4-4-4-12 hexadecimal digits.
pub fn is_uuid(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.chars().all(|c| c.is_ascii_hexdigit()))
}

fn a_or_an(word: &str) -> String {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) {
        format!("an {word}")
    } else {
        format!("a {word}")
    }
}

fn show(node: &Node) -> String {
    match &node.kind {
        Kind::Null => "null".into(),
        Kind::Bool(b) => b.to_string(),
        Kind::Int(i) => i.to_string(),
        Kind::Float(f) => f.to_string(),
        Kind::Str(s) => s.clone(),
        Kind::Seq(_) => "[...]".into(),
        Kind::Map(_) => "{...}".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::parse;

    fn run(schema: &str, value: &str) -> Vec<String> {
        let root = parse(&format!("s: {schema}\nv: {value}\n"))
            .unwrap()
            .unwrap();
        validate(root.get("v").unwrap(), root.get("s").unwrap(), &root)
            .into_iter()
            .map(|m| format!("{}: {}", m.at, m.message))
            .collect()
    }

    #[test]
    fn types_and_nulls() {
        assert!(run("{type: boolean}", "true").is_empty());
        assert_eq!(
            run("{type: boolean}", "'yes'"),
            ["(the whole example): is a string `yes`, but the schema wants boolean"]
        );
        assert!(run("{type: string, nullable: true}", "null").is_empty());
        assert_eq!(
            run("{type: string}", "null"),
            ["(the whole example): is null, but the schema is not `nullable`"]
        );
    }

    #[test]
    fn objects() {
        let schema = "{type: object, additionalProperties: false, required: [a], properties: {a: {type: integer}}}";
        assert!(run(schema, "{a: 1}").is_empty());
        assert_eq!(
            run(schema, "{b: 1}"),
            [
                "(the whole example): lacks the required field `a`",
                "b: `b` is not a field of this schema (known: a)"
            ]
        );
    }

    #[test]
    fn strings() {
        assert_eq!(
            run("{type: string, pattern: '^CA[0-9]+$'}", "CX1"),
            ["(the whole example): `CX1` does not match the pattern `^CA[0-9]+$`"]
        );
        assert_eq!(
            run("{type: string, format: uri}", "/relative"),
            ["(the whole example): `/relative` is not an absolute URI (format: uri)"]
        );
        assert_eq!(
            run("{type: string, enum: [GET, POST]}", "HEAD"),
            ["(the whole example): `HEAD` is not one of the allowed values: GET, POST"]
        );
    }

    #[test]
    fn cycles_do_not_hang() {
        let root = parse("s: {$ref: '#/s'}\nv: 1\n").unwrap().unwrap();
        assert!(validate(root.get("v").unwrap(), root.get("s").unwrap(), &root).is_empty());
    }
}
