//! Whole-conference actions (`mute_all`, `unmute_all`, `kick_all`,
//! `for_each`): on the fake, and on a loopback server of this module's own
//! that counts the calls in flight, scripts each participant's answers and
//! records when each request arrived.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use futures_util::TryStreamExt;
use participants_shapes::{ACCOUNT, CONFERENCE, TOKEN};
use serde_json::json;
use signalwire_participants::fanout::DEFAULT_CONCURRENCY;
use signalwire_participants::{Client, Error};
use signalwire_participants_fake::{
    DEMO_ACCOUNT, DEMO_CALLS, DEMO_CONFERENCE, DEMO_LABELS, Fake, RunningFake, seeded_call,
};

// --- On the fake ---------------------------------------------------------

async fn fake_of(n: usize) -> (RunningFake, Client) {
    let server =
        signalwire_participants_fake::start_with("127.0.0.1:0", Fake::with_participants(n))
            .await
            .unwrap();
    let demo = server.demo();
    let client =
        Client::with_base_url(&demo.base_url, &demo.account_sid, demo.auth_token.as_str()).unwrap();
    (server, client)
}

fn call(i: usize) -> String {
    DEMO_CALLS
        .get(i)
        .map_or_else(|| seeded_call(i), |c| c.to_string())
}

fn state(server: &RunningFake, call: &str) -> signalwire_participants::types::Participant {
    let p = server.fake.participant(DEMO_ACCOUNT, DEMO_CONFERENCE, call);
    p.unwrap_or_else(|| panic!("{call} is not in the conference"))
}

#[tokio::test]
async fn the_fake_seeds_a_conference_of_any_size() {
    let (_server, client) = fake_of(1234).await;
    let all: Vec<_> = client
        .participants(DEMO_CONFERENCE)
        .unwrap()
        .page_size(1000)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all.len(), 1234);
    let calls: Vec<_> = all.iter().map(|p| p.call_sid.clone().unwrap()).collect();
    assert_eq!(calls, (0..1234).map(call).collect::<Vec<_>>());
    assert_eq!(all[1].label.as_deref(), Some(DEMO_LABELS[1]));
    assert_eq!(all[1000].label.as_deref(), Some("participant-1000"));
    assert!(
        all.iter()
            .all(|p| p.muted == Some(false) && p.hold == Some(false))
    );
    // Fewer than the demo's four: the first ones.
    let (_small, client) = fake_of(2).await;
    let page = client.participants(DEMO_CONFERENCE).unwrap().page().await;
    assert_eq!(page.unwrap().participants.unwrap().len(), 2);
}

#[tokio::test]
async fn mute_all_except_mutes_everyone_else_and_says_who() {
    let (server, client) = fake_of(120).await;
    // By call id and by label; the filter leaves out nobody yet.
    let report = client
        .participants(DEMO_CONFERENCE)
        .unwrap()
        .muted(false)
        .mute_all()
        .except(call(7))
        .except(DEMO_LABELS[1])
        .concurrency(4)
        .await
        .unwrap();
    assert!(report.all_succeeded(), "{report:?}");
    assert_eq!(report.succeeded_count(), 118);
    assert_eq!(report.failed_count(), 0);
    assert_eq!(report.pauses(), 0);
    let skipped: Vec<_> = report.skipped().collect();
    assert_eq!(skipped, [DEMO_CALLS[1], call(7).as_str()]);
    // In listing order, each with the participant as the server has it after.
    let done: Vec<_> = report.succeeded().map(|(c, _)| c.to_string()).collect();
    let expected: Vec<_> = (0..120).filter(|i| ![1, 7].contains(i)).map(call).collect();
    assert_eq!(done, expected);
    assert!(report.succeeded().all(|(_, p)| p.muted == Some(true)));
    for i in 0..120 {
        let muted = state(&server, &call(i)).muted;
        assert_eq!(muted, Some(![1, 7].contains(&i)), "participant {i}");
    }

    // The filter: only those still unmuted are acted on.
    let report = client
        .participants(DEMO_CONFERENCE)
        .unwrap()
        .muted(false)
        .mute_all()
        .await
        .unwrap();
    let done: Vec<_> = report.succeeded().map(|(c, _)| c.to_string()).collect();
    assert_eq!(done, [call(1), call(7)]);

    let report = client
        .participants(DEMO_CONFERENCE)
        .unwrap()
        .unmute_all()
        .except(call(0))
        .await
        .unwrap();
    assert_eq!(report.succeeded_count(), 119);
    assert_eq!(state(&server, &call(0)).muted, Some(true));
    assert_eq!(state(&server, &call(119)).muted, Some(false));
}

