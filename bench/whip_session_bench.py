#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""End-to-end WHIP benchmarks of the presentd binary (issue 4), in a network namespace of their
own (ICE ignores loopback), with figures for docs/performance.md:

1. offer received -> answer sent: presentd's own measurement ("answer_ms" in the status API,
   from the parsed offer to the answer handed to the HTTP layer), median of --answers runs of a
   captured GStreamer offer without candidates; the client's POST round trip beside it.
2. offer received -> first decoded picture ("first_picture_ms"), median of --first-frames runs of
   the GStreamer webrtcbin sender (tests/integration/webrtc/gst_whip_sender.py) at 1920x1080.
3. CPU and memory for one connected 1080p30 VP8 session, next to the same sender's stream
   received and decoded by a GStreamer webrtcbin pipeline (bench/gst_whip_receiver.py) in the
   same run: CPU from /proc/<pid>/stat (utime + stime) over the same --window seconds, memory as
   VmRSS during the session minus VmRSS before it. Ratio = presentd / GStreamer.

Run as root from the repository with the daemon built:
    /usr/bin/python3 bench/whip_session_bench.py --binary build-bench/src/presentd
It re-runs itself under `unshare -n`; nothing leaves the namespace.
"""
import argparse
import http.client
import json
import os
import re
import ssl
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SENDER = os.path.join(ROOT, "tests/integration/webrtc/gst_whip_sender.py")
RECEIVER = os.path.join(ROOT, "bench/gst_whip_receiver.py")
OFFER = os.path.join(ROOT, "tests/vectors/sdp/gstreamer_1_22_vp8_opus.sdp")
BOX, SENDER_ADDRESS, PORT, BASELINE_PORT = "10.200.0.1", "10.200.0.2", 8443, 8444
TICKS = os.sysconf("SC_CLK_TCK")


def setup_network():
    for knob in ("all", "default"):
        with open(f"/proc/sys/net/ipv6/conf/{knob}/disable_ipv6", "w") as f:
            f.write("1\n")
    for command in (["ip", "link", "set", "lo", "up"], ["ip", "link", "add", "v0", "type", "veth", "peer", "name", "v1"],
                    ["ip", "addr", "add", BOX + "/24", "dev", "v0"], ["ip", "addr", "add", SENDER_ADDRESS + "/24", "dev", "v1"],
                    ["ip", "link", "set", "v0", "up"], ["ip", "link", "set", "v1", "up"]):
        subprocess.run(command, check=True)
    for _ in range(250):
        links = subprocess.run(["ip", "-o", "link", "show", "up"], capture_output=True, text=True).stdout
        if "v0@v1" in links and "v1@v0" in links and "NO-CARRIER" not in links:
            return
        time.sleep(0.02)
    raise RuntimeError("the veth pair did not come up")


def enter_own_network(in_namespace):
    """Re-runs this script under `unshare -n` (once), then makes the veth pair there."""
    if not in_namespace:
        script = os.path.abspath(sys.argv[0])
        os.execvp("unshare", ["unshare", "-n", "/usr/bin/python3", script, "--in-namespace"] + sys.argv[1:])
    setup_network()


def cpu_seconds(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime (fields 14 and 15)


def rss_kib(pid):
    return int(re.search(r"VmRSS:\s+(\d+)", open(f"/proc/{pid}/status").read()).group(1))


class Box:
    """The presentd binary with a configuration of ours, and an HTTPS client for it."""

    def __init__(self, binary, directory, extra_config=None):
        self.directory = directory
        config = os.path.join(directory, "presentd.json")
        with open(config, "w") as f:
            json.dump({"network": {"bind_address": BOX, "https_port": PORT},
                       "pin": {"policy": "fixed", "length": 4, "fixed": "2468"},
                       "discovery": {"presentd_service": False, "https_service": False},
                       "daemon": {"state_directory": os.path.join(directory, "state"), "log_level": "notice"},
                       **(extra_config or {})}, f)
        env = dict(os.environ, SDL_AUDIODRIVER="dummy")
        env.pop("DISPLAY", None)  # headless: receive and decode only, as the GStreamer baseline does
        env.pop("WAYLAND_DISPLAY", None)
        self.log = open(os.path.join(directory, "presentd.log"), "w")
        self.process = subprocess.Popen([binary, "--config", config], stdout=self.log, stderr=subprocess.STDOUT, env=env)
        self.certificate = os.path.join(directory, "state/tls/https-certificate.pem")
        for _ in range(200):
            if os.path.exists(self.certificate):
                try:
                    self.status()
                    return
                except OSError:
                    pass
            time.sleep(0.05)
        raise RuntimeError("presentd did not start")

    def connection(self):
        context = ssl.create_default_context(cafile=self.certificate)
        context.check_hostname = False
        return http.client.HTTPSConnection(BOX, PORT, context=context, timeout=10)

    def status(self):
        c = self.connection()
        c.request("GET", "/api/v1/status")
        return json.loads(c.getresponse().read())

    def stop(self):
        self.process.terminate()
        self.process.wait(5)


def wait_until(predicate, limit):
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    return None


def start_sender(box, url, ca, extra, log):
    return subprocess.Popen(["/usr/bin/python3", SENDER, "--url", url, "--ca", ca, "--token", "2468"] + extra,
                            stdout=log, stderr=subprocess.STDOUT)


def bench_answers(box, runs):
    offer = "".join(line for line in open(OFFER, newline="").read().splitlines(True)
                    if not line.startswith(("a=candidate", "a=end-of-candidates")))
    inside, round_trips = [], []
    for _ in range(runs):
        c = box.connection()
        c.connect()  # TLS handshake outside the timed part
        started = time.perf_counter()
        c.request("POST", "/whip", offer, {"Content-Type": "application/sdp", "Authorization": "Bearer 2468"})
        response = c.getresponse()
        response.read()
        round_trips.append((time.perf_counter() - started) * 1000)
        assert response.status == 201, response.status
        location = response.getheader("Location")
        inside.append(box.status()["sessions"]["sessions"][0]["answer_ms"])
        c.request("DELETE", location, headers={"Authorization": "Bearer 2468"})
        c.getresponse().read()
        wait_until(lambda: box.status()["sessions"]["active"] == 0, 5)
        time.sleep(2.1)  # WHIP's rate limit: 1 request/s sustained per client address
    return inside, round_trips


def bench_first_frames(box, runs, directory):
    values = []
    url = f"https://{BOX}:{PORT}/whip"
    for i in range(runs):
        with open(os.path.join(directory, f"first{i}.log"), "w") as log:
            sender = start_sender(box, url, box.certificate,
                                  ["--width", "1920", "--height", "1080", "--duration", "1.5", "--bitrate", "4000000"], log)

            def first_picture():
                sessions = box.status()["sessions"]["sessions"]
                return sessions[0].get("first_picture_ms") if sessions else None

            value = wait_until(first_picture, 30)
            sender.wait(40)
        if value is not None:
            values.append(value)
        wait_until(lambda: box.status()["sessions"]["active"] == 0, 10)
        time.sleep(2.1)
    return values


def measure(pid, frames, window):
    """CPU seconds of `pid` and pictures decoded over `window` seconds of wall time."""
    cpu0, frames0, wall0 = cpu_seconds(pid), frames(), time.monotonic()
    time.sleep(window)
    cpu1, frames1, wall1 = cpu_seconds(pid), frames(), time.monotonic()
    return {"cpu_percent": 100 * (cpu1 - cpu0) / (wall1 - wall0), "fps": (frames1 - frames0) / (wall1 - wall0),
            "cpu_ms_per_frame": 1000 * (cpu1 - cpu0) / max(1, frames1 - frames0), "rss_kib": rss_kib(pid)}


SESSION_ARGS = ["--width", "1920", "--height", "1080", "--bitrate", "4000000", "--speed", "4", "--pattern", "smpte"]


def bench_presentd_session(box, window, directory):
    baseline = rss_kib(box.process.pid)
    url = f"https://{BOX}:{PORT}/whip"
    with open(os.path.join(directory, "session.log"), "w") as log:
        sender = start_sender(box, url, box.certificate, SESSION_ARGS + ["--duration", str(window + 12)], log)

        def frames():
            sessions = box.status()["sessions"]["sessions"]
            video = sessions[0].get("video", []) if sessions else []
            return video[0].get("frames_decoded", 0) if video else 0

        wait_until(lambda: frames() >= 90, 40)
        time.sleep(2)
        result = measure(box.process.pid, frames, window)
        sender.wait(window + 40)
    result["rss_growth_kib"] = result["rss_kib"] - baseline
    return result


def bench_gstreamer_session(decoder, window, directory):
    key, certificate = os.path.join(directory, "baseline.key"), os.path.join(directory, "baseline.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-keyout", key, "-out", certificate, "-days", "1", "-subj", "/CN=baseline"],
                   check=True, capture_output=True)
    log = open(os.path.join(directory, f"receiver-{decoder}.log"), "w")
    receiver = subprocess.Popen(["/usr/bin/python3", RECEIVER, "--address", BOX, "--port", str(BASELINE_PORT),
                                 "--certificate", certificate, "--key", key, "--decoder", decoder],
                                stdout=subprocess.PIPE, stderr=log, text=True)
    assert receiver.stdout.readline().strip() == "listening"
    time.sleep(0.5)
    baseline = rss_kib(receiver.pid)
    context = ssl.create_default_context(cafile=certificate)
    context.check_hostname = False

    def frames():
        c = http.client.HTTPSConnection(BOX, BASELINE_PORT, context=context, timeout=10)
        c.request("GET", "/frames")
        return int(c.getresponse().read())

    with open(os.path.join(directory, f"sender-{decoder}.log"), "w") as sender_log:
        sender = start_sender(None, f"https://{BOX}:{BASELINE_PORT}/whip", certificate,
                              SESSION_ARGS + ["--duration", str(window + 12)], sender_log)
        wait_until(lambda: frames() >= 90, 40)
        time.sleep(2)
        result = measure(receiver.pid, frames, window)
        sender.wait(window + 40)
    receiver.terminate()
    receiver.wait(5)
    result["rss_growth_kib"] = result["rss_kib"] - baseline
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default=os.path.join(ROOT, "build-bench/src/presentd"))
    parser.add_argument("--answers", type=int, default=15)
    parser.add_argument("--first-frames", type=int, default=8)
    parser.add_argument("--window", type=float, default=10.0, help="seconds of the CPU measurement")
    parser.add_argument("--in-namespace", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    enter_own_network(args.in_namespace)
    directory = tempfile.mkdtemp(prefix="whip-bench-")
    box = Box(os.path.abspath(args.binary), directory)
    try:
        inside, round_trips = bench_answers(box, args.answers)
        print(f"offer -> answer (presentd, {len(inside)} runs): median {statistics.median(inside):.1f} ms, "
              f"min {min(inside):.1f}, max {max(inside):.1f}; POST round trip median {statistics.median(round_trips):.1f} ms")
        first = bench_first_frames(box, args.first_frames, directory)
        if first:
            print(f"offer -> first decoded picture, 1080p VP8 ({len(first)} of {args.first_frames} runs): median "
                  f"{statistics.median(first):.0f} ms, min {min(first):.0f}, max {max(first):.0f}")
        mine = bench_presentd_session(box, args.window, directory)
    finally:
        box.stop()
    print(f"presentd, 1080p30 VP8 session: {mine['cpu_percent']:.1f} % CPU, {mine['fps']:.1f} fps decoded, "
          f"{mine['cpu_ms_per_frame']:.2f} ms CPU/frame, RSS +{mine['rss_growth_kib'] / 1024:.1f} MiB")
    for decoder in ("vp8dec", "avdec_vp8"):
        theirs = bench_gstreamer_session(decoder, args.window, directory)
        print(f"GStreamer webrtcbin ! rtpvp8depay ! {decoder}: {theirs['cpu_percent']:.1f} % CPU, {theirs['fps']:.1f} fps "
              f"decoded, {theirs['cpu_ms_per_frame']:.2f} ms CPU/frame, RSS +{theirs['rss_growth_kib'] / 1024:.1f} MiB")
        print(f"  ratio presentd / GStreamer ({decoder}): CPU per frame "
              f"{mine['cpu_ms_per_frame'] / theirs['cpu_ms_per_frame']:.2f}, CPU % {mine['cpu_percent'] / theirs['cpu_percent']:.2f}, "
              f"RSS growth {mine['rss_growth_kib'] / max(1, theirs['rss_growth_kib']):.2f}")
    print(f"logs in {directory}")


if __name__ == "__main__":
    main()
