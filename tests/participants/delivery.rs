//! The fake's production-like delivery of events (`Delivery`): with it on,
//! an app that verifies each callback takes events without
//! `SequenceNumber`, in another order than the changes, some twice, every
//! one signed right; the same seed gives the same arrivals; numbered, the
//! numbers still follow the changes.

use axum::Router;
use axum::extract::{FromRequest, Request, State};
use axum::http::StatusCode;
use axum::routing::post;
use signalwire_participants::Client;
use signalwire_participants::events::{Receiver, VerifiedEvent};
use signalwire_participants::types::{
    ConferenceEvent, ConferenceEventName as E, UpdateParticipantRequest,
};
use signalwire_participants::webhook::Verifier;
use signalwire_participants_fake::{
    DEMO_CALLS, DEMO_CONFERENCE, DEMO_SIGNING_KEY, Delivery, Fake, seeded_call,
};
use tokio::sync::mpsc;

/// What the app took: an event it verified, or the refusal of one it did
/// not.
type Taken = Result<ConferenceEvent, String>;

/// Verifies a callback and passes on what came of it.
async fn take(
    State((receiver, taken)): State<(Receiver, mpsc::UnboundedSender<Taken>)>,
    request: Request,
) -> StatusCode {
    match VerifiedEvent::from_request(request, &receiver).await {
        Ok(VerifiedEvent(event)) => {
            let _ = taken.send(Ok(event));
            StatusCode::NO_CONTENT
        }
        Err(refused) => {
            let _ = taken.send(Err(format!("{refused:?}")));
            StatusCode::FORBIDDEN
        }
    }
}

/// One event as the test names it: what happened, and to whom.
type Named = (E, Option<String>);

/// An event's name and call id, to compare arrivals with the changes.
fn named(event: &ConferenceEvent) -> Named {
    let call = event.call_sid.as_deref().map(|c| c.as_str().to_string());
    (event.status_callback_event.clone(), call)
}

/// How many participants the conference has: its end is one burst of this
/// many leaves and `conference-end`, more than two windows of 4.
const PARTICIPANTS: usize = 8;

/// The fake with [`PARTICIPANTS`], delivering as `delivery` says to an app
/// on 127.0.0.1: alice is given `EndConferenceOnExit` (its
/// `participant-modify` taken, alone), then kicked, which ends the
/// conference. Every event the app took after the kick, once the fake has
/// delivered them all, and the events the changes made, in their order.
async fn end_of_conference(delivery: Delivery) -> (Vec<Taken>, Vec<Named>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let origin = format!("http://{}", listener.local_addr().unwrap());
    let (sender, mut taken) = mpsc::unbounded_channel();
    let receiver = Receiver::new(
        Verifier::signalwire(DEMO_SIGNING_KEY).unwrap(),
        origin.clone(),
    );
    let app = Router::new()
        .route("/events", post(take))
        .with_state((receiver, sender));
    tokio::spawn(async move { axum::serve(listener, app).await });

    let fake = Fake::with_participants(PARTICIPANTS)
        .event_delivery(delivery)
        .subscribe_demo(&format!("{origin}/events"))
        .unwrap();
    let server = signalwire_participants_fake::start_with("127.0.0.1:0", fake)
        .await
        .unwrap();
    let demo = server.demo();
    let client =
        Client::with_base_url(&demo.base_url, &demo.account_sid, demo.auth_token.as_str()).unwrap();
    let alice = client.participant(DEMO_CONFERENCE, "alice").unwrap();
    let update = UpdateParticipantRequest {
        end_conference_on_exit: Some(true),
        ..Default::default()
    };
    alice.update(&update).await.unwrap();
    server.fake.events_delivered().await;
    let modify = taken.try_recv().unwrap().unwrap();
    assert_eq!(modify.status_callback_event, E::ParticipantModify);
    while taken.try_recv().is_ok() {} // Its second copy, if it has one.

    alice.kick().await.unwrap();
    server.fake.events_delivered().await;
    let mut all = Vec::new();
    while let Ok(t) = taken.try_recv() {
        all.push(t);
    }
    let others = (1..PARTICIPANTS).map(|i| match DEMO_CALLS.get(i) {
        Some(call) => call.to_string(),
        None => seeded_call(i),
    });
    let mut made = vec![(E::ParticipantLeave, Some(DEMO_CALLS[0].to_string()))];
    made.extend(others.map(|call| (E::ParticipantLeave, Some(call))));
    made.push((E::ConferenceEnd, None));
    (all, made)
}

/// The seed the tests draw from (any seed shows the same things; this one
/// is checked to).
const SEED: u64 = 7;

#[tokio::test]
async fn production_like_events_are_unnumbered_shuffled_repeated_and_signed() {
    let (taken, made) = end_of_conference(Delivery::production_like(SEED)).await;
    let events: Vec<ConferenceEvent> = taken
        .iter()
        .map(|t| t.clone().expect("every copy is signed right"))
        .collect();
    for event in &events {
        assert_eq!(event.sequence_number, None, "{event:?}");
    }
    let arrived: Vec<Named> = events.iter().map(named).collect();
    // Each change arrives, none arrives that was not made...
    let mut firsts: Vec<Named> = Vec::new();
    for event in &arrived {
        assert!(made.contains(event), "{event:?}");
        if !firsts.contains(event) {
            firsts.push(event.clone());
        }
    }
    assert_eq!(firsts.len(), made.len(), "{firsts:?}");
    // ...in another order, and at least one of them twice.
    assert_ne!(firsts, made);
    assert!(arrived.len() > made.len(), "{arrived:?}");

    // The same seed, the same arrivals; another seed, others.
    let (again, _) = end_of_conference(Delivery::production_like(SEED)).await;
    let again: Vec<Named> = again.iter().map(|t| named(t.as_ref().unwrap())).collect();
    assert_eq!(again, arrived);
    let (other, _) = end_of_conference(Delivery::production_like(SEED + 1)).await;
    let other: Vec<Named> = other.iter().map(|t| named(t.as_ref().unwrap())).collect();
    assert_ne!(other, arrived);
}

/// Twilio's way: shuffled and repeated, but numbered, in the order of the
/// changes (the modify was 1), and a copy keeps its number.
#[tokio::test]
async fn numbered_shuffled_events_keep_the_numbers_of_the_changes() {
    let delivery = Delivery::production_like(SEED).numbered(true);
    let (taken, made) = end_of_conference(delivery).await;
    let events: Vec<ConferenceEvent> = taken.into_iter().map(Result::unwrap).collect();
    for event in &events {
        let n = event.sequence_number.expect("numbered") as usize;
        assert_eq!(made.get(n - 2), Some(&named(event)), "{event:?}");
    }
    let numbers: Vec<_> = events.iter().map(|e| e.sequence_number).collect();
    assert!(numbers.windows(2).any(|w| w[0] > w[1]), "{numbers:?}");
}

/// Each knob alone: unnumbered only changes nothing but the numbers.
#[tokio::test]
async fn unnumbered_alone_keeps_the_order_and_sends_each_once() {
    let (taken, made) = end_of_conference(Delivery::in_order().numbered(false)).await;
    let arrived: Vec<Named> = taken
        .iter()
        .map(|t| {
            let event = t.as_ref().unwrap();
            assert_eq!(event.sequence_number, None);
            named(event)
        })
        .collect();
    assert_eq!(arrived, made);
}
