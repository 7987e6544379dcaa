//! Dialing a participant in (`create_participant`, Twilio only: D32)
//! against the fake, through `add()` and the generated builder: 201
//! `queued`, then `connected`; array fields as repeated keys; a failing
//! dial; a duplicate label; SignalWire's `/api/laml` paths, which have no
//! create. And the body our client sends, pair for pair against the one
//! twilio-python 9.13 sends for the same arguments (a committed fixture).

use futures_util::TryStreamExt;
use serde_json::{Value, json};
use signalwire_participants::form::Repeated;
use signalwire_participants::types::{
    self, CallProgressEvent as Progress, ConferenceEventName as E,
    ConferenceEventSubscription as Sub, CreateParticipantRequest,
};
use signalwire_participants::{Client, Error, ParticipantStatus};
use signalwire_participants_fake::{
    DEMO_ACCOUNT, DEMO_CONFERENCE, DEMO_TOKEN, FAILING_TO, OTHER_ACCOUNT, OTHER_CONFERENCE,
    OTHER_TOKEN, RunningFake,
};

use crate::servers::Recorder;

const FROM: &str = "+15017122661";
const TO: &str = "+15558675310";

/// The fake, and a client on Twilio's paths (the bare `/2010-04-01/...`).
async fn fake() -> (RunningFake, Client) {
    let server = signalwire_participants_fake::start("127.0.0.1:0")
        .await
        .unwrap();
    let root = format!("http://{}", server.addr);
    let client = Client::with_base_url(&root, DEMO_ACCOUNT, DEMO_TOKEN).unwrap();
    (server, client)
}

async fn listed(client: &Client, conference: &str) -> Vec<String> {
    let all: Vec<_> = (client.participants(conference).unwrap().stream())
        .try_collect()
        .await
        .unwrap();
    all.into_iter().filter_map(|p| p.call_sid).collect()
}

fn api(err: &Error) -> (Option<u16>, Option<i64>, String) {
    let Error::Api(api) = err else {
        panic!("not an API error: {err:?}")
    };
    (
        err.status(),
        err.code(),
        api.message.clone().unwrap_or_default(),
    )
}

#[tokio::test]
async fn add_answers_queued_and_then_the_participant_is_connected() {
    let (server, client) = fake().await;
    let agent = client
        .participants(DEMO_CONFERENCE)
        .unwrap()
        .add(FROM, TO)
        .label("x")
        .muted(true)
        .conference_status_callback("https://example.com/conference", [E::ParticipantJoin])
        .send()
        .await
        .unwrap();
    let call = agent.call_sid.clone().unwrap();
    // A SignalWire-style account gets a UUID, as the demo's calls are.
    assert_eq!((call.len(), call.matches('-').count()), (36, 4), "{call}");
    assert_eq!(agent.status, Some(ParticipantStatus::Queued));
    assert_eq!(agent.queue_time.as_deref(), Some("0"));
    assert_eq!(agent.label.as_deref(), Some("x"));
    assert_eq!(
        (
            agent.muted,
            agent.hold,
            agent.coaching,
            agent.call_sid_to_coach.as_ref()
        ),
        (Some(true), Some(false), Some(false), None)
    );
    assert_eq!(
        (
            agent.end_conference_on_exit,
            agent.start_conference_on_enter
        ),
        (Some(false), Some(true))
    );
    assert!(agent.date_created.is_some() && agent.date_updated.is_some());
    assert_eq!(agent.account_sid.as_deref(), Some(DEMO_ACCOUNT));
    assert_eq!(
        agent.uri.as_deref(),
        Some(&*format!(
            "/2010-04-01/Accounts/{DEMO_ACCOUNT}/Conferences/{DEMO_CONFERENCE}/Participants/{call}.json"
        ))
    );

    let again = client.participant(DEMO_CONFERENCE, "x").unwrap();
    let again = again.retrieve().await.unwrap();
    assert_eq!(again.call_sid.as_deref(), Some(&*call));
    assert_eq!(again.status, Some(ParticipantStatus::Connected));
    assert_eq!(again.queue_time, None, "queue_time is the create's only");
    assert_eq!(
        (again.muted, again.label.as_deref()),
        (Some(true), Some("x"))
    );
    assert!(listed(&client, DEMO_CONFERENCE).await.contains(&call));
    let kept = server
        .fake
        .participant(DEMO_ACCOUNT, DEMO_CONFERENCE, &call)
        .unwrap();
    assert_eq!(kept.status, Some(ParticipantStatus::Connected));
}

