#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The install test of the Debian package, run by scripts/package.sh as root on a Debian 12 machine:
# install it with apt, check the shipped configuration and the installed unit, run the installed
# daemon as the presentd user on a test port and ask its page and WHIP endpoint, upgrade over an
# edited configuration, then remove and purge it and check what is left. The machine ends as it
# was: the package purged, the daemon stopped, and the user and groups the package made removed
# when they did not exist before (Debian policy leaves them; a test machine should not keep them).
# Usage: scripts/package_install_test.sh presentd_<version>_<arch>.deb
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

deb=$(realpath "$1")
export DEBIAN_FRONTEND=noninteractive
apt_get=(apt-get -y -qq -o DPkg::Lock::Timeout=600)
config=/etc/presentd/presentd.json
unit_dir=$(pkg-config --variable=systemdsystemunitdir systemd)

fail() {
  echo "presentd install test: FAILED: $*" >&2
  exit 1
}
step() { echo "presentd install test: $*"; }

[ "$(id -u)" -eq 0 ] || fail "run as root (it installs the package)"
# Never touch a presentd the machine already has: purging it at the end would lose its setup.
if dpkg-query -W -f='${Status}' presentd 2>/dev/null | grep -q installed; then
  fail "the presentd package is already installed here; remove it first"
fi
# A daemon run from source (scripts/run.sh) leaves its configuration and state in the paths the
# package owns. The test moves them aside and puts them back at the end, so running the README's
# two commands one after the other works and loses nothing.
set_aside=$(mktemp -d /var/tmp/presentd-install-test.set-aside.XXXXXX)
declare -A moved_aside=()
put_back() {
  local path
  for path in "${!moved_aside[@]}"; do
    rm -rf "$path"
    mv "${moved_aside[$path]}" "$path" || echo "presentd install test: could not put $path back from ${moved_aside[$path]}" >&2
  done
  rmdir "$set_aside" 2>/dev/null || true
}
trap put_back EXIT
for path in /etc/presentd /var/lib/presentd; do
  if [ -e "$path" ]; then
    aside="$set_aside/$(echo "${path#/}" | tr / _)"
    mv "$path" "$aside" || fail "could not move $path aside"
    moved_aside[$path]=$aside
    step "moved $path aside to $aside until the test ends"
  fi
done

# What the package may leave behind is compared with this picture of the machine.
leftovers() {
  find /etc /var /usr /lib /opt /srv -xdev \( -path /var/tmp -o -path /var/cache -o -path /var/log \
    -o -path /usr/local \) -prune -o -name '*presentd*' -print 2>/dev/null | sort
}
before_files=$(mktemp /tmp/presentd-install-test.before.XXXXXX)
leftovers >"$before_files"
packages_before=$(dpkg-query -W -f='${Package}\n' | sort)
accounts_before=$(getent passwd presentd || true)
groups_before=$( (getent group presentd video render input audio || true) | cut -d: -f1 | sort)

work=$(mktemp -d /tmp/presentd-install-test.XXXXXX)
chmod 755 "$work"  # the daemon runs as presentd and reads its test configuration here
daemon_pid=
cleanup() {
  local code=$?
  [ -z "$daemon_pid" ] || kill "$daemon_pid" 2>/dev/null || true
  [ -z "$daemon_pid" ] || wait "$daemon_pid" 2>/dev/null || true
  if dpkg-query -W -f='${Status}' presentd 2>/dev/null | grep -q "ok installed\|config-files"; then
    "${apt_get[@]}" purge presentd >/dev/null 2>&1 || true
  fi
  # Packages apt pulled in for presentd (none when scripts/packages/build.txt is installed).
  local added
  added=$(comm -13 <(echo "$packages_before") <(dpkg-query -W -f='${Package}\n' | sort) | tr '\n' ' ')
  [ -z "${added// /}" ] || "${apt_get[@]}" purge $added >/dev/null 2>&1 || true
  if [ -z "$accounts_before" ] && getent passwd presentd >/dev/null; then userdel presentd; fi
  for group in presentd video render input audio; do
    if ! grep -qx "$group" <<<"$groups_before" && getent group "$group" >/dev/null; then groupdel "$group"; fi
  done
  rm -rf "$work" "$before_files"
  put_back
  exit $code
}
trap cleanup EXIT

step "apt-get install $(basename "$deb")"
# --no-install-recommends: avahi-daemon (Recommends) is not needed here and would stay behind.
"${apt_get[@]}" install --no-install-recommends "$deb" >"$work/install.log" 2>&1 || {
  cat "$work/install.log" >&2
  fail "apt-get install"
}
for path in /usr/sbin/presentd "$config" "$unit_dir/presentd.service" /usr/lib/sysusers.d/presentd.conf \
  /usr/share/presentd/web/index.html /usr/share/man/man8/presentd.8.gz /usr/share/doc/presentd/copyright; do
  [ -f "$path" ] || fail "$path is not installed"
done
dpkg-query -W -f='${Conffiles}\n' presentd | grep -q " $config " || fail "$config is not a conffile"
! readelf -S /usr/sbin/presentd | grep -q '\.debug_info' || fail "/usr/sbin/presentd is not stripped"

step "the presentd user and its groups (systemd-sysusers from postinst)"
getent passwd presentd | grep -q ':/var/lib/presentd:/usr/sbin/nologin$' || fail "presentd user: $(getent passwd presentd)"
for group in video render input audio; do
  id -nG presentd | tr ' ' '\n' | grep -qx "$group" || fail "presentd is not in group $group: $(id presentd)"
done
# The unit is enabled for boot; without systemd as PID 1 postinst neither reloads nor starts it.
[ -L /etc/systemd/system/multi-user.target.wants/presentd.service ] || fail "the unit is not enabled"

# The package's own binary by its path: a presentd that scripts/run.sh put under /usr/local comes
# first on PATH and may be older than this package.
step "presentd --check-config on the shipped configuration"
/usr/sbin/presentd --check-config | grep -qx "configuration ok" ||
  fail "presentd --check-config: $(/usr/sbin/presentd --check-config 2>&1)"

step "systemd-analyze verify $unit_dir/presentd.service"
systemd-analyze verify "$unit_dir/presentd.service" >"$work/verify.log" 2>&1 || {
  cat "$work/verify.log" >&2
  fail "systemd-analyze verify"
}
# The display box: the unit may open DRM, input and ALSA devices and nothing else.
for line in "DeviceAllow=char-drm rw" "DeviceAllow=char-alsa rw" "DeviceAllow=char-input r" "DevicePolicy=closed" \
  "SupplementaryGroups=video render input audio" "ExecStart=/usr/sbin/presentd"; do
  grep -qx "$line" "$unit_dir/presentd.service" || fail "the installed unit lacks: $line"
done

# The installed configuration with a test port, loopback only, a fixed PIN, its own state
# directory, no DNS-SD, and the display box's driver (kmsdrm).
port=$(comm -23 <(seq 20000 29999) <(ss -Htan | awk '{print $4}' | sed 's/.*://' | sort -u) | shuf -n 1)
mkdir -m 700 "$work/state" && chown presentd:presentd "$work/state"
sed -e "s|\"https_port\": 443,|\"https_port\": $port,|" \
  -e 's|"bind_address": "0.0.0.0",|"bind_address": "127.0.0.1",|' \
  -e 's|"policy": "rotate",|"policy": "fixed",|' -e 's|"fixed": ""|"fixed": "4711"|' \
  -e 's|"driver": "",|"driver": "kmsdrm",|' \
  -e "s|\"state_directory\": \"/var/lib/presentd\",|\"state_directory\": \"$work/state\",|" \
  -e 's|"presentd_service": true,|"presentd_service": false,|' -e 's|"https_service": true,|"https_service": false,|' \
  "$config" >"$work/presentd.json"
chmod 644 "$work/presentd.json"
printed=$(/usr/sbin/presentd --print-config --config "$work/presentd.json" | tr -d ' \n')
for want in "\"https_port\":$port" '"bind_address":"127.0.0.1"' '"policy":"fixed"' '"driver":"kmsdrm"' \
  "\"state_directory\":\"$work/state\"" '"presentd_service":false' '"https_service":false' '"web_root":""'; do
  grep -qF "$want" <<<"$printed" || fail "the test configuration did not get $want (did config/presentd.json change?)"
done

step "the installed daemon as the presentd user on port $port"
# setpriv execs the daemon itself (runuser would stay in between and turn SIGTERM into a failure);
# HOME as systemd's User= gives it.
HOME=/var/lib/presentd setpriv --reuid=presentd --regid=presentd --init-groups --inh-caps=-all \
  /usr/sbin/presentd --config "$work/presentd.json" >"$work/daemon.log" 2>&1 &
daemon_pid=$!
base="https://127.0.0.1:$port"
for _ in $(seq 120); do
  curl -skf -o /dev/null "$base/api/v1/status" && break
  kill -0 "$daemon_pid" 2>/dev/null || { cat "$work/daemon.log" >&2; fail "the daemon exited"; }
  sleep 0.5
done
curl -skf "$base/" -o "$work/index.html" || { cat "$work/daemon.log" >&2; fail "GET / did not answer"; }
cmp -s "$work/index.html" /usr/share/presentd/web/index.html || fail "GET / is not /usr/share/presentd/web/index.html"
curl -skf "$base/whip_client.js" | cmp -s - /usr/share/presentd/web/whip_client.js || fail "GET /whip_client.js"
# The viewers' page and its script (docs/viewers.md), as the idle screen tells people to open it.
curl -skf "$base/watch" | cmp -s - /usr/share/presentd/web/watch/index.html || fail "GET /watch"
curl -skf "$base/watch/watch.js" | cmp -s - /usr/share/presentd/web/watch/watch.js || fail "GET /watch/watch.js"
# A WHEP player's offer (GStreamer webrtcbin's, recvonly) with nobody presenting: 201 and an
# answer; the viewer waits for the first presenter. Then DELETE.
viewer_offer="$PRESENTD_ROOT/tests/unit/sdp/viewer_offers/gstreamer_1_22_whep_vp8_h264_opus.sdp"
code=$(curl -sk -o "$work/whep.sdp" -D "$work/whep.head" -w '%{http_code}' -X POST -H 'Content-Type: application/sdp' \
  -H 'Authorization: Bearer 4711' --data-binary "@$viewer_offer" "$base/whep")
[ "$code" = 201 ] && grep -q '^a=sendonly' "$work/whep.sdp" ||
  { cat "$work/whep.head" "$work/whep.sdp" "$work/daemon.log" >&2; fail "POST /whep gave $code"; }
location=$(sed -n 's/^[Ll]ocation: *\([^[:space:]]*\).*/\1/p' "$work/whep.head")
code=$(curl -sk -o /dev/null -w '%{http_code}' -X DELETE -H 'Authorization: Bearer 4711' "$base$location")
[ "$code" = 200 ] || [ "$code" = 204 ] || fail "DELETE $location gave $code"
# A real offer (GStreamer webrtcbin's, tests/vectors/sdp) with the room PIN: 201, an answer, a Location.
offer="$PRESENTD_ROOT/tests/vectors/sdp/gstreamer_1_22_vp8_opus.sdp"
code=$(curl -sk -o "$work/answer.sdp" -D "$work/answer.head" -w '%{http_code}' -X POST \
  -H 'Content-Type: application/sdp' -H 'Authorization: Bearer 4711' --data-binary "@$offer" "$base/whip")
[ "$code" = 201 ] || { cat "$work/answer.head" "$work/answer.sdp" "$work/daemon.log" >&2; fail "POST /whip gave $code"; }
grep -q '^v=0' "$work/answer.sdp" || fail "POST /whip gave no SDP answer"
location=$(sed -n 's/^[Ll]ocation: *\([^[:space:]]*\).*/\1/p' "$work/answer.head")
[ -n "$location" ] || fail "POST /whip gave no Location"
code=$(curl -sk -o /dev/null -w '%{http_code}' -X DELETE -H 'Authorization: Bearer 4711' "$base$location")
[ "$code" = 200 ] || [ "$code" = 204 ] || fail "DELETE $location gave $code"
# No DRM device here (no GPU): the daemon serves HTTPS, waits for the display and says why, once.
if ! compgen -G '/dev/dri/card*' >/dev/null; then
  sleep 3  # over one of the render thread's 2-second retries
  [ "$(grep -c 'no DRM device in /dev/dri' "$work/daemon.log")" = 1 ] || {
    cat "$work/daemon.log" >&2
    fail "expected one line naming the missing DRM device"
  }
fi
kill -TERM "$daemon_pid"
wait "$daemon_pid" || { cat "$work/daemon.log" >&2; fail "the daemon did not stop cleanly on SIGTERM"; }
daemon_pid=
ls "$work/state/tls/"*.pem >/dev/null || fail "the daemon wrote no certificate into its state directory"

step "re-install and upgrade over an edited $config"
sed -i 's|"name": "Meeting room"|"name": "Edited by the install test"|' "$config"
edited=$(sha256sum "$config")
"${apt_get[@]}" install --reinstall --no-install-recommends "$deb" >"$work/reinstall.log" 2>&1 ||
  { cat "$work/reinstall.log" >&2; fail "apt-get install --reinstall"; }
[ "$(sha256sum "$config")" = "$edited" ] || fail "re-installing the same version changed the edited $config"
# An upgrade whose shipped configuration changed too is where dpkg asks the admin; the test keeps
# the admin's file (--force-confold), as answering "N" at the prompt does.
mkdir "$work/next"
dpkg-deb -R "$deb" "$work/next/tree"
version=$(dpkg-deb -f "$deb" Version)
sed -i "s/^Version: .*/Version: $version+installtest1/" "$work/next/tree/DEBIAN/control"
echo '// A line the next version added.' >>"$work/next/tree$config"
(cd "$work/next/tree" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | xargs -0 md5sum >DEBIAN/md5sums)
dpkg-deb -b --root-owner-group "$work/next/tree" "$work/next/presentd_next.deb" >/dev/null
"${apt_get[@]}" install --no-install-recommends -o Dpkg::Options::=--force-confold "$work/next/presentd_next.deb" \
  >"$work/upgrade.log" 2>&1 || { cat "$work/upgrade.log" >&2; fail "the upgrade"; }
[ "$(sha256sum "$config")" = "$edited" ] || fail "the upgrade changed the edited $config"
grep -q "next version added" "$config.dpkg-dist" || fail "the upgrade did not leave its configuration as $config.dpkg-dist"

step "remove, then purge"
"${apt_get[@]}" remove presentd >"$work/remove.log" 2>&1 || { cat "$work/remove.log" >&2; fail "apt-get remove"; }
[ ! -e /usr/sbin/presentd ] || fail "remove left /usr/sbin/presentd"
[ "$(sha256sum "$config")" = "$edited" ] || fail "remove did not keep the admin's $config"
mkdir -p /var/lib/presentd/tls && touch /var/lib/presentd/tls/https-certificate.pem  # as the service makes it
"${apt_get[@]}" purge presentd >"$work/purge.log" 2>&1 || { cat "$work/purge.log" >&2; fail "apt-get purge"; }
if dpkg-query -W -f='${Status}\n' presentd 2>/dev/null | grep -qv "not-installed"; then
  fail "dpkg still has presentd after purge: $(dpkg -l presentd | tail -1)"
fi
left=$(comm -13 "$before_files" <(leftovers))
[ -z "$left" ] || fail "purge left: $left"
# What Debian policy keeps: the system user and the groups it was added to.
getent passwd presentd >/dev/null || fail "the presentd user went away on purge (Debian keeps system users)"
step "purge left nothing of presentd but the presentd user (Debian policy keeps system users)"
step "ok"
