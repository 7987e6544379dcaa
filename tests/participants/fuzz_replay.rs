//! Every input the fuzzers kept (`fuzz/corpus/<target>/`) and every input
//! that once broke a target (`fuzz/artifacts/<target>/`), through the same
//! checks as the fuzz targets (`fuzz/harness.rs`), on the stable toolchain:
//! a regression shows up in `cargo test` without nightly or libFuzzer.

// The fuzz workspace's own file (`fuzz/` is a cargo workspace of its own,
// built on nightly), compiled here as a module: the one `#[path]` left.
#[path = "../../fuzz/harness.rs"]
mod harness;

use std::path::Path;

fn inputs(target: &str) -> Vec<std::path::PathBuf> {
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz");
    let mut paths = Vec::new();
    for kind in ["corpus", "artifacts"] {
        if let Ok(entries) = std::fs::read_dir(fuzz.join(kind).join(target)) {
            paths.extend(entries.map(|e| e.unwrap().path()));
        }
    }
    paths.sort();
    paths
}

fn replay(target: &str, check: fn(&[u8])) {
    let paths = inputs(target);
    assert!(
        paths.len() >= 10,
        "fuzz/corpus/{target} is (nearly) empty: {} inputs",
        paths.len()
    );
    for path in paths {
        let data = std::fs::read(&path).unwrap();
        // A failing input is named before the panic propagates.
        let outcome = std::panic::catch_unwind(|| check(&data));
        assert!(
            outcome.is_ok(),
            "{} fails the `{target}` checks",
            path.display()
        );
    }
}

#[test]
fn spec() {
    replay("spec", harness::spec);
}

#[test]
fn participant() {
    replay("participant", harness::participant);
}

#[test]
fn date() {
    replay("date", harness::date);
}

#[test]
fn path_ids() {
    replay("path_ids", harness::path_ids);
}

#[test]
fn webhook() {
    replay("webhook", harness::webhook);
}
