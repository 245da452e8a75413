#!/usr/bin/env bash
# Puts one "SPDX-License-Identifier: Apache-2.0" line at the top of every source file git knows
# (after a #! line or an HTML doctype), in the file's own comment syntax. Files that already have
# one are left alone, so it can be re-run after a merge; data (corpora, vectors, JSON, Markdown)
# is not touched. Usage: scripts/spdx_headers.sh [--check]  (--check: list files without one, exit 1)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

identifier="SPDX-License-Identifier: Apache-2.0"
missing=0
while IFS= read -r -d '' file; do
  [ -f "$file" ] || continue
  case "$file" in
    *.cpp | *.hpp | *.h | *.c | *.hpp.in | *.js) line="// $identifier" ;;
    *.py | *.sh | *.cmake | */CMakeLists.txt | CMakeLists.txt | .ci/run | debian/rules | debian/*.postrm) line="# $identifier" ;;
    *.css) line="/* $identifier */" ;;
    *.html) line="<!-- $identifier -->" ;;
    *) continue ;;
  esac
  head -n 3 "$file" | grep -q "SPDX-License-Identifier" && continue
  if [ "${1:-}" = "--check" ]; then
    echo "no SPDX line: $file"
    missing=1
    continue
  fi
  first=$(head -n 1 "$file")
  if [[ "$first" == "#!"* || "${first,,}" == "<!doctype"* ]]; then
    { echo "$first"; echo "$line"; tail -n +2 "$file"; } >"$file.spdx"
  else
    { echo "$line"; cat "$file"; } >"$file.spdx"
  fi
  chmod --reference="$file" "$file.spdx"
  mv "$file.spdx" "$file"
done < <(git ls-files -z)
exit $missing
