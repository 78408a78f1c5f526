#!/usr/bin/env bash
# Differential conformance suite: cors-sim's browser models against real Chromium, Firefox ESR
# and WebKitGTK (the engines come from scripts/install-tools.sh).
# Installs the pinned playwright-core (npm ci) when needed, builds the CLI from this checkout,
# then runs every runnable fixture and the seeded generated scenarios (see NOTES.md).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"

if [ ! -d "$here/node_modules/playwright-core" ] \
   || ! grep -q '"version": "1.65.1"' "$here/node_modules/playwright-core/package.json"; then
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
fi

(cd "$repo" && cargo build --quiet --features cli --bin cors-sim)

# Node 20 has WebSocket (for WebDriver BiDi) behind a flag; Node 22 has it by default.
exec node --experimental-websocket --no-warnings=ExperimentalWarning "$here/run.mjs" "$@"