#[tokio::test]
async fn kick_all_except_the_host_leaves_the_host_alone() {
    let (server, client) = fake_of(30).await;
    let report = client
        .participants(DEMO_CONFERENCE)
        .unwrap()
        // Small pages: every page is read before the first kick, so none is
        // skipped as the kicks move the later participants forward.
        .page_size(4)
        .kick_all()
        .except(DEMO_CALLS[0])
        .await
        .unwrap();
    assert_eq!(report.succeeded_count(), 29, "{report:?}");
    let left: Vec<_> = client
        .participants(DEMO_CONFERENCE)
        .unwrap()
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].call_sid.as_deref(), Some(DEMO_CALLS[0]));
    assert!(
        server
            .fake
            .participant(DEMO_ACCOUNT, DEMO_CONFERENCE, &call(29))
            .is_none()
    );
}

#[tokio::test]
async fn for_each_keeps_each_participants_value_and_error() {
    let (_server, client) = fake_of(10).await;
    let conference = DEMO_CONFERENCE;
    let report = client
        .participants(conference)
        .unwrap()
        .for_each(|p| async move {
            // Odd participants coach participant 0; even ones ask to coach
            // someone absent, which the fake refuses (16002).
            let i = (0..10).position(|i| call(i) == p.call_sid()).unwrap();
            let target = if i % 2 == 1 {
                call(0)
            } else {
                seeded_call(999)
            };
            p.coach(&target).await.map(|now| (i, now.coaching))
        })
        .except(call(0))
        .concurrency(3)
        .await
        .unwrap();
    let ok: Vec<_> = report.succeeded().map(|(_, v)| *v).collect();
    assert_eq!(ok, [1, 3, 5, 7, 9].map(|i| (i, Some(true))));
    let failed: Vec<_> = report
        .failed()
        .map(|(c, e)| (c.to_string(), e.status(), e.code()))
        .collect();
    let expected: Vec<_> = [2, 4, 6, 8]
        .map(|i| (call(i), Some(400), Some(16002)))
        .into();
    assert_eq!(failed, expected);
}

// --- On a loopback server ------------------------------------------------

/// One answer of the scripted server.
#[derive(Clone, Debug)]
struct Reply {
    status: u16,
    retry_after: Option<&'static str>,
    delay: Duration,
}

fn ok_after(millis: u64) -> Reply {
    Reply {
        status: 200,
        retry_after: None,
        delay: Duration::from_millis(millis),
    }
}

fn status(status: u16, retry_after: Option<&'static str>) -> Reply {
    Reply {
        status,
        retry_after,
        delay: Duration::ZERO,
    }
}

/// What the scripted server answers the `n`-th request (from 0) for one
/// participant (its call id).
type Script = Box<dyn Fn(&str, usize) -> Reply + Send + Sync>;

/// A request the server took: when, for whom (None: the listing), and the
/// status it answered, with when it answered.
#[derive(Clone, Debug)]
struct Seen {
    at: Instant,
    call: Option<String>,
    status: u16,
    answered: Instant,
}

struct Shared {
    calls: Vec<String>,
    /// How many of `calls` the second page lists again (someone joined
    /// while the pages were read, and the pages shifted).
    again: usize,
    /// The listing's answers, page after page (none: one page of `calls`).
    list: Vec<u16>,
    script: Script,
    seen: Mutex<Vec<Seen>>,
    per_call: Mutex<HashMap<String, usize>>,
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
}

