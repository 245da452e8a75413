# SPDX-License-Identifier: Apache-2.0
"""What every endurance run shares (issue 12 item 5): its own network namespace with a veth pair
(ICE ignores loopback), the presentd binary with a configuration of the run's, an HTTPS client for
its status API, the daemon's resource figures from /proc, and the GStreamer WHIP sender.

The scripts beside this file import it; each re-runs itself under `unshare -n` (and `-m` when it
mounts), so nothing leaves the namespace. Figures go in docs/reliability.md, "Endurance and faults".
"""
import http.client
import json
import os
import re
import signal
import ssl
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GST_SENDER = os.path.join(ROOT, "tests/integration/webrtc/gst_whip_sender.py")
BOX, SENDER_ADDRESS, PORT, PIN = "10.200.0.1", "10.200.0.2", 8443, "2468"


def enter_namespace(mounts=False):
    """Re-executes the calling script inside new network (and mount) namespaces, then sets up the veth."""
    if os.environ.get("PRESENTD_ENDURANCE_INSIDE") != "1":
        os.environ["PRESENTD_ENDURANCE_INSIDE"] = "1"
        flags = ["-n"] + (["-m", "--propagation", "private"] if mounts else [])
        os.execvp("unshare", ["unshare"] + flags + [sys.executable, os.path.abspath(sys.argv[0])] + sys.argv[1:])
    for knob in ("all", "default"):
        with open(f"/proc/sys/net/ipv6/conf/{knob}/disable_ipv6", "w") as f:
            f.write("1\n")
    for command in (["ip", "link", "set", "lo", "up"], ["ip", "link", "add", "v0", "type", "veth", "peer", "name", "v1"],
                    ["ip", "addr", "add", BOX + "/24", "dev", "v0"], ["ip", "addr", "add", SENDER_ADDRESS + "/24", "dev", "v1"],
                    ["ip", "link", "set", "v0", "up"], ["ip", "link", "set", "v1", "up"]):
        subprocess.run(command, check=True)
    wait_until(lambda: "NO-CARRIER" not in run_text(["ip", "-o", "link", "show", "up"]), 5)


def add_sender_addresses(count):
    """More sender addresses on v1 (10.200.0.10...): WHIP's rate limit is per source address."""
    addresses = [f"10.200.0.{10 + i}" for i in range(count)]
    for address in addresses:
        subprocess.run(["ip", "addr", "add", address + "/24", "dev", "v1"], check=True)
    return addresses


def run_text(command):
    return subprocess.run(command, capture_output=True, text=True).stdout


def wait_until(predicate, limit, step=0.05):
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    return None


def resources(pid):
    """RSS (KiB), open descriptors and threads of a process, from /proc."""
    status = open(f"/proc/{pid}/status").read()
    return {"rss_kib": int(re.search(r"VmRSS:\s+(\d+)", status).group(1)),
            "fds": len(os.listdir(f"/proc/{pid}/fd")),
            "threads": int(re.search(r"Threads:\s+(\d+)", status).group(1))}


def describe(figures):
    return f"RSS {figures['rss_kib'] / 1024:.1f} MiB, {figures['fds']} fds, {figures['threads']} threads"


def merge(base, extra):
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            merge(base[key], value)
        else:
            base[key] = value
    return base


class Box:
    """The presentd binary with the run's configuration (`extra` is merged into the defaults)."""

    def __init__(self, binary, directory=None, extra=None, env=None, certificate_from_server=False):
        self.binary = os.path.abspath(binary)
        self.directory = directory or tempfile.mkdtemp(prefix="endurance-")
        os.makedirs(self.directory, exist_ok=True)
        self.config = os.path.join(self.directory, "presentd.json")
        self.state = (extra or {}).get("daemon", {}).get("state_directory", os.path.join(self.directory, "state"))
        self.write_config(extra or {})
        environment = dict(os.environ, SDL_AUDIODRIVER="dummy", **(env or {}))
        environment.pop("DISPLAY", None)  # headless: receive and decode, no window
        environment.pop("WAYLAND_DISPLAY", None)
        self.log_path = os.path.join(self.directory, "presentd.log")
        self.log = open(self.log_path, "w")
        self.process = subprocess.Popen([self.binary, "--config", self.config], stdout=self.log,
                                        stderr=subprocess.STDOUT, env=environment)
        self.certificate = os.path.join(self.state, "tls/https-certificate.pem")
        if certificate_from_server:  # a box that could not store its certificate: trust what it serves
            self.certificate = os.path.join(self.directory, "served-certificate.pem")
        if not wait_until(lambda: self.answers() or not self.alive(), 20) or not self.alive():
            self.stop()
            raise RuntimeError(f"presentd did not start (log: {self.log_path})")

    def write_config(self, extra):
        config = {"network": {"bind_address": BOX, "https_port": PORT},
                  "pin": {"policy": "fixed", "length": 4, "fixed": PIN},
                  "discovery": {"presentd_service": False, "https_service": False},
                  "daemon": {"state_directory": self.state, "web_root": os.path.join(ROOT, "web"), "log_level": "info"}}
        with open(self.config, "w") as f:
            json.dump(merge(config, extra), f)

    def served_certificate(self):
        return ssl.get_server_certificate((BOX, PORT), timeout=5)

    def answers(self):
        try:
            if self.certificate.endswith("served-certificate.pem"):
                with open(self.certificate, "w") as f:
                    f.write(self.served_certificate())
            return os.path.exists(self.certificate) and self.status() is not None
        except (OSError, ValueError, http.client.HTTPException):
            return False

    def connection(self, source=None):
        context = ssl.create_default_context(cafile=self.certificate)
        context.check_hostname = False  # the self-signed certificate names the box, not its IP
        return http.client.HTTPSConnection(BOX, PORT, context=context, timeout=10,
                                           source_address=(source, 0) if source else None)

    def status(self):
        c = self.connection()
        c.request("GET", "/api/v1/status")
        return json.loads(c.getresponse().read())

    def presenters(self):
        """The presenters' states, or None when the status API does not answer."""
        try:
            return [p["state"] for p in self.status()["presenters"]]
        except (OSError, ValueError, KeyError, http.client.HTTPException):
            return None

    def frames_decoded(self):
        try:
            return sum(p.get("frames_decoded") or 0 for p in self.status()["presenters"])
        except (OSError, ValueError, KeyError, http.client.HTTPException):
            return None

    def resources(self):
        return resources(self.process.pid)

    def alive(self):
        return self.process.poll() is None

    def log_lines(self, pattern):
        with open(self.log_path, errors="replace") as f:
            return [line.rstrip() for line in f if re.search(pattern, line)]

    def stop(self):
        if self.alive():
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode


def start_gst_sender(box, log, duration, extra=(), peer=None):
    """The GStreamer webrtcbin WHIP sender (tests/integration), streaming for `duration` seconds,
    in the run's namespace or in `peer`'s (nsenter execs the sender: its PID is the sender's)."""
    argv = ["nice", "-n", "10", "/usr/bin/python3", GST_SENDER, "--url", f"https://{BOX}:{PORT}/whip",
            "--ca", box.certificate, "--token", PIN, "--duration", str(duration)] + list(extra)
    return subprocess.Popen(peer.inside(argv) if peer else argv, stdout=log, stderr=subprocess.STDOUT)


def stop_process(process, limit=10):
    if process.poll() is None:
        process.send_signal(signal.SIGUSR2)  # the senders stop streaming early and DELETE
        try:
            process.wait(limit)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def binary_argument(parser):
    parser.add_argument("--binary", default=os.path.join(ROOT, "build-bench/src/presentd"))


def start_presenter(box, log, duration, extra=(), count=1, peer=None):
    """Starts the GStreamer sender and returns it once `count` presenters are live with pictures."""
    sender = start_gst_sender(box, log, duration, extra, peer)
    if not wait_until(lambda: (box.presenters() or []).count("live") >= count and (box.frames_decoded() or 0) > 0, 40, 0.1):
        stop_process(sender)
        raise RuntimeError(f"the sender did not go live (log: {log.name})")
    return sender


def follow_states(box, limit, done, step=0.05):
    """Polls the presenters' states every `step` s for up to `limit` s, until done(states) holds.
    Returns [(seconds since the call, states)] for every change (None: the status did not answer)."""
    t0, changes, last = time.monotonic(), [], object()
    while time.monotonic() - t0 < limit:
        states = box.presenters()
        if states != last:
            changes.append((time.monotonic() - t0, states))
            last = states
        if done(states):
            break
        time.sleep(step)
    return changes


def first_time(changes, predicate):
    return next((t for t, states in changes if states is not None and predicate(states)), None)


class PeerNamespace:
    """A network namespace of its own for a sender, joined to the run's namespace by a veth pair
    (`<name>s` here, 10.201.N.1; `<name>p` there, 10.201.N.2) and routed only through it, as
    tests/support/peer_namespace does. `cut()` and `restore()` take the link down and up."""

    def __init__(self, name, index=0):
        self.holder = subprocess.Popen(["unshare", "-n", "sleep", "infinity"])
        time.sleep(0.2)
        pid = str(self.holder.pid)
        self.server_end, self.address = name + "s", f"10.201.{index}.2"
        for command in (["ip", "link", "add", self.server_end, "type", "veth", "peer", "name", name + "p", "netns", pid],
                        ["ip", "addr", "add", f"10.201.{index}.1/30", "dev", self.server_end],
                        ["ip", "link", "set", self.server_end, "up"],
                        self.inside(["ip", "link", "set", "lo", "up"]),
                        self.inside(["ip", "addr", "add", self.address + "/30", "dev", name + "p"]),
                        self.inside(["ip", "link", "set", name + "p", "up"]),
                        self.inside(["ip", "route", "add", "default", "via", f"10.201.{index}.1"])):
            subprocess.run(command, check=True)
        wait_until(lambda: "NO-CARRIER" not in run_text(["ip", "-o", "link", "show", self.server_end]), 5)

    def inside(self, argv):
        return ["nsenter", "-t", str(self.holder.pid), "-n", "--"] + argv

    def cut(self):
        subprocess.run(["ip", "link", "set", self.server_end, "down"], check=True)

    def restore(self):
        subprocess.run(["ip", "link", "set", self.server_end, "up"], check=True)

    def close(self):
        self.holder.kill()
        self.holder.wait()
