//! The conference and recording handles on the wire, against scripted
//! servers on 127.0.0.1: finding the running conference by name, paging
//! with the date bounds kept, and what is retried (an end is, an
//! announcement is not, a delete that finds the recording gone after a
//! lost try is done).

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
