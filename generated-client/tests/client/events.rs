//! Reading conference status callbacks (`ConferenceEvent::from_form`,
//! `from_query`, `events::receive`): each provider's documented callbacks
//! decode; unknown event names and reasons are kept, never refused;
//! unknown fields land in `extra` while the typed fields stay typed (the
//! `flatten` pitfall); a GET's query reads as the POST's form; what is not
//! an event is an error that names the field, and nothing panics.
//!
//! The client's tests have no YAML parser, so the bodies here are written
//! by hand (the spec's own examples are read by the snapshot tests,
//! tests/participants/shapes.rs). Each uses the parameters the providers
//! document for the conference status callback: Twilio's "TwiML Voice:
//! <Conference>" page (<https://www.twilio.com/docs/voice/twiml/conference>,
//! the table of request parameters under `statusCallbackEvent`, whose
//! `Timestamp` example is `Thu, 1 Jun 2017 20:48:32 +0000`), and
//! SignalWire's cXML `<Conference>` noun
//! (<https://developer.signalwire.com/compatibility-api/cxml/voice/conference-noun>,
//! "Request parameters for the statusCallback URL", plus the standard
//! request parameters of its cXML overview).

use base64::Engine as _;
use http::HeaderMap;
use proptest::prelude::*;
use signalwire_participants::events::{self, ReceiveError, Receiver};
use signalwire_participants::form::FormError;
use signalwire_participants::types::{
    ConferenceEndedReason, ConferenceEvent, ConferenceEventName as E, ParticipantCallStatus,
    ParticipantLeftReason,
};
use signalwire_participants::webhook::{Scheme, Verifier, VerifyError};

/// Twilio, a participant joins: the fields its page lists for participant
/// events (the ConferenceSid is the page's own example).
const TWILIO_JOIN: &str = "ConferenceSid=CFe08c870b500f6e44a9ad184defd1f391\
    &FriendlyName=MyRoom&AccountSid=AC25e16e9a716a4a1786a7c83f58e30482\
    &SequenceNumber=1&Timestamp=Thu%2C+1+Jun+2017+20%3A48%3A32+%2B0000\
    &StatusCallbackEvent=participant-join&CallSid=CA8b2b3a1b8f0e4a1c9d7e6f5a4b3c2d1e\
    &Muted=false&Hold=false&Coaching=false&EndConferenceOnExit=false\
    &StartConferenceOnEnter=true&ParticipantLabel=customer";

/// Twilio, the participant hangs up: `participant-leave` with the call
/// status and the reason (underscores) added in 2023.
const TWILIO_LEAVE: &str = "ConferenceSid=CFe08c870b500f6e44a9ad184defd1f391\
    &FriendlyName=MyRoom&AccountSid=AC25e16e9a716a4a1786a7c83f58e30482\
    &SequenceNumber=5&Timestamp=Thu%2C+1+Jun+2017+20%3A51%3A07+%2B0000\
    &StatusCallbackEvent=participant-leave&CallSid=CA8b2b3a1b8f0e4a1c9d7e6f5a4b3c2d1e\
    &Muted=false&Hold=false&Coaching=false&EndConferenceOnExit=false\
    &StartConferenceOnEnter=true&ParticipantLabel=customer\
    &ParticipantCallStatus=completed&ReasonParticipantLeft=participant_hung_up";

/// Twilio, the conference ends: who ended it and why (hyphens), in words.
const TWILIO_END: &str = "ConferenceSid=CFe08c870b500f6e44a9ad184defd1f391\
    &FriendlyName=MyRoom&AccountSid=AC25e16e9a716a4a1786a7c83f58e30482\
    &SequenceNumber=6&Timestamp=Thu%2C+1+Jun+2017+20%3A51%3A07+%2B0000\
    &StatusCallbackEvent=conference-end\
    &CallSidEndingConference=CA8b2b3a1b8f0e4a1c9d7e6f5a4b3c2d1e\
    &ParticipantLabelEndingConference=customer\
    &ReasonConferenceEnded=last-participant-left\
    &Reason=Participant+customer+left+the+conference";

/// SignalWire, a participant joins: the noun's parameters (no
/// SequenceNumber, no Coaching), UUIDs, and the standard call parameters.
const SIGNALWIRE_JOIN: &str = "AccountSid=b3877c40-da60-4998-90ad-b792e98472af\
    &ConferenceSid=b3877c40-da60-4998-90ad-b792e98472ae&FriendlyName=MyRoom\
    &StatusCallbackEvent=participant-join&Timestamp=Mon%2C+24+Sept+2018+21%3A00%3A00+%2B0000\
    &CallSid=b3877c40-da60-4998-90ad-b792e98472ca&Muted=false&Hold=false\
    &EndConferenceOnExit=false&StartConferenceOnEnter=true&ApiVersion=2010-04-01\
    &CallStatus=in-progress&Direction=inbound&From=%2B15551234567&To=%2B15557654321";

