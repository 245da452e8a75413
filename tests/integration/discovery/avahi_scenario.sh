#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Runs one discovery scenario against a real avahi-daemon, isolated from the host:
#   unshare --net --mount --pid --fork --mount-proc bash avahi_scenario.sh SCENARIO PRESENTD WORKDIR WEBROOT [SECTIONS]
# SECTIONS: extra configuration sections for every presentd it starts (the "cloud" scenario runs
# in the test's own network namespace, where the test started Prosody, and makes no links).
# In the new namespaces it mounts private tmpfs on /run/dbus and /run/avahi-daemon, makes a
# two veth links (v0 10.77.0.1, v1 10.78.0.1, default route via v1), starts its own system bus and
# avahi-daemon, runs presentd with configs written to WORKDIR and prints facts as
# "KEY value" lines for discovery_test.cpp to check. This script is PID 1 of its own PID
# namespace, so everything it started dies with it; it still stops its servers in order.
set -u
scenario=$1 presentd=$2 work=$3 webroot=$4 sections=${5:-}
# Bounded: a resolver can wait for a service that is withdrawn while it is being resolved.
browse() { timeout 5 avahi-browse -rptk "$1" 2>/dev/null; }
now_ms() { date +%s%3N; }
fail() { echo "FAIL $*"; exit 1; }

# Polls `command` every 100 ms for up to $1 ms; prints WAITED_MS and returns its status.
wait_until() {
  local limit=$1 start; shift
  start=$(now_ms)
  while (($(now_ms) - start < limit)); do
    if "$@"; then echo "WAITED_MS $(($(now_ms) - start))"; return 0; fi
    sleep 0.1
  done
  return 1
}
published() { browse _presentd._tcp | grep -q "^=;[^;]*;IPv4;$1;"; }
withdrawn() { ! timeout 5 avahi-browse -ptk _presentd._tcp 2>/dev/null | grep -q "^+;[^;]*;IPv4;$1;"; }

setup_mounts() {
  mount --make-rprivate /
  mkdir -p /run/dbus /run/avahi-daemon
  mount -t tmpfs tmpfs /run/dbus && mount -t tmpfs tmpfs /run/avahi-daemon || fail "mounts"
}
setup_network() {
  setup_mounts
  ip link set lo up
  # Two links whose far ends live in a second namespace, so what is sent on one is not heard
  # back on the other (as on a box with a staff and a guest network).
  mkdir -p /run/netns && mount -t tmpfs tmpfs /run/netns && ip netns add far || fail "netns"
  local i
  for i in 0 1; do
    ip link add "v$i" type veth peer name "p$i" netns far || fail "veth"
    ip link set "v$i" multicast on up && ip addr add "10.7$((7 + i)).0.1/24" dev "v$i"
    ip -n far link set "p$i" up && ip -n far addr add "10.7$((7 + i)).0.2/24" dev "p$i"
  done
  ip route add default via 10.78.0.2 dev v1  # the meeting ID must follow it, not the first link
}
start_bus() { bus_pid=$(dbus-daemon --system --fork --print-pid) || fail "dbus-daemon"; }
start_avahi() {
  avahi-daemon --no-drop-root --no-chroot --no-rlimits -D 2>"$work/avahi.log" || fail "avahi-daemon: $(cat "$work/avahi.log")"
  wait_until 5000 avahi-daemon -c >/dev/null || fail "avahi-daemon not running"
}
stop_avahi() { avahi-daemon -k 2>/dev/null; wait_until 5000 bash -c '! avahi-daemon -c' >/dev/null; }

# write_config FILE ROOM PORT STATE [DISCOVERY-JSON]
write_config() {
  cat >"$1" <<JSON
{
  "room": {"name": "$2"},
  "network": {"bind_address": "0.0.0.0", "https_port": $3},
  "pin": {"policy": "fixed", "length": 4, "fixed": "2468"},
  "admission": {"max_presenters": 3},
  "discovery": {${5:-}},${sections}
  "daemon": {"state_directory": "$4", "web_root": "$webroot", "log_level": "debug"}
}
JSON
}
# start_presentd NAME ROOM PORT [DISCOVERY-JSON]: sets pid_NAME; waits for "ready".
start_presentd() {
  local name=$1
  write_config "$work/$name.json" "$2" "$3" "$work/$name-state" "${4:-}"
  "$presentd" --config "$work/$name.json" 2>"$work/$name.log" &
  eval "pid_$name=$!"
  wait_until 10000 grep -q " ready: " "$work/$name.log" >/dev/null || fail "$name not ready: $(cat "$work/$name.log")"
}
stop_presentd() {
  local pid_var="pid_$1"
  kill -TERM "${!pid_var}" && wait "${!pid_var}"
  echo "EXIT_$1 $?"
}
fingerprint() {
  openssl x509 -in "$work/$1-state/tls/https-certificate.pem" -noout -fingerprint -sha256 | sed 's/.*=//'
}
dump() { browse "$1" | grep '^=' | sed "s/^/RESOLVED /"; }
# txt_has NAME STRING: the resolved IPv4 record of NAME carries the TXT string STRING.
txt_has() { browse _presentd._tcp | grep "^=;[^;]*;IPv4;$1;" | grep -qF "\"$2\""; }
# txt_lacks NAME STRING: NAME is resolved and none of its IPv4 records carries STRING.
txt_lacks() {
  local records
  records=$(browse _presentd._tcp | grep "^=;[^;]*;IPv4;$1;")
  [ -n "$records" ] && ! grep -qF "\"$2\"" <<<"$records"
}

