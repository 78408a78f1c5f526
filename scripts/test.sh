#!/usr/bin/env bash
# The one command that runs every check and test of cors-sim, stopping at the first failure:
# tool install, formatting, clippy (native and wasm32), the purity check of the core, native
# tests, wasm tests in headless Chromium, the release build, and the end-to-end test.
set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS=0
section() { printf '\n==== %s ====  (%ss)\n' "$*" "$SECONDS"; }

section "install tools"
bash scripts/install-tools.sh
# shellcheck source=scripts/env.sh
source scripts/env.sh
export CHROMEDRIVER="${CHROMEDRIVER:-$(command -v chromedriver)}"
export WASM_BINDGEN_TEST_TIMEOUT="${WASM_BINDGEN_TEST_TIMEOUT:-120}"

section "cargo fetch --locked"
cargo fetch --locked

section "cargo fmt --check"
cargo fmt --all --check

section "clippy (native, all targets, all features)"
cargo clippy --locked --all-targets --all-features -- -D warnings

section "clippy (wasm32, web)"
cargo clippy --locked --target wasm32-unknown-unknown --features web --lib --bins -- -D warnings

section "purity: the core depends on no UI, wasm or CLI crate"
tree=$(cargo tree --locked -e normal --no-default-features --prefix none --format '{p}')
impure=$(grep -E '^(yew|web-sys|js-sys|wasm-bindgen|clap)( |$)' <<<"$tree" || true)
if [[ -n $impure ]]; then
  echo "the core (no features) pulls in:" >&2
  echo "$impure" >&2
  exit 1
fi
echo "ok: $(wc -l <<<"$tree") crates, none of yew, web-sys, js-sys, wasm-bindgen, clap"

section "native tests (cargo test --all-features)"
cargo test --locked --all-features

section "wasm tests in headless Chromium (tests/web.rs)"
cargo test --locked --target wasm32-unknown-unknown --features web --test web

section "trunk build --release"
trunk build --release
bash scripts/size-report.sh dist

section "fuzz smoke (cargo fuzz, nightly): each target briefly, from its seeds"
bash scripts/fuzz-smoke.sh

section "conformance: every fixture and generated scenario against real Chromium, Firefox and WebKit"
CORS_SIM_COUNT="${CORS_SIM_COUNT:-500}" CORS_SIM_ENGINES="${CORS_SIM_ENGINES:-chromium,firefox,webkit}" \
  bash tests/conformance/run.sh

section "end-to-end (tests/e2e/e2e.mjs, headless Chromium)"
node tests/e2e/e2e.mjs --dist dist --out target/e2e