/// SignalWire, a participant is put on hold, with a parent call.
const SIGNALWIRE_HOLD: &str = "AccountSid=b3877c40-da60-4998-90ad-b792e98472af\
    &ConferenceSid=b3877c40-da60-4998-90ad-b792e98472ae&FriendlyName=MyRoom\
    &StatusCallbackEvent=participant-hold&Timestamp=Mon%2C+24+Sept+2018+21%3A02%3A10+%2B0000\
    &CallSid=b3877c40-da60-4998-90ad-b792e98472cb&Muted=false&Hold=true\
    &EndConferenceOnExit=false&StartConferenceOnEnter=false&ApiVersion=2010-04-01\
    &CallStatus=in-progress&Direction=outbound-api&From=%2B15557654321\
    &To=sip%3Aagent%40example.sip.signalwire.com\
    &ParentCallSid=b3877c40-da60-4998-90ad-b792e98472ca";

/// The fields every test body below starts from (a Twilio participant).
const BASE: &str = "AccountSid=AC25e16e9a716a4a1786a7c83f58e30482\
    &ConferenceSid=CFe08c870b500f6e44a9ad184defd1f391\
    &CallSid=CA8b2b3a1b8f0e4a1c9d7e6f5a4b3c2d1e";

fn read(body: &str) -> ConferenceEvent {
    ConferenceEvent::from_form(body.as_bytes()).unwrap_or_else(|e| panic!("{body}: {e}"))
}

/// The RFC 3339 instant an event's Timestamp was read as.
fn instant(event: &ConferenceEvent) -> Option<String> {
    let timestamp = event.timestamp.as_ref()?;
    timestamp.instant().map(|i| i.to_rfc3339())
}

#[test]
fn twilio_documented_callbacks_decode() {
    let join = read(TWILIO_JOIN);
    assert_eq!(join.status_callback_event, E::ParticipantJoin);
    assert_eq!(
        join.account_sid.as_str(),
        "AC25e16e9a716a4a1786a7c83f58e30482"
    );
    assert_eq!(
        join.conference_sid.as_str(),
        "CFe08c870b500f6e44a9ad184defd1f391"
    );
    let call = join.call_sid.as_ref().map(|c| c.as_str());
    assert_eq!(call, Some("CA8b2b3a1b8f0e4a1c9d7e6f5a4b3c2d1e"));
    assert_eq!(join.friendly_name.as_deref(), Some("MyRoom"));
    assert_eq!(join.sequence_number, Some(1));
    assert_eq!(
        join.timestamp.as_ref().map(|t| t.raw()),
        Some("Thu, 1 Jun 2017 20:48:32 +0000")
    );
    assert_eq!(instant(&join).as_deref(), Some("2017-06-01T20:48:32+00:00"));
    assert_eq!(
        (join.muted, join.hold, join.coaching),
        (Some(false), Some(false), Some(false))
    );
    assert_eq!(join.end_conference_on_exit, Some(false));
    assert_eq!(join.start_conference_on_enter, Some(true));
    assert_eq!(join.participant_label.as_deref(), Some("customer"));
    assert!(join.extra.is_empty(), "{:?}", join.extra);

    let leave = read(TWILIO_LEAVE);
    assert_eq!(leave.status_callback_event, E::ParticipantLeave);
    assert_eq!(leave.sequence_number, Some(5));
    assert_eq!(
        leave.participant_call_status,
        Some(ParticipantCallStatus::Completed)
    );
    assert_eq!(
        leave.reason_participant_left,
        Some(ParticipantLeftReason::ParticipantHungUp)
    );
    assert!(leave.extra.is_empty(), "{:?}", leave.extra);

    let end = read(TWILIO_END);
    assert_eq!(end.status_callback_event, E::ConferenceEnd);
    assert_eq!(end.call_sid, None);
    let ending = end.call_sid_ending_conference.as_ref().map(|c| c.as_str());
    assert_eq!(ending, Some("CA8b2b3a1b8f0e4a1c9d7e6f5a4b3c2d1e"));
    assert_eq!(
        end.participant_label_ending_conference.as_deref(),
        Some("customer")
    );
    assert_eq!(
        end.reason_conference_ended,
        Some(ConferenceEndedReason::LastParticipantLeft)
    );
    assert_eq!(
        end.reason.as_deref(),
        Some("Participant customer left the conference")
    );
    assert_eq!((end.muted, end.hold), (None, None));
    assert!(end.extra.is_empty(), "{:?}", end.extra);
}

