//! Snapshots of what the spec implies, one case per snapshot: every request
//! shape the client puts on the wire (captured by a real server on
//! 127.0.0.1, the recorder of `servers`), every response shape it parses,
//! every conference event the spec's webhook shows (the form as the
//! provider sends it, and what the event type reads from it), and the public
//! Rust surface of the generated code. `cargo xtask regen` writes them
//! (`cargo insta review` works on them too); plain `cargo test` fails on
//! drift. Nothing unstable goes in: the port, the crate version and the
//! credentials are redacted, and parsed values are serialised data.

use futures_util::TryStreamExt;
use participants_shapes::{
    ACCOUNT, CALL, CONFERENCE, RECORDING, TOKEN, create_examples, created_examples, list_examples,
    response_examples, update_examples,
};
use serde_json::{Value, json};
use signalwire_participants::spec_facts::{self, Operation};
use signalwire_participants::types::{
    ConferenceEndedReason, ConferenceEvent, ConferenceEventName, CreateParticipantRequest,
    Participant, ParticipantCallStatus, ParticipantLeftReason, UpdateParticipantRequest,
};
use signalwire_participants::{Client, Error};

use crate::servers::{Captured, Recorder};

/// The settings every snapshot here is taken with: no expression in the
/// header, which would repeat the test's code; the files in
/// `tests/snapshots/`, named `shapes__NAME.snap` by [`name`] (rather than
/// after this module's path in the test binary, so that they keep the
/// names they had when this module was a binary of its own).
fn settings() -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.set_omit_expression(true);
    settings.set_snapshot_path(concat!(env!("CARGO_MANIFEST_DIR"), "/snapshots"));
    settings.set_prepend_module_to_snapshot(false);
    settings
}

/// The snapshot's name: `shapes__` and the case.
fn name(case: &str) -> String {
    format!("shapes__{case}")
}

fn recorder() -> (Recorder, Client) {
    let rec = Recorder::start();
    let client = Client::with_base_url(&rec.base_url, ACCOUNT, TOKEN).unwrap();
    (rec, client)
}

/// A request as a reviewer reads it: method, path exactly as sent, headers
/// sorted by name (credentials, port and crate version redacted), and the
/// body raw and decoded in wire order.
fn request_shape(req: &Captured) -> Value {
    let mut headers: Vec<(String, String)> = req
        .headers
        .iter()
        .map(|(name, value)| {
            let value = match name.as_str() {
                "authorization" if *value == participants_shapes::expected_basic() => {
                    "Basic [redacted: the test account and token]".to_string()
                }
                "authorization" => "[redacted: UNEXPECTED credentials]".to_string(),
                "host" => value
                    .rsplit_once(':')
                    .map_or(value.clone(), |(h, _)| format!("{h}:[port]")),
                "user-agent" => {
                    // The client's own version (not this test crate's).
                    let version = signalwire_participants::USER_AGENT.rsplit('/').next();
                    value.replace(version.unwrap_or_default(), "[version]")
                }
                _ => value.clone(),
            };
            (name.clone(), value)
        })
        .collect();
    headers.sort();
    // A secret field's value (`format: password`, D34) never shows.
    let secret = |key: &str| {
        let mut fields = spec_facts::FORM_FIELDS.iter();
        let password = signalwire_participants::spec_facts::Kind::Password;
        fields.any(|(_, field, kind)| *field == key && *kind == password)
    };
    let redact = |(k, v): (String, String)| match secret(&k) {
        true => (k, "[redacted: secret]".to_string()),
        false => (k, v),
    };
    let decoded: Vec<Value> = (req.form().into_iter().map(redact))
        .map(|(k, v)| json!({ k: v }))
        .collect();
    let body_text = req.body_text();
    let raw: Vec<String> = (body_text.split('&').filter(|pair| !pair.is_empty()))
        .map(|pair| match pair.split_once('=') {
            Some((k, _)) if secret(k) => format!("{k}=[redacted: secret]"),
            _ => pair.to_string(),
        })
        .collect();
    json!({
        "method": req.method,
        "path": req.target,
        "headers": headers.into_iter().map(|(k, v)| (k, Value::String(v))).collect::<serde_json::Map<_, _>>(),
        "body": {"raw": raw.join("&"), "decoded": decoded},
    })
}

