//! A reviewer can follow every field of the spec to its sources: each
//! property names documents that exist, and each decision it cites is a row
//! of RECONCILIATION.md.

use participants_openapi::yaml::{Kind, Node};

fn spec() -> participants_openapi::Spec {
    participants_openapi::load_workspace_spec().unwrap_or_else(|d| panic!("{d}"))
}

fn walk<'a>(node: &'a Node, path: String, out: &mut Vec<(String, &'a Node)>) {
    out.push((path.clone(), node));
    match &node.kind {
        Kind::Map(entries) => entries
            .iter()
            .for_each(|(k, v)| walk(v, format!("{path}/{}", k.name), out)),
        Kind::Seq(items) => items
            .iter()
            .enumerate()
            .for_each(|(i, v)| walk(v, format!("{path}/{i}"), out)),
        _ => {}
    }
}

#[test]
fn every_body_and_response_field_names_its_sources() {
    let spec = spec();
    let schemas = spec.tree.pointer("/components/schemas").unwrap();
    for schema in ["UpdateParticipantRequest", "Participant"] {
        for (name, prop) in schemas
            .get(schema)
            .unwrap()
            .get("properties")
            .unwrap()
            .entries()
        {
            let target = participants_openapi::check::resolve(prop, &spec.tree).unwrap();
            assert!(
                prop.get("x-sources").is_some() || target.get("x-sources").is_some(),
                "{schema}.{} has no x-sources (line {})",
                name.name,
                name.pos.line
            );
        }
    }
}

#[test]
fn sources_and_decisions_resolve() {
    let spec = spec();
    let documents = spec.tree.pointer("/info/x-source-documents").unwrap();
    let reconciliation = std::fs::read_to_string(
        participants_openapi::workspace_root().join("openapi/RECONCILIATION.md"),
    )
    .unwrap();
    let mut nodes = Vec::new();
    walk(&spec.tree, String::new(), &mut nodes);
    let (mut sources, mut decisions) = (0, 0);
    for (path, node) in nodes {
        if path.ends_with("/x-sources") {
            let Kind::Seq(items) = &node.kind else {
                panic!("{path} is not a list")
            };
            for item in items {
                let id = item.as_str().unwrap();
                assert!(
                    documents.get(id).is_some(),
                    "{path} cites unknown source {id} (line {})",
                    item.pos.line
                );
                sources += 1;
            }
        }
        if path.ends_with("/x-decision") {
            let id = node.as_str().unwrap();
            assert!(
                reconciliation.contains(&format!("\n| {id} |")),
                "{path} cites {id}, which RECONCILIATION.md has no row for (line {})",
                node.pos.line
            );
            decisions += 1;
        }
    }
    assert!(
        sources > 50 && decisions > 15,
        "{sources} sources, {decisions} decisions"
    );
    // Every decision row is cited somewhere, except D18 (it is about all descriptions).
    for n in (1..=20).filter(|n| *n != 18) {
        let id = format!("D{n}");
        assert!(
            spec.text.contains(&format!("x-decision: {id}\n")),
            "{id} is cited nowhere in the spec"
        );
    }
}
