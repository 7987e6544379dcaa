//! The one generation function: spec to formatted Rust. The client's build
//! script and the xtask both call [`generate`], so they can never disagree.

use progenitor_impl::{
    GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle, TypeImpl,
};
use schemars::schema::{InstanceType, SchemaObject};
use serde_json::Value;

use crate::lint::Spec;

/// The first line of every generated file.
pub const PREAMBLE: &str = "// @generated from openapi/participants.yaml by participants-openapi; do not edit by hand (change the spec, then run `cargo xtask regen`).";

/// The hand-written type that replaces the strict `ParticipantStatus` enum.
pub const STATUS_TYPE: &str = "crate::ParticipantStatus";
/// The hand-written type the generated `Client` carries (no secrets in it).
pub const INNER_TYPE: &str = "crate::ClientState";
/// The hand-written type every `format: date-time-rfc-2822` string becomes.
pub const DATE_TYPE: &str = "crate::Rfc2822Date";

/// Why generation failed after the lint passed.
#[derive(Debug, thiserror::Error)]
#[error("code generation failed: {0}")]
pub struct GenerateError(pub String);

/// The progenitor settings for the client crate.
///
/// - Builder interface: `client.update_participant().call_sid(..).body_map(..)`.
/// - `ParticipantStatus` becomes a hand-written enum that keeps unknown values.
/// - RFC 2822 dates become a hand-written type that parses leniently.
/// - The generated `Client` carries a `crate::ClientState` (the account it acts for).
/// - The client crate must implement `ClientHooks` (it strips the
///   `api-version` header and checks bodies), so forgetting it fails to build.
pub fn settings() -> GenerationSettings {
    let mut settings = GenerationSettings::new();
    let status_impls = [TypeImpl::FromStr, TypeImpl::Display].into_iter();
    let date_impls = [TypeImpl::FromStr, TypeImpl::Display].into_iter();
    settings
        .with_interface(InterfaceStyle::Builder)
        .with_tag(TagStyle::Merged)
        .with_hooks(HooksMode::Expected)
        .with_inner_type(INNER_TYPE.parse().expect("a Rust path is a token stream"))
        .with_derive("PartialEq")
        .with_replacement("ParticipantStatus", STATUS_TYPE, status_impls)
        .with_conversion(rfc2822_schema(), DATE_TYPE, date_impls);
    settings
}

fn rfc2822_schema() -> SchemaObject {
    SchemaObject {
        instance_type: Some(InstanceType::String.into()),
        format: Some("date-time-rfc-2822".into()),
        ..Default::default()
    }
}

/// The document as the generator should see it: without provenance (`x-`)
/// extensions, since any extension on a property defeats a type
/// conversion; without `default`s, which document what the service
/// assumes: the generator would otherwise send a default the caller never
/// set, or invent a value the server never sent; and with an `anyOf` of
/// strings read as a plain string (progenitor would make it a struct of
/// optional alternatives; the request hook checks them, from the facts).
pub fn generator_view(spec: &Spec) -> Result<openapiv3::OpenAPI, GenerateError> {
    fn strip(value: &mut Value, names_fields: bool) {
        if let Value::Object(map) = value {
            let strings = map.get("anyOf").and_then(Value::as_array).is_some_and(|a| {
                a.iter()
                    .all(|alt| alt.get("type") == Some(&Value::from("string")))
            });
            if strings && !names_fields {
                map.remove("anyOf");
                map.insert("type".into(), "string".into());
            }
            // A schema's `default` only: a server variable's is required.
            let schema = ["type", "allOf", "oneOf", "anyOf", "$ref"]
                .iter()
                .any(|k| map.contains_key(*k));
            if !names_fields {
                map.retain(|k, _| !(k.starts_with("x-") || schema && k == "default"));
            }
            let skip = ["example", "examples", "enum"];
            map.iter_mut()
                .filter(|(k, _)| !skip.contains(&k.as_str()))
                .for_each(|(k, v)| strip(v, k == "properties"));
        } else if let Value::Array(items) = value {
            items.iter_mut().for_each(|v| strip(v, false));
        }
    }
    let mut doc = spec.tree.to_json();
    strip(&mut doc, false);
    serde_json::from_value(doc)
        .map_err(|e| GenerateError(format!("the cleaned spec does not read back: {e}")))
}

