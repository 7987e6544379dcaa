//! The conference events end to end: the fake sends them as the provider
//! would, an axum app with the client's `VerifiedEvent` extractor takes
//! them, and each arrives verified and typed; forged, unsigned, oversized
//! and malformed callbacks are refused with the status that says why; a
//! receiver that never answers does not delay the API.

use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::routing::post;
use signalwire_participants::Client;
use signalwire_participants::events::{Receiver, VerifiedEvent};
use signalwire_participants::types::{
    ConferenceEndedReason, ConferenceEvent, ConferenceEventName as E, ParticipantCallStatus,
    ParticipantLeftReason, UpdateParticipantRequest,
};
use signalwire_participants::webhook::Verifier;
use signalwire_participants_fake::{
    DEMO_ACCOUNT, DEMO_CALLS, DEMO_CONFERENCE, DEMO_SIGNING_KEY, DEMO_TOKEN, FAILING_TO, Fake,
    RunningFake,
};
use tokio::sync::mpsc;

#[derive(Clone)]
struct App {
    receiver: Receiver,
    events: mpsc::UnboundedSender<ConferenceEvent>,
}

impl axum::extract::FromRef<App> for Receiver {
    fn from_ref(app: &App) -> Receiver {
        app.receiver.clone()
    }
}

async fn take(State(app): State<App>, VerifiedEvent(event): VerifiedEvent) -> &'static str {
    let _ = app.events.send(event);
    "ok"
}

/// The app on 127.0.0.1: its callback URL, and the events it took.
pub(crate) async fn app() -> (String, mpsc::UnboundedReceiver<ConferenceEvent>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let origin = format!("http://{}", listener.local_addr().unwrap());
    let (events, taken) = mpsc::unbounded_channel();
    let state = App {
        receiver: Receiver::new(
            Verifier::signalwire(DEMO_SIGNING_KEY).unwrap(),
            origin.clone(),
        ),
        events,
    };
    let router = Router::new().route("/events", post(take)).with_state(state);
    tokio::spawn(async move { axum::serve(listener, router).await });
    (format!("{origin}/events?conference=demo"), taken)
}

/// The demo fake, sending the demo conference's events to `url`, and a
/// client of it.
pub(crate) async fn fake_sending_to(url: &str) -> (RunningFake, Client) {
    let fake = Fake::demo().subscribe_demo(url).unwrap();
    let server = signalwire_participants_fake::start_with("127.0.0.1:0", fake)
        .await
        .unwrap();
    let demo = server.demo();
    assert_eq!(demo.signing_key, DEMO_SIGNING_KEY);
    let client =
        Client::with_base_url(&demo.base_url, &demo.account_sid, demo.auth_token.as_str()).unwrap();
    (server, client)
}

/// The next event the app takes, within 10 s.
pub(crate) async fn next(taken: &mut mpsc::UnboundedReceiver<ConferenceEvent>) -> ConferenceEvent {
    tokio::time::timeout(Duration::from_secs(10), taken.recv())
        .await
        .expect("an event within 10 s")
        .expect("the app is running")
}

