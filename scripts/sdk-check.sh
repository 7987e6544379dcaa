#!/usr/bin/env bash
# Real third-party clients against the fake server: twilio-python 9.x and the
# signalwire 2.1.1 package (twilio 6.54, sends `Muted=True`), each in its own
# virtual environment under .tools/ (git-ignored), pinned by the files in
# scripts/sdk/. Prints `N passed, M failed` last; fails if any call fails.
# Usage: bash scripts/sdk-check.sh [--setup]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

source scripts/lib.sh
venv .tools/venv-twilio9 scripts/sdk/requirements-twilio9.txt
venv .tools/venv-signalwire scripts/sdk/requirements-signalwire.txt
# `--setup`: the virtual environments only (the test command starts this
# early, in the background, while cargo compiles).
[ "${1:-}" = "--setup" ] && exit 0

echo "each SDK gets a fresh fake, since the checks kick participants, delete a recording and end the conference"
fake_command
out=$(mktemp)
trap 'stop_fake; rm -f "$out" "$out".* "$fake_out"' EXIT

passed=0 failed=0
for sdk in twilio9 signalwire; do
  start_fake "${fake[@]}"
  python=".tools/venv-$sdk/bin/python"
  set +e
  SDK_CHECK_DEMO="$demo" "$python" scripts/sdk/sdk_check.py "$sdk" | tee "$out.$sdk"
  set -e
  stop_fake
  summary=$(tail -n 1 "$out.$sdk")
  p=$(sed -n 's/^.*: \([0-9]*\) passed, \([0-9]*\) failed$/\1/p' <<<"$summary")
  f=$(sed -n 's/^.*: \([0-9]*\) passed, \([0-9]*\) failed$/\2/p' <<<"$summary")
  if [ -z "$p" ]; then p=0; f=$((f + 1)); fi
  passed=$((passed + p)); failed=$((failed + ${f:-1}))
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
