#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The format gate: every C++ file git tracks or would add (untracked, not ignored) follows the
# repository's .clang-format (clang-format 14, Debian 12's). Prints each file that does not and
# exits 1; `--fix` rewrites them instead.
# Runs as the ctest `Lint.ClangFormat` (label lint), so CI checks it with everything else.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
format=$(command -v clang-format-14 || command -v clang-format || true)
if [ -z "$format" ]; then
  echo "check_format.sh: clang-format is not installed (apt-get install clang-format-14)" >&2
  exit 2
fi
cd "$root"
mapfile -t files < <(git ls-files --cached --others --exclude-standard -- 'src/*.cpp' 'src/*.hpp' 'include/*.hpp' 'tests/*.cpp' 'tests/*.hpp' 'bench/*.cpp' 'bench/*.hpp' 2>/dev/null || find src include tests bench -name '*.cpp' -o -name '*.hpp')
if [ "${1:-}" = "--fix" ]; then
  "$format" -i "${files[@]}"
  exit 0
fi
# One clang-format process for every file (a process per file took a minute); it names each
# file it would change in its warnings.
report=$("$format" --dry-run --Werror "${files[@]}" 2>&1) && status=0 || status=$?
if [ "$status" -ne 0 ]; then
  unformatted=$(grep -oE '^[^:]+\.(cpp|hpp):[0-9]+' <<< "$report" | cut -d: -f1 | sort -u || true)
  if [ -n "$unformatted" ]; then
    sed 's/$/: not formatted (scripts\/check_format.sh --fix)/' <<< "$unformatted"
  else
    echo "$report"  # clang-format itself failed: say why
  fi
  exit 1
fi
echo "${#files[@]} files follow .clang-format"
