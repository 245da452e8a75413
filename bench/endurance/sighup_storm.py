#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""SIGHUP every second for 5 minutes under load (issue 12 item 5): the daemon stays up, the
presenter is never dropped, RSS and descriptors stay stable.

One GStreamer webrtcbin sender presents (1280x720 VP8, moving pattern) while the script sends the
daemon SIGHUP every --interval seconds for --seconds. Once a second it reads the status API: the
presenter's state (anything but "live" counts as a disturbance) and its decoded frames (a second
with no new frame is a stall). Every 30 s it prints the daemon's RSS, descriptors and threads. At
the end it counts the reloads the log confirms.

Run as root from the repository with the daemon built:
    nice -n 10 /usr/bin/python3 bench/endurance/sighup_storm.py --seconds 300
"""
import argparse
import os
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import endurance_box as eb  # noqa: E402

SENDER_ARGS = ["--width", "1280", "--height", "720", "--speed", "4", "--bitrate", "2000000"]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    eb.binary_argument(parser)
    parser.add_argument("--seconds", type=float, default=300)
    parser.add_argument("--interval", type=float, default=1.0)
    args = parser.parse_args()
    eb.enter_namespace()
    box = eb.Box(args.binary)
    signals, disturbances, stalls, samples = 0, [], 0, []
    try:
        with open(os.path.join(box.directory, "sender.log"), "w") as log:
            sender = eb.start_presenter(box, log, args.seconds + 60, SENDER_ARGS)
            time.sleep(3)
            first = box.resources()
            print("under load, before the signals:", eb.describe(first), flush=True)
            t0 = next_signal = next_check = time.monotonic()
            last_frames, next_report = box.frames_decoded() or 0, t0 + 30
            while time.monotonic() - t0 < args.seconds and box.alive():
                now = time.monotonic()
                if now >= next_signal:
                    box.process.send_signal(signal.SIGHUP)
                    signals += 1
                    next_signal += args.interval
                if now >= next_check:
                    states, frames = box.presenters(), box.frames_decoded()
                    if states != ["live"]:
                        disturbances.append((round(now - t0, 1), states))
                    if frames is not None and frames <= last_frames:
                        stalls += 1
                    last_frames = frames if frames is not None else last_frames
                    next_check += 1.0
                if now >= next_report:
                    samples.append(box.resources())
                    print(f"{now - t0:.0f} s: {eb.describe(samples[-1])}, {signals} signals", flush=True)
                    next_report += 30
                time.sleep(0.05)
            alive = box.alive()
            last = box.resources() if alive else None
            eb.stop_process(sender)
        reloads = len(box.log_lines(r"configuration reloaded"))
        print(f"daemon alive at the end: {alive}; {signals} SIGHUPs, {reloads} 'configuration reloaded' log lines")
        print(f"presenter not 'live' at {len(disturbances)} checks: {disturbances[:10]}")
        print(f"seconds without a new decoded frame: {stalls}")
        if last:
            rss = [s["rss_kib"] for s in samples] or [last["rss_kib"]]
            print(f"RSS {first['rss_kib'] / 1024:.1f} -> {last['rss_kib'] / 1024:.1f} MiB (min {min(rss) / 1024:.1f}, "
                  f"max {max(rss) / 1024:.1f} over the run); fds {first['fds']} -> {last['fds']}; "
                  f"threads {first['threads']} -> {last['threads']}")
    finally:
        code = box.stop()
    print(f"presentd exit code {code}; logs in {box.directory}")


if __name__ == "__main__":
    main()
