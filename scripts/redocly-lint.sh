#!/usr/bin/env bash
# The external lint of the spec: Redocly CLI, at the version pinned in
# openapi/redocly/package-lock.json, installed into openapi/redocly/node_modules
# (git-ignored) from the npm registry, with telemetry and update checks off.
# Exits non-zero if the install fails or the lint reports any error.
# Usage: bash scripts/redocly-lint.sh [FILE [REDOCLY-ARGS...]]
#   (default FILE: openapi/participants.yaml)
#        bash scripts/redocly-lint.sh --install   (install only, lint nothing)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

prefix=openapi/redocly
bin="$prefix/node_modules/.bin/redocly"
# Install when node_modules is missing or older than the lock file (npm ci
# rewrites node_modules/.package-lock.json, so its mtime marks the install).
if [ ! -x "$bin" ] || [ "$prefix/package-lock.json" -nt "$prefix/node_modules/.package-lock.json" ]; then
  echo "installing the pinned Redocly CLI into $prefix/node_modules"
  npm ci --prefix "$prefix" --no-audit --no-fund --ignore-scripts --loglevel=error
fi

[ "${1:-}" = "--install" ] && exit 0

# REDOCLY_TELEMETRY=off: no usage event to Redocly after the command.
# REDOCLY_SUPPRESS_UPDATE_NOTICE=true: no "latest version" lookup on the npm
#   registry and no update banner.
# REDOCLY_SUPPRESS_NOTIFICATIONS=true: no other notices (same check in the CLI).
# Checked in @redocly/cli 2.77.0 (lib/index.js, lib/chunks): with these set, a
# lint opens no network connection at all.
# `cargo xtask lint` runs the same binary with the same three variables
# (xtask/src/main.rs, which runs no script): keep the two in step.
export REDOCLY_TELEMETRY=off
export REDOCLY_SUPPRESS_UPDATE_NOTICE=true REDOCLY_SUPPRESS_NOTIFICATIONS=true
# The spec by default; another file (a test fixture) when one is given, and
# any further arguments for Redocly (`--format=stylish`, say).
exec "$bin" lint "${1:-openapi/participants.yaml}" --config redocly.yaml "${@:2}"
