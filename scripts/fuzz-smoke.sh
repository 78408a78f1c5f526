#!/usr/bin/env bash
# A short run of every cargo-fuzz target from its committed seeds (fuzz/seeds/<target>/),
# so a crash any seed or a few seconds of mutation can find fails the test command.
# Long runs: cargo +nightly fuzz run <target> (see docs/FUZZING.md).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${CORS_SIM_FUZZ_SECONDS:-20}"
for target in parse_policy simulate respond permalink; do
  corpus="fuzz/corpus/$target"
  mkdir -p "$corpus"
  if [[ -d "fuzz/seeds/$target" ]]; then
    cp -n fuzz/seeds/"$target"/* "$corpus"/ 2>/dev/null || true
  fi
  echo "fuzz smoke: $target for ${seconds}s"
  (cd fuzz && cargo +nightly fuzz run "$target" "corpus/$target" -O -- \
    -max_total_time="$seconds" -max_len=8192 -rss_limit_mb=2048 -print_final_stats=1 2>&1 \
    | grep -E '^(stat::number_of_executed_units|#[0-9]+ +DONE|==[0-9]+==|SUMMARY|panicked|thread)' || true)
  # cargo fuzz exits non-zero on a crash; pipefail would hide it behind grep, so check again.
  if ls fuzz/artifacts/"$target"/crash-* >/dev/null 2>&1; then
    echo "fuzz smoke: $target crashed; inputs in fuzz/artifacts/$target/" >&2
    exit 1
  fi
done
echo "fuzz smoke: no crash"
