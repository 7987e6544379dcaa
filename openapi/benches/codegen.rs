//! Codegen: spec text to formatted Rust, in-process (`cargo bench -p participants-openapi`).
//! Goal: median under 20 ms. Also the parts, so a miss says where time goes.

use criterion::{Criterion, criterion_group, criterion_main};

fn codegen(c: &mut Criterion) {
    let root = participants_openapi::workspace_root();
    let text = std::fs::read(participants_openapi::spec_path()).expect("read the spec");
    let rows = std::fs::read_to_string(root.join("openapi/RECONCILIATION.md")).expect("read it");
    let lint = |text: &[u8]| {
        participants_openapi::lint(participants_openapi::SPEC_PATH, text, Some(&rows))
            .expect("the spec lints")
    };
    let spec = lint(&text);

    c.bench_function("codegen/spec_text_to_formatted_rust", |b| {
        b.iter(|| participants_openapi::generate(&lint(std::hint::black_box(&text))).unwrap())
    });
    c.bench_function("codegen/parts/load_and_lint", |b| {
        b.iter(|| lint(std::hint::black_box(&text)))
    });
    c.bench_function("codegen/parts/generate_and_format", |b| {
        b.iter(|| participants_openapi::generate(std::hint::black_box(&spec)).unwrap())
    });
}

criterion_group!(benches, codegen);
criterion_main!(benches);
