//! The fake's conferences and recordings over real HTTP on 127.0.0.1: the
//! filters (the date bounds as twilio-python sends them), paging, each
//! provider's shapes, ending a conference (everyone out, the events, then
//! 404), announcing, a recording's states, and deleting one. Every answer
//! is checked against the spec's schemas.

use std::time::Duration;

use serde_json::{Value, json};
use signalwire_participants::spec_facts::fields;
use signalwire_participants::types::{
    ConferenceEndedReason, ConferenceEventName as E, ConferenceStatus, ParticipantCallStatus,
    ParticipantLeftReason, UpdateConferenceRequest, UpdateConferenceRequestStatus,
};
use signalwire_participants_fake::{
    DEMO_ACCOUNT, DEMO_CALLS, DEMO_CONFERENCE, DEMO_CONFERENCE_NAME, DEMO_ENDED_CONFERENCE,
    DEMO_ENDED_RECORDING, DEMO_RECORDING, DEMO_TOKEN, OTHER_ACCOUNT, OTHER_CONFERENCE, OTHER_TOKEN,
    RunningFake,
};

use crate::events::{app, fake_sending_to, next};

/// A fake, and raw requests to it whose answers are checked against the
/// spec's schemas.
struct Env {
    server: RunningFake,
    http: reqwest::Client,
    schemas: participants_shapes::SpecSchemas,
    auth: (&'static str, &'static str),
}

/// Which provider's paths: SignalWire's (`/api/laml`) or Twilio's (bare).
#[derive(Clone, Copy)]
enum On {
    SignalWire,
    Twilio,
}

async fn env() -> Env {
    let server = signalwire_participants_fake::start("127.0.0.1:0")
        .await
        .unwrap();
    with(server)
}

fn with(server: RunningFake) -> Env {
    Env {
        server,
        http: participants_shapes::raw_http_client(),
        schemas: participants_shapes::SpecSchemas::new(&[
            "Conference",
            "ConferencePage",
            "ConferenceRecording",
            "ParticipantPage",
            "RecordingPage",
            "Error",
        ]),
        auth: (DEMO_ACCOUNT, DEMO_TOKEN),
    }
}

impl Env {
    /// The URL of `rest` (after `Accounts/{account}/`) on `on`'s paths.
    fn url(&self, on: On, rest: &str) -> String {
        let prefix = match on {
            On::SignalWire => "/api/laml",
            On::Twilio => "",
        };
        let (addr, account) = (self.server.addr, self.auth.0);
        format!("http://{addr}{prefix}/2010-04-01/Accounts/{account}/{rest}")
    }

    /// A request; its status and body, a success checked against `schema`
    /// and anything else against `Error`.
    async fn send(
        &self,
        method: reqwest::Method,
        url: &str,
        body: &str,
        schema: &str,
    ) -> (u16, Value) {
        let answer = (self.http.request(method, url))
            .basic_auth(self.auth.0, Some(self.auth.1))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body.to_string())
            .send()
            .await
            .unwrap();
        let status = answer.status().as_u16();
        let bytes = answer.bytes().await.unwrap();
        if status == 204 {
            assert!(bytes.is_empty(), "a 204 has no body");
            return (status, Value::Null);
        }
        let body: Value = serde_json::from_slice(&bytes).unwrap();
        let schema = if status < 300 { schema } else { "Error" };
        if let Err(problems) = self.schemas.validate(schema, &body) {
            panic!("{status} {body} does not match {schema}: {problems}");
        }
        (status, body)
    }

    async fn get(&self, url: &str, schema: &str) -> (u16, Value) {
        self.send(reqwest::Method::GET, url, "", schema).await
    }

    async fn post(&self, url: &str, body: &str, schema: &str) -> (u16, Value) {
        self.send(reqwest::Method::POST, url, body, schema).await
    }

    async fn delete(&self, url: &str) -> (u16, Value) {
        self.send(reqwest::Method::DELETE, url, "", "Error").await
    }

    /// The sids of the conferences `query` lists on `on`'s paths.
    async fn conferences(&self, on: On, query: &str) -> Vec<String> {
        let url = self.url(on, &format!("Conferences.json?{query}"));
        let (status, page) = self.get(&url, "ConferencePage").await;
        assert_eq!(status, 200, "{query}: {page}");
        sids(&page["conferences"])
    }

    fn conference(&self, on: On, sid: &str) -> String {
        self.url(on, &format!("Conferences/{sid}.json"))
    }

    fn recording(&self, on: On, conference: &str, sid: &str) -> String {
        self.url(
            on,
            &format!("Conferences/{conference}/Recordings/{sid}.json"),
        )
    }
}

