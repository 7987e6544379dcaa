//! The roster: the fake's conference events, taken verified by an axum app,
//! then shuffled and duplicated (a fixed seed) and folded into a `Roster`,
//! which must end as the fake's own state; a listing that a leave
//! overtakes on its way, through a proxy that holds its answer back; and
//! the ordering rules one by one, on events written by hand.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::response::Response;
use axum::routing::post;
use futures_util::TryStreamExt;
use signalwire_participants::events::{Receiver, VerifiedEvent};
use signalwire_participants::roster::{Member, Outcome, Roster};
use signalwire_participants::types::{ConferenceEvent, ConferenceEventName, Participant};
use signalwire_participants::webhook::Verifier;
use signalwire_participants::{Client, types::UpdateParticipantRequest};
use signalwire_participants_fake::{
    DEMO_ACCOUNT, DEMO_CALLS, DEMO_CONFERENCE, DEMO_SIGNING_KEY, Fake, RunningFake, seeded_call,
};
use tokio::sync::{mpsc, oneshot};

type Events = mpsc::UnboundedReceiver<ConferenceEvent>;

async fn take(
    State((receiver, events)): State<(Receiver, mpsc::UnboundedSender<ConferenceEvent>)>,
    request: axum::extract::Request,
) -> axum::http::StatusCode {
    use axum::extract::FromRequest as _;
    match VerifiedEvent::from_request(request, &receiver).await {
        Ok(VerifiedEvent(event)) => {
            let _ = events.send(event);
            axum::http::StatusCode::NO_CONTENT
        }
        Err(_) => axum::http::StatusCode::FORBIDDEN,
    }
}

/// The fake with `n` participants, sending its events to an app on
/// 127.0.0.1 that verifies them; the client, and the events taken.
async fn conference(n: usize) -> (RunningFake, Client, Events) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let origin = format!("http://{}", listener.local_addr().unwrap());
    let (sender, events) = mpsc::unbounded_channel();
    let receiver = Receiver::new(
        Verifier::signalwire(DEMO_SIGNING_KEY).unwrap(),
        origin.clone(),
    );
    let app = Router::new()
        .route("/events", post(take))
        .with_state((receiver, sender));
    tokio::spawn(async move { axum::serve(listener, app).await });
    let fake = Fake::with_participants(n)
        .subscribe_demo(&format!("{origin}/events"))
        .unwrap();
    let server = signalwire_participants_fake::start_with("127.0.0.1:0", fake)
        .await
        .unwrap();
    let demo = server.demo();
    let client =
        Client::with_base_url(&demo.base_url, &demo.account_sid, demo.auth_token.as_str()).unwrap();
    (server, client, events)
}

/// Every event up to and including the `participant-leave` of `marker`
/// (the fake delivers in order, so nothing earlier is still on its way).
async fn until_leave_of(events: &mut Events, marker: &str) -> Vec<ConferenceEvent> {
    let mut taken = Vec::new();
    loop {
        let event = tokio::time::timeout(Duration::from_secs(10), events.recv())
            .await
            .expect("an event within 10 s")
            .expect("the app runs");
        let last = event.status_callback_event == ConferenceEventName::ParticipantLeave
            && event.call_sid.as_deref().map(|c| c.as_str()) == Some(marker);
        taken.push(event);
        if last {
            return taken;
        }
    }
}

/// The first answer a [`holding_proxy`] holds back: it says on `answered`
/// that the fake has answered, and waits for `release` to pass it on.
type Hold = Arc<Mutex<Option<(oneshot::Sender<()>, oneshot::Receiver<()>)>>>;

/// Where a [`holding_proxy`] forwards to, and the answer it holds.
#[derive(Clone)]
struct Proxy {
    upstream: String,
    client: reqwest::Client,
    hold: Hold,
}