struct Scripted {
    shared: Arc<Shared>,
    client: Client,
    _server: tokio::task::JoinHandle<()>,
}

impl Scripted {
    async fn start(n: usize, list: Vec<u16>, script: Script) -> Scripted {
        Self::start_listing_again(n, list, 0, script).await
    }

    async fn start_listing_again(
        n: usize,
        list: Vec<u16>,
        again: usize,
        script: Script,
    ) -> Scripted {
        let calls = (0..n)
            .map(|i| format!("b3877c40-da60-4998-90ad-{i:012x}"))
            .collect();
        let shared = Arc::new(Shared {
            calls,
            again,
            list,
            script,
            seen: Mutex::default(),
            per_call: Mutex::default(),
            in_flight: AtomicUsize::new(0),
            max_in_flight: AtomicUsize::new(0),
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let app = Router::new().fallback(answer).with_state(shared.clone());
        let server = tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        let client = Client::with_base_url(&base, ACCOUNT, TOKEN).unwrap();
        Scripted {
            shared,
            client,
            _server: server,
        }
    }

    fn call(&self, i: usize) -> &str {
        &self.shared.calls[i]
    }

    fn seen(&self) -> Vec<Seen> {
        self.shared.seen.lock().unwrap().clone()
    }

    fn updates(&self) -> Vec<Seen> {
        self.seen()
            .into_iter()
            .filter(|s| s.call.is_some())
            .collect()
    }

    fn max_in_flight(&self) -> usize {
        self.shared.max_in_flight.load(Ordering::SeqCst)
    }
}

async fn answer(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let at = Instant::now();
    let now = shared.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    shared.max_in_flight.fetch_max(now, Ordering::SeqCst);
    let path = request.uri().path().to_string();
    let query = request.uri().query().unwrap_or_default().to_string();
    let list = format!("/2010-04-01/Accounts/{ACCOUNT}/Conferences/{CONFERENCE}/Participants.json");
    let (call, reply, body) = if path == list {
        let page: usize = query
            .split('&')
            .find_map(|kv| kv.strip_prefix("Page="))
            .map_or(0, |p| p.parse().unwrap());
        let status = shared.list.get(page).copied().unwrap_or(200);
        let more = page + 1 < shared.list.len();
        let next = more.then(|| format!("{list}?Page={}", page + 1));
        let participants: Vec<_> = match page {
            0 => shared
                .calls
                .iter()
                .map(|c| json!({"call_sid": c}))
                .collect(),
            1 => (shared.calls.iter().take(shared.again))
                .map(|c| json!({"call_sid": c}))
                .collect(),
            _ => Vec::new(),
        };
        let body = json!({"participants": participants, "next_page_uri": next});
        (None, status_reply(status), body)
    } else {
        let call = path
            .rsplit('/')
            .next()
            .unwrap()
            .trim_end_matches(".json")
            .to_string();
        let n = {
            let mut per_call = shared.per_call.lock().unwrap();
            let n = per_call.entry(call.clone()).or_default();
            *n += 1;
            *n - 1
        };
        let reply = (shared.script)(&call, n);
        let body = json!({"call_sid": call, "muted": true});
        (Some(call), reply, body)
    };
    tokio::time::sleep(reply.delay).await;
    let answered = Instant::now();
    shared.seen.lock().unwrap().push(Seen {
        at,
        call,
        status: reply.status,
        answered,
    });
    shared.in_flight.fetch_sub(1, Ordering::SeqCst);
    let code = StatusCode::from_u16(reply.status).unwrap();
    let body = match reply.status {
        200 => body,
        s => json!({"code": 20000 + u64::from(s), "message": "scripted", "status": s}),
    };
    let json = [(axum::http::header::CONTENT_TYPE, "application/json")];
    let mut response = (code, json, body.to_string()).into_response();
    if let Some(wait) = reply.retry_after {
        response
            .headers_mut()
            .insert("retry-after", wait.parse().unwrap());
    }
    if reply.status == 204 {
        *response.body_mut() = axum::body::Body::empty();
    }
    response
}

fn status_reply(code: u16) -> Reply {
    status(code, None)
}

#[tokio::test]
async fn a_429_with_retry_after_pauses_every_call_then_retries_that_one() {
    let server = Scripted::start(
        40,
        Vec::new(),
        Box::new(|call, n| {
            if call.ends_with("00000000000a") && n == 0 {
                status(429, Some("1"))
            } else {
                ok_after(10)
            }
        }),
    )
    .await;
    let started = Instant::now();
    let report = server
        .client
        .participants(CONFERENCE)
        .unwrap()
        .mute_all()
        .concurrency(4)
        .await
        .unwrap();
    let elapsed = started.elapsed();
    assert!(report.all_succeeded(), "{report:?}");
    assert_eq!(report.succeeded_count(), 40);
    assert_eq!(report.pauses(), 1);
    let updates = server.updates();
    // The one that got the 429 was tried again, and only it.
    assert_eq!(updates.len(), 41);
    let throttled = updates.iter().find(|s| s.status == 429).unwrap();
    assert_eq!(throttled.call.as_deref(), Some(server.call(10)));
    // While the pause lasted (it ends a second after the client read the
    // 429, so no earlier than a second after the server sent it), only
    // calls already past the pause could arrive: at most the other three
    // workers'. Everyone else came after it.
    let pause_end = throttled.answered + Duration::from_secs(1);
    let during = updates
        .iter()
        .filter(|s| s.at > throttled.answered && s.at < pause_end)
        .count();
    assert!(during <= 3, "{during} calls arrived during the pause");
    assert!(elapsed >= Duration::from_secs(1), "{elapsed:?}");
    let before = updates
        .iter()
        .filter(|s| s.at <= throttled.answered)
        .count();
    let after = updates.iter().filter(|s| s.at >= pause_end).count();
    assert_eq!(before + during + after, 41);
    assert!(after >= 41 - before - 3, "{after} calls after the pause");
}

#[tokio::test]
async fn a_participant_that_stays_throttled_fails_after_the_retries() {
    let server = Scripted::start(
        6,
        Vec::new(),
        Box::new(|call, _| {
            if call.ends_with("000000000002") {
                status(429, Some("0"))
            } else {
                ok_after(0)
            }
        }),
    )
    .await;
    let report = server
        .client
        .participants(CONFERENCE)
        .unwrap()
        .mute_all()
        .retries(2)
        .await
        .unwrap();
    let failed: Vec<_> = report.failed().map(|(c, e)| (c, e.status())).collect();
    assert_eq!(failed, [(server.call(2), Some(429))]);
    assert_eq!(report.succeeded_count(), 5);
    let tries = server.updates();
    let tries = tries
        .iter()
        .filter(|s| s.call.as_deref() == Some(server.call(2)));
    assert_eq!(tries.count(), 3, "the first try and two retries");
    // The two 429s that were retried paused everyone; the last one ended
    // that participant's tries and paused nobody.
    assert_eq!(report.pauses(), 2);
}

#[tokio::test]
async fn a_429_without_retry_after_backs_off() {
    let server = Scripted::start(
        3,
        Vec::new(),
        Box::new(|call, n| match (call.ends_with("000000000001"), n) {
            (true, 0) => status(429, None),
            _ => status(204, None),
        }),
    )
    .await;
    let started = Instant::now();
    let report = server
        .client
        .participants(CONFERENCE)
        .unwrap()
        .kick_all()
        .await
        .unwrap();
    assert!(report.all_succeeded(), "{report:?}");
    // The one backoff schedule's first wait is at least 100 ms.
    assert!(started.elapsed() >= Duration::from_millis(100));
    assert_eq!(report.pauses(), 1, "a 429 pauses everyone");
    assert_eq!(server.updates().len(), 4);
}

#[tokio::test]
async fn failures_are_reported_per_participant_and_never_stop_the_rest() {
    let server = Scripted::start(
        12,
        Vec::new(),
        Box::new(|call, _| match &call[call.len() - 2..] {
            "03" => status(404, None),
            "05" => status(400, None),
            // Retried under the one policy (an update is safe to repeat),
            // each time with the backoff, pausing only itself.
            "08" => status(503, None),
            _ => ok_after(5),
        }),
    )
    .await;
    let report = server
        .client
        .participants(CONFERENCE)
        .unwrap()
        .mute_all()
        .concurrency(2)
        .await
        .unwrap();
    let failed: Vec<_> = report.failed().map(|(c, e)| (c, e.status())).collect();
    assert_eq!(
        failed,
        [
            (server.call(3), Some(404)),
            (server.call(5), Some(400)),
            (server.call(8), Some(503)),
        ]
    );
    assert_eq!(report.succeeded_count(), 9);
    let updates = server.updates();
    let tries = |i: usize| {
        let call = server.call(i);
        updates
            .iter()
            .filter(|s| s.call.as_deref() == Some(call))
            .count()
    };
    assert_eq!(tries(3), 1, "a 404 is not retried");
    assert_eq!(tries(5), 1, "a 400 is not retried");
    assert_eq!(
        tries(8),
        4,
        "a 503: the first try and the default three retries"
    );
    assert_eq!(updates.len(), 15);
    assert_eq!(report.pauses(), 0);
}

#[tokio::test]
async fn a_kick_retried_after_a_503_that_finds_the_participant_gone_succeeded() {
    let server = Scripted::start(
        2,
        Vec::new(),
        Box::new(|call, n| match (call.ends_with("000000000001"), n) {
            (true, 0) => status(503, Some("0")),
            (true, _) => status(404, None),
            (false, _) => status(204, None),
        }),
    )
    .await;
    let report = server
        .client
        .participants(CONFERENCE)
        .unwrap()
        .kick_all()
        .await
        .unwrap();
    assert!(report.all_succeeded(), "{report:?}");
    assert_eq!(report.pauses(), 1);
    // An update is not a kick: a 404 after the 503 is the participant's error.
    let server = Scripted::start(
        2,
        Vec::new(),
        Box::new(|call, n| match (call.ends_with("000000000001"), n) {
            (true, 0) => status(503, Some("0")),
            (true, _) => status(404, None),
            (false, _) => ok_after(0),
        }),
    )
    .await;
    let report = server
        .client
        .participants(CONFERENCE)
        .unwrap()
        .mute_all()
        .await
        .unwrap();
    let failed: Vec<_> = report.failed().map(|(c, e)| (c, e.status())).collect();
    assert_eq!(failed, [(server.call(1), Some(404))]);
}

#[tokio::test]
async fn the_concurrency_bound_holds_at_the_server() {
    for (asked, expected) in [
        (Some(3), 3),
        (Some(1), 1),
        (Some(0), 1),
        (None, DEFAULT_CONCURRENCY),
    ] {
        let server = Scripted::start(40, Vec::new(), Box::new(|_, _| ok_after(15))).await;
        let all = server.client.participants(CONFERENCE).unwrap().mute_all();
        let all = match asked {
            Some(n) => all.concurrency(n),
            None => all,
        };
        let report = all.await.unwrap();
        assert_eq!(report.succeeded_count(), 40);
        // The listing comes first, on its own; then the updates, as many at
        // a time as allowed and no more.
        assert_eq!(server.max_in_flight(), expected, "asked {asked:?}");
    }
}

#[tokio::test]
async fn a_listing_that_fails_is_the_error_and_nothing_is_done() {
    // The first page refused.
    let server = Scripted::start(5, vec![401], Box::new(|_, _| ok_after(0))).await;
    let err = server
        .client
        .participants(CONFERENCE)
        .unwrap()
        .kick_all()
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(401));
    assert!(server.updates().is_empty());
    // A later page fails: still nothing done, though the first page listed
    // participants.
    let server = Scripted::start(5, vec![200, 500], Box::new(|_, _| ok_after(0))).await;
    let err = server
        .client
        .participants(CONFERENCE)
        .unwrap()
        .mute_all()
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Api(api) if api.status == 500),
        "{err:?}"
    );
    assert!(server.updates().is_empty());
    assert_eq!(server.seen().len(), 2);
}

