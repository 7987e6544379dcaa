//! Codegen: spec text to formatted Rust, in-process (`cargo bench -p participants-openapi`).
//! Goal: median under 20 ms. Also the parts, so a miss says where time goes.

use criterion::{Criterion, criterion_group, criterion_main};

fn codegen(c: &mut Criterion) {
    let text = std::fs::read(participants_openapi::spec_path()).expect("read the spec");
    let spec =
        participants_openapi::lint(participants_openapi::SPEC_PATH, &text).expect("the spec lints");
    let code = participants_openapi::generate(&spec).expect("the spec generates");

    c.bench_function("codegen/spec_text_to_formatted_rust", |b| {
        b.iter(|| {
            let spec = participants_openapi::lint(
                participants_openapi::SPEC_PATH,
                std::hint::black_box(&text),
            )
            .unwrap();
            participants_openapi::generate(&spec).unwrap()
        })
    });
    c.bench_function("codegen/parts/load_and_lint", |b| {
        b.iter(|| {
            participants_openapi::lint(participants_openapi::SPEC_PATH, std::hint::black_box(&text))
                .unwrap()
        })
    });
    c.bench_function("codegen/parts/generate_and_format", |b| {
        b.iter(|| participants_openapi::generate(std::hint::black_box(&spec)).unwrap())
    });
    c.bench_function("codegen/parts/surface_listing", |b| {
        b.iter(|| participants_openapi::surface(std::hint::black_box(&code)).unwrap())
    });
}

criterion_group!(benches, codegen);
criterion_main!(benches);
