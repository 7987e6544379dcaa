#!/usr/bin/env bash
# Sequential requests per second, in one run, of this client and of
# twilio-python 9.x against the same fake server (release build), same
# operation (update: mute), same count. Usage: scripts/compare-rate.sh [COUNT] [ROUNDS]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
count=${1:-2000}
rounds=${2:-5}

bash scripts/sdk-check.sh >/dev/null  # sets up the pinned twilio 9 venv (and proves it works)
cargo build --quiet --release --package signalwire-participants-fake --package signalwire-participants --example sequential_rate
out=$(mktemp)
target/release/signalwire-participants-fake --addr 127.0.0.1:0 >"$out" 2>/dev/null &
server=$!
trap 'kill $server 2>/dev/null || true; rm -f "$out"' EXIT
for _ in $(seq 1 100); do [ -s "$out" ] && break; sleep 0.1; done
demo=$(head -n 1 "$out")
read -r base account token conference call < <(python3 -c 'import json,sys; d=json.loads(sys.argv[1]); print(d["base_url"], d["account_sid"], d["auth_token"], d["conference_sid"], d["call_sids"][0])' "$demo")

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; $count sequential updates per round, $rounds rounds, alternating"
ours=() theirs=()
for r in $(seq 1 "$rounds"); do
  a=$(target/release/examples/sequential_rate "$base" "$account" "$token" "$conference" "$call" "$count")
  b=$(SDK_CHECK_DEMO="$demo" .tools/venv-twilio9/bin/python scripts/sdk/twilio_rate.py "$count")
  echo "round $r: $a"
  echo "round $r: $b"
  ours+=("$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["per_second"])' "$a")")
  theirs+=("$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["per_second"])' "$b")")
done
python3 - "${ours[*]}" "${theirs[*]}" <<'PY'
import statistics, sys
ours = [float(x) for x in sys.argv[1].split()]
theirs = [float(x) for x in sys.argv[2].split()]
mo, mt = statistics.median(ours), statistics.median(theirs)
print(f"median requests/s: signalwire-participants {mo:.0f}, twilio-python 9 {mt:.0f}; ratio {mo / mt:.1f}x (goal: at least 10x)")
PY
