//! Decoding each seed response and encoding each seed update, as the client
//! does on every call (`cargo bench -p signalwire-participants --bench codec`).
//! Goal: under 5 microseconds per participant decode. The baseline in the
//! same run is `serde_json::Value`, the cheapest decode that keeps every field.

use criterion::{Criterion, criterion_group, criterion_main};
use signalwire_participants::types::{Participant, UpdateParticipantRequest};

const PATH: &str =
    "/2010-04-01/Accounts/{AccountSid}/Conferences/{ConferenceSid}/Participants/{CallSid}.json";

/// Named response bodies and named update bodies.
type Examples = (
    Vec<(String, Vec<u8>)>,
    Vec<(String, UpdateParticipantRequest)>,
);

fn examples() -> Examples {
    let spec = participants_openapi::load_workspace_spec().expect("the spec lints");
    let op = spec
        .tree
        .get("paths")
        .and_then(|p| p.get(PATH))
        .and_then(|p| p.get("post"))
        .expect("update");
    let responses = op
        .pointer("/responses/200/content/application~1json/examples")
        .expect("response examples")
        .entries()
        .iter()
        .map(|(k, v)| {
            let v = participants_openapi::check::resolve(v, &spec.tree).expect("resolves");
            (
                k.name.clone(),
                serde_json::to_vec(&v.get("value").expect("value").to_json()).expect("json"),
            )
        })
        .collect();
    let updates = op
        .pointer("/requestBody/content/application~1x-www-form-urlencoded/examples")
        .expect("request examples")
        .entries()
        .iter()
        .map(|(k, v)| {
            let body = serde_json::from_value(v.get("value").expect("value").to_json())
                .expect("an update");
            (k.name.clone(), body)
        })
        .collect();
    (responses, updates)
}

fn codec(c: &mut Criterion) {
    let (responses, updates) = examples();
    for (name, bytes) in &responses {
        c.bench_function(&format!("decode/{name}/participant"), |b| {
            b.iter(|| serde_json::from_slice::<Participant>(std::hint::black_box(bytes)).unwrap())
        });
        c.bench_function(&format!("decode/{name}/baseline_json_value"), |b| {
            b.iter(|| {
                serde_json::from_slice::<serde_json::Value>(std::hint::black_box(bytes)).unwrap()
            })
        });
    }
    for (name, body) in &updates {
        c.bench_function(&format!("encode/{name}"), |b| {
            b.iter(|| {
                signalwire_participants::check_update(std::hint::black_box(body)).unwrap();
                serde_urlencoded::to_string(std::hint::black_box(body)).unwrap()
            })
        });
    }
}

criterion_group!(benches, codec);
criterion_main!(benches);
