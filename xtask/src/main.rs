//! `cargo xtask`: the workspace's buttons. It reads the spec with the
//! workspace's spec library and drives cargo (through `$CARGO`) for the
//! rest, so it never builds the client to lint a spec.
//!
//! One direction: scripts (`scripts/*.sh`) call the xtask, never the other
//! way round; the xtask runs cargo, and Redocly's own binary, but no script.
//!
//! - `cargo xtask lint`: our lint of the spec, then Redocly's when Node.js and
//!   the pinned Redocly CLI are installed (`bash scripts/redocly-lint.sh
//!   --install` installs it); every problem, located.
//! - `cargo xtask regen`: lint, compile every crate that uses the generated
//!   types (`--keep-going`: every broken crate in one round), build and run
//!   the snapshot tests with insta writing what changed (the header too, so
//!   `source:` stays current), remove stale snapshots; each step as it
//!   starts and the time it took; one line per snapshot (`unchanged`,
//!   `updated`, `new`, `removed`) and a count; then the review summary
//!   (`review.rs`): what the spec edit changes on the wire and in the Rust
//!   API against a base (the merge-base with `main`, or `--base REV`), the
//!   version the client crate needs and has, and the changelog.
//!   `--changelog` drafts the summary's entries in CHANGELOG.md.
//! - `cargo xtask regen --check`: the same, writing nothing (insta's pending
//!   files go to a temporary directory). It leads with its verdict and what
//!   fixes it, then the snapshot lines, the summary and a diff of each
//!   drifted snapshot. It fails on drift, on a stale snapshot file, on a
//!   breaking change without the version bump it needs, and on a change
//!   the changelog's Unreleased section does not mention. CI runs this.
//! - `cargo xtask docs`: the spec's HTML reference (`docs.rs`), with the
//!   pinned Redocly's `build-docs`, into `target/docs/`.
//! - `--all-features` (with either): compile and run with every feature of
//!   every crate, as the test command's other cargo steps do, so that they
//!   share one build instead of making one per feature set; `--clippy`:
//!   compile with `cargo clippy -- -D warnings` in place of `cargo check`
//!   (the test command's clippy step, so that it is not compiled twice);
//!   `--locked`: passed on to cargo.

mod docs;
mod fuzz_seeds;
mod review;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::Instant;

use participants_openapi::{SPEC_PATH, load_workspace_spec, workspace_root};

const HELP: &str = "\
cargo xtask <task>

Tasks:
  lint             lint openapi/participants.yaml (ours, then Redocly when it is installed:
                   `bash scripts/redocly-lint.sh --install` installs the pinned version)
  regen            lint, compile every crate that uses the generated types, update the snapshots,
                   and summarize what the spec edit changes (wire, Rust API, version, changelog)
  regen --check    the same, writing nothing; lead with the verdict and the fix; fail on a stale
                   snapshot, a breaking change without its version bump, or no changelog entry (CI)
  regen [--check] [--all-features] [--clippy] [--locked] [--base REV] [--changelog]
                   either, built with every feature of every crate (as the test command builds),
                   compiled by clippy with warnings as errors in place of cargo check, with
                   cargo's --locked, compared with REV (default: the merge-base with main), and
                   (without --check) with the summary's entries drafted in CHANGELOG.md
  serve [--addr 127.0.0.1:PORT] [--status-callback URL] [--participants N]
        [--events in-order|production-like] [--seed N] [--numbered true|false]
                   run the fake SignalWire server in the foreground; its first stdout line is
                   a JSON object with base_url, account_sid, auth_token, conference_sid, call_sids
                   and signing_key; with --status-callback (an http URL on loopback), the demo
                   conference's events are POSTed there, signed with signing_key: numbered, in
                   order and once each, or with --events production-like unnumbered, shuffled
                   and some twice, drawn from --seed (fake-server/README.md has every flag)
  docs             build the spec's HTML reference with the pinned Redocly (build-docs) into
                   target/docs/participants.html, and beside it what the page must show
                   (expected.json; `bash scripts/docs-check.sh` checks it in headless Chromium)
  fuzz-seeds       write each fuzz target's starting inputs to fuzz/seeds/ (from the spec, its
                   examples and fixtures, the reference pages, the request snapshots)
  help             this text
";

/// Where the snapshots live, the test binary that owns them (in
/// participants-shapes), and the filter that picks the snapshot tests (its
/// `shapes` module) out of it.
const SNAPSHOT_DIR: &str = "tests/snapshots";
const SNAPSHOT_TEST: [&str; 2] = ["--test", "participants"];
const SNAPSHOT_FILTER: &str = "shapes::";

