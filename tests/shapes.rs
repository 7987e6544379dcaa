//! Snapshots of every request and response shape the spec implies, of the
//! JSON Schema of the client's types, and of the generated Rust surface.
//! `cargo xtask regen` writes them; these tests fail when they drift.

use participants_shapes::artifacts::{self, workspace_root};
use participants_shapes::drift::{State, compare};

#[test]
fn snapshots_match_the_spec() {
    let all = artifacts::all().unwrap_or_else(|e| panic!("{e}"));
    insta::with_settings!({ omit_expression => true, prepend_module_to_snapshot => true }, {
        for artifact in &all {
            insta::assert_snapshot!(artifact.name.as_str(), &artifact.body);
        }
    });
}

#[test]
fn no_drift_between_the_spec_and_the_committed_snapshots() {
    let all = artifacts::all().unwrap_or_else(|e| panic!("{e}"));
    let drifted: Vec<String> = compare(&workspace_root(), &all)
        .into_iter()
        .filter(|e| e.state != State::Unchanged)
        .map(|e| format!("{} ({})", e.path, e.state.word()))
        .collect();
    assert!(
        drifted.is_empty(),
        "snapshots are not up to date; run `cargo xtask regen` and review the diff:\n{}",
        drifted.join("\n")
    );
}

#[test]
fn artifacts_are_byte_identical_across_runs() {
    let first = artifacts::all().unwrap();
    let second = artifacts::all().unwrap();
    assert_eq!(first, second);
    for a in &first {
        assert!(
            !a.body.contains(participants_shapes::TOKEN),
            "{} leaks the token",
            a.name
        );
        assert!(
            !a.body.contains("127.0.0.1:") || a.body.contains("127.0.0.1:[port]"),
            "{} has a port",
            a.name
        );
        assert!(
            !a.body.contains(env!("CARGO_MANIFEST_DIR")),
            "{} has an absolute path",
            a.name
        );
    }
}
