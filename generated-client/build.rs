//! Generates the client from the spec with the same function `cargo xtask
//! regen` uses, into `OUT_DIR/generated.rs`. The spec and RECONCILIATION.md
//! are read from this crate's own directory, where the repository has them
//! as links to `openapi/` (the one copy reviewers edit) and the published
//! package as files.

use std::path::PathBuf;

fn main() {
    let manifest = PathBuf::from(
        std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"),
    );
    let spec_path = manifest.join("participants.yaml");
    // The generator settings live in the `participants-openapi` build
    // dependency: changing them rebuilds it, which reruns this script.
    println!("cargo::rerun-if-changed={}", spec_path.display());
    let reconciliation = spec_path.with_file_name(participants_openapi::RECONCILIATION);
    println!("cargo::rerun-if-changed={}", reconciliation.display());
    println!("cargo::rerun-if-changed=build.rs");

    let spec = match participants_openapi::load(&spec_path, participants_openapi::SPEC_PATH) {
        Ok(spec) => spec,
        Err(problems) => {
            eprintln!("{problems}");
            for d in &problems.0 {
                println!("cargo::error={}", d.headline());
            }
            std::process::exit(1);
        }
    };
    let code = match participants_openapi::generate(&spec) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("{e}");
            println!("cargo::error={}: {e}", participants_openapi::SPEC_PATH);
            std::process::exit(1);
        }
    };
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"))
        .join("generated.rs");
    // Write only on change, through a temporary file, so a failed or
    // interrupted build never leaves half a file behind.
    if std::fs::read_to_string(&out).ok().as_deref() != Some(code.as_str()) {
        let tmp = out.with_extension("rs.tmp");
        std::fs::write(&tmp, &code).expect("write the generated code");
        std::fs::rename(&tmp, &out).expect("move the generated code into place");
    }
}
