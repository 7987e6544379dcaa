//! What each fuzz target checks, shared by the cargo-fuzz targets (nightly)
//! and by the replay test `tests/fuzz_replay.rs` (stable), which runs every
//! input kept under `fuzz/corpus/` and `fuzz/artifacts/` through the same
//! functions. A broken property panics; so does anything the code under test
//! does wrong.

// Each target uses one of these checks; the replay test uses them all.
#![allow(dead_code)]

use std::sync::OnceLock;

use chrono::Datelike as _;

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
    let e =
        progenitor_client::Error::<types::Error>::InvalidResponsePayload(data.to_vec().into(), e);
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
