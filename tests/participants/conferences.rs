//! The conference and recording handles on the wire, against scripted
//! servers on 127.0.0.1: finding the running conference by name, paging
//! with the date bounds kept, and what is retried (an end is, an
//! announcement is not, a delete that finds the recording gone after a
//! lost try is done); and against the fake, each provider's answers read.

use std::time::Duration;

use futures_util::TryStreamExt;
use participants_shapes::{ACCOUNT, CONFERENCE, RECORDING, TOKEN};
use serde_json::json;
use signalwire_participants::spec_facts::{PARAMETERS, fields};
use signalwire_participants::{ClientConfig, Error, PauseBehavior};

use crate::servers::{Answer, Recorder};

fn client(rec: &Recorder, attempts: u32) -> signalwire_participants::Client {
    let config = ClientConfig::with_base_url(&rec.base_url, ACCOUNT, TOKEN).unwrap();
    config
        .retries(attempts, Duration::from_secs(5))
        .build()
        .unwrap()
}

fn scripted(answers: Vec<Answer>) -> Recorder {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    Recorder::scripted(listener, answers)
}

fn busy() -> Answer {
    let error = json!({"code": 20503, "message": "busy", "status": 503});
    Answer::json(503, &error).header("retry-after", "0")
}

#[tokio::test]
async fn the_running_conference_is_found_by_name_in_one_call() {
    let running = json!({"sid": CONFERENCE, "friendly_name": "stand up", "status": "in-progress"});
    let rec = scripted(vec![Answer::json(
        200,
        &json!({"conferences": [running], "next_page_uri": null}),
    )]);
    let found = client(&rec, 1)
        .running_conference("stand up")
        .await
        .unwrap();
    assert_eq!(found.and_then(|c| c.sid).as_deref(), Some(CONFERENCE));
    let sent = rec.requests();
    assert_eq!(sent.len(), 1);
    let (path, query) = sent[0].target.split_once('?').unwrap();
    assert!(
        path.ends_with(&format!("/Accounts/{ACCOUNT}/Conferences.json")),
        "{path}"
    );
    let mut pairs: Vec<_> = query.split('&').collect();
    pairs.sort();
    assert_eq!(pairs, ["FriendlyName=stand+up", "Status=in-progress"]);
    // None running: none found, and no error.
    let rec = scripted(vec![Answer::json(200, &json!({"conferences": []}))]);
    let found = client(&rec, 1).running_conference("standup").await.unwrap();
    assert!(found.is_none());
    // A name the spec refuses is never sent.
    let err = client(&rec, 1).running_conference("").await.unwrap_err();
    assert!(
        matches!(&err, Error::InvalidArgument { parameter, .. } if parameter == fields::FRIENDLY_NAME),
        "{err:?}"
    );
    assert_eq!(rec.requests().len(), 1);
}

#[tokio::test]
async fn every_page_is_read_with_the_date_bounds() {
    let page = |sid: &str, next: Option<&str>| {
        Answer::json(
            200,
            &json!({"conferences": [{"sid": sid}], "next_page_uri": next}),
        )
    };
    let next = format!("/2010-04-01/Accounts/{ACCOUNT}/Conferences.json?Page=1&PageToken=PA1");
    let rec = scripted(vec![page("CF1", Some(&next)), page("CF2", None)]);
    let client = client(&rec, 1);
    let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    let later = day.succ_opt().unwrap();
    let all: Vec<_> = (client
        .conferences()
        .created_after(day)
        .updated_before(later))
    .stream()
    .try_collect()
    .await
    .unwrap();
    let sids: Vec<_> = all.iter().filter_map(|c| c.sid.as_deref()).collect();
    assert_eq!(sids, ["CF1", "CF2"]);
    let targets: Vec<_> = rec.requests().into_iter().map(|r| r.target).collect();
    for (target, page) in targets.iter().zip(["", "Page=1&PageToken=PA1&"]) {
        let query = target.split_once('?').map(|(_, q)| q).unwrap_or_default();
        assert_eq!(
            query,
            format!("{page}DateCreated%3E=2026-12-01&DateUpdated%3C=2026-12-02"),
            "{target}"
        );
    }
}

#[test]
fn the_bounds_the_handles_set_are_their_operations_own() {
    use signalwire_participants::spec_facts::Operation;
    let bound = |operation, name: &str| {
        PARAMETERS
            .iter()
            .any(|p| p.operation == operation && p.name == name && p.bound_of.is_some())
    };
    for name in [
        fields::DATE_CREATED_BEFORE,
        fields::DATE_CREATED_AFTER,
        fields::DATE_UPDATED_BEFORE,
        fields::DATE_UPDATED_AFTER,
    ] {
        assert!(bound(Operation::ListConferences, name), "{name}");
    }
    for name in [fields::DATE_CREATED_BEFORE, fields::DATE_CREATED_AFTER] {
        assert!(bound(Operation::ListConferenceRecordings, name), "{name}");
    }
    assert!(!bound(
        Operation::ListParticipants,
        fields::DATE_CREATED_BEFORE
    ));
}

