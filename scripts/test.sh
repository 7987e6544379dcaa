#!/usr/bin/env bash
# The project's one test command (README, and .ci/run runs exactly this).
# On a fresh machine it installs what it needs from the registries: crates,
# the pinned Redocly CLI and playwright-core (npm), the pinned Python SDKs
# and schemathesis (PyPI), and, as root on Debian, Debian's chromium (apt)
# when no Chromium is found; all but the crates in the background while
# cargo compiles. Each step prints its time.
# One direction: scripts call the xtask (cargo xtask regen, serve,
# fuzz-seeds); the xtask never runs a script.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# This command builds mostly from scratch; incremental compilation only adds
# overhead to that (set CARGO_INCREMENTAL=1 to keep it).
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"

started=$(date +%s)
last= last_cpu=0
logs=target/test-logs
mkdir -p "$logs"
times_file=$logs/times
step() { # prints the time the previous step took, then the next step's name
  local now used; now=$(date +%s)
  # CPU (user + system) of the children waited for so far: `times` in this
  # shell, not in a subshell, which has its own (empty) count.
  times >"$times_file"
  used=$(awk 'NR == 2 { t = 0; for (i = 1; i <= 2; i++) { split($i, p, "m"); t += p[1] * 60 + p[2] } printf "%d", t }' "$times_file")
  [ -n "$last" ] && printf '   (took %ss, CPU %ss)\n' $((now - last)) $((used - last_cpu))
  last=$now last_cpu=$used
  printf '\n== [at %ss] %s\n' $((now - started)) "$*"
}

step "prerequisites"
missing=0
need() { echo "missing: $*"; missing=1; }
rust_wanted=$(sed -n 's/^rust-version = "\(.*\)"/\1/p' Cargo.toml)
rust_have=$(rustc --version 2>/dev/null | awk '{print $2}') || true
if [ -z "$rust_have" ]; then
  need "Rust (rustc), $rust_wanted or later (https://rustup.rs)"
elif [ "$(printf '%s\n%s\n' "$rust_wanted" "${rust_have%%-*}" | sort -V | head -n 1)" != "$rust_wanted" ]; then
  need "Rust $rust_wanted or later (found $rust_have)"
fi
cargo fmt --version >/dev/null 2>&1 || need "rustfmt (rustup component add rustfmt)"
cargo clippy --version >/dev/null 2>&1 || need "clippy (rustup component add clippy)"
if ! node_have=$(node --version 2>/dev/null); then
  need "Node.js with npm, for the Redocly lint (22.12 or later)"