#[test]
fn signalwire_documented_callbacks_decode() {
    let join = read(SIGNALWIRE_JOIN);
    assert_eq!(join.status_callback_event, E::ParticipantJoin);
    assert_eq!(
        join.account_sid.as_str(),
        "b3877c40-da60-4998-90ad-b792e98472af"
    );
    assert_eq!(
        join.conference_sid.as_str(),
        "b3877c40-da60-4998-90ad-b792e98472ae"
    );
    let call = join.call_sid.as_ref().map(|c| c.as_str());
    assert_eq!(call, Some("b3877c40-da60-4998-90ad-b792e98472ca"));
    // SignalWire documents no SequenceNumber; its "Sept" date is read.
    assert_eq!(join.sequence_number, None);
    assert_eq!(instant(&join).as_deref(), Some("2018-09-24T21:00:00+00:00"));
    assert_eq!((join.muted, join.hold), (Some(false), Some(false)));
    assert_eq!(join.coaching, None);
    assert_eq!(join.start_conference_on_enter, Some(true));
    // The standard call parameters are typed fields, not `extra`.
    assert_eq!(join.api_version.as_deref(), Some("2010-04-01"));
    assert_eq!(join.call_status.as_deref(), Some("in-progress"));
    assert_eq!(join.direction.as_deref(), Some("inbound"));
    assert_eq!(join.from.as_deref(), Some("+15551234567"));
    assert_eq!(join.to.as_deref(), Some("+15557654321"));
    assert!(join.extra.is_empty(), "{:?}", join.extra);

    let hold = read(SIGNALWIRE_HOLD);
    assert_eq!(hold.status_callback_event, E::ParticipantHold);
    assert_eq!((hold.muted, hold.hold), (Some(false), Some(true)));
    assert_eq!(hold.start_conference_on_enter, Some(false));
    assert_eq!(hold.direction.as_deref(), Some("outbound-api"));
    assert_eq!(
        hold.to.as_deref(),
        Some("sip:agent@example.sip.signalwire.com")
    );
    assert_eq!(
        hold.parent_call_sid.as_deref(),
        Some("b3877c40-da60-4998-90ad-b792e98472ca")
    );
    assert!(hold.extra.is_empty(), "{:?}", hold.extra);
}

#[test]
fn unknown_event_names_and_reasons_are_kept_not_refused() {
    let teleport = read(&format!("{BASE}&StatusCallbackEvent=participant-teleport"));
    assert_eq!(
        teleport.status_callback_event,
        E::Other("participant-teleport".into())
    );
    assert_eq!(
        teleport.status_callback_event.as_str(),
        "participant-teleport"
    );
    let left = read(&format!(
        "{BASE}&StatusCallbackEvent=participant-leave\
         &ReasonParticipantLeft=participant_was_beamed_up\
         &ReasonConferenceEnded=conference-ended-by-asteroid\
         &ParticipantCallStatus=teleported"
    ));
    assert_eq!(left.status_callback_event, E::ParticipantLeave);
    assert_eq!(
        left.reason_participant_left,
        Some(ParticipantLeftReason::Other(
            "participant_was_beamed_up".into()
        ))
    );
    assert_eq!(
        left.reason_conference_ended,
        Some(ConferenceEndedReason::Other(
            "conference-ended-by-asteroid".into()
        ))
    );
    assert_eq!(
        left.participant_call_status,
        Some(ParticipantCallStatus::Other("teleported".into()))
    );
    // The two reasons are not interchangeable: each list has its own
    // separator, and the other's spelling is not one of its values.
    let swapped = read(&format!(
        "{BASE}&StatusCallbackEvent=participant-leave\
         &ReasonParticipantLeft=participant-hung-up\
         &ReasonConferenceEnded=last_participant_left"
    ));
    assert_eq!(
        swapped.reason_participant_left,
        Some(ParticipantLeftReason::Other("participant-hung-up".into()))
    );
    assert_eq!(
        swapped.reason_conference_ended,
        Some(ConferenceEndedReason::Other("last_participant_left".into()))
    );
}

