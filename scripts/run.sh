#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Installs what is missing, builds, installs presentd under /usr/local and runs it in the
# foreground with the built-in defaults (or /etc/presentd/presentd.json if you wrote one).
# Extra arguments go to presentd, e.g. scripts/run.sh --config my.json
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

install_packages "$PRESENTD_ROOT/scripts/packages/build.txt"
build "$PRESENTD_ROOT/build-release" -DPRESENTD_BUILD_TESTS=OFF -DPRESENTD_BUILD_BENCH=OFF
cmake --install "$PRESENTD_ROOT/build-release" --prefix /usr/local >/dev/null
echo "presentd: installed /usr/local/sbin/presentd; starting it (Ctrl+C stops it)"
exec /usr/local/sbin/presentd "$@"
