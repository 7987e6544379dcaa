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

/// The hand-written function an open enum reads its value with: any
/// scalar, as text (a status that is a number is kept, not refused).
pub const SCALAR_TEXT: &str = "crate::wire::date::scalar_to_string";
/// The hand-written type the generated `Client` carries (no secrets in it).
pub const INNER_TYPE: &str = "crate::ClientState";
/// The hand-written type every `format: date-time-rfc-2822` string becomes.
pub const DATE_TYPE: &str = "crate::Rfc2822Date";
/// The hand-written type every `format: uri` string becomes: an absolute
/// http(s) URL, checked when it is built.
pub const URL_TYPE: &str = "crate::HttpUrl";
/// The type of a string that is `anyOf` a `format: uri` and the empty string.
pub const URL_OR_EMPTY_TYPE: &str = "crate::HttpUrlOrEmpty";
/// The hand-written trait the generated patterned types implement, so that a
/// refusal names the schema and the shapes it accepts without any lookup.
pub const PATTERNED_TRAIT: &str = "crate::Patterned";
/// The hand-written trait the generated object types implement, so that a
/// form reader finds the schema's fields in the facts by its name.
pub const SCHEMA_TRAIT: &str = "crate::form::Schema";
/// The hand-written type every `format: password` string becomes (D34).
pub const SECRET_TYPE: &str = "crate::Secret";
/// The hand-written type every array field of a form body becomes, holding
/// its item type: written as one value, which the request hook sends as one
/// pair per element (D33).
pub const REPEATED_TYPE: &str = "crate::form::Repeated";
/// The format the generator view gives an `anyOf` of a URI and the empty
/// string (no such format exists outside this crate).
const URI_OR_EMPTY: &str = "uri-or-empty";

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
    let date_impls = [TypeImpl::FromStr, TypeImpl::Display].into_iter();
    let url_impls = [TypeImpl::FromStr, TypeImpl::Display];
    settings
        .with_interface(InterfaceStyle::Builder)
        .with_tag(TagStyle::Merged)
        .with_hooks(HooksMode::Expected)
        .with_inner_type(INNER_TYPE.parse().expect("a Rust path is a token stream"))
        .with_derive("PartialEq")
        .with_conversion(string_format("date-time-rfc-2822"), DATE_TYPE, date_impls)
        .with_conversion(string_format("uri"), URL_TYPE, url_impls.into_iter())
        .with_conversion(
            string_format(URI_OR_EMPTY),
            URL_OR_EMPTY_TYPE,
            url_impls.into_iter(),
        )
        .with_conversion(string_format("password"), SECRET_TYPE, [].into_iter());
    settings
}

fn string_format(format: &str) -> SchemaObject {
    SchemaObject {
        instance_type: Some(InstanceType::String.into()),
        format: Some(format.into()),
        ..Default::default()
    }
}

