//! Reading a form (a body, or a query string) as the spec types it. Every
//! value is text on the wire; this gives each one the JSON type its schema
//! says, from the generated facts, so that a generated type reads it with
//! serde. (Read straight from the form, a type with a map of unknown
//! fields would see its booleans as strings: serde's `flatten` buffers
//! them as text.) The conference events and the fake server both read
//! forms this way.

use std::borrow::Cow;

use serde::de::value::{Error as DeError, MapDeserializer, SeqDeserializer};
use serde::de::{IntoDeserializer, Visitor};
use serde_json::{Map, Value};

use crate::spec_facts::{self, Kind};

/// What the spec says one form field holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Field {
    /// What it holds: a boolean, an integer, an array, or anything else
    /// (read as text).
    pub kind: Kind,
    /// The least integer allowed, if the spec says.
    pub minimum: Option<i64>,
    /// The greatest integer allowed, if the spec says.
    pub maximum: Option<i64>,
}

impl Field {
    /// A field read as text, whatever it holds.
    pub const TEXT: Field = Field {
        kind: Kind::String,
        minimum: None,
        maximum: None,
    };

    /// A property of one of the spec's object schemas, by its wire name.
    pub fn of_schema(schema: &str, name: &str) -> Option<Field> {
        Self::in_fields(schema_fields(schema), name)
    }

    /// A property among one schema's [`schema_fields`], with the bounds
    /// the spec gives it.
    fn in_fields(fields: &[(&str, &str, Kind)], name: &str) -> Option<Field> {
        let &(schema, _, kind) = fields.iter().find(|(_, field, _)| *field == name)?;
        let mut bounds = spec_facts::FIELD_BOUNDS.iter();
        let bounds = bounds.find(|(s, field, ..)| *s == schema && *field == name);
        let (minimum, maximum) = bounds.map_or((None, None), |(.., min, max)| (*min, *max));
        Some(Field {
            kind,
            minimum,
            maximum,
        })
    }
}

/// One schema's run of the sorted `SCHEMA_FIELDS`.
fn schema_fields(schema: &str) -> &'static [(&'static str, &'static str, Kind)] {
    let fields = spec_facts::SCHEMA_FIELDS;
    let start = fields.partition_point(|(s, ..)| *s < schema);
    let len = fields[start..].partition_point(|(s, ..)| *s == schema);
    &fields[start..start + len]
}

/// A generated type of one of the spec's object schemas (the generator
/// implements it for each): its schema's name, where the facts list its
/// fields.
pub trait Schema: serde::de::DeserializeOwned {
    /// The component schema's name (`ConferenceEvent`).
    const NAME: &'static str;
}

/// What to do with a field the schema does not list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unknown {
    /// Keep it, as text (for a type that keeps unknown fields, such as an
    /// event: the providers add fields over time).
    Keep,
    /// Refuse the form (for a closed body). Only a server reads a closed
    /// body this way (the `fake` feature).
    #[cfg_attr(not(any(feature = "fake", test)), allow(dead_code))]
    Refuse,
}

/// Reads a form into the generated type `T`: each value typed as `T`'s
/// schema says ([`read`]), then checked by the type itself (patterns, enums,
/// URLs, required fields).
///
/// ```
/// # #[cfg(feature = "fake")]
/// # fn main() -> Result<(), signalwire_participants::form::FormError> {
/// use signalwire_participants::form::{Unknown, decode};
/// use signalwire_participants::types::UpdateParticipantRequest;
///
/// let update: UpdateParticipantRequest = decode(b"Muted=True&HoldMethod=get", Unknown::Refuse)?;
/// assert_eq!(update.muted, Some(true));
/// let err = decode::<UpdateParticipantRequest>(b"HoldUrl=hold.mp3", Unknown::Refuse).unwrap_err();
/// assert_eq!(err.to_string(), "invalid value 'hold.mp3' for HoldUrl: `hold.mp3` is not an absolute URL (relative URL without a base)");
/// # Ok(())
/// # }
/// # #[cfg(not(feature = "fake"))]
/// # fn main() {}
/// ```
pub fn decode<T: Schema>(bytes: &[u8], unknown: Unknown) -> Result<T, FormError> {
    decode_parsed(bytes, pairs(bytes), unknown)
}

