//! A small, deterministic YAML writer for snapshot bodies: block style,
//! keys in the order given, strings quoted only when YAML would misread them.

use serde_json::Value;

/// Renders `value` as a YAML document body (no `---`), ending without a newline.
pub fn to_yaml(value: &Value) -> String {
    let mut out = String::new();
    write_value(&mut out, value, 0, Context::Top);
    out.trim_end_matches('\n').to_string()
}

#[derive(Clone, Copy, PartialEq)]
enum Context {
    Top,
    MapValue,
    SeqItem,
}

fn write_value(out: &mut String, value: &Value, indent: usize, ctx: Context) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            let mut first = true;
            for (k, v) in map {
                if !(first && ctx == Context::SeqItem) {
                    if ctx != Context::Top || !first {
                        out.push('\n');
                    }
                    out.push_str(&" ".repeat(indent));
                }
                first = false;
                out.push_str(&scalar_text(k));
                out.push(':');
                write_nested(out, v, indent);
            }
        }
        Value::Array(items) if !items.is_empty() => {
            let mut first = true;
            for item in items {
                if !(first && ctx == Context::SeqItem) {
                    if ctx != Context::Top || !first {
                        out.push('\n');
                    }
                    out.push_str(&" ".repeat(indent));
                }
                first = false;
                out.push_str("- ");
                write_value(out, item, indent + 2, Context::SeqItem);
            }
        }
        other => {
            if ctx == Context::MapValue {
                out.push(' ');
            }
            out.push_str(&inline(other, indent));
        }
    }
}

fn write_nested(out: &mut String, v: &Value, indent: usize) {
    match v {
        Value::Object(m) if !m.is_empty() => write_value(out, v, indent + 2, Context::MapValue),
        Value::Array(a) if !a.is_empty() => write_value(out, v, indent + 2, Context::MapValue),
        _ => write_value(out, v, indent, Context::MapValue),
    }
}

fn inline(value: &Value, indent: usize) -> String {
    match value {
        Value::Null => "~".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s)
            if s.contains('\n')
                && !s.contains('\r')
                && !s.trim_end_matches('\n').contains('\n') =>
        {
            quoted(s)
        }
        Value::String(s) if s.contains('\n') && !s.contains('\r') && !s.ends_with(' ') => {
            let chomp = if s.ends_with('\n') { "" } else { "-" };
            let pad = " ".repeat(indent + 2);
            let body: Vec<String> = s
                .trim_end_matches('\n')
                .split('\n')
                .map(|l| {
                    if l.is_empty() {
                        String::new()
                    } else {
                        format!("{pad}{l}")
                    }
                })
                .collect();
            format!("|{chomp}\n{}", body.join("\n"))
        }
        Value::String(s) => scalar_text(s),
        Value::Object(_) => "{}".into(),
        Value::Array(_) => "[]".into(),
    }
}

/// A string as a plain scalar when YAML reads it back as the same string,
/// otherwise double-quoted (JSON escapes are valid YAML).
fn scalar_text(s: &str) -> String {
    if is_plain_safe(s) {
        s.to_string()
    } else {
        quoted(s)
    }
}

fn quoted(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

fn is_plain_safe(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    if s.trim() != s {
        return false;
    }
    let keyword = matches!(
        s.to_ascii_lowercase().as_str(),
        "~" | "null" | "true" | "false" | "yes" | "no" | "on" | "off" | "y" | "n"
    );
    let numeric = s.parse::<f64>().is_ok()
        || s.starts_with(|c: char| c.is_ascii_digit())
            && s.chars()
                .all(|c| c.is_ascii_digit() || ".:-_+eE".contains(c));
    let bad_start = "-?:,[]{}#&*!|>'\"%@`".contains(first);
    let bad_inside = s.contains(": ")
        || s.contains(" #")
        || s.ends_with(':')
        || s.chars()
            .any(|c| c.is_control() || matches!(c, '\u{85}' | '\u{feff}'));
    !(keyword || numeric || bad_start || bad_inside)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn renders_nested_structures() {
        let v = json!({
            "method": "POST",
            "headers": {"a": "1", "b": "x: y"},
            "list": [{"Muted": "true"}, {"Hold": "false"}],
            "empty": {},
            "none": [],
            "text": "line one\nline two\n",
            "n": null,
        });
        assert_eq!(
            to_yaml(&v),
            "method: POST\nheaders:\n  a: \"1\"\n  b: \"x: y\"\nlist:\n  - Muted: \"true\"\n  - Hold: \"false\"\nempty: {}\nnone: []\ntext: |\n  line one\n  line two\n\"n\": ~"
        );
    }

    #[test]
    fn quotes_what_yaml_would_misread() {
        for s in [
            "",
            "true",
            "No",
            "1.5",
            "2018-09-24",
            "- x",
            " lead",
            "a #b",
            "%2e",
            "@x",
            "[x]",
        ] {
            assert!(scalar_text(s).starts_with('"'), "{s:?}");
        }
        for s in [
            "Muted",
            "/api/laml/x.json",
            "Mon, 24 Sept 2018 21:00:00 +0000",
            "https://example.com",
        ] {
            assert_eq!(scalar_text(s), s);
        }
    }
}
