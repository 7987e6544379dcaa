//! The client against a real HTTP server on 127.0.0.1 (the recorder of
//! `servers`): exact requests on the wire, refusals before sending, and
//! every kind of answer a real server (or a proxy in front of it) gives.

use participants_shapes::{
    ACCOUNT, CALL, CONFERENCE, TOKEN, expected_basic, response_example, response_examples,
    update_examples,
};
use serde_json::{Value, json};
use signalwire_participants::types::UpdateParticipantRequest;
use signalwire_participants::{
    Client, ClientConfig, Error, HttpUrl, HttpUrlOrEmpty, ParticipantStatus,
};

use crate::servers::{self, Captured, Recorder};

fn recorder() -> Recorder {
    Recorder::start()
}

fn client(rec: &Recorder) -> Client {
    Client::with_base_url(&rec.base_url, ACCOUNT, TOKEN).expect("loopback base URL")
}

fn participant_path(call: &str) -> String {
    format!("/2010-04-01/Accounts/{ACCOUNT}/Conferences/{CONFERENCE}/Participants/{call}.json")
}

fn mute_answer() -> Value {
    response_example("mute")
}

/// Proves nothing reached the server since the last captured request: the
/// next request the server sees is this marker retrieve.
async fn assert_nothing_was_sent(rec: &mut Recorder, client: &Client) {
    rec.respond_json(200, &mute_answer());
    client
        .participant(CONFERENCE, "marker")
        .unwrap()
        .retrieve()
        .await
        .expect("marker retrieve");
    let next = rec.next_request();
    assert_eq!(
        next.target,
        participant_path("marker"),
        "a refused call reached the server"
    );
}

fn assert_common_headers(req: &Captured) {
    assert_eq!(req.header("authorization"), Some(expected_basic().as_str()));
    assert_eq!(req.header("accept"), Some("application/json"));
    assert_eq!(
        req.header("user-agent"),
        Some(signalwire_participants::USER_AGENT)
    );
    assert_eq!(
        req.header("api-version"),
        None,
        "the generator's api-version header must be stripped"
    );
}

#[tokio::test]
async fn mute_sends_exactly_one_field() {
    let mut rec = recorder();
    let client = client(&rec);
    rec.respond_json(200, &mute_answer());
    let p = client
        .participant(CONFERENCE, CALL)
        .unwrap()
        .mute()
        .await
        .unwrap();
    assert_eq!(p.muted, Some(true));

    let req = rec.next_request();
    assert_eq!(req.method, "POST");
    assert_eq!(req.target, participant_path(CALL));
    assert_common_headers(&req);
    assert_eq!(
        req.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(req.body_text(), "Muted=true");
}

/// Each verb's exact form, sent by the participant's method and by the
/// request preset alike.
#[tokio::test]
async fn every_verb_sends_its_form_both_ways() {
    let mut rec = recorder();
    let client = client(&rec);
    let p = client.participant(CONFERENCE, CALL).unwrap();
    let coached = "CA0123456789abcdef0123456789abcdef";
    let forms = [
        ("mute", "", "Muted=true".to_string()),
        ("unmute", "", "Muted=false".to_string()),
        (
            "hold_with_music",
            "https://example.com/hold.mp3",
            "Hold=true&HoldUrl=https%3A%2F%2Fexample.com%2Fhold.mp3".to_string(),
        ),
        ("unhold", "", "Hold=false".to_string()),
        (
            "announce",
            "https://example.com/hi.mp3?v=1",
            "AnnounceUrl=https%3A%2F%2Fexample.com%2Fhi.mp3%3Fv%3D1".to_string(),
        ),
        (
            "coach",
            coached,
            format!("CallSidToCoach={coached}&Coaching=true&Muted=false"),
        ),
        (
            "monitor",
            coached,
            format!("CallSidToCoach={coached}&Coaching=true&Muted=true"),
        ),
        ("barge", "", "Coaching=false&Muted=false".to_string()),
    ];
    assert_eq!(forms.clone().map(|(name, ..)| name), crate::verbs::VERBS);
    for (name, arg, form) in forms {
        rec.respond_json(200, &mute_answer());
        crate::verbs::verb(&p, name, arg).await.unwrap();
        let by_method = rec.next_request();
        rec.respond_json(200, &mute_answer());
        p.update(&crate::verbs::preset(name, arg).unwrap())
            .await
            .unwrap();
        let by_preset = rec.next_request();
        for req in [by_method, by_preset] {
            assert_eq!(
                (req.method.as_str(), req.target.as_str()),
                ("POST", participant_path(CALL).as_str()),
                "{name}"
            );
            assert_eq!(req.body_text(), form, "{name}");
        }
    }
    // Refused before sending, both ways: a relative URL, a call that is no id.
    for (name, arg) in [("announce", "hi.mp3"), ("coach", "nobody"), ("monitor", "")] {
        let err = crate::verbs::verb(&p, name, arg).await.unwrap_err();
        assert!(
            matches!(err, Error::InvalidArgument { .. }),
            "{name}: {err}"
        );
        assert!(crate::verbs::preset(name, arg).is_err(), "{name}");
    }
    assert_nothing_was_sent(&mut rec, &client).await;
    // And kick: a DELETE without a body.
    rec.respond_empty(204);
    p.kick().await.unwrap();
    let req = rec.next_request();
    assert_eq!((req.method.as_str(), req.body.len()), ("DELETE", 0));
    assert_eq!(req.header("content-type"), None);
}

#[tokio::test]
async fn retrieve_is_a_get_without_a_body() {
    let mut rec = recorder();
    let client = client(&rec);
    rec.respond_json(200, &mute_answer());
    let p = client
        .participant(CONFERENCE, CALL)
        .unwrap()
        .retrieve()
        .await
        .unwrap();
    assert_eq!(p.status, Some(ParticipantStatus::Complete));

    let req = rec.next_request();
    assert_eq!(req.method, "GET");
    assert_eq!(req.target, participant_path(CALL));
    assert_common_headers(&req);
    assert_eq!(req.header("content-type"), None);
    assert!(req.body.is_empty());
}

/// The form body twilio-python 9.x would send for an example: the fields
/// set, booleans as `true`/`false`, alphabetical order.
fn expected_form(example: &Value) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = example
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| {
            let text = match v {
                Value::Bool(b) => b.to_string(),
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            (k.clone(), text)
        })
        .collect();
    pairs.sort();
    pairs
}

