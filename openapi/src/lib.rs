//! The one place that reads `openapi/participants.yaml`: load it (keeping
//! line and column for every node), lint it, and generate the client code
//! from it with the settings the build script and the xtask share.
//!
//! ```
//! let spec = participants_openapi::load_workspace_spec().expect("the spec lints clean");
//! let code = participants_openapi::generate(&spec).expect("the spec generates");
//! assert!(code.starts_with(participants_openapi::PREAMBLE));
//! ```

mod diag;
mod generate;
mod lint;
pub mod review;
pub mod surface;
pub mod yaml;

use std::path::{Path, PathBuf};

pub use diag::{Diagnostic, Diagnostics};
pub use generate::{
    DATE_TYPE, GenerateError, PATTERNED_TRAIT, PREAMBLE, SCALAR_TEXT, URL_OR_EMPTY_TYPE, URL_TYPE,
    generate, generator_view, settings,
};
pub use lint::{METHODS, Spec, lint};
pub use yaml::Pos;

/// The spec's path relative to the workspace root, as messages show it.
pub const SPEC_PATH: &str = "openapi/participants.yaml";

/// The file beside the spec whose tables name every source and decision.
pub const RECONCILIATION: &str = "RECONCILIATION.md";

/// The workspace root (the parent of this crate's directory).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// The absolute path of the workspace's spec.
pub fn spec_path() -> PathBuf {
    workspace_root().join(SPEC_PATH)
}

/// Reads and lints a spec file, with the provenance rules of the
/// RECONCILIATION.md beside it; `display` is the name used in messages.
pub fn load(path: &Path, display: &str) -> Result<Spec, Diagnostics> {
    let unreadable = |what: &Path, e: std::io::Error| {
        let message = format!("cannot read {}: {e}", what.display());
        Diagnostics(vec![Diagnostic {
            file: display.to_string(),
            pos: Pos { line: 1, col: 1 },
            message,
            line_text: String::new(),
        }])
    };
    let bytes = std::fs::read(path).map_err(|e| unreadable(path, e))?;
    let beside = path.with_file_name(RECONCILIATION);
    let reconciliation = std::fs::read_to_string(&beside).map_err(|e| unreadable(&beside, e))?;
    lint(display, &bytes, Some(&reconciliation))
}

/// Reads and lints the workspace's own spec.
pub fn load_workspace_spec() -> Result<Spec, Diagnostics> {
    load(&spec_path(), SPEC_PATH)
}