/// Forwards one request to the fake and its answer back, holding the first
/// answer until the test releases it.
async fn forward(State(proxy): State<Proxy>, request: axum::extract::Request) -> Response {
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, usize::MAX).await.unwrap();
    let target = parts.uri.path_and_query().map_or("/", |p| p.as_str());
    let mut sent = proxy
        .client
        .request(parts.method, format!("{}{target}", proxy.upstream))
        .body(body);
    for (name, value) in &parts.headers {
        if name != axum::http::header::HOST {
            sent = sent.header(name, value);
        }
    }
    let answer = sent.send().await.unwrap();
    let status = answer.status();
    let content_type = answer
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .cloned();
    let body = answer.bytes().await.unwrap();
    // Taken out before waiting: the guard is not held across an await.
    let held = proxy.hold.lock().unwrap().take();
    if let Some((answered, release)) = held {
        let _ = answered.send(());
        let _ = release.await;
    }
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    if let Some(value) = content_type {
        response
            .headers_mut()
            .insert(axum::http::header::CONTENT_TYPE, value);
    }
    response
}

/// A proxy on 127.0.0.1 in front of the fake, that holds the first answer
/// back so that a test can act between the fake taking a listing and the
/// client reading it: the base URL to give a client, the signal that the
/// fake has answered, and the release of that answer.
async fn holding_proxy(
    server: &RunningFake,
) -> (String, oneshot::Receiver<()>, oneshot::Sender<()>) {
    let base = url::Url::parse(&server.demo().base_url).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let origin = format!("http://{}", listener.local_addr().unwrap());
    let (answered_sender, answered) = oneshot::channel();
    let (release, released) = oneshot::channel();
    let proxy = Proxy {
        upstream: base.origin().ascii_serialization(),
        client: participants_shapes::raw_http_client(),
        hold: Arc::new(Mutex::new(Some((answered_sender, released)))),
    };
    let app = Router::new().fallback(forward).with_state(proxy);
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("{origin}{}", base.path()), answered, release)
}

/// The conference as the fake listed it just before `meanwhile` ran: the
/// listing's answer is held back until `meanwhile` is done, so what it
/// does happens after the listing was taken and before the client has it.
async fn listing_overtaken_by(
    server: &RunningFake,
    meanwhile: impl Future<Output = ()>,
) -> Vec<Participant> {
    let (base_url, answered, release) = holding_proxy(server).await;
    let demo = server.demo();
    let lister =
        Client::with_base_url(&base_url, &demo.account_sid, demo.auth_token.as_str()).unwrap();
    let taken = tokio::spawn(async move { listing(&lister).await });
    tokio::time::timeout(Duration::from_secs(10), answered)
        .await
        .expect("the fake answers the listing within 10 s")
        .expect("the proxy runs");
    meanwhile.await;
    release.send(()).unwrap();
    taken.await.unwrap()
}

async fn listing(client: &Client) -> Vec<Participant> {
    client
        .participants(DEMO_CONFERENCE)
        .unwrap()
        .stream()
        .try_collect()
        .await
        .unwrap()
}

/// A participant's call id, muted, hold and coaching.
type Seen = (String, Option<bool>, Option<bool>, Option<bool>);

/// What the roster must hold: the fake's state, as members.
fn members(listed: &[Participant]) -> Vec<Seen> {
    let mut all: Vec<_> = listed
        .iter()
        .map(|p| (p.call_sid.clone().unwrap(), p.muted, p.hold, p.coaching))
        .collect();
    all.sort();
    all
}

fn roster_members(roster: &Roster) -> Vec<Seen> {
    roster
        .participants()
        .map(|m: &Member| (m.call_sid.clone(), m.muted, m.hold, m.coaching))
        .collect()
}

/// A small deterministic generator (xorshift64*), so that a failure
/// replays.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 33) as usize % n
    }

    /// The events in a random order, about a third of them twice.
    fn shuffle_with_repeats(&mut self, events: &[ConferenceEvent]) -> Vec<ConferenceEvent> {
        let mut out = events.to_vec();
        for e in events {
            if self.below(3) == 0 {
                out.push(e.clone());
            }
        }
        for i in (1..out.len()).rev() {
            out.swap(i, self.below(i + 1));
        }
        out
    }
}

fn call(i: usize) -> String {
    DEMO_CALLS
        .get(i)
        .map_or_else(|| seeded_call(i), |c| c.to_string())
}

