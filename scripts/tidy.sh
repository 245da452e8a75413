#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The clang-tidy gate: the checks in .clang-tidy (clang-tidy 14, Debian 12's); any finding fails
# it. A whole run over src/ takes about 25 minutes on two cores, more than CI can give it, so CI
# (the ctest Lint.ClangTidy) checks what changed since the commit named in .clang-tidy-baseline,
# the last one at which the whole of src/ was clean: each changed .cpp, and for each changed header
# the .cpp files of the same name. After a clean `--all` run, write HEAD's id there.
#
# Usage: scripts/tidy.sh [--all | --changed] [--build DIR] [--fix]
#   --all      every .cpp under src/
#   --changed  what changed since .clang-tidy-baseline, committed or not (the default)
#   --build    a build tree with compile_commands.json (default: build)
#   --fix      apply clang-tidy's fixes where it has them
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mode=changed build="$root/build" fix=()
while [ $# -gt 0 ]; do
  case "$1" in
    --all) mode=all ;;
    --changed) mode=changed ;;
    --build) build=$(realpath "$2"); shift ;;
    --fix) fix=(-fix) ;;
    *) echo "tidy.sh: unknown argument $1 (see the comment at the top)" >&2; exit 2 ;;
  esac
  shift
done
runner=$(command -v run-clang-tidy-14 || command -v run-clang-tidy || true)
if [ -z "$runner" ]; then
  echo "tidy.sh: clang-tidy is not installed (apt-get install clang-tidy-14)" >&2
  exit 2
fi
if [ ! -f "$build/compile_commands.json" ]; then
  echo "tidy.sh: $build/compile_commands.json is missing; configure that tree with cmake first" >&2
  exit 2
fi
cd "$root"
baseline=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' .clang-tidy-baseline)

sources_of_changes() {
  local changed file stem
  if ! git cat-file -e "$baseline^{commit}" 2>/dev/null; then
    # An exported or shallow checkout cannot tell what changed, and checking all of src/ would
    # take longer than CI has: say so and skip (exit 77, which ctest reports as skipped).
    echo "tidy.sh: the baseline $baseline is not in this checkout, so what changed is unknown;" \
      "skipped (scripts/tidy.sh --all checks everything)" >&2
    exit 77
  fi
  changed=$( (git diff --name-only "$baseline" -- src include; git ls-files --others --exclude-standard -- src include) | sort -u)
  for file in $changed; do
    [ -f "$file" ] || continue
    case "$file" in
      *.cpp) echo "$file" ;;
      *.hpp)
        stem=$(basename "$file" .hpp)
        git ls-files -- "src/*/$stem.cpp" "src/$stem.cpp"
        ;;
    esac
  done | sort -u
}

if [ "$mode" = all ]; then
  mapfile -t files < <(git ls-files -- 'src/*.cpp' 2>/dev/null || find src -name '*.cpp')
else
  changes=$(sources_of_changes) || exit $?
  mapfile -t files <<<"$changes"
  [ -n "$changes" ] || files=()
fi
if [ ${#files[@]} -eq 0 ]; then
  echo "tidy.sh: nothing under src/ or include/ changed since $baseline"
  exit 0
fi
# The anchored absolute paths are run-clang-tidy's file filter; the compile database names
# every file by its absolute path. GCC's own warning flags (the tree may be a GCC build) are
# not clang's, hence -Wno-unknown-warning-option.
filters=()
for file in "${files[@]}"; do filters+=("^$root/${file//./\\.}\$"); done
report=$(mktemp)
trap 'rm -f "$report"' EXIT
status=0
"$runner" -p "$build" -j "$(nproc)" -quiet "${fix[@]}" -extra-arg=-Wno-unknown-warning-option "${filters[@]}" \
  >"$report" 2>&1 || status=$?
# run-clang-tidy 14 has no -warnings-as-errors and exits 0 on warnings: every finding is a line
# "file:line:col: warning|error: … [check]". Print those with their context, not the per-file
# "N warnings generated" chatter.
findings=$(sed 's/\x1b\[[0-9;]*m//g' "$report" | grep -cE '^[^ ]+:[0-9]+:[0-9]+: (warning|error): ' || true)
if [ "$status" -ne 0 ] || [ "$findings" -ne 0 ]; then
  sed 's/\x1b\[[0-9;]*m//g' "$report" | grep -vE '^[0-9]+ warnings? (and [0-9]+ errors? )?generated|^Suppressed [0-9]+ warnings|^Use -header-filter|^clang-tidy-14 |^Running clang-tidy|^Enabled checks' || true
  echo "tidy.sh: $findings finding(s) in ${#files[@]} file(s) checked (clang-tidy exit $status)" >&2
  exit 1
fi
echo "tidy.sh: ${#files[@]} file(s) clean"
