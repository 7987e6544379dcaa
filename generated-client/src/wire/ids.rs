//! The ids: how a caller's text becomes one of the spec's patterned types
//! (or the error that names the schema and what it accepts), and how two
//! call ids compare. One place for an id's shape.

use crate::Error;
use crate::types;

/// A generated type the spec restricts with a `pattern` (the ids): the
/// generator implements it for each, from the schema's name and
/// description, so that a refusal names both without a lookup.
pub trait Patterned: std::str::FromStr {
    /// The component schema's name (`CallSid`), as refusals name it.
    const SCHEMA: &'static str;
    /// What the schema accepts, from its description ("expected a SignalWire call id...").
    const ACCEPTS: &'static str;
}

/// `value` as the generated type `T`, or the error that names the schema
/// and the shapes the spec accepts for it.
pub(crate) fn parse<T: Patterned>(value: &str) -> Result<T, Error> {
    value.parse().map_err(|_| Error::InvalidArgument {
        parameter: T::SCHEMA.to_string(),
        reason: T::ACCEPTS.to_string(),
    })
}

/// How two call ids compare: the spec's `CallId` takes hex digits in
/// either case for the same id, so an id of that shape compares in lower
/// case; anything else (a label) exactly.
pub(crate) fn call_key(id: &str) -> std::borrow::Cow<'_, str> {
    match id.parse::<types::CallId>() {
        Ok(_) if id.bytes().any(|b| b.is_ascii_uppercase()) => {
            // The prefix (`CA`) is upper case in the pattern: keep it.
            let (prefix, rest) = id.split_at(if id.starts_with("CA") { 2 } else { 0 });
            format!("{prefix}{}", rest.to_ascii_lowercase()).into()
        }
        _ => id.into(),
    }
}