fn sids(items: &Value) -> Vec<String> {
    let items = items.as_array().expect("a list");
    let sid = |c: &Value| c["sid"].as_str().unwrap().to_string();
    items.iter().map(sid).collect()
}

/// The error code of an answer.
fn code(body: &Value) -> Option<i64> {
    body["code"].as_i64()
}

#[tokio::test]
async fn conferences_are_listed_oldest_first_and_found_by_name_and_status() {
    let env = env().await;
    let (ended, running) = (DEMO_ENDED_CONFERENCE, DEMO_CONFERENCE);
    // The other account's conference is not the demo account's.
    assert_eq!(env.conferences(On::SignalWire, "").await, [ended, running]);
    let by_name = format!("FriendlyName={DEMO_CONFERENCE_NAME}");
    assert_eq!(
        env.conferences(On::Twilio, &by_name).await,
        [ended, running]
    );
    let running_one = format!("{by_name}&Status=in-progress");
    assert_eq!(env.conferences(On::Twilio, &running_one).await, [running]);
    let ended_ones = format!("{by_name}&Status=completed");
    assert_eq!(env.conferences(On::Twilio, &ended_ones).await, [ended]);
    assert!(
        env.conferences(On::Twilio, "FriendlyName=private")
            .await
            .is_empty()
    );
    // The generated builder's filters reach the fake as the spec names them.
    let client = signalwire_participants::Client::with_base_url(
        &env.server.demo().base_url,
        DEMO_ACCOUNT,
        DEMO_TOKEN,
    )
    .unwrap();
    let page = client
        .list_conferences()
        .account_sid(DEMO_ACCOUNT)
        .friendly_name(DEMO_CONFERENCE_NAME)
        .status(ConferenceStatus::InProgress)
        .send()
        .await
        .unwrap()
        .into_inner();
    let found = page.conferences.unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].sid.as_deref(), Some(running));
    assert_eq!(
        found[0].friendly_name.as_deref(),
        Some(DEMO_CONFERENCE_NAME)
    );
    // A name is 1 to 128 characters.
    let url = env.url(On::Twilio, "Conferences.json?FriendlyName=");
    let (status, body) = env.get(&url, "ConferencePage").await;
    assert_eq!((status, code(&body)), (400, Some(10000)), "{body}");
}