/// [`decode`], given the form's [`pairs`] (already split by the verifier).
pub(crate) fn decode_parsed<'b, T: Schema>(
    bytes: &'b [u8],
    pairs: Vec<(Cow<'b, str>, Cow<'b, str>)>,
    unknown: Unknown,
) -> Result<T, FormError> {
    let schema = schema_fields(T::NAME);
    let field = |name: &str| match (Field::in_fields(schema, name), unknown) {
        (None, Unknown::Keep) => Some(Field::TEXT),
        (field, _) => field,
    };
    // The common case, a good form, is read once and untracked; a bad one
    // is read again, its path tracked, to say which field is wrong.
    let fields = typed(pairs, field)?;
    let fields = fields.into_iter().map(|(k, v)| (Typed::Text(k), v));
    if let Ok(typed) = T::deserialize(MapDeserializer::new(fields)) {
        return Ok(typed);
    }
    let given = read(bytes, field)?;
    serde_path_to_error::deserialize(Value::Object(given.clone())).map_err(|e| {
        let name = e.path().to_string();
        let Some(value) = given.get(&name) else {
            // Not about one field: a required one is missing, say.
            return FormError::Shape {
                reason: e.into_inner().to_string(),
            };
        };
        let value = value
            .as_str()
            .map_or_else(|| value.to_string(), str::to_string);
        // A patterned value is told the shapes the spec accepts; any other,
        // what its type said.
        let kind = Field::of_schema(T::NAME, &name).map(|f| f.kind);
        let mut shapes = spec_facts::ACCEPTED_SHAPES.iter();
        let expected = match shapes.find(|(schema, _)| Some(Kind::Schema(schema)) == kind) {
            Some((_, accepts)) => accepts.to_string(),
            None => e.into_inner().to_string(),
        };
        FormError::Invalid {
            name,
            value,
            expected,
        }
    })
}

/// A form field that holds a list (`StatusCallbackEvent`, say): on the
/// wire, one pair per element with the field's key, in order (D33), as the
/// providers' own SDKs send it. The generator gives every array field of a
/// form body this type: serde_urlencoded writes it as one value (each
/// element encoded, each after a `&`) and the request hook turns that into
/// the pairs, so the generated builders send lists too.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Repeated<T>(pub Vec<T>);

impl<T> From<Vec<T>> for Repeated<T> {
    fn from(items: Vec<T>) -> Self {
        Repeated(items)
    }
}

impl<T, const N: usize> From<[T; N]> for Repeated<T> {
    fn from(items: [T; N]) -> Self {
        Repeated(items.into())
    }
}

impl<T> FromIterator<T> for Repeated<T> {
    fn from_iter<I: IntoIterator<Item = T>>(items: I) -> Self {
        Repeated(items.into_iter().collect())
    }
}

impl<T> std::ops::Deref for Repeated<T> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        &self.0
    }
}

impl<T: std::fmt::Display> serde::Serialize for Repeated<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut value = String::new();
        for item in &self.0 {
            value.push('&');
            value.extend(url::form_urlencoded::byte_serialize(
                item.to_string().as_bytes(),
            ));
        }
        s.serialize_str(&value)
    }
}

impl<'de, T: serde::Deserialize<'de>> serde::Deserialize<'de> for Repeated<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Vec::deserialize(d).map(Repeated)
    }
}

/// The pairs a [`Repeated`] value stands for: its field's key with each
/// element, encoded. (What the request hook sends in its place.)
pub(crate) fn repeated_pairs<'v>(
    key: &'v str,
    value: &'v str,
) -> impl Iterator<Item = (&'v str, &'v str)> {
    value.split('&').skip(1).map(move |item| (key, item))
}

/// A form field the spec does not allow.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FormError {
    /// The spec has no field of this name.
    #[error("unknown field '{name}'")]
    Unknown {
        /// The field's name as sent.
        name: String,
    },
    /// The value is not of the field's type.
    #[error("invalid value '{}' for {name}: {expected}", .value.escape_debug())]
    Invalid {
        /// The field's name.
        name: String,
        /// The value as sent.
        value: String,
        /// What the spec allows there.
        expected: String,
    },
    /// The form as a whole is not of the schema's shape (a required field
    /// is missing).
    #[error("{reason}")]
    Shape {
        /// What is wrong.
        reason: String,
    },
}

