#!/usr/bin/env bash
# The rendered reference, checked in a real browser: `cargo xtask docs`
# builds target/docs/participants.html (and expected.json, from the spec);
# this opens it in headless Chromium, offline, through playwright-core
# (pinned in scripts/docs-check/package-lock.json, installed from npm into
# scripts/docs-check/node_modules, git-ignored), and checks that every
# operation and the status-callback webhook are there with their fields.
# The browser: $CHROMIUM, else Debian's chromium or Google Chrome; with
# --setup, as root on Debian, `apt-get install chromium` when none is found.
# Usage: bash scripts/docs-check.sh [--setup]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

prefix=scripts/docs-check
browser() {
  local b
  for b in "${CHROMIUM:-}" /usr/bin/chromium /usr/bin/chromium-browser /usr/bin/google-chrome /usr/bin/google-chrome-stable; do
    if [ -n "$b" ] && [ -x "$b" ]; then echo "$b"; return 0; fi
  done
  return 1
}

if [ "${1:-}" = "--setup" ]; then
  if [ ! -d "$prefix/node_modules/playwright-core" ] || [ "$prefix/package-lock.json" -nt "$prefix/node_modules/.package-lock.json" ]; then
    echo "installing the pinned playwright-core into $prefix/node_modules"
    # --ignore-scripts: playwright-core downloads no browser; we use the system's.
    npm ci --prefix "$prefix" --no-audit --no-fund --ignore-scripts --loglevel=error
  fi
  if ! browser >/dev/null; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      echo "installing Debian's chromium"
      # A fresh machine may have no package lists yet: read them, then retry.
      DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium \
        || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium; }
    else
      echo "no Chromium found: install Debian's chromium (apt install chromium) or set CHROMIUM to a Chromium or Chrome binary"
      exit 1
    fi
  fi
  exit 0
fi

chrome=$(browser) || { echo "no Chromium found: run this with --setup, or set CHROMIUM"; exit 1; }
[ -f target/docs/expected.json ] || { echo "no target/docs/expected.json: run \`cargo xtask docs\` first"; exit 1; }
exec node "$prefix/check.mjs" target/docs "$chrome"
