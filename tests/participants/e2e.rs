//! Our client against the fake over loopback: every seed example, every
//! error case, concurrency, and every response checked against the spec's
//! schemas (by boon, a JSON Schema validator).

use std::sync::Arc;

use serde_json::{Value, json};
use signalwire_participants::types::UpdateParticipantRequest;
use signalwire_participants::{Client, Error, ParticipantStatus};
use signalwire_participants_fake::{
    DEMO_ACCOUNT, DEMO_CALLS, DEMO_CONFERENCE, DEMO_CREATED, DEMO_TOKEN, OTHER_ACCOUNT,
    OTHER_CONFERENCE, OTHER_TOKEN, RunningFake,
};

struct Env {
    server: RunningFake,
    client: Client,
    schemas: participants_shapes::SpecSchemas,
    http: reqwest::Client,
}

async fn env() -> Env {
    let server = signalwire_participants_fake::start("127.0.0.1:0")
        .await
        .unwrap();
    let demo = server.demo();
    let client =
        Client::with_base_url(&demo.base_url, &demo.account_sid, demo.auth_token.as_str()).unwrap();
    Env {
        server,
        client,
        schemas: participants_shapes::SpecSchemas::new(&["Participant", "Error"]),
        http: participants_shapes::raw_http_client(),
    }
}

impl Env {
    fn url(&self, prefix: &str, account: &str, conference: &str, call: &str) -> String {
        format!(
            "http://{}{prefix}/2010-04-01/Accounts/{account}/Conferences/{conference}/Participants/{call}.json",
            self.server.addr
        )
    }

    /// A raw request (to send what our client never would), its status and
    /// its body, which is checked against the spec's schema for that status.
    async fn raw(
        &self,
        method: &str,
        url: &str,
        auth: Option<(&str, &str)>,
        body: &str,
    ) -> (u16, Value) {
        let mut req = self
            .http
            .request(method.parse().unwrap(), url)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body.to_string());
        if let Some((user, password)) = auth {
            req = req.basic_auth(user, Some(password));
        }
        let resp = req.send().await.unwrap();
        let status = resp.status().as_u16();
        let body: Value = serde_json::from_slice(&resp.bytes().await.unwrap()).unwrap();
        self.assert_matches_spec(status, &body);
        (status, body)
    }

    async fn form(&self, body: &str) -> (u16, Value) {
        let url = self.url("/api/laml", DEMO_ACCOUNT, DEMO_CONFERENCE, DEMO_CALLS[0]);
        self.raw("POST", &url, Some((DEMO_ACCOUNT, DEMO_TOKEN)), body)
            .await
    }

    /// A request as the demo account, for checks that need the raw response.
    fn as_demo(&self, method: reqwest::Method, url: &str) -> reqwest::RequestBuilder {
        self.http
            .request(method, url)
            .basic_auth(DEMO_ACCOUNT, Some(DEMO_TOKEN))
    }

    /// A GET as the demo account.
    async fn get(&self, url: &str) -> reqwest::Response {
        self.as_demo(reqwest::Method::GET, url)
            .send()
            .await
            .unwrap()
    }

    /// Every answer of the fake validates against the spec: a participant
    /// for 200, the error object otherwise.
    fn assert_matches_spec(&self, status: u16, body: &Value) {
        let schema = if status == 200 {
            "Participant"
        } else {
            "Error"
        };
        if let Err(problems) = self.schemas.validate(schema, body) {
            panic!("{status} {body} does not match the spec: {problems}");
        }
    }
}

