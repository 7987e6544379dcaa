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

/// Runs every input of `target` through `check`, on as many threads as
/// there are cores (the `spec` corpus alone takes half a minute on one),
/// then asserts on each outcome in order.
fn replay(target: &str, check: fn(&[u8])) {
    let paths = inputs(target);
    assert!(
        paths.len() >= 10,
        "fuzz/corpus/{target} is (nearly) empty: {} inputs",
        paths.len()
    );
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut outcomes: Vec<(usize, bool)> = std::thread::scope(|scope| {
        let threads: Vec<_> = (0..workers)
            .map(|worker| {
                let paths = &paths;
                scope.spawn(move || {
                    let mine = (worker..paths.len()).step_by(workers);
                    mine.map(|i| {
                        let data = std::fs::read(&paths[i]).unwrap();
                        // A failing input's panic is printed as it happens.
                        (i, std::panic::catch_unwind(|| check(&data)).is_ok())
                    })
                    .collect::<Vec<_>>()
                })
            })
            .collect();
        threads
            .into_iter()
            .flat_map(|t| t.join().unwrap())
            .collect()
    });
    outcomes.sort_unstable();
    for (i, ok) in outcomes {
        assert!(ok, "{} fails the `{target}` checks", paths[i].display());
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