#[tokio::test]
async fn the_date_bounds_keep_the_day_on_or_before_or_after_it() {
    let env = env().await;
    let (ended, running) = (DEMO_ENDED_CONFERENCE, DEMO_CONFERENCE);
    // As twilio-python sends them: `DateCreated>` is `DateCreated%3E`.
    let cases: [(&str, &[&str]); 9] = [
        ("DateCreated%3E=2018-09-24", &[running]),
        ("DateCreated%3E=2018-09-23", &[ended, running]),
        ("DateCreated%3E=2018-09-25", &[]),
        ("DateCreated%3C=2018-09-23", &[ended]),
        ("DateCreated%3C=2018-09-24", &[ended, running]),
        ("DateCreated%3C=2018-09-22", &[]),
        ("DateCreated=2018-09-23", &[ended]),
        ("DateUpdated%3E=2018-09-24", &[running]),
        (
            "DateCreated%3E=2018-09-23&DateCreated%3C=2018-09-23",
            &[ended],
        ),
    ];
    for (query, expected) in cases {
        assert_eq!(
            env.conferences(On::Twilio, query).await,
            expected,
            "{query}"
        );
    }
    // The names spec_facts gives are the same keys.
    let query = url::form_urlencoded::Serializer::new(String::new())
        .append_pair(fields::DATE_CREATED_AFTER, "2018-09-24")
        .append_pair(fields::DATE_UPDATED_BEFORE, "2018-09-24")
        .finish();
    assert_eq!(query, "DateCreated%3E=2018-09-24&DateUpdated%3C=2018-09-24");
    assert_eq!(env.conferences(On::SignalWire, &query).await, [running]);
    // The page's own URIs keep the bound.
    let url = env.url(On::SignalWire, &format!("Conferences.json?{query}"));
    let (_, page) = env.get(&url, "ConferencePage").await;
    let uri = page["uri"].as_str().unwrap();
    assert!(uri.contains("DateCreated%3E=2018-09-24&"), "{uri}");
    // A date-time, or anything but a day, is refused as Twilio refuses it.
    for bad in [
        "DateCreated%3E=2018-09-24T00:00:00Z",
        "DateUpdated=yesterday",
    ] {
        let url = env.url(On::Twilio, &format!("Conferences.json?{bad}"));
        let (status, body) = env.get(&url, "ConferencePage").await;
        assert_eq!((status, code(&body)), (400, Some(10000)), "{bad}: {body}");
    }
    // A recording's list takes DateCreated and its bounds too.
    let recordings = |query: &str| {
        let rest = format!("Conferences/{running}/Recordings.json?{query}");
        env.url(On::SignalWire, &rest)
    };
    for (query, expected) in [
        ("DateCreated%3E=2018-09-24", vec![DEMO_RECORDING]),
        ("DateCreated%3C=2018-09-23", vec![]),
        ("DateCreated=2018-09-24", vec![DEMO_RECORDING]),
    ] {
        let (status, page) = env.get(&recordings(query), "RecordingPage").await;
        assert_eq!(status, 200, "{page}");
        assert_eq!(sids(&page["recordings"]), expected, "{query}");
    }
    let (status, body) = env
        .get(&recordings("DateUpdated=2018-09-24"), "RecordingPage")
        .await;
    assert_eq!(
        (status, code(&body)),
        (400, Some(10000)),
        "not a recording filter: {body}"
    );
}

#[tokio::test]
async fn conferences_page_as_participants_do() {
    let env = env().await;
    let root = format!("http://{}", env.server.addr);
    for on in [On::SignalWire, On::Twilio] {
        let url = env.url(on, "Conferences.json?FriendlyName=standup&PageSize=1");
        let (_, first) = env.get(&url, "ConferencePage").await;
        assert_eq!(sids(&first["conferences"]), [DEMO_ENDED_CONFERENCE]);
        assert_eq!(
            (first["page"].clone(), first["page_size"].clone()),
            (json!(0), json!(1))
        );
        assert_eq!(first["previous_page_uri"], Value::Null);
        let next = first["next_page_uri"].as_str().expect("a next page");
        assert!(
            next.contains("FriendlyName=standup&PageSize=1&Page=1&PageToken=PA"),
            "{next}"
        );
        let (_, second) = env.get(&format!("{root}{next}"), "ConferencePage").await;
        assert_eq!(sids(&second["conferences"]), [DEMO_CONFERENCE]);
        assert_eq!(second["next_page_uri"], Value::Null);
        assert_eq!(second["previous_page_uri"], first["uri"]);
        assert_eq!(second["first_page_uri"], first["uri"]);
        match on {
            // Twilio says where a page sits; SignalWire does not.
            On::Twilio => assert_eq!(
                (second["start"].clone(), second["end"].clone()),
                (json!(1), json!(1))
            ),
            On::SignalWire => assert!(second.get("start").is_none() && second.get("end").is_none()),
        }
        // Past the end: an empty page.
        let url = env.url(on, "Conferences.json?PageSize=1&Page=5");
        let (status, past) = env.get(&url, "ConferencePage").await;
        assert_eq!(status, 200);
        assert!(sids(&past["conferences"]).is_empty());
    }
}