/// Reads `bytes` (`a=1&b=true`, percent-decoded, `+` a space) into a JSON
/// object whose values have the types `field` gives each name: booleans
/// (`true`/`false` in any case, as the services read them), integers within
/// their bounds, the value of a string enum in any case, anything else as
/// text. A name `field` does not know is refused. Of a repeated name, the
/// last value is kept, unless its kind is `array`: then every value, in
/// order, is one element of a JSON array (D33).
pub fn read(
    bytes: &[u8],
    field: impl Fn(&str) -> Option<Field>,
) -> Result<Map<String, Value>, FormError> {
    let typed = typed(pairs(bytes), field)?;
    Ok(typed
        .into_iter()
        .map(|(k, v)| (k.into(), v.into()))
        .collect())
}

/// The fields of a form, percent-decoded, in order: what
/// `form_urlencoded::parse` gives, with the fields that have nothing to
/// decode (most, in a callback) borrowed as they are. Splitting valid UTF-8
/// at `&` and `=` leaves valid UTF-8. (The verifier and the decoder share
/// it: it is most of the cost of reading a callback.)
pub(crate) fn pairs(body: &[u8]) -> Vec<(Cow<'_, str>, Cow<'_, str>)> {
    // A conference callback has about 15 fields.
    let mut pairs = Vec::with_capacity(16);
    let Ok(text) = std::str::from_utf8(body) else {
        pairs.extend(url::form_urlencoded::parse(body));
        return pairs;
    };
    let mut start = 0;
    for end in memchr::memchr_iter(b'&', body).chain([body.len()]) {
        let field = &text[start..end];
        start = end + 1;
        if !field.is_empty() {
            let (k, v) = field.split_once('=').unwrap_or((field, ""));
            pairs.push((decode_part(k), decode_part(v)));
        }
    }
    pairs
}

/// A key or a value as `form_urlencoded` reads it (`+` a space, `%XX` a
/// byte, invalid UTF-8 replaced), borrowed when it has nothing to decode.
pub(crate) fn decode_part(text: &str) -> Cow<'_, str> {
    if memchr::memchr2(b'%', b'+', text.as_bytes()).is_none() {
        return Cow::Borrowed(text);
    }
    let spaced: Vec<u8> = (text.bytes())
        .map(|b| if b == b'+' { b' ' } else { b })
        .collect();
    let mut bytes = Vec::with_capacity(spaced.len());
    bytes.extend(percent_encoding::percent_decode(&spaced));
    match String::from_utf8(bytes) {
        Ok(text) => Cow::Owned(text),
        Err(e) => Cow::Owned(String::from_utf8_lossy(e.as_bytes()).into_owned()),
    }
}

