//! What each fuzz target checks, shared by the cargo-fuzz targets (nightly)
//! and by the replay test `tests/participants/fuzz_replay.rs` (stable), which runs every
//! input kept under `fuzz/corpus/` and `fuzz/artifacts/` through the same
//! functions. A broken property panics; so does anything the code under test
//! does wrong.

// Each target uses one of these checks; the replay test uses them all.
#![allow(dead_code)]

use std::sync::OnceLock;

use chrono::Datelike as _;

use signalwire_participants::events::{self, ReceiveError};
use signalwire_participants::webhook::{MAX_BODY, Provider, Verifier, VerifyError};
use signalwire_participants::{Client, Error, Rfc2822Date, types};

/// The workspace's own decisions table, so the provenance rules run too.
const RECONCILIATION: &str = include_str!("../openapi/RECONCILIATION.md");

/// Any bytes as a spec: the lint never panics and every refusal is located
/// inside the input; the generator runs only on what the lint accepted, and
/// never refuses or panics on it.
pub fn spec(data: &[u8]) {
    let lines = data.split(|b| *b == b'\n').count();
    let text = std::str::from_utf8(data).ok();
    let mut generated = false;
    for reconciliation in [None, Some(RECONCILIATION)] {
        match participants_openapi::lint("fuzz.yaml", data, reconciliation) {
            // The provenance rules add refusals, never a different spec: one
            // generation per input is enough.
            Ok(_) if generated => {}
            Ok(spec) => {
                if let Err(e) = participants_openapi::generate(&spec) {
                    panic!("the lint accepted a spec the generator refuses: {e}");
                }
                generated = true;
            }
            Err(diagnostics) => {
                assert!(!diagnostics.0.is_empty(), "a refusal with no diagnostic");
                for d in &diagnostics.0 {
                    assert_eq!(d.file, "fuzz.yaml");
                    assert!(d.pos.line >= 1 && d.pos.col >= 1, "unlocated: {d:?}");
                    assert!(d.pos.line <= lines, "line past the end: {d:?}");
                    if let Some(line) = text.and_then(|t| t.lines().nth(d.pos.line - 1)) {
                        assert_eq!(d.line_text, line.trim_end(), "the wrong line shown: {d:?}");
                        let width = line.chars().count();
                        assert!(d.pos.col <= width + 1, "column past the line's end: {d:?}");
                    }
                    assert!(!d.message.is_empty(), "a diagnostic without a message");
                    assert!(
                        !d.message.contains("internal error"),
                        "the lint crashed: {d:?}"
                    );
                }
                // Rendering (annotate-snippets) must not panic either.
                let _ = diagnostics.to_string();
            }
        }
    }
}

/// Any bytes as a 200 body, read as a participant and as a list page: never
/// a panic; a date that decodes keeps the text the server sent; a body that
/// does not decode becomes an `InvalidResponse` error that renders.
pub fn participant(data: &[u8]) {
    let json: Option<serde_json::Value> = serde_json::from_slice(data).ok();
    match serde_json::from_slice::<types::Participant>(data) {
        Ok(p) => {
            check_dates(&p, json.as_ref());
            serde_json::to_vec(&p).expect("a decoded participant serializes");
        }
        Err(e) => invalid_response(data, e),
    }
    match serde_json::from_slice::<types::ParticipantPage>(data) {
        Ok(page) => {
            let items = json.as_ref().and_then(|j| j.get("participants"));
            for (i, p) in page.participants.iter().flatten().enumerate() {
                check_dates(p, items.and_then(|items| items.get(i)));
            }
            serde_json::to_vec(&page).expect("a decoded page serializes");
        }
        Err(e) => invalid_response(data, e),
    }
}

fn check_dates(p: &types::Participant, json: Option<&serde_json::Value>) {
    for (name, date) in [
        ("date_created", &p.date_created),
        ("date_updated", &p.date_updated),
    ] {
        let sent = json.and_then(|j| j.get(name)).and_then(|v| v.as_str());
        if let (Some(sent), Some(date)) = (sent, date) {
            assert_eq!(date.raw(), sent, "{name} lost the text the server sent");
        }
    }
}