#[tokio::test]
async fn every_seed_update_example_goes_out_as_its_fields_and_nothing_else() {
    let mut rec = recorder();
    let client = client(&rec);
    let examples = update_examples();
    assert_eq!(
        examples.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>(),
        ["bare", "coach", "monitor", "barge", "mute", "hold", "full"]
    );
    let p = client.participant(CONFERENCE, CALL).unwrap();
    for (name, example) in examples {
        let body: UpdateParticipantRequest = serde_json::from_value(example.clone()).unwrap();
        rec.respond_json(200, &mute_answer());
        p.update(&body)
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let req = rec.next_request();
        assert_eq!(req.target, participant_path(CALL), "{name}");
        assert_eq!(req.form(), expected_form(&example), "{name}");
        for (_, value) in req.form() {
            assert!(
                value != "True" && value != "False",
                "{name}: booleans are lowercase"
            );
        }
    }
}

#[tokio::test]
async fn the_full_example_is_byte_exact() {
    let mut rec = recorder();
    let client = client(&rec);
    let full = update_examples()
        .into_iter()
        .find(|(n, _)| n == "full")
        .unwrap()
        .1;
    let body: UpdateParticipantRequest = serde_json::from_value(full).unwrap();
    rec.respond_json(200, &mute_answer());
    client
        .participant(CONFERENCE, CALL)
        .unwrap()
        .update(&body)
        .await
        .unwrap();
    assert_eq!(
        rec.next_request().body_text(),
        "AnnounceMethod=GET&AnnounceUrl=https%3A%2F%2Fexample.com&BeepOnExit=true\
         &CallSidToCoach=CA0123456789abcdef0123456789abcdef&Coaching=true&EndConferenceOnExit=true\
         &Hold=true&HoldMethod=GET&HoldUrl=https%3A%2F%2Fexample.com&Muted=true&WaitMethod=GET\
         &WaitUrl=https%3A%2F%2Fexample.com"
    );
}

