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
//!   types, run the snapshot tests with insta writing what changed, remove
//!   stale snapshots; one line per snapshot (`unchanged`, `updated`, `new`,
//!   `removed`) and a count.
//! - `cargo xtask regen --check`: the same, writing nothing (insta's pending
//!   files go to a temporary directory); fails with insta's diff on drift or
//!   a stale snapshot file. CI runs this.
//! - `--all-features` (with either): compile and run with every feature of
//!   every crate, as the test command's other cargo steps do, so that they
//!   share one build instead of making one per feature set; `--clippy`:
//!   compile with `cargo clippy -- -D warnings` in place of `cargo check`
//!   (the test command's clippy step, so that it is not compiled twice);
//!   `--locked`: passed on to cargo.

mod fuzz_seeds;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};

use participants_openapi::{SPEC_PATH, load_workspace_spec, workspace_root};

const HELP: &str = "\
cargo xtask <task>

Tasks:
  lint             lint openapi/participants.yaml (ours, then Redocly when it is installed:
                   `bash scripts/redocly-lint.sh --install` installs the pinned version)
  regen            lint, compile every crate that uses the generated types, update the snapshots
  regen --check    the same, writing nothing; fail with a diff if a snapshot is out of date (CI)
  regen [--check] [--all-features] [--clippy] [--locked]
                   either, built with every feature of every crate (as the test command builds),
                   compiled by clippy with warnings as errors in place of cargo check, and
                   with cargo's --locked
  serve [--addr 127.0.0.1:PORT] [--status-callback URL] [--participants N]
        [--events in-order|production-like] [--seed N] [--numbered true|false]
                   run the fake SignalWire server in the foreground; its first stdout line is
                   a JSON object with base_url, account_sid, auth_token, conference_sid, call_sids
                   and signing_key; with --status-callback (an http URL on loopback), the demo
                   conference's events are POSTed there, signed with signing_key: numbered, in
                   order and once each, or with --events production-like unnumbered, shuffled
                   and some twice, drawn from --seed (fake-server/README.md has every flag)
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

/// Our lint, with the generator run on what it accepts.
fn lint_spec() -> bool {
    match load_workspace_spec() {
        Err(problems) => {
            eprintln!("{problems}");
            false
        }
        Ok(spec) => match participants_openapi::generate(&spec) {
            Ok(_) => {
                println!("{SPEC_PATH}: no problems (the workspace's lint, and the generator)");
                true
            }
            Err(e) => {
                eprintln!("{SPEC_PATH}: {e}");
                false
            }
        },
    }
}

fn lint() -> bool {
    let ours = lint_spec();
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
#[derive(Clone, Copy, Default)]
struct Regen {
    /// `--check`: write nothing, fail on drift.
    check: bool,
    /// `--all-features`: every feature of every crate.
    all_features: bool,
    /// `--clippy`: compile with clippy, warnings as errors.
    clippy: bool,
    /// `--locked`: cargo's.
    locked: bool,
}

impl Regen {
    fn from_flags(flags: &[&str]) -> Option<Regen> {
        let mut options = Regen::default();
        for flag in flags {
            let set = match *flag {
                "--check" => &mut options.check,
                "--all-features" => &mut options.all_features,
                "--clippy" => &mut options.clippy,
                "--locked" => &mut options.locked,
                _ => return None,
            };
            *set = true;
        }
        Some(options)
    }
}

fn regen(options: Regen) -> bool {
    let Regen {
        check,
        all_features,
        clippy,
        locked,
    } = options;
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
    if !lint_spec() {
        eprintln!("nothing was written: fix the spec first");
        return false;
    }
    let (compiler, lints): (&str, &[&str]) = if clippy {
        ("clippy", &["--", "-D", "warnings"])
    } else {
        ("check", &[])
    };
    let shown = [&cargo_flags[..], lints].concat().join(" ");
    println!(
        "compiling every crate that uses the generated types (cargo {compiler} --workspace --all-targets {shown})"
    );
    let compiled = cargo()
        .args([compiler, "--workspace", "--all-targets", "--quiet"])
        .args(&cargo_flags)
        .args(lints)
        .status();
    if !compiled.is_ok_and(|s| s.success()) {
        let what = if clippy {
            "the code above does not compile with this spec, or clippy refuses it"
        } else {
            "the spec change breaks the code above"
        };
        eprintln!("nothing was written: {what}; fix it (or the spec) first");
        return false;
    }
    let root = workspace_root();
    let scratch = root.join("target/xtask-regen");
    let _ = std::fs::remove_dir_all(&scratch);
    if let Err(e) = std::fs::create_dir_all(&scratch) {
        eprintln!("cannot create {}: {e}", scratch.display());
        return false;
    }
    let references = scratch.join("references");
    let before = snapshots(&root);
    let mut test = cargo();
    test.args(["test", "--quiet"])
        .args(packages)
        .args(&cargo_flags)
        .args(SNAPSHOT_TEST)
        .args(["--", SNAPSHOT_FILTER, "--nocapture", "--test-threads=1"]);
    test.env("INSTA_FORCE_PASS", "1")
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
    let mut states: BTreeMap<String, &str> = BTreeMap::new();
    for path in &referenced {
        let name = relative(&root, path);
        let state = if check {
            let pending = scratch
                .join("pending")
                .join(&name)
                .with_extension("snap.new");
            match (pending.exists(), before.contains_key(&name)) {
                (false, _) => "unchanged",
                (true, true) => "updated",
                (true, false) => "new",
            }
        } else {
            match before.get(&name) {
                None => "new",
                Some(old) if std::fs::read_to_string(path).ok().as_ref() == Some(old) => {
                    "unchanged"
                }
                Some(_) => "updated",
            }
        };
        states.insert(name, state);
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
        states.insert(stale, "removed");
    }
    let drifted = states.values().filter(|s| **s != "unchanged").count();
    if check && drifted > 0 {
        // insta's own diff of each drifted snapshot.
        print!("{}", String::from_utf8_lossy(&output.stdout));
    }
    for (name, state) in &states {
        println!("{name}: {state}");
    }
    let count = |word: &str| states.values().filter(|s| **s == word).count();
    println!(
        "{} snapshots: {} unchanged, {} updated, {} new, {} removed",
        states.len(),
        count("unchanged"),
        count("updated"),
        count("new"),
        count("removed")
    );
    if check && drifted > 0 {
        eprintln!(
            "{drifted} snapshot(s) out of date with {SPEC_PATH}; run `cargo xtask regen`, review `git diff {SNAPSHOT_DIR}` and commit"
        );
        return false;
    }
    true
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
