#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Idle cost of the whole daemon (docs/performance.md, "Idle screen"): CPU and resident memory
of presentd doing nothing but showing its idle page, sampled from /proc/<pid>/stat and
/proc/<pid>/status over a window (60 s by default), for several screen set-ups side by side in
the same run, each against the same baseline: an idle `sleep` process measured the same way
(the floor of the method) and the X server itself.

Set-ups: no display (no X server reachable, so no render thread), Xvfb with each display.renderer
(auto, the default, which leaves OpenGL on Mesa's llvmpipe for SDL's software renderer; gpu, which
keeps OpenGL on llvmpipe; software), and SDL's offscreen driver.

Usage: bench/idle_bench.py [build-dir] [seconds]      (needs Xvfb; no network but loopback)
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

TICK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")


def cpu_ticks(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime (fields 14 and 15)


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def free_display():
    for n in range(120, 200):
        if not os.path.exists(f"/tmp/.X{n}-lock") and not os.path.exists(f"/tmp/.X11-unix/X{n}"):
            return n
    sys.exit("no free X display number")


def wait_for(predicate, seconds, what):
    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline:
            sys.exit(f"timed out waiting for {what}")
        time.sleep(0.05)


def main():
    source = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    build = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(source, "build-bench"))
    seconds = int(sys.argv[2]) if len(sys.argv) > 2 else 60
    binary = os.path.join(build, "src", "presentd")
    work = tempfile.mkdtemp(prefix="presentd-idle-")
    children = {}
    try:
        display = free_display()
        xvfb = subprocess.Popen(["Xvfb", f":{display}", "-screen", "0", "1920x1080x24", "-nolisten", "tcp"],
                                stderr=subprocess.DEVNULL)
        children["Xvfb (1920x1080)"] = xvfb
        wait_for(lambda: os.path.exists(f"/tmp/.X11-unix/X{display}"), 10, "Xvfb")
        children["baseline: sleep"] = subprocess.Popen(["sleep", str(seconds + 60)])
        setups = [
            # No X server reachable and no driver configured: the daemon runs without a screen.
            ("presentd, no display", "", "auto", {"DISPLAY": ""}),
            # The default: OpenGL is llvmpipe here, so presentd draws with SDL's software renderer.
            ("presentd, Xvfb, display.renderer auto (default)", "x11", "auto", {}),
            ("presentd, Xvfb, display.renderer gpu (OpenGL, llvmpipe)", "x11", "gpu", {}),
            ("presentd, Xvfb, display.renderer software", "x11", "software", {}),
            ("presentd, offscreen driver", "offscreen", "auto", {}),
        ]
        for index, (name, driver, renderer, extra) in enumerate(setups):
            port = 18600 + index
            config = os.path.join(work, f"presentd-{index}.json")
            with open(config, "w") as f:
                json.dump({"network": {"bind_address": "127.0.0.1", "https_port": port},
                           "display": {"driver": driver, "vsync": False, "renderer": renderer},
                           "discovery": {"presentd_service": False, "https_service": False},
                           "daemon": {"state_directory": os.path.join(work, f"state-{index}")}}, f)
            env = dict(os.environ, DISPLAY=f":{display}", SDL_AUDIODRIVER="dummy")
            env.update(extra)
            if not env["DISPLAY"]:
                del env["DISPLAY"]
            log = open(os.path.join(work, f"presentd-{index}.log"), "w")
            children[name] = subprocess.Popen([binary, "--config", config], env=env, stderr=log)
            logfile = os.path.join(work, f"presentd-{index}.log")
            wait_for(lambda: "ready:" in open(logfile).read(), 30, f"{name} to start")
        time.sleep(5)  # start-up work (certificates, first frame) is not idle cost
        start = {name: cpu_ticks(p.pid) for name, p in children.items()}
        peak = {name: 0 for name in children}
        begin = time.monotonic()
        while time.monotonic() - begin < seconds:
            for name, p in children.items():
                peak[name] = max(peak[name], rss_kib(p.pid))
            time.sleep(1)
        elapsed = time.monotonic() - begin
        print(f"Idle for {elapsed:.0f} s, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
        print("| Process | CPU (% of one core) | CPU ticks | peak RSS (MB) |")
        print("|---|---|---|---|")
        for name, p in children.items():
            ticks = cpu_ticks(p.pid) - start[name]
            print(f"| {name} | {100.0 * ticks / TICK / elapsed:.2f} | {ticks} | {peak[name] / 1024:.1f} |")
    finally:
        for p in reversed(list(children.values())):
            p.send_signal(signal.SIGTERM)
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
