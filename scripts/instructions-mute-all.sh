#!/usr/bin/env bash
# Instructions per whole-conference job, counted by valgrind's callgrind:
# `mute_all` of a 1,000-participant conference (concurrency 16) against the
# hand-written reqwest loop making the same requests, each in a client
# process of its own against one fake server process (release builds). The
# per-job figure is the difference between a run of LONG jobs and one of
# SHORT jobs divided by the difference, so start-up and the warm-up cancel.
#
# Usage: bash scripts/instructions-mute-all.sh [SHORT] [LONG] [OUT_DIR]   (default 1 3)
# Needs valgrind (Debian: apt install valgrind).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
short=${1:-1} long=${2:-3} out=${3:-target/instructions}
command -v valgrind >/dev/null || { echo "valgrind is missing (Debian: apt install valgrind)"; exit 1; }

bench=$(cargo bench --quiet --no-run --package participants-shapes --bench mute_all \
  --message-format=json 2>/dev/null \
  | python3 -c 'import json,sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m.get("executable") and m["target"]["name"] == "mute_all":
        print(m["executable"])')
cargo build --quiet --release --package signalwire-participants-fake --bin signalwire-participants-fake
mkdir -p "$out"
source scripts/lib.sh
trap 'stop_fake; rm -f "$fake_out"' EXIT
start_fake target/release/signalwire-participants-fake --addr 127.0.0.1:0 --participants 1000
export BENCH_DEMO=$demo

count() { # count WHO JOBS
  local file="$out/mute-all-$1-$2.callgrind"
  MUTE_ALL_ONLY=$1 valgrind --tool=callgrind --callgrind-out-file="$file" "$bench" "$2" >/dev/null 2>&1
  sed -n 's/^summary: *//p' "$file"
}
per_job() { echo $(( ($(count "$1" "$long") - $(count "$1" "$short")) / (long - short) )); }
o=$(per_job ours) b=$(per_job baseline)
echo "instructions per job (list 1,000 participants, mute each; (Ir at $long jobs - Ir at $short) / $((long - short))):"
printf '%-22s %14s\n' "hand-written loop" "$b" "mute_all" "$o"
printf '%-22s %14s\n' "per participant, more" "$(( (o - b) / 1000 ))"
printf '%-22s %14s\n' "mute_all / loop" "$(python3 -c "print(f'{$o / $b:.3f}')")"
