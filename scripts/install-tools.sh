#!/usr/bin/env bash
# Installs what building and testing cors-sim needs, from crates.io, npm and Debian apt only
# (nothing from GitHub). Idempotent: each tool is installed only when missing or at the wrong
# version, so a second run takes about a second.
#
#   rustup target wasm32-unknown-unknown
#   trunk 0.21.14                         (0.22 needs a newer rustc than this project's 1.85+)
#   wasm-bindgen-cli = Cargo.lock's wasm-bindgen version (Trunk and the test runner need equal versions)
#   chromium + chromium-driver            (Debian; headless browser for the wasm and e2e tests)
#   firefox-esr, xvfb, libwebkit2gtk-4.1-0 (Debian; Firefox and WebKitGTK's MiniBrowser for the
#                                         conformance suite) and geckodriver 0.37.1 (crates.io)
#   tests/e2e/node_modules                (npm ci: binaryen 132's wasm-opt, playwright-core)
#
# Callers put tests/e2e/node_modules/.bin and ~/.cargo/bin first on PATH (see scripts/env.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

TRUNK_VERSION=0.21.14
GECKODRIVER_VERSION=0.37.1
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
[[ -n $WASM_BINDGEN_VERSION ]] || { echo "install-tools: no wasm-bindgen in Cargo.lock" >&2; exit 1; }

# shellcheck source=scripts/env.sh
source scripts/env.sh

log() { printf '[install-tools] %s\n' "$*" >&2; }
# has CMD EXPECTED: CMD runs and `CMD --version` contains EXPECTED. (No `| grep -q` under
# pipefail: grep exiting early can SIGPIPE the writer.)
has() { local v; v=$("$1" --version 2>/dev/null) && [[ $v == *"$2"* ]]; }
as_root() { if [[ $(id -u) == 0 ]]; then "$@"; else sudo "$@"; fi; }

if [[ $(rustup target list --installed) != *wasm32-unknown-unknown* ]]; then
  log "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if ! has trunk "trunk $TRUNK_VERSION"; then
  log "installing trunk $TRUNK_VERSION (about 7 minutes on 2 cores)"
  cargo install trunk --version "=$TRUNK_VERSION" --locked --force
fi

if ! has wasm-bindgen "wasm-bindgen $WASM_BINDGEN_VERSION" \
  || ! has wasm-bindgen-test-runner "wasm-bindgen-test-runner $WASM_BINDGEN_VERSION"; then
  log "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 2.5 minutes)"
  # No --locked: its lockfile pins a webpki-roots release the registry mirror may not serve.
  cargo install wasm-bindgen-cli --version "=$WASM_BINDGEN_VERSION" --force
fi

# cargo-fuzz for the fuzz smoke (it runs on the machine's nightly toolchain).
if ! cargo fuzz --version >/dev/null 2>&1; then
  log "installing cargo-fuzz (about 2 minutes)"
  cargo install cargo-fuzz --locked
fi
if ! rustup run nightly rustc --version >/dev/null 2>&1; then
  log "the nightly toolchain is missing: cargo fuzz needs it (rustup toolchain install nightly)"
  rustup toolchain install nightly --profile minimal
fi

if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
  log "installing Debian chromium and chromium-driver"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
fi

# The conformance suite's other engines: Firefox ESR (driven by geckodriver over WebDriver
# BiDi) and WebKitGTK's MiniBrowser, which needs an X display (Xvfb).
MINIBROWSER=/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser
if ! command -v firefox-esr >/dev/null 2>&1 || ! command -v Xvfb >/dev/null 2>&1 || [[ ! -x $MINIBROWSER ]]; then
  log "installing Debian firefox-esr, xvfb and libwebkit2gtk-4.1-0"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq firefox-esr xvfb libwebkit2gtk-4.1-0 >/dev/null
fi
if ! has geckodriver "geckodriver $GECKODRIVER_VERSION"; then
  log "installing geckodriver $GECKODRIVER_VERSION (about 3 minutes)"
  cargo install geckodriver --version "=$GECKODRIVER_VERSION" --locked --force
fi

# wasm-opt from npm binaryen 132 (Debian's binaryen 108 cannot read the wasm rustc emits) and
# playwright-core (drives /usr/bin/chromium; downloads no browser), pinned by package-lock.json.
if ! has wasm-opt "version_132" || [[ ! -d tests/e2e/node_modules/playwright-core ]]; then
  log "npm ci in tests/e2e (binaryen, playwright-core)"
  (cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error)
fi

# geckodriver --version prints several lines (and panics if its pipe closes early): keep the first.
gecko=$(geckodriver --version 2>/dev/null)
log "$(trunk --version) | $(wasm-bindgen --version) | $(wasm-opt --version) | $(chromium --version 2>/dev/null) | $(chromedriver --version | cut -d' ' -f1-2) | $(firefox-esr --version 2>/dev/null) | ${gecko%%$'\n'*}"
