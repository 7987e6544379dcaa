//! `cargo xtask`: regenerate and review everything derived from the spec.
//!
//! - `cargo xtask regen`: lint the spec, recompute every artifact (request
//!   and response shapes, JSON Schemas, the generated Rust surface), write
//!   the snapshot files that changed, and say for each: unchanged, updated,
//!   new or removed.
//! - `cargo xtask regen --check`: write nothing; fail, with a unified diff per
//!   drifted artifact, if anything would change. CI runs this.
//! - `cargo xtask lint`: lint the spec and print every problem.

use std::path::Path;
use std::process::ExitCode;

use participants_shapes::artifacts::{self, SNAPSHOT_DIR, SNAPSHOT_PREFIX, workspace_root};
use participants_shapes::drift::{Entry, State, compare};

const HELP: &str = "\
cargo xtask <task>

Tasks:
  regen            lint the spec, regenerate every artifact derived from it, update the snapshots
  regen --check    write nothing; fail with a diff if any artifact is out of date (CI runs this)
  lint             lint openapi/participants.yaml and print every problem
  serve [--addr 127.0.0.1:PORT]
                   run the fake SignalWire server in the foreground; its first stdout line is
                   a JSON object with base_url, account_sid, auth_token, conference_sid, call_sids
  help             this text
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["regen"] => regen(false),
        ["regen", "--check"] | ["regen", "check"] => regen(true),
        ["lint"] => lint().map_or(ExitCode::FAILURE, |_| {
            println!("{}: no problems", participants_openapi::SPEC_PATH);
            ExitCode::SUCCESS
        }),
        ["serve"] => serve("127.0.0.1:8080"),
        ["serve", "--addr", addr] => serve(addr),
        [] | ["help"] | ["--help"] | ["-h"] => {
            print!("{HELP}");
            ExitCode::SUCCESS
        }
        other => {
            eprintln!("unknown task `{}`\n\n{HELP}", other.join(" "));
            ExitCode::from(2)
        }
    }
}

/// Runs the fake server's binary through cargo (so this crate stays small).
/// On Unix the xtask process becomes cargo, which becomes the server (cargo
/// runs binaries with exec), so a caller that stops this process stops the
/// server.
fn serve(addr: &str) -> ExitCode {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = std::process::Command::new(cargo);
    command.current_dir(workspace_root()).args([
        "run",
        "--quiet",
        "--package",
        "signalwire-participants-fake",
        "--",
        "--addr",
        addr,
    ]);
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt as _;
        let err = command.exec();
        eprintln!("cannot run cargo: {err}");
        ExitCode::FAILURE
    }
    #[cfg(not(unix))]
    match command.status() {
        Ok(s) if s.success() => ExitCode::SUCCESS,
        Ok(s) => ExitCode::from(u8::try_from(s.code().unwrap_or(1)).unwrap_or(1)),
        Err(e) => {
            eprintln!("cannot run cargo: {e}");
            ExitCode::FAILURE
        }
    }
}

fn lint() -> Option<participants_openapi::Spec> {
    match participants_openapi::load_workspace_spec() {
        Ok(spec) => Some(spec),
        Err(problems) => {
            eprintln!("{problems}");
            None
        }
    }
}

fn regen(check: bool) -> ExitCode {
    if lint().is_none() {
        eprintln!("nothing was written: fix the spec first");
        return ExitCode::FAILURE;
    }
    let all = match artifacts::all() {
        Ok(all) => all,
        Err(e) => {
            eprintln!("cannot compute the artifacts: {e}\nnothing was written");
            return ExitCode::FAILURE;
        }
    };
    let root = workspace_root();
    let entries = compare(&root, &all);
    let drifted: Vec<&Entry> = entries
        .iter()
        .filter(|e| e.state != State::Unchanged)
        .collect();

    if check {
        for e in &entries {
            println!(
                "{}: {}",
                e.path,
                if e.state == State::Unchanged {
                    "up to date"
                } else {
                    "OUT OF DATE"
                }
            );
        }
        if drifted.is_empty() {
            println!("all {} artifacts are up to date", entries.len());
            return ExitCode::SUCCESS;
        }
        for e in &drifted {
            let old = e.old.as_deref().unwrap_or("");
            let new = e.new.as_deref().unwrap_or("");
            let diff = similar::TextDiff::from_lines(old, new);
            println!(
                "\n{} ({}):\n{}",
                e.path,
                e.state.word(),
                diff.unified_diff()
                    .context_radius(3)
                    .header(&format!("a/{}", e.path), &format!("b/{}", e.path))
            );
        }
        eprintln!(
            "{} artifact{} not up to date with {}; run `cargo xtask regen`, review the diff and commit",
            drifted.len(),
            if drifted.len() == 1 { " is" } else { "s are" },
            participants_openapi::SPEC_PATH
        );
        return ExitCode::FAILURE;
    }

    for e in &entries {
        let result = match (e.state, &e.new) {
            (State::Unchanged, _) => Ok(()),
            (State::Removed, _) => std::fs::remove_file(root.join(&e.path)),
            (_, Some(new)) => write_atomically(&root.join(&e.path), new),
            (_, None) => Ok(()),
        };
        if let Err(err) = result {
            eprintln!("cannot write {}: {err}", e.path);
            return ExitCode::FAILURE;
        }
        println!("{}: {}", e.path, e.state.word());
    }
    remove_pending_snapshots(&root);
    ExitCode::SUCCESS
}

/// Writes through a temporary file in the same directory and renames it
/// into place, so the file is either the old one or the whole new one.
fn write_atomically(path: &Path, contents: &str) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.xtask-tmp"));
    std::fs::write(&tmp, contents)?;
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

/// insta's `.snap.new` files for our snapshots are stale once regen ran.
fn remove_pending_snapshots(root: &Path) {
    if let Ok(dir) = std::fs::read_dir(root.join(SNAPSHOT_DIR)) {
        for file in dir.flatten() {
            let name = file.file_name().to_string_lossy().into_owned();
            let bare = name.trim_start_matches('.');
            if bare.starts_with(SNAPSHOT_PREFIX)
                && (bare.ends_with(".snap.new") || bare.ends_with(".xtask-tmp"))
            {
                let _ = std::fs::remove_file(file.path());
            }
        }
    }
}
