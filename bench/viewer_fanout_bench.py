#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""The whole box forwarding one presentation to many WHEP viewers (issue 15's figures), in a
network namespace of its own (ICE ignores loopback):

1. CPU: presentd's utime + stime over --window seconds while one GStreamer presenter sends
   1920x1080 VP8 at 4 Mbit/s with Opus (a clip encoded first and replayed at 30 frames/s, so no
   encoder competes with the viewers for the cores; --live-encoder encodes live), first with no viewer (the baseline: receive, decode),
   then with --viewers GStreamer webrtcbin WHEP viewers (tests/integration/webrtc/gst_whep_viewer.py
   --no-decode: SRTP, jitter buffer and RTCP feedback run in each, nothing is decoded, so the
   two cores are not spent on 25 decoders). Forwarding = the difference, in % of one core and
   per forwarded packet.
2. The presenter's loss at the box in both windows: packets given up after NACK, frames
   dropped before decoding, frames assembled versus decoded (the goal: none lost to forwarding).
3. The delay the box adds: tcpdump timestamps (the kernel's) of each presenter video packet
   reaching the box and of each viewer's copy leaving it, matched by sequence number (the box
   rewrites it by a constant offset per viewer; the RTP header is not encrypted). p50/p90/p99
   over all copies, and by the viewer's place in the fan-out (the first viewer's copy leaves
   first).

Run as root from the repository with the daemon built optimised (scripts/bench.sh):
    apt-get install tcpdump
    /usr/bin/python3 bench/viewer_fanout_bench.py --binary build-bench/src/presentd --viewers 25
It re-runs itself under `unshare -n`; nothing leaves the namespace.
"""
import argparse
import bisect
import collections
import os
import re
import statistics
import struct
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from whip_session_bench import (BOX, PORT, ROOT, Box, cpu_seconds, enter_own_network, rss_kib,  # noqa: E402
                                start_sender, wait_until)

VIEWER = os.path.join(ROOT, "tests/integration/webrtc/gst_whep_viewer.py")
PRESENTER_ARGS = ["--width", "1920", "--height", "1080", "--bitrate", "4000000", "--speed", "4", "--pattern",
                  "smpte", "--audio"]


def encode_clip(directory):
    """10 s of 1080p30 VP8 at 4 Mbit/s (moving SMPTE bars), keyframes every 2 s, as an IVF file
    the presenter replays: the encoder would take most of a core from the viewers."""
    clip = os.path.join(directory, "clip.ivf")
    subprocess.run(["gst-launch-1.0", "-q", "videotestsrc", "num-buffers=300", "pattern=smpte", "horizontal-speed=4",
                    "!", "video/x-raw,width=1920,height=1080,framerate=30/1", "!", "vp8enc", "deadline=1",
                    "keyframe-max-dist=60", "target-bitrate=4000000", "!", "avmux_ivf", "!", "filesink",
                    f"location={clip}"], check=True)
    return clip


def presenter_figures(box):
    """The presenter's video figures as the status API gives them (one session)."""
    sessions = box.status()["sessions"]["sessions"]
    video = sessions[0].get("video", []) if sessions else []
    return video[0] if video else {}


def measure_window(box, window, others):
    """presentd's CPU and the presenter's figures over `window`; `others` (the presenter and the
    viewers' processes) have their CPU summed beside it: the two cores are shared."""
    keys = ("packets", "frames_assembled", "frames_decoded", "frames_dropped", "packets_lost", "packets_recovered")
    others_cpu = lambda: sum(cpu_seconds(p.pid) for p in others if p.poll() is None)  # noqa: E731
    before, cpu0, other0, wall0 = presenter_figures(box), cpu_seconds(box.process.pid), others_cpu(), time.monotonic()
    time.sleep(window)
    after, cpu1, other1, wall1 = presenter_figures(box), cpu_seconds(box.process.pid), others_cpu(), time.monotonic()
    result = {key: after.get(key, 0) - before.get(key, 0) for key in keys}
    result["seconds"] = wall1 - wall0
    result["cpu_percent"] = 100 * (cpu1 - cpu0) / (wall1 - wall0)
    result["others_cpu_percent"] = 100 * (other1 - other0) / (wall1 - wall0)
    result["rss_kib"] = rss_kib(box.process.pid)
    return result


# --- pcap ---