/// The pinned Redocly CLI, as `scripts/redocly-lint.sh --install` installs it.
const REDOCLY_PREFIX: &str = "openapi/redocly";
const REDOCLY_BIN: &str = "openapi/redocly/node_modules/.bin/redocly";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let ok = match args.as_slice() {
        ["lint"] => lint(),
        ["regen", flags @ ..] => match Regen::from_flags(flags) {
            Some(options) => regen(options),
            None => {
                eprintln!("unknown regen flags `{}`\n\n{HELP}", flags.join(" "));
                return ExitCode::from(2);
            }
        },
        ["serve", flags @ ..] => serve(flags),
        ["docs"] => docs(),
        ["fuzz-seeds"] => fuzz_seeds::write().map_err(|e| eprintln!("{e}")).is_ok(),
        [] | ["help" | "--help" | "-h"] => {
            print!("{HELP}");
            true
        }
        other => {
            eprintln!("unknown task `{}`\n\n{HELP}", other.join(" "));
            return ExitCode::from(2);
        }
    };
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn cargo() -> Command {
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    command.current_dir(workspace_root());
    command
}

/// Our lint, with the generator run on what it accepts: the spec when both
/// accept it.
fn lint_spec() -> Option<participants_openapi::Spec> {
    match load_workspace_spec() {
        Err(problems) => {
            eprintln!("{problems}");
            None
        }
        Ok(spec) => match participants_openapi::generate(&spec) {
            Ok(_) => {
                println!("{SPEC_PATH}: no problems (the workspace's lint, and the generator)");
                Some(spec)
            }
            Err(e) => {
                eprintln!("{SPEC_PATH}: {e}");
                None
            }
        },
    }
}

fn lint() -> bool {
    let ours = lint_spec().is_some();
    let node = Command::new("node")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    if !node.is_ok_and(|s| s.success()) {
        println!("Redocly was not run: Node.js is not installed (the test command and CI run it)");
        return ours;
    }
    let root = workspace_root();
    let install = "bash scripts/redocly-lint.sh --install";
    match redocly_install_state(&root) {
        RedoclyInstall::Missing => {
            println!(
                "Redocly was not run: the pinned Redocly CLI is not installed in {REDOCLY_PREFIX}/node_modules; `{install}` installs it (the test command and CI run it)"
            );
            return ours;
        }
        RedoclyInstall::Stale => {
            println!(
                "Redocly was not run: {REDOCLY_PREFIX}/node_modules is older than {REDOCLY_PREFIX}/package-lock.json; `{install}` installs the pinned version"
            );
            return ours;
        }
        RedoclyInstall::Current => {}
    }
    println!("Redocly ({REDOCLY_BIN} lint {SPEC_PATH} --config redocly.yaml):");
    // The same environment as scripts/redocly-lint.sh sets (see there):
    // no telemetry, no update lookup, no notices; with these a lint opens
    // no network connection.
    let redocly = Command::new(root.join(REDOCLY_BIN))
        .args(["lint", SPEC_PATH, "--config", "redocly.yaml"])
        .env("REDOCLY_TELEMETRY", "off")
        .env("REDOCLY_SUPPRESS_UPDATE_NOTICE", "true")
        .env("REDOCLY_SUPPRESS_NOTIFICATIONS", "true")
        .current_dir(&root)
        .status();
    match redocly {
        Ok(status) => ours && status.success(),
        Err(e) => {
            eprintln!("cannot run {REDOCLY_BIN}: {e}");
            false
        }
    }
}

fn docs() -> bool {
    let Some(spec) = lint_spec() else {
        return false;
    };
    let root = workspace_root();
    let install = "bash scripts/redocly-lint.sh --install";
    match redocly_install_state(&root) {
        RedoclyInstall::Current => {}
        RedoclyInstall::Missing | RedoclyInstall::Stale => {
            eprintln!(
                "the pinned Redocly CLI is not installed (or is older than {REDOCLY_PREFIX}/package-lock.json); `{install}` installs it"
            );
            return false;
        }
    }
    docs::build(&root, &spec, &root.join(REDOCLY_BIN))
        .map_err(|e| eprintln!("{e}"))
        .is_ok()
}

enum RedoclyInstall {
    Missing,
    Stale,
    Current,
}