/// serde's `flatten` buffers the values it passes on; read straight from
/// a form, the typed fields beside a map of unknown fields would arrive as
/// strings and fail. The reader types them first.
#[test]
fn unknown_fields_land_in_extra_and_typed_fields_stay_typed() {
    let body = format!(
        "{BASE}&StatusCallbackEvent=participant-mute&Muted=true&SequenceNumber=3\
         &CallSidToCoach=CA00000000000000000000000000000000\
         &Hold=false&NewFlag=true&NewCount=12&Empty="
    );
    let event = read(&body);
    assert_eq!(event.muted, Some(true));
    assert_eq!(event.hold, Some(false));
    assert_eq!(event.sequence_number, Some(3));
    assert_eq!(event.status_callback_event, E::ParticipantMute);
    let mut extra: Vec<(&str, &str)> = event
        .extra
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    extra.sort();
    // Unknown fields are text, as sent, whatever they look like.
    assert_eq!(
        extra,
        [
            ("CallSidToCoach", "CA00000000000000000000000000000000"),
            ("Empty", ""),
            ("NewCount", "12"),
            ("NewFlag", "true"),
        ]
    );
    // The same with the unknown fields first.
    let first = format!(
        "NewFlag=true&NewCount=12&CallSidToCoach=CA00000000000000000000000000000000&Empty=\
         &{BASE}&StatusCallbackEvent=participant-mute&Muted=true&SequenceNumber=3&Hold=false"
    );
    assert_eq!(read(&first), event);
}

/// An event's ids are the spec's types (`CallId`, `ConferenceSid`...) and a
/// listing's are plain strings (D11): they compare either way round, with
/// a `&str` too, and show as the value.
#[test]
fn an_event_id_compares_with_text_and_shows_as_it() {
    let event = read(TWILIO_JOIN);
    let call = event.call_sid.as_ref().unwrap();
    let text = "CA8b2b3a1b8f0e4a1c9d7e6f5a4b3c2d1e";
    let listed: signalwire_participants::types::Participant =
        serde_json::from_value(serde_json::json!({ "call_sid": text })).unwrap();
    let listed = listed.call_sid.unwrap();
    assert!(*call == listed);
    assert!(listed == *call);
    assert!(*call == *text);
    assert!(*text == *call);
    assert_eq!(call, text);
    assert_eq!(text, call);
    assert_ne!(call, "CA0000000000000000000000000000000a");
    assert_eq!(call.to_string(), text);
    assert_eq!(
        format!("{} in {}", call, event.conference_sid),
        format!("{text} in CFe08c870b500f6e44a9ad184defd1f391")
    );
    assert_eq!(event.account_sid, "AC25e16e9a716a4a1786a7c83f58e30482");
    // What an application writes to match an event to a listed participant.
    let same = |listed: Option<&str>| event.call_sid.as_ref().map(|c| c.as_str()) == listed;
    assert!(same(Some(text)) && !same(None));
}

#[test]
fn booleans_are_read_in_any_case() {
    let event = read(&format!(
        "{BASE}&StatusCallbackEvent=participant-modify&Muted=True&Hold=FALSE\
         &Coaching=tRuE&EndConferenceOnExit=False&StartConferenceOnEnter=TRUE&Extra=x"
    ));
    assert_eq!(
        (event.muted, event.hold, event.coaching),
        (Some(true), Some(false), Some(true))
    );
    assert_eq!(event.end_conference_on_exit, Some(false));
    assert_eq!(event.start_conference_on_enter, Some(true));
}

#[test]
fn a_query_reads_as_the_form() {
    for body in [
        TWILIO_JOIN,
        TWILIO_LEAVE,
        TWILIO_END,
        SIGNALWIRE_JOIN,
        SIGNALWIRE_HOLD,
    ] {
        assert_eq!(ConferenceEvent::from_query(body), Ok(read(body)), "{body}");
    }
    let unknown = format!("{BASE}&StatusCallbackEvent=participant-mute&Muted=true&X=1");
    assert_eq!(ConferenceEvent::from_query(&unknown), Ok(read(&unknown)));
}

/// The error a body gives, as its message (`not a conference event: ...`).
#[track_caller]
fn refused(body: &[u8]) -> FormError {
    match ConferenceEvent::from_form(body) {
        Ok(event) => panic!("{:?} read as {event:?}", String::from_utf8_lossy(body)),
        Err(e) => {
            assert_eq!(e.to_string(), format!("not a conference event: {}", e.0));
            e.0
        }
    }
}

