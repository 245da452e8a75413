#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""avahi-daemon, Prosody and coturn restarted under load (issue 12 item 5): does the daemon
reconnect, and how long does it take.

In network and mount namespaces of the run's own (a private /run/dbus and /run/avahi-daemon,
as tests/integration/discovery/avahi_scenario.sh does) it starts a system bus, avahi-daemon,
Prosody (the room's XMPP account, STARTTLS) and coturn (the room's TURN server), then presentd
with DNS-SD, the cloud connection and the TURN server on. One GStreamer sender presents over the
direct path for the whole run ("under load"); its state is read every 0.5 s. Then, one after
the other:
- avahi-daemon stopped and started again: time from the start to presentd's "published" line,
  and until avahi-browse resolves the service;
- Prosody stopped for --down seconds and started again: time from the start to presentd's
  "online as" line;
- coturn stopped for --down seconds while a second sender presents through it (relay only),
  then started again: what that presenter sees, and the time from the start until a new
  relay-only sender is live.

Run as root from the repository with the daemon built:
    nice -n 10 /usr/bin/python3 bench/endurance/server_restarts.py
"""
import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import endurance_box as eb  # noqa: E402

DOMAIN, ROOM_ID, TURN_USER, SECRET = "localhost", "314159", "box", "turn-secret-for-tests"


def start_bus_and_avahi(work):
    for path in ("/run/dbus", "/run/avahi-daemon"):
        os.makedirs(path, exist_ok=True)
        subprocess.run(["mount", "-t", "tmpfs", "tmpfs", path], check=True)
    bus = int(subprocess.run(["dbus-daemon", "--system", "--fork", "--print-pid"], check=True, capture_output=True,
                             text=True).stdout.split()[0])
    start_avahi(work)
    return bus


def start_avahi(work):
    with open(os.path.join(work, "avahi.log"), "a") as log:
        subprocess.run(["avahi-daemon", "--no-drop-root", "--no-chroot", "--no-rlimits", "-D"], check=True, stderr=log)
    eb.wait_until(lambda: subprocess.run(["avahi-daemon", "-c"]).returncode == 0, 5)


def stop_avahi():
    subprocess.run(["avahi-daemon", "-k"], capture_output=True)
    eb.wait_until(lambda: subprocess.run(["avahi-daemon", "-c"]).returncode != 0, 5)


def browsed():
    out = subprocess.run(["timeout", "5", "avahi-browse", "-rptk", "_presentd._tcp"], capture_output=True, text=True).stdout
    return any(line.startswith("=;") and ";IPv4;" in line for line in out.splitlines())


class Prosody:
    def __init__(self, work):
        self.work = os.path.join(work, "prosody")
        os.makedirs(os.path.join(self.work, "data"))
        pki = os.path.join(self.work, "pki")
        os.makedirs(pki)
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                        "-keyout", f"{pki}/server.key", "-out", f"{pki}/server.pem", "-days", "2", "-subj",
                        f"/CN={DOMAIN}", "-addext", f"subjectAltName=DNS:{DOMAIN}"], check=True, capture_output=True)
        for root, dirs, files in os.walk(work):
            for name in dirs + files:
                os.chmod(os.path.join(root, name), 0o755)
        os.chmod(work, 0o755)
        subprocess.run(["chown", "-R", "nobody", os.path.join(self.work, "data")], check=True)
        self.config = os.path.join(self.work, "prosody.cfg.lua")
        with open(self.config, "w") as f:
            f.write(f'pidfile = "{self.work}/data/prosody.pid"\ndata_path = "{self.work}/data"\n'
                    f'log = {{ {{ levels = {{ min = "info" }}, to = "console" }} }}\ninterfaces = {{ "{eb.BOX}" }}\n'
                    'c2s_ports = { 5222 }\nc2s_direct_tls_ports = { }\ns2s_ports = { }\nhttp_ports = { }\nhttps_ports = { }\n'
                    'modules_enabled = { "roster", "saslauth", "tls", "disco", "ping", "smacks" }\n'
                    'modules_disabled = { "s2s", "offline" }\nauthentication = "internal_hashed"\n'
                    'c2s_require_encryption = true\n'
                    f'ssl = {{ certificate = "{pki}/server.pem", key = "{pki}/server.key" }}\nVirtualHost "{DOMAIN}"\n')
        os.chmod(self.config, 0o644)
        subprocess.run(["runuser", "-u", "nobody", "--", "prosodyctl", "--config", self.config, "register", ROOM_ID,
                        DOMAIN, SECRET], check=True, capture_output=True)
        self.ca = f"{pki}/server.pem"
        self.process = None

    def start(self):
        log = open(os.path.join(self.work, "prosody.log"), "a")
        self.process = subprocess.Popen(["runuser", "-u", "nobody", "--", "prosody", "--config", self.config, "-F"],
                                        stdout=log, stderr=subprocess.STDOUT)
        eb.wait_until(lambda: subprocess.run(["bash", "-c", f"exec 3<>/dev/tcp/{eb.BOX}/5222"],
                                             capture_output=True).returncode == 0, 20, 0.1)

    def stop(self):
        self.process.terminate()
        self.process.wait(10)


class Coturn:
    def __init__(self, work):
        self.work = work
        self.config = os.path.join(work, "turnserver.conf")
        with open(self.config, "w") as f:
            f.write(f"listening-ip={eb.BOX}\nrelay-ip={eb.BOX}\nlistening-port=3478\nlt-cred-mech\nrealm=presentd.test\n"
                    f"user={TURN_USER}:{SECRET}\nno-cli\nno-tls\nno-dtls\nno-multicast-peers\nsimple-log\nlog-file=stdout\n"
                    f"pidfile={work}/turnserver.pid\nmin-port=49152\nmax-port=49999\n")
        self.process = None

    def start(self):
        log = open(os.path.join(self.work, "turnserver.log"), "a")
        self.process = subprocess.Popen(["turnserver", "-c", self.config], stdout=log, stderr=subprocess.STDOUT)
        time.sleep(1)

    def stop(self):
        self.process.terminate()
        self.process.wait(10)


class Watcher(threading.Thread):
    """Reads the first presenter's state every 0.5 s; remembers every moment it was not live."""

    def __init__(self, box):
        super().__init__(daemon=True)
        self.box, self.stopped, self.bad, self.checks = box, False, [], 0
        self.t0 = time.monotonic()

    def run(self):
        while not self.stopped:
            states = self.box.presenters()
            self.checks += 1
            if not states or states[0] != "live":
                self.bad.append((round(time.monotonic() - self.t0, 1), states))
            time.sleep(0.5)


