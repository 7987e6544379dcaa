//! Comparing the artifacts the spec implies with the snapshot files on disk.

use std::path::Path;

use crate::artifacts::{Artifact, SNAPSHOT_DIR, SNAPSHOT_PREFIX};

/// How one artifact compares with its file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    /// The file holds exactly this content.
    Unchanged,
    /// The file exists with other content.
    Updated,
    /// There is no file yet.
    New,
    /// A snapshot file no artifact produces any more.
    Removed,
}

impl State {
    /// The word printed for it.
    pub fn word(self) -> &'static str {
        match self {
            State::Unchanged => "unchanged",
            State::Updated => "updated",
            State::New => "new",
            State::Removed => "removed",
        }
    }
}

/// One artifact's comparison.
#[derive(Clone, Debug)]
pub struct Entry {
    /// The file, relative to the workspace root.
    pub path: String,
    /// How it compares.
    pub state: State,
    /// What the file holds now, if it exists.
    pub old: Option<String>,
    /// What it should hold, unless the artifact is gone.
    pub new: Option<String>,
}

/// Compares `artifacts` with the files under `root`, sorted by path.
pub fn compare(root: &Path, artifacts: &[Artifact]) -> Vec<Entry> {
    let mut entries: Vec<Entry> = artifacts
        .iter()
        .map(|a| {
            let path = a.relative_path();
            let new = a.file_contents();
            let old = std::fs::read_to_string(root.join(&path)).ok();
            let state = match &old {
                None => State::New,
                Some(o) if *o == new => State::Unchanged,
                Some(_) => State::Updated,
            };
            Entry {
                path,
                state,
                old,
                new: Some(new),
            }
        })
        .collect();
    let produced: Vec<String> = entries.iter().map(|e| e.path.clone()).collect();
    if let Ok(dir) = std::fs::read_dir(root.join(SNAPSHOT_DIR)) {
        for file in dir.flatten() {
            let name = file.file_name().to_string_lossy().into_owned();
            let path = format!("{SNAPSHOT_DIR}/{name}");
            if name.starts_with(SNAPSHOT_PREFIX)
                && name.ends_with(".snap")
                && !produced.contains(&path)
            {
                entries.push(Entry {
                    old: std::fs::read_to_string(file.path()).ok(),
                    path,
                    state: State::Removed,
                    new: None,
                });
            }
        }
    }
    entries.sort_by(|a, b| a.path.cmp(&b.path));
    entries
}
