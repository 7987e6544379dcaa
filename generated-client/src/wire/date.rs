//! RFC 2822 dates as servers really write them (the generator maps the
//! spec's `date-time-rfc-2822` format here).
//!
//! SignalWire's examples write `Mon, 24 Sept 2018 21:00:00 +0000`; "Sept" is
//! not RFC 2822, and strict parsers (chrono's, `time`'s, Python's) reject
//! it. This type normalises the text a little, hands it to chrono, keeps the
//! raw text, and never fails a response: a date it cannot read is kept as
//! text with no instant.

use chrono::{DateTime, FixedOffset, Utc};
use serde::{Deserialize, Deserializer, Serialize};

/// A date from a response: the server's text, and the instant it names when
/// that text can be read.
///
/// ```
/// use signalwire_participants::Rfc2822Date;
///
/// let date: Rfc2822Date = "Mon, 24 Sept 2018 21:00:00 +0000".parse().unwrap();
/// assert_eq!(date.raw(), "Mon, 24 Sept 2018 21:00:00 +0000");
/// assert_eq!(date.instant().unwrap().to_rfc3339(), "2018-09-24T21:00:00+00:00");
///
/// let odd: Rfc2822Date = "sometime soon".parse().unwrap();
/// assert_eq!(odd.instant(), None);
/// assert_eq!(odd.raw(), "sometime soon");
/// ```
///
/// The text is read when the instant is asked for, not when a response is
/// decoded: a listing of 1,000 participants carries 2,000 dates that most
/// callers never read.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Rfc2822Date {
    raw: String,
}

impl Rfc2822Date {
    /// Wraps a date string, read leniently when its instant is asked for.
    pub fn new(raw: impl Into<String>) -> Self {
        Rfc2822Date { raw: raw.into() }
    }

    /// The text read as an instant: strict RFC 2822 first (what most
    /// servers write), then normalised, then RFC 3339.
    fn parsed(&self) -> Option<DateTime<FixedOffset>> {
        let raw = &self.raw;
        DateTime::parse_from_rfc2822(raw)
            .or_else(|_| DateTime::parse_from_rfc2822(&normalise(raw)))
            .or_else(|_| DateTime::parse_from_rfc3339(raw.trim()))
            .ok()
    }

    /// The text exactly as the server sent it.
    pub fn raw(&self) -> &str {
        &self.raw
    }

    /// The instant in UTC, if the text could be read.
    pub fn instant(&self) -> Option<DateTime<Utc>> {
        self.parsed().map(|d| d.with_timezone(&Utc))
    }

    /// The instant with the offset the server wrote, if the text could be read.
    pub fn with_offset(&self) -> Option<DateTime<FixedOffset>> {
        self.parsed()
    }
}

/// What chrono's strict parser needs from what servers write: no weekday
/// (a wrong one would fail the date), month names cut to three letters
/// (`Sept`, `September`, `sept.`), and `+0000` when the zone is left out.
fn normalise(text: &str) -> String {
    let is_name = |w: &str| w.bytes().all(|b| b.is_ascii_alphabetic() || b == b'.');
    let mut words: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .collect();
    if words.first().is_some_and(|w| is_name(w)) {
        words.remove(0);
    }
    if let Some(month) = words.get_mut(1).filter(|w| is_name(w)) {
        *month = month.get(..3).unwrap_or(month);
    }
    if words.len() == 4 {
        words.push("+0000");
    }
    words.join(" ")
}

impl std::str::FromStr for Rfc2822Date {
    type Err = std::convert::Infallible;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Rfc2822Date::new(s))
    }
}

impl std::fmt::Display for Rfc2822Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.raw)
    }
}

impl<'de> Deserialize<'de> for Rfc2822Date {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        scalar_to_string(deserializer).map(Rfc2822Date::new)
    }
}

/// Reads any JSON value as text (a string as it is, anything else as JSON),
/// so an odd value is kept instead of failing the response. A string, the
/// common case, is taken without building a JSON value first.
pub(crate) fn scalar_to_string<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<String, D::Error> {
    use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
    use serde::de::{Error, MapAccess, SeqAccess, Visitor};
    struct Text;
    impl<'de> Visitor<'de> for Text {
        type Value = String;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("any JSON value")
        }
        fn visit_str<E: Error>(self, v: &str) -> Result<String, E> {
            Ok(v.to_owned())
        }
        fn visit_string<E: Error>(self, v: String) -> Result<String, E> {
            Ok(v)
        }
        fn visit_bool<E: Error>(self, v: bool) -> Result<String, E> {
            Ok(v.to_string())
        }
        fn visit_i64<E: Error>(self, v: i64) -> Result<String, E> {
            Ok(v.to_string())
        }
        fn visit_u64<E: Error>(self, v: u64) -> Result<String, E> {
            Ok(v.to_string())
        }
        fn visit_f64<E: Error>(self, v: f64) -> Result<String, E> {
            Ok(serde_json::Value::from(v).to_string())
        }
        fn visit_unit<E: Error>(self) -> Result<String, E> {
            Ok("null".to_owned())
        }
        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<String, A::Error> {
            serde_json::Value::deserialize(MapAccessDeserializer::new(map)).map(|v| v.to_string())
        }
        fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<String, A::Error> {
            serde_json::Value::deserialize(SeqAccessDeserializer::new(seq)).map(|v| v.to_string())
        }
    }
    deserializer.deserialize_any(Text)
}