/// Mutes, unmutes, holds, coaches and kicks, ending with the kick of
/// `marker`; each participant is changed several times, so that order
/// matters.
async fn moderate(client: &Client, round: usize, marker: &str) {
    let p = |i: usize| client.participant(DEMO_CONFERENCE, &call(i)).unwrap();
    let report = client
        .participants(DEMO_CONFERENCE)
        .unwrap()
        .muted(false)
        .mute_all()
        .except(call(round))
        .concurrency(4)
        .await
        .unwrap();
    assert!(report.all_succeeded(), "{report:?}");
    for i in (round..12).step_by(3) {
        p(i).unmute().await.unwrap();
        p(i + 1)
            .hold_with_music("https://example.com/hold.mp3")
            .await
            .unwrap();
    }
    p(round + 1).unhold().await.unwrap();
    p(round + 2).coach(&call(round)).await.unwrap();
    p(round + 2).mute().await.unwrap();
    p(round + 2)
        .update(&UpdateParticipantRequest {
            coaching: Some(false),
            ..Default::default()
        })
        .await
        .unwrap();
    p(round + 5).coach(&call(round + 1)).await.unwrap();
    p(12 + round).kick().await.unwrap();
    client
        .participant(DEMO_CONFERENCE, marker)
        .unwrap()
        .kick()
        .await
        .unwrap();
}

#[tokio::test]
async fn shuffled_and_repeated_events_fold_into_the_fakes_state() {
    let (_server, client, mut events) = conference(20).await;
    let before = listing(&client).await;
    moderate(&client, 0, &call(19)).await;
    let taken = until_leave_of(&mut events, &call(19)).await;
    assert!(taken.len() > 30, "{} events", taken.len());
    let after = listing(&client).await;
    assert_ne!(members(&before), members(&after));
    for seed in [1, 2, 3, 0x5eed, 0xdead_beef] {
        let mut rng = Rng(seed);
        let mut roster = Roster::from_participants(DEMO_CONFERENCE, before.clone()).unwrap();
        let (mut duplicates, mut stale) = (0, 0);
        for event in rng.shuffle_with_repeats(&taken) {
            match roster.apply(&event) {
                Outcome::Duplicate => duplicates += 1,
                Outcome::Stale => stale += 1,
                Outcome::Applied => {}
                other => panic!("{other:?} for {event:?}"),
            }
        }
        assert!(
            duplicates > 0 && stale > 0,
            "seed {seed}: {duplicates} {stale}"
        );
        assert_eq!(roster_members(&roster), members(&after), "seed {seed}");
        assert_eq!(roster.last_sequence(), Some(taken.len() as i64));
        // The labels came with the listing.
        assert_eq!(
            roster.get("alice").map(|m| m.call_sid.as_str()),
            Some(DEMO_CALLS[0])
        );
    }
}

#[tokio::test]
async fn a_listing_in_the_middle_wins_over_older_events_and_loses_to_newer() {
    let (_server, client, mut events) = conference(24).await;
    moderate(&client, 0, &call(19)).await;
    let first = until_leave_of(&mut events, &call(19)).await;
    let middle = listing(&client).await;
    moderate(&client, 1, &call(23)).await;
    let second = until_leave_of(&mut events, &call(23)).await;
    let last = listing(&client).await;
    for seed in [7, 8, 9, 10] {
        let mut rng = Rng(seed);
        let mut shuffled = rng.shuffle_with_repeats(&first);
        // Some of the first round before the listing, the rest late, mixed
        // with the second round.
        let late = shuffled.split_off(shuffled.len() / 2);
        let mut roster = Roster::new(DEMO_CONFERENCE).unwrap();
        for event in &shuffled {
            roster.apply(event);
        }
        let mark = roster.mark();
        roster.reconcile(mark, middle.clone());
        assert_eq!(roster_members(&roster), members(&middle), "seed {seed}");
        let mut rest = late;
        rest.extend(second.iter().cloned());
        for event in rng.shuffle_with_repeats(&rest) {
            roster.apply(&event);
        }
        assert_eq!(roster_members(&roster), members(&last), "seed {seed}");
        // And a listing at the end changes nothing.
        let mark = roster.mark();
        roster.reconcile(mark, last.clone());
        assert_eq!(roster_members(&roster), members(&last), "seed {seed}");
    }
}

/// Whether a listing shows this call.
fn shows(listed: &[Participant], call: &str) -> bool {
    listed.iter().any(|p| p.call_sid.as_deref() == Some(call))
}