#[tokio::test]
async fn each_provider_answers_a_conference_and_a_recording_its_own_way() {
    let env = env().await;
    let (_, twilio) = env
        .get(
            &env.conference(On::Twilio, DEMO_ENDED_CONFERENCE),
            "Conference",
        )
        .await;
    assert_eq!(twilio["status"], "completed");
    assert_eq!(twilio["reason_conference_ended"], "last-participant-left");
    assert!(twilio["call_sid_ending_conference"].is_string(), "{twilio}");
    assert_eq!(twilio["friendly_name"], DEMO_CONFERENCE_NAME);
    assert_eq!(twilio["api_version"], "2010-04-01");
    let uri = format!("/2010-04-01/Accounts/{DEMO_ACCOUNT}/Conferences/{DEMO_ENDED_CONFERENCE}");
    assert_eq!(twilio["uri"], format!("{uri}.json"));
    assert_eq!(
        twilio["subresource_uris"]["participants"],
        format!("{uri}/Participants.json")
    );
    assert_eq!(
        twilio["subresource_uris"]["recordings"],
        format!("{uri}/Recordings.json")
    );

    let (_, signalwire) = env
        .get(
            &env.conference(On::SignalWire, DEMO_ENDED_CONFERENCE),
            "Conference",
        )
        .await;
    assert_eq!(signalwire["status"], "completed");
    for twilio_only in ["reason_conference_ended", "call_sid_ending_conference"] {
        assert!(
            signalwire.get(twilio_only).is_none(),
            "{twilio_only}: {signalwire}"
        );
    }
    assert_eq!(signalwire["uri"], format!("/api/laml{uri}.json"));

    let completed = |on| env.recording(on, DEMO_ENDED_CONFERENCE, DEMO_ENDED_RECORDING);
    let (_, twilio) = env.get(&completed(On::Twilio), "ConferenceRecording").await;
    assert_eq!(twilio["status"], "completed");
    assert_eq!(
        (twilio["duration"].clone(), twilio["channels"].clone()),
        (json!("1800"), json!(1))
    );
    assert!(twilio.get("end_time").is_none(), "{twilio}");
    assert_eq!(twilio["source"], "StartConferenceRecordingAPI");
    let (_, signalwire) = env
        .get(&completed(On::SignalWire), "ConferenceRecording")
        .await;
    assert_eq!(
        (
            signalwire["duration"].clone(),
            signalwire["channels"].clone()
        ),
        (json!(1800), json!("1"))
    );
    assert_eq!(signalwire["end_time"], "Sun, 23 Sept 2018 21:30:00 +0000");
    assert_eq!(signalwire["conference_sid"], DEMO_ENDED_CONFERENCE);
    assert_eq!(signalwire["source"], "StartConferenceRecording");
    assert!(signalwire.get("call_sid").is_none(), "{signalwire}");

    // The running one: in progress, nothing recorded yet, no end.
    let running = env.recording(On::SignalWire, DEMO_CONFERENCE, DEMO_RECORDING);
    let (_, running) = env.get(&running, "ConferenceRecording").await;
    assert_eq!(running["status"], "in-progress");
    assert_eq!(running["duration"], json!(0));
    assert!(running.get("end_time").is_none(), "{running}");
    // Listed, on either provider's paths.
    for on in [On::SignalWire, On::Twilio] {
        let url = env.url(
            on,
            &format!("Conferences/{DEMO_CONFERENCE}/Recordings.json"),
        );
        let (_, page) = env.get(&url, "RecordingPage").await;
        assert_eq!(sids(&page["recordings"]), [DEMO_RECORDING]);
    }
}

