#!/usr/bin/env bash
# The project's one test command (README, and .ci/run runs exactly this).
# On a fresh machine it installs what it needs from the registries.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

step() { printf '\n== %s\n' "$*"; }

step "cargo fmt --check"
cargo fmt --all --check

step "cargo clippy (warnings are errors)"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "cargo doc (broken links and missing docs are errors)"
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --locked --quiet

step "benchmarks compile (they are run by hand: see BENCHMARKS.md)"
cargo bench --workspace --no-run --locked --quiet

step "external spec lint: Redocly CLI"
bash scripts/redocly-lint.sh

step "cargo xtask regen --check (the snapshots match the spec)"
cargo xtask regen --check

step "official Python SDKs (twilio 9.x, signalwire 2.1.1) against the fake server"
bash scripts/sdk-check.sh

step "cargo test (every test, doctests included)"
cargo test --workspace --locked