#[tokio::test]
async fn a_leave_while_the_listing_is_on_its_way_is_not_undone_by_it() {
    let (server, client, mut events) = conference(6).await;
    let (gone, leaving) = (call(4), call(5));
    let mut roster = Roster::new(DEMO_CONFERENCE).unwrap();
    // Numbered events before the mark, for it to have a number.
    let moderator = &client;
    let kick = |call: String| async move {
        let p = moderator.participant(DEMO_CONFERENCE, &call).unwrap();
        p.kick().await.unwrap();
    };
    kick(gone.clone()).await;
    for event in until_leave_of(&mut events, &gone).await {
        assert_eq!(roster.apply(&event), Outcome::Applied);
    }
    let mark = roster.mark();
    let listed = listing_overtaken_by(&server, async {
        kick(leaving.clone()).await;
        for event in until_leave_of(&mut events, &leaving).await {
            assert_eq!(roster.apply(&event), Outcome::Applied);
        }
    })
    .await;
    // The listing was taken before the kick, and still shows them.
    assert!(shows(&listed, &leaving) && !shows(&listed, &gone));
    roster.reconcile(mark, listed);
    assert!(roster.get(&leaving).is_none());
    assert_eq!(roster_members(&roster), members(&listing(&client).await));
}

#[tokio::test]
async fn an_unnumbered_leave_while_the_listing_is_on_its_way_is_not_undone() {
    let (server, client, _events) = conference(6).await;
    let leaving = call(5);
    // The events as SignalWire documents them: without a SequenceNumber.
    let unnumbered = |name: &str, call: &str, more: &str| {
        let form = format!(
            "AccountSid={DEMO_ACCOUNT}&ConferenceSid={DEMO_CONFERENCE}&StatusCallbackEvent={name}&CallSid={call}{more}"
        );
        ConferenceEvent::from_form(form.as_bytes()).unwrap()
    };
    let mut roster = Roster::new(DEMO_CONFERENCE).unwrap();
    // Before the mark: a mute the fake never saw, which the listing undoes.
    let mute = unnumbered("participant-mute", &call(0), "&Muted=true");
    assert_eq!(roster.apply(&mute), Outcome::Applied);
    let mark = roster.mark();
    let listed = listing_overtaken_by(&server, async {
        let p = client.participant(DEMO_CONFERENCE, &leaving).unwrap();
        p.kick().await.unwrap();
        let leave = unnumbered("participant-leave", &leaving, "");
        assert_eq!(roster.apply(&leave), Outcome::Applied);
    })
    .await;
    assert!(shows(&listed, &leaving));
    roster.reconcile(mark, listed);
    assert!(roster.get(&leaving).is_none());
    assert_eq!(roster.get(&call(0)).and_then(|m| m.muted), Some(false));
    assert_eq!(roster_members(&roster), members(&listing(&client).await));
}

// --- The rules, one by one -----------------------------------------------

const CONFERENCE: &str = "CF0123456789abcdef0123456789abcdef";
const ALICE: &str = "CA0123456789abcdef0123456789abcde1";
const BOB: &str = "CA0123456789abcdef0123456789abcde2";

fn event(name: &str, call: Option<&str>, more: &str, sequence: Option<i64>) -> ConferenceEvent {
    let mut form = format!(
        "AccountSid=AC0123456789abcdef0123456789abcdef&ConferenceSid={CONFERENCE}&StatusCallbackEvent={name}{more}"
    );
    if let Some(c) = call {
        form.push_str(&format!("&CallSid={c}"));
    }
    if let Some(n) = sequence {
        form.push_str(&format!("&SequenceNumber={n}"));
    }
    ConferenceEvent::from_form(form.as_bytes()).unwrap()
}

fn listed(call: &str, muted: bool) -> Participant {
    let json = serde_json::json!({"call_sid": call, "muted": muted, "hold": false});
    serde_json::from_value(json).unwrap()
}

