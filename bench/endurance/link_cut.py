#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""The network link cut and restored mid-stream (issue 12 item 5): what the room shows and
whether the presentation recovers.

The GStreamer webrtcbin sender runs in a network namespace of its own, joined to the box's by a
veth pair; `ip link set <veth> down` cuts it (every packet both ways is lost, the sender's socket
stays open) and `up` restores it. For each --cuts length: the presenter's states on the status
API (polled every 50 ms) from the cut on, whether pictures are decoded again after the restore,
and the sender's own ICE states (its log). The daemon's RSS, descriptors and threads are printed
before and after.

Run as root from the repository with the daemon built:
    nice -n 10 /usr/bin/python3 bench/endurance/link_cut.py --cuts 2 5 15
"""
import argparse
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import endurance_box as eb  # noqa: E402


def one_cut(box, peer, seconds, index):
    log_path = os.path.join(box.directory, f"sender-cut{index}.log")
    with open(log_path, "w") as log:
        sender = eb.start_presenter(box, log, 90, peer=peer)
        time.sleep(2)
        peer.cut()
        during = eb.follow_states(box, seconds, lambda states: False)
        peer.restore()
        frames = box.frames_decoded() or 0
        after = eb.follow_states(box, 20, lambda states: states in ([], None) or (
            states == ["live"] and (box.frames_decoded() or 0) > frames))
        resumed = (box.frames_decoded() or 0) > frames
        eb.stop_process(sender)
    eb.wait_until(lambda: box.presenters() == [], 15)
    ice = re.findall(r"^ice (\S+)", open(log_path).read(), re.M)
    return during, after, resumed, ice


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    eb.binary_argument(parser)
    parser.add_argument("--cuts", type=float, nargs="+", default=[2, 5, 15], help="seconds the link stays down")
    args = parser.parse_args()
    eb.enter_namespace()
    box = eb.Box(args.binary)
    peer = eb.PeerNamespace("lc")
    try:
        print("before:", eb.describe(box.resources()), flush=True)
        for index, seconds in enumerate(args.cuts):
            during, after, resumed, ice = one_cut(box, peer, seconds, index)
            print(f"cut {seconds:g} s: during {[(round(t, 2), s) for t, s in during]}; after the restore "
                  f"{[(round(t, 2), s) for t, s in after]}; pictures again: {'yes' if resumed else 'no'}; "
                  f"sender ICE states {ice}", flush=True)
        time.sleep(3)
        print("after:", eb.describe(box.resources()))
    finally:
        peer.close()
        code = box.stop()
    print(f"presentd exit code {code}; logs in {box.directory}")


if __name__ == "__main__":
    main()
