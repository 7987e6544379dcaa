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
//! `cargo bench -p participants-shapes --bench mute_all`

use criterion::{Criterion, criterion_group, criterion_main};
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

fn mute_all(c: &mut Criterion) {
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
        .find(|p| p.operation == "list_participants" && p.name == "PageSize")
        .and_then(|p| p.maximum)
        .and_then(|n| u64::try_from(n).ok())
        .expect("the spec bounds PageSize");
    let http = participants_shapes::raw_http_client();

    let mut group = c.benchmark_group("mute_all");
    group.sample_size(20);
    group.bench_function("ours", |b| {
        b.to_async(&rt).iter(|| async {
            let report = client
                .participants(&target.conference)
                .unwrap()
                .mute_all()
                .concurrency(CONCURRENCY)
                .await
                .unwrap();
            assert_eq!(report.succeeded_count(), PARTICIPANTS);
        })
    });
    group.bench_function("baseline_reqwest", |b| {
        b.to_async(&rt).iter(|| async {
            assert_eq!(baseline(&http, &target, largest).await, PARTICIPANTS);
        })
    });
    // For the record: the default concurrency.
    group.bench_function("ours_default_concurrency", |b| {
        b.to_async(&rt).iter(|| async {
            let report = client
                .participants(&target.conference)
                .unwrap()
                .mute_all()
                .await
                .unwrap();
            assert_eq!(report.succeeded_count(), PARTICIPANTS);
        })
    });
    group.finish();
}

criterion_group!(benches, mute_all);
criterion_main!(benches);
