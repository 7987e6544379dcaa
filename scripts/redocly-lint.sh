#!/usr/bin/env bash
# The external lint of the spec: Redocly CLI, at the version pinned in
# openapi/redocly/package-lock.json, installed into openapi/redocly/node_modules
# (git-ignored) from the npm registry, with telemetry and update checks off.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

prefix=openapi/redocly
bin="$prefix/node_modules/.bin/redocly"
if [ ! -x "$bin" ] || [ "$prefix/package-lock.json" -nt "$prefix/node_modules/.package-lock.json" ]; then
  echo "installing the pinned Redocly CLI into $prefix/node_modules"
  npm ci --prefix "$prefix" --no-audit --no-fund --ignore-scripts --loglevel=error
fi

export REDOCLY_TELEMETRY=off REDOCLY_SDK_TELEMETRY=off
export REDOCLY_SUPPRESS_UPDATE_NOTICE=true REDOCLY_SUPPRESS_NOTIFICATIONS=true
exec "$bin" lint openapi/participants.yaml --config redocly.yaml