#[tokio::test]
async fn the_listing_reads_the_largest_pages_unless_told() {
    let rec = crate::servers::Recorder::start();
    let client = Client::with_base_url(&rec.base_url, ACCOUNT, TOKEN).unwrap();
    let mut rec = rec;
    rec.respond_json(200, &json!({"participants": []}));
    rec.respond_json(200, &json!({"participants": []}));
    let report = client
        .participants(CONFERENCE)
        .unwrap()
        .mute_all()
        .await
        .unwrap();
    assert_eq!(report.succeeded_count(), 0);
    let report = client
        .participants(CONFERENCE)
        .unwrap()
        .page_size(7)
        .kick_all()
        .await
        .unwrap();
    assert!(report.all_succeeded());
    let path = format!("/2010-04-01/Accounts/{ACCOUNT}/Conferences/{CONFERENCE}/Participants.json");
    let mut parameters = signalwire_participants::spec_facts::PARAMETERS.iter();
    let size = parameters.find(|p| {
        p.operation == signalwire_participants::spec_facts::Operation::ListParticipants
            && p.name == "PageSize"
    });
    let largest = size.and_then(|p| p.maximum).unwrap();
    assert_eq!(
        rec.next_request().target,
        format!("{path}?PageSize={largest}")
    );
    assert_eq!(rec.next_request().target, format!("{path}?PageSize=7"));
}

