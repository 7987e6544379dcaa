#!/usr/bin/env bash
# CPU time per call (user + system, of the client's process only) of this
# crate and of twilio-python 9.13, the same sequential updates (mute) against
# one fake server process (release build). Each client runs twice, SHORT and
# LONG calls, and the per-call figure is the difference in CPU time divided
# by the difference in calls, so start-up (the Python interpreter and
# imports, the runtime) cancels out; median of ROUNDS rounds.
#
# Usage: bash scripts/cpu-per-call.sh [ROUNDS]   (default 3)
# Uses the pinned twilio 9.13 virtual environment of scripts/sdk-check.sh.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
rounds=${1:-3}
ours_short=1000 ours_long=6000 theirs_short=200 theirs_long=1200

bash scripts/sdk-check.sh --setup >/dev/null
cargo build --quiet --release --package signalwire-participants --example calls
cargo build --quiet --release --package signalwire-participants-fake --bin signalwire-participants-fake
source scripts/lib.sh
times=$(mktemp)
trap 'stop_fake; rm -f "$fake_out" "$times"' EXIT
start_fake target/release/signalwire-participants-fake --addr 127.0.0.1:0
export BENCH_DEMO=$demo

cpu() { # the user + system seconds of a command
  /usr/bin/time -f '%U %S' -o "$times" "$@" >/dev/null 2>&1
  python3 -c "a, b = map(float, open('$times').read().split()[-2:]); print(a + b)"
}
per_call() { # per_call SHORT LONG COMMAND...: microseconds of CPU per call
  local short=$1 long=$2; shift 2
  local s l; s=$(cpu "$@" "$short"); l=$(cpu "$@" "$long")
  python3 -c "print(($l - $s) / ($long - $short) * 1e6)"
}
ours=() theirs=() base=()
for r in $(seq 1 "$rounds"); do
  o=$(per_call $ours_short $ours_long target/release/examples/calls ours update)
  b=$(per_call $ours_short $ours_long target/release/examples/calls baseline update)
  t=$(per_call $theirs_short $theirs_long .tools/venv-twilio9/bin/python scripts/sdk/twilio_calls.py)
  printf 'round %s: signalwire-participants %.1f us/call, hand-written reqwest %.1f, twilio-python 9.13 %.1f\n' "$r" "$o" "$b" "$t"
  ours+=("$o") base+=("$b") theirs+=("$t")
done
python3 - "${ours[*]}" "${theirs[*]}" "${base[*]}" <<'PY'
import statistics, sys
o, t, b = (statistics.median(float(x) for x in arg.split()) for arg in sys.argv[1:4])
print(f"median CPU per call: signalwire-participants {o:.1f} us, twilio-python 9.13 {t:.1f} us: {t / o:.1f} times less (goal: at least 20)")
print(f"  (the hand-written reqwest baseline: {b:.1f} us, {t / b:.1f} times less than twilio-python)")
PY