#[tokio::test]
async fn ending_a_conference_takes_everyone_out_with_their_events() {
    let (url, mut taken) = app().await;
    let (server, client) = fake_sending_to(&url).await;
    let end = UpdateConferenceRequest {
        status: Some(UpdateConferenceRequestStatus::Completed),
        ..Default::default()
    };
    let ended = client
        .update_conference()
        .account_sid(DEMO_ACCOUNT)
        .conference_sid(DEMO_CONFERENCE)
        .body(end.clone())
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(ended.status, Some(ConferenceStatus::Completed));
    // The client's base is SignalWire's: no reason field there.
    assert_eq!(ended.reason_conference_ended, None);

    for call in DEMO_CALLS {
        let leave = next(&mut taken).await;
        assert_eq!(leave.status_callback_event, E::ParticipantLeave);
        assert_eq!(leave.call_sid.as_deref().map(|c| c.as_str()), Some(call));
        assert_eq!(
            leave.reason_participant_left,
            Some(ParticipantLeftReason::ConferenceEndedViaApi)
        );
        assert_eq!(
            leave.participant_call_status,
            Some(ParticipantCallStatus::Completed)
        );
        assert_eq!(leave.friendly_name.as_deref(), Some(DEMO_CONFERENCE_NAME));
    }
    let end_event = next(&mut taken).await;
    assert_eq!(end_event.status_callback_event, E::ConferenceEnd);
    assert_eq!(
        end_event.reason_conference_ended,
        Some(ConferenceEndedReason::ConferenceEndedViaApi)
    );
    assert_eq!(
        end_event.call_sid_ending_conference, None,
        "no participant ended it"
    );
    assert_eq!(end_event.call_sid, None);

    // Afterwards: no one is listed, and each of them is a 404.
    let env = with(server);
    let listed = env.url(
        On::SignalWire,
        &format!("Conferences/{DEMO_CONFERENCE}/Participants.json"),
    );
    let (status, page) = env.get(&listed, "ParticipantPage").await;
    assert_eq!((status, page["participants"].clone()), (200, json!([])));
    for call in DEMO_CALLS {
        let p = client.participant(DEMO_CONFERENCE, call).unwrap();
        for err in [
            p.retrieve().await.unwrap_err(),
            p.mute().await.unwrap_err(),
            p.kick().await.unwrap_err(),
        ] {
            assert_eq!(
                (err.status(), err.code()),
                (Some(404), Some(20404)),
                "{call}"
            );
        }
    }
    // Twilio's paths say why it ended; its recording completed with it.
    let (_, twilio) = env
        .get(&env.conference(On::Twilio, DEMO_CONFERENCE), "Conference")
        .await;
    assert_eq!(twilio["status"], "completed");
    assert_eq!(
        twilio["reason_conference_ended"],
        "conference-ended-via-api"
    );
    assert!(
        twilio.get("call_sid_ending_conference").is_none(),
        "{twilio}"
    );
    assert_ne!(twilio["date_updated"], twilio["date_created"]);
    let recording = env.recording(On::SignalWire, DEMO_CONFERENCE, DEMO_RECORDING);
    let (_, recording) = env.get(&recording, "ConferenceRecording").await;
    assert_eq!(recording["status"], "completed");
    assert!(recording["end_time"].is_string(), "{recording}");
    // It now lists as completed, and the name finds no running conference.
    let running = format!("FriendlyName={DEMO_CONFERENCE_NAME}&Status=in-progress");
    assert!(env.conferences(On::Twilio, &running).await.is_empty());

    // Ending it again changes nothing and sends nothing (D39).
    let (status, again) = env
        .post(
            &env.conference(On::Twilio, DEMO_CONFERENCE),
            "Status=completed",
            "Conference",
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(again, twilio);
    // Announcing to it, or dialing into it, is refused.
    let announce = "AnnounceUrl=https%3A%2F%2Fexample.com%2Fnotice.xml";
    let (status, body) = env
        .post(
            &env.conference(On::SignalWire, DEMO_CONFERENCE),
            announce,
            "Conference",
        )
        .await;
    assert_eq!((status, code(&body)), (400, Some(21220)), "{body}");
    let create = env.url(
        On::Twilio,
        &format!("Conferences/{DEMO_CONFERENCE}/Participants.json"),
    );
    let (status, body) = env
        .post(&create, "From=%2B15017122661&To=%2B15558675310", "Error")
        .await;
    assert_eq!((status, code(&body)), (404, Some(20404)), "{body}");
    let more = tokio::time::timeout(Duration::from_millis(200), taken.recv()).await;
    assert!(more.is_err(), "one end, one set of events: {more:?}");
}

/// The last one out ends the conference too, and the conference says so.
#[tokio::test]
async fn a_conference_its_last_participant_leaves_reads_completed_and_why() {
    let env = env().await;
    for call in DEMO_CALLS.iter().rev() {
        let url = env.url(
            On::Twilio,
            &format!("Conferences/{DEMO_CONFERENCE}/Participants/{call}.json"),
        );
        assert_eq!(env.delete(&url).await.0, 204);
    }
    let (_, twilio) = env
        .get(&env.conference(On::Twilio, DEMO_CONFERENCE), "Conference")
        .await;
    assert_eq!(twilio["status"], "completed");
    assert_eq!(twilio["reason_conference_ended"], "last-participant-kicked");
    assert_eq!(twilio["call_sid_ending_conference"], DEMO_CALLS[0]);
    let recording = env.recording(On::Twilio, DEMO_CONFERENCE, DEMO_RECORDING);
    assert_eq!(
        env.get(&recording, "ConferenceRecording").await.1["status"],
        "completed"
    );
}

#[tokio::test]
async fn announcing_answers_the_conference_and_sends_no_event() {
    let (url, mut taken) = app().await;
    let (server, _client) = fake_sending_to(&url).await;
    let env = with(server);
    let conference = env.conference(On::SignalWire, DEMO_CONFERENCE);
    let announce = "AnnounceUrl=https%3A%2F%2Fexample.com%2Fnotice.xml&AnnounceMethod=GET";
    let (status, body) = env.post(&conference, announce, "Conference").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "in-progress");
    assert_eq!(body["sid"], DEMO_CONFERENCE);
    // The generated type checks the fields: 21402 for a URL, 13221 for a
    // method, 10000 for a status it does not take or a field it lacks.
    for (bad, expected) in [
        ("AnnounceUrl=notice.xml", 21402),
        (
            "AnnounceUrl=https%3A%2F%2Fexample.com&AnnounceMethod=PUT",
            13221,
        ),
        ("Status=in-progress", 10000),
        ("Muted=true", 10000),
    ] {
        let (status, body) = env.post(&conference, bad, "Conference").await;
        assert_eq!(
            (status, code(&body)),
            (400, Some(expected)),
            "{bad}: {body}"
        );
    }
    let (_, after) = env.get(&conference, "Conference").await;
    assert_eq!(after["status"], "in-progress");
    let more = tokio::time::timeout(Duration::from_millis(200), taken.recv()).await;
    assert!(
        more.is_err(),
        "an announcement changes no participant: {more:?}"
    );
}

