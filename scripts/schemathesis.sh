#!/usr/bin/env bash
# schemathesis (pinned in scripts/schemathesis/requirements.txt, installed in
# .tools/venv-schemathesis) against a fresh fake server (cargo xtask serve)
# with the spec: every operation, every check, twice: with the demo
# account's credentials, then with none (every answer a 401 the spec
# describes). Fails on any server error or any answer that breaks the spec.
# Usage: bash scripts/schemathesis.sh [--setup] ; SCHEMATHESIS_SECONDS sets
# the time of each run (default 45).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

source scripts/lib.sh
venv .tools/venv-schemathesis scripts/schemathesis/requirements.txt
[ "${1:-}" = "--setup" ] && exit 0

seconds=${SCHEMATHESIS_SECONDS:-45}
cargo build --quiet --package xtask --package signalwire-participants-fake
reports=target/schemathesis
trap 'stop_fake; rm -f "$fake_out"' EXIT
start() { # a fresh fake; its demo line sets the ST_* variables the config reads
  start_fake
  local vars
  vars=$(python3 - "$demo" <<'PY'
import json, shlex, sys
d = json.loads(sys.argv[1])
calls = d["call_sids"]
for name, value in [("ST_BASE", d["base_url"]), ("ST_ACCOUNT", d["account_sid"]),
                    ("ST_TOKEN", d["auth_token"]), ("ST_CONFERENCE", d["conference_sid"]),
                    ("ST_CALL", calls[0]), ("ST_COACHED", calls[1]), ("ST_KICKED", calls[3])]:
    print(f"export {name}={shlex.quote(value)}")
PY
) || { echo "the fake server's demo line is not what this script reads"; exit 1; }
  eval "$vars"
}

run() { # run with-credentials|without-credentials
  local name=$1 auth=()
  start
  # With credentials, the Authorization header is not generated (nor broken
  # on purpose, which --auth would then undo); without, it is generated
  # and always wrong.
  [ "$name" = with-credentials ] &&
    auth=(--auth "$ST_ACCOUNT:$ST_TOKEN" --generation-with-security-parameters false)
  echo "== schemathesis, $name (${seconds}s)"
  .tools/venv-schemathesis/bin/schemathesis --config-file scripts/schemathesis/schemathesis.toml run \
    openapi/participants.yaml --url "$ST_BASE" --checks all --max-time "$seconds" \
    --generation-database none --report junit --report-junit-path "$reports/$name.xml" "${auth[@]}"
  stop_fake
}
run with-credentials
run without-credentials