/// The generated builder, in a Twilio (`AC`) account, with every array
/// field: the repeated keys reach the fake, which decodes them (a key it
/// kept one value of would not read as a list) and keeps nothing of them.
#[tokio::test]
async fn the_generated_builder_sends_every_array_and_gets_a_twilio_call_sid() {
    let (server, _) = fake().await;
    let root = format!("http://{}", server.addr);
    let client = Client::with_base_url(&root, OTHER_ACCOUNT, OTHER_TOKEN).unwrap();
    let body = CreateParticipantRequest::builder()
        .from(FROM)
        .to(TO)
        .label(Some("agent".parse().unwrap()))
        .early_media(Some(false))
        .status_callback(Some("https://example.com/calls".parse().unwrap()))
        .status_callback_event(Some(Repeated::from([
            Progress::Ringing,
            Progress::Answered,
        ])))
        .conference_status_callback_event(Some(Repeated::from([Sub::Join, Sub::Leave])))
        .recording_status_callback_event(Some(Repeated::from([
            types::RecordingEvent::from("in-progress"),
            "completed".into(),
        ])))
        .conference_recording_status_callback_event(Some(Repeated::from([
            types::ConferenceRecordingEvent::from("in-progress"),
            "completed".into(),
        ])));
    let created = client
        .create_participant()
        .account_sid(OTHER_ACCOUNT)
        .conference_sid(OTHER_CONFERENCE)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(created.status().as_u16(), 201);
    let created = created.into_inner();
    let call = created.call_sid.clone().unwrap();
    let hex = call.strip_prefix("CA").unwrap_or_default();
    assert!(
        hex.len() == 32 && hex.bytes().all(|b| b.is_ascii_hexdigit()),
        "{call}"
    );
    assert_eq!(created.status, Some(ParticipantStatus::Queued));
    let kept = server
        .fake
        .participant(OTHER_ACCOUNT, OTHER_CONFERENCE, &call)
        .unwrap();
    let answered = types::Participant {
        status: kept.status.clone(),
        queue_time: None,
        account_sid: None,
        conference_sid: None,
        uri: None,
        ..created
    };
    assert_eq!(kept, answered, "what the fake keeps is what it answered");
    assert_eq!(kept.extra, serde_json::Map::new());
}