#[tokio::test]
async fn a_recording_pauses_resumes_and_stops_only_from_the_states_that_allow_it() {
    let env = env().await;
    let recording = env.recording(On::SignalWire, DEMO_CONFERENCE, DEMO_RECORDING);
    let set = async |form: &str| env.post(&recording, form, "ConferenceRecording").await;
    // Asked for the state it is in: the same recording, untouched.
    let (_, before) = env.get(&recording, "ConferenceRecording").await;
    assert_eq!(set("Status=in-progress").await, (200, before.clone()));
    let (status, paused) = set("Status=paused&PauseBehavior=skip").await;
    assert_eq!((status, paused["status"].clone()), (200, json!("paused")));
    assert_ne!(paused["date_updated"], before["date_updated"]);
    assert_eq!(set("Status=paused").await, (200, paused.clone()));
    // PauseBehavior goes with a pause only.
    let (status, body) = set("Status=in-progress&PauseBehavior=silence").await;
    assert_eq!((status, code(&body)), (400, Some(10000)), "{body}");
    assert_eq!(env.get(&recording, "ConferenceRecording").await.1, paused);
    let (status, resumed) = set("Status=in-progress").await;
    assert_eq!(
        (status, resumed["status"].clone()),
        (200, json!("in-progress"))
    );
    let (_, again) = set("Status=paused&PauseBehavior=silence").await;
    assert_eq!(again["status"], "paused");
    // Stopped from paused: it ends there.
    let (status, stopped) = set("Status=stopped").await;
    assert_eq!((status, stopped["status"].clone()), (200, json!("stopped")));
    assert!(stopped["end_time"].is_string(), "{stopped}");
    assert!(
        stopped["duration"].as_i64().is_some_and(|d| d > 0),
        "{stopped}"
    );
    assert_eq!(set("Status=stopped").await, (200, stopped.clone()));
    for no in [
        "Status=paused",
        "Status=in-progress",
        "Status=paused&PauseBehavior=skip",
    ] {
        let (status, body) = set(no).await;
        assert_eq!((status, code(&body)), (400, Some(16114)), "{no}: {body}");
    }
    assert_eq!(env.get(&recording, "ConferenceRecording").await.1, stopped);
    // A status is required, and one of the three.
    for bad in [
        "",
        "PauseBehavior=skip",
        "Status=completed",
        "Status=stopped&Foo=1",
    ] {
        let (status, body) = set(bad).await;
        assert_eq!((status, code(&body)), (400, Some(10000)), "{bad:?}: {body}");
    }
    // A completed recording (its conference ended) reads as stopped.
    let completed = env.recording(On::Twilio, DEMO_ENDED_CONFERENCE, DEMO_ENDED_RECORDING);
    let (_, before) = env.get(&completed, "ConferenceRecording").await;
    let stop = env
        .post(&completed, "Status=stopped", "ConferenceRecording")
        .await;
    assert_eq!(stop, (200, before));
    let (status, body) = env
        .post(&completed, "Status=in-progress", "ConferenceRecording")
        .await;
    assert_eq!((status, code(&body)), (400, Some(16114)), "{body}");
}

