#!/usr/bin/env bash
# Builds the web app for release and prints its numbers in headless Chromium: µs per JS API
# call in wasm, ms from a keystroke to the verdict with a 64 KB configuration, and the first
# render after navigation (tests/e2e/bench.mjs). It prints, it never asserts timings.
#   scripts/bench-web.sh [--runs N]     (SKIP_BUILD=1 reuses dist/)
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/env.sh
source scripts/env.sh
if [[ -z ${SKIP_BUILD:-} ]]; then
  trunk build --release
fi
node tests/e2e/bench.mjs --dist dist "$@"