#[tokio::test]
async fn a_label_is_percent_encoded_in_the_path() {
    let mut rec = recorder();
    let client = client(&rec);
    for (label, on_the_wire) in [
        ("agent one", "agent%20one"),
        ("%2e%2e", "%252e%252e"),
        ("a+b", "a+b"),
        ("caf\u{e9}?#", "caf%C3%A9%3F%23"),
    ] {
        rec.respond_json(200, &mute_answer());
        client
            .participant(CONFERENCE, label)
            .unwrap()
            .retrieve()
            .await
            .unwrap();
        assert_eq!(
            rec.next_request().target,
            participant_path(on_the_wire),
            "{label:?}"
        );
    }
}

/// The message for a value the spec's pattern refuses: the parameter, and
/// the shapes the spec's description gives.
fn refused(parameter: &str) -> String {
    let spec = participants_shapes::spec();
    let schema = spec
        .tree
        .pointer(&format!("/components/schemas/{parameter}/description"))
        .and_then(|d| d.as_str().map(str::to_string))
        .unwrap();
    let text = schema.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut chars = text.trim_end_matches('.').chars();
    let first = chars.next().unwrap().to_lowercase().to_string();
    format!("invalid {parameter}: expected {first}{}", chars.as_str())
}

/// A retrieve through the generated builder, its error converted with `?`.
async fn builder_retrieve(client: &Client, account: &str, conference: &str, call: &str) -> Error {
    client
        .retrieve_participant()
        .account_sid(account)
        .conference_sid(conference)
        .call_sid(call)
        .send()
        .await
        .unwrap_err()
        .into()
}

/// An update through the generated builder, its error converted with `?`.
async fn builder_update(client: &Client, body: UpdateParticipantRequest) -> Error {
    client
        .update_participant()
        .account_sid(ACCOUNT)
        .conference_sid(CONFERENCE)
        .call_sid(CALL)
        .body(body)
        .send()
        .await
        .unwrap_err()
        .into()
}

#[tokio::test]
async fn path_changing_ids_are_refused_before_sending() {
    let mut rec = recorder();
    let client = client(&rec);
    let too_long = "x".repeat(129);
    for bad in ["..\\..\\x", "a/b", "..", ".", "line\nbreak", "", &too_long] {
        let helper = client.participant(CONFERENCE, bad).unwrap_err();
        assert_eq!(helper.to_string(), refused("CallSid"), "{bad:?}");
        assert!(
            matches!(&helper, Error::InvalidArgument { parameter, .. } if parameter == "CallSid")
        );
        assert!(!helper.is_retryable());
        // The generated builder refuses the same value with the same error.
        let raw = builder_retrieve(&client, ACCOUNT, CONFERENCE, bad).await;
        assert_eq!(raw.to_string(), helper.to_string(), "{bad:?}");
    }
    assert!(client.participant(CONFERENCE, &"x".repeat(128)).is_ok());

    let err = client.participant("not-a-conference", CALL).unwrap_err();
    assert_eq!(err.to_string(), refused("ConferenceSid"));
    let raw = builder_retrieve(&client, ACCOUNT, "not-a-conference", CALL).await;
    assert_eq!(raw.to_string(), err.to_string());
    let err = client
        .participant_in_account("AC123", CONFERENCE, CALL)
        .unwrap_err();
    assert_eq!(err.to_string(), refused("AccountSid"));
    let raw = builder_retrieve(&client, "AC123", CONFERENCE, CALL).await;
    assert_eq!(raw.to_string(), err.to_string());
    assert_nothing_was_sent(&mut rec, &client).await;
}

#[tokio::test]
async fn coaching_without_a_call_to_coach_is_refused_before_sending() {
    let mut rec = recorder();
    let client = client(&rec);
    let p = client.participant(CONFERENCE, CALL).unwrap();
    let lonely_coach = UpdateParticipantRequest {
        coaching: Some(true),
        ..Default::default()
    };
    let err = p.update(&lonely_coach).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid CallSidToCoach: it is required when Coaching is true"
    );
    assert!(
        matches!(&err, Error::InvalidArgument { parameter, .. } if parameter == "CallSidToCoach")
    );
    // Through the generated builder: the same error.
    let raw = builder_update(&client, lonely_coach).await;
    assert_eq!(raw.to_string(), err.to_string());
    assert_nothing_was_sent(&mut rec, &client).await;

    let err = UpdateParticipantRequest::coach("nobody").unwrap_err();
    assert_eq!(err.to_string(), refused("CallSidToCoach"));

    // With the call to coach, it goes out.
    rec.respond_json(200, &response_example("coach"));
    p.update(&UpdateParticipantRequest::coach("CA0123456789abcdef0123456789abcdef").unwrap())
        .await
        .unwrap();
    assert_eq!(
        rec.next_request().body_text(),
        "CallSidToCoach=CA0123456789abcdef0123456789abcdef&Coaching=true&Muted=false"
    );
}