#[tokio::test]
async fn an_end_is_retried_and_an_announcement_is_not() {
    let ended = json!({"sid": CONFERENCE, "status": "completed"});
    let rec = scripted(vec![busy(), Answer::json(200, &ended)]);
    let conference = client(&rec, 3);
    let done = conference
        .conference(CONFERENCE)
        .unwrap()
        .end()
        .await
        .unwrap();
    assert_eq!(
        done.status.map(|s| s.to_string()).as_deref(),
        Some("completed")
    );
    let sent = rec.requests();
    assert_eq!(sent.len(), 2);
    assert_eq!(
        sent[1].form(),
        [("Status".to_string(), "completed".to_string())]
    );
    let rec = scripted(vec![busy(), Answer::json(200, &ended)]);
    let conference = client(&rec, 3);
    let conference = conference.conference(CONFERENCE).unwrap();
    let err = conference
        .announce("https://example.com/a.xml")
        .await
        .unwrap_err();
    let Error::Api(api) = &err else {
        panic!("{err:?}")
    };
    assert!(api.may_have_been_applied(), "{err}");
    assert_eq!(rec.requests().len(), 1);
    let refused = conference
        .announce("ftp://example.com/a")
        .await
        .unwrap_err();
    assert!(
        matches!(&refused, Error::InvalidArgument { parameter, .. } if parameter == fields::ANNOUNCE_URL),
        "{refused:?}"
    );
}

#[tokio::test]
async fn recording_verbs_send_the_states_and_a_lost_delete_is_done() {
    let rec = scripted(vec![
        Answer::json(200, &json!({"status": "paused"})),
        Answer::json(200, &json!({"status": "in-progress"})),
        Answer::json(200, &json!({"status": "stopped"})),
        busy(),
        Answer::json(
            404,
            &json!({"code": 20404, "message": "gone", "status": 404}),
        ),
    ]);
    let client = client(&rec, 3);
    let recording = client
        .conference(CONFERENCE)
        .unwrap()
        .recording(RECORDING)
        .unwrap();
    recording.pause(PauseBehavior::Skip).await.unwrap();
    recording.resume().await.unwrap();
    recording.stop().await.unwrap();
    recording.delete().await.unwrap();
    let sent = rec.requests();
    let forms: Vec<String> = sent.iter().take(3).map(|r| r.body_text()).collect();
    assert_eq!(
        forms,
        [
            "PauseBehavior=skip&Status=paused",
            "Status=in-progress",
            "Status=stopped"
        ]
    );
    assert_eq!((sent[3].method.as_str(), sent.len()), ("DELETE", 5));
    assert!(
        sent[3]
            .target
            .ends_with(&format!("/Recordings/{RECORDING}.json"))
    );
    let refused = client
        .conference(CONFERENCE)
        .unwrap()
        .recording("RE123")
        .unwrap_err();
    assert!(refused.to_string().contains("RecordingSid"), "{refused}");
}

/// The handles against the fake, on each provider's paths: the running
/// conference is told from an ended one of the same name, a recording's
/// counts are read in either provider's JSON type, and an end leaves the
/// conference empty, with Twilio's reason where Twilio gives one.
#[tokio::test]
async fn both_providers_answers_are_read_through_the_handles() {
    use signalwire_participants::types::{ConferenceEndedReason, ConferenceStatus, NumberOrText};
    for laml in [true, false] {
        let server = signalwire_participants_fake::start("127.0.0.1:0")
            .await
            .unwrap();
        let demo = server.demo();
        let base = match laml {
            true => demo.base_url.clone(),
            false => demo.base_url.trim_end_matches("/api/laml").to_string(),
        };
        let client = signalwire_participants::Client::with_base_url(
            &base,
            &demo.account_sid,
            demo.auth_token.as_str(),
        )
        .unwrap();
        let named: Vec<_> = (client.conferences().friendly_name(&demo.conference_name))
            .unwrap()
            .stream()
            .try_collect()
            .await
            .unwrap();
        assert_eq!(named.len(), 2, "the running one and the ended one");
        let running = client
            .running_conference(&demo.conference_name)
            .await
            .unwrap();
        let running = running.and_then(|c| c.sid).expect("one is running");
        assert_eq!(running, demo.conference_sid);
        let conference = client.conference(&running).unwrap();
        let recording = conference.recording(&demo.recording_sid).unwrap();
        let read = recording.retrieve().await.unwrap();
        let (duration, channels) = (read.duration.unwrap(), read.channels.unwrap());
        match laml {
            true => assert!(
                matches!((&duration, &channels), (NumberOrText::Integer(_), NumberOrText::String(c)) if c == "1"),
                "SignalWire: {duration:?} {channels:?}"
            ),
            false => assert!(
                matches!(
                    (&duration, &channels),
                    (NumberOrText::String(_), NumberOrText::Integer(1))
                ),
                "Twilio: {duration:?} {channels:?}"
            ),
        }
        let ended = conference.end().await.unwrap();
        assert_eq!(ended.status, Some(ConferenceStatus::Completed));
        let reason = (!laml).then_some(ConferenceEndedReason::ConferenceEndedViaApi);
        assert_eq!(ended.reason_conference_ended, reason);
        let left = conference.participants().page().await.unwrap();
        assert!(left.participants.unwrap_or_default().is_empty());
        assert!(
            client
                .running_conference(&demo.conference_name)
                .await
                .unwrap()
                .is_none()
        );
    }
}
