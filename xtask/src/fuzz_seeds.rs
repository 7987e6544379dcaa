//! `cargo xtask fuzz-seeds`: the starting inputs of each fuzz target, drawn
//! only from files in the repository (the spec and its examples, the lint's
//! fixtures, the snapshots), written to `fuzz/seeds/<target>/` (git-ignored;
//! the fuzzer's minimised corpus under `fuzz/corpus/` is what is kept).

use std::collections::BTreeSet;
use std::path::Path;

use participants_openapi::{load_workspace_spec, workspace_root};
use serde_json::Value;

pub fn write() -> Result<(), String> {
    let root = workspace_root();
    let spec = load_workspace_spec().map_err(|d| d.to_string())?;
    let read = |p: &Path| std::fs::read(p).map_err(|e| format!("{}: {e}", p.display()));
    let mut specs = BTreeSet::new();
    let mut bodies = BTreeSet::new();
    let mut dates = BTreeSet::new();
    let mut ids = BTreeSet::new();

    // The spec and every fixture the lint is tested with.
    specs.insert(spec.text.clone().into_bytes());
    for entry in dir(&root.join("openapi/tests/fixtures"))? {
        specs.insert(read(&entry)?);
    }

    // Bodies: the spec's examples. They carry the example requests and
    // responses of the reference pages cited in RECONCILIATION.md, so the
    // pages themselves (other people's text, not in the repository) are not
    // read.
    let mut json = Vec::new();
    examples(&spec.tree.to_json(), &mut json);
    for value in &json {
        bodies.insert(serde_json::to_vec_pretty(value).unwrap_or_default());
        strings(value, &mut |key, text| {
            if key.starts_with("date_") {
                dates.insert(text.as_bytes().to_vec());
            }
            if key.ends_with("call_sid") || key == "label" {
                ids.insert(text.as_bytes().to_vec());
            }
        });
    }

    // From the snapshots: the last path segment of every request, decoded,
    // and the dates and ids of every response.
    for snap in dir(&root.join("tests/snapshots"))? {
        let text = String::from_utf8_lossy(&read(&snap)?).into_owned();
        for (key, value) in text.lines().filter_map(|l| l.trim().split_once(": ")) {
            let text = serde_json::from_str::<String>(value).unwrap_or(value.to_string());
            if key.starts_with("date_") && text.contains(' ') {
                dates.insert(text.into_bytes());
            } else if key.ends_with("call_sid") || key == "label" {
                ids.insert(text.into_bytes());
            }
        }
        for line in text.lines().filter_map(|l| l.strip_prefix("path: ")) {
            let last = line
                .split('?')
                .next()
                .unwrap_or_default()
                .rsplit('/')
                .next();
            if let Some(id) = last.and_then(|l| l.strip_suffix(".json")) {
                ids.insert(percent_encoding::percent_decode_str(id).collect());
            }
        }
    }

    // The spec target's dictionary: every key the spec uses, and the
    // OpenAPI 3.0 keywords it does not, for libFuzzer to splice in.
    let mut words = BTreeSet::new();
    keys(&spec.tree.to_json(), &mut words);
    words.extend(OPENAPI_WORDS.iter().map(|w| w.to_string()));
    let dict: String = words
        .iter()
        .map(|w| format!("\"{}\"\n", dict_escape(w)))
        .collect();
    let dict_path = root.join("fuzz/seeds/spec.dict");
    std::fs::create_dir_all(root.join("fuzz/seeds")).map_err(|e| e.to_string())?;
    std::fs::write(&dict_path, dict).map_err(|e| format!("{}: {e}", dict_path.display()))?;

    let targets = [
        ("spec", specs),
        ("participant", bodies),
        ("date", dates),
        ("path_ids", ids),
    ];
    for (target, inputs) in targets {
        let out = root.join("fuzz/seeds").join(target);
        std::fs::create_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
        // Named by content, as libFuzzer names its corpus: a seed that changes
        // is a new file. Files are only added and removed, never rewritten,
        // so a fuzzer reading the folder meanwhile sees whole seeds.
        let named: BTreeSet<(String, &Vec<u8>)> = inputs
            .iter()
            .map(|input| (sha1_smol::Sha1::from(input).digest().to_string(), input))
            .collect();
        for old in dir(&out)? {
            if !named.iter().any(|(name, _)| old.ends_with(name)) {
                std::fs::remove_file(&old).map_err(|e| format!("{}: {e}", old.display()))?;
            }
        }
        for (name, input) in &named {
            let path = out.join(name);
            if !path.exists() {
                std::fs::write(&path, input).map_err(|e| format!("{}: {e}", path.display()))?;
            }
        }
        println!("fuzz/seeds/{target}: {} inputs", inputs.len());
    }
    Ok(())
}

/// Keywords of OpenAPI 3.0 and JSON Schema the workspace's spec may not use.
const OPENAPI_WORDS: &[&str] = &[
    "anyOf",
    "oneOf",
    "allOf",
    "not",
    "discriminator",
    "nullable",
    "readOnly",
    "writeOnly",
    "items",
    "additionalProperties",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "multipleOf",
    "minLength",
    "maxLength",
    "const",
    "in: query",
    "in: header",
    "in: cookie",
    "in: path",
    "style",
    "explode",
    "deprecated",
    "callbacks",
    "links",
    "headers",
    "securitySchemes",
    "requestBodies",
    "parameters",
    "multipart/form-data",
    "text/plain",
    "application/octet-stream",
    "format: binary",
    "format: int64",
    "format: date-time",
    "type: array",
    "type: object",
    "type: integer",
    "type: number",
    "type: boolean",
    "type: string",
    "$ref: '#/components/schemas/",
    "default",
    "2XX",
    "&a",
    "*a",
    "<<",
    "!!str",
    "? ",
    "- ",
    "|\n",
    ">-\n",
];

/// libFuzzer's dictionary quoting: printable ASCII as it is, `\\`, `\"`, and
/// `\xHH` for any other byte.
fn dict_escape(word: &str) -> String {
    word.bytes()
        .map(|b| match b {
            b'\\' | b'"' => format!("\\{}", b as char),
            b' '..=b'~' => (b as char).to_string(),
            _ => format!("\\x{b:02X}"),
        })
        .collect()
}

fn keys(value: &Value, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => map.iter().for_each(|(k, v)| {
            out.insert(k.clone());
            keys(v, out);
        }),
        Value::Array(items) => items.iter().for_each(|v| keys(v, out)),
        _ => {}
    }
}

fn dir(path: &Path) -> Result<Vec<std::path::PathBuf>, String> {
    let entries = std::fs::read_dir(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut paths: Vec<_> = entries.filter_map(|e| Some(e.ok()?.path())).collect();
    paths.sort();
    Ok(paths)
}

/// Every `example` and `examples.*.value` in the spec.
fn examples(value: &Value, out: &mut Vec<Value>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                match (key.as_str(), v) {
                    ("example", v) => out.push(v.clone()),
                    ("examples", Value::Object(named)) => {
                        out.extend(named.values().filter_map(|e| e.get("value")).cloned());
                    }
                    _ => {}
                }
                examples(v, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| examples(v, out)),
        _ => {}
    }
}

/// Calls `f(key, text)` for every string under a key, at any depth.
fn strings(value: &Value, f: &mut impl FnMut(&str, &str)) {
    match value {
        Value::Object(map) => map.iter().for_each(|(k, v)| match v {
            Value::String(s) => f(k, s),
            v => strings(v, f),
        }),
        Value::Array(items) => items.iter().for_each(|v| strings(v, f)),
        _ => {}
    }
}