fn invalid_response(data: &[u8], e: serde_json::Error) {
    let e = progenitor_client::Error::<()>::InvalidResponsePayload(data.to_vec().into(), e);
    let _ = Error::from(e).to_string();
}

/// Any text as a date: never a panic, the text kept as sent, and an instant
/// that survives being written as RFC 2822 and read back.
pub fn date(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let date = Rfc2822Date::new(text);
    assert_eq!(date.raw(), text);
    let from_json: Rfc2822Date = serde_json::from_value(serde_json::Value::from(text)).unwrap();
    assert_eq!(from_json, date, "the JSON path reads the text differently");
    // Leniency only adds: a date chrono's strict RFC 2822 parser reads is
    // read as the same instant, with the same offset.
    if let Ok(strict) = chrono::DateTime::parse_from_rfc2822(text) {
        assert_eq!(
            date.with_offset(),
            Some(strict),
            "{text:?} read differently from chrono"
        );
    }
    // Years past 9999 parse, but chrono writes them in no RFC 2822 form
    // (`to_rfc2822` panics, `%Y` gives `+22222`).
    let writable = |at: &chrono::DateTime<_>| (0..=9999).contains(&at.year());
    if let Some(at) = date.with_offset().filter(writable) {
        let again = Rfc2822Date::new(at.to_rfc2822());
        // RFC 2822 has whole seconds (an RFC 3339 fallback may have more).
        let seconds = |d: &Rfc2822Date| d.with_offset().map(|at| (at.timestamp(), *at.offset()));
        assert_eq!(
            seconds(&again),
            seconds(&date),
            "{text:?} does not round-trip"
        );
    }
}

/// Where the calls go: a loopback port nothing listens on, so every request
/// the client builds fails to connect and the error carries its URL.
const REFUSING: &str = "http://127.0.0.1:1";
const ACCOUNT: &str = "AC0123456789abcdef0123456789abcdef";
const CONFERENCE: &str = "CF0123456789abcdef0123456789abcdef";

/// Any text as a `CallSid`: refused before sending, the same way by the
/// helper and the generated builder, or sent as exactly one path segment
/// that percent-decodes back to the text.
pub fn path_ids(data: &[u8]) {
    let Ok(call_sid) = std::str::from_utf8(data) else {
        return;
    };
    static CLIENT: OnceLock<(tokio::runtime::Runtime, Client)> = OnceLock::new();
    let (runtime, client) = CLIENT.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let client = Client::with_base_url(REFUSING, ACCOUNT, "token").unwrap();
        (runtime, client)
    });
    let builder = runtime.block_on(
        client
            .retrieve_participant()
            .account_sid(ACCOUNT)
            .conference_sid(CONFERENCE)
            .call_sid(call_sid)
            .send(),
    );
    let builder = Error::from(builder.expect_err("nothing listens on 127.0.0.1:1"));
    let helper = match client.participant(CONFERENCE, call_sid) {
        Ok(p) => runtime.block_on(p.retrieve()).expect_err("nothing listens"),
        Err(refused) => {
            assert!(
                matches!(&refused, Error::InvalidArgument { parameter, .. } if parameter == "CallSid"),
                "the helper refused {call_sid:?} with {refused:?}"
            );
            assert_eq!(
                refused.to_string(),
                builder.to_string(),
                "the paths disagree"
            );
            return;
        }
    };
    for sent in [helper, builder] {
        let Error::Transport(e) = &sent else {
            panic!("the helper accepted {call_sid:?} but the call ended with {sent:?}");
        };
        assert!(e.is_connect(), "is something listening on {REFUSING}? {e}");
        let url = e.url().expect("a connection error names the URL");
        let segments: Vec<&str> = url.path_segments().unwrap().collect();
        let expected = [
            "2010-04-01",
            "Accounts",
            ACCOUNT,
            "Conferences",
            CONFERENCE,
            "Participants",
        ];
        assert_eq!(segments.len(), 7, "{call_sid:?} became {url}");
        assert_eq!(segments[..6], expected, "{call_sid:?} became {url}");
        let last = segments[6]
            .strip_suffix(".json")
            .expect("the path ends in .json");
        let decoded = percent_encoding::percent_decode_str(last)
            .decode_utf8()
            .unwrap();
        assert_eq!(decoded, call_sid, "{url} does not decode back to the input");
        assert!(
            url.query().is_none() && url.fragment().is_none(),
            "{call_sid:?} became {url}"
        );
    }
}