/// A parsed participant as data: every field as the client keeps it, with
/// each date's raw text and the instant read from it.
fn parsed_shape(p: &Participant) -> Value {
    let mut value = serde_json::to_value(p).unwrap();
    for (field, date) in [
        ("date_created", &p.date_created),
        ("date_updated", &p.date_updated),
    ] {
        if let Some(d) = date {
            let instant = d.instant().map(|i| i.to_rfc3339());
            value[field] = json!({"raw": d.raw(), "instant": instant});
        }
    }
    if let Some(status) = &p.status {
        let known = !matches!(status, signalwire_participants::ParticipantStatus::Other(_));
        value["status"] = json!({"as_sent": status.as_str(), "known": known});
    }
    value
}

/// An error as data: what a caller can read from it.
fn error_shape(err: &Error) -> Value {
    let mut shape = json!({
        "message": err.to_string(),
        "status": err.status(),
        "code": err.code(),
        "retryable": err.is_retryable(),
    });
    if let Error::Api(api) = err {
        shape["api"] = json!({
            "message": api.message,
            "more_info": api.more_info,
            "details": api.details,
            "plain_text": api.plain_text,
        });
    }
    shape
}

#[tokio::test]
async fn requests() {
    let (mut rec, client) = recorder();
    let p = client.participant(CONFERENCE, CALL).unwrap();
    let any_answer = json!({"muted": true});
    let _guard = settings().bind_to_scope();
    for (case, example) in update_examples() {
        let body: UpdateParticipantRequest = serde_json::from_value(example).unwrap();
        rec.respond_json(200, &any_answer);
        p.update(&body)
            .await
            .unwrap_or_else(|e| panic!("{case}: {e}"));
        let shape = request_shape(&rec.next_request());
        insta::assert_yaml_snapshot!(name(&format!("request_update_{case}")), shape);
    }
    rec.respond_json(200, &any_answer);
    p.retrieve().await.unwrap();
    insta::assert_yaml_snapshot!(name("request_retrieve"), request_shape(&rec.next_request()));
    rec.respond_json(200, &any_answer);
    client
        .participant(CONFERENCE, "agent one")
        .unwrap()
        .retrieve()
        .await
        .unwrap();
    let shape = request_shape(&rec.next_request());
    insta::assert_yaml_snapshot!(name("request_retrieve_label_with_space"), shape);
    rec.respond_empty(204);
    p.kick().await.unwrap();
    insta::assert_yaml_snapshot!(name("request_kick"), request_shape(&rec.next_request()));
    let one_page = json!({"participants": [], "next_page_uri": null});
    rec.respond_json(200, &one_page);
    client
        .participants(CONFERENCE)
        .unwrap()
        .page()
        .await
        .unwrap();
    insta::assert_yaml_snapshot!(name("request_list"), request_shape(&rec.next_request()));
    rec.respond_json(200, &one_page);
    let filtered = client
        .participants(CONFERENCE)
        .unwrap()
        .muted(true)
        .hold(false)
        .page_size(20);
    filtered.page().await.unwrap();
    insta::assert_yaml_snapshot!(
        name("request_list_filtered"),
        request_shape(&rec.next_request())
    );
    let (_, created) = created_examples().remove(0);
    for (case, example) in create_examples() {
        let body: CreateParticipantRequest = serde_json::from_value(example).unwrap();
        assert!(
            !format!("{body:?}").contains("not-a-real-password"),
            "{case}"
        );
        rec.respond_json(201, &created);
        (client.create_participant().account_sid(ACCOUNT))
            .conference_sid(CONFERENCE)
            .body(body)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{case}: {e}"));
        let shape = request_shape(&rec.next_request());
        insta::assert_yaml_snapshot!(name(&format!("request_create_{case}")), shape);
    }
}

