#!/usr/bin/env bash
# Serves the cors-sim web app with its default example at http://127.0.0.1:8080, rebuilding on
# every change. Installs the tools it needs first (scripts/install-tools.sh).
#
#   scripts/serve.sh              a debug build: the quickest to come up and to rebuild
#   scripts/serve.sh --release    the optimized, wasm-opt'ed build that `scripts/test.sh` tests
#
# Other arguments go to `trunk serve` (for example --port 9000).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-tools.sh
# shellcheck source=scripts/env.sh
source scripts/env.sh
# Trunk.toml sets offline = true (no tool downloads), so cargo runs offline: fetch first.
cargo fetch --locked
echo "cors-sim: serving on http://127.0.0.1:8080 once the build below finishes (Ctrl+C stops)"
exec trunk serve --address 127.0.0.1 --port 8080 "$@"
