#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Installs what is missing and builds the benchmarks optimised (-O2 -g, no sanitizer) in
# build-bench/, only them and what they need; with arguments, builds and runs one:
#   scripts/bench.sh decode_bench --benchmark_counters_tabular=true
# docs/performance.md gives each figure's command. The test tree, build/, compiles the benchmarks
# too, but under ASan+UBSan, which makes its timings meaningless.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

install_packages "$PRESENTD_ROOT/scripts/packages/build.txt" "$PRESENTD_ROOT/scripts/packages/test.txt"
# Tests on: three benchmarks start real servers with the tests' helpers (bench/CMakeLists.txt).
cmake --log-level=WARNING -S "$PRESENTD_ROOT" -B "$PRESENTD_ROOT/build-bench" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DPRESENTD_BUILD_TESTS=ON -DPRESENTD_BUILD_BENCH=ON
install_playwright "$PRESENTD_ROOT/build-bench/npm"  # bench/page_bench.sh drives Chromium with it
if [ $# -eq 0 ]; then
  cmake --build "$PRESENTD_ROOT/build-bench" -j "$(nproc)" --target benchmarks
  exit 0
fi
bench=$1
shift
cmake --build "$PRESENTD_ROOT/build-bench" -j "$(nproc)" --target "$bench"
exec "$PRESENTD_ROOT/build-bench/bench/$bench" "$@"