#[tokio::test]
async fn every_seed_update_example_is_applied_and_read_back() {
    let env = env().await;
    let agent = env
        .client
        .participant(DEMO_CONFERENCE, DEMO_CALLS[0])
        .unwrap();
    for (name, mut example) in participants_shapes::update_examples() {
        // The seeds coach a call of their own conference; ours is bob.
        if let Some(coached) = example.get_mut("CallSidToCoach") {
            *coached = json!(DEMO_CALLS[1]);
        }
        let body: UpdateParticipantRequest = serde_json::from_value(example.clone()).unwrap();
        let before = agent.retrieve().await.unwrap();
        let after = agent
            .update(&body)
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        env.assert_matches_spec(200, &serde_json::to_value(&after).unwrap());
        let read_back = agent.retrieve().await.unwrap();
        assert_eq!(read_back, after, "{name}: retrieve reflects the update");
        for (field, value) in [
            ("Muted", after.muted),
            ("Hold", after.hold),
            ("Coaching", after.coaching),
            ("EndConferenceOnExit", after.end_conference_on_exit),
        ] {
            let want = example.get(field).and_then(Value::as_bool).or(match field {
                "Muted" => before.muted,
                "Hold" => before.hold,
                "Coaching" => before.coaching,
                _ => before.end_conference_on_exit,
            });
            assert_eq!(value, want, "{name}: {field}");
        }
        if let Some(coached) = example.get("CallSidToCoach") {
            assert_eq!(
                after.call_sid_to_coach.as_deref(),
                coached.as_str(),
                "{name}"
            );
        }
        if example.get("Hold") == Some(&json!(true)) {
            assert_eq!(
                after.hold_url.as_deref(),
                example["HoldUrl"].as_str(),
                "{name}"
            );
        }
        assert_eq!(after.status, Some(ParticipantStatus::InProgress));
        assert_eq!(after.date_created.as_ref().unwrap().raw(), DEMO_CREATED);
        assert!(
            after.date_updated.as_ref().unwrap().instant().unwrap()
                > before.date_created.unwrap().instant().unwrap()
        );
    }
}

#[tokio::test]
async fn labels_and_both_path_prefixes_find_the_same_participant() {
    let env = env().await;
    let by_label = env
        .client
        .participant(DEMO_CONFERENCE, "alice")
        .unwrap()
        .mute()
        .await
        .unwrap();
    assert_eq!(by_label.call_sid.as_deref(), Some(DEMO_CALLS[0]));
    let legacy = env.url("", DEMO_ACCOUNT, DEMO_CONFERENCE, DEMO_CALLS[0]);
    let (status, body) = env
        .raw("GET", &legacy, Some((DEMO_ACCOUNT, DEMO_TOKEN)), "")
        .await;
    assert_eq!((status, &body["muted"]), (200, &json!(true)));
    let no_suffix = format!(
        "http://{}/api/laml/2010-04-01/Accounts/{DEMO_ACCOUNT}/Conferences/{DEMO_CONFERENCE}/Participants/alice",
        env.server.addr
    );
    assert_eq!(
        env.raw("GET", &no_suffix, Some((DEMO_ACCOUNT, DEMO_TOKEN)), "")
            .await
            .0,
        200
    );
}

#[tokio::test]
async fn authentication_errors_are_401_with_code_20003() {
    let env = env().await;
    let url = env.url("/api/laml", DEMO_ACCOUNT, DEMO_CONFERENCE, DEMO_CALLS[0]);
    for auth in [
        None,
        Some((DEMO_ACCOUNT, "wrong")),
        Some(("nobody", DEMO_TOKEN)),
        Some((OTHER_ACCOUNT, DEMO_TOKEN)),
    ] {
        let (status, body) = env.raw("GET", &url, auth, "").await;
        assert_eq!(
            (status, body["code"].as_i64()),
            (401, Some(20003)),
            "{auth:?}"
        );
    }
    let wrong =
        Client::with_base_url(&env.server.demo().base_url, DEMO_ACCOUNT, "wrong-token").unwrap();
    let err = wrong
        .participant(DEMO_CONFERENCE, DEMO_CALLS[0])
        .unwrap()
        .retrieve()
        .await
        .unwrap_err();
    assert_eq!((err.status(), err.code()), (Some(401), Some(20003)));
    assert!(!err.to_string().contains("wrong-token"));
}