#[tokio::test]
async fn relative_or_odd_urls_are_refused_before_sending_on_every_path() {
    let mut rec = recorder();
    let client = client(&rec);
    let p = client.participant(CONFERENCE, CALL).unwrap();
    // The URL fields are typed: a value is checked when it is built, so no
    // body with a bad URL can reach the helpers or the builders.
    for (value, message) in [
        (
            "/hold.mp3",
            "`/hold.mp3` is not an absolute URL (relative URL without a base)",
        ),
        (
            "ftp://x/a.wav",
            "`ftp://x/a.wav` is a ftp URL; use http or https",
        ),
        ("https:", "`https:` is not an absolute URL (empty host)"),
    ] {
        let err = value.parse::<HttpUrl>().unwrap_err();
        assert_eq!(err.to_string(), message);
        let err = value.parse::<HttpUrlOrEmpty>().unwrap_err();
        assert_eq!(err.to_string(), message);
        // `?` in a caller's code: the crate's error, saying it was a URL.
        assert_eq!(
            Error::from(err).to_string(),
            format!("invalid URL: {message}")
        );
    }
    // The helper names the field it sets.
    let err = p.hold_with_music("/hold.mp3").await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid HoldUrl: `/hold.mp3` is not an absolute URL (relative URL without a base)"
    );
    assert!(matches!(&err, Error::InvalidArgument { parameter, .. } if parameter == "HoldUrl"));
    // A body read from elsewhere (JSON, a form) is refused naming the field.
    let read = serde_json::from_value::<UpdateParticipantRequest>(
        serde_json::json!({"Hold": true, "AnnounceUrl": "ftp://x/a.wav"}),
    );
    let err = read.unwrap_err().to_string();
    assert!(
        err.contains("`ftp://x/a.wav` is a ftp URL; use http or https"),
        "{err}"
    );
    assert_nothing_was_sent(&mut rec, &client).await;

    // A good one goes out through the builder's own setters too.
    rec.respond_json(200, &response_example("hold"));
    client
        .update_participant()
        .account_sid(ACCOUNT)
        .conference_sid(CONFERENCE)
        .call_sid(CALL)
        .body_map(|b| {
            b.hold(true)
                .hold_url("https://x.example/h.mp3".parse::<HttpUrl>().ok())
        })
        .send()
        .await
        .unwrap();
    assert_eq!(
        rec.next_request().body_text(),
        "Hold=true&HoldUrl=https%3A%2F%2Fx.example%2Fh.mp3"
    );

    // An empty WaitUrl means silence, and is sent.
    rec.respond_json(200, &mute_answer());
    p.update(&UpdateParticipantRequest {
        wait_url: Some(HttpUrlOrEmpty::empty()),
        ..Default::default()
    })
    .await
    .unwrap();
    assert_eq!(rec.next_request().body_text(), "WaitUrl=");
}

#[tokio::test]
async fn every_seed_response_example_parses() {
    let mut rec = recorder();
    let client = client(&rec);
    let p = client.participant(CONFERENCE, CALL).unwrap();
    let examples = response_examples();
    assert_eq!(examples.len(), 6);
    for (name, body) in examples {
        rec.respond_json(200, &body);
        let parsed = p.retrieve().await.unwrap_or_else(|e| panic!("{name}: {e}"));
        rec.next_request();
        // Nothing the server said is lost: the parsed participant writes
        // back exactly the fields it received.
        assert_eq!(serde_json::to_value(&parsed).unwrap(), body, "{name}");
    }
}