def read_pcap(path):
    """(time, source (ip, port), destination (ip, port), UDP payload head) of each UDP/IPv4 packet."""
    with open(path, "rb") as f:
        data = f.read()
    magic, = struct.unpack_from("<I", data, 0)
    nanos = magic == 0xA1B23C4D
    linktype, = struct.unpack_from("<I", data, 20)
    link_header = {1: 14, 113: 16, 276: 20}[linktype]  # Ethernet, Linux cooked, cooked v2
    offset = 24
    while offset + 16 <= len(data):
        seconds, fraction, captured, _length = struct.unpack_from("<IIII", data, offset)
        offset += 16
        frame = data[offset:offset + captured]
        offset += captured
        ip = frame[link_header:]
        if len(ip) < 28 or ip[0] >> 4 != 4 or ip[9] != 17:
            continue
        header = (ip[0] & 0x0F) * 4
        source = (".".join(map(str, ip[12:16])), struct.unpack_from(">H", ip, header)[0])
        destination = (".".join(map(str, ip[16:20])), struct.unpack_from(">H", ip, header + 2)[0])
        yield seconds + fraction / (1e9 if nanos else 1e6), source, destination, ip[header + 8:]


def rtp_header(payload):
    """(ssrc, sequence number) of an RTP packet, None for STUN, DTLS, RTCP and the rest."""
    if len(payload) < 12 or payload[0] >> 6 != 2 or 192 <= payload[1] <= 223:
        return None
    sequence, = struct.unpack_from(">H", payload, 2)
    ssrc, = struct.unpack_from(">I", payload, 8)
    return ssrc, sequence


def box_sockets(pid):
    """The (ip, port) of every UDP socket presentd has open."""
    listing = subprocess.run(["ss", "-uanp"], capture_output=True, text=True, check=True).stdout
    sockets = set()
    for line in listing.splitlines():
        if f"pid={pid}," not in line:
            continue
        local = line.split()[3]
        address, port = local.rsplit(":", 1)
        sockets.add((address.strip("[]"), int(port)))
    return sockets