#[tokio::test]
async fn other_accounts_and_unknown_resources_are_404_with_code_20404() {
    let env = env().await;
    // The other account's conference, with the demo account's credentials.
    let err = env
        .client
        .participant_in_account(OTHER_ACCOUNT, OTHER_CONFERENCE, "private")
        .unwrap()
        .retrieve()
        .await
        .unwrap_err();
    assert_eq!((err.status(), err.code()), (Some(404), Some(20404)));
    // Its own credentials see it.
    let other =
        Client::with_base_url(&env.server.demo().base_url, OTHER_ACCOUNT, OTHER_TOKEN).unwrap();
    let p = other
        .participant(OTHER_CONFERENCE, "private")
        .unwrap()
        .retrieve()
        .await
        .unwrap();
    assert_eq!(serde_json::to_value(&p).unwrap()["label"], "private");
    // The demo conference path under the other account: 404, not a leak.
    let err = other
        .participant(DEMO_CONFERENCE, DEMO_CALLS[0])
        .unwrap()
        .retrieve()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(20404));
    for (conference, call) in [
        ("00000000-0000-4000-8000-000000000000", DEMO_CALLS[0]),
        (DEMO_CONFERENCE, "00000000-0000-4000-8000-000000000000"),
        (DEMO_CONFERENCE, "carol"),
    ] {
        let err = env
            .client
            .participant(conference, call)
            .unwrap()
            .mute()
            .await
            .unwrap_err();
        assert_eq!(
            (err.status(), err.code()),
            (Some(404), Some(20404)),
            "{conference} {call}"
        );
    }
    let (status, body) = env
        .raw(
            "GET",
            &format!("http://{}/api/laml/2010-04-01/Nothing", env.server.addr),
            Some((DEMO_ACCOUNT, DEMO_TOKEN)),
            "",
        )
        .await;
    assert_eq!((status, body["code"].as_i64()), (404, Some(20404)));
}

#[tokio::test]
async fn booleans_are_read_as_the_service_reads_them() {
    let env = env().await;
    for (body, muted) in [
        ("Muted=True", true),
        ("Muted=false", false),
        ("Muted=TRUE", true),
    ] {
        let (status, answer) = env.form(body).await;
        assert_eq!(
            (status, answer["muted"].as_bool()),
            (200, Some(muted)),
            "{body}"
        );
    }
    let (status, answer) = env.form("Hold=True&Beep=False").await;
    assert_eq!((status, answer["hold"].as_bool()), (200, Some(true)));
    let (status, answer) = env.form("Hold=maybe").await;
    assert_eq!((status, answer["code"].as_i64()), (400, Some(10000)));
    assert_eq!(
        answer["message"],
        "Invalid value 'maybe' for Hold: expected true or false"
    );
    let (_, answer) = env.form("EndConferenceOnExit=2").await;
    assert!(
        answer["message"]
            .as_str()
            .unwrap()
            .contains("EndConferenceOnExit")
    );
}

