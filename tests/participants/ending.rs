//! How a conference ends on the fake, driven through the client: a
//! participant with `EndConferenceOnExit` who is kicked, hangs up or whose
//! dial fails takes everyone still in out with it (each with its
//! `participant-leave`, then `conference-end`), after which the others
//! answer as in any ended conference; the last one out ends it too.

use std::time::Duration;

use futures_util::TryStreamExt;
use signalwire_participants::types::{
    ConferenceEndedReason, ConferenceEvent, ConferenceEventName as E, ParticipantCallStatus,
    ParticipantLeftReason, UpdateParticipantRequest,
};
use signalwire_participants::{Client, ParticipantRef, ParticipantStatus};
use signalwire_participants_fake::{
    DEMO_ACCOUNT, DEMO_CALLS, DEMO_CONFERENCE, DEMO_TOKEN, FAILING_TO, RunningFake,
};
use tokio::sync::mpsc;

use crate::events::{app, fake_sending_to, next};

/// The events the app took, in the order they arrived.
type Taken = mpsc::UnboundedReceiver<ConferenceEvent>;

/// The call id an event names, as text.
fn call_of(event: &ConferenceEvent) -> Option<&str> {
    event.call_sid.as_deref().map(|c| c.as_str())
}

/// Sets `EndConferenceOnExit` on `who` and takes its `participant-modify`.
async fn end_on_exit<'c>(client: &'c Client, who: &str, taken: &mut Taken) -> ParticipantRef<'c> {
    let p = client.participant(DEMO_CONFERENCE, who).unwrap();
    let update = UpdateParticipantRequest {
        end_conference_on_exit: Some(true),
        ..Default::default()
    };
    assert_eq!(
        p.update(&update).await.unwrap().end_conference_on_exit,
        Some(true)
    );
    assert_eq!(
        next(taken).await.status_callback_event,
        E::ParticipantModify
    );
    p
}

/// Takes the `participant-leave` of `call` with its status and reason.
async fn takes_leave(
    taken: &mut Taken,
    call: Option<&str>,
    status: ParticipantCallStatus,
    reason: ParticipantLeftReason,
) {
    let leave = next(taken).await;
    assert_eq!(leave.status_callback_event, E::ParticipantLeave);
    if call.is_some() {
        assert_eq!(call_of(&leave), call);
    }
    assert_eq!(leave.participant_call_status, Some(status), "{leave:?}");
    assert_eq!(leave.reason_participant_left, Some(reason), "{leave:?}");
}

/// Takes the leaves of everyone in `others` (the conference ended under
/// them: their calls go on), then `conference-end` of `reason`, naming
/// `ending`; then nothing more.
async fn takes_end(
    taken: &mut Taken,
    others: &[&str],
    reason: ConferenceEndedReason,
    ending: Option<&str>,
) {
    for other in others {
        let leave = next(taken).await;
        assert_eq!(leave.status_callback_event, E::ParticipantLeave);
        assert_eq!(call_of(&leave), Some(*other));
        assert_eq!(
            leave.reason_participant_left,
            Some(ParticipantLeftReason::ModeratorEndedConference)
        );
        assert_eq!(
            leave.participant_call_status,
            Some(ParticipantCallStatus::InProgress)
        );
    }
    let end = next(taken).await;
    assert_eq!(end.status_callback_event, E::ConferenceEnd);
    assert_eq!(end.reason_conference_ended, Some(reason));
    assert_eq!(
        end.call_sid.as_deref(),
        None,
        "conference-end names no CallSid"
    );
    if ending.is_some() {
        let by = end.call_sid_ending_conference.as_deref();
        assert_eq!(by.map(|c| c.as_str()), ending);
    }
    let more = tokio::time::timeout(Duration::from_millis(200), taken.recv()).await;
    assert!(more.is_err(), "one event per change: {more:?}");
}

/// Everyone in `gone` answers as after the last kick: listed nowhere, and
/// 404 (20404) to retrieve, update and kick.
async fn all_gone(client: &Client, gone: &[&str]) {
    let listed: Vec<_> = client
        .participants(DEMO_CONFERENCE)
        .unwrap()
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert!(listed.is_empty(), "{listed:?}");
    for call in gone {
        let p = client.participant(DEMO_CONFERENCE, call).unwrap();
        let retrieve = p.retrieve().await.unwrap_err();
        let mute = p.mute().await.unwrap_err();
        let kick = p.kick().await.unwrap_err();
        for err in [retrieve, mute, kick] {
            assert_eq!(
                (err.status(), err.code()),
                (Some(404), Some(20404)),
                "{call}"
            );
        }
    }
}

