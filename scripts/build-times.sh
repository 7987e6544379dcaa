#!/usr/bin/env bash
# Clean build time of signalwire-participants (fresh target dir, crates
# already downloaded, `cargo build --timings`) and rebuild time after a
# one-line spec edit, each the median of several runs; the five slowest
# units of each clean build are printed from cargo's timing report.
# Usage: scripts/build-times.sh [CLEAN_RUNS] [EDIT_RUNS] [-- EXTRA CARGO ARGS]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
clean_runs=${1:-3} edit_runs=${2:-5}
shift $(( $# > 2 ? 3 : $# )) || true
extra=("$@")
target=$(mktemp -d)
spec=openapi/participants.yaml
backup=$(mktemp)
cp "$spec" "$backup"
trap 'cp "$backup" "$spec"; rm -rf "$target" "$backup"' EXIT
cargo fetch --quiet

median() { python3 -c 'import statistics,sys; print(f"{statistics.median(map(float, sys.argv[1:])):.2f}")' "$@"; }
seconds() { local s e; s=$(date +%s.%N); "$@" >/dev/null 2>&1; e=$(date +%s.%N); python3 -c "print(f'{$e - $s:.2f}')"; }

clean=()
for i in $(seq 1 "$clean_runs"); do
  rm -rf "$target"; mkdir -p "$target"
  t=$(seconds env CARGO_TARGET_DIR="$target" cargo build --quiet --timings --package signalwire-participants "${extra[@]}")
  echo "clean build $i: ${t}s"; clean+=("$t")
  # The slowest units, from the report's data (name, version, target, seconds).
  python3 - "$target"/cargo-timings/cargo-timing.html <<'PY'
import json, re, sys
html = open(sys.argv[1]).read()
units = json.loads(re.search(r"const UNIT_DATA = (\[.*?\]);", html, re.S).group(1))
for u in sorted(units, key=lambda u: -u["duration"])[:5]:
    print(f"    {u['duration']:6.2f}s {u['name']} v{u['version']} {u['target'].strip()}")
PY
done
edit=()
for i in $(seq 1 "$edit_runs"); do
  # One line of the spec changes (a description), as a reviewer's edit would.
  sed -i "s/^  title: SignalWire Compatibility API - conference participants.*/  title: SignalWire Compatibility API - conference participants (edit $i)/" "$spec"
  t=$(seconds env CARGO_TARGET_DIR="$target" cargo build --quiet --package signalwire-participants "${extra[@]}")
  echo "rebuild after a one-line spec edit $i: ${t}s"; edit+=("$t")
done
echo "median clean build: $(median "${clean[@]}")s over $clean_runs runs"
echo "median rebuild after a one-line spec edit: $(median "${edit[@]}")s over $edit_runs runs"