if [ "$scenario" = cloud ]; then setup_mounts; else setup_network; fi
case $scenario in
cloud)  # online with the cloud server (SECTIONS): cid; cloud switched off + SIGHUP: no cid
  start_bus; start_avahi
  start_presentd a "Board Room" 8443
  wait_until 20000 txt_has 'Board\\032Room' cid=482913 | sed 's/WAITED_MS/CID_AFTER_MS/'
  echo "FINGERPRINT $(fingerprint a)"
  browse _presentd._tcp | grep '^=;[^;]*;IPv4;' | sed 's/^/ONLINE /'
  sections='' write_config "$work/a.json" "Board Room" 8443 "$work/a-state"
  kill -HUP "$pid_a"
  wait_until 5000 txt_lacks 'Board\\032Room' cid=482913 | sed 's/WAITED_MS/CID_GONE_AFTER_MS/'
  dump _presentd._tcp
  ;;
txt)  # the exact TXT values and the page record
  start_bus; start_avahi
  start_presentd a "Board Room" 8443
  wait_until 5000 published 'Board\\032Room' || fail "not published: $(cat "$work/a.log")"
  echo "FINGERPRINT $(fingerprint a)"
  dump _presentd._tcp; dump _https._tcp
  stop_presentd a
  wait_until 5000 withdrawn 'Board\\032Room' >/dev/null && echo "WITHDRAWN_ON_EXIT 1"
  ;;
interfaces)  # only v1 (nope0 does not exist), and only the page record
  start_bus; start_avahi
  start_presentd a "Lab" 8443 '"interfaces": "v1,nope0", "presentd_service": false'
  wait_until 5000 bash -c "timeout 5 avahi-browse -rptk _https._tcp | grep -q '^=;v1;IPv4;Lab;'" >/dev/null || fail "page not published"
  sleep 0.5
  dump _https._tcp; dump _presentd._tcp
  grep -h 'interface "nope0"' "$work/a.log" | sed 's/^/LOG /'
  ;;
collision)  # two boxes called the same
  start_bus; start_avahi
  start_presentd a "Board Room" 8443
  start_presentd b "Board Room" 8444
  wait_until 5000 published 'Board\\032Room\\032\\0352' || fail "no second name: $(cat "$work/b.log")"
  dump _presentd._tcp
  grep -h "taken on the network" "$work/a.log" "$work/b.log" | sed 's/^/LOG /'
  ;;
restart)  # avahi-daemon killed and started again; presentd keeps running
  start_bus; start_avahi
  start_presentd a "Board Room" 8443
  wait_until 5000 published 'Board\\032Room' >/dev/null || fail "not published"
  stop_avahi
  kill -0 "$pid_a" && echo "ALIVE_WITHOUT_AVAHI 1"
  start_avahi
  wait_until 5000 published 'Board\\032Room' | sed 's/WAITED_MS/BACK_AFTER_MS/'
  kill -0 "$pid_a" && echo "SAME_PROCESS 1"
  echo "STARTS $(grep -c " ready: " "$work/a.log")"
  ;;
late)  # presentd first, avahi-daemon later; then no bus at all
  start_bus
  start_presentd a "Board Room" 8443
  start_avahi
  wait_until 5000 published 'Board\\032Room' | sed 's/WAITED_MS/PUBLISHED_AFTER_MS/'
  ;;
nobus)  # no system bus, no avahi-daemon: one warning, HTTPS still serves
  start_presentd a "Board Room" 8443
  sleep 3.5  # longer than one quiet retry
  curl -sk https://127.0.0.1:8443/api/v1/status | sed 's/^/STATUS /'; echo
  echo "WARNINGS $(grep -c "cannot reach avahi-daemon" "$work/a.log")"
  stop_presentd a
  ;;
rename)  # room renamed + SIGHUP
  start_bus; start_avahi
  start_presentd a "Alpha Room" 8443
  wait_until 5000 published 'Alpha\\032Room' >/dev/null || fail "not published"
  write_config "$work/a.json" "Beta Room" 8443 "$work/a-state"
  kill -HUP "$pid_a"
  wait_until 5000 published 'Beta\\032Room' | sed 's/WAITED_MS/RENAMED_AFTER_MS/'
  wait_until 5000 withdrawn 'Alpha\\032Room' | sed 's/WAITED_MS/OLD_GONE_AFTER_MS/'
  dump _presentd._tcp
  ;;
hostname)  # the .local URL in the status; Avahi renames the host and the URL follows
  start_bus; start_avahi
  start_presentd a "Board Room" 8443
  wait_until 5000 published 'Board\\032Room' >/dev/null || fail "not published"
  echo "AVAHI_NAME $(avahi-resolve -4 -a 10.78.0.1 2>/dev/null | awk '{print $2}')"
  curl -sk https://127.0.0.1:8443/api/v1/status | sed 's/^/STATUS /'; echo
  avahi-set-host-name presentd-renamed-box || fail "avahi-set-host-name"
  wait_until 5000 bash -c "curl -sk https://127.0.0.1:8443/api/v1/status | grep -qF 'https://presentd-renamed-box.local:8443/'" |
    sed 's/WAITED_MS/RENAMED_AFTER_MS/'
  curl -sk https://127.0.0.1:8443/api/v1/status | sed 's/^/RENAMED_STATUS /'; echo
  ;;
*) fail "unknown scenario $scenario" ;;
esac
echo "DONE"
# Orderly stop; the PID namespace ends everything else when this script exits.
for pid in $(jobs -p); do kill -TERM "$pid" 2>/dev/null; done
wait
stop_avahi
[ -n "${bus_pid:-}" ] && kill "$bus_pid"
exit 0