/// The document as the generator should see it: without provenance (`x-`)
/// extensions, since any extension on a property defeats a type
/// conversion; without `default`s, which document what the service
/// assumes: the generator would otherwise send a default the caller never
/// set, or invent a value the server never sent; and with an `anyOf` of
/// strings read as one string (progenitor would make it a struct of
/// optional alternatives): a URI or the empty string becomes the format
/// that [`URL_OR_EMPTY_TYPE`] stands for, any other a plain string.
pub fn generator_view(spec: &Spec) -> Result<openapiv3::OpenAPI, GenerateError> {
    fn strip(value: &mut Value, names_fields: bool) {
        if let Value::Object(map) = value {
            let alternatives = map.get("anyOf").and_then(Value::as_array);
            let strings = alternatives.is_some_and(|a| {
                a.iter()
                    .all(|alt| alt.get("type") == Some(&Value::from("string")))
            });
            if strings && !names_fields {
                let has = |key: &str, value: Value| {
                    alternatives.is_some_and(|a| a.iter().any(|alt| alt.get(key) == Some(&value)))
                };
                let uri_or_empty = has("format", "uri".into()) && has("maxLength", 0.into());
                map.remove("anyOf");
                map.insert("type".into(), "string".into());
                if uri_or_empty {
                    map.insert("format".into(), URI_OR_EMPTY.into());
                }
            }
            // `null` among a nullable schema's enum values says what
            // `nullable` says, and the generator refuses a null value.
            if map.get("nullable") == Some(&Value::Bool(true))
                && let Some(Value::Array(values)) = map.get_mut("enum")
                && values.len() > 1
            {
                values.retain(|v| !v.is_null());
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
    // A date bound (`x-bound-of`, D38) would be its bounded parameter's
    // builder method again: left out, for the client to add.
    let bound = |p: &Value| p.get(crate::lint::BOUND_OF).is_some();
    let components = doc
        .pointer("/components/parameters")
        .and_then(Value::as_object);
    let bounds: Vec<String> = components
        .into_iter()
        .flatten()
        .filter(|(_, p)| bound(p))
        .map(|(name, _)| format!("#/components/parameters/{name}"))
        .collect();
    let paths = doc.get_mut("paths").and_then(Value::as_object_mut);
    for item in paths.into_iter().flat_map(|paths| paths.values_mut()) {
        let lists = item.as_object_mut().into_iter().flat_map(|item| {
            let ops = item.values_mut().filter_map(Value::as_object_mut);
            ops.filter_map(|op| op.get_mut("parameters")?.as_array_mut())
        });
        for list in lists {
            list.retain(|p| {
                let target = p.get("$ref").and_then(Value::as_str);
                !bound(p) && !target.is_some_and(|t| bounds.iter().any(|b| b == t))
            });
        }
    }
    strip(&mut doc, false);
    // Only the successes: every other answer reaches the client's hand
    // layer as it came, which decodes it once (the provider's JSON, or a
    // proxy's HTML) and carries the verdict typed, rather than the
    // generated code decoding some and failing on others.
    let operations = doc.get_mut("paths").and_then(Value::as_object_mut);
    for item in operations.into_iter().flat_map(|paths| paths.values_mut()) {
        let methods = item
            .as_object_mut()
            .into_iter()
            .flat_map(|m| m.values_mut());
        for responses in methods.filter_map(|op| op.get_mut("responses")?.as_object_mut()) {
            responses.retain(|status, _| status.starts_with('2'));
        }
    }
    serde_json::from_value(doc)
        .map_err(|e| GenerateError(format!("the cleaned spec does not read back: {e}")))
}

/// Each array field of a form body, as the generator sees its schema, and
/// the Rust type of its items: a component schema's (`$ref`), or `String`.
fn form_arrays(view: &openapiv3::OpenAPI) -> Vec<(SchemaObject, String)> {
    use openapiv3::{ReferenceOr, SchemaKind, Type};
    use schemars::schema::{ArrayValidation, Schema, SingleOrVec};
    let mut arrays = Vec::new();
    let bodies = view.paths.iter().filter_map(|(_, item)| item.as_item());
    let forms = bodies
        .flat_map(|item| item.iter().map(|(_, op)| op))
        .filter_map(|op| op.request_body.as_ref()?.as_item())
        .filter_map(|body| {
            body.content
                .get("application/x-www-form-urlencoded")?
                .schema
                .as_ref()
        });
    for form in forms {
        let resolved = match form {
            ReferenceOr::Reference { reference } => {
                let name = reference.rsplit('/').next().unwrap_or_default();
                let schemas = view.components.iter().flat_map(|c| &c.schemas);
                schemas
                    .clone()
                    .find(|(n, _)| *n == name)
                    .and_then(|(_, s)| s.as_item())
            }
            ReferenceOr::Item(item) => Some(item),
        };
        let Some(SchemaKind::Type(Type::Object(o))) = resolved.map(|s| &s.schema_kind) else {
            continue;
        };
        for property in o.properties.values() {
            let ReferenceOr::Item(property) = property else {
                continue;
            };
            let SchemaKind::Type(Type::Array(a)) = &property.schema_kind else {
                continue;
            };
            let (item, reference) = match &a.items {
                Some(ReferenceOr::Reference { reference }) => {
                    let name = reference.rsplit('/').next().unwrap_or_default();
                    (format!("crate::types::{name}"), Some(reference.clone()))
                }
                _ => ("::std::string::String".to_string(), None),
            };
            let items = match reference {
                Some(reference) => SchemaObject {
                    reference: Some(reference),
                    ..Default::default()
                },
                None => string_format_less(),
            };
            let schema = SchemaObject {
                instance_type: Some(InstanceType::Array.into()),
                array: Some(Box::new(ArrayValidation {
                    items: Some(SingleOrVec::Single(Box::new(Schema::Object(items)))),
                    ..Default::default()
                })),
                ..Default::default()
            };
            arrays.push((schema, item));
        }
    }
    arrays
}

/// A plain string schema.
fn string_format_less() -> SchemaObject {
    SchemaObject {
        instance_type: Some(InstanceType::String.into()),
        ..Default::default()
    }
}

/// The component schemas that are open enums: an `anyOf` of a string `enum`
/// and a plain string (D27), with their listed values. The generator makes
/// a Rust enum of each with an `Other` variant for any other value.
fn open_enums(spec: &openapiv3::OpenAPI) -> Vec<(String, Vec<String>)> {
    use openapiv3::{SchemaKind, Type};
    let schemas = spec.components.iter().flat_map(|c| &c.schemas);
    let strings =
        |s: &openapiv3::ReferenceOr<openapiv3::Schema>| match s.as_item().map(|s| &s.schema_kind) {
            Some(SchemaKind::Type(Type::String(s))) => {
                Some(s.enumeration.iter().flatten().cloned().collect::<Vec<_>>())
            }
            _ => None,
        };
    schemas
        .filter_map(|(name, schema)| {
            let SchemaKind::AnyOf { any_of } = &schema.as_item()?.schema_kind else {
                return None;
            };
            let alternatives: Option<Vec<_>> = any_of.iter().map(strings).collect();
            match alternatives?.as_slice() {
                [listed, open] | [open, listed] if open.is_empty() && !listed.is_empty() => {
                    Some((name.clone(), listed.clone()))
                }
                _ => None,
            }
        })
        .collect()
}

/// The Rust type of an open enum: a variant per listed value, `Other` for
/// the rest; read from and written as the value's text.
fn open_enum(name: &str, values: &[String], description: Option<&str>) -> proc_macro2::TokenStream {
    use heck::ToUpperCamelCase;
    let ident = quote::format_ident!("{name}");
    let variants: Vec<_> = values
        .iter()
        .map(|v| quote::format_ident!("{}", v.to_upper_camel_case()))
        .collect();
    let docs = values.iter().map(|v| format!("`{v}`"));
    let doc = description.unwrap_or(name);
    let scalar_text: syn::Path = syn::parse_str(SCALAR_TEXT).expect("a Rust path");
    quote::quote! {
        #[doc = #doc]
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum #ident {
            #(#[doc = #docs] #variants,)*
            /// A value the spec does not list, kept as sent.
            Other(::std::string::String),
        }
        impl #ident {
            /// The value as sent.
            pub fn as_str(&self) -> &str {
                match self {
                    #(Self::#variants => #values,)*
                    Self::Other(value) => value,
                }
            }
        }
        impl ::std::convert::From<&str> for #ident {
            fn from(value: &str) -> Self {
                match value {
                    #(#values => Self::#variants,)*
                    other => Self::Other(other.to_string()),
                }
            }
        }
        impl ::std::str::FromStr for #ident {
            type Err = ::std::convert::Infallible;
            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }
        impl ::std::fmt::Display for #ident {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl ::serde::Serialize for #ident {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> ::std::result::Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
        impl<'de> ::serde::Deserialize<'de> for #ident {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> ::std::result::Result<Self, D::Error> {
                // Any scalar: a value that is not even a string is kept too.
                let value = #scalar_text(d)?;
                Ok(Self::from(value.as_str()))
            }
        }
    }
}