#[tokio::test]
async fn responses() {
    let (mut rec, client) = recorder();
    let p = client.participant(CONFERENCE, CALL).unwrap();
    let _guard = settings().bind_to_scope();
    for (case, example) in response_examples() {
        rec.respond_json(200, &example);
        let parsed = p.retrieve().await.unwrap_or_else(|e| panic!("{case}: {e}"));
        rec.next_request();
        let shape = json!({"input": example, "parsed": parsed_shape(&parsed)});
        insta::assert_yaml_snapshot!(name(&format!("response_{case}")), shape);
    }
    for (case, example) in created_examples() {
        rec.respond_json(201, &example);
        let parsed = client
            .participants(CONFERENCE)
            .unwrap()
            .add("+15017122661", "+15558675310")
            .send()
            .await
            .unwrap_or_else(|e| panic!("{case}: {e}"));
        rec.next_request();
        let shape = json!({"input": example, "parsed": parsed_shape(&parsed)});
        insta::assert_yaml_snapshot!(name(&format!("response_created_{case}")), shape);
    }
    for (case, example) in list_examples() {
        rec.respond_json(200, &example);
        let page = client
            .participants(CONFERENCE)
            .unwrap()
            .page()
            .await
            .unwrap();
        rec.next_request();
        let mut parsed = serde_json::to_value(&page).unwrap();
        let participants = page
            .participants
            .iter()
            .flatten()
            .map(parsed_shape)
            .collect();
        parsed["participants"] = Value::Array(participants);
        let shape = json!({"input": example, "parsed": parsed});
        insta::assert_yaml_snapshot!(name(&format!("response_list_{case}")), shape);
    }
    let not_found = json!({
        "code": 20404,
        "message": "The requested resource was not found",
        "more_info": "https://www.twilio.com/docs/errors/20404",
        "status": 404,
    });
    rec.respond_json(404, &not_found);
    let err = p.retrieve().await.unwrap_err();
    rec.next_request();
    let shape = json!({"input": not_found, "error": error_shape(&err)});
    insta::assert_yaml_snapshot!(name("response_error_not_found"), shape);
    let html = "<html><body><h1>502 Bad Gateway</h1></body></html>";
    rec.respond(502, "text/html", html.as_bytes());
    let err = p.retrieve().await.unwrap_err();
    rec.next_request();
    let shape = json!({"input": html, "error": error_shape(&err)});
    insta::assert_yaml_snapshot!(name("response_error_html_502"), shape);
}

/// Where the spec keeps the conference status callback's examples: the
/// form body of its `x-webhooks` operation.
const EVENT_EXAMPLES: &str = "/x-webhooks/conferenceStatusCallback/post/requestBody/content/application~1x-www-form-urlencoded/examples";

/// The webhook's examples, each resolved through `$ref`, in spec order:
/// name, summary, value.
fn event_examples() -> Vec<(String, Value, Value)> {
    let spec = participants_shapes::spec();
    let examples = spec
        .tree
        .pointer(EVENT_EXAMPLES)
        .unwrap_or_else(|| panic!("the spec has no {EVENT_EXAMPLES}"));
    examples
        .entries()
        .iter()
        .map(|(k, v)| {
            let example = v.resolve(&spec.tree).expect("example resolves");
            let field = |name| example.get(name).map_or(Value::Null, |n| n.to_json());
            (k.name.clone(), field("summary"), field("value"))
        })
        .collect()
}

/// The example's values as the provider sends them: form pairs, in the
/// example's order, every value as its text.
fn event_form(example: &Value) -> String {
    let Value::Object(fields) = example else {
        panic!("an event example is a mapping: {example}");
    };
    let mut form = url::form_urlencoded::Serializer::new(String::new());
    for (name, value) in fields {
        let text = match value {
            Value::String(s) => s.clone(),
            Value::Bool(_) | Value::Number(_) => value.to_string(),
            _ => panic!("{name}: a form value is a scalar, found {value}"),
        };
        form.append_pair(name, &text);
    }
    form.finish()
}