#[tokio::test]
async fn a_failing_dial_is_queued_and_then_gone() {
    let (_server, client) = fake().await;
    let participants = client.participants(DEMO_CONFERENCE).unwrap();
    let before = listed(&client, DEMO_CONFERENCE).await;
    let doomed = participants.add(FROM, FAILING_TO).label("doomed").send();
    let doomed = doomed.await.unwrap();
    assert_eq!(doomed.status, Some(ParticipantStatus::Queued));
    let call = doomed.call_sid.unwrap();
    let gone = client.participant(DEMO_CONFERENCE, &call).unwrap();
    assert_eq!(gone.retrieve().await.unwrap_err().status(), Some(404));
    assert_eq!(listed(&client, DEMO_CONFERENCE).await, before);
    // Its label is free again.
    participants
        .add(FROM, TO)
        .label("doomed")
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn a_duplicate_label_is_refused_with_16025() {
    let (_server, client) = fake().await;
    let participants = client.participants(DEMO_CONFERENCE).unwrap();
    let err = participants.add(FROM, TO).label("alice").send().await;
    let (status, code, message) = api(&err.unwrap_err());
    assert_eq!((status, code), (Some(400), Some(16025)));
    assert!(message.contains("'alice' is already in use"), "{message}");
    participants
        .add(FROM, TO)
        .label("new")
        .send()
        .await
        .unwrap();
    let err = participants.add(FROM, TO).label("new").send().await;
    assert_eq!(api(&err.unwrap_err()).1, Some(16025));
}

/// Raw requests: what our client would refuse before sending.
#[tokio::test]
async fn the_fake_refuses_a_create_as_twilio_does() {
    let (server, _) = fake().await;
    let http = participants_shapes::raw_http_client();
    let url = |prefix: &str, json: &str| {
        format!(
            "http://{}{prefix}/2010-04-01/Accounts/{DEMO_ACCOUNT}/Conferences/{DEMO_CONFERENCE}/Participants{json}",
            server.addr
        )
    };
    let post = |url: String, body: &'static str| {
        http.post(url)
            .basic_auth(DEMO_ACCOUNT, Some(DEMO_TOKEN))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
    };
    let answer = |r: reqwest::Response| async move {
        let allow = r
            .headers()
            .get("allow")
            .map(|v| v.to_str().unwrap().to_string());
        (r.status().as_u16(), allow, r.json::<Value>().await.unwrap())
    };
    // SignalWire has no create (D32): its paths answer as for any method
    // they do not serve.
    for json in [".json", ""] {
        let (status, allow, body) =
            answer(post(url("/api/laml", json), "From=a&To=b").await.unwrap()).await;
        assert_eq!(
            (status, allow.as_deref()),
            (405, Some("GET,HEAD")),
            "{json}"
        );
        assert_eq!(body["code"], 20004);
    }
    // `From` may be a SIP user name (anything); `To` is the spec's
    // `DialTarget` (D37), so each case below has a good one but the first.
    let cases = [
        ("From=a&To=hello", 10000),
        ("From=%2B15017122661", 21201),
        ("To=%2B15558675310", 21213),
        ("", 21201),
        ("From=a&To=client:b&Nope=1", 10000),
        ("From=a&To=client:b&StatusCallback=calls", 21402),
        ("From=a&To=client:b&StatusCallbackMethod=PUT", 13221),
        // The spec's bounds (spec_facts::FIELD_BOUNDS), which the generated
        // integer types do not check.
        ("From=a&To=client:b&Timeout=4", 10000),
        (
            "From=a&To=client:b&MachineDetectionSpeechThreshold=6001",
            10000,
        ),
        ("From=a&To=client:b&Coaching=true", 10000),
        (
            "From=a&To=client:b&Coaching=true&CallSidToCoach=CA00000000000000000000000000000009",
            16002,
        ),
    ];
    for (body, code) in cases {
        let (status, _, answer) = answer(post(url("", ".json"), body).await.unwrap()).await;
        assert_eq!(
            (status, &answer["code"]),
            (400, &json!(code)),
            "{body}: {answer}"
        );
    }
}

/// A `To` the spec's `DialTarget` refuses (D37) is refused by `add()`
/// before anything is sent, and by the fake when the generated builder
/// sends it anyway (the builder checks only its own parameters): both
/// name the field and the shapes the spec accepts.
#[tokio::test]
async fn a_to_that_is_no_number_or_address_is_refused_by_client_and_fake() {
    let (server, client) = fake().await;
    let participants = client.participants(DEMO_CONFERENCE).unwrap();
    let accepts = "expected an E.164 number (`+` and 2 to 15 digits), a `sip:` URI, `client:` and a client name, or `app:` and a TwiML App SID, without spaces";
    let err = participants.add(FROM, "hello").send().await.unwrap_err();
    assert!(
        matches!(&err, Error::InvalidArgument { parameter, reason } if parameter == "To" && reason == accepts),
        "{err:?}"
    );
    // The body a looser client would send: `To=hello`, as a form.
    let http = participants_shapes::raw_http_client();
    let url = format!(
        "http://{}/2010-04-01/Accounts/{DEMO_ACCOUNT}/Conferences/{DEMO_CONFERENCE}/Participants.json",
        server.addr
    );
    let answer = http
        .post(url)
        .basic_auth(DEMO_ACCOUNT, Some(DEMO_TOKEN))
        .form(&[("From", FROM), ("To", "hello")])
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status().as_u16(), 400);
    let answer: Value = answer.json().await.unwrap();
    assert_eq!(answer["code"], 10000);
    assert_eq!(
        answer["message"],
        format!("Invalid value 'hello' for To: {accepts}")
    );
    // Nobody was dialed.
    assert_eq!(listed(&client, DEMO_CONFERENCE).await.len(), 4);
}