/// A `Retry-After` no clock can add (`u64::MAX` seconds) made `mute_all`
/// panic in the user's task, even with `.retries(0)`; a year paused the
/// whole action for a year. A wait past the budget now gives up on that
/// participant at once, with its error, and pauses nobody.
#[tokio::test]
async fn a_retry_after_past_the_budget_gives_up_at_once() {
    for (wait, retries) in [
        ("18446744073709551615", Some(0)),
        ("18446744073709551615", None),
        ("99999999999999999999999", None),
        ("31536000", None),
        ("Fri, 31 Dec 9999 23:59:59 GMT", Some(3)),
    ] {
        let server = Scripted::start(
            3,
            Vec::new(),
            Box::new(move |call, _| match call.ends_with("000000000001") {
                true => status(429, Some(wait)),
                false => ok_after(0),
            }),
        )
        .await;
        let started = Instant::now();
        let all = server.client.participants(CONFERENCE).unwrap().mute_all();
        let all = match retries {
            Some(n) => all.retries(n),
            None => all,
        };
        let report = all.await.unwrap();
        assert!(started.elapsed() < Duration::from_secs(5), "{wait}");
        let failed: Vec<_> = report.failed().map(|(c, e)| (c, e.status())).collect();
        assert_eq!(failed, [(server.call(1), Some(429))], "{wait}");
        assert_eq!(report.succeeded_count(), 2);
        assert_eq!(report.pauses(), 0, "{wait}");
        assert_eq!(server.updates().len(), 3, "{wait}: nobody retried");
    }
}