#[test]
fn what_is_not_an_event_is_an_error_that_names_the_field() {
    let missing = refused(BASE.as_bytes());
    assert_eq!(missing.to_string(), "missing field `StatusCallbackEvent`");
    let event = "StatusCallbackEvent=participant-mute";
    let maybe = refused(format!("{BASE}&{event}&Muted=maybe").as_bytes());
    assert_eq!(
        maybe,
        FormError::Invalid {
            name: "Muted".into(),
            value: "maybe".into(),
            expected: "expected true or false".into(),
        }
    );
    assert_eq!(
        maybe.to_string(),
        "invalid value 'maybe' for Muted: expected true or false"
    );
    let sequence = refused(format!("{BASE}&{event}&SequenceNumber=x").as_bytes());
    assert_eq!(
        sequence.to_string(),
        "invalid value 'x' for SequenceNumber: expected a whole number"
    );
    for number in ["", "-1", "3.0", "0x10", "1e3", " 3"] {
        let refusal = refused(format!("{BASE}&{event}&SequenceNumber={number}").as_bytes());
        assert!(
            matches!(&refusal, FormError::Invalid { name, .. } if name == "SequenceNumber"),
            "{number}: {refusal}"
        );
    }
    let account = "AccountSid=AC123&ConferenceSid=CFe08c870b500f6e44a9ad184defd1f391";
    let sid = refused(format!("{account}&{event}").as_bytes());
    assert_eq!(
        sid.to_string(),
        "invalid value 'AC123' for AccountSid: expected a SignalWire project id (UUID) or a Twilio account SID (`AC` and 32 hex digits)"
    );
    // A conference SID where the account goes is not an account.
    let swapped = "AccountSid=CFe08c870b500f6e44a9ad184defd1f391\
        &ConferenceSid=CFe08c870b500f6e44a9ad184defd1f391";
    let refusal = refused(format!("{swapped}&{event}").as_bytes());
    assert!(
        matches!(&refusal, FormError::Invalid { name, .. } if name == "AccountSid"),
        "{refusal}"
    );
    let call = refused(format!("{BASE}&{event}&CallSidEndingConference=agent").as_bytes());
    assert!(
        matches!(&call, FormError::Invalid { name, .. } if name == "CallSidEndingConference"),
        "{call}"
    );
}

#[test]
fn empty_and_garbage_bodies_are_errors_not_panics() {
    assert_eq!(refused(b"").to_string(), "missing field `AccountSid`");
    for garbage in [
        &b"\xff\xfe\x00\x01"[..],
        b"%",
        b"%%%%&&&===",
        b"=",
        b"&&&",
        b"AccountSid",
        b"{\"AccountSid\": \"AC25e16e9a716a4a1786a7c83f58e30482\"}",
        b"<Response/>",
        "AccountSid=\u{1F4DE}&ConferenceSid=\u{1F4DE}".as_bytes(),
    ] {
        let refusal = refused(garbage);
        assert!(
            !refusal.to_string().is_empty(),
            "{:?}",
            String::from_utf8_lossy(garbage)
        );
    }
    // Invalid UTF-8 in a value is read as U+FFFD, then refused by its type.
    let bytes = [&b"AccountSid=AC\xff"[..], b"&ConferenceSid=x"].concat();
    let refusal = refused(&bytes);
    assert_eq!(
        refusal,
        FormError::Invalid {
            name: "AccountSid".into(),
            value: "AC\u{FFFD}".into(),
            expected: "expected a SignalWire project id (UUID) or a Twilio account SID (`AC` and 32 hex digits)".into(),
        }
    );
}