def since(box, pattern, started, limit):
    """Seconds from `started` until a new log line matches `pattern` (None if not within `limit`)."""
    count = len(box.log_lines(pattern))
    found = eb.wait_until(lambda: len(box.log_lines(pattern)) > count, limit, 0.05)
    return round(time.monotonic() - started, 2) if found else None


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    eb.binary_argument(parser)
    parser.add_argument("--down", type=float, default=5.0, help="seconds Prosody and coturn stay stopped")
    args = parser.parse_args()
    eb.enter_namespace(mounts=True)
    work = tempfile.mkdtemp(prefix="endurance-servers-")
    bus = start_bus_and_avahi(work)
    prosody, coturn = Prosody(work), Coturn(work)
    prosody.start()
    coturn.start()
    secret = os.path.join(work, "secret")
    with open(secret, "w") as f:
        f.write(SECRET)
    os.chmod(secret, 0o600)
    box = eb.Box(args.binary, os.path.join(work, "box"), {
        "discovery": {"presentd_service": True},
        "cloud": {"enabled": True, "jid": f"{ROOM_ID}@{DOMAIN}", "server": eb.BOX, "port": 5222, "tls": "starttls",
                  "password_file": secret, "ca_file": prosody.ca},
        "ice": {"turn_servers": [{"url": f"turn:{eb.BOX}:3478?transport=udp", "username": TURN_USER,
                                  "credential_file": secret}]}})
    senders = []
    try:
        print("cloud online at start:", bool(eb.wait_until(lambda: box.log_lines(r"online as "), 20)),
              "; published at start:", bool(eb.wait_until(lambda: box.log_lines(r'published "'), 10)), flush=True)
        main_log = open(os.path.join(work, "sender-direct.log"), "w")
        senders.append(eb.start_presenter(box, main_log, 600))
        watcher = Watcher(box)
        watcher.start()
        print("before:", eb.describe(box.resources()), flush=True)

        stop_avahi()
        time.sleep(1)
        started = time.monotonic()
        start_avahi(work)
        published = since(box, r'published "', started, 30)
        seen = eb.wait_until(browsed, 30, 0.2)
        print(f"avahi-daemon restarted: presentd published again after {published} s; avahi-browse resolves it after "
              f"{round(time.monotonic() - started, 2) if seen else None} s", flush=True)

        prosody.stop()
        time.sleep(args.down)
        started = time.monotonic()
        prosody.start()
        online = since(box, r"online as ", started, 120)
        print(f"Prosody stopped {args.down:g} s and restarted: presentd online again after {online} s", flush=True)

        relay_log = open(os.path.join(work, "sender-relay.log"), "w")
        relay_args = ["--turn", f"turn://{TURN_USER}:{SECRET}@{eb.BOX}:3478", "--relay-only"]
        senders.append(eb.start_presenter(box, relay_log, 600, relay_args, count=2))
        coturn.stop()
        down_at = time.monotonic()
        changes = eb.follow_states(box, args.down, lambda states: False)
        started = time.monotonic()
        coturn.start()
        changes += [(t + args.down, s) for t, s in eb.follow_states(box, 12, lambda states: False)]
        print(f"coturn stopped {args.down:g} s with a relay-only presenter: presenters' states from the stop "
              f"{[(round(t, 2), s) for t, s in changes]}", flush=True)
        eb.stop_process(senders.pop())
        eb.wait_until(lambda: box.presenters() == ["live"], 15)
        new_log = open(os.path.join(work, "sender-relay2.log"), "w")
        t_new = time.monotonic()
        try:
            senders.append(eb.start_presenter(box, new_log, 600, relay_args, count=2))
            print(f"a new relay-only presenter live {time.monotonic() - t_new:.2f} s after it started "
                  f"({t_new - started:.1f} s after coturn's restart, {t_new - down_at:.1f} s after its stop)", flush=True)
        except RuntimeError as error:
            print("a new relay-only presenter after coturn's restart:", error, flush=True)
        watcher.stopped = True
        watcher.join()
        print(f"the direct presenter: {watcher.checks} checks, not live at {len(watcher.bad)}: {watcher.bad[:10]}")
        print("after:", eb.describe(box.resources()))
        print("presentd log lines at warning or worse:\n  " + "\n  ".join(box.log_lines(r"^<[0-4]>")[:20]))
    finally:
        for sender in senders:
            eb.stop_process(sender)
        code = box.stop()
        coturn.stop()
        prosody.stop()
        stop_avahi()
        os.kill(bus, 15)
    print(f"presentd exit code {code}; logs in {work}")


if __name__ == "__main__":
    main()