/// A client on SignalWire's paths gets the 405 too, as an API error.
#[tokio::test]
async fn add_on_signalwire_paths_is_a_405() {
    let (server, _) = fake().await;
    let demo = server.demo();
    let client = Client::with_base_url(&demo.base_url, DEMO_ACCOUNT, DEMO_TOKEN).unwrap();
    let participants = client.participants(DEMO_CONFERENCE).unwrap();
    let err = participants.add(FROM, TO).send().await.unwrap_err();
    assert_eq!(api(&err).0, Some(405));
}

/// The fixed create of `scripts/sdk/sdk_check.py` (`CREATE_ARGS`).
const LABEL: &str = "agent Zoë";
const STATUS_CALLBACK: &str = "https://example.com/~calls/*/progress?a=1&b=*";
const CONFERENCE_CALLBACK: &str = "https://example.com/conference";

/// A form's pairs exactly as sent (still encoded), sorted stably by key:
/// the SDK writes the fields in its own order, the client in the generated
/// type's, and a form's meaning does not depend on the order of different
/// keys; the order within one key is the order of an array's elements
/// (D33), and the stable sort keeps it.
fn pairs_by_key(body: &[u8]) -> Vec<(String, String)> {
    let text = std::str::from_utf8(body).unwrap();
    let mut pairs: Vec<(String, String)> = text
        .split('&')
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (k.to_string(), v.to_string())
        })
        .collect();
    pairs.sort_by(|a, b| a.0.cmp(&b.0));
    pairs
}

#[tokio::test]
async fn the_client_sends_the_pairs_twilio_python_sends() {
    let fixture = include_str!("fixtures/create_participant_twilio_body.txt");
    let expected = pairs_by_key(fixture.trim_end_matches('\n').as_bytes());
    let mut rec = Recorder::start();
    let client = Client::with_base_url(
        &rec.base_url,
        participants_shapes::ACCOUNT,
        participants_shapes::TOKEN,
    )
    .unwrap();
    let created = json!({"call_sid": "CA00000000000000000000000000000000", "status": "queued"});
    rec.respond_json(201, &created);
    client
        .participants(participants_shapes::CONFERENCE)
        .unwrap()
        .add(FROM, TO)
        .label(LABEL)
        .muted(true)
        .early_media(false)
        .timeout(20)
        .status_callback(STATUS_CALLBACK, [Progress::Ringing, Progress::Answered])
        .conference_status_callback(
            CONFERENCE_CALLBACK,
            [E::ParticipantJoin, E::ParticipantLeave, E::ParticipantMute],
        )
        .send()
        .await
        .unwrap();
    let sent = rec.next_request().body;
    assert_eq!(
        pairs_by_key(&sent),
        expected,
        "add(): {}",
        String::from_utf8_lossy(&sent)
    );

    rec.respond_json(201, &created);
    let body = CreateParticipantRequest::builder()
        .from(FROM)
        .to(TO)
        .label(Some(LABEL.parse().unwrap()))
        .muted(Some(true))
        .early_media(Some(false))
        .timeout(Some(20))
        .status_callback(Some(STATUS_CALLBACK.parse().unwrap()))
        .status_callback_event(Some(Repeated::from([
            Progress::Ringing,
            Progress::Answered,
        ])))
        .conference_status_callback(Some(CONFERENCE_CALLBACK.parse().unwrap()))
        .conference_status_callback_event(Some(Repeated::from([Sub::Join, Sub::Leave, Sub::Mute])));
    client
        .create_participant()
        .account_sid(participants_shapes::ACCOUNT)
        .conference_sid(participants_shapes::CONFERENCE)
        .body(body)
        .send()
        .await
        .unwrap();
    let sent = rec.next_request().body;
    assert_eq!(
        pairs_by_key(&sent),
        expected,
        "the generated builder: {}",
        String::from_utf8_lossy(&sent)
    );
}
