#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""A WHIP sender killed with SIGKILL mid-stream (issue 12 item 5): how long until the status API
shows the presenter "reconnecting" (goal <= 3 s) and until it is gone (goal <= 10 s).

Each run starts the GStreamer webrtcbin sender, waits until presentd decodes its pictures, lets it
stream 2 s more and kills it (no DELETE, no DTLS close_notify: what a crashed laptop does), then
polls GET /api/v1/status every 50 ms. The daemon's RSS, descriptors and threads are printed
before the first and after the last run.

Run as root from the repository with the daemon built:
    nice -n 10 /usr/bin/python3 bench/endurance/sender_kill.py --runs 5
"""
import argparse
import os
import signal
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import endurance_box as eb  # noqa: E402


def one_run(box, index):
    with open(os.path.join(box.directory, f"sender{index}.log"), "w") as log:
        sender = eb.start_presenter(box, log, 60)
        time.sleep(2)
        sender.send_signal(signal.SIGKILL)
        changes = eb.follow_states(box, 30, lambda states: states == [])
        sender.wait()
    return (eb.first_time(changes, lambda s: "reconnecting" in s), eb.first_time(changes, lambda s: s == []), changes)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    eb.binary_argument(parser)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    eb.enter_namespace()
    box = eb.Box(args.binary)
    reconnecting, gone = [], []
    try:
        print("before:", eb.describe(box.resources()), flush=True)
        for index in range(args.runs):
            to_reconnecting, to_gone, changes = one_run(box, index)
            print(f"run {index + 1}: reconnecting after {to_reconnecting} s, gone after {to_gone} s; "
                  f"states {[(round(t, 2), s) for t, s in changes]}", flush=True)
            reconnecting += [to_reconnecting] if to_reconnecting is not None else []
            gone += [to_gone] if to_gone is not None else []
            time.sleep(2)
        time.sleep(3)
        print("after:", eb.describe(box.resources()))
    finally:
        code = box.stop()
    for name, values in (("reconnecting", reconnecting), ("gone", gone)):
        if values:
            print(f"to {name} ({len(values)} of {args.runs} runs): median {statistics.median(values):.2f} s, "
                  f"max {max(values):.2f} s")
        else:
            print(f"to {name}: never seen in {args.runs} runs")
    print(f"presentd exit code {code}; logs in {box.directory}")


if __name__ == "__main__":
    main()
