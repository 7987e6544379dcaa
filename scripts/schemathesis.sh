#!/usr/bin/env bash
# schemathesis (pinned in scripts/schemathesis/requirements.txt, installed in
# .tools/venv-schemathesis) against the fake server with the spec: every
# operation, every check, in two runs side by side, each against a fresh
# fake of its own: one with the demo account's credentials, one with none
# (every answer a 401 the spec describes). Fails on any server error or any
# answer that breaks the spec.
# Usage: bash scripts/schemathesis.sh [--setup] ; SCHEMATHESIS_SECONDS sets
# the time of each run (default 45); FAKE_SERVER names a built fake binary
# to run (scripts/lib.sh), otherwise `cargo xtask serve`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

source scripts/lib.sh
venv .tools/venv-schemathesis scripts/schemathesis/requirements.txt
[ "${1:-}" = "--setup" ] && exit 0

seconds=${SCHEMATHESIS_SECONDS:-45}
fake_command
reports=target/schemathesis
mkdir -p "$reports"
start() { # a fresh fake; its demo line sets the ST_* variables the config reads
  start_fake "${fake[@]}"
  local vars
  vars=$(python3 - "$demo" <<'PY'
import json, shlex, sys
d = json.loads(sys.argv[1])
calls = d["call_sids"]
for name, value in [("ST_BASE", d["base_url"]), ("ST_ACCOUNT", d["account_sid"]),
                    ("ST_TOKEN", d["auth_token"]), ("ST_CONFERENCE", d["conference_sid"]),
                    ("ST_CALL", calls[0]), ("ST_COACHED", calls[1]), ("ST_KICKED", calls[3]),
                    ("ST_RECORDING", d["recording_sid"]), ("ST_ENDED", d["ended_conference_sid"]),
                    ("ST_ENDED_RECORDING", d["ended_recording_sid"])]:
    print(f"export {name}={shlex.quote(value)}")
PY
) || { echo "the fake server's demo line is not what this script reads"; exit 1; }
  eval "$vars"
}

schemathesis() { # BASE REPORT-NAME [FILTER...]: one schemathesis run against the fake
  local base=$1 report=$2
  shift 2
  .tools/venv-schemathesis/bin/schemathesis --config-file scripts/schemathesis/schemathesis.toml run \
    openapi/participants.yaml --url "$base" --checks all --max-time "$seconds" \
    --generation-database none --report junit --report-junit-path "$reports/$report.xml" \
    "${auth[@]}" "$@"
}

run() { # run with-credentials|without-credentials, in a subshell of its own
  local name=$1 auth=()
  trap 'stop_fake; rm -f "$fake_out"' EXIT
  start
  # With credentials, the Authorization header is not generated (nor broken
  # on purpose, which --auth would then undo); without, it is generated
  # and always wrong.
  [ "$name" = with-credentials ] &&
    auth=(--auth "$ST_ACCOUNT:$ST_TOKEN" --generation-with-security-parameters false)
  echo "== schemathesis, $name (${seconds}s)"
  # The demo's base is SignalWire's (/api/laml), where create_participant
  # is not served (D32: its own servers name Twilio alone): it runs on its
  # own against the bare, Twilio-style paths the fake also serves. On
  # SignalWire's paths the collection rightly allows GET and HEAD alone,
  # which the `Allow` check (blind to an operation's own servers) calls a
  # mismatch: it is left out there only.
  local twilio_base=${ST_BASE%/api/laml}
  schemathesis "$ST_BASE" "$name" --exclude-operation-id create_participant \
    --exclude-checks allow_header_conformance
  echo "== schemathesis, $name, create_participant on the Twilio paths ($((seconds / 2))s)"
  # A label is unique in its conference (16025, D32), which no schema can
  # say and generated requests repeat: a schema-valid create may be refused.
  seconds=$((seconds / 2)) schemathesis "$twilio_base" "$name-create" --include-operation-id create_participant \
    --exclude-checks positive_data_acceptance
  stop_fake
}
# Side by side, each with its fake and its log, shown in order once both
# have finished.
pids=()
for name in with-credentials without-credentials; do
  ( run "$name" ) >"$reports/$name.log" 2>&1 &
  pids+=($!)
done
failed=0
for i in 0 1; do
  wait "${pids[$i]}" || failed=1
done
cat "$reports/with-credentials.log" "$reports/without-credentials.log"
[ "$failed" -eq 0 ] || { echo "schemathesis failed (see above)"; exit 1; }
