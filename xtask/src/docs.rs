//! `cargo xtask docs`: the spec's HTML reference, built by the pinned
//! Redocly CLI (`build-docs`, with Redoc's scripts inlined so that the page
//! works offline) into `target/docs/participants.html`, and beside it
//! `expected.json`: what the page must show, read from the spec (every
//! operation and webhook with its tag, its parameters, its request body's
//! fields and its success answer's fields). `scripts/docs-check.sh` opens
//! the page in headless Chromium and checks it against that list.

use std::path::Path;
use std::process::Command;

use participants_openapi::yaml::Node;
use participants_openapi::{METHODS, SPEC_PATH, Spec};
use serde_json::{Value, json};

/// Where the reference goes, under the workspace root.
pub const DOCS_DIR: &str = "target/docs";
const PAGE: &str = "participants.html";
const EXPECTED: &str = "expected.json";

/// Builds the page and writes the list.
pub fn build(root: &Path, spec: &Spec, redocly: &Path) -> Result<(), String> {
    let dir = root.join(DOCS_DIR);
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {DOCS_DIR}: {e}"))?;
    let page = format!("{DOCS_DIR}/{PAGE}");
    // The environment of scripts/redocly-lint.sh and `cargo xtask lint`: no
    // telemetry, no update lookup, no notices.
    let status = Command::new(redocly)
        .args(["build-docs", SPEC_PATH, "--config", "redocly.yaml"])
        .args(["--inlineBundle", "--output", &page])
        .env("REDOCLY_TELEMETRY", "off")
        .env("REDOCLY_SUPPRESS_UPDATE_NOTICE", "true")
        .env("REDOCLY_SUPPRESS_NOTIFICATIONS", "true")
        .current_dir(root)
        .status()
        .map_err(|e| format!("cannot run {}: {e}", redocly.display()))?;
    if !status.success() {
        return Err(format!(
            "Redocly's build-docs failed on {SPEC_PATH} (see above)"
        ));
    }
    let expected = serde_json::to_string_pretty(&expected(&spec.tree))
        .map_err(|e| format!("cannot write {EXPECTED}: {e}"))?;
    std::fs::write(dir.join(EXPECTED), expected)
        .map_err(|e| format!("cannot write {DOCS_DIR}/{EXPECTED}: {e}"))?;
    println!("{page}: the reference; {DOCS_DIR}/{EXPECTED}: what it must show");
    Ok(())
}

/// The top-level property names of a schema, through `$ref` and `allOf`.
fn properties(root: &Node, schema: &Node, depth: usize) -> Vec<String> {
    let Some(schema) = schema.resolve(root).filter(|_| depth < 8) else {
        return Vec::new();
    };
    let mut names: Vec<String> = (schema.get("allOf").map(Node::items).unwrap_or_default())
        .iter()
        .flat_map(|member| properties(root, member, depth + 1))
        .collect();
    let own = schema
        .get("properties")
        .map(Node::entries)
        .unwrap_or_default();
    names.extend(own.iter().map(|(k, _)| k.name.clone()));
    names
}

/// The fields of a body or an answer: its first media type's schema.
fn content_fields(root: &Node, node: &Node) -> Vec<String> {
    let node = node.resolve(root).unwrap_or(node);
    let media = node.get("content").map(Node::entries).unwrap_or_default();
    let schema = media.first().and_then(|(_, m)| m.get("schema"));
    schema.map_or_else(Vec::new, |s| properties(root, s, 0))
}

fn expected(root: &Node) -> Value {
    let mut operations = Vec::new();
    let paths = root.get("paths").map(Node::entries).unwrap_or_default();
    let hooks = root
        .get("x-webhooks")
        .map(Node::entries)
        .unwrap_or_default();
    let items = (paths.iter().map(|e| (e, false))).chain(hooks.iter().map(|e| (e, true)));
    for ((at, item), webhook) in items {
        let Some(item) = item.resolve(root) else {
            continue;
        };
        let shared = item.get("parameters").map(Node::items).unwrap_or_default();
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            let text =
                |node: Option<&Node>| node.and_then(Node::as_str).unwrap_or_default().to_string();
            let own = op.get("parameters").map(Node::items).unwrap_or_default();
            let parameters: Vec<Value> = (shared.iter().chain(own))
                .filter_map(|p| p.resolve(root))
                .map(|p| json!({"in": text(p.get("in")), "name": text(p.get("name"))}))
                .collect();
            let body = op
                .get("requestBody")
                .map_or_else(Vec::new, |b| content_fields(root, b));
            let responses = op.get("responses").map(Node::entries).unwrap_or_default();
            let success = responses.iter().find(|(k, _)| k.name.starts_with('2'));
            let answer =
                success.map(|(k, v)| json!({"status": k.name, "fields": content_fields(root, v)}));
            let tag = op
                .get("tags")
                .and_then(|t| t.items().first())
                .and_then(Node::as_str);
            operations.push(json!({
                "id": text(op.get("operationId")),
                "tag": tag,
                "summary": text(op.get("summary")),
                "method": method.to_uppercase(),
                "path": if webhook { Value::Null } else { Value::from(at.name.clone()) },
                "webhook": if webhook { Value::from(at.name.clone()) } else { Value::Null },
                "parameters": parameters,
                "body": body,
                "answer": answer,
            }));
        }
    }
    json!({ "spec": SPEC_PATH, "operations": operations })
}
