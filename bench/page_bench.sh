#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# End-to-end figures of the presenter page with headless Chromium (docs/performance.md):
#   - ramp-up: the bitrate Chrome sends (getStats, every 250 ms for 10 s) with a 1920x1080 fake
#     capture, against its own start rate measured in the same run;
#   - click-to-first-frame: the page's setRemoteDescription to presentd's first decoded frame,
#     10 runs, median, split at the moment the page's connection is up.
# Runs presentd and Chromium in a private network namespace (ICE ignores loopback). Needs root,
# Debian's chromium and playwright-core (scripts/common.sh: install_playwright build-bench/npm, which scripts/bench.sh runs).
#
# Usage: bench/page_bench.sh [build-dir]      (default: build-bench, from scripts/bench.sh)
# Diagnosis (not for the figures): PAGE_BENCH_LOG=FILE keeps presentd's log at debug level there,
# PAGE_BENCH_PCAP=FILE captures the namespace's media traffic with tcpdump, PAGE_BENCH_RUNS=N.
set -eu
source_dir=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$source_dir/build-bench}" && pwd)
if [ "${PAGE_BENCH_IN_NETNS:-}" != 1 ]; then
  exec env PAGE_BENCH_IN_NETNS=1 unshare -n "$0" "$build"
fi
work=$(mktemp -d)
capture=
trap 'kill "$daemon" 2>/dev/null; wait "$daemon" 2>/dev/null; [ -z "$capture" ] || { kill -INT "$capture"; wait "$capture"; }
      [ -z "${PAGE_BENCH_LOG:-}" ] || cp "$work/presentd.log" "$PAGE_BENCH_LOG"; rm -rf "$work"' EXIT
echo 1 > /proc/sys/net/ipv6/conf/all/disable_ipv6
echo 1 > /proc/sys/net/ipv6/conf/default/disable_ipv6
ip link set lo up
ip link add v0 type veth peer name v1
ip addr add 10.200.0.1/24 dev v0
ip addr add 10.200.0.2/24 dev v1
ip link set v0 up
ip link set v1 up
until ip -o link show up | grep -q 'v1@v0' && ! ip -o link show up | grep -q NO-CARRIER; do sleep 0.05; done
log_level=warning
[ -z "${PAGE_BENCH_LOG:-}" ] || log_level=debug
cat > "$work/presentd.json" <<JSON
{
  "network": {"bind_address": "10.200.0.1", "https_port": 8443},
  "pin": {"policy": "fixed", "length": 4, "fixed": "2468"},
  "display": {"driver": "dummy"},
  "discovery": {"presentd_service": false, "https_service": false},
  "daemon": {"state_directory": "$work/state", "web_root": "$source_dir/web", "log_level": "$log_level"}
}
JSON
if [ -n "${PAGE_BENCH_PCAP:-}" ]; then
  # Everything but the HTTPS signalling: STUN, DTLS, SRTP between the page and presentd.
  tcpdump -i any -n -U -w "$PAGE_BENCH_PCAP" 'udp and not port 8443' 2> "$work/tcpdump.log" &
  capture=$!
  until grep -q listening "$work/tcpdump.log"; do sleep 0.05; done
fi
SDL_AUDIODRIVER=dummy "$build/src/presentd" --config "$work/presentd.json" 2> "$work/presentd.log" &
daemon=$!
until [ -f "$work/state/tls/https-certificate.pem" ]; do sleep 0.1; done
NODE_PATH="$build/npm/node_modules" node "$source_dir/bench/page_bench.js" --box https://10.200.0.1:8443 --pin 2468 --runs "${PAGE_BENCH_RUNS:-10}"