/// Each pair typed as [`read`] says, the last of a repeated name kept (all
/// of an array's).
fn typed<'a>(
    pairs: impl IntoIterator<Item = (Cow<'a, str>, Cow<'a, str>)>,
    field: impl Fn(&str) -> Option<Field>,
) -> Result<Vec<(Cow<'a, str>, Typed<'a>)>, FormError> {
    let mut fields: Vec<(Cow<'a, str>, Typed<'a>)> = Vec::with_capacity(16);
    for (name, value) in pairs {
        let Some(spec) = field(&name) else {
            return Err(FormError::Unknown { name: name.into() });
        };
        let invalid = |expected: String| FormError::Invalid {
            name: name.to_string(),
            value: value.to_string(),
            expected,
        };
        let typed = match spec.kind {
            // An array's items are text: the spec's are open string enums.
            Kind::Array => {
                if let Some((_, Typed::List(items))) = fields.iter_mut().find(|(k, _)| *k == name) {
                    items.push(value);
                    continue;
                }
                Typed::List(vec![value])
            }
            Kind::Boolean if value.eq_ignore_ascii_case("true") => Typed::Bool(true),
            Kind::Boolean if value.eq_ignore_ascii_case("false") => Typed::Bool(false),
            Kind::Boolean => return Err(invalid("expected true or false".into())),
            Kind::Integer => {
                let (min, max) = (spec.minimum.unwrap_or(i64::MIN), spec.maximum);
                let range = match (spec.minimum, max) {
                    (Some(min), Some(max)) => format!("a number from {min} to {max}"),
                    (Some(min), None) => format!("a number of at least {min}"),
                    _ => "a whole number".to_string(),
                };
                // Digits only (no sign, no `+`). A number past u64 is past
                // every bound: refused where the spec sets a maximum, read
                // as u64::MAX where it sets none (a type narrower than u64,
                // such as an event's SequenceNumber, then refuses it).
                let digits = !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit());
                let n = digits.then(|| value.parse::<u64>().unwrap_or(u64::MAX));
                let within = |n: &u64| {
                    let n = i128::from(*n);
                    n >= i128::from(min) && max.is_none_or(|max| n <= i128::from(max))
                };
                Typed::Integer(
                    n.filter(within)
                        .ok_or_else(|| invalid(format!("expected {range}")))?,
                )
            }
            kind => {
                let mut enums = spec_facts::ENUMS.iter();
                let values = enums.find(|(schema, _)| kind == Kind::Schema(schema));
                let values = values.map(|(_, v)| *v);
                let known = values.and_then(|v| v.iter().find(|v| v.eq_ignore_ascii_case(&value)));
                Typed::Text(known.map_or(value, |v| Cow::Borrowed(*v)))
            }
        };
        match fields.iter_mut().find(|(k, _)| *k == name) {
            Some((_, earlier)) => *earlier = typed,
            None => fields.push((name, typed)),
        }
    }
    Ok(fields)
}

/// One form value with the type its schema gives it: what a generated type
/// reads, without a JSON map between (the common case of [`decode`]).
enum Typed<'a> {
    Bool(bool),
    Integer(u64),
    Text(Cow<'a, str>),
    /// Every value of an array field's repeated key, in order.
    List(Vec<Cow<'a, str>>),
}

impl From<Typed<'_>> for Value {
    fn from(typed: Typed<'_>) -> Value {
        match typed {
            Typed::Bool(b) => Value::Bool(b),
            Typed::Integer(n) => Value::from(n),
            Typed::Text(s) => Value::String(s.into_owned()),
            Typed::List(items) => items.into_iter().map(|s| s.into_owned()).collect(),
        }
    }
}

impl<'de> IntoDeserializer<'de, DeError> for Typed<'de> {
    type Deserializer = Self;
    fn into_deserializer(self) -> Self {
        self
    }
}

