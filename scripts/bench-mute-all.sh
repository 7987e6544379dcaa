#!/usr/bin/env bash
# Mutes the 1,000 participants of one conference on the fake (release
# build, `--participants 1000`), in the same run and on the same server:
# ours (`mute_all().concurrency(16)`, and at the default concurrency), a
# hand-written concurrent reqwest loop at concurrency 16 (all three in
# tests/benches/mute_all.rs, one after the other in each of its rounds, so
# that a change of load falls on all alike), and twilio-python 9.13
# sequential and with a pool of 16 threads sharing one client
# (scripts/sdk/mute_all_bench.py). Each does the whole job: list, then one
# update each. Prints each run's medians, then the medians of the runs, the
# ratios and the goals of issue 22 (ours at most 1.15 times the loop, at
# least 10 times faster than threaded twilio-python). A benchmark: nothing
# fails on a missed goal.
# Usage: bash scripts/bench-mute-all.sh [RUNS] [RUST_ROUNDS] [PYTHON_ROUNDS]
# (default 3, 20 and 3)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
runs=${1:-3} rust_rounds=${2:-20} py_rounds=${3:-3}

source scripts/lib.sh
venv .tools/venv-twilio9 scripts/sdk/requirements-twilio9.txt
cargo build --quiet --release --package signalwire-participants-fake --bin signalwire-participants-fake
cargo bench --quiet --no-run -p participants-shapes --bench mute_all 2>/dev/null
results=$(mktemp)
trap 'stop_fake; rm -f "$fake_out" "$results"' EXIT
start_fake target/release/signalwire-participants-fake --addr 127.0.0.1:0 --participants 1000
export BENCH_DEMO=$demo

for run in $(seq 1 "$runs"); do
  rust=$(cargo bench --quiet -p participants-shapes --bench mute_all -- "$rust_rounds" 2>/dev/null)
  python=$(.tools/venv-twilio9/bin/python scripts/sdk/mute_all_bench.py "$py_rounds" 1 16)
  python3 - "$rust" "$python" >>"$results" <<'PY'
import json, statistics, sys
run, python = (json.loads(a) for a in sys.argv[1:3])
assert python["participants"] == [1000], python
run["twilio_sequential"] = statistics.median(python["seconds"]["1"]) * 1e3
run["twilio_threads16"] = statistics.median(python["seconds"]["16"]) * 1e3
print(json.dumps(run))
PY
  echo "run $run: $(tail -n 1 "$results")"
done

python3 - "$results" <<'PY'
import json, statistics, sys
runs = [json.loads(line) for line in open(sys.argv[1])]
median = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
print(f"medians of {len(runs)} runs (ms, the whole job: list + 1,000 updates):")
for name, ms in median.items():
    if name == "ratio_of_rounds":
        continue
    print(f"  {name}: {ms:.1f}")
print(f"ours / hand-written loop (both at 16): {median['ours'] / median['baseline_reqwest']:.3f}; "
      f"the median of the rounds' ratios: {median['ratio_of_rounds']:.3f} (goal: at most 1.15)")
print(f"threaded twilio-python / ours: {median['twilio_threads16'] / median['ours']:.1f} times faster (goal: at least 10)")
print(f"sequential twilio-python / ours: {median['twilio_sequential'] / median['ours']:.1f} times faster")
PY