/// What a field or parameter holds, as the fake server and the checks need
/// to know it: `boolean`, `integer`, `string`, `uri`, `uri-or-empty`,
/// `password` (a secret, D34), `array` (repeated keys, D33), or the
/// name of the component schema it refers to (`HttpMethod`, `CallSid`...).
fn kind(schema: &openapiv3::ReferenceOr<openapiv3::Schema>) -> String {
    use openapiv3::{ReferenceOr, SchemaKind, Type, VariantOrUnknownOrEmpty};
    let item = match schema {
        ReferenceOr::Reference { reference } => {
            let name = reference.rsplit('/').next().unwrap_or(reference);
            return name.to_string();
        }
        ReferenceOr::Item(item) => item,
    };
    let uri = VariantOrUnknownOrEmpty::Unknown("uri".to_string());
    let password = VariantOrUnknownOrEmpty::Item(openapiv3::StringFormat::Password);
    match &item.schema_kind {
        SchemaKind::Type(Type::Boolean(_)) => "boolean".into(),
        SchemaKind::Type(Type::Integer(_)) => "integer".into(),
        SchemaKind::Type(Type::String(s)) if s.format == uri => "uri".into(),
        SchemaKind::Type(Type::String(s)) if s.format == password => "password".into(),
        SchemaKind::Type(Type::Number(_)) => "number".into(),
        SchemaKind::Type(Type::Array(_)) => "array".into(),
        SchemaKind::AllOf { all_of } if all_of.len() == 1 => kind(&all_of[0]),
        SchemaKind::AnyOf { any_of } => {
            let kinds: Vec<_> = any_of.iter().map(kind).collect();
            if kinds.iter().any(|k| k == "uri") && kinds.iter().all(|k| k == "uri" || k == "string")
            {
                URI_OR_EMPTY.into()
            } else {
                "string".into()
            }
        }
        _ => "string".into(),
    }
}

