#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Installs what is missing, builds the suite's tree with warnings as errors and ASan+UBSan
# (build_test_tree in common.sh), and runs the whole test suite there: unit, integration with
# real peers (the daemon they start is sanitized too), fuzz-corpus replays. CI runs exactly this
# (.ci/run); arguments go to ctest (e.g. -L unit, -R sdp).
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

install_packages "$PRESENTD_ROOT/scripts/packages/build.txt" "$PRESENTD_ROOT/scripts/packages/test.txt"
build_test_tree "$PRESENTD_ROOT/build"
install_playwright "$PRESENTD_ROOT/build/npm"
"$PRESENTD_ROOT/scripts/build_remote_page.sh" "$PRESENTD_ROOT/build/remote-page"
status=0
(cd "$PRESENTD_ROOT/build" && ctest --output-on-failure --timeout 600 -j "$(nproc)" "$@") || status=$?
# The whole run (CI) also builds the Debian package (optimised, no sanitizer), lints it and runs
# its install test.
if [ $# -eq 0 ]; then
  "$PRESENTD_ROOT/scripts/package.sh" || status=$?
fi
exit "$status"
