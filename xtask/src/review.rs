//! The review summary of `cargo xtask regen`: what the working tree's spec
//! changes against a base commit (the merge-base with `main` unless
//! `--base REV` says otherwise), on the wire and in the Rust API, the
//! version the client crate then needs, and whether CHANGELOG.md's
//! Unreleased section says anything about it. The classification is the
//! spec library's (`participants_openapi::review`); this module reads the
//! base from git and the versions and the changelog from the files.

use std::path::Path;
use std::process::Command;

use participants_openapi::review::{Bump, Review, Version, Wire};
use participants_openapi::{SPEC_PATH, Spec, generate, surface::surface};

/// The snapshot that lists the generated Rust surface.
pub const SURFACE_SNAPSHOT: &str = "tests/snapshots/shapes__rust_surface.snap";
/// The crate whose API is generated, and the manifests that carry its
/// version: its own, and the fake's dependency on it.
pub const CLIENT: &str = "signalwire-participants";
pub const CLIENT_MANIFEST: &str = "generated-client/Cargo.toml";
pub const FAKE_MANIFEST: &str = "fake-server/Cargo.toml";
pub const CHANGELOG: &str = "CHANGELOG.md";
const UNRELEASED: &str = "## Unreleased";

/// The commit compared with, as asked and as found.
pub struct Base {
    /// What the summary calls it (`main (merge-base 2a67d24)`).
    pub name: String,
    /// The full commit id.
    pub commit: String,
}

