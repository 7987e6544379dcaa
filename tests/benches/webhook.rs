//! Receiving one conference callback, measured in CPU time (the thread's
//! CPU clock, `CLOCK_THREAD_CPUTIME_ID`, the clock
//! scripts/sdk/webhook_bench.py reads for twilio-python's
//! `RequestValidator.validate` on the same inputs,
//! tests/benches/webhook_event.json): verified and decoded into the typed
//! event (`events::receive`, what an application calls), and verified alone
//! (`webhook::Verifier::verify`: the raw form body split, sorted and
//! HMAC-SHA1 checked). `bash scripts/webhook-bench.sh` runs both sides and
//! prints the ratios; the goal is at least 20 times less CPU than
//! twilio-python.

use std::hint::black_box;

use criterion::measurement::{Measurement, ValueFormatter};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use signalwire_participants::events;
use signalwire_participants::types::ConferenceEvent;
use signalwire_participants::webhook::{Provider, Verifier};

/// The calling thread's CPU time, in nanoseconds.
struct ThreadCpu;

fn thread_cpu_ns() -> u64 {
    let mut t = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `t` is a valid timespec for clock_gettime to write.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut t) };
    assert_eq!(rc, 0, "clock_gettime(CLOCK_THREAD_CPUTIME_ID)");
    t.tv_sec as u64 * 1_000_000_000 + t.tv_nsec as u64
}

impl Measurement for ThreadCpu {
    type Intermediate = u64;
    type Value = u64;
    fn start(&self) -> u64 {
        thread_cpu_ns()
    }
    fn end(&self, started: u64) -> u64 {
        thread_cpu_ns() - started
    }
    fn add(&self, a: &u64, b: &u64) -> u64 {
        a + b
    }
    fn zero(&self) -> u64 {
        0
    }
    fn to_f64(&self, value: &u64) -> f64 {
        *value as f64
    }
    fn formatter(&self) -> &dyn ValueFormatter {
        &CpuFormatter
    }
}

/// Nanoseconds of CPU, shown as criterion shows wall time.
struct CpuFormatter;

impl ValueFormatter for CpuFormatter {
    fn scale_values(&self, typical: f64, values: &mut [f64]) -> &'static str {
        let (factor, unit) = match typical {
            t if t < 1e3 => (1.0, "ns (CPU)"),
            t if t < 1e6 => (1e-3, "µs (CPU)"),
            t if t < 1e9 => (1e-6, "ms (CPU)"),
            _ => (1e-9, "s (CPU)"),
        };
        values.iter_mut().for_each(|v| *v *= factor);
        unit
    }
    fn scale_throughputs(
        &self,
        _: f64,
        throughput: &Throughput,
        values: &mut [f64],
    ) -> &'static str {
        // Not used here (no benchmark sets a throughput): per element.
        let per = match throughput {
            Throughput::Elements(n) => *n as f64,
            _ => 1.0,
        };
        values.iter_mut().for_each(|v| *v = per * 1e9 / *v);
        "per CPU second"
    }
    fn scale_for_machines(&self, _: &mut [f64]) -> &'static str {
        "ns"
    }
}

/// The inputs, shared with twilio-python's side of the comparison.
struct Event {
    auth_token: String,
    url: String,
    body: String,
}

fn event() -> Event {
    let v: serde_json::Value = serde_json::from_str(include_str!("webhook_event.json")).unwrap();
    let field = |name: &str| v[name].as_str().unwrap().to_string();
    Event {
        auth_token: field("auth_token"),
        url: field("url"),
        body: field("body"),
    }
}

/// The cases both groups measure: a name, and the verifier and headers of
/// the event signed as that case signs it.
fn cases(event: &Event) -> Vec<(&'static str, Verifier, http::HeaderMap)> {
    let url = event.url.as_str();
    let url_443 = url.replacen("example.com/", "example.com:443/", 1);
    [
        // Signed over the URL as stated: one HMAC.
        ("twilio", Provider::Twilio, url),
        // Signed with the default port: the second form tried, two HMACs
        // (as twilio-python computes on every call).
        ("twilio_default_port", Provider::Twilio, url_443.as_str()),
        ("signalwire", Provider::SignalWire, url),
    ]
    .into_iter()
    .map(|(name, provider, signed_url)| {
        let verifier = Verifier::new(provider, event.auth_token.as_str()).unwrap();
        let mut headers = http::HeaderMap::new();
        let signature = verifier.sign(signed_url, event.body.as_bytes()).unwrap();
        headers.insert(provider.signature_header(), signature.parse().unwrap());
        (name, verifier, headers)
    })
    .collect()
}

fn verify(c: &mut Criterion<ThreadCpu>) {
    let event = event();
    let body = event.body.as_bytes();
    let url = event.url.as_str();
    let mut group = c.benchmark_group("webhook/verify");
    for (name, verifier, headers) in cases(&event) {
        verifier
            .verify(url, &headers, body)
            .expect("the event verifies");
        group.bench_function(name, |b| {
            b.iter(|| {
                verifier
                    .verify(black_box(url), black_box(&headers), black_box(body))
                    .unwrap()
            })
        });
    }
    // A forged body: both forms of the URL tried, then refused.
    let verifier = Verifier::twilio(event.auth_token.as_str()).unwrap();
    let mut headers = http::HeaderMap::new();
    let signature = verifier.sign(url, body).unwrap();
    headers.insert("x-twilio-signature", signature.parse().unwrap());
    let forged = event.body.replace("participant-leave", "participant-join");
    group.bench_function("twilio_forged", |b| {
        b.iter(|| {
            verifier
                .verify(
                    black_box(url),
                    black_box(&headers),
                    black_box(forged.as_bytes()),
                )
                .unwrap_err()
        })
    });
    group.finish();
}

/// Verifying and decoding: `events::receive`, the signature checked and the
/// body read into the typed `ConferenceEvent`, what an application calls.
fn receive(c: &mut Criterion<ThreadCpu>) {
    let event = event();
    let body = event.body.as_bytes();
    let url = event.url.as_str();
    let mut group = c.benchmark_group("webhook/receive");
    for (name, verifier, headers) in cases(&event) {
        let decoded = events::receive(&verifier, url, &headers, body).expect("the event is read");
        assert_eq!(decoded.sequence_number, Some(4));
        group.bench_function(name, |b| {
            b.iter(|| {
                events::receive(
                    &verifier,
                    black_box(url),
                    black_box(&headers),
                    black_box(body),
                )
                .unwrap()
            })
        });
    }
    // Decoding alone, for the share it takes.
    group.bench_function("decode_only", |b| {
        b.iter(|| ConferenceEvent::from_form(black_box(body)).unwrap())
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().with_measurement(ThreadCpu);
    targets = verify, receive
}
criterion_main!(benches);
