# Sourced by the scripts that drive a fresh fake server (sdk-check.sh,
# schemathesis.sh, cpu-per-call.sh, instructions.sh). The caller has
# `set -euo pipefail`, runs from the repository root, and traps
# `stop_fake; rm -f "$fake_out"` on EXIT.

# venv DIR REQUIREMENTS: a virtual environment under .tools/ with exactly the
# pinned requirements, rebuilt when the requirements file changes.
venv() {
  local dir=$1 req=$2
  if [ ! -x "$dir/bin/python" ] || ! cmp -s "$req" "$dir/.installed-from"; then
    echo "setting up $dir from $req"
    rm -rf "$dir"
    python3 -m venv "$dir"
    "$dir/bin/pip" install --disable-pip-version-check --no-input --quiet -r "$req"
    cp "$req" "$dir/.installed-from"
  fi
}

# fake_command: sets the array $fake to the command that starts a fake on a
# free loopback port: the binary $FAKE_SERVER names, as it is (the test
# command builds it with the tests, with their features, so nothing is built
# twice), or else `cargo xtask serve`, after building the fake.
fake_command() {
  if [ -n "${FAKE_SERVER:-}" ]; then
    fake=("$FAKE_SERVER" --addr 127.0.0.1:0)
  else
    # One package a build, as `cargo xtask` and `cargo run` then build each.
    cargo build --quiet --package xtask
    cargo build --quiet --package signalwire-participants-fake
    fake=(cargo xtask serve --addr 127.0.0.1:0)
  fi
}

# start_fake [COMMAND...]: a fresh fake server on a free loopback port, by
# default `cargo xtask serve --addr 127.0.0.1:0` (build the fake first; the
# benchmarks pass the release binary, the SDK check and schemathesis
# $fake from fake_command); sets $demo to its first line, the demo ids as
# JSON.
fake_out= fake_pid=
start_fake() {
  [ $# -gt 0 ] || set -- cargo xtask serve --addr 127.0.0.1:0
  [ -n "$fake_out" ] || fake_out=$(mktemp)
  : >"$fake_out"
  "$@" >"$fake_out" 2>/dev/null &
  fake_pid=$!
  for _ in $(seq 1 600); do
    [ -s "$fake_out" ] && break
    kill -0 "$fake_pid" 2>/dev/null || { echo "the fake server exited before it was ready"; exit 1; }
    sleep 0.1
  done
  demo=$(head -n 1 "$fake_out")
  [ -n "$demo" ] || { echo "the fake server printed no demo line in 60 s"; exit 1; }
}

# stop_fake: stops the fake started last, if any.
stop_fake() {
  [ -z "$fake_pid" ] || { kill "$fake_pid" 2>/dev/null || true; wait "$fake_pid" 2>/dev/null || true; }
  fake_pid=
}