/// A [`kind`] as the generated `spec_facts::Kind` it names.
fn kind_tokens(kind: &str) -> proc_macro2::TokenStream {
    match kind {
        "boolean" => quote::quote! { Kind::Boolean },
        "integer" => quote::quote! { Kind::Integer },
        "number" => quote::quote! { Kind::Number },
        "string" => quote::quote! { Kind::String },
        "uri" => quote::quote! { Kind::Uri },
        URI_OR_EMPTY => quote::quote! { Kind::UriOrEmpty },
        "password" => quote::quote! { Kind::Password },
        "array" => quote::quote! { Kind::Array },
        schema => quote::quote! { Kind::Schema(#schema) },
    }
}

/// An operation's parameters, references resolved (the path item's too).
fn parameters<'a>(
    spec: &'a openapiv3::OpenAPI,
    path: &str,
    op: &'a openapiv3::Operation,
) -> Vec<&'a openapiv3::Parameter> {
    use openapiv3::ReferenceOr;
    let item = spec.paths.paths.get(path).and_then(ReferenceOr::as_item);
    let shared = item.map(|i| i.parameters.as_slice()).unwrap_or_default();
    shared
        .iter()
        .chain(&op.parameters)
        .filter_map(|p| match p {
            ReferenceOr::Item(p) => Some(p),
            ReferenceOr::Reference { reference } => {
                let name = reference.rsplit('/').next()?;
                spec.components.as_ref()?.parameters.get(name)?.as_item()
            }
        })
        .collect()
}

/// The integer bounds a parameter's schema sets, if any.
fn bounds(schema: &openapiv3::ReferenceOr<openapiv3::Schema>) -> (Option<i64>, Option<i64>) {
    use openapiv3::{SchemaKind, Type};
    match schema.as_item().map(|s| &s.schema_kind) {
        Some(SchemaKind::Type(Type::Integer(i))) => (i.minimum, i.maximum),
        _ => (None, None),
    }
}

/// For each parameter of each operation, the exact message the generated
/// builder gives when a value does not convert, read from the generated
/// code itself: so the error type can name the parameter by looking the
/// message up, never by parsing it, and a generator release that words it
/// differently changes this table with it. (A test checks that every
/// parameter of the workspace's spec is in it.)
fn builder_refusals(code: &syn::File, spec: &openapiv3::OpenAPI) -> Vec<(String, String)> {
    use proc_macro2::TokenTree;
    use quote::ToTokens;
    fn literals(tokens: proc_macro2::TokenStream, out: &mut Vec<TokenTree>) {
        for tree in tokens {
            match tree {
                TokenTree::Group(g) => literals(g.stream(), out),
                other => out.push(other),
            }
        }
    }
    fn string(tree: &TokenTree) -> Option<String> {
        let TokenTree::Literal(lit) = tree else {
            return None;
        };
        syn::parse2::<syn::LitStr>(lit.to_token_stream())
            .ok()
            .map(|l| l.value())
    }
    fn impls<'a>(items: &'a [syn::Item], out: &mut Vec<&'a syn::ItemImpl>) {
        for item in items {
            match item {
                syn::Item::Impl(i) => out.push(i),
                syn::Item::Mod(syn::ItemMod {
                    content: Some((_, items)),
                    ..
                }) => impls(items, out),
                _ => {}
            }
        }
    }
    let mut blocks = Vec::new();
    impls(&code.items, &mut blocks);
    // Names compared as the generator sanitises them: letters and digits.
    let squash = |s: &str| {
        let kept = s.chars().filter(char::is_ascii_alphanumeric);
        kept.collect::<String>().to_lowercase()
    };
    let mut found = Vec::new();
    for (path, _, op) in spec.operations() {
        let Some(id) = &op.operation_id else { continue };
        // The builder is the impl whose `send` names this operation.
        let builder = blocks.iter().find(|b| {
            let mut trees = Vec::new();
            literals(b.to_token_stream(), &mut trees);
            trees.windows(3).any(|w| {
                matches!(&w[0], TokenTree::Ident(i) if i == "operation_id")
                    && string(&w[2]).is_some_and(|named| squash(&named) == squash(id))
            })
        });
        let Some(builder) = builder else { continue };
        for parameter in parameters(spec, path, op) {
            let name = &parameter.parameter_data_ref().name;
            let setter = builder.items.iter().find_map(|item| match item {
                syn::ImplItem::Fn(f) if squash(&f.sig.ident.to_string()) == squash(name) => Some(f),
                _ => None,
            });
            let mut trees = Vec::new();
            if let Some(setter) = setter {
                literals(setter.block.to_token_stream(), &mut trees);
            }
            if let Some(message) = trees.iter().find_map(string) {
                found.push((message, name.clone()));
            }
        }
    }
    found.sort();
    found.dedup();
    found
}

