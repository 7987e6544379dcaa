#!/usr/bin/env bash
# The official Python SDKs against the fake server, as a SignalWire user drives
# the real service: twilio-python 9.x and the signalwire 2.1.1 package (twilio
# 6.54.0 inside), each in its own virtual environment under .tools/ (git-ignored),
# reused when it already holds the pinned versions. For each SDK it starts a
# fresh fake (`cargo xtask serve --addr 127.0.0.1:0`, so both see the seeded demo
# state), runs scripts/sdk_check.py with that SDK's python, and stops the fake.
# Only 127.0.0.1 is contacted. The last line is `N passed, M failed` (N = SDK
# calls checked across both SDKs); exits 1 if anything failed.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

# Pinned direct installs. twilio 9.13.0 is the newest 9.x on PyPI (`pip index
# versions twilio`); it installs on Python 3.11.
TWILIO9_PINS=(twilio==9.13.0)
# signalwire 2.1.1 itself pins twilio==6.54.0 and aiohttp==3.9.5; twilio 6.54.0
# pins PyJWT==1.7.1. All of these ship wheels for / import on Python 3.11
# (aiohttp 3.9.5 has cp311 wheels, so no older aiohttp needs building), and
# `pip check` is clean, so no extra pin is needed beyond making the SDK's own
# pins explicit here.
SIGNALWIRE_PINS=(signalwire==2.1.1 twilio==6.54.0 aiohttp==3.9.5)

fail() { echo "sdk-check: $*" >&2; echo "0 passed, 1 failed"; exit 1; }

command -v python3 >/dev/null || fail "python3 not found"
command -v cargo >/dev/null || fail "cargo not found"

# venv_ok DIR PIN...: the venv's python runs, is the same X.Y as python3, and
# has exactly the pinned versions installed.
venv_ok() {
  local dir="$1"; shift
  [ -x "$dir/bin/python" ] || return 1
  "$dir/bin/python" - "$(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])')" "$@" <<'PY' 2>/dev/null
import sys
from importlib.metadata import version, PackageNotFoundError
want_python, pins = sys.argv[1], sys.argv[2:]
if "%d.%d" % sys.version_info[:2] != want_python:
    sys.exit(1)
for pin in pins:
    name, want = pin.split("==")
    try:
        if version(name) != want:
            sys.exit(1)
    except PackageNotFoundError:
        sys.exit(1)
PY
}

# ensure_venv NAME IMPORT PIN...
ensure_venv() {
  local name="$1" module="$2"; shift 2
  local dir="$root/.tools/$name"
  if venv_ok "$dir" "$@"; then
    echo "reusing .tools/$name ($*)"
  else
    echo "setting up .tools/$name ($*)"
    rm -rf "$dir"
    mkdir -p "$root/.tools"
    python3 -m venv "$dir"
    "$dir/bin/pip" install --disable-pip-version-check --no-input -q "$@" \
      || fail "pip install $* into .tools/$name failed"
    venv_ok "$dir" "$@" || fail ".tools/$name does not hold $* after installing"
  fi
  "$dir/bin/python" -c "import $module" || fail "cannot import $module in .tools/$name"
}

ensure_venv venv-twilio9 twilio.rest "${TWILIO9_PINS[@]}"
ensure_venv venv-signalwire signalwire.rest "${SIGNALWIRE_PINS[@]}"

tmp="$(mktemp -d)"
server=""
stop_server() {
  if [ -n "$server" ]; then
    # The fake runs in its own process group (setsid): stop the group, then
    # the process itself in case the group is gone.
    kill -TERM -- "-$server" 2>/dev/null || kill -TERM "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
    server=""
  fi
}
trap 'stop_server; rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

# start_server: runs the fake and sets $demo to its first stdout line (the
# JSON object), waiting up to 300 s (the first run compiles it).
start_server() {
  : >"$tmp/serve.out"
  setsid cargo xtask serve --addr 127.0.0.1:0 >"$tmp/serve.out" 2>"$tmp/serve.err" </dev/null &
  server=$!
  local deadline=$((SECONDS + 300))
  until [ "$(head -n 1 "$tmp/serve.out" | wc -l)" -eq 1 ]; do
    if ! kill -0 "$server" 2>/dev/null; then
      cat "$tmp/serve.err" >&2
      fail "the fake server (cargo xtask serve) exited before printing its JSON line"
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      cat "$tmp/serve.err" >&2
      fail "the fake server printed no JSON line within 300 s"
    fi
    sleep 0.2
  done
  demo="$(head -n 1 "$tmp/serve.out")"
  case "$demo" in
    '{"base_url":"http://127.0.0.1:'*) ;;
    *) fail "unexpected first line from the fake server (not its demo JSON)" ;;
  esac
}

passed=0
failed=0
for sdk in twilio9 signalwire; do
  start_server
  echo "== $sdk (fake at $(sed -n 's/.*"base_url":"\([^"]*\)".*/\1/p' <<<"$demo"))"
  set +e
  SDK_CHECK_DEMO="$demo" "$root/.tools/venv-$sdk/bin/python" "$root/scripts/sdk_check.py" --sdk "$sdk" \
    | tee "$tmp/$sdk.log"
  rc=${PIPESTATUS[0]}
  set -e
  stop_server
  summary="$(tail -n 1 "$tmp/$sdk.log")"
  if [[ "$summary" =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
    p="${BASH_REMATCH[1]}"
    f="${BASH_REMATCH[2]}"
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
      echo "sdk-check: $sdk checker exited $rc after reporting no failure" >&2
      f=1
    fi
  else
    echo "sdk-check: $sdk checker exited $rc without a summary line" >&2
    p=0
    f=1
  fi
  passed=$((passed + p))
  failed=$((failed + f))
done

if [ "$failed" -ne 0 ]; then
  echo "sdk-check: FAILED: $failed check(s) failed (see FAIL lines above)" >&2
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