#[tokio::test]
async fn odd_values_do_not_fail_a_response() {
    let mut rec = recorder();
    let client = client(&rec);
    let p = client.participant(CONFERENCE, CALL).unwrap();
    rec.respond_json(
        200,
        &json!({
            "status": "on-hold-somewhere-new",
            "date_created": "Mon, 24 Sept 2018 21:00:00 +0000",
            "date_updated": "yesterday-ish",
            "muted": null,
            "brand_new_field": {"nested": [1, 2, 3]},
        }),
    );
    let parsed = p.retrieve().await.unwrap();
    assert_eq!(
        parsed.status,
        Some(ParticipantStatus::Other("on-hold-somewhere-new".into()))
    );
    let created = parsed.date_created.unwrap();
    assert_eq!(
        created.instant().unwrap().to_rfc3339(),
        "2018-09-24T21:00:00+00:00"
    );
    assert_eq!(created.raw(), "Mon, 24 Sept 2018 21:00:00 +0000");
    let updated = parsed.date_updated.unwrap();
    assert_eq!((updated.raw(), updated.instant()), ("yesterday-ish", None));
    assert_eq!(parsed.muted, None);
    assert_eq!(parsed.call_sid, None);
    // A field this version does not know is kept, not dropped.
    assert_eq!(
        parsed.extra.get("brand_new_field"),
        Some(&json!({"nested": [1, 2, 3]}))
    );
    assert_eq!(parsed.extra.len(), 1);

    rec.respond_json(200, &json!({}));
    let empty = p.retrieve().await.unwrap();
    assert_eq!(serde_json::to_value(&empty).unwrap(), json!({}));
    assert_eq!(
        (empty.status, empty.date_created, empty.extra.len()),
        (None, None, 0)
    );
}

#[tokio::test]
async fn provider_errors_are_typed() {
    let mut rec = recorder();
    let client = client(&rec);
    let p = client.participant(CONFERENCE, CALL).unwrap();

    rec.respond_json(
        401,
        &json!({"code": 20003, "message": "Authentication Error - invalid username", "more_info": "https://www.twilio.com/docs/errors/20003", "status": 401}),
    );
    let err = p.retrieve().await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "the server refused the request: HTTP 401 Unauthorized, error 20003: Authentication Error - invalid username (see https://www.twilio.com/docs/errors/20003)"
    );
    assert_eq!(
        (err.status(), err.code(), err.is_retryable()),
        (Some(401), Some(20003), false)
    );
    for shown in [err.to_string(), format!("{err:?}")] {
        assert!(
            !shown.contains(TOKEN) && !shown.contains(&expected_basic()),
            "{shown}"
        );
    }

    rec.respond_json(
        404,
        &json!({"code": 20404, "message": "The requested resource was not found", "more_info": "https://www.twilio.com/docs/errors/20404", "status": 404}),
    );
    let err = p.mute().await.unwrap_err();
    let Error::Api(api) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(
        (api.status, api.code, api.plain_text),
        (404, Some(20404), false)
    );
    assert_eq!(
        api.message.as_deref(),
        Some("The requested resource was not found")
    );

    rec.respond_json(
        429,
        &json!({"code": 20429, "message": "Too Many Requests", "status": 429}),
    );
    let err = p.retrieve().await.unwrap_err();
    assert_eq!(
        (err.status(), err.code(), err.is_retryable()),
        (Some(429), Some(20429), true)
    );

    rec.respond_json(
        400,
        &json!({"code": 21402, "message": "Url is not a valid URL", "status": 400, "details": {"field": "HoldUrl"}}),
    );
    let Error::Api(api) = p
        .hold_with_music("https://x.example/h.mp3")
        .await
        .unwrap_err()
    else {
        panic!()
    };
    assert_eq!(api.details.unwrap()["field"], "HoldUrl");
}

#[tokio::test]
async fn an_html_502_from_a_proxy_is_a_useful_error() {
    let mut rec = recorder();
    let client = client(&rec);
    let p = client.participant(CONFERENCE, CALL).unwrap();
    rec.respond(
        502,
        "text/html",
        b"<html><head><title>502 Bad Gateway</title></head><body>upstream went away</body></html>",
    );
    let err = p.retrieve().await.unwrap_err();
    let Error::Api(api) = &err else {
        panic!("{err:?}")
    };
    assert_eq!((api.status, api.code, api.plain_text), (502, None, true));
    assert!(err.is_retryable());
    assert_eq!(
        err.to_string(),
        "the server refused the request: HTTP 502 Bad Gateway (the body was not JSON): <html><head><title>502 Bad Gateway</title></head><body>upstream went away</body></html>"
    );

    // An empty 503, and a JSON error body cut short, are plain-text errors too.
    rec.respond_empty(503);
    let err = p.retrieve().await.unwrap_err();
    assert_eq!((err.status(), err.is_retryable()), (Some(503), true));
    rec.respond(500, "application/json", b"{\"code\": 20500, \"mess");
    let Error::Api(api) = p.retrieve().await.unwrap_err() else {
        panic!()
    };
    assert_eq!((api.status, api.plain_text), (500, true));
    assert_eq!(api.message.as_deref(), Some("{\"code\": 20500, \"mess"));
}