/// What the spec closes and the services may let through, the fake refuses
/// (D25; schemathesis found the unknown fields and parameters): an unknown
/// form field or query parameter, a `Muted` that is not a boolean, an empty
/// `CallSidToCoach`, a body that is not a form. Pages past the end are
/// empty, however far.
#[tokio::test]
async fn the_fake_holds_requests_to_the_spec() {
    let env = env().await;
    for (body, message) in [
        ("Hold=True&Unknown=whatever", "Unknown parameter 'Unknown'"),
        (
            "Muted=yes",
            "Invalid value 'yes' for Muted: expected true or false",
        ),
        (
            "Muted=1",
            "Invalid value '1' for Muted: expected true or false",
        ),
        (
            "CallSidToCoach=",
            "Invalid value '' for CallSidToCoach: expected the call to coach, in the same conference; a UUID (SignalWire) or `CA` and 32 hex digits (Twilio)",
        ),
    ] {
        let (status, answer) = env.form(body).await;
        assert_eq!(
            (status, answer["code"].as_i64()),
            (400, Some(10000)),
            "{body}"
        );
        assert_eq!(answer["message"], message);
        env.assert_matches_spec(status, &answer);
    }
    let url = env.url("/api/laml", DEMO_ACCOUNT, DEMO_CONFERENCE, DEMO_CALLS[0]);
    let resp = env
        .as_demo(reqwest::Method::POST, &url)
        .header("content-type", "application/json")
        .body(r#"{"Muted":true}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 415);
    let answer: Value = resp.json().await.unwrap();
    env.assert_matches_spec(415, &answer);
    // What SDKs send still works: a form with a charset parameter.
    let resp = env
        .as_demo(reqwest::Method::POST, &url)
        .header(
            "content-type",
            "application/x-www-form-urlencoded; charset=UTF-8",
        )
        .body("Muted=false")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    // Untouched by the refused requests.
    let p = env
        .client
        .participant(DEMO_CONFERENCE, DEMO_CALLS[0])
        .unwrap();
    assert_eq!(p.retrieve().await.unwrap().muted, Some(false));

    let list = format!(
        "http://{}/api/laml/2010-04-01/Accounts/{DEMO_ACCOUNT}/Conferences/{DEMO_CONFERENCE}/Participants.json",
        env.server.addr
    );
    let resp = env.get(&format!("{list}?pagesize=1")).await;
    assert_eq!(resp.status(), 400);
    let answer: Value = resp.json().await.unwrap();
    assert_eq!(answer["message"], "Unknown parameter 'pagesize'");
    for page in ["7", "18446744073709551615", "99999999999999999999999999"] {
        let resp = env.get(&format!("{list}?Page={page}")).await;
        assert_eq!(resp.status(), 200, "Page={page}");
        let answer: Value = resp.json().await.unwrap();
        assert_eq!(answer["participants"], serde_json::json!([]), "Page={page}");
        assert_eq!(answer["next_page_uri"], Value::Null, "Page={page}");
    }
    // The token of a next page is a parameter the spec lists: accepted.
    let resp = env
        .get(&format!(
            "{list}?PageSize=1&Page=1&PageToken=PA{}",
            DEMO_CALLS[0]
        ))
        .await;
    assert_eq!(resp.status(), 200);
    let answer: Value = resp.json().await.unwrap();
    assert_eq!(answer["participants"][0]["call_sid"], DEMO_CALLS[1]);
}

#[tokio::test]
async fn methods_and_urls_are_checked() {
    let env = env().await;
    let (status, answer) = env.form("HoldMethod=PUT").await;
    assert_eq!((status, answer["code"].as_i64()), (400, Some(13221)));
    assert!(answer["message"].as_str().unwrap().contains("HoldMethod"));
    assert_eq!(env.form("AnnounceMethod=get").await.0, 200);
    for field in ["HoldUrl", "AnnounceUrl", "WaitUrl"] {
        let (status, answer) = env.form(&format!("{field}=%2Fhold.mp3")).await;
        assert_eq!(
            (status, answer["code"].as_i64()),
            (400, Some(21402)),
            "{field}"
        );
        let message = answer["message"].as_str().unwrap();
        assert!(
            message.contains(&format!("'/hold.mp3' for {field}: ")),
            "{message}"
        );
    }
    assert_eq!(
        env.form("WaitUrl=").await.0,
        200,
        "an empty WaitUrl means silence"
    );
}

#[tokio::test]
async fn coaching_rules() {
    let env = env().await;
    let (status, answer) = env.form("Coaching=true").await;
    assert_eq!((status, answer["code"].as_i64()), (400, Some(10000)));
    let (status, answer) = env
        .form("Coaching=true&CallSidToCoach=CA00000000000000000000000000000002")
        .await;
    assert_eq!(
        (status, answer["code"].as_i64()),
        (400, Some(16002)),
        "the other account's call is not here"
    );
    let (status, _) = env
        .form(&format!("Coaching=true&CallSidToCoach={}", DEMO_CALLS[0]))
        .await;
    assert_eq!(status, 400, "a participant cannot coach itself");

    let agent = env
        .client
        .participant(DEMO_CONFERENCE, DEMO_CALLS[0])
        .unwrap();
    let err = agent
        .update(&UpdateParticipantRequest::coach("00000000-0000-4000-8000-000000000000").unwrap())
        .await
        .unwrap_err();
    assert_eq!((err.status(), err.code()), (Some(400), Some(16002)));
    let ok = agent
        .update(&UpdateParticipantRequest::monitor(DEMO_CALLS[1]).unwrap())
        .await
        .unwrap();
    assert_eq!(
        (ok.coaching, ok.muted, ok.call_sid_to_coach.as_deref()),
        (Some(true), Some(true), Some(DEMO_CALLS[1]))
    );
    let barge = agent
        .update(&UpdateParticipantRequest::barge())
        .await
        .unwrap();
    assert_eq!(
        (barge.coaching, barge.call_sid_to_coach),
        (Some(false), None)
    );
}

#[tokio::test]
async fn a_participant_that_left_cannot_be_updated() {
    let env = env().await;
    env.server
        .fake
        .complete(DEMO_ACCOUNT, DEMO_CONFERENCE, DEMO_CALLS[1]);
    let bob = env
        .client
        .participant(DEMO_CONFERENCE, DEMO_CALLS[1])
        .unwrap();
    assert_eq!(
        bob.retrieve().await.unwrap().status,
        Some(ParticipantStatus::Completed)
    );
    let err = bob.mute().await.unwrap_err();
    assert_eq!((err.status(), err.code()), (Some(400), Some(10000)));
}

#[tokio::test]
async fn oversized_bodies_and_other_methods_are_refused() {
    let env = env().await;
    let big = format!(
        "Muted=true&Pad={}",
        "x".repeat(signalwire_participants_fake::BODY_LIMIT)
    );
    let (status, answer) = env.form(&big).await;
    assert_eq!((status, answer["code"].as_i64()), (413, Some(10000)));
    // Another method: axum's 405, with the methods the resource has (RFC
    // 9110; HEAD is answered wherever GET is).
    let one = env.url("/api/laml", DEMO_ACCOUNT, DEMO_CONFERENCE, DEMO_CALLS[0]);
    let list = one.replace(&format!("/{}.json", DEMO_CALLS[0]), ".json");
    for (url, method, allow) in [
        (&one, "PUT", "GET,HEAD,POST,DELETE"),
        (&list, "POST", "GET,HEAD"),
        (&list, "DELETE", "GET,HEAD"),
    ] {
        let resp = env
            .as_demo(method.parse().unwrap(), url)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status().as_u16(), 405, "{method} {url}");
        assert_eq!(resp.headers()["allow"], allow, "{method} {url}");
        let body: Value = resp.json().await.unwrap();
        env.assert_matches_spec(405, &body);
    }
}