#[test]
fn each_field_keeps_the_newest_change() {
    let mut roster = Roster::new(CONFERENCE).unwrap();
    let join = event(
        "participant-join",
        Some(ALICE),
        "&Muted=false&Hold=false",
        Some(1),
    );
    let hold = event("participant-hold", Some(ALICE), "&Hold=true", Some(4));
    let mute = event("participant-mute", Some(ALICE), "", Some(3));
    assert_eq!(roster.apply(&hold), Outcome::Applied);
    // Older than the hold, but the first word on `muted`: it applies there.
    assert_eq!(roster.apply(&mute), Outcome::Applied);
    // The join is older than both, on every field it carries: nothing.
    assert_eq!(roster.apply(&join), Outcome::Stale);
    let alice = roster.get(ALICE).unwrap();
    assert_eq!((alice.muted, alice.hold), (Some(true), Some(true)));
    assert_eq!(roster.apply(&join), Outcome::Duplicate);
    // A late unhold changes nothing; a newer one does.
    let unhold = event("participant-unhold", Some(ALICE), "&Hold=false", Some(2));
    assert_eq!(roster.apply(&unhold), Outcome::Stale);
    assert_eq!(roster.get(ALICE).unwrap().hold, Some(true));
    let unhold = event("participant-unhold", Some(ALICE), "&Hold=false", Some(5));
    assert_eq!(roster.apply(&unhold), Outcome::Applied);
    assert_eq!(roster.get(ALICE).unwrap().hold, Some(false));
    // She leaves; a late event about her does not bring her back.
    let leave = event("participant-leave", Some(ALICE), "", Some(7));
    let speech = event("participant-speech-start", Some(ALICE), "", Some(6));
    assert_eq!(roster.apply(&leave), Outcome::Applied);
    assert_eq!(roster.apply(&speech), Outcome::Stale);
    assert!(roster.get(ALICE).is_none());
    assert!(roster.is_empty());
}

#[test]
fn the_end_empties_the_roster_and_late_joins_stay_out() {
    let mut roster = Roster::from_participants(CONFERENCE, [listed(ALICE, false)]).unwrap();
    let end = event("conference-end", None, "", Some(9));
    assert_eq!(roster.apply(&end), Outcome::Applied);
    assert!(roster.ended() && roster.is_empty());
    let join = event("participant-join", Some(BOB), "", Some(8));
    assert_eq!(roster.apply(&join), Outcome::Stale);
    assert!(roster.is_empty());
}

#[test]
fn a_listing_is_dated_by_the_events_seen_before_it() {
    let mut roster = Roster::new(CONFERENCE).unwrap();
    for n in [1, 2] {
        let join = event(
            "participant-join",
            Some([ALICE, BOB][n - 1]),
            "&Muted=false",
            Some(n as i64),
        );
        roster.apply(&join);
    }
    roster.apply(&event(
        "participant-mute",
        Some(ALICE),
        "&Muted=true",
        Some(9),
    ));
    // The listing (after event 9): alice unmuted since, bob gone.
    let mark = roster.mark();
    roster.reconcile(mark, [listed(ALICE, false)]);
    assert_eq!(roster.get(ALICE).unwrap().muted, Some(false));
    assert!(roster.get(BOB).is_none());
    // Late events, older than the listing, change nothing it set...
    let late_mute = event("participant-mute", Some(ALICE), "&Muted=true", Some(4));
    assert_eq!(roster.apply(&late_mute), Outcome::Stale);
    let late_join = event("participant-join", Some(BOB), "", Some(3));
    assert_eq!(roster.apply(&late_join), Outcome::Stale);
    // ...and so does one about someone it does not show.
    let carol = "CA0123456789abcdef0123456789abcde3";
    assert_eq!(
        roster.apply(&event("participant-join", Some(carol), "", Some(6))),
        Outcome::Stale
    );
    assert_eq!(roster.len(), 1);
    // Newer events win over it.
    roster.apply(&event(
        "participant-mute",
        Some(ALICE),
        "&Muted=true",
        Some(10),
    ));
    roster.apply(&event("participant-join", Some(BOB), "", Some(11)));
    assert_eq!(roster.get(ALICE).unwrap().muted, Some(true));
    assert!(roster.get(BOB).is_some());
}