#[tokio::test]
async fn every_event_the_fake_sends_arrives_verified_and_typed() {
    let (url, mut taken) = app().await;
    let (_server, client) = fake_sending_to(&url).await;
    let alice = client.participant(DEMO_CONFERENCE, "alice").unwrap();
    alice.mute().await.unwrap();
    alice
        .update(&UpdateParticipantRequest {
            muted: Some(false),
            ..Default::default()
        })
        .await
        .unwrap();
    alice
        .hold_with_music("https://example.com/hold.mp3")
        .await
        .unwrap();
    alice
        .update(&UpdateParticipantRequest {
            hold: Some(false),
            ..Default::default()
        })
        .await
        .unwrap();
    alice
        .update(&UpdateParticipantRequest {
            end_conference_on_exit: Some(true),
            ..Default::default()
        })
        .await
        .unwrap();
    // Alice, who now ends the conference when she leaves, leaves last:
    // each kick is one participant-leave, and hers ends the conference.
    for call in DEMO_CALLS.iter().rev() {
        client
            .participant(DEMO_CONFERENCE, call)
            .unwrap()
            .kick()
            .await
            .unwrap();
    }

    let mut expected = vec![
        (E::ParticipantMute, Some(DEMO_CALLS[0])),
        (E::ParticipantUnmute, Some(DEMO_CALLS[0])),
        (E::ParticipantHold, Some(DEMO_CALLS[0])),
        (E::ParticipantUnhold, Some(DEMO_CALLS[0])),
        (E::ParticipantModify, Some(DEMO_CALLS[0])),
    ];
    let leaves = DEMO_CALLS
        .iter()
        .rev()
        .map(|c| (E::ParticipantLeave, Some(*c)));
    expected.extend(leaves);
    expected.push((E::ConferenceEnd, None));
    for (n, (name, call)) in expected.into_iter().enumerate() {
        let event = next(&mut taken).await;
        assert_eq!(event.status_callback_event, name, "event {n}");
        assert_eq!(event.sequence_number, Some(n as i64 + 1), "{name}");
        assert_eq!(event.account_sid.as_str(), DEMO_ACCOUNT);
        assert_eq!(event.conference_sid.as_str(), DEMO_CONFERENCE);
        assert_eq!(
            event.call_sid.as_deref().map(|c| c.as_str()),
            call,
            "{name}"
        );
        let at = event.timestamp.as_ref().and_then(|t| t.instant());
        assert!(at.is_some(), "{name}: an RFC 2822 Timestamp");
        assert!(event.extra.is_empty(), "{name}: {:?}", event.extra);
        match name {
            E::ParticipantMute => assert_eq!(event.muted, Some(true)),
            E::ParticipantUnmute => assert_eq!(event.muted, Some(false)),
            E::ParticipantHold => assert_eq!(event.hold, Some(true)),
            E::ParticipantUnhold => assert_eq!(event.hold, Some(false)),
            E::ParticipantModify => assert_eq!(event.end_conference_on_exit, Some(true)),
            E::ParticipantLeave => assert_eq!(
                event.reason_participant_left,
                Some(ParticipantLeftReason::ParticipantUpdatedViaApi)
            ),
            E::ConferenceEnd => {
                assert_eq!(
                    event.reason_conference_ended,
                    Some(ConferenceEndedReason::LastParticipantKicked)
                );
                let last = event.call_sid_ending_conference.as_deref();
                assert_eq!(last.map(|c| c.as_str()), Some(DEMO_CALLS[0]));
            }
            other => panic!("the fake sent {other}"),
        }
    }
    // Nothing more: one event per change.
    let more = tokio::time::timeout(Duration::from_millis(200), taken.recv()).await;
    assert!(more.is_err(), "{more:?}");
}

/// A participant dialed in (Twilio's create) joins with the conference's
/// next number; a failing dial leaves with `participant_add_failed`.
#[tokio::test]
async fn a_created_participant_joins_with_the_next_sequence_number() {
    let (url, mut taken) = app().await;
    let (server, client) = fake_sending_to(&url).await;
    let alice = client.participant(DEMO_CONFERENCE, "alice").unwrap();
    alice.mute().await.unwrap();
    assert_eq!(next(&mut taken).await.sequence_number, Some(1));
    // The create is Twilio's: its paths are the bare ones.
    let root = format!("http://{}", server.addr);
    let twilio = Client::with_base_url(&root, DEMO_ACCOUNT, DEMO_TOKEN).unwrap();
    let participants = twilio.participants(DEMO_CONFERENCE).unwrap();
    let agent = participants
        .add("+15017122661", "+15558675310")
        .label("agent")
        .conference_status_callback(&url, [E::ParticipantJoin])
        .send()
        .await
        .unwrap();
    let join = next(&mut taken).await;
    assert_eq!(join.status_callback_event, E::ParticipantJoin);
    assert_eq!(join.sequence_number, Some(2));
    let call = join.call_sid.as_deref().map(|c| c.as_str());
    assert_eq!(call, agent.call_sid.as_deref());
    assert_eq!(join.participant_label.as_deref(), Some("agent"));
    assert_eq!((join.muted, join.hold), (Some(false), Some(false)));
    assert!(join.extra.is_empty(), "{:?}", join.extra);

    let failed = participants.add("+15017122661", FAILING_TO).send().await;
    let leave = next(&mut taken).await;
    assert_eq!(leave.status_callback_event, E::ParticipantLeave);
    assert_eq!(leave.sequence_number, Some(3));
    let call = leave.call_sid.as_deref().map(|c| c.as_str());
    assert_eq!(call, failed.unwrap().call_sid.as_deref());
    assert_eq!(
        leave.reason_participant_left,
        Some(ParticipantLeftReason::ParticipantAddFailed)
    );
    assert_eq!(
        leave.participant_call_status,
        Some(ParticipantCallStatus::Failed)
    );
}

