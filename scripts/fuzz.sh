#!/usr/bin/env bash
# The fuzz targets (fuzz/, cargo-fuzz on nightly; FUZZING.md has the figures).
#
#   bash scripts/fuzz.sh run TARGET [SECONDS] [RUNS] [LIBFUZZER-OPTIONS...]
#       fuzzes fuzz/corpus/TARGET with the workspace's seeds (cargo xtask
#       fuzz-seeds, read from fuzz/seeds/TARGET) until SECONDS (default 60) or RUNS executions (default
#       10 million), whichever comes first; new inputs go to the corpus, a
#       failing one to fuzz/artifacts/TARGET/ (with `-fork=1 -ignore_crashes=1`
#       it goes on after a failure and keeps them all)
#   bash scripts/fuzz.sh cmin TARGET
#       minimises the corpus (keeps the smallest set with the same coverage)
#   bash scripts/fuzz.sh targets
#       lists the targets (spec, participant, date, path_ids, webhook)
#
# Needs the nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`).
# `cargo test -p participants-shapes --test participants fuzz_replay` replays
# the corpus and the artifacts on stable, without either.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

usage() { sed -n '3,17p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 2; }
command -v cargo-fuzz >/dev/null ||
  { echo "cargo-fuzz is missing: cargo install cargo-fuzz --version 0.13.2 --locked"; exit 1; }
targets=$(sed -n 's/^name = "\(.*\)"$/\1/p' fuzz/Cargo.toml | grep -v '^participants-fuzz$')
known() { grep -qx "$1" <<<"$targets" || { echo "unknown target \`$1\`; one of: $(echo $targets)"; exit 2; }; }

# -O -a: optimised, with debug assertions and overflow checks (-O alone
# turns them off); the address sanitizer is cargo-fuzz's default.
fuzz() { cargo +nightly fuzz "$1" --fuzz-dir fuzz -O -a "${@:2}"; }

case "${1:-}" in
  run)
    target=${2:-}; [ -n "$target" ] || usage; known "$target"
    seconds=${3:-60} runs=${4:-10000000}
    shift $(($# < 4 ? $# : 4))
    mkdir -p fuzz/seeds "fuzz/corpus/$target"
    # One writer of fuzz/seeds at a time: targets may run side by side.
    ( flock 9; cargo xtask fuzz-seeds ) 9>fuzz/seeds/.lock
    dict=(); [ "$target" = spec ] && dict=(-dict=fuzz/seeds/spec.dict) # OpenAPI keywords
    # Each exec of `spec` lints (and may generate) a whole spec: seconds, not ms, at worst.
    # The seeds are read as a second corpus, never copied: new inputs go to
    # the first, so `cmin` leaves a corpus no later run grows back with seeds.
    fuzz run "$target" "fuzz/corpus/$target" "fuzz/seeds/$target" -- \
      -max_total_time="$seconds" -runs="$runs" -timeout=30 -rss_limit_mb=4096 -print_final_stats=1 "${dict[@]}" "$@"
    ;;
  cmin)
    target=${2:-}; [ -n "$target" ] || usage; known "$target"
    fuzz cmin "$target" "fuzz/corpus/$target" -- -timeout=30 -rss_limit_mb=4096
    ;;
  targets) echo "$targets" ;;
  *) usage ;;
esac
