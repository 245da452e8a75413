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
# The whole run (CI) also builds the Debian package (optimised, no sanitizer) and lints it, at the
# lowest CPU priority while the suite runs: the suite's peers spend much of their time waiting on
# the network and timers, and the package build takes the cycles they leave (the suite keeps its
# share: nice 19 weighs 15 against its 1024). The install test (apt, a daemon on the machine)
# runs after the suite.
package_log="$PRESENTD_ROOT/build/package.log"
if [ $# -eq 0 ]; then
  nice -n 19 "$PRESENTD_ROOT/scripts/package.sh" --no-install-test >"$package_log" 2>&1 &
  package_pid=$!
fi
(cd "$PRESENTD_ROOT/build" && ctest --output-on-failure --timeout 600 -j "$(nproc)" "$@") || status=$?
if [ $# -eq 0 ]; then
  package_status=0
  wait "$package_pid" || package_status=$?
  cat "$package_log"
  if [ "$package_status" -eq 0 ]; then
    deb_version=$(dpkg-parsechangelog -l "$PRESENTD_ROOT/debian/changelog" -S Version)
    "$PRESENTD_ROOT/scripts/package_install_test.sh" \
      "$PRESENTD_ROOT/build-package/presentd_${deb_version}_$(dpkg --print-architecture).deb" || status=$?
  else
    status=$package_status
  fi
fi
exit "$status"