#[tokio::test]
async fn a_deleted_recording_is_gone() {
    let env = env().await;
    let recording = env.recording(On::Twilio, DEMO_CONFERENCE, DEMO_RECORDING);
    assert_eq!(env.delete(&recording).await, (204, Value::Null));
    for (status, body) in [
        env.get(&recording, "ConferenceRecording").await,
        env.post(&recording, "Status=paused", "ConferenceRecording")
            .await,
        env.delete(&recording).await,
    ] {
        assert_eq!((status, code(&body)), (404, Some(20404)), "{body}");
    }
    let list = env.url(
        On::Twilio,
        &format!("Conferences/{DEMO_CONFERENCE}/Recordings.json"),
    );
    assert!(sids(&env.get(&list, "RecordingPage").await.1["recordings"]).is_empty());
    // The other recording is still there.
    let other = env.recording(On::Twilio, DEMO_ENDED_CONFERENCE, DEMO_ENDED_RECORDING);
    assert_eq!(env.get(&other, "ConferenceRecording").await.0, 200);
}

#[tokio::test]
async fn another_accounts_conferences_are_invisible() {
    let mut env = env().await;
    env.auth = (OTHER_ACCOUNT, OTHER_TOKEN);
    assert_eq!(env.conferences(On::Twilio, "").await, [OTHER_CONFERENCE]);
    let url = env.conference(On::Twilio, OTHER_CONFERENCE);
    assert_eq!(
        env.get(&url, "Conference").await.1["friendly_name"],
        "private"
    );
    // The demo account's, asked for with the other account's credentials.
    let theirs = format!(
        "http://{}/2010-04-01/Accounts/{DEMO_ACCOUNT}/Conferences/{DEMO_CONFERENCE}.json",
        env.server.addr
    );
    let (status, body) = env.get(&theirs, "Conference").await;
    assert_eq!((status, code(&body)), (404, Some(20404)), "{body}");
    let (status, body) = env
        .get(&env.conference(On::Twilio, DEMO_CONFERENCE), "Conference")
        .await;
    assert_eq!((status, code(&body)), (404, Some(20404)), "{body}");
    let recording = env.recording(On::Twilio, DEMO_CONFERENCE, DEMO_RECORDING);
    assert_eq!(env.delete(&recording).await.0, 404);
}
