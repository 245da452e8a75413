#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The format gate: every tracked C++ file follows the repository's .clang-format (clang-format
# 14, Debian 12's). Prints each file that does not and exits 1; `--fix` rewrites them instead.
# Runs as the ctest `Lint.ClangFormat` (label lint), so CI checks it with everything else.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
format=$(command -v clang-format-14 || command -v clang-format || true)
if [ -z "$format" ]; then
  echo "check_format.sh: clang-format is not installed (apt-get install clang-format-14)" >&2
  exit 2
fi
cd "$root"
mapfile -t files < <(git ls-files -- 'src/*.cpp' 'src/*.hpp' 'tests/*.cpp' 'tests/*.hpp' 'bench/*.cpp' 'bench/*.hpp' 2>/dev/null || find src tests bench -name '*.cpp' -o -name '*.hpp')
if [ "${1:-}" = "--fix" ]; then
  "$format" -i "${files[@]}"
  exit 0
fi
bad=0
for file in "${files[@]}"; do
  if ! "$format" --dry-run --Werror "$file" > /dev/null 2>&1; then
    echo "not formatted: $file (scripts/check_format.sh --fix)"
    bad=1
  fi
done
[ "$bad" -eq 0 ] && echo "${#files[@]} files follow .clang-format"
exit "$bad"
