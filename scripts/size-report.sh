#!/usr/bin/env bash
# The size of the built web app: raw, gzip -9 and brotli -q 11 bytes of every file in dist/, and
# the total a visitor's browser downloads to open the playground (index.html and what it loads:
# the loader, the JS glue, the wasm and the CSS; embed-demo.html is a separate page).
#
# Usage: scripts/size-report.sh [DIST]   (default dist/; run `trunk build --release` first)
# Prints a Markdown table (docs/PERFORMANCE.md, "Web bundle", is a copy of it). Exits non-zero
# only if DIST is missing; CORS_SIM_SIZE_BUDGET=<bytes> also fails when the page's gzip total is
# over that many bytes.
#
# brotli comes from the `brotli` CLI when installed, else from Node's built-in zlib (same
# encoder, quality 11, window 22, so the numbers agree).
set -euo pipefail
cd "$(dirname "$0")/.."
dist="${1:-dist}"
[[ -d $dist ]] || { echo "size-report: no $dist/ (run trunk build --release first)" >&2; exit 1; }

brotli_size() {
  if command -v brotli >/dev/null 2>&1; then
    brotli -q 11 -c -- "$1" | wc -c
  else
    node -e 'const z=require("zlib"),fs=require("fs");
      const o=z.brotliCompressSync(fs.readFileSync(process.argv[1]),{params:{
        [z.constants.BROTLI_PARAM_QUALITY]:11,[z.constants.BROTLI_PARAM_LGWIN]:22}});
      console.log(o.length)' "$1"
  fi
}

# Whether the playground page itself downloads this file.
loaded_by_page() {
  case "$(basename "$1")" in
    index.html | loader.js | *.wasm | *.css) return 0 ;;
    *.js) [[ $(basename "$1") != embed* ]] ;;
    *) return 1 ;;
  esac
}

group() { printf '%s' "$1" | sed 's/\B\(\([0-9]\{3\}\)\+\)$/,\1/;:a;s/\([0-9]\)\([0-9]\{3\}\)\b/\1,\2/;ta'; }

raw_sum=0 gz_sum=0 br_sum=0
echo "| file | raw | gzip -9 | brotli -q 11 |"
echo "|---|---:|---:|---:|"
while IFS= read -r f; do
  raw=$(wc -c <"$f")
  gz=$(gzip -9 -n -c -- "$f" | wc -c)
  br=$(brotli_size "$f")
  name=$(basename "$f")
  # Trunk's content hashes change with every build; show the stable part of the name.
  name=$(sed -E 's/-[0-9a-f]{16}(_bg)?\./-…\1./' <<<"$name")
  mark=""
  if loaded_by_page "$f"; then
    raw_sum=$((raw_sum + raw)) gz_sum=$((gz_sum + gz)) br_sum=$((br_sum + br))
  else
    mark=" (not loaded by the page)"
  fi
  printf '| `%s`%s | %s | %s | %s |\n' "$name" "$mark" "$(group "$raw")" "$(group "$gz")" "$(group "$br")"
done < <(find "$dist" -maxdepth 1 -type f ! -name '*.gz' ! -name '*.br' | LC_ALL=C sort)
printf '| **the page, total** | **%s** | **%s** | **%s** |\n' "$(group "$raw_sum")" "$(group "$gz_sum")" "$(group "$br_sum")"

budget="${CORS_SIM_SIZE_BUDGET:-}"
if [[ -n $budget ]] && ((gz_sum > budget)); then
  echo "size-report: the page is $gz_sum bytes gzipped, over the budget of $budget" >&2
  exit 1
fi
