//! RFC 2822 dates as servers really write them.
//!
//! SignalWire's examples write `Mon, 24 Sept 2018 21:00:00 +0000`; "Sept" is
//! not RFC 2822, and strict parsers (chrono's, `time`'s, Python's) reject
//! it. This type parses leniently, keeps the raw text, and never fails a
//! response: a date it cannot read is kept as text with no instant.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, TimeZone, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

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
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Rfc2822Date {
    raw: String,
    parsed: Option<DateTime<FixedOffset>>,
}

impl Rfc2822Date {
    /// Wraps a date string, parsing it leniently.
    pub fn new(raw: impl Into<String>) -> Self {
        let raw = raw.into();
        let parsed = parse_lenient(&raw);
        Rfc2822Date { raw, parsed }
    }

    /// The text exactly as the server sent it.
    pub fn raw(&self) -> &str {
        &self.raw
    }

    /// The instant in UTC, if the text could be read.
    pub fn instant(&self) -> Option<DateTime<Utc>> {
        self.parsed.map(|d| d.with_timezone(&Utc))
    }

    /// The instant with the offset the server wrote, if the text could be read.
    pub fn with_offset(&self) -> Option<DateTime<FixedOffset>> {
        self.parsed
    }
}

impl From<DateTime<Utc>> for Rfc2822Date {
    fn from(instant: DateTime<Utc>) -> Self {
        Rfc2822Date {
            raw: instant.to_rfc2822(),
            parsed: Some(instant.fixed_offset()),
        }
    }
}

impl FromStr for Rfc2822Date {
    type Err = std::convert::Infallible;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Rfc2822Date::new(s))
    }
}

impl fmt::Display for Rfc2822Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}

impl Serialize for Rfc2822Date {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.raw)
    }
}

impl<'de> Deserialize<'de> for Rfc2822Date {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        scalar_to_string(deserializer).map(Rfc2822Date::new)
    }
}

impl schemars::JsonSchema for Rfc2822Date {
    fn schema_name() -> String {
        "Rfc2822Date".into()
    }

    fn json_schema(_: &mut schemars::r#gen::SchemaGenerator) -> schemars::schema::Schema {
        schemars::schema::SchemaObject {
            instance_type: Some(schemars::schema::InstanceType::String.into()),
            format: Some("date-time-rfc-2822".into()),
            ..Default::default()
        }
        .into()
    }
}

/// Reads any JSON scalar as text (numbers and booleans as written), so an
/// odd value is kept instead of failing the response.
pub(crate) fn scalar_to_string<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<String, D::Error> {
    struct Text;
    impl serde::de::Visitor<'_> for Text {
        type Value = String;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string (or any scalar)")
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<String, E> {
            Ok(v.to_string())
        }
        fn visit_string<E: serde::de::Error>(self, v: String) -> Result<String, E> {
            Ok(v)
        }
        fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<String, E> {
            Ok(v.to_string())
        }
        fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<String, E> {
            Ok(v.to_string())
        }
        fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<String, E> {
            Ok(v.to_string())
        }
        fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<String, E> {
            Ok(v.to_string())
        }
    }
    deserializer.deserialize_any(Text)
}

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];
const WEEKDAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// A name matches if it is at least three letters and a prefix of the full
/// name, case-insensitively: `Sep`, `Sept`, `September`, `sept.`.
fn name_index(token: &str, names: &[&str]) -> Option<usize> {
    let t = token.trim_end_matches('.').to_ascii_lowercase();
    if t.len() < 3 {
        return None;
    }
    names.iter().position(|n| n.starts_with(&t))
}

/// Parses `[weekday,] day month year hh:mm[:ss] [zone]`, leniently; falls
/// back to RFC 3339. Returns `None` for anything else.
pub fn parse_lenient(text: &str) -> Option<DateTime<FixedOffset>> {
    let text = text.trim();
    if let Ok(d) = DateTime::parse_from_rfc3339(text) {
        return Some(d);
    }
    let mut tokens: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|t| !t.is_empty())
        .collect();
    // A trailing comment such as "(UTC)" carries no information.
    while tokens.last().is_some_and(|t| t.starts_with('(')) {
        tokens.pop();
    }
    if tokens
        .first()
        .is_some_and(|t| name_index(t, &WEEKDAYS).is_some())
    {
        tokens.remove(0);
    }
    let (day, month, year, time, zone) = match tokens.as_slice() {
        [d, m, y, t] => (*d, *m, *y, *t, None),
        [d, m, y, t, z] => (*d, *m, *y, *t, Some(*z)),
        _ => return None,
    };
    let day: u32 = digits(day, 1, 2)?;
    let month = name_index(month, &MONTHS)? as u32 + 1;
    let year: i32 = match year.len() {
        4 => digits(year, 4, 4)?,
        2 => {
            let y: i32 = digits(year, 2, 2)?;
            if y < 50 { 2000 + y } else { 1900 + y }
        }
        3 => 1900 + digits::<i32>(year, 3, 3)?,
        _ => return None,
    };
    let mut hms = time.split(':');
    let hour: u32 = digits(hms.next()?, 1, 2)?;
    let minute: u32 = digits(hms.next()?, 2, 2)?;
    let second: u32 = match hms.next() {
        Some(s) => digits::<u32>(s, 2, 2)?.min(59),
        None => 0,
    };
    if hms.next().is_some() {
        return None;
    }
    let offset_seconds = match zone {
        None => 0,
        Some(z) => zone_offset(z)?,
    };
    let date = NaiveDate::from_ymd_opt(year, month, day)?;
    let time = NaiveTime::from_hms_opt(hour, minute, second)?;
    let offset = FixedOffset::east_opt(offset_seconds)?;
    offset.from_local_datetime(&date.and_time(time)).single()
}

