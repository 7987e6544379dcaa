#!/usr/bin/env bash
# Instructions per call, counted by valgrind's callgrind (the same binary and
# inputs give the same count whatever else the machine does): this client
# against a hand-written reqwest baseline with the same headers, body and
# decode target, for an update (mute) and a retrieve, each client in a
# process of its own against one fake server process (release builds). The
# per-call figure is the difference between a long and a short run divided
# by the difference in calls, so start-up and the first connection cancel out.
#
# Usage: bash scripts/instructions.sh [SHORT] [LONG] [OUT_DIR]   (default 20 120)
# Needs valgrind (Debian: apt install valgrind). The callgrind files stay in
# OUT_DIR (default target/instructions) for callgrind_annotate.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
short=${1:-20} long=${2:-120} out=${3:-target/instructions}
command -v valgrind >/dev/null || { echo "valgrind is missing (Debian: apt install valgrind)"; exit 1; }

cargo build --quiet --release --package signalwire-participants --example calls
cargo build --quiet --release --package signalwire-participants-fake --bin signalwire-participants-fake
mkdir -p "$out"
source scripts/lib.sh
trap 'stop_fake; rm -f "$fake_out"' EXIT
start_fake target/release/signalwire-participants-fake --addr 127.0.0.1:0
export BENCH_DEMO=$demo

# The total instructions of one run.
count() { # count WHO OP N
  local file="$out/$1-$2-$3.callgrind"
  valgrind --tool=callgrind --callgrind-out-file="$file" target/release/examples/calls "$1" "$2" "$3" 2>/dev/null
  sed -n 's/^summary: *//p' "$file"
}

echo "instructions per call: (Ir at $long calls - Ir at $short calls) / $((long - short))"
echo "  baseline: a hand-written reqwest call; baseline-timeouts: the same with this crate's timeouts;"
echo "  builder: the generated builder called directly; ours: participant.mute() / .retrieve()"
printf '%-9s %12s %18s %12s %12s %10s\n' operation baseline baseline-timeouts builder ours ours/base
for op in update retrieve; do
  per_call() { echo $(( ($(count "$1" "$op" "$long") - $(count "$1" "$op" "$short")) / (long - short) )); }
  b=$(per_call baseline) t=$(per_call baseline-timeouts) g=$(per_call builder) o=$(per_call ours)
  printf '%-9s %12s %18s %12s %12s %10s\n' "$op" "$b" "$t" "$g" "$o" "$(python3 -c "print(f'{$o / $b:.3f}')")"
done