#[test]
fn unnumbered_events_apply_in_arrival_order_and_other_conferences_not_at_all() {
    let mut roster = Roster::from_participants(CONFERENCE, [listed(ALICE, false)]).unwrap();
    let mute = event("participant-mute", Some(ALICE), "&Muted=true", None);
    let unmute = event("participant-unmute", Some(ALICE), "&Muted=false", None);
    assert_eq!(roster.apply(&mute), Outcome::Applied);
    assert_eq!(roster.get(ALICE).unwrap().muted, Some(true));
    assert_eq!(roster.apply(&unmute), Outcome::Applied);
    assert_eq!(roster.get(ALICE).unwrap().muted, Some(false));
    assert_eq!(roster.last_sequence(), None);
    let start = event("conference-start", None, "", None);
    assert_eq!(roster.apply(&start), Outcome::Ignored);
    let elsewhere = ConferenceEvent::from_form(
        b"AccountSid=AC0123456789abcdef0123456789abcdef&ConferenceSid=CF0123456789abcdef0123456789abcdee&StatusCallbackEvent=participant-leave&CallSid=CA0123456789abcdef0123456789abcde1",
    )
    .unwrap();
    assert_eq!(roster.apply(&elsewhere), Outcome::OtherConference);
    assert_eq!(roster.len(), 1);
    assert!(Roster::new("not a conference").is_err());
}

#[test]
fn a_listing_with_nothing_after_its_mark_overrides_everything_before() {
    let mut roster = Roster::new(CONFERENCE).unwrap();
    let carol = "CA0123456789abcdef0123456789abcde3";
    let dave = "CA0123456789abcdef0123456789abcde4";
    let before = [
        event("participant-join", Some(ALICE), "&Muted=true", Some(2)),
        event("participant-hold", Some(ALICE), "&Hold=true", None),
        event("participant-join", Some(BOB), "", Some(3)),
        event("participant-join", Some(carol), "", None),
    ];
    for e in &before {
        assert_eq!(roster.apply(e), Outcome::Applied);
    }
    let mark = roster.mark();
    roster.reconcile(mark, [listed(ALICE, false), listed(dave, true)]);
    // Numbered and unnumbered alike: the listing says who is in, and how.
    let alice = roster.get(ALICE).unwrap();
    assert_eq!((alice.muted, alice.hold), (Some(false), Some(false)));
    assert_eq!(roster.get(dave).and_then(|m| m.muted), Some(true));
    assert!(roster.get(BOB).is_none() && roster.get(carol).is_none());
    assert_eq!(roster.len(), 2);
    // A late event older than the mark changes nothing it set.
    let late = event("participant-mute", Some(ALICE), "&Muted=true", Some(1));
    assert_eq!(roster.apply(&late), Outcome::Stale);
}

#[test]
fn a_listing_loses_to_what_came_after_its_mark_and_only_to_that() {
    let mut roster = Roster::new(CONFERENCE).unwrap();
    let carol = "CA0123456789abcdef0123456789abcde3";
    let dave = "CA0123456789abcdef0123456789abcde4";
    roster.apply(&event(
        "participant-join",
        Some(ALICE),
        "&Muted=false&Hold=false",
        Some(1),
    ));
    roster.apply(&event("participant-join", Some(BOB), "", Some(5)));
    roster.apply(&event("participant-mute", Some(ALICE), "&Muted=true", None));
    let mark = roster.mark();
    // After the mark: alice on hold and carol in (unnumbered), bob out
    // (numbered above the mark), and dave in by an event numbered below
    // it, which happened before the listing was taken.
    let after = [
        event("participant-hold", Some(ALICE), "&Hold=true", None),
        event("participant-join", Some(carol), "", None),
        event("participant-leave", Some(BOB), "", Some(6)),
        event("participant-join", Some(dave), "", Some(3)),
    ];
    for e in &after {
        assert_eq!(roster.apply(e), Outcome::Applied);
    }
    // The listing, asked for at the mark: alice unmuted and not on hold,
    // bob in, nobody else.
    let listing = [listed(ALICE, false), listed(BOB, false)];
    roster.reconcile(mark, listing);
    let alice = roster.get(ALICE).unwrap();
    // The mute came before the mark, the hold after it.
    assert_eq!((alice.muted, alice.hold), (Some(false), Some(true)));
    assert!(roster.get(carol).is_some());
    assert!(roster.get(BOB).is_none());
    assert!(roster.get(dave).is_none());
    // A listing asked for now says who is in and how, as before.
    let second = roster.mark();
    roster.reconcile(second, [listed(ALICE, false), listed(BOB, true)]);
    let bob = roster.get(BOB).unwrap();
    assert_eq!(bob.muted, Some(true));
    assert_eq!(roster.get(ALICE).unwrap().hold, Some(false));
    assert_eq!(roster.len(), 2);
    // And the older listing, reconciled again after it, changes nothing.
    roster.reconcile(mark, []);
    assert_eq!(roster.len(), 2);
}