/// What the hand-written layer reads from the spec instead of restating it:
/// the shapes each patterned schema accepts (its description, for error
/// messages), which form fields are URLs (`format: uri`) and which of them
/// may also be empty (an `anyOf` with `maxLength: 0`), and each operation's
/// method and path template (for traces).
fn facts(spec: &openapiv3::OpenAPI) -> proc_macro2::TokenStream {
    use openapiv3::{Schema, SchemaKind, Type, VariantOrUnknownOrEmpty};
    let string = |s: &Schema| match &s.schema_kind {
        SchemaKind::Type(Type::String(s)) => Some(s.clone()),
        _ => None,
    };
    // A property's string alternatives: itself, or each part of its `anyOf`.
    let alternatives = |p: &Schema| match &p.schema_kind {
        SchemaKind::AnyOf { any_of } => {
            any_of.iter().filter_map(|a| string(a.as_item()?)).collect()
        }
        _ => string(p).into_iter().collect::<Vec<_>>(),
    };
    let schemas = spec.components.iter().flat_map(|c| &c.schemas);
    let mut shapes = Vec::new();
    let mut uri_fields = std::collections::BTreeSet::new();
    let mut empty_ok = std::collections::BTreeSet::new();
    let uri_format = VariantOrUnknownOrEmpty::Unknown("uri".to_string());
    for (name, schema) in schemas {
        let Some(schema) = schema.as_item() else {
            continue;
        };
        let describe = || schema.schema_data.description.as_deref().unwrap_or(name);
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) if s.pattern.is_some() => {
                // "A SignalWire ... digits)." becomes "expected a SignalWire ... digits)".
                let text = describe().split_whitespace().collect::<Vec<_>>().join(" ");
                let mut chars = text.trim_end_matches('.').chars();
                let first = chars.next().map(|c| c.to_lowercase().to_string());
                shapes.push((
                    name.clone(),
                    format!("expected {}{}", first.unwrap_or_default(), chars.as_str()),
                ));
            }
            SchemaKind::Type(Type::Object(o)) => {
                for (field, prop) in &o.properties {
                    let alts = prop.as_item().map(|p| alternatives(p)).unwrap_or_default();
                    if alts.iter().any(|s| s.format == uri_format) {
                        uri_fields.insert(field.clone());
                        if alts.iter().any(|s| s.max_length == Some(0)) {
                            empty_ok.insert(field.clone());
                        }
                    }
                }
            }
            _ => {}
        }
    }
    let (names, texts): (Vec<_>, Vec<_>) = shapes.into_iter().unzip();
    let operations = spec
        .paths
        .iter()
        .filter_map(|(path, item)| Some((path, item.as_item()?)));
    let operations: Vec<_> = operations
        .flat_map(|(path, item)| {
            item.iter().map(move |(method, op)| {
                (op.operation_id.clone(), method.to_uppercase(), path.clone())
            })
        })
        .map(|(id, method, path)| quote::quote! { (#id, #method, #path) })
        .collect();
    quote::quote! {
        /// Facts read from the spec when this code was generated, so that the
        /// hand-written layer does not restate them.
        pub mod spec_facts {
            /// Each component schema with a `pattern`, and what a refused value
            /// is told: the shapes the schema's description says it accepts.
            pub const ACCEPTED_SHAPES: &[(&str, &str)] = &[#((#names, #texts)),*];
            /// The fields of the spec's object schemas declared `format: uri`.
            pub const URI_FIELDS: &[&str] = &[#(#uri_fields),*];
            /// Those of them that may also be empty.
            pub const EMPTY_URI_FIELDS: &[&str] = &[#(#empty_ok),*];
            /// Every operation: its id, its HTTP method and its path template
            /// (for traces, which must not carry the filled path).
            pub const OPERATIONS: &[(&str, &str, &str)] = &[#(#operations),*];
        }
    }
}

/// Generates the client code for a linted spec, formatted, with the preamble.
pub fn generate(spec: &Spec) -> Result<String, GenerateError> {
    let view = generator_view(spec)?;
    let mut generator = Generator::new(&settings());
    let tokens = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        generator.generate_tokens(&view)
    }))
    .map_err(|_| GenerateError("progenitor panicked on this spec".into()))?
    .map_err(|e| GenerateError(e.to_string()))?;
    let facts = facts(&spec.openapi);
    let tokens = quote::quote! { #tokens #facts };
    let file: syn::File = syn::parse2(tokens)
        .map_err(|e| GenerateError(format!("progenitor emitted invalid Rust: {e}")))?;
    Ok(format!("{PREAMBLE}\n\n{}", prettyplease::unparse(&file)))
}