/// The fan-out honours the client's retry settings: its attempts, and a
/// budget that a `Retry-After` of 3 s does not fit.
#[tokio::test]
async fn the_fan_out_honours_the_clients_retry_budget() {
    let server = Scripted::start(
        2,
        Vec::new(),
        Box::new(|call, _| match call.ends_with("000000000001") {
            true => status(503, Some("3")),
            false => ok_after(0),
        }),
    )
    .await;
    use signalwire_participants::ClientInfo as _;
    let base = server.client.baseurl().to_string();
    let client = signalwire_participants::ClientConfig::with_base_url(&base, ACCOUNT, TOKEN)
        .unwrap()
        .retries(5, Duration::from_secs(1))
        .build()
        .unwrap();
    let started = Instant::now();
    let report = client
        .participants(CONFERENCE)
        .unwrap()
        .mute_all()
        .await
        .unwrap();
    assert!(started.elapsed() < Duration::from_secs(3));
    let failed: Vec<_> = report.failed().map(|(c, e)| (c, e.status())).collect();
    assert_eq!(failed, [(server.call(1), Some(503))]);
    assert_eq!(
        server.updates().len(),
        2,
        "the 3 s wait is past the 1 s budget"
    );
}

/// `except` compares call ids as the spec's `CallId` does (hex digits in
/// either case): a speaker named in capitals was muted all the same. An
/// `except` that matches nobody is reported.
#[tokio::test]
async fn except_compares_ids_as_the_spec_does_and_reports_strays() {
    let (server, client) = fake_of(5).await;
    let speaker = call(2).to_uppercase();
    assert_ne!(speaker, call(2));
    let report = client
        .participants(DEMO_CONFERENCE)
        .unwrap()
        .mute_all()
        .except(&speaker)
        .except("nobody-by-this-label")
        .await
        .unwrap();
    assert_eq!(state(&server, &call(2)).muted, Some(false), "the speaker");
    assert_eq!(report.succeeded_count(), 4);
    assert_eq!(report.skipped().collect::<Vec<_>>(), [call(2)]);
    let strays: Vec<_> = report.unmatched_exceptions().collect();
    assert_eq!(strays, ["nobody-by-this-label"]);
    // A label is compared exactly: `ALICE` is not `alice`.
    let report = client
        .participants(DEMO_CONFERENCE)
        .unwrap()
        .unmute_all()
        .except(DEMO_LABELS[0].to_uppercase())
        .await
        .unwrap();
    assert_eq!(report.succeeded_count(), 5);
    assert_eq!(report.unmatched_exceptions().count(), 1);
}