/// Whether the pinned Redocly CLI is installed, by the rule
/// scripts/redocly-lint.sh installs by: `npm ci` rewrites
/// `node_modules/.package-lock.json`, so an install older than the lock
/// file is stale.
fn redocly_install_state(root: &Path) -> RedoclyInstall {
    let modified = |path: &str| {
        std::fs::metadata(root.join(path))
            .and_then(|m| m.modified())
            .ok()
    };
    if !root.join(REDOCLY_BIN).is_file() {
        return RedoclyInstall::Missing;
    }
    let lock = modified(&format!("{REDOCLY_PREFIX}/package-lock.json"));
    let installed = modified(&format!("{REDOCLY_PREFIX}/node_modules/.package-lock.json"));
    match (lock, installed) {
        (Some(lock), Some(installed)) if lock <= installed => RedoclyInstall::Current,
        (None, Some(_)) => RedoclyInstall::Current,
        _ => RedoclyInstall::Stale,
    }
}

/// `cargo xtask regen`'s flags.
#[derive(Clone, Default)]
struct Regen {
    /// `--check`: write nothing, fail on drift.
    check: bool,
    /// `--all-features`: every feature of every crate.
    all_features: bool,
    /// `--clippy`: compile with clippy, warnings as errors.
    clippy: bool,
    /// `--locked`: cargo's.
    locked: bool,
    /// `--changelog`: draft the review's entries in CHANGELOG.md.
    changelog: bool,
    /// `--base REV`: the commit the review compares with.
    base: Option<String>,
}

impl Regen {
    fn from_flags(flags: &[&str]) -> Option<Regen> {
        let mut options = Regen::default();
        let mut flags = flags.iter();
        while let Some(flag) = flags.next() {
            let set = match *flag {
                "--check" => &mut options.check,
                "--all-features" => &mut options.all_features,
                "--clippy" => &mut options.clippy,
                "--locked" => &mut options.locked,
                "--changelog" => &mut options.changelog,
                "--base" => {
                    options.base = Some(flags.next()?.to_string());
                    continue;
                }
                other => {
                    options.base = Some(other.strip_prefix("--base=")?.to_string());
                    continue;
                }
            };
            *set = true;
        }
        // Writing the changelog is writing.
        (!(options.check && options.changelog)).then_some(options)
    }
}

/// Prints each step as it starts, and the time the one before took, so a
/// cold run (minutes of compiling) says what it is doing.
struct Steps {
    started: Instant,
    current: Option<Instant>,
}

impl Steps {
    fn new() -> Steps {
        Steps {
            started: Instant::now(),
            current: None,
        }
    }

    fn next(&mut self, what: &str) {
        self.finish();
        println!("== [{}s] {what}", self.started.elapsed().as_secs());
        self.current = Some(Instant::now());
    }

    fn finish(&mut self) {
        if let Some(current) = self.current.take() {
            println!("   (took {:.1}s)", current.elapsed().as_secs_f64());
        }
    }
}

/// The state of one snapshot after the run.
#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Unchanged,
    Updated,
    /// Only insta's header (`source:`...) differs.
    Metadata,
    New,
    Removed,
}

impl State {
    /// How the state reads: what was done (writing), or what would be
    /// (`--check`, which writes nothing).
    fn word(self, check: bool) -> &'static str {
        match (self, check) {
            (State::Unchanged, false) => "unchanged",
            (State::Unchanged, true) => "current",
            (State::Updated, false) => "updated",
            (State::Updated, true) => "out of date",
            (State::Metadata, false) => "metadata updated",
            (State::Metadata, true) => "out of date (metadata only)",
            (State::New, false) => "new",
            (State::New, true) => "missing (a test makes it)",
            (State::Removed, false) => "removed",
            (State::Removed, true) => "stale (no test makes it)",
        }
    }
}