// A present form value is `Some`; a text value is also a unit enum variant.
impl<'de> serde::Deserializer<'de> for Typed<'de> {
    type Error = DeError;
    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match self {
            Typed::Bool(b) => visitor.visit_bool(b),
            Typed::Integer(n) => visitor.visit_u64(n),
            // Borrowed, so that a `flatten`ed type buffers no copy.
            Typed::Text(Cow::Borrowed(s)) => visitor.visit_borrowed_str(s),
            Typed::Text(Cow::Owned(s)) => visitor.visit_string(s),
            // A sequence, which `Repeated` (a `Vec`) reads.
            Typed::List(items) => {
                let mut seq = SeqDeserializer::new(items.into_iter().map(Typed::Text));
                let value = visitor.visit_seq(&mut seq)?;
                seq.end()?;
                Ok(value)
            }
        }
    }
    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_some(self)
    }
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        match self {
            Typed::Text(s) => s
                .into_deserializer()
                .deserialize_enum(name, variants, visitor),
            other => other.deserialize_any(visitor),
        }
    }
    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct newtype_struct seq tuple
        tuple_struct map struct identifier ignored_any
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fields as `form_urlencoded` reads them, on bodies with every
    /// kind of escape, empty fields, bad escapes and invalid UTF-8.
    #[test]
    fn pairs_are_what_form_urlencoded_reads() {
        let bodies: [&[u8]; 9] = [
            b"a=1&b=x+y&c=%2B%26%3D&&d",
            b"=v&k=&%=%&k2=%zz&k3=%e2%82%ac",
            b"a=%ff%fe&b=%c3",
            b"&&&",
            b"",
            b"x==y&a+b=c+d",
            b"T=Thu%2C+1+Jun+2017+20%3A48%3A32+%2B0000",
            b"a=1&a=2&a=3",
            b"\xff=\xfe&a=b",
        ];
        for body in bodies {
            let ours: Vec<(String, String)> = (pairs(body).into_iter())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
            let theirs: Vec<(String, String)> =
                url::form_urlencoded::parse(body).into_owned().collect();
            assert_eq!(ours, theirs, "{}", String::from_utf8_lossy(body));
        }
    }

    proptest::proptest! {
        /// Any bytes at all, mostly the ones that matter to a form.
        #[test]
        fn pairs_are_what_form_urlencoded_reads_on_any_bytes(
            body in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::sample::select(b"&=%+aZ09".to_vec()),
                    proptest::num::u8::ANY,
                ],
                0..64,
            )
        ) {
            let ours: Vec<(String, String)> = (pairs(&body).into_iter())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
            let theirs: Vec<(String, String)> =
                url::form_urlencoded::parse(&body).into_owned().collect();
            proptest::prop_assert_eq!(ours, theirs);
        }
    }

    #[test]
    fn schema_fields_are_sorted_for_the_binary_search() {
        assert!(spec_facts::SCHEMA_FIELDS.is_sorted_by(|a, b| (a.0, a.1) < (b.0, b.1)));
        let field = Field::of_schema("ConferenceEvent", "SequenceNumber");
        assert_eq!(field.map(|f| f.kind), Some(Kind::Integer));
        assert_eq!(Field::of_schema("ConferenceEvent", "Nope"), None);
    }

    #[test]
    fn an_array_field_keeps_every_value_of_its_repeated_key_in_order() {
        use crate::types::{CallProgressEvent, ConferenceEventSubscription as Sub};
        let body = b"From=a&StatusCallbackEvent=ringing&To=client:b&Label=x&StatusCallbackEvent=answered&Label=y&ConferenceStatusCallbackEvent=join&StatusCallbackEvent=someday";
        let create: crate::types::CreateParticipantRequest = decode(body, Unknown::Refuse).unwrap();
        let events = create.status_callback_event.unwrap();
        let want = [
            CallProgressEvent::from("ringing"),
            "answered".into(),
            "someday".into(),
        ];
        assert_eq!(events.0, want);
        assert_eq!(
            create.conference_status_callback_event.unwrap().0,
            [Sub::from("join")]
        );
        // A field that is not an array still keeps its last value.
        assert_eq!(create.label.as_deref().map(|l| l.as_str()), Some("y"));
        let field = |name: &str| Field::of_schema("CreateParticipantRequest", name);
        let read = read(body, field).unwrap();
        assert_eq!(
            read["StatusCallbackEvent"],
            serde_json::json!(["ringing", "answered", "someday"])
        );
        assert_eq!(read["Label"], "y");
    }

    #[test]
    fn integers_are_read_within_bounds_and_i64() {
        let field = |_: &str| {
            Some(Field {
                kind: Kind::Integer,
                ..Field::TEXT
            })
        };
        assert_eq!(read(b"N=3", field).unwrap()["N"], 3);
        assert_eq!(
            read(b"N=18446744073709551615", field).unwrap()["N"],
            u64::MAX
        );
        assert_eq!(
            read(b"N=99999999999999999999", field).unwrap()["N"],
            u64::MAX
        );
        for bad in ["N=-1", "N=%2B1", "N=", "N=1e3"] {
            let err = read(bad.as_bytes(), field).unwrap_err();
            assert!(matches!(err, FormError::Invalid { .. }), "{bad}: {err}");
        }
        let bounded = |_: &str| {
            Some(Field {
                kind: Kind::Integer,
                minimum: Some(1),
                maximum: Some(1000),
            })
        };
        assert!(read(b"N=1000", bounded).is_ok());
        assert!(read(b"N=99999999999999999999", bounded).is_err());
        let err = read(b"N=1001", bounded).unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid value '1001' for N: expected a number from 1 to 1000"
        );
    }
}
