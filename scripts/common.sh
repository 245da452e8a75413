# SPDX-License-Identifier: Apache-2.0
# Shared by scripts/run.sh and scripts/test.sh: install only what is missing, then build.
set -euo pipefail

PRESENTD_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# install_packages LIST_FILE... : apt-get installs the packages not yet installed. When nothing
# is missing it touches neither the network nor apt, so a re-run costs well under a second.
install_packages() {
  local wanted missing=()
  wanted=$(cat "$@" | sed -e 's/#.*//' -e '/^[[:space:]]*$/d')
  for package in $wanted; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
      missing+=("$package")
    fi
  done
  if [ ${#missing[@]} -eq 0 ]; then
    return 0
  fi
  if [ "$(id -u)" -ne 0 ]; then
    echo "presentd: missing packages: ${missing[*]}; run this script as root (or install them first)" >&2
    exit 1
  fi
  echo "presentd: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=600 "${missing[@]}"
}

# build BUILD_DIR CMAKE_OPTIONS... : configures (a fraction of a second when nothing changed), then
# builds incrementally. Configuring every time makes the options asked for the ones in force: a
# build directory first configured by hand without -Werror gets it from scripts/test.sh (CI).
build() {
  local dir=$1
  shift
  cmake --log-level=WARNING -S "$PRESENTD_ROOT" -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@"
  cmake --build "$dir" -j "$(nproc)"
}

# install_playwright DIR : the browser drivers the browser tests use, from the npm registry, once:
# playwright-core for Debian's /usr/bin/chromium, puppeteer-core for /usr/bin/firefox-esr (over
# WebDriver BiDi), and whip-whep, the third-party WHEP player a viewer test runs in Chromium. No
# browser is ever downloaded.
install_playwright() {
  local prefix=$1
  [ -d "$prefix/node_modules/playwright-core" ] && [ -d "$prefix/node_modules/puppeteer-core" ] &&
    [ -f "$prefix/node_modules/whip-whep/whep.js" ] && return 0
  if ! command -v npm >/dev/null 2>&1; then
    install_packages <(echo nodejs; echo npm)
  fi
  npm install --no-save --no-audit --no-fund --silent --prefix "$prefix" playwright-core@1.65.1 puppeteer-core@25.16.0 \
    whip-whep@1.2.0
}

# build_test_tree BUILD_DIR : the suite's own tree. Everything in it, the daemon the integration
# tests start included, is built with AddressSanitizer and UndefinedBehaviorSanitizer, so every
# test also checks for memory errors, leaks (at each process's exit) and undefined behaviour; the
# tests carry their sanitizer settings (tests/CMakeLists.txt), so a plain `ctest` in it checks the
# same. -O1 with line tables: about the compile time of -O2 -g, fast enough to run (ASan's own
# advice), file:line in every report; asserts stay on. The benchmarks are compiled here so they
# keep building, and measured in their own optimised tree (scripts/bench.sh).
build_test_tree() {
  build "$1" -DPRESENTD_WERROR=ON -DPRESENTD_SANITIZE=ON -DPRESENTD_BUILD_TESTS=ON -DPRESENTD_BUILD_BENCH=ON \
    "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1" "-DCMAKE_C_FLAGS_RELWITHDEBINFO=-O1 -g1"
}
