#!/usr/bin/env bash
# Our callback verification (generated-client/src/callbacks/webhook.rs) against the
# official libraries': twilio-python 9.13's RequestValidator and SignalWire's
# Python SDK (the signalwire-sdk package) sign generated requests (URLs with
# and without ports, user information and query strings; repeated keys;
# non-ASCII values; JSON bodies with bodySHA256; tampered bodies and URLs)
# and decide each one (scripts/sdk/webhook_cases.py); then the ignored test
# `webhook::official_libraries` of the client's tests verifies every case
# with ours, which must decide as the library did, except where the case
# names one of the deviations the webhook module documents. Each library in
# a pinned virtual environment under .tools/ (git-ignored). Prints the
# counts; fails on any disagreement.
# Usage: bash scripts/webhook-check.sh [--setup]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

source scripts/lib.sh
# `--setup`: the SignalWire SDK's environment only (the test command starts
# this in the background; twilio 9's is sdk-check.sh's, set up beside it).
venv .tools/venv-signalwire-sdk scripts/sdk/requirements-signalwire-sdk.txt
[ "${1:-}" = "--setup" ] && exit 0
venv .tools/venv-twilio9 scripts/sdk/requirements-twilio9.txt

cases=$PWD/target/webhook-cases # absolute: the test runs in generated-client/
mkdir -p "$cases"
.tools/venv-twilio9/bin/python scripts/sdk/webhook_cases.py twilio "$cases/twilio.json"
.tools/venv-signalwire-sdk/bin/python scripts/sdk/webhook_cases.py signalwire "$cases/signalwire.json"
out=$(mktemp)
trap 'rm -f "$out"' EXIT
# --workspace: the features the test command's `cargo test` builds with, so
# this build is the one it reuses.
WEBHOOK_CASES="$cases/twilio.json:$cases/signalwire.json" \
  cargo test --workspace --all-features --locked --quiet --test client -- \
  --ignored --exact webhook::official_libraries --nocapture | tee "$out"
grep -q '^test result: ok\. 1 passed' "$out" || { echo "webhook::official_libraries did not run"; exit 1; }