#[tokio::test]
async fn a_truncated_success_body_is_an_error_not_a_panic() {
    let mut rec = recorder();
    let client = client(&rec);
    let p = client.participant(CONFERENCE, CALL).unwrap();

    // Complete as far as HTTP goes, but not a whole JSON document.
    rec.respond(
        200,
        "application/json",
        b"{\"muted\": true, \"status\": \"comp",
    );
    let err = p.retrieve().await.unwrap_err();
    let Error::InvalidResponse { reason, body } = &err else {
        panic!("{err:?}")
    };
    assert!(reason.contains("EOF while parsing"), "{reason}");
    assert_eq!(body, "{\"muted\": true, \"status\": \"comp");
    assert!(!err.is_retryable());

    // The connection closes before the declared length: a transport error.
    let cut = servers::truncated_once(400, b"{\"muted\": tr").await;
    let err = Client::with_base_url(&cut, ACCOUNT, TOKEN)
        .unwrap()
        .participant(CONFERENCE, CALL)
        .unwrap()
        .retrieve()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert!(err.is_retryable());
}

#[tokio::test]
async fn timeouts_can_be_set_and_are_retryable() {
    let mut rec = recorder();
    let client = ClientConfig::with_base_url(&rec.base_url, ACCOUNT, TOKEN)
        .unwrap()
        .timeout(std::time::Duration::from_millis(300))
        .build()
        .unwrap();
    rec.hang(3000);
    let started = std::time::Instant::now();
    let err = client
        .participant(CONFERENCE, CALL)
        .unwrap()
        .retrieve()
        .await
        .unwrap_err();
    let Error::Transport(inner) = &err else {
        panic!("{err:?}")
    };
    assert!(inner.is_timeout(), "{err}");
    assert!(err.is_retryable());
    assert!(
        started.elapsed() < std::time::Duration::from_secs(3),
        "the timeout was not applied"
    );
}

#[tokio::test]
async fn a_refused_connection_is_retryable_and_shows_no_secret() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let client =
        Client::with_base_url(&format!("http://127.0.0.1:{port}"), ACCOUNT, TOKEN).unwrap();
    let err = client
        .participant(CONFERENCE, CALL)
        .unwrap()
        .retrieve()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert!(err.is_retryable());
    assert!(err.to_string().starts_with("the request failed: "), "{err}");
    for shown in [err.to_string(), format!("{err:?}")] {
        assert!(!shown.contains(TOKEN), "{shown}");
    }
}

#[tokio::test]
async fn a_custom_user_agent_is_sent() {
    let mut rec = recorder();
    let client = ClientConfig::with_base_url(&rec.base_url, ACCOUNT, TOKEN)
        .unwrap()
        .user_agent("supervisor-console/2.1")
        .build()
        .unwrap();
    rec.respond_json(200, &mute_answer());
    client
        .participant(CONFERENCE, CALL)
        .unwrap()
        .retrieve()
        .await
        .unwrap();
    assert_eq!(
        rec.next_request().header("user-agent"),
        Some("supervisor-console/2.1")
    );
}

#[tokio::test]
async fn twilio_style_ids_work_end_to_end() {
    let mut rec = recorder();
    let account = "AC0123456789abcdef0123456789abcdef";
    let client = Client::with_base_url(&rec.base_url, account, TOKEN).unwrap();
    rec.respond_json(200, &response_example("twilio_reference"));
    let p = client
        .participant(
            "CF0123456789abcdef0123456789abcdef",
            "CA0123456789abcdef0123456789abcdef",
        )
        .unwrap()
        .retrieve()
        .await
        .unwrap();
    // Read through the serialised value: a label is kept whether the spec
    // types it or not (then it is in `extra`).
    assert_eq!(serde_json::to_value(&p).unwrap()["label"], "string");
    assert_eq!(p.status, Some(ParticipantStatus::Queued));
    assert_eq!(
        rec.next_request().target,
        "/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Conferences/CF0123456789abcdef0123456789abcdef/Participants/CA0123456789abcdef0123456789abcdef.json"
    );
}
