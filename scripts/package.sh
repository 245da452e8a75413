#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Builds the Debian package from this checkout, checks it with lintian and runs the install test
# (scripts/package_install_test.sh). The packages land in build-package/. CI runs this from
# scripts/test.sh.
# Usage: scripts/package.sh [--no-install-test]
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

install_packages "$PRESENTD_ROOT/scripts/packages/build.txt" "$PRESENTD_ROOT/scripts/packages/package.txt"

# One version: the package's (debian/changelog) must be the one CMake builds into the binary.
cmake_version=$(sed -n 's/^project(presentd VERSION \([0-9.]*\).*/\1/p' "$PRESENTD_ROOT/CMakeLists.txt")
deb_version=$(dpkg-parsechangelog -l "$PRESENTD_ROOT/debian/changelog" -S Version)
if [ "${deb_version%%[-+~]*}" != "$cmake_version" ]; then
  echo "presentd: debian/changelog says $deb_version, CMakeLists.txt $cmake_version" >&2
  exit 1
fi

# The build runs in a copy of the tree under build-package/ (ignored by git), so the checkout
# stays clean; a fixed path lets a compiler cache (CMAKE_CXX_COMPILER_LAUNCHER=ccache) hit again.
out="$PRESENTD_ROOT/build-package"
stage="$out/source"
rm -rf "$stage" "$out"/presentd*_*.deb "$out"/presentd_*.{changes,buildinfo,dsc,tar.xz}
mkdir -p "$stage/presentd"
# The files git knows about (committed or not, ignored ones left out), else the tree without builds.
if git -C "$PRESENTD_ROOT" rev-parse --git-dir >/dev/null 2>&1; then
  (cd "$PRESENTD_ROOT" && git ls-files -z --cached --others --exclude-standard |
    tar --null --ignore-failed-read -T - -cf - 2>/dev/null) | tar -C "$stage/presentd" -xf -
else
  tar -C "$PRESENTD_ROOT" --exclude='./build*' --exclude=./.git -cf - . | tar -C "$stage/presentd" -xf -
fi

echo "presentd: building the Debian package $deb_version (log: $out/build.log)"
(cd "$stage/presentd" &&
  DEB_BUILD_OPTIONS="nocheck parallel=$(nproc)" dpkg-buildpackage -us -uc >"$out/build.log" 2>&1) || {
  tail -n 60 "$out/build.log" >&2
  exit 1
}
mv "$stage"/presentd*_*.deb "$stage"/presentd_*.{changes,buildinfo,dsc,tar.xz} "$out"/
rm -rf "$stage"
ls -l "$out"

# The source package (a native one: the tree as a tarball, seconds to make) is built too, so
# lintian checks debian/copyright, control and rules besides the .deb files. Warnings fail too;
# there are no overrides (any added would go in debian/presentd.lintian-overrides with a reason).
echo "presentd: lintian"
lintian --fail-on error,warning --display-info --tag-display-limit 0 "$out"/presentd_*.changes

if [ "${1:-}" != "--no-install-test" ]; then
  "$PRESENTD_ROOT/scripts/package_install_test.sh" "$out/presentd_${deb_version}_$(dpkg --print-architecture).deb"
fi