#[tokio::test]
async fn forged_unsigned_oversized_or_malformed_callbacks_are_refused() {
    let (url, mut taken) = app().await;
    let signer = Verifier::signalwire(DEMO_SIGNING_KEY).unwrap();
    let http = participants_shapes::raw_http_client();
    let event = format!(
        "AccountSid={DEMO_ACCOUNT}&ConferenceSid={DEMO_CONFERENCE}&StatusCallbackEvent=participant-leave&CallSid={}",
        DEMO_CALLS[0]
    );
    let send = |body: String, signature: Option<String>| {
        let mut request = http
            .post(&url)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body);
        if let Some(s) = signature {
            request = request.header("x-signalwire-signature", s);
        }
        async move {
            let resp = request.send().await.unwrap();
            (resp.status().as_u16(), resp.text().await.unwrap())
        }
    };
    // Signed right: taken.
    let good = signer.sign(&url, event.as_bytes()).unwrap();
    assert_eq!(send(event.clone(), Some(good.clone())).await.0, 200);
    assert_eq!(
        next(&mut taken).await.status_callback_event,
        E::ParticipantLeave
    );
    // The same signature over another body: 403.
    let forged = event.replace("participant-leave", "participant-join");
    let (status, text) = send(forged, Some(good)).await;
    assert_eq!(status, 403, "{text}");
    // A signature over the URL alone does not cover a body: 403.
    let url_only = signer.sign(&url, b"").unwrap();
    assert_eq!(send(event.clone(), Some(url_only)).await.0, 403);
    // Another key's signature: 403; none at all: 400.
    let other = Verifier::signalwire("another key")
        .unwrap()
        .sign(&url, event.as_bytes())
        .unwrap();
    assert_eq!(send(event.clone(), Some(other)).await.0, 403);
    let (status, text) = send(event.clone(), None).await;
    assert_eq!(status, 400);
    assert!(text.contains("X-SignalWire-Signature"), "{text}");
    // Signed, but not an event (no StatusCallbackEvent): 400, naming it.
    let not_event = format!("AccountSid={DEMO_ACCOUNT}&ConferenceSid={DEMO_CONFERENCE}");
    let signature = signer.sign(&url, not_event.as_bytes()).unwrap();
    let (status, text) = send(not_event, Some(signature)).await;
    assert_eq!(status, 400);
    assert!(text.contains("StatusCallbackEvent"), "{text}");
    // Over the limit: 413, before anything is checked.
    let big = format!("{event}&Padding={}", "x".repeat(70 * 1024));
    assert_eq!(send(big, None).await.0, 413);
    // None of those reached the handler.
    assert!(taken.try_recv().is_err());
}

#[tokio::test]
async fn a_receiver_that_never_answers_does_not_delay_the_api() {
    // It takes connections and never answers.
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/events", silent.local_addr().unwrap());
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = silent.accept().await {
            held.push(socket);
        }
    });
    let (_server, client) = fake_sending_to(&url).await;
    let calls = async {
        for call in DEMO_CALLS {
            let p = client.participant(DEMO_CONFERENCE, call).unwrap();
            p.mute().await.unwrap();
            p.kick().await.unwrap();
        }
    };
    // Eight calls, each of which queues an event the receiver never takes;
    // the bound is far above their time and far below one delivery timeout.
    tokio::time::timeout(Duration::from_secs(3), calls)
        .await
        .expect("the API calls finish while the deliveries hang");
}

#[test]
fn only_loopback_status_callbacks_are_taken() {
    let fake = Fake::demo();
    for url in [
        "http://192.0.2.1/events",
        "https://127.0.0.1/events",
        "http://example.com/events",
        "not a url",
    ] {
        let err = fake.clone().subscribe_demo(url).unwrap_err();
        assert!(err.to_string().contains(url), "{err}");
    }
    for url in [
        "http://127.0.0.1:9/e",
        "http://[::1]:9/e",
        "http://localhost:9/e",
    ] {
        fake.clone().subscribe_demo(url).unwrap();
    }
}