fn regen(options: Regen) -> bool {
    let Regen {
        check,
        all_features,
        clippy,
        locked,
        changelog,
        ref base,
    } = options;
    let mut steps = Steps::new();
    // With every feature, the snapshot test is built for the whole
    // workspace: a build's features follow the packages it selects, and
    // this makes it the very build the test command's `cargo test` makes.
    let (mut cargo_flags, packages): (Vec<&str>, &[&str]) = if all_features {
        (vec!["--all-features"], &["--workspace"])
    } else {
        (vec![], &["--package", "participants-shapes"])
    };
    if locked {
        cargo_flags.push("--locked");
    }
    steps.next("lint the spec, generate from it, and compare it with the base");
    let Some(spec) = lint_spec() else {
        eprintln!("nothing was written: fix the spec first");
        return false;
    };
    let root = workspace_root();
    let summary = review::summarize(&root, &spec, base.as_deref());
    if let Err(why) = &summary {
        println!("no review summary: {why}");
    }
    let (compiler, lints): (&str, &[&str]) = if clippy {
        ("clippy", &["--", "-D", "warnings"])
    } else {
        ("check", &[])
    };
    let shown = [&cargo_flags[..], lints].concat().join(" ");
    // --keep-going: every crate the edit breaks, in one round, not only the
    // first one cargo meets.
    steps.next(&format!(
        "compile every crate that uses the generated types (cargo {compiler} --workspace --all-targets --keep-going {shown})"
    ));
    let compiled = cargo()
        .args([compiler, "--workspace", "--all-targets", "--keep-going"])
        .args(&cargo_flags)
        .args(lints)
        .status();
    if !compiled.is_ok_and(|s| s.success()) {
        let what = if clippy {
            "the code above does not compile with this spec, or clippy refuses it"
        } else {
            "the spec change breaks the code above"
        };
        steps.finish();
        if let Ok(summary) = &summary {
            println!("{}", summary.render());
        }
        eprintln!(
            "nothing was written: {what} (every failing crate is listed above); fix it (or the spec) first"
        );
        return false;
    }
    let scratch = root.join("target/xtask-regen");
    let _ = std::fs::remove_dir_all(&scratch);
    if let Err(e) = std::fs::create_dir_all(&scratch) {
        eprintln!("cannot create {}: {e}", scratch.display());
        return false;
    }
    let references = scratch.join("references");
    let before = snapshots(&root);
    // The snapshot test's build, on its own and with cargo's progress; its
    // run below is then quiet and quick.
    steps.next("build the snapshot tests");
    let built = cargo()
        .args(["test", "--no-run"])
        .args(packages)
        .args(&cargo_flags)
        .args(SNAPSHOT_TEST)
        .status();
    if !built.is_ok_and(|s| s.success()) {
        eprintln!("nothing was written: the snapshot tests do not build (see above)");
        return false;
    }
    steps.next(if check {
        "run the snapshot tests, writing nothing"
    } else {
        "run the snapshot tests, writing what changed"
    });
    let mut test = cargo();
    test.args(["test", "--quiet"])
        .args(packages)
        .args(&cargo_flags)
        .args(SNAPSHOT_TEST)
        .args(["--", SNAPSHOT_FILTER, "--nocapture", "--test-threads=1"]);
    // A full match: insta's header (`source:`...) is compared too, so a
    // snapshot whose test moved is rewritten (or, with --check, reported).
    test.env("INSTA_FORCE_PASS", "1")
        .env("INSTA_REQUIRE_FULL_MATCH", "1")
        .env("INSTA_SNAPSHOT_REFERENCES_FILE", &references);
    if check {
        test.env("INSTA_UPDATE", "new")
            .env("INSTA_PENDING_DIR", scratch.join("pending"));
    } else {
        test.env("INSTA_UPDATE", "always");
    }
    let output = match test.output() {
        Ok(output) => output,
        Err(e) => {
            eprintln!("cannot run cargo: {e}");
            return false;
        }
    };
    steps.finish();
    if !output.status.success() {
        eprint!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        eprintln!("the snapshot tests failed before comparing (see above)");
        return false;
    }
    let referenced: Vec<PathBuf> = std::fs::read_to_string(&references)
        .unwrap_or_default()
        .lines()
        .map(PathBuf::from)
        .collect();
    // Each snapshot's state, and with --check what the spec makes of it.
    let mut states: BTreeMap<String, (State, Option<String>)> = BTreeMap::new();
    for path in &referenced {
        let name = relative(&root, path);
        let made = if check {
            let pending = scratch
                .join("pending")
                .join(&name)
                .with_extension("snap.new");
            std::fs::read_to_string(pending).ok()
        } else {
            std::fs::read_to_string(path).ok()
        };
        let state = match (before.get(&name), &made) {
            (None, _) => State::New,
            (Some(_), None) => State::Unchanged,
            (Some(old), Some(new)) if old == new => State::Unchanged,
            (Some(old), Some(new)) if review::snapshot_body(old) == review::snapshot_body(new) => {
                State::Metadata
            }
            (Some(_), Some(_)) => State::Updated,
        };
        states.insert(name, (state, made.filter(|_| check)));
    }
    for stale in before
        .keys()
        .filter(|name| !states.contains_key(*name))
        .cloned()
        .collect::<Vec<_>>()
    {
        if !check && let Err(e) = std::fs::remove_file(root.join(&stale)) {
            eprintln!("cannot remove {stale}: {e}");
            return false;
        }
        states.insert(stale, (State::Removed, None));
    }
    if changelog && let Ok(summary) = &summary {
        let entries = summary.draft_entries();
        match review::write_entries(&root, &entries) {
            Ok(()) => println!(
                "{}: {} draft entries written under Unreleased; edit them",
                review::CHANGELOG,
                entries.len()
            ),
            Err(e) => {
                eprintln!("{e}");
                return false;
            }
        }
    }
    // The summary again, now that the changelog may have its entries.
    let summary = match summary {
        Ok(_) if changelog => review::summarize(&root, &spec, base.as_deref()),
        other => other,
    };
    let count = |state: State| states.values().filter(|(s, _)| *s == state).count();
    let drifted = states.len() - count(State::Unchanged);
    let counts = [
        State::Unchanged,
        State::Updated,
        State::Metadata,
        State::New,
        State::Removed,
    ]
    .map(|s| format!("{} {}", count(s), s.word(check)))
    .join(", ");
    let snapshot_lines: Vec<String> = (states.iter())
        .map(|(name, (state, _))| format!("{name}: {}", state.word(check)))
        .chain([format!("{} snapshots: {counts}", states.len())])
        .collect();
    if !check {
        println!("{}", snapshot_lines.join("\n"));
        if let Ok(summary) = &summary {
            println!("{}", summary.render());
        }
        return true;
    }
    // --check: the verdict first, then what fixes it, then the details.
    let mut failures = Vec::new();
    let mut fixes = Vec::new();
    if drifted > 0 {
        failures.push(format!(
            "{drifted} snapshot(s) out of date with {SPEC_PATH} (or with the code that makes them)"
        ));
        fixes.push(format!(
            "run `cargo xtask regen`, review `git diff {SNAPSHOT_DIR}`, and commit the snapshots with the spec"
        ));
    }
    if let Ok(summary) = &summary {
        if summary.missing_bump() {
            failures.push(format!(
                "a breaking change ({}) and {} is still {}",
                summary.review.bump(),
                review::CLIENT,
                summary.have
            ));
        }
        if summary.missing_entry() {
            failures.push(format!(
                "{}: Unreleased says nothing about this change",
                review::CHANGELOG
            ));
        }
        fixes.extend(summary.fixes());
    }
    if failures.is_empty() {
        println!("verdict: ok, {} snapshots current", states.len());
    } else {
        println!("verdict: FAILED");
        failures.iter().for_each(|f| println!("  - {f}"));
        println!("fix:");
        fixes.iter().for_each(|f| println!("  - {f}"));
    }
    println!("{}", snapshot_lines.join("\n"));
    if let Ok(summary) = &summary {
        println!("{}", summary.render());
    }
    for (name, (state, made)) in &states {
        let (State::Updated | State::Metadata, Some(made)) = (state, made) else {
            continue;
        };
        let old = before.get(name).map(String::as_str).unwrap_or_default();
        let (old, made) = match state {
            State::Metadata => (old, made.as_str()),
            _ => (review::snapshot_body(old), review::snapshot_body(made)),
        };
        let diff = similar::TextDiff::from_lines(old, made);
        println!("--- {name} (committed)\n+++ {name} (what the spec makes)");
        print!("{}", diff.unified_diff().context_radius(2));
    }
    failures.is_empty()
}

/// The committed snapshot files (`*.snap`) and their contents.
fn snapshots(root: &Path) -> BTreeMap<String, String> {
    let entries = std::fs::read_dir(root.join(SNAPSHOT_DIR))
        .into_iter()
        .flatten()
        .flatten();
    entries
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "snap"))
        .filter_map(|p| Some((relative(root, &p), std::fs::read_to_string(&p).ok()?)))
        .collect()
}

fn relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

/// Runs the fake server's binary through cargo. On Unix the xtask process
/// becomes cargo, which becomes the server (cargo runs binaries with exec),
/// so a caller that stops this process stops the server.
fn serve(flags: &[&str]) -> bool {
    let mut command = cargo();
    command.args([
        "run",
        "--quiet",
        "--package",
        "signalwire-participants-fake",
        "--",
    ]);
    // The fake's own flags (`--addr`, `--status-callback`, `--events`...);
    // it checks them.
    command.args(flags);
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt as _;
        eprintln!("cannot run cargo: {}", command.exec());
        false
    }
    #[cfg(not(unix))]
    command.status().is_ok_and(|s| s.success())
}