fn git(root: &Path, args: &[&str]) -> Result<String, String> {
    let output = Command::new("git")
        .args(args)
        .current_dir(root)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !output.status.success() {
        let err = String::from_utf8_lossy(&output.stderr);
        return Err(format!("`git {}`: {}", args.join(" "), err.trim()));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// `--base REV`, or the merge-base of HEAD with `main` (or `origin/main`).
pub fn base(root: &Path, asked: Option<&str>) -> Result<Base, String> {
    if let Some(rev) = asked {
        let commit = git(
            root,
            &["rev-parse", "--verify", &format!("{rev}^{{commit}}")],
        )
        .map_err(|e| format!("--base {rev} is not a commit here ({e})"))?;
        let commit = commit.trim().to_string();
        return Ok(Base {
            name: format!("{rev} ({})", &commit[..commit.len().min(10)]),
            commit,
        });
    }
    for branch in ["main", "origin/main"] {
        if let Ok(commit) = git(root, &["merge-base", "HEAD", branch]) {
            let commit = commit.trim().to_string();
            return Ok(Base {
                name: format!("{branch} (merge-base {})", &commit[..commit.len().min(10)]),
                commit,
            });
        }
    }
    Err("no `main` or `origin/main` to compare with (a shallow clone?); fetch main, or pass `--base REV`".into())
}

/// A file as it is at `commit`, or `None` where it did not exist.
fn at(root: &Path, commit: &str, path: &str) -> Option<String> {
    git(root, &["show", &format!("{commit}:{path}")]).ok()
}

/// A snapshot file's content without insta's header.
pub fn snapshot_body(text: &str) -> &str {
    match text
        .strip_prefix("---\n")
        .and_then(|t| t.split_once("\n---\n"))
    {
        Some((_, body)) => body,
        None => text,
    }
}

/// The `version` of a manifest's `[package]`.
fn package_version(manifest: &str) -> Option<Version> {
    let (_, rest) = manifest.split_once("[package]\n")?;
    let package = rest.split("\n[").next()?;
    let line = package.lines().find(|l| l.starts_with("version = "))?;
    Version::parse(line.trim_start_matches("version = ").trim_matches('"'))
}

/// The first released version CHANGELOG.md names (`## 0.1.0`), if any.
fn released_in_changelog(changelog: &str) -> Option<Version> {
    changelog
        .lines()
        .filter_map(|l| l.strip_prefix("## "))
        .find_map(|h| Version::parse(h.split_whitespace().next()?.trim_matches(['[', ']'])))
}

/// The entries of the Unreleased section (its non-empty lines).
pub fn unreleased(changelog: &str) -> Vec<String> {
    let Some((_, rest)) = changelog.split_once(&format!("{UNRELEASED}\n")) else {
        return Vec::new();
    };
    let section = rest.split("\n## ").next().unwrap_or_default();
    section
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_string)
        .collect()
}

/// Everything the summary says.
pub struct Summary {
    pub base: Base,
    pub review: Review,
    /// The version released before (CHANGELOG's newest, or the base's).
    pub released: Version,
    /// The version the client crate has now.
    pub have: Version,
    /// Whether the fake's dependency on the client names `have`.
    pub fake_follows: bool,
    /// The Unreleased entries this change added (none when absent).
    pub new_entries: Vec<String>,
    /// Why some part could not be compared, if so.
    pub notes: Vec<String>,
}

impl Summary {
    /// The version the client crate needs.
    pub fn needed(&self) -> Version {
        self.released.bumped(self.review.bump())
    }

    /// A major change without a major bump.
    pub fn missing_bump(&self) -> bool {
        self.review.bump() == Bump::Major && !self.have.covers(self.released, Bump::Major)
    }

    /// Something changed and Unreleased does not say so.
    pub fn missing_entry(&self) -> bool {
        self.review.changes_something() && self.new_entries.is_empty()
    }

    /// What to do about [`Summary::missing_bump`] and
    /// [`Summary::missing_entry`], as commands and edits.
    pub fn fixes(&self) -> Vec<String> {
        let mut fixes = Vec::new();
        if self.missing_bump() {
            fixes.push(format!(
                "set `version = \"{}\"` in {CLIENT_MANIFEST} and in {FAKE_MANIFEST}'s dependency on {CLIENT}",
                self.needed()
            ));
        }
        if self.missing_entry() {
            fixes.push(format!(
                "run `cargo xtask regen --changelog` (it drafts the entries under `{UNRELEASED}` in {CHANGELOG}) and edit them"
            ));
        }
        fixes
    }

    /// The block printed after the snapshot lines.
    pub fn render(&self) -> String {
        let mut out = vec![format!(
            "review: {SPEC_PATH} and the Rust API against {}",
            self.base.name
        )];
        for note in &self.notes {
            out.push(format!("  note: {note}"));
        }
        let wire = self.review.wire_lines(SPEC_PATH);
        if wire.is_empty() {
            out.push("  wire: no change".into());
        }
        for class in [
            Wire::BreaksBoth,
            Wire::BreaksClients,
            Wire::BreaksServers,
            Wire::Compatible,
            Wire::Text,
        ] {
            let lines: Vec<&String> = wire
                .iter()
                .filter(|(c, _)| *c == class)
                .map(|(_, l)| l)
                .collect();
            if lines.is_empty() {
                continue;
            }
            out.push(format!("  wire, {class} ({}):", lines.len()));
            out.extend(lines.iter().map(|l| format!("    {l}")));
        }
        if self.review.rust.is_empty() {
            out.push("  Rust API (generated code): no change (patch)".into());
        } else {
            out.push(format!(
                "  Rust API (generated code), {} ({} changes):",
                self.review.rust_bump(),
                self.review.rust.len()
            ));
            let shown = 12;
            for c in self.review.rust.iter().take(shown) {
                out.push(format!("    {}: {}", c.bump, c.what));
            }
            if self.review.rust.len() > shown {
                out.push(format!(
                    "    ... and {} more (git diff {SURFACE_SNAPSHOT})",
                    self.review.rust.len() - shown
                ));
            }
        }
        let bump = self.review.bump();
        if self.review.wire.is_empty() && self.review.rust.is_empty() {
            out.push(format!(
                "  version: {CLIENT} {}: nothing here needs a new version",
                self.have
            ));
        }
        let verdict = if self.missing_bump() {
            "MISSING: a breaking change needs it"
        } else if self.have.covers(self.released, bump) {
            "ok"
        } else {
            "to bump at the next release"
        };
        let changed = !(self.review.wire.is_empty() && self.review.rust.is_empty());
        out.extend(changed.then(|| {
            format!(
                "  version: {CLIENT} needs {} ({bump} since {}); it has {}: {verdict}",
                self.needed(),
                self.released,
                self.have
            )
        }));
        if !self.fake_follows {
            out.push(format!(
                "  version: {FAKE_MANIFEST} depends on {CLIENT} with another version than {}",
                self.have
            ));
        }
        let changelog = match (self.review.changes_something(), self.new_entries.len()) {
            (_, n) if n > 0 => format!("{n} new line(s) under {UNRELEASED}"),
            (true, _) => format!("MISSING: {UNRELEASED} says nothing about this change"),
            (false, _) => "nothing to say (no change on the wire or in the API)".into(),
        };
        out.push(format!("  changelog ({CHANGELOG}): {changelog}"));
        out.join("\n")
    }

    /// Draft entries for the Unreleased section.
    pub fn draft_entries(&self) -> Vec<String> {
        let mut entries = Vec::new();
        for (class, line) in self.review.wire_lines(SPEC_PATH) {
            if class == Wire::Text {
                continue;
            }
            // `openapi/participants.yaml:12: what: change` without the place.
            let text = line.split_once(": ").map_or(line.as_str(), |(_, t)| t);
            entries.push(format!("- Wire, {class}: {text}."));
        }
        let bump = self.review.rust_bump();
        let majors: Vec<&str> = (self.review.rust.iter())
            .filter(|c| c.bump == Bump::Major)
            .map(|c| c.what.as_str())
            .collect();
        match (majors.len(), self.review.rust.len()) {
            (0, 0) => {}
            (0, n) => entries.push(format!(
                "- Rust API ({bump}): {n} addition(s) in the generated code."
            )),
            (_, _) => entries.extend(majors.iter().map(|m| format!("- Rust API (major): {m}."))),
        }
        entries
    }
}

/// Compares the working tree's spec with the base's.
pub fn summarize(root: &Path, head: &Spec, asked: Option<&str>) -> Result<Summary, String> {
    let base = base(root, asked)?;
    let mut notes = Vec::new();
    let base_spec = match at(root, &base.commit, SPEC_PATH) {
        None => {
            notes.push(format!("{SPEC_PATH} is new since the base"));
            None
        }
        Some(text) => match participants_openapi::lint(SPEC_PATH, text.as_bytes(), None) {
            Ok(spec) => Some(spec),
            Err(e) => {
                notes.push(format!(
                    "the base's spec does not lint now, so the wire is not compared:\n{e}"
                ));
                None
            }
        },
    };
    let head_surface = generate(head)
        .map_err(|e| e.to_string())
        .and_then(|code| surface(&code))?;
    let base_surface = match at(root, &base.commit, SURFACE_SNAPSHOT) {
        Some(text) => snapshot_body(&text).to_string(),
        None => {
            notes.push(format!(
                "no {SURFACE_SNAPSHOT} at the base: every item counts as new"
            ));
            String::new()
        }
    };
    let review = match &base_spec {
        Some(b) => Review::new(b, head, &base_surface, &head_surface),
        None => Review {
            wire: Vec::new(),
            rust: participants_openapi::review::rust_changes(&base_surface, &head_surface),
        },
    };
    let read = |path: &str| std::fs::read_to_string(root.join(path)).unwrap_or_default();
    let base_manifest = at(root, &base.commit, CLIENT_MANIFEST).unwrap_or_default();
    let have = package_version(&read(CLIENT_MANIFEST))
        .ok_or_else(|| format!("{CLIENT_MANIFEST} has no `version = \"X.Y.Z\"`"))?;
    let base_changelog = at(root, &base.commit, CHANGELOG).unwrap_or_default();
    let released = released_in_changelog(&base_changelog)
        .or_else(|| package_version(&base_manifest))
        .unwrap_or(have);
    let fake = read(FAKE_MANIFEST);
    let dependency = format!("{CLIENT} = {{ version = \"{have}\"");
    let before = unreleased(&base_changelog);
    let new_entries = unreleased(&read(CHANGELOG))
        .into_iter()
        .filter(|l| !before.contains(l))
        .collect();
    Ok(Summary {
        base,
        review,
        released,
        have,
        fake_follows: fake.contains(&dependency),
        new_entries,
        notes,
    })
}

/// Writes `entries` at the top of the Unreleased section of CHANGELOG.md
/// (creating the section if it is missing).
pub fn write_entries(root: &Path, entries: &[String]) -> Result<(), String> {
    let path = root.join(CHANGELOG);
    let text =
        std::fs::read_to_string(&path).map_err(|e| format!("cannot read {CHANGELOG}: {e}"))?;
    let block = entries.join("\n");
    let updated = match text.split_once(&format!("{UNRELEASED}\n")) {
        Some((head, rest)) => {
            let rest = rest.trim_start_matches('\n');
            let gap = if rest.starts_with("## ") { "\n" } else { "" };
            format!("{head}{UNRELEASED}\n\n{block}\n{gap}{rest}")
        }
        None => format!("{}\n\n{UNRELEASED}\n\n{block}\n", text.trim_end()),
    };
    std::fs::write(&path, updated).map_err(|e| format!("cannot write {CHANGELOG}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHANGES: &str =
        "# Changelog\n\nIntro.\n\n## Unreleased\n\n- a\n- b\n\n## 0.2.0\n\n- c\n\n## 0.1.0\n";

    #[test]
    fn reads_the_changelog() {
        assert_eq!(unreleased(CHANGES), ["- a", "- b"]);
        assert_eq!(released_in_changelog(CHANGES), Some(Version(0, 2, 0)));
        assert!(unreleased("# Changelog\n\n## 0.1.0\n- c\n").is_empty());
        assert!(unreleased("# Changelog\n\n## Unreleased\n\n## 0.1.0\n- c\n").is_empty());
    }

    #[test]
    fn reads_the_package_version_not_a_dependency_one() {
        let manifest = "[package]\nname = \"x\"\nversion = \"0.3.1\"\n\n[dependencies]\ny = { version = \"1.0.0\" }\n";
        assert_eq!(package_version(manifest), Some(Version(0, 3, 1)));
        assert_eq!(
            package_version("[dependencies]\nversion = \"1.0.0\"\n"),
            None
        );
    }

    #[test]
    fn strips_the_snapshot_header() {
        let snap = "---\nsource: tests/participants/shapes.rs\n---\nstruct types::A\n";
        assert_eq!(snapshot_body(snap), "struct types::A\n");
        assert_eq!(snapshot_body("struct types::A\n"), "struct types::A\n");
    }
}
