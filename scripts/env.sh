# Sourced by the other scripts: where the tools are, and how they run here.
# tests/e2e/node_modules/.bin first, so Trunk picks npm binaryen's wasm-opt over any older one.
_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$_root/tests/e2e/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
# Trunk would ask GitHub for a newer version; the network here reaches only package registries.
export TRUNK_SKIP_VERSION_CHECK=true
unset _root