/// An event as data: every field it kept (by its wire name, typed), each
/// open enum's value with whether it is a known variant, the timestamp's
/// raw text and the instant read from it, and the unknown fields (`extra`)
/// by name.
fn event_shape(event: &ConferenceEvent) -> Value {
    let mut known = event.clone();
    let extra: std::collections::BTreeMap<_, _> =
        std::mem::take(&mut known.extra).into_iter().collect();
    let mut value = serde_json::to_value(&known).unwrap();
    if let Some(t) = &event.timestamp {
        let instant = t.instant().map(|i| i.to_rfc3339());
        value["Timestamp"] = json!({"raw": t.raw(), "instant": instant});
    }
    let open = |as_sent: &str, known: bool| json!({"as_sent": as_sent, "known": known});
    let name = &event.status_callback_event;
    value["StatusCallbackEvent"] = open(
        name.as_str(),
        !matches!(name, ConferenceEventName::Other(_)),
    );
    if let Some(r) = &event.reason_conference_ended {
        let known = !matches!(r, ConferenceEndedReason::Other(_));
        value["ReasonConferenceEnded"] = open(r.as_str(), known);
    }
    if let Some(r) = &event.reason_participant_left {
        let known = !matches!(r, ParticipantLeftReason::Other(_));
        value["ReasonParticipantLeft"] = open(r.as_str(), known);
    }
    if let Some(s) = &event.participant_call_status {
        let known = !matches!(s, ParticipantCallStatus::Other(_));
        value["ParticipantCallStatus"] = open(s.as_str(), known);
    }
    value["extra"] = json!(extra);
    value
}

#[test]
fn events() {
    let _guard = settings().bind_to_scope();
    let examples = event_examples();
    assert!(!examples.is_empty(), "the webhook has no examples");
    for (case, summary, example) in examples {
        let raw = event_form(&example);
        let event =
            ConferenceEvent::from_form(raw.as_bytes()).unwrap_or_else(|e| panic!("{case}: {e}"));
        let read = event_shape(&event);
        // Every field of the example is kept: typed, or in `extra`.
        let kept: Vec<&String> = read
            .as_object()
            .unwrap()
            .keys()
            .chain(event.extra.keys())
            .collect();
        for name in example.as_object().unwrap().keys() {
            assert!(kept.contains(&name), "{case}: {name} was dropped");
        }
        let decoded: Vec<Value> = url::form_urlencoded::parse(raw.as_bytes())
            .map(|(k, v)| json!({ k: v }))
            .collect();
        let shape = json!({
            "summary": summary,
            "body": {"raw": raw, "decoded": decoded},
            "read": read,
        });
        insta::assert_yaml_snapshot!(name(&format!("event_{case}")), shape);
    }
}

#[test]
fn rust_surface() {
    let code = participants_openapi::generate(&participants_shapes::spec()).unwrap();
    let surface = participants_shapes::surface::surface(&code).unwrap();
    settings().bind(|| insta::assert_snapshot!(name("rust_surface"), surface));
}

/// The request bodies in the spec's examples of `operation`.
fn request_examples(operation: Operation) -> Vec<(String, Value)> {
    let pointer = "/requestBody/content/application~1x-www-form-urlencoded/examples";
    participants_shapes::examples_of(operation.id(), pointer)
}

/// The answers in the spec's examples of `operation` (200).
fn answer_examples(operation: Operation) -> Vec<(String, Value)> {
    let pointer = "/responses/200/content/application~1json/examples";
    participants_shapes::examples_of(operation.id(), pointer)
}