/// Any bytes as a signed callback, in a form a person can write a seed in:
///
/// ```text
/// twilio 65536 KEY        (or signalwire; the limit is optional)
/// https://example.com/cb  (the URL the app states)
/// X-Twilio-Signature: ... (headers, one a line, up to an empty line)
///
/// BODY                    (the rest, as bytes)
/// ```
///
/// `verify` never panics, decides the same way twice, refuses a body over
/// the limit before anything else, answers with its error's status, and
/// says nothing that depends on the key (errors and `Debug` read the same
/// with another key). A request `sign`ed for the URL and body is accepted
/// (but for the refusals that come from the body: a hash that does not
/// match, a body with no form field), and refused once its signature or
/// its body changes.
pub fn webhook(data: &[u8]) {
    let (provider, limit, key, url, headers, body) = webhook_input(data);
    let Ok(verifier) = Verifier::new(provider, key.as_str()) else {
        assert!(key.is_empty(), "a key refused");
        return;
    };
    let verifier = verifier.max_body(limit);
    let other = Verifier::new(provider, format!("{key}\u{1}other"));
    let other = other.expect("a key that is not empty").max_body(limit);
    assert_eq!(
        format!("{verifier:?}"),
        format!("{other:?}"),
        "Debug shows the key"
    );

    let outcome = verifier.verify(&url, &headers, body);
    assert_eq!(
        outcome,
        verifier.verify(&url, &headers, body),
        "not deterministic"
    );
    // What a callback is read as, signed or not: never a panic; an error
    // that says what is wrong; and receive's verdict is verify's, then the
    // decoder's.
    if body.len() <= limit {
        let decoded = types::ConferenceEvent::from_form(body);
        assert_eq!(
            decoded,
            types::ConferenceEvent::from_form(body),
            "not deterministic"
        );
        if let Err(e) = &decoded {
            assert!(e.to_string().starts_with("not a conference event: "), "{e}");
        }
        let received = events::receive(&verifier, &url, &headers, body);
        match (&outcome, received) {
            (Err(e), Err(ReceiveError::Verify(r))) => assert_eq!(e, &r),
            (Err(e), r) => panic!("verify said {e:?}, receive {r:?}"),
            (Ok(_), Err(ReceiveError::Verify(r))) => panic!("verify took it, receive said {r:?}"),
            (Ok(scheme), Err(ReceiveError::Scheme(s))) => assert_eq!(*scheme, s),
            (Ok(scheme), Ok(_)) => assert!(scheme.covers_form_events(), "{scheme:?}"),
            (Ok(_), _) => {}
        }
    }
    if body.len() > limit {
        let too_large = VerifyError::BodyTooLarge {
            limit,
            length: body.len(),
        };
        assert_eq!(outcome, Err(too_large), "an oversized body got further");
        return;
    }
    if let Err(e) = &outcome {
        assert!(
            !matches!(e, VerifyError::BodyTooLarge { .. }),
            "{e:?} within the limit"
        );
        let expected = match e {
            VerifyError::BadSignature | VerifyError::BodyHashMismatch => 403,
            VerifyError::EmptyKey => 500,
            _ => 400,
        };
        assert_eq!(e.status(), expected, "{e:?}");
        assert!(!e.to_string().is_empty());
        // With another key, an error of the same kind reads the same.
        if let Err(e2) = other.verify(&url, &headers, body)
            && std::mem::discriminant(e) == std::mem::discriminant(&e2)
        {
            assert_eq!(
                format!("{e} {e:?}"),
                format!("{e2} {e2:?}"),
                "the key shows"
            );
        }
    }

    // Signed as the provider signs: accepted, then refused once changed.
    let Ok(signature) = verifier.sign(&url, body) else {
        assert!(
            matches!(
                outcome,
                Err(VerifyError::InvalidUrl { .. }
                    | VerifyError::MissingSignature { .. }
                    | VerifyError::DuplicateSignature { .. }
                    // A header that is no text, checked before the URL.
                    | VerifyError::BadSignature)
            ),
            "sign refused a URL verify took: {outcome:?}"
        );
        return;
    };
    let header = provider.signature_header();
    let signed = |signature: &str| {
        let mut h = http::HeaderMap::new();
        h.insert(header, http::HeaderValue::from_str(signature).unwrap());
        h
    };
    let pairs: Vec<_> = url::form_urlencoded::parse(body).collect();
    match verifier.verify(&url, &signed(&signature), body) {
        Ok(_) => {}
        Err(VerifyError::BodyHashMismatch) => assert!(url.contains("bodySHA256")),
        Err(VerifyError::UnnamedField) => assert!(pairs.iter().any(|(k, _)| k.is_empty())),
        Err(VerifyError::BadSignature) if pairs.is_empty() && !body.is_empty() => {}
        Err(e) => panic!("a signed request refused: {e:?}"),
    }
    // One character of the signature changed.
    let mut changed = signature.clone().into_bytes();
    changed[0] = if changed[0] == b'A' { b'B' } else { b'A' };
    let changed = String::from_utf8(changed).unwrap();
    assert!(
        verifier.verify(&url, &signed(&changed), body).is_err(),
        "accepted with a changed signature"
    );
    // A field added to the body (Twilio signs each distinct value once, so
    // it must be a new one).
    let added = ("fuzz", "\u{1}");
    let duplicate = provider == Provider::Twilio
        && pairs.iter().any(|(k, v)| (k.as_ref(), v.as_ref()) == added);
    if !duplicate {
        let mut longer = body.to_vec();
        longer.extend_from_slice(b"&fuzz=%01");
        assert!(
            verifier.verify(&url, &signed(&signature), &longer).is_err(),
            "accepted with a field added"
        );
    }
}