#[tokio::test]
async fn kicking_a_participant_with_end_conference_on_exit_ends_the_conference() {
    let (url, mut taken) = app().await;
    let (_server, client) = fake_sending_to(&url).await;
    let alice = end_on_exit(&client, "alice", &mut taken).await;
    alice.kick().await.unwrap();

    let (status, reason) = (
        ParticipantCallStatus::Completed,
        ParticipantLeftReason::ParticipantUpdatedViaApi,
    );
    takes_leave(&mut taken, Some(DEMO_CALLS[0]), status, reason).await;
    let ended = ConferenceEndedReason::ParticipantWithEndConferenceOnExitKicked;
    takes_end(&mut taken, &DEMO_CALLS[1..], ended, Some(DEMO_CALLS[0])).await;
    all_gone(&client, &DEMO_CALLS).await;
}

#[tokio::test]
async fn a_participant_with_end_conference_on_exit_who_hangs_up_ends_it() {
    let (url, mut taken) = app().await;
    let (server, client) = fake_sending_to(&url).await;
    let bob = end_on_exit(&client, "bob", &mut taken).await;
    let fake = &server.fake;
    fake.complete(DEMO_ACCOUNT, DEMO_CONFERENCE, DEMO_CALLS[1]);

    let (status, reason) = (
        ParticipantCallStatus::Completed,
        ParticipantLeftReason::ParticipantHungUp,
    );
    takes_leave(&mut taken, Some(DEMO_CALLS[1]), status, reason).await;
    let others = [DEMO_CALLS[0], DEMO_CALLS[2], DEMO_CALLS[3]];
    let ended = ConferenceEndedReason::ParticipantWithEndConferenceOnExitLeft;
    takes_end(&mut taken, &others, ended, Some(DEMO_CALLS[1])).await;
    all_gone(&client, &others).await;
    // Bob himself reads as one who left; hanging up again changes nothing.
    let status = bob.retrieve().await.unwrap().status;
    assert_eq!(status, Some(ParticipantStatus::Completed));
    fake.complete(DEMO_ACCOUNT, DEMO_CONFERENCE, DEMO_CALLS[1]);
    let more = tokio::time::timeout(Duration::from_millis(200), taken.recv()).await;
    assert!(more.is_err(), "{more:?}");
}

/// A dial that fails (Twilio's create, to `FAILING_TO`) is a leaving too.
#[tokio::test]
async fn a_failed_dial_with_end_conference_on_exit_ends_it() {
    let (url, mut taken) = app().await;
    let (server, client) = fake_sending_to(&url).await;
    let twilio = twilio(&server);
    let participants = twilio.participants(DEMO_CONFERENCE).unwrap();
    let failed = participants
        .add("+15017122661", FAILING_TO)
        .end_conference_on_exit(true)
        .send()
        .await
        .unwrap();
    let call = failed.call_sid.as_deref();

    let (status, reason) = (
        ParticipantCallStatus::Failed,
        ParticipantLeftReason::ParticipantAddFailed,
    );
    takes_leave(&mut taken, call, status, reason).await;
    let ended = ConferenceEndedReason::ParticipantWithEndConferenceOnExitLeft;
    takes_end(&mut taken, &DEMO_CALLS, ended, call).await;
    all_gone(&client, &DEMO_CALLS).await;
}

/// Without `EndConferenceOnExit`, only the last one out ends it: the last
/// kicked (the events module) or, here, the last to hang up. A kick of one
/// who had hung up is no second leaving.
#[tokio::test]
async fn the_last_participant_to_hang_up_ends_it() {
    let (url, mut taken) = app().await;
    let (server, client) = fake_sending_to(&url).await;
    let fake = &server.fake;
    let (status, reason) = (
        ParticipantCallStatus::Completed,
        ParticipantLeftReason::ParticipantHungUp,
    );
    for call in DEMO_CALLS {
        fake.complete(DEMO_ACCOUNT, DEMO_CONFERENCE, call);
        takes_leave(&mut taken, Some(call), status.clone(), reason.clone()).await;
    }
    let ended = ConferenceEndedReason::LastParticipantLeft;
    takes_end(&mut taken, &[], ended, Some(DEMO_CALLS[3])).await;
    let alice = client.participant(DEMO_CONFERENCE, "alice").unwrap();
    alice.kick().await.unwrap();
    let more = tokio::time::timeout(Duration::from_millis(200), taken.recv()).await;
    assert!(more.is_err(), "{more:?}");
}

/// A client of the fake on Twilio's (bare) paths, where create is served.
fn twilio(server: &RunningFake) -> Client {
    let root = format!("http://{}", server.addr);
    Client::with_base_url(&root, DEMO_ACCOUNT, DEMO_TOKEN).unwrap()
}