/// The list answers on both path prefixes are the spec's `ParticipantPage`
/// (SignalWire's shape under `/api/laml`, Twilio's with `start` and `end`
/// without it), with page URIs under the same prefix; a kick answers 204
/// with no body.
#[tokio::test]
async fn list_pages_and_kicks_match_the_spec() {
    let env = env().await;
    let schemas = participants_shapes::SpecSchemas::new(&["ParticipantPage"]);
    for prefix in ["/api/laml", ""] {
        let url = format!(
            "http://{}{prefix}/2010-04-01/Accounts/{DEMO_ACCOUNT}/Conferences/{DEMO_CONFERENCE}/Participants.json?PageSize=2&Muted=false",
            env.server.addr
        );
        let resp = env.get(&url).await;
        assert_eq!(resp.status().as_u16(), 200);
        let page: Value = resp.json().await.unwrap();
        schemas
            .validate("ParticipantPage", &page)
            .unwrap_or_else(|e| panic!("{page}: {e}"));
        for participant in page["participants"].as_array().unwrap() {
            env.assert_matches_spec(200, participant);
        }
        let next = page["next_page_uri"].as_str().unwrap();
        assert!(next.starts_with(&format!("{prefix}/2010-04-01/")), "{next}");
        assert!(
            next.contains("Muted=false&") && next.contains("Page=1"),
            "{next}"
        );
        assert_eq!(page.get("start").is_some(), prefix.is_empty(), "{page}");
        // Bad query values are the error object.
        let bad = url.replace("PageSize=2", "PageSize=0");
        let resp = env.get(&bad).await;
        assert_eq!(resp.status().as_u16(), 400);
        env.assert_matches_spec(400, &resp.json().await.unwrap());
    }
    let kick = env.url("/api/laml", DEMO_ACCOUNT, DEMO_CONFERENCE, DEMO_CALLS[2]);
    let resp = env
        .as_demo(reqwest::Method::DELETE, &kick)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 204);
    assert!(resp.bytes().await.unwrap().is_empty());
    let resp = env
        .as_demo(reqwest::Method::DELETE, &kick)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 404);
}