/// Every request the conference and recording handles put on the wire:
/// the spec's update examples, each list with every filter, a fetch and a
/// delete.
#[tokio::test]
async fn conference_requests() {
    use signalwire_participants::types::{UpdateConferenceRequest, UpdateRecordingRequest};
    let (mut rec, client) = recorder();
    let conference = client.conference(CONFERENCE).unwrap();
    let recording = conference.recording(RECORDING).unwrap();
    let _guard = settings().bind_to_scope();
    for (case, example) in request_examples(Operation::UpdateConference) {
        let body: UpdateConferenceRequest = serde_json::from_value(example).unwrap();
        rec.respond_json(200, &json!({}));
        conference.update(&body).await.unwrap();
        let shape = request_shape(&rec.next_request());
        insta::assert_yaml_snapshot!(name(&format!("request_conference_{case}")), shape);
    }
    for (case, example) in request_examples(Operation::UpdateConferenceRecording) {
        let body: UpdateRecordingRequest = serde_json::from_value(example).unwrap();
        rec.respond_json(200, &json!({}));
        recording.update(&body).await.unwrap();
        let shape = request_shape(&rec.next_request());
        insta::assert_yaml_snapshot!(name(&format!("request_recording_{case}")), shape);
    }
    let day = |d| chrono::NaiveDate::from_ymd_opt(2026, 12, d).unwrap();
    rec.respond_json(200, &json!({"conferences": []}));
    let filtered = client.conferences().friendly_name("standup one").unwrap();
    let filtered = filtered.status(signalwire_participants::types::ConferenceStatus::InProgress);
    let filtered = filtered
        .created_on(day(1))
        .created_before(day(2))
        .created_after(day(3));
    let filtered = filtered
        .updated_on(day(4))
        .updated_before(day(5))
        .updated_after(day(6));
    filtered.page_size(20).page().await.unwrap();
    let shape = request_shape(&rec.next_request());
    insta::assert_yaml_snapshot!(name("request_conference_list_filtered"), shape);
    rec.respond_json(200, &json!({"recordings": []}));
    let recordings = conference
        .recordings()
        .created_on(day(1))
        .created_before(day(2));
    let _: Vec<_> = recordings
        .created_after(day(3))
        .stream()
        .try_collect()
        .await
        .unwrap();
    let shape = request_shape(&rec.next_request());
    insta::assert_yaml_snapshot!(name("request_recording_list_filtered"), shape);
    rec.respond_json(200, &json!({}));
    conference.retrieve().await.unwrap();
    let shape = request_shape(&rec.next_request());
    insta::assert_yaml_snapshot!(name("request_conference_retrieve"), shape);
    rec.respond_empty(204);
    recording.delete().await.unwrap();
    let shape = request_shape(&rec.next_request());
    insta::assert_yaml_snapshot!(name("request_recording_delete"), shape);
}

/// Every answer the spec shows for conferences and recordings, as read:
/// each provider's shape of the fields they disagree on included.
#[tokio::test]
async fn conference_responses() {
    let (mut rec, client) = recorder();
    let conference = client.conference(CONFERENCE).unwrap();
    let recording = conference.recording(RECORDING).unwrap();
    // `subresource_uris` is a map, whose order is not the wire's: sorted.
    let mut settings = settings();
    settings.set_sort_maps(true);
    let _guard = settings.bind_to_scope();
    for (case, example) in answer_examples(Operation::RetrieveConference) {
        rec.respond_json(200, &example);
        let parsed = conference.retrieve().await.unwrap();
        rec.next_request();
        let shape = json!({"input": example, "parsed": parsed});
        insta::assert_yaml_snapshot!(name(&format!("response_conference_{case}")), shape);
    }
    for (case, example) in answer_examples(Operation::ListConferences) {
        rec.respond_json(200, &example);
        let page = client.conferences().page().await.unwrap();
        rec.next_request();
        let shape = json!({"input": example, "parsed": page});
        insta::assert_yaml_snapshot!(name(&format!("response_conference_list_{case}")), shape);
    }
    for (case, example) in answer_examples(Operation::RetrieveConferenceRecording) {
        rec.respond_json(200, &example);
        let parsed = recording.retrieve().await.unwrap();
        rec.next_request();
        let shape = json!({"input": example, "parsed": parsed});
        insta::assert_yaml_snapshot!(name(&format!("response_recording_{case}")), shape);
    }
    for (case, example) in answer_examples(Operation::ListConferenceRecordings) {
        rec.respond_json(200, &example);
        let all: Vec<_> = conference
            .recordings()
            .stream()
            .try_collect()
            .await
            .unwrap();
        rec.next_request();
        let shape = json!({"input": example, "parsed": all});
        insta::assert_yaml_snapshot!(name(&format!("response_recording_list_{case}")), shape);
    }
}
