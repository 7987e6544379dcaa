//! Decoding what servers answer: the lenient RFC 2822 date type (every date
//! the seeds and real servers write, odd ones kept without an instant) and
//! the participant decoder, which no input makes panic (property tests feed
//! them arbitrary strings, bytes and JSON).

use proptest::prelude::*;
use serde_json::{Value, json};
use signalwire_participants::Rfc2822Date;
use signalwire_participants::types::Participant;

fn utc(text: &str) -> Option<String> {
    Rfc2822Date::new(text).instant().map(|d| d.to_rfc3339())
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
        // A weekday that does not match the date is ignored.
        "Fri, 24 Sept 2018 21:00:00 +0000",
    ] {
        assert_eq!(utc(text), want, "{text}");
    }
}

#[test]
fn keeps_the_written_offset() {
    let d = Rfc2822Date::new("Tue, 25 Sept 2018 20:00:00 -0530");
    let offset = d.with_offset().unwrap().offset().local_minus_utc();
    assert_eq!(offset, -(5 * 3600 + 30 * 60));
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
        assert_eq!(utc(text), None, "{text}");
    }
}

/// The fuzzing probe's crash: a non-ASCII character where the zone
/// offset should be made the former hand parser slice inside it.
#[test]
fn a_non_ascii_zone_is_unreadable_not_a_panic() {
    for text in [
        // The former parser panicked on this one: "end byte index 2 is not
        // a char boundary; it is inside 'é' (bytes 1..3) of `0é0`".
        "Mon, 24 Sept 2018 21:00:00 +0\u{e9}0",
        "Mon, 24 Sept 2018 21:00:00 +0\u{e9}00",
        "Mon, 24 Sept 2018 21:00:00 +\u{e9}\u{e9}",
        "Mon, 24 Sept 2018 21:00:00 \u{1f600}",
        "Mon, 24 S\u{e9}pt 2018 21:00:00 +0000",
    ] {
        let d = Rfc2822Date::new(text);
        assert_eq!((d.raw(), d.instant()), (text, None));
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

/// A JSON value of any shape, a few levels deep.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| json!(f)),
        any::<String>().prop_map(Value::from),
        "[A-Za-z]{3,9},? [0-9]{1,2} [A-Za-z\\u{e9}.]{1,9} [0-9]{2,4} [0-9:]{5,8} [-+A-Z0-9\\u{e9}:]{0,6}"
            .prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
            prop::collection::btree_map("[a-z_]{1,12}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// A participant-shaped object: the spec's field names (and others) with
/// values of any type.
fn participant_like() -> impl Strategy<Value = Value> {
    let names = prop_oneof![
        Just("status".to_string()),
        Just("date_created".to_string()),
        Just("date_updated".to_string()),
        Just("muted".to_string()),
        Just("call_sid".to_string()),
        Just("label".to_string()),
        "[a-z_]{1,12}",
    ];
    prop::collection::btree_map(names, any_json(), 0..8)
        .prop_map(|m| Value::Object(m.into_iter().collect()))
}

proptest! {
    /// Whatever a server writes, the date keeps the text and never panics;
    /// what chrono writes, it reads back.
    #[test]
    fn any_string_is_kept_and_never_panics(text in any::<String>()) {
        let d = Rfc2822Date::new(text.clone());
        prop_assert_eq!(d.raw(), text.as_str());
        if let Some(instant) = d.instant() {
            prop_assert_eq!(Rfc2822Date::new(instant.to_rfc2822()).instant(), Some(instant));
        }
    }

    /// Strings shaped like RFC 2822 dates, with odd characters anywhere.
    #[test]
    fn date_shaped_strings_never_panic(
        text in "[A-Za-z\\u{e9}\\u{1f600}]{0,9},? [0-9]{1,2} [A-Za-z.\\u{e9}]{1,10} [0-9]{2,4} [0-9:]{4,8} [-+A-Z0-9\\u{e9}:]{0,6}( \\(.*\\))?"
    ) {
        let d = Rfc2822Date::new(text.clone());
        prop_assert_eq!(d.raw(), text.as_str());
    }

    /// Any bytes as a 200 body: a participant or an error, never a panic.
    #[test]
    fn any_bytes_decode_or_fail_cleanly(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        let _ = serde_json::from_slice::<Participant>(&bytes);
    }

    /// Any participant-shaped object: when it decodes, the dates and status
    /// keep what was sent and the rest is kept too.
    #[test]
    fn participant_shaped_json_never_panics(value in participant_like()) {
        let bytes = serde_json::to_vec(&value).unwrap();
        if let Ok(p) = serde_json::from_slice::<Participant>(&bytes) {
            if let Some(Value::String(sent)) = value.get("date_created") {
                prop_assert_eq!(p.date_created.as_ref().map(|d| d.raw()), Some(sent.as_str()));
            }
            if let Some(Value::String(sent)) = value.get("status") {
                prop_assert_eq!(p.status.as_ref().map(|s| s.as_str()), Some(sent.as_str()));
            }
        }
    }
}