fn digits<T: FromStr>(s: &str, min: usize, max: usize) -> Option<T> {
    if s.len() < min || s.len() > max || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn zone_offset(zone: &str) -> Option<i32> {
    let named = match zone.to_ascii_uppercase().as_str() {
        "GMT" | "UT" | "UTC" | "Z" => Some(0),
        "EST" => Some(-5),
        "EDT" => Some(-4),
        "CST" => Some(-6),
        "CDT" => Some(-5),
        "MST" => Some(-7),
        "MDT" => Some(-6),
        "PST" => Some(-8),
        "PDT" => Some(-7),
        _ => None,
    };
    if let Some(hours) = named {
        return Some(hours * 3600);
    }
    let (sign, rest) = match zone.as_bytes().first()? {
        b'+' => (1, &zone[1..]),
        b'-' => (-1, &zone[1..]),
        _ => return None,
    };
    let rest = rest.replace(':', "");
    if rest.len() != 4 {
        return None;
    }
    let hours: i32 = digits(&rest[..2], 2, 2)?;
    let minutes: i32 = digits(&rest[2..], 2, 2)?;
    if minutes >= 60 {
        return None;
    }
    Some(sign * (hours * 3600 + minutes * 60))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(text: &str) -> Option<String> {
        parse_lenient(text).map(|d| d.with_timezone(&Utc).to_rfc3339())
    }

    #[test]
    fn seed_dates_and_their_variants() {
        let want = Some("2018-09-24T21:00:00+00:00".to_string());
        for text in [
            "Mon, 24 Sept 2018 21:00:00 +0000",
            "Mon, 24 Sep 2018 21:00:00 +0000",
            "24 Sept 2018 21:00:00 +0000",
            "24 Sep 2018 21:00:00 GMT",
            "Monday, 24 September 2018 21:00:00 +0000",
            "mon, 24 sept. 2018 21:00:00 UT",
            "  Mon, 24 Sept 2018 21:00:00 +0000  ",
            "Mon, 24 Sept 2018 23:00:00 +0200",
            "Mon, 24 Sept 2018 17:00:00 EDT",
            "Mon, 24 Sept 2018 21:00 +0000",
            "Mon, 24 Sept 18 21:00:00 +0000",
            "Mon, 24 Sept 2018 21:00:00",
            "Mon, 24 Sept 2018 21:00:00 +0000 (UTC)",
            "2018-09-24T21:00:00Z",
        ] {
            assert_eq!(utc(text), want, "{text}");
        }
    }

    #[test]
    fn keeps_the_written_offset() {
        let d = parse_lenient("Tue, 25 Sept 2018 20:00:00 -0530").unwrap();
        assert_eq!(d.offset().local_minus_utc(), -(5 * 3600 + 30 * 60));
    }

    #[test]
    fn unreadable_dates_give_none() {
        for text in [
            "",
            "string",
            "Mon, 31 Feb 2018 21:00:00 +0000",
            "Mon, 24 Se 2018 21:00:00 +0000",
            "Mon, 24 Sept 2018 25:00:00 +0000",
            "Mon, 24 Sept 2018 21:00:00 +00",
            "Mon, 24 Sept 2018 21:00:00 +0000 extra",
            "Mon, 24 Sept 2018",
        ] {
            assert_eq!(parse_lenient(text), None, "{text}");
        }
    }

    #[test]
    fn any_scalar_deserializes_and_keeps_its_text() {
        let d: Rfc2822Date = serde_json::from_str("\"Mon, 24 Sept 2018 21:00:00 +0000\"").unwrap();
        assert!(d.instant().is_some());
        let n: Rfc2822Date = serde_json::from_str("1537822800").unwrap();
        assert_eq!((n.raw(), n.instant()), ("1537822800", None));
        assert_eq!(
            serde_json::to_string(&d).unwrap(),
            "\"Mon, 24 Sept 2018 21:00:00 +0000\""
        );
    }
}
