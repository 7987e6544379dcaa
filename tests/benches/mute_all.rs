//! Muting every participant of a 1,000-participant conference on the fake:
//! `mute_all` against a hand-written concurrent reqwest loop making the same
//! requests (one listing of the largest page, then one update each) at the
//! same concurrency, in the same run. Goal (issue 22): ours within 1.15
//! times the loop. `bash scripts/bench-mute-all.sh` also times
//! twilio-python 9.13 on the same server.
//!
//! With `BENCH_DEMO` set (the first line of `signalwire-participants-fake
//! --participants 1000`), it talks to that server; otherwise it starts the
//! fake in-process with `Fake::with_participants(1000)`.
//! `cargo bench -p participants-shapes --bench mute_all [-- ROUNDS]`: the
//! median of ROUNDS rounds (default 30), each running the three once, on
//! stderr, and as one JSON line on stdout.

use std::time::Instant;

use futures_util::{StreamExt, stream};
use serde_json::Value;
use signalwire_participants::Client;
use signalwire_participants::spec_facts::PARAMETERS;
use signalwire_participants_fake::Fake;

/// The conference's size.
const PARTICIPANTS: usize = 1000;
/// The calls in flight, for both: as many as the threads of the
/// twilio-python run it is compared with.
const CONCURRENCY: usize = 16;

/// Where the conference is: base URL, account, token, conference.
struct Target {
    base_url: String,
    account: String,
    token: String,
    conference: String,
}

/// The floor: list the participants in one page of the largest size, then
/// mute each, `CONCURRENCY` at a time, decoding each answer.
async fn baseline(http: &reqwest::Client, t: &Target, largest: u64) -> usize {
    let list = format!(
        "{}/2010-04-01/Accounts/{}/Conferences/{}/Participants.json",
        t.base_url, t.account, t.conference
    );
    let page: Value = send(http.get(format!("{list}?PageSize={largest}")), t).await;
    let calls: Vec<String> = page["participants"]
        .as_array()
        .expect("a page")
        .iter()
        .map(|p| p["call_sid"].as_str().expect("a call id").to_string())
        .collect();
    assert!(page["next_page_uri"].is_null(), "one page");
    let prefix = list.trim_end_matches(".json");
    let mute = |call: String| {
        let request = http
            .post(format!("{prefix}/{call}.json"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body("Muted=true");
        send(request, t)
    };
    let muted: Vec<Value> = stream::iter(calls)
        .map(mute)
        .buffer_unordered(CONCURRENCY)
        .collect()
        .await;
    muted.len()
}

async fn send(request: reqwest::RequestBuilder, t: &Target) -> Value {
    let resp = request
        .basic_auth(&t.account, Some(&t.token))
        .header("accept", "application/json")
        .send()
        .await
        .expect("an answer");
    assert!(resp.status().is_success(), "{}", resp.status());
    serde_json::from_slice(&resp.bytes().await.expect("a body")).expect("JSON")
}

/// The three ways, one after the other in each round, so that a change of
/// load on the machine (two cores, shared) falls on all of them alike.
fn main() {
    // `cargo bench` passes `--bench`; a number is the rounds.
    let rounds: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(30);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    let (target, _server) = match std::env::var("BENCH_DEMO") {
        Ok(line) => {
            let demo: Value = serde_json::from_str(&line).expect("the fake's demo line");
            let field = |name: &str| demo[name].as_str().expect(name).to_string();
            let target = Target {
                base_url: field("base_url"),
                account: field("account_sid"),
                token: field("auth_token"),
                conference: field("conference_sid"),
            };
            (target, None)
        }
        Err(_) => {
            let fake = Fake::with_participants(PARTICIPANTS);
            let server = rt
                .block_on(signalwire_participants_fake::start_with(
                    "127.0.0.1:0",
                    fake,
                ))
                .expect("the fake starts");
            let demo = server.demo();
            let target = Target {
                base_url: demo.base_url,
                account: demo.account_sid,
                token: demo.auth_token,
                conference: demo.conference_sid,
            };
            (target, Some(server))
        }
    };
    let client =
        Client::with_base_url(&target.base_url, &target.account, &target.token).expect("a client");
    let largest = PARAMETERS
        .iter()
        .find(|p| {
            p.operation == signalwire_participants::spec_facts::Operation::ListParticipants
                && p.name == "PageSize"
        })
        .and_then(|p| p.maximum)
        .and_then(|n| u64::try_from(n).ok())
        .expect("the spec bounds PageSize");
    let http = participants_shapes::raw_http_client();

    let ours = |concurrency: Option<usize>| {
        let client = &client;
        let conference = &target.conference;
        async move {
            let all = client.participants(conference).unwrap().mute_all();
            let all = match concurrency {
                Some(n) => all.concurrency(n),
                None => all,
            };
            let report = all.await.unwrap();
            assert_eq!(report.succeeded_count(), PARTICIPANTS);
        }
    };
    let timed = |job: std::pin::Pin<Box<dyn std::future::Future<Output = ()> + '_>>| {
        let started = Instant::now();
        rt.block_on(job);
        started.elapsed().as_secs_f64() * 1e3
    };
    // `MUTE_ALL_ONLY=ours` or `baseline`: that one alone, once to warm up
    // and then ROUNDS times, printing nothing, for callgrind to count
    // (scripts/instructions-mute-all.sh).
    if let Ok(only) = std::env::var("MUTE_ALL_ONLY") {
        for _ in 0..=rounds {
            match only.as_str() {
                "ours" => timed(Box::pin(ours(Some(CONCURRENCY)))),
                "baseline" => timed(Box::pin(async {
                    assert_eq!(baseline(&http, &target, largest).await, PARTICIPANTS);
                })),
                other => panic!("MUTE_ALL_ONLY is ours or baseline, not {other}"),
            };
        }
        return;
    }
    // Warm up: connections, the allocator, the fake's pages.
    for _ in 0..3 {
        timed(Box::pin(ours(Some(CONCURRENCY))));
        timed(Box::pin(async {
            baseline(&http, &target, largest).await;
        }));
    }
    let names = ["ours", "baseline_reqwest", "ours_default_concurrency"];
    let mut times: [Vec<f64>; 3] = Default::default();
    let mut ratios = Vec::new();
    for _ in 0..rounds {
        let a = timed(Box::pin(ours(Some(CONCURRENCY))));
        let b = timed(Box::pin(async {
            assert_eq!(baseline(&http, &target, largest).await, PARTICIPANTS);
        }));
        let c = timed(Box::pin(ours(None)));
        for (t, x) in times.iter_mut().zip([a, b, c]) {
            t.push(x);
        }
        ratios.push(a / b);
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let mut line = serde_json::Map::new();
    for (name, t) in names.iter().zip(times.iter_mut()) {
        let m = median(t);
        eprintln!(
            "mute_all/{name}: median {m:.1} ms of {rounds} rounds (list + {PARTICIPANTS} updates)"
        );
        line.insert(name.to_string(), m.into());
    }
    let ratio = median(&mut ratios);
    eprintln!(
        "ours / baseline_reqwest, the median of the rounds' ratios: {ratio:.3} (goal: at most 1.15)"
    );
    line.insert("ratio_of_rounds".into(), ratio.into());
    println!("{}", Value::Object(line));
}