proptest! {
    /// No body makes the reader panic; what it accepts has the three
    /// fields every event has.
    #[test]
    fn no_body_panics(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        match ConferenceEvent::from_form(&bytes) {
            Ok(event) => {
                prop_assert!(!event.account_sid.is_empty());
                prop_assert!(!event.conference_sid.is_empty());
            }
            Err(e) => prop_assert!(e.to_string().starts_with("not a conference event: ")),
        }
    }

    /// A valid event with one field added, of any name and any bytes: the
    /// event is read with the added field kept (typed, or in `extra` as
    /// sent), or refused for that field by name. Most cases decode, so the
    /// assertions run on the success path too.
    #[test]
    fn an_added_field_is_kept_or_refused_by_name(
        name in prop_oneof![
            "X[A-Za-z]{0,10}",
            prop::sample::select(vec!["Muted", "Hold", "SequenceNumber", "FriendlyName", "ParticipantLabel"])
                .prop_map(str::to_string),
        ],
        value in prop::collection::vec(any::<u8>(), 0..24),
    ) {
        let encoded: String = url::form_urlencoded::byte_serialize(&value).collect();
        let body = format!("{BASE}&StatusCallbackEvent=participant-mute&{name}={encoded}");
        let sent = String::from_utf8_lossy(&value).into_owned();
        match ConferenceEvent::from_form(body.as_bytes()) {
            Ok(event) => {
                prop_assert_eq!(event.status_callback_event, E::ParticipantMute);
                prop_assert_eq!(event.account_sid.as_str(), "AC25e16e9a716a4a1786a7c83f58e30482");
                match name.as_str() {
                    "FriendlyName" => prop_assert_eq!(event.friendly_name, Some(sent)),
                    "ParticipantLabel" => prop_assert_eq!(event.participant_label, Some(sent)),
                    "Muted" => prop_assert_eq!(event.muted, Some(sent.eq_ignore_ascii_case("true"))),
                    "Hold" => prop_assert_eq!(event.hold, Some(sent.eq_ignore_ascii_case("true"))),
                    "SequenceNumber" => prop_assert_eq!(event.sequence_number, sent.parse::<i64>().ok()),
                    _ => prop_assert_eq!(event.extra.get(&name).map(String::as_str), Some(sent.as_str())),
                }
            }
            Err(e) => match e.0 {
                FormError::Invalid { name: refused, .. } => prop_assert_eq!(refused, name),
                other => prop_assert!(false, "{}", other),
            },
        }
    }

    /// Any value of any known field, after a valid event, is read or
    /// refused by name, never a panic.
    #[test]
    fn no_value_panics(
        field in prop::sample::select(vec![
            "Muted", "SequenceNumber", "Timestamp", "CallSid", "StatusCallbackEvent",
            "ReasonParticipantLeft", "Duration", "AccountSid", "Unknown",
        ]),
        value in "\\PC{0,40}",
    ) {
        let mut form = url::form_urlencoded::Serializer::new(String::new());
        form.append_pair(field, &value);
        let body = format!("{BASE}&StatusCallbackEvent=participant-mute&{}", form.finish());
        match ConferenceEvent::from_form(body.as_bytes()) {
            Ok(_) => {}
            Err(e) => match e.0 {
                FormError::Invalid { name, .. } => prop_assert_eq!(name, field),
                other => prop_assert!(false, "{}", other),
            },
        }
    }
}

fn signed(verifier: &Verifier, url: &str, body: &[u8]) -> HeaderMap {
    let mut headers = HeaderMap::new();
    let header = verifier.provider().signature_header();
    let signature = verifier.sign(url, body).unwrap();
    headers.insert(header, signature.parse().unwrap());
    headers
}

#[test]
fn receive_verifies_and_decodes_a_get() {
    for (verifier, body) in [
        (Verifier::twilio("an auth token").unwrap(), TWILIO_LEAVE),
        (
            Verifier::signalwire("PSK-a signing key").unwrap(),
            SIGNALWIRE_JOIN,
        ),
    ] {
        let url = format!("https://app.example.com/conference-events?{body}");
        let headers = signed(&verifier, &url, b"");
        let event = events::receive(&verifier, &url, &headers, b"")
            .unwrap_or_else(|e| panic!("{:?}: {e}", verifier.provider()));
        assert_eq!(event, read(body));
        // A fragment is not part of the query.
        let with_fragment = format!("{url}#top");
        let headers = signed(&verifier, &with_fragment, b"");
        let event = events::receive(&verifier, &with_fragment, &headers, b"").unwrap();
        assert_eq!(event, read(body));
        // The same through a Receiver, from the path and query as received.
        let receiver = Receiver::new(verifier.clone(), "https://app.example.com/");
        let path = format!("/conference-events?{body}");
        assert_eq!(receiver.url_for(&path), url);
        let headers = signed(&verifier, &url, b"");
        assert_eq!(receiver.receive(&path, &headers, b"").unwrap(), read(body));
        // The query is what is signed: another event in it is refused.
        let forged = url.replace("&Muted=false", "&Muted=true");
        assert_ne!(forged, url);
        let err = events::receive(&verifier, &forged, &headers, b"").unwrap_err();
        assert_eq!(err.status(), 403, "{err}");
    }
}

