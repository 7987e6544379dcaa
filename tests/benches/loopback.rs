//! End to end over loopback with keep-alive, against the fake: our client
//! and, in the same run, a hand-written `reqwest` baseline making the same
//! requests (`cargo bench -p signalwire-participants-fake --bench loopback`).
//! Goal: our median at most 1.10 times the baseline's.

use criterion::{Criterion, criterion_group, criterion_main};
use signalwire_participants::Client;
use signalwire_participants_fake::{DEMO_ACCOUNT, DEMO_CALLS, DEMO_CONFERENCE, DEMO_TOKEN};

/// The floor for a reqwest-based client: the update, hand-written.
async fn baseline_mute(http: &reqwest::Client, url: &str) -> serde_json::Value {
    let request = http
        .post(url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("Muted=true");
    send(request).await
}

/// The floor for a reqwest-based client: the retrieve, hand-written.
async fn baseline_retrieve(http: &reqwest::Client, url: &str) -> serde_json::Value {
    send(http.get(url)).await
}

/// What both baseline requests share: credentials, `Accept`, a JSON decode.
async fn send(request: reqwest::RequestBuilder) -> serde_json::Value {
    let resp = request
        .basic_auth(DEMO_ACCOUNT, Some(DEMO_TOKEN))
        .header("accept", "application/json")
        .send()
        .await
        .unwrap();
    assert!(resp.status().is_success());
    serde_json::from_slice(&resp.bytes().await.unwrap()).unwrap()
}

fn loopback(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    let server = rt
        .block_on(signalwire_participants_fake::start("127.0.0.1:0"))
        .expect("the fake starts");
    let base = server.demo().base_url;
    let client = Client::with_base_url(&base, DEMO_ACCOUNT, DEMO_TOKEN).expect("a client");
    let url = format!(
        "{base}/2010-04-01/Accounts/{DEMO_ACCOUNT}/Conferences/{DEMO_CONFERENCE}/Participants/{}.json",
        DEMO_CALLS[0]
    );
    // The floor for a reqwest-based client: the same request, hand-written.
    let baseline = participants_shapes::raw_http_client();
    // The same floor with the settings our client always has (timeouts, user
    // agent): separates the cost of those settings from the cost of our layer.
    let baseline_same_settings = reqwest::Client::builder()
        .connect_timeout(signalwire_participants::DEFAULT_CONNECT_TIMEOUT)
        .timeout(signalwire_participants::DEFAULT_TIMEOUT)
        .user_agent(signalwire_participants::USER_AGENT)
        .build()
        .expect("a reqwest client");

    let mut group = c.benchmark_group("loopback");
    group.bench_function("update_mute/ours", |b| {
        b.to_async(&rt).iter(|| async {
            client
                .participant(DEMO_CONFERENCE, DEMO_CALLS[0])
                .unwrap()
                .mute()
                .await
                .unwrap()
        })
    });
    group.bench_function("update_mute/baseline_reqwest", |b| {
        b.to_async(&rt)
            .iter(|| async { baseline_mute(&baseline, &url).await })
    });
    group.bench_function("update_mute/baseline_reqwest_same_settings", |b| {
        b.to_async(&rt)
            .iter(|| async { baseline_mute(&baseline_same_settings, &url).await })
    });
    group.bench_function("retrieve/ours", |b| {
        b.to_async(&rt).iter(|| async {
            client
                .participant(DEMO_CONFERENCE, DEMO_CALLS[0])
                .unwrap()
                .retrieve()
                .await
                .unwrap()
        })
    });
    group.bench_function("retrieve/baseline_reqwest", |b| {
        b.to_async(&rt)
            .iter(|| async { baseline_retrieve(&baseline, &url).await })
    });
    group.finish();
    drop(server);
}

criterion_group!(benches, loopback);
criterion_main!(benches);