/// What the hand-written layer and the fake server read from the spec
/// instead of restating it: the shapes each patterned schema accepts (its
/// description, for error messages, also as a [`PATTERNED_TRAIT`] impl,
/// beside its `Display` and its comparisons with `str` and `String`),
/// each operation's method and path template, its parameters, the fields of
/// its form body and of every object schema, and the builder's refusals.
fn facts(spec: &openapiv3::OpenAPI, code: &syn::File) -> proc_macro2::TokenStream {
    use openapiv3::{ReferenceOr, SchemaKind, Type};
    let resolve = |schema: &ReferenceOr<openapiv3::Schema>| -> Option<openapiv3::Schema> {
        match schema {
            ReferenceOr::Item(item) => Some(item.clone()),
            ReferenceOr::Reference { reference } => {
                let name = reference.rsplit('/').next()?;
                spec.components
                    .as_ref()?
                    .schemas
                    .get(name)?
                    .as_item()
                    .cloned()
            }
        }
    };
    let schemas = spec.components.iter().flat_map(|c| &c.schemas);
    let mut shapes = Vec::new();
    let mut objects = Vec::new();
    let mut field_bounds = Vec::new();
    let mut enums = Vec::new();
    let mut named = Vec::new();
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
                let ident = quote::format_ident!("{name}");
                let path: syn::Path = syn::parse_str(SCHEMA_TRAIT).expect("a Rust path");
                named.push(quote::quote! {
                    impl #path for types::#ident {
                        const NAME: &'static str = #name;
                    }
                });
                for (field, property) in &o.properties {
                    let property = property.clone().unbox();
                    objects.push((name.clone(), field.clone(), kind(&property)));
                    let (min, max) = bounds(&property);
                    if min.is_some() || max.is_some() {
                        let some = |v: Option<i64>| match v {
                            Some(v) => quote::quote! { Some(#v) },
                            None => quote::quote! { None },
                        };
                        let (min, max) = (some(min), some(max));
                        field_bounds.push(quote::quote! { (#name, #field, #min, #max) });
                    }
                }
            }
            SchemaKind::Type(Type::String(s)) if !s.enumeration.is_empty() => {
                let values = s.enumeration.iter().flatten();
                enums.push(quote::quote! { (#name, &[#(#values),*]) });
            }
            _ => {}
        }
    }
    // Sorted, for a binary search by schema and property.
    objects.sort();
    let objects = objects.iter().map(|(name, field, kind)| {
        let kind = kind_tokens(kind);
        quote::quote! { (#name, #field, #kind) }
    });
    // Besides the trait: shown as the value, and compared with text either
    // way round, since the responses carry the same ids as plain strings
    // (D11) and an application compares an event's id with a listing's.
    let patterned = shapes.iter().map(|(name, text)| {
        let ident = quote::format_ident!("{name}");
        let path: syn::Path = syn::parse_str(PATTERNED_TRAIT).expect("a Rust path");
        quote::quote! {
            impl #path for types::#ident {
                const SCHEMA: &'static str = #name;
                const ACCEPTS: &'static str = #text;
            }
            impl ::std::fmt::Display for types::#ident {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    f.write_str(self.as_str())
                }
            }
            impl ::std::cmp::PartialEq<str> for types::#ident {
                fn eq(&self, other: &str) -> bool {
                    self.as_str() == other
                }
            }
            impl ::std::cmp::PartialEq<&str> for types::#ident {
                fn eq(&self, other: &&str) -> bool {
                    self.as_str() == *other
                }
            }
            impl ::std::cmp::PartialEq<::std::string::String> for types::#ident {
                fn eq(&self, other: &::std::string::String) -> bool {
                    self.as_str() == other.as_str()
                }
            }
            impl ::std::cmp::PartialEq<types::#ident> for str {
                fn eq(&self, other: &types::#ident) -> bool {
                    self == other.as_str()
                }
            }
            impl ::std::cmp::PartialEq<types::#ident> for &str {
                fn eq(&self, other: &types::#ident) -> bool {
                    *self == other.as_str()
                }
            }
            impl ::std::cmp::PartialEq<types::#ident> for ::std::string::String {
                fn eq(&self, other: &types::#ident) -> bool {
                    self.as_str() == other.as_str()
                }
            }
        }
    });
    let (names, texts): (Vec<_>, Vec<_>) = shapes.iter().cloned().unzip();
    let schemas = spec.components.iter().flat_map(|c| &c.schemas);
    let subscriptions = schemas.filter_map(|(name, schema)| {
        let events = schema.as_item()?.schema_data.extensions.get("x-events")?;
        let rows = events.as_object()?.iter().map(move |(value, names)| {
            let names = names
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|n| n.as_str());
            quote::quote! { (#name, #value, &[#(#names),*]) }
        });
        Some(rows)
    });
    let subscriptions: Vec<_> = subscriptions.flatten().collect();
    let mut operations = Vec::new();
    let mut unsafe_by_operation: Vec<Vec<String>> = Vec::new();
    let mut arrays_by_operation: Vec<Vec<String>> = Vec::new();
    let mut parameter_facts = Vec::new();
    let mut form_fields = Vec::new();
    for (path, method, op) in spec.operations() {
        let id = op.operation_id.clone().unwrap_or_default();
        let variant = quote::format_ident!(
            "{}",
            heck::ToUpperCamelCase::to_upper_camel_case(id.as_str())
        );
        let method = method.to_uppercase();
        let urls: Vec<_> = op.servers.iter().map(|s| s.url.clone()).collect();
        let safe = op.extensions.get(crate::lint::SAFE_TO_REPEAT) == Some(&Value::Bool(true));
        let summary = op.summary.clone().unwrap_or_else(|| id.clone());
        let doc = format!("`{id}`: {summary} (`{method} {path}`).");
        let mut unsafe_fields = Vec::new();
        let mut array_fields = Vec::new();
        operations.push((
            variant.clone(),
            id.clone(),
            method.clone(),
            path.to_string(),
            urls,
            safe,
            doc,
        ));
        let id = &variant;
        for parameter in parameters(spec, path, op) {
            let data = parameter.parameter_data_ref();
            let name = &data.name;
            let location = match parameter {
                openapiv3::Parameter::Query { .. } => "query",
                openapiv3::Parameter::Path { .. } => "path",
                openapiv3::Parameter::Header { .. } => "header",
                openapiv3::Parameter::Cookie { .. } => "cookie",
            };
            let (kind, (minimum, maximum)) = match data.format.clone() {
                openapiv3::ParameterSchemaOrContent::Schema(s) => (kind(&s), bounds(&s)),
                openapiv3::ParameterSchemaOrContent::Content(_) => ("string".into(), (None, None)),
            };
            let some = |v: Option<i64>| match v {
                Some(v) => quote::quote! { Some(#v) },
                None => quote::quote! { None },
            };
            let (minimum, maximum) = (some(minimum), some(maximum));
            let kind = kind_tokens(&kind);
            let bound_of = match data.extensions.get(crate::lint::BOUND_OF) {
                Some(Value::String(of)) => quote::quote! { Some(#of) },
                _ => quote::quote! { None },
            };
            parameter_facts.push(quote::quote! {
                Parameter { operation: Operation::#id, name: #name, location: #location, kind: #kind, minimum: #minimum, maximum: #maximum, bound_of: #bound_of }
            });
        }
        let form = op
            .request_body
            .as_ref()
            .and_then(|b| b.as_item())
            .and_then(|b| {
                b.content
                    .get("application/x-www-form-urlencoded")?
                    .schema
                    .clone()
            });
        if let Some(SchemaKind::Type(Type::Object(o))) =
            form.as_ref().and_then(&resolve).map(|s| s.schema_kind)
        {
            for (field, schema) in &o.properties {
                let schema = schema.clone().unbox();
                let kind = kind(&schema);
                if kind == "array" {
                    array_fields.push(field.clone());
                }
                let kind = kind_tokens(&kind);
                form_fields.push(quote::quote! { (Operation::#id, #field, #kind) });
                if let openapiv3::ReferenceOr::Item(item) = &schema
                    && item.schema_data.extensions.get(crate::lint::SAFE_TO_REPEAT)
                        == Some(&Value::Bool(false))
                {
                    unsafe_fields.push(field.clone());
                }
            }
        }
        unsafe_by_operation.push(unsafe_fields);
        arrays_by_operation.push(array_fields);
    }
    let variants: Vec<_> = operations.iter().map(|o| o.0.clone()).collect();
    let ids = operations.iter().map(|o| &o.1);
    let ids_again = ids.clone();
    let methods = operations.iter().map(|o| &o.2);
    let paths = operations.iter().map(|o| &o.3);
    let servers = operations.iter().map(|o| {
        let urls = &o.4;
        quote::quote! { &[#(#urls),*] }
    });
    let safe = operations.iter().map(|o| o.5);
    let docs = operations.iter().map(|o| &o.6);
    let unsafe_fields = unsafe_by_operation
        .iter()
        .map(|fields| quote::quote! { &[#(#fields),*] });
    let array_fields = arrays_by_operation
        .iter()
        .map(|fields| quote::quote! { &[#(#fields),*] });
    let count = operations.len();
    let operation = quote::quote! {
        /// An operation of the spec, with what the spec says of it.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Operation {
            #(#[doc = #docs] #variants,)*
        }
        impl Operation {
            /// Every operation, in the spec's order.
            pub const ALL: [Operation; #count] = [#(Operation::#variants),*];
            /// Its `operationId`.
            pub const fn id(self) -> &'static str {
                match self { #(Operation::#variants => #ids,)* }
            }
            /// Its HTTP method.
            pub const fn method(self) -> &'static str {
                match self { #(Operation::#variants => #methods,)* }
            }
            /// Its path template (for traces, which must not carry the
            /// filled path).
            pub const fn path(self) -> &'static str {
                match self { #(Operation::#variants => #paths,)* }
            }
            /// The URLs of its own `servers`, if it names any (D32: one
            /// provider only); none: the spec's.
            pub const fn servers(self) -> &'static [&'static str] {
                match self { #(Operation::#variants => #servers,)* }
            }
            /// Whether a request may be sent again after a try that may have
            /// been applied (`x-safe-to-repeat`).
            pub const fn safe_to_repeat(self) -> bool {
                match self { #(Operation::#variants => #safe,)* }
            }
            /// The form fields that make a request unsafe to repeat when set
            /// (`x-safe-to-repeat: false` on the property).
            pub const fn unsafe_fields(self) -> &'static [&'static str] {
                match self { #(Operation::#variants => #unsafe_fields,)* }
            }
            /// The form fields that are arrays (sent as repeated pairs, D33).
            pub const fn array_fields(self) -> &'static [&'static str] {
                match self { #(Operation::#variants => #array_fields,)* }
            }
            /// The operation with this `operationId`.
            pub fn from_id(id: &str) -> Option<Operation> {
                match id { #(#ids_again => Some(Operation::#variants),)* _ => None }
            }
        }
        impl std::fmt::Display for Operation {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.id())
            }
        }
    };
    // Every wire name of a parameter or a form field, once, as a constant:
    // hand-written code names a field through it, so a field the spec
    // renames or drops fails to compile there.
    let mut wire_names: Vec<String> = Vec::new();
    for (path, _, op) in spec.operations() {
        for parameter in parameters(spec, path, op) {
            wire_names.push(parameter.parameter_data_ref().name.clone());
        }
    }
    for (_, _, op) in spec.operations() {
        let body = op.request_body.as_ref().and_then(|b| b.as_item());
        let form = body.and_then(|b| b.content.get("application/x-www-form-urlencoded"));
        let schema = form.and_then(|m| m.schema.as_ref()).and_then(&resolve);
        if let Some(SchemaKind::Type(Type::Object(o))) = schema.map(|s| s.schema_kind) {
            wire_names.extend(o.properties.keys().cloned());
        }
    }
    wire_names.sort();
    wire_names.dedup();
    let field_consts = wire_names.iter().map(|name| {
        // A date bound (D38) is named after its parameter and its side.
        let shouty = heck::ToShoutySnakeCase::to_shouty_snake_case(name.as_str());
        let ident = match name.chars().last() {
            Some('<') => quote::format_ident!("{shouty}_BEFORE"),
            Some('>') => quote::format_ident!("{shouty}_AFTER"),
            _ => quote::format_ident!("{shouty}"),
        };
        let doc = format!("`{name}`.");
        quote::quote! { #[doc = #doc] pub const #ident: &str = #name; }
    });
    // Every component schema's name, as a constant (`Kind::Schema` holds
    // one): code that matches a kind names the schema through it.
    let schema_consts = spec
        .components
        .iter()
        .flat_map(|c| c.schemas.keys())
        .map(|name| {
            let ident = quote::format_ident!(
                "{}",
                heck::ToShoutySnakeCase::to_shouty_snake_case(name.as_str())
            );
            let doc = format!("`{name}`.");
            quote::quote! { #[doc = #doc] pub const #ident: &str = #name; }
        });
    let refusals = builder_refusals(code, spec)
        .into_iter()
        .map(|(message, name)| {
            quote::quote! { (#message, #name) }
        });
    quote::quote! {
        #(#patterned)*
        #(#named)*

        /// Facts read from the spec when this code was generated, so that the
        /// hand-written layer and the fake server do not restate them.
        pub mod spec_facts {
            /// Each component schema with a `pattern`, and what a refused value
            /// is told: the shapes the schema's description says it accepts.
            pub const ACCEPTED_SHAPES: &[(&str, &str)] = &[#((#names, #texts)),*];
            #operation
            /// What a parameter or a form field holds, as the form reader and
            /// the checks need to know it.
            #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
            pub enum Kind {
                /// `true` or `false`.
                Boolean,
                /// A whole number.
                Integer,
                /// Any number.
                Number,
                /// Text.
                String,
                /// An absolute http(s) URL (`format: uri`).
                Uri,
                /// An absolute URL, or the empty string (D5).
                UriOrEmpty,
                /// A secret (`format: password`, D34).
                Password,
                /// Repeated pairs (D33).
                Array,
                /// The component schema it refers to (an id, an enum...).
                Schema(&'static str),
            }
            impl std::fmt::Display for Kind {
                /// As the spec says it (`boolean`, `uri`), or the schema's name.
                fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.write_str(match self {
                        Kind::Boolean => "boolean",
                        Kind::Integer => "integer",
                        Kind::Number => "number",
                        Kind::String => "string",
                        Kind::Uri => "uri",
                        Kind::UriOrEmpty => #URI_OR_EMPTY,
                        Kind::Password => "password",
                        Kind::Array => "array",
                        Kind::Schema(name) => name,
                    })
                }
            }
            /// One parameter of one operation.
            #[derive(Clone, Copy, Debug, PartialEq, Eq)]
            pub struct Parameter {
                /// The operation.
                pub operation: Operation,
                /// The parameter's name on the wire.
                pub name: &'static str,
                /// `path`, `query`, `header` or `cookie`.
                pub location: &'static str,
                /// What it holds.
                pub kind: Kind,
                /// The least integer the spec allows, if it says.
                pub minimum: Option<i64>,
                /// The greatest integer the spec allows, if it says.
                pub maximum: Option<i64>,
                /// For a date bound (`DateCreated<`, D38), the parameter it
                /// bounds; the generated builders leave bounds out.
                pub bound_of: Option<&'static str>,
            }
            /// Every operation's parameters, in the spec's order.
            pub const PARAMETERS: &[Parameter] = &[#(#parameter_facts),*];
            /// The fields of each operation's form body: operation, field
            /// name, and its kind (as [`Parameter::kind`]).
            pub const FORM_FIELDS: &[(Operation, &str, Kind)] = &[#(#form_fields),*];
            /// The integer properties of object schemas that the spec
            /// bounds: schema, property, least and greatest value (the
            /// generated types do not check them; the form reader does).
            pub const FIELD_BOUNDS: &[(&str, &str, Option<i64>, Option<i64>)] = &[#(#field_bounds),*];
            /// What each value of a subscription enum stands for (its
            /// `x-events`): the schema, the value, and the event names
            /// (`ConferenceEventName`) it has sent.
            pub const SUBSCRIPTIONS: &[(&str, &str, &[&str])] = &[#(#subscriptions),*];
            /// The values of each string schema with an `enum`.
            pub const ENUMS: &[(&str, &[&str])] = &[#(#enums),*];
            /// The properties of every object schema: schema, property, and
            /// its kind (as [`Parameter::kind`]), sorted by schema and
            /// property.
            pub const SCHEMA_FIELDS: &[(&str, &str, Kind)] = &[#(#objects),*];
            /// The generated builders' message for a value that does not
            /// convert, and the parameter it is about.
            pub const BUILDER_REFUSALS: &[(&str, &str)] = &[#(#refusals),*];
            /// The wire name of every parameter and form field of the
            /// spec's operations.
            pub mod fields {
                #(#field_consts)*
            }
            /// The name of every component schema of the spec.
            pub mod schemas {
                #(#schema_consts)*
            }
        }
    }
}

/// Generates the client code for a linted spec, formatted, with the preamble.
pub fn generate(spec: &Spec) -> Result<String, GenerateError> {
    let view = generator_view(spec)?;
    let mut settings = settings();
    let open = open_enums(&spec.openapi);
    for (name, _) in &open {
        let impls = [TypeImpl::FromStr, TypeImpl::Display].into_iter();
        settings.with_replacement(name, format!("crate::types::{name}"), impls);
    }
    for (schema, item) in form_arrays(&view) {
        let repeated = format!("{REPEATED_TYPE}<{item}>");
        settings.with_conversion(schema, repeated, [].into_iter());
    }
    let mut generator = Generator::new(&settings);
    let tokens = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        generator.generate_tokens(&view)
    }))
    .map_err(|_| GenerateError("progenitor panicked on this spec".into()))?
    .map_err(|e| GenerateError(e.to_string()))?;
    let mut generated: syn::File = syn::parse2(tokens)
        .map_err(|e| GenerateError(format!("progenitor emitted invalid Rust: {e}")))?;
    // The open enums go where every other type of the spec is.
    let types = generated.items.iter_mut().find_map(|item| match item {
        syn::Item::Mod(m) if m.ident == "types" => m.content.as_mut(),
        _ => None,
    });
    if let Some((_, items)) = types {
        let schemas = spec.openapi.components.iter().flat_map(|c| &c.schemas);
        for (name, values) in &open {
            let description = schemas
                .clone()
                .find(|(n, _)| *n == name)
                .and_then(|(_, s)| s.as_item()?.schema_data.description.clone());
            let code = open_enum(name, values, description.as_deref());
            let file: syn::File = syn::parse2(code).map_err(|e| {
                GenerateError(format!("the open enum {name} is not valid Rust: {e}"))
            })?;
            items.extend(file.items);
        }
    }
    let facts = facts(&spec.openapi, &generated);
    let file: syn::File = syn::parse2(quote::quote! { #generated #facts })
        .map_err(|e| GenerateError(format!("the spec facts are not valid Rust: {e}")))?;
    Ok(format!("{PREAMBLE}\n\n{}", prettyplease::unparse(&file)))
}
