#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Builds the remote page (web/remote/, docs/cloud.md "Remote page") into OUT (default
# build/remote-page): the pinned npm packages (package-lock.json) are installed beside OUT, never
# in the source tree, and esbuild bundles StanzaJS and the page into one index.html.
#   scripts/build_remote_page.sh [OUT]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=$(realpath -m "${1:-$root/build/remote-page}")
work="$out.npm"
mkdir -p "$work" "$out"
if ! cmp -s "$root/web/remote/package-lock.json" "$work/package-lock.json" || [ ! -d "$work/node_modules" ]; then
  if ! command -v npm >/dev/null 2>&1; then
    echo "build_remote_page: npm is needed (apt-get install nodejs npm)" >&2
    exit 1
  fi
  cp "$root/web/remote/package.json" "$root/web/remote/package-lock.json" "$work/"
  (cd "$work" && npm ci --no-audit --no-fund --silent)
fi
node "$root/web/remote/build.mjs" "$work/node_modules" "$out"
