#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Builds the libFuzzer targets (clang, ASan+UBSan, the whole library instrumented for coverage)
# in build-fuzz/ and runs them one after another, each until it has made RUNS executions or run
# SECONDS, whichever comes first (issue 12 asks for 10 M executions or one hour per target).
#
#   scripts/fuzz.sh [--runs N] [--seconds S] [--out DIR] [target ...]    (default: every target)
#
# Each target's new inputs go to DIR/<target>/corpus (give the same DIR to go on from a previous
# run), its log to DIR/<target>/log, a crash to DIR/<target>/crash-*; one summary line per target
# (executions, seconds, final cov/ft, corpus size, crashes) is appended to DIR/summary.tsv. A
# crash does not stop the campaign: the next target runs. Commit a crash input, once fixed, to
# tests/fuzz/corpus/<target>/ so its replay in ctest keeps it fixed (docs/reliability.md).
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

runs=10000000
seconds=3600
out="$PRESENTD_ROOT/build-fuzz/campaign"
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    -*) echo "scripts/fuzz.sh: unknown option $1" >&2; exit 2 ;;
    *) targets+=("$1"); shift ;;
  esac
done
if [ ${#targets[@]} -eq 0 ]; then
  for source in "$PRESENTD_ROOT"/tests/fuzz/*_fuzzer.cpp; do
    name=$(basename "$source" .cpp)
    targets+=("${name%_fuzzer}")
  done
fi

install_packages "$PRESENTD_ROOT/scripts/packages/build.txt" <(echo clang)
build_targets() {
  # -O1 and line tables: what libFuzzer's own documentation builds with, and half the compile
  # time of -O2 -g under the sanitizers.
  CC=clang CXX=clang++ cmake --log-level=WARNING -S "$PRESENTD_ROOT" -B "$PRESENTD_ROOT/build-fuzz" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DPRESENTD_BUILD_FUZZERS=ON -DPRESENTD_BUILD_TESTS=OFF -DPRESENTD_BUILD_BENCH=OFF \
    "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -gline-tables-only" "-DCMAKE_C_FLAGS_RELWITHDEBINFO=-O1 -gline-tables-only"
  cmake --build "$PRESENTD_ROOT/build-fuzz" -j "$(nproc)" --target "${@/%/_fuzzer}"
}
build_targets "${targets[@]}"

mkdir -p "$out"
[ -f "$out/summary.tsv" ] || printf 'target\texecutions\tseconds\tcov\tft\tcorpus\tcrashes\tfinished\n' > "$out/summary.tsv"
for target in "${targets[@]}"; do
  dir="$out/$target"
  mkdir -p "$dir/corpus"
  echo "fuzzing $target: up to $runs executions or $seconds s (log: $dir/log)"
  # -fork=1 with -ignore_crashes: a crash is kept as an artifact and fuzzing goes on in a new
  # child; -timeout and -rss_limit_mb turn a hang or a memory blow-up into an artifact too.
  (cd "$dir" && nice -n 10 "$PRESENTD_ROOT/build-fuzz/tests/fuzz/${target}_fuzzer" -runs="$runs" \
    -max_total_time="$seconds" -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 -timeout=20 \
    -rss_limit_mb=3072 -print_final_stats=1 -artifact_prefix="$dir/" "$dir/corpus" \
    "$PRESENTD_ROOT/tests/fuzz/corpus/$target" > "$dir/log" 2>&1) || true
  # Fork mode prints "#<execs>: cov: … ft: … corp: …" lines; the last one is the total.
  last=$(grep -E '^#[0-9]+: cov: ' "$dir/log" | tail -1)
  executions=$(sed -E 's/^#([0-9]+):.*/\1/' <<< "$last")
  cov=$(sed -E 's/.* cov: ([0-9]+).*/\1/' <<< "$last")
  ft=$(sed -E 's/.* ft: ([0-9]+).*/\1/' <<< "$last")
  elapsed=$(sed -E 's/.* time: ([0-9]+)s.*/\1/' <<< "$last")
  corpus=$(find "$dir/corpus" -type f | wc -l)
  crashes=$(find "$dir" -maxdepth 1 \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' -o -name 'leak-*' \) | wc -l)
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$target" "${executions:-?}" "${elapsed:-?}" "${cov:-?}" "${ft:-?}" \
    "$corpus" "$crashes" "$(date -u +%FT%TZ)" >> "$out/summary.tsv"
  tail -1 "$out/summary.tsv"
done
