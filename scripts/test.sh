#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Installs what is missing, builds with warnings as errors and runs the whole test suite
# (unit, integration with real peers, fuzz-corpus replay), then the sanitizer pass: the unit
# tests and the fuzz-corpus replays again, built with ASan+UBSan in build-asan (its own tree,
# nothing shared with build/), when PRESENTD_SANITIZERS=1. CI runs exactly this (.ci/run).
# The sanitizer pass is off by default until it has been run through once on this machine and
# timed (docs/reliability.md, "Sanitizers in CI"); arguments go to both ctest runs (e.g. -R sdp).
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

install_packages "$PRESENTD_ROOT/scripts/packages/build.txt" "$PRESENTD_ROOT/scripts/packages/test.txt"
build "$PRESENTD_ROOT/build" -DPRESENTD_WERROR=ON -DPRESENTD_BUILD_TESTS=ON -DPRESENTD_BUILD_BENCH=ON
install_playwright "$PRESENTD_ROOT/build/npm"
"$PRESENTD_ROOT/scripts/build_remote_page.sh" "$PRESENTD_ROOT/build/remote-page"
status=0
(cd "$PRESENTD_ROOT/build" && ctest --output-on-failure --timeout 600 -j "$(nproc)" "$@") || status=$?
if [ "${PRESENTD_SANITIZERS:-0}" != 0 ]; then
  run_sanitizer_tests "$PRESENTD_ROOT/build-asan" "$@" || status=$?
fi
# The whole run (CI) also builds the Debian package, lints it and runs its install test.
if [ $# -eq 0 ]; then
  "$PRESENTD_ROOT/scripts/package.sh" || status=$?
fi
exit "$status"