elif [ "$(printf '%s\n%s\n' 22.12.0 "${node_have#v}" | sort -V | head -n 1)" != 22.12.0 ]; then
  echo "note: Node.js $node_have works, but Redocly CLI warns that its support is ending and wants 22.12 or later"
fi
command -v npm >/dev/null 2>&1 || need "npm (it comes with Node.js)"
python3 -c 'import venv, ensurepip' 2>/dev/null || need "Python 3 with the venv module (Debian: apt install python3-venv)"
pkg-config --exists openssl 2>/dev/null || need "OpenSSL's development files, for the native-tls feature (Debian: apt install libssl-dev pkg-config)"
[ "$missing" -eq 0 ] || { echo "install what is missing above, then run this again"; exit 1; }
echo "Rust $rust_have, Node.js $node_have, $(python3 --version)"

# Network-bound installs, while cargo uses the cores.
bash scripts/redocly-lint.sh --install >"$logs/redocly-install.log" 2>&1 & redocly_install=$!
bash scripts/sdk-check.sh --setup >"$logs/sdk-setup.log" 2>&1 & sdk_setup=$!
bash scripts/webhook-check.sh --setup >"$logs/webhook-setup.log" 2>&1 & webhook_setup=$!
bash scripts/schemathesis.sh --setup >"$logs/schemathesis-setup.log" 2>&1 & st_setup=$!
bash scripts/docs-check.sh --setup >"$logs/docs-setup.log" 2>&1 & docs_setup=$!
background() { # background PID LOG: wait for it, show its log if it failed
  wait "$1" || { cat "$2"; echo "failed: see $2"; exit 1; }
}
# If a step fails, the jobs still running in the background stop too.
trap 'kill $(jobs -p) 2>/dev/null || true' EXIT

step "cargo fmt --check"
cargo fmt --all --check

# Every feature (the native-tls stack, tracing) in clippy, the docs and the
# tests, and every cargo step builds with the workspace's one feature set
# where it can: each other set builds the dependencies again. The xtask's
# compile step is the clippy step (`--clippy`), and its snapshot test is
# built as `cargo test --workspace --all-features` builds it (below).
step "cargo xtask regen --check: lint; cargo clippy of every target and feature, benchmarks included, warnings are errors; snapshots match the spec; a breaking change has its version bump and every change its CHANGELOG entry"
cargo --locked xtask regen --check --all-features --clippy --locked

step "cargo doc of the published crates (broken links and missing docs are errors)"
RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --all-features --locked --quiet \
  -p participants-openapi -p signalwire-participants -p signalwire-participants-fake

step "cargo clippy of the client with its default features (the rustls code native-tls replaces)"
cargo clippy --package signalwire-participants --lib --locked --quiet -- -D warnings

step "cargo build of every test and example, and the fake for the Python checks (the tests' one feature set)"
cargo build --workspace --all-features --locked --quiet --tests --examples \
  --bin signalwire-participants-fake
export FAKE_SERVER=target/debug/signalwire-participants-fake

step "the quickstart, offline against the in-process fake (cargo run --example quickstart)"
cargo run --example quickstart --package signalwire-participants --all-features --locked --quiet \
  >"$logs/quickstart.log" || { cat "$logs/quickstart.log"; exit 1; }
tail -n 3 "$logs/quickstart.log"

# The packaging check, in the background from here, at the lowest priority
# (it takes the cores the steps below leave idle), waited for at the end.
# Cargo builds each .crate's dependencies on our other crates from a local
# registry, and takes a registry crate it has built before (same name and
# version) as unchanged: after an edit to participants-openapi, a second run
# would verify the client against the stale build. So the verification has a
# target directory of its own, laid anew each run as hard links to the
# workspace's build (nothing is copied; cargo writes new files for what it
# builds), where none of our three crates has been built yet.
# Cargo also extracts each .crate of that local registry under the cargo
# home, keyed by the registry's path (the same every run), and never
# extracts a name and version again: a second run would build last run's
# sources. Our three crates' extractions from local registries (the
# directories named `-HASH`) are removed first; crates.io's are untouched.
verify=target/package-verify
for crate in participants-openapi signalwire-participants signalwire-participants-fake; do
  rm -rf "${CARGO_HOME:-$HOME/.cargo}"/registry/src/-*/"$crate"-[0-9]*
done
rm -rf "$verify"
mkdir -p "$verify/debug"
cp -al target/debug/deps target/debug/build target/debug/.fingerprint "$verify/debug/"
nice -n 19 cargo package --target-dir "$verify" --locked --allow-dirty --quiet \
  -p participants-openapi -p signalwire-participants -p signalwire-participants-fake \
  >"$logs/package.log" 2>&1 & package=$!

# schemathesis runs 2 x 45 s side by side, in the background from here too.
background $st_setup "$logs/schemathesis-setup.log"
bash scripts/schemathesis.sh >"$logs/schemathesis.log" 2>&1 & schemathesis=$!

step "external spec lint: Redocly CLI"
background $redocly_install "$logs/redocly-install.log"
bash scripts/redocly-lint.sh

step "rendered reference: cargo xtask docs (Redocly build-docs), checked in headless Chromium"
background $docs_setup "$logs/docs-setup.log"
cargo --locked xtask docs
bash scripts/docs-check.sh

step "official Python SDKs (twilio 9.x, signalwire 2.1.1) against the fake server"
background $sdk_setup "$logs/sdk-setup.log"
bash scripts/sdk-check.sh

step "webhook signatures: ours against twilio 9.13 and signalwire-sdk, case by case"
background $webhook_setup "$logs/webhook-setup.log"
bash scripts/webhook-check.sh

step "cargo test --all-features (every test, doctests and the fuzz corpus replay included)"
cargo test --workspace --all-features --locked

step "schemathesis against the fake server (every operation, with and without credentials; started above)"
background $schemathesis "$logs/schemathesis.log"
cat "$logs/schemathesis.log"

step "cargo package (the three published crates, each built from its .crate; started above)"
background $package "$logs/package.log"
cat "$logs/package.log"

step "done"
echo "all steps passed in $(( $(date +%s) - started ))s"