#[test]
fn receive_verifies_and_decodes_a_post() {
    let verifier = Verifier::twilio("an auth token").unwrap();
    let url = "https://app.example.com/conference-events";
    let headers = signed(&verifier, url, TWILIO_END.as_bytes());
    let event = events::receive(&verifier, url, &headers, TWILIO_END.as_bytes()).unwrap();
    assert_eq!(event, read(TWILIO_END));
    // Signed, but not an event: 400, naming the field.
    let body = format!("{BASE}&StatusCallbackEvent=participant-mute&Muted=maybe");
    let headers = signed(&verifier, url, body.as_bytes());
    let err = events::receive(&verifier, url, &headers, body.as_bytes()).unwrap_err();
    assert!(matches!(err, ReceiveError::Event(_)), "{err:?}");
    assert_eq!(err.status(), 400);
    assert_eq!(
        err.to_string(),
        "not a conference event: invalid value 'maybe' for Muted: expected true or false"
    );
    // A GET with an empty query, signed: not an event either.
    let headers = signed(&verifier, url, b"");
    let err = events::receive(&verifier, url, &headers, b"").unwrap_err();
    assert_eq!(
        err.to_string(),
        "not a conference event: missing field `AccountSid`"
    );
}

/// The form signature of a genuine SignalWire callback, re-sent as hex
/// (its JSON scheme, the same HMAC-SHA1) with the fields' concatenation
/// as the body, passes `verify`; read as a form, that body would be an
/// event whose fields the sender chose (a `FriendlyName` that carries
/// `&StatusCallbackEvent=participant-leave&...`). So the hex scheme never
/// yields a form event.
#[test]
fn a_form_signature_replayed_as_hex_is_no_event() {
    let verifier = Verifier::signalwire("PSK-a signing key").unwrap();
    let url = "https://app.example.com/conference-events";
    let chosen = "&AccountSid=b3877c40-da60-4998-90ad-b792e98472af\
        &ConferenceSid=b3877c40-da60-4998-90ad-b792e98472ae&StatusCallbackEvent=participant-leave\
        &CallSid=b3877c40-da60-4998-90ad-b792e98472cb&x=";
    let genuine = format!(
        "AccountSid=b3877c40-da60-4998-90ad-b792e98472af\
         &ConferenceSid=b3877c40-da60-4998-90ad-b792e98472ae\
         &FriendlyName={}&StatusCallbackEvent=conference-start",
        urlencode(chosen)
    );
    let base64 = verifier.sign(url, genuine.as_bytes()).unwrap();
    let mac = base64::engine::general_purpose::STANDARD
        .decode(base64)
        .unwrap();
    let hex: String = mac.iter().map(|b| format!("{b:02x}")).collect();
    // What the form scheme signed after the URL: keys sorted, `k` + `v`.
    let mut fields: Vec<(String, String)> = url::form_urlencoded::parse(genuine.as_bytes())
        .into_owned()
        .collect();
    fields.sort();
    let replayed: String = fields.iter().map(|(k, v)| format!("{k}{v}")).collect();
    let mut headers = HeaderMap::new();
    headers.insert("x-signalwire-signature", hex.parse().unwrap());
    // The MAC matches: `verify` says which scheme, as the SDKs accept it.
    assert_eq!(
        verifier.verify(url, &headers, replayed.as_bytes()),
        Ok(Scheme::SignalWireHexSha1)
    );
    // Read as a form, it has the sender's fields; `receive` refuses it.
    let forged = ConferenceEvent::from_form(replayed.as_bytes()).unwrap();
    assert_eq!(forged.status_callback_event, E::ParticipantLeave);
    let err = events::receive(&verifier, url, &headers, replayed.as_bytes()).unwrap_err();
    assert!(
        matches!(err, ReceiveError::Scheme(Scheme::SignalWireHexSha1)),
        "{err:?}"
    );
    assert_eq!(err.status(), 403);
    assert_eq!(
        err.to_string(),
        "the callback is signed with SignalWire's hex HMAC-SHA1 over the raw body, \
         which does not cover a form event"
    );
    // The genuine callback, as sent, is taken.
    let mut headers = HeaderMap::new();
    let base64 = verifier.sign(url, genuine.as_bytes()).unwrap();
    headers.insert("x-signalwire-signature", base64.parse().unwrap());
    let event = events::receive(&verifier, url, &headers, genuine.as_bytes()).unwrap();
    assert_eq!(event.status_callback_event, E::ConferenceStart);
    assert_eq!(event.friendly_name.as_deref(), Some(chosen));
}