/// The parts of a `webhook` input (see there).
fn webhook_input(data: &[u8]) -> (Provider, usize, String, String, http::HeaderMap, &[u8]) {
    let mut rest = data;
    let mut line = || {
        let end = rest.iter().position(|b| *b == b'\n').unwrap_or(rest.len());
        let (line, after) = rest.split_at(end);
        rest = after.get(1..).unwrap_or_default();
        line
    };
    let first = String::from_utf8_lossy(line()).into_owned();
    let (name, after) = first.split_once(' ').unwrap_or((&first, ""));
    let provider = match name {
        "twilio" => Provider::Twilio,
        "signalwire" => Provider::SignalWire,
        other if other.len() % 2 == 0 => Provider::Twilio,
        _ => Provider::SignalWire,
    };
    // `LIMIT KEY`, `LIMIT` or `KEY`.
    let (limit, key) = after
        .split_once(' ')
        .and_then(|(n, key)| Some((n.parse().ok()?, key)))
        .or_else(|| Some((after.parse().ok()?, "")))
        .unwrap_or((MAX_BODY, after));
    let key = key.to_string();
    let url = String::from_utf8_lossy(line()).into_owned();
    let mut headers = http::HeaderMap::new();
    loop {
        let l = line();
        if l.is_empty() {
            break;
        }
        let Some(colon) = l.iter().position(|b| *b == b':') else {
            continue;
        };
        let value = l[colon + 1..].strip_prefix(b" ").unwrap_or(&l[colon + 1..]);
        if let (Ok(name), Ok(value)) = (
            http::HeaderName::from_bytes(&l[..colon]),
            http::HeaderValue::from_bytes(value),
        ) {
            headers.append(name, value);
        }
    }
    (provider, limit, key, url, headers, rest)
}