#[tokio::test]
async fn concurrent_updates_to_one_participant_lose_nothing() {
    let env = env().await;
    let client = Arc::new(env.client.clone());
    let fields: [fn(bool) -> UpdateParticipantRequest; 4] = [
        |v| UpdateParticipantRequest {
            muted: Some(v),
            ..Default::default()
        },
        |v| UpdateParticipantRequest {
            hold: Some(v),
            ..Default::default()
        },
        |v| UpdateParticipantRequest {
            end_conference_on_exit: Some(v),
            ..Default::default()
        },
        // Coaching is kept on the participant (beep-on-exit is not: the
        // answer has no such field); it needs a call to coach when true.
        |v| UpdateParticipantRequest {
            coaching: Some(v),
            call_sid_to_coach: v.then(|| DEMO_CALLS[1].parse().unwrap()),
            ..Default::default()
        },
    ];
    let mut tasks = Vec::new();
    for round in 0..25 {
        for (i, make) in fields.iter().enumerate() {
            let client = client.clone();
            let body = make(round % 2 == 0 || i == 0);
            tasks.push(tokio::spawn(async move {
                client
                    .participant(DEMO_CONFERENCE, DEMO_CALLS[0])
                    .unwrap()
                    .update(&body)
                    .await
                    .map(|_| ())
            }));
        }
    }
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    // Each field's last write (round 24: true) survives alongside the others.
    let state = env
        .server
        .fake
        .participant(DEMO_ACCOUNT, DEMO_CONFERENCE, DEMO_CALLS[0])
        .unwrap();
    assert_eq!(
        (
            state.muted,
            state.hold,
            state.end_conference_on_exit,
            state.coaching
        ),
        (Some(true), Some(true), Some(true), Some(true))
    );

    // Interleaved updates of different fields all persist.
    let mut tasks = Vec::new();
    for (i, make) in fields.iter().enumerate() {
        let client = client.clone();
        let body = make(i % 2 == 1);
        tasks.push(tokio::spawn(async move {
            client
                .participant(DEMO_CONFERENCE, "alice")
                .unwrap()
                .update(&body)
                .await
        }));
    }
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    let state = env
        .server
        .fake
        .participant(DEMO_ACCOUNT, DEMO_CONFERENCE, "alice")
        .unwrap();
    assert_eq!(
        (
            state.muted,
            state.hold,
            state.end_conference_on_exit,
            state.coaching
        ),
        (Some(false), Some(true), Some(false), Some(true))
    );
}

#[tokio::test]
async fn the_fake_listens_on_loopback_only() {
    let err = signalwire_participants_fake::start("0.0.0.0:0")
        .await
        .err()
        .unwrap();
    assert!(err.to_string().contains("loopback only"), "{err}");
    let err = match Client::with_base_url("http://127.0.0.1:1/api/laml", DEMO_ACCOUNT, DEMO_TOKEN)
        .unwrap()
        .participant(DEMO_CONFERENCE, DEMO_CALLS[0])
        .unwrap()
        .retrieve()
        .await
    {
        Err(Error::Transport(_)) => true,
        other => panic!("{other:?}"),
    };
    assert!(err);
}

#[test]
fn the_spec_check_refuses_answers_the_spec_does_not_describe() {
    let schemas = participants_shapes::SpecSchemas::new(&["Participant", "Error"]);
    assert!(
        schemas
            .validate("Participant", &json!({"muted": null, "status": null}))
            .is_ok()
    );
    for bad in [json!({"muted": "yes"}), json!({"status": 3}), json!([])] {
        assert!(schemas.validate("Participant", &bad).is_err(), "{bad}");
    }
    assert!(
        schemas
            .validate("Error", &json!({"code": "20404"}))
            .is_err()
    );
}

/// The fake takes its form fields from the spec, not from a list of its
/// own: every field of the update body, given a value of its kind, is
/// accepted (and kept where the participant has a field of that name); a
/// name the spec lacks is refused.
#[tokio::test]
async fn the_fake_accepts_every_form_field_of_the_spec() {
    let env = env().await;
    let fields = signalwire_participants::spec_facts::FORM_FIELDS
        .iter()
        .filter(|(op, ..)| {
            *op == signalwire_participants::spec_facts::Operation::UpdateParticipant
        });
    let mut tried = 0;
    for (_, field, kind) in fields {
        use signalwire_participants::spec_facts::Kind;
        let value = match *kind {
            Kind::Boolean => "false",
            Kind::Uri | Kind::UriOrEmpty => "https%3A%2F%2Fexample.com%2Fa.mp3",
            Kind::Schema("HttpMethod") => "GET",
            Kind::Schema("CallSidToCoach") => DEMO_CALLS[1],
            other => panic!("a form field of kind {other}: give the test a value for it"),
        };
        let (status, answer) = env.form(&format!("{field}={value}")).await;
        assert_eq!(status, 200, "{field}: {answer}");
        env.assert_matches_spec(status, &answer);
        tried += 1;
    }
    assert_eq!(tried, 13, "the update body's fields");
    let (status, answer) = env.form("Mutedd=true").await;
    assert_eq!((status, answer["code"].as_i64()), (400, Some(10000)));
    assert_eq!(answer["message"], "Unknown parameter 'Mutedd'");
}