/// A body verified by `bodySHA256` (the form scheme over the URL alone) is
/// never read as a form event, whichever provider.
#[test]
fn a_body_sha256_callback_is_no_event() {
    use sha2::Digest as _;
    for verifier in [
        Verifier::twilio("an auth token").unwrap(),
        Verifier::signalwire("PSK-a signing key").unwrap(),
    ] {
        let hash: String = sha2::Sha256::digest(TWILIO_LEAVE.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let url = format!("https://app.example.com/conference-events?bodySHA256={hash}");
        let headers = signed(&verifier, &url, TWILIO_LEAVE.as_bytes());
        let body = TWILIO_LEAVE.as_bytes();
        assert_eq!(
            verifier.verify(&url, &headers, body),
            Ok(Scheme::BodySha256)
        );
        let err = events::receive(&verifier, &url, &headers, body).unwrap_err();
        assert!(
            matches!(err, ReceiveError::Scheme(Scheme::BodySha256)),
            "{err:?}"
        );
        assert_eq!(err.status(), 403);
    }
}

/// A field with no name is signed as its value alone (`=x`) or not at all
/// (`=`): the body `=` passed with a signature of the URL alone, and `&=`
/// appended to a signed body kept it valid. Both are refused now.
#[test]
fn fields_without_a_name_are_unsigned_bytes() {
    for verifier in [
        Verifier::twilio("an auth token").unwrap(),
        Verifier::signalwire("PSK-a signing key").unwrap(),
    ] {
        let url = "https://app.example.com/conference-events";
        let url_only = signed(&verifier, url, b"");
        assert_eq!(
            verifier.verify(url, &url_only, b"="),
            Err(VerifyError::UnnamedField)
        );
        let headers = signed(&verifier, url, TWILIO_LEAVE.as_bytes());
        for tail in ["&=", "&=x", "&=&="] {
            let body = format!("{TWILIO_LEAVE}{tail}");
            let err = events::receive(&verifier, url, &headers, body.as_bytes()).unwrap_err();
            assert!(
                matches!(err, ReceiveError::Verify(VerifyError::UnnamedField)),
                "{tail}: {err:?}"
            );
            assert_eq!(err.status(), 400);
        }
        assert!(events::receive(&verifier, url, &headers, TWILIO_LEAVE.as_bytes()).is_ok());
    }
}

/// No verifier is made with an empty key: with one, anyone could sign a
/// `participant-leave`.
#[test]
fn an_empty_key_makes_no_verifier() {
    for made in [
        Verifier::twilio(""),
        Verifier::signalwire(String::new()),
        Verifier::new(signalwire_participants::webhook::Provider::SignalWire, ""),
    ] {
        let err = made.unwrap_err();
        assert_eq!(err, VerifyError::EmptyKey);
        assert_eq!(err.status(), 500);
        assert!(err.to_string().contains("empty"), "{err}");
    }
}

/// Refused callbacks are logged, with the check that failed and where,
/// never the key, the signature, the user information or the query.
#[cfg(feature = "tracing")]
#[test]
fn refusals_are_logged_without_secrets() {
    use std::sync::{Arc, Mutex};
    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);
    impl std::io::Write for Captured {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let key = "PSK-a signing key";
    let verifier = Verifier::signalwire(key).unwrap();
    let url = "https://user:hunter2@app.example.com/conference-events?token=s3cret";
    let signature = verifier.sign(url, SIGNALWIRE_JOIN.as_bytes()).unwrap();
    let mut headers = HeaderMap::new();
    headers.insert("x-signalwire-signature", signature.parse().unwrap());
    tracing::subscriber::with_default(subscriber, || {
        let forged = SIGNALWIRE_JOIN.replace("participant-join", "participant-leave");
        assert!(events::receive(&verifier, url, &headers, forged.as_bytes()).is_err());
        let other_origin = "https://wrong.example.com/conference-events";
        assert!(events::receive(&verifier, other_origin, &headers, b"x=1").is_err());
        let not_event = "AccountSid=b3877c40-da60-4998-90ad-b792e98472af";
        let h = signed(&verifier, url, not_event.as_bytes());
        assert!(events::receive(&verifier, url, &h, not_event.as_bytes()).is_err());
    });
    let text = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(
        lines
            .iter()
            .all(|l| l.contains("WARN") && l.contains("refused a callback"))
    );
    assert!(lines[0].contains("the signature does not match the URL and the body"));
    assert!(lines[0].contains("https://app.example.com/conference-events"));
    assert!(lines[1].contains("https://wrong.example.com/conference-events"));
    assert!(
        lines[2].contains("missing field `ConferenceSid`"),
        "{}",
        lines[2]
    );
    for secret in [
        key,
        signature.as_str(),
        "hunter2",
        "user:",
        "s3cret",
        "token=",
    ] {
        assert!(!text.contains(secret), "{secret} in {text}");
    }
}

/// Percent-encodes a value as a form does.
fn urlencode(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}
