//! Decoding each seed response and encoding each seed update, as the client
//! does on every call (`cargo bench -p signalwire-participants --bench codec`;
//! the encoding figure leaves out the request hook's form checks).
//! Goal: under 5 microseconds per participant decode. The baseline in the
//! same run is `serde_json::Value`, the cheapest decode that keeps every field.

use criterion::{Criterion, criterion_group, criterion_main};
use signalwire_participants::types::{Participant, UpdateParticipantRequest};

fn codec(c: &mut Criterion) {
    let responses: Vec<(String, Vec<u8>)> = participants_shapes::response_examples()
        .into_iter()
        .map(|(name, body)| (name, serde_json::to_vec(&body).expect("json")))
        .collect();
    let updates: Vec<(String, UpdateParticipantRequest)> = participants_shapes::update_examples()
        .into_iter()
        .map(|(name, body)| (name, serde_json::from_value(body).expect("an update")))
        .collect();
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
    let client = signalwire_participants::Client::twilio("AC0123456789abcdef0123456789abcdef", "t")
        .expect("a client");
    c.bench_function("validate/participant_ids", |b| {
        b.iter(|| {
            client
                .participant_in_account(
                    std::hint::black_box("b3877c40-da60-4998-90ad-b792e98472af"),
                    std::hint::black_box("b3877c40-da60-4998-90ad-b792e98472ae"),
                    std::hint::black_box("b3877c40-da60-4998-90ad-b792e98472ca"),
                )
                .unwrap()
                .call_sid()
                .len()
        })
    });
    for (name, body) in &updates {
        c.bench_function(&format!("encode/{name}"), |b| {
            b.iter(|| serde_urlencoded::to_string(std::hint::black_box(body)).unwrap())
        });
    }
}

criterion_group!(benches, codec);
criterion_main!(benches);