def added_delays(pcap, sockets):
    """Per viewer (in the order their first copy left), the delays in ms of its video copies."""
    inbound = collections.defaultdict(list)   # ssrc -> [(t, seq)]
    outbound = collections.defaultdict(list)  # (viewer address, ssrc) -> [(t, seq)]
    for t, source, destination, payload in read_pcap(pcap):
        header = rtp_header(payload)
        if header is None:
            continue
        ssrc, sequence = header
        if destination in sockets and source not in sockets:
            inbound[ssrc].append((t, sequence, len(payload)))
        elif source in sockets and destination not in sockets:
            outbound[(destination, ssrc)].append((t, sequence, len(payload)))
    if not inbound:
        return []
    # The presenter's video: its SSRC with the most bytes (RTX and audio are smaller).
    video = max(inbound.values(), key=lambda packets: sum(size for _, _, size in packets))
    # Each viewer's video stream: per destination, its SSRC with the most bytes.
    by_viewer = collections.defaultdict(list)
    for (destination, _ssrc), packets in outbound.items():
        by_viewer[destination].append(packets)
    video.sort()
    times = [t for t, _, _ in video]
    arrivals = collections.defaultdict(list)  # presenter sequence -> arrival times
    for t, sequence, _ in video:
        arrivals[sequence].append(t)
    viewers = []
    for streams in by_viewer.values():
        copies = max(streams, key=lambda packets: sum(size for _, _, size in packets))
        # The constant offset the box added to the sequence numbers: the commonest difference to
        # a presenter packet that arrived in the 100 ms before the copy left.
        votes = collections.Counter()
        for t, sequence, _ in copies[:300]:
            for t_in, sequence_in, _ in video[bisect.bisect_left(times, t - 0.1):bisect.bisect_right(times, t)]:
                votes[(sequence - sequence_in) & 0xFFFF] += 1
        if not votes:
            continue
        offset = votes.most_common(1)[0][0]
        delays, seen = [], set()
        for t, sequence, _ in copies:
            original = (sequence - offset) & 0xFFFF
            if original in seen:
                continue  # a NACK's resend: not the box's forwarding delay
            seen.add(original)
            before = [t_in for t_in in arrivals.get(original, []) if 0 <= t - t_in < 1.0]
            if before:
                delays.append(1000 * (t - max(before)))
        viewers.append((copies[0][0], delays))
    return [delays for _, delays in sorted(viewers)]


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default=os.path.join(ROOT, "build-bench/src/presentd"))
    parser.add_argument("--viewers", type=int, default=25)
    parser.add_argument("--window", type=float, default=10.0, help="seconds of each measurement")
    parser.add_argument("--live-encoder", action="store_true",
                        help="the presenter encodes live (default: it replays a clip encoded first)")
    parser.add_argument("--split-cores", action="store_true",
                        help="the box on core 1, the presenter, viewers and tcpdump on core 0")
    parser.add_argument("--in-namespace", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    enter_own_network(args.in_namespace)
    directory = tempfile.mkdtemp(prefix="viewer-fanout-bench-")
    if args.split_cores:
        os.sched_setaffinity(0, {0})  # this script and everything it starts: the room's devices
    # One address for every viewer here: the per-source cap is half of viewers.max.
    box = Box(os.path.abspath(args.binary), directory, {"viewers": {"max": 2 * args.viewers}})
    if args.split_cores:
        for thread in os.listdir(f"/proc/{box.process.pid}/task"):
            os.sched_setaffinity(int(thread), {1})  # the box: threads it starts later inherit it
    url = f"https://{BOX}:{PORT}"
    viewers = []
    try:
        log = open(os.path.join(directory, "presenter.log"), "w")
        duration = 4 * args.window + 2 * args.viewers + 90
        presenter_args = PRESENTER_ARGS + ["--duration", str(duration)]
        if not args.live_encoder:
            presenter_args += ["--replay", encode_clip(directory)]
        presenter = start_sender(box, url + "/whip", box.certificate, presenter_args, log)
        if not wait_until(lambda: presenter_figures(box).get("frames_decoded", 0) >= 90, 60):
            raise RuntimeError(f"the presenter did not start; see {directory}")
        time.sleep(2)
        alone = measure_window(box, args.window, [presenter])
        for index in range(args.viewers):
            viewer_log = open(os.path.join(directory, f"viewer-{index}.log"), "w")
            viewers.append(subprocess.Popen(
                ["/usr/bin/python3", VIEWER, "--url", url + "/whep", "--ca", box.certificate, "--token", "2468",
                 "--audio", "--no-decode", "--duration", str(duration)], stdout=viewer_log, stderr=subprocess.STDOUT))
            time.sleep(1.1)  # the endpoints' rate limit: 1 offer/s sustained per address

        def all_watching():
            listed = box.status()["viewers"]
            return listed["count"] == args.viewers and all(
                any(line.get("packets_sent", 0) > 100 for line in viewer.get("media", [])) for viewer in listed["viewers"])

        if not wait_until(all_watching, 60):
            # Said in the results (the count measured): players starved of CPU on a shared machine
            # stop answering the box's consent checks, and it ends them.
            print(f"not every viewer is watching: {box.status()['viewers']['count']} of {args.viewers}")
        time.sleep(2)
        pcap = os.path.join(directory, "fanout.pcap")
        capture = subprocess.Popen(["tcpdump", "-i", "any", "-s", "96", "-B", "16384", "-w", pcap, "-n", "udp"],
                                   stdout=subprocess.DEVNULL, stderr=open(os.path.join(directory, "tcpdump.log"), "w"))
        time.sleep(1)
        watched = measure_window(box, args.window, [presenter] + viewers)
        capture.terminate()
        capture.wait(10)
        sockets = box_sockets(box.process.pid)
        watching = box.status()["viewers"]["count"]
    finally:
        for viewer in viewers:
            viewer.terminate()
        for viewer in viewers:
            viewer.wait(30)
        box.stop()
    delays_by_viewer = added_delays(pcap, sockets)
    every = [d for delays in delays_by_viewer for d in delays]
    for name, figures in (("0 viewers", alone), (f"{watching} viewers", watched)):
        print(f"{name}: presentd {figures['cpu_percent']:.1f} % of one core (presenter and viewers "
              f"{figures['others_cpu_percent']:.0f} %); presenter over "
              f"{figures['seconds']:.1f} s: {figures['packets']} packets, {figures['frames_assembled']} frames assembled, "
              f"{figures['frames_decoded']} decoded, {figures['frames_dropped']} dropped, {figures['packets_lost']} "
              f"packets lost ({figures['packets_recovered']} recovered by NACK); RSS {figures['rss_kib'] / 1024:.1f} MiB")
    forwarding = watched["cpu_percent"] - alone["cpu_percent"]
    copies = watched["packets"] * watching
    print(f"forwarding: {forwarding:.1f} % of one core for {watching} viewers "
          f"({1e6 * forwarding / 100 * watched['seconds'] / max(1, copies):.2f} us per video packet per viewer, "
          f"audio included); ratio with/without viewers {watched['cpu_percent'] / alone['cpu_percent']:.2f}")
    if every:
        print(f"added delay, presenter packet in -> viewer copy out ({len(every)} copies, {len(delays_by_viewer)} "
              f"viewers): p50 {percentile(every, 0.5):.2f} ms, p90 {percentile(every, 0.9):.2f}, "
              f"p99 {percentile(every, 0.99):.2f}, max {max(every):.2f}")
        for place in sorted({0, len(delays_by_viewer) // 2, len(delays_by_viewer) - 1}):
            delays = delays_by_viewer[place]
            if delays:
                print(f"  viewer {place + 1} in fan-out order: p50 {statistics.median(delays):.2f} ms, "
                      f"p99 {percentile(delays, 0.99):.2f} ms ({len(delays)} copies)")
    print(f"logs in {directory}")


if __name__ == "__main__":
    main()