/// A join while the pages are read shifts them, so someone is listed twice:
/// they are acted on once (a kick would have been sent twice).
#[tokio::test]
async fn a_participant_listed_twice_is_acted_on_once() {
    let server =
        Scripted::start_listing_again(6, vec![200, 200], 2, Box::new(|_, _| status(204, None)))
            .await;
    let report = server
        .client
        .participants(CONFERENCE)
        .unwrap()
        .kick_all()
        .await
        .unwrap();
    assert_eq!(report.succeeded_count(), 6, "{report:?}");
    assert_eq!(server.updates().len(), 6, "one kick each");
    let order: Vec<_> = report.succeeded().map(|(c, _)| c.to_string()).collect();
    assert_eq!(
        order,
        (0..6)
            .map(|i| server.call(i).to_string())
            .collect::<Vec<_>>()
    );
}

/// A kick that finds the participant gone (the conference ended when
/// someone with `EndConferenceOnExit` was kicked, and the rest were let go)
/// has done what it was for: counted as done, and said so.
#[tokio::test]
async fn a_kick_that_finds_the_participant_gone_is_done() {
    use signalwire_participants::fanout::Kicked;
    let server = Scripted::start(
        4,
        Vec::new(),
        Box::new(|call, _| match call.ends_with("000000000000") {
            true => status(204, None),
            false => status(404, None),
        }),
    )
    .await;
    let report = server
        .client
        .participants(CONFERENCE)
        .unwrap()
        .kick_all()
        .concurrency(1)
        .await
        .unwrap();
    assert!(report.all_succeeded(), "{report:?}");
    let kicked: Vec<_> = report.succeeded().map(|(_, k)| *k).collect();
    assert_eq!(
        kicked,
        [
            Kicked::Removed,
            Kicked::AlreadyGone,
            Kicked::AlreadyGone,
            Kicked::AlreadyGone
        ]
    );
    assert_eq!(server.updates().len(), 4, "a 404 is not retried");
}
