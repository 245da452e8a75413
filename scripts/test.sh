#!/usr/bin/env bash
# Installs what is missing, builds with warnings as errors and runs the whole test suite
# (unit, integration with real peers, fuzz-corpus replay). CI runs exactly this (.ci/run).
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

install_packages "$PRESENTD_ROOT/scripts/packages/build.txt" "$PRESENTD_ROOT/scripts/packages/test.txt"
build "$PRESENTD_ROOT/build" -DPRESENTD_WERROR=ON -DPRESENTD_BUILD_TESTS=ON -DPRESENTD_BUILD_BENCH=ON
install_playwright "$PRESENTD_ROOT/build/npm"
"$PRESENTD_ROOT/scripts/build_remote_page.sh" "$PRESENTD_ROOT/build/remote-page"
cd "$PRESENTD_ROOT/build"
ctest --output-on-failure --timeout 600 -j "$(nproc)" "$@"
