#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""4 presenters for 30 minutes at 3 % loss (issue 12 item 5).

--presenters GStreamer webrtcbin senders (640x360 VP8, moving pattern, NACK + RTX) each lose
--loss of their RTP packets on the wire (retransmissions included: an `identity` after webrtcbin's
RTX sender). Every 10 s the script reads the status API: each presenter's state (anything but
"live" is a disturbance), decoded frames (a presenter with no new frame in 10 s is a stall),
fps, loss fraction and packets given up after NACK. Every --report seconds it prints the daemon's
RSS, descriptors and threads. RSS growth is counted from the first report (after the sessions
and their decoders settled) to the last. Ctrl-C (SIGINT) ends the run early with the summary.

Run as root from the repository with the daemon built:
    nice -n 10 /usr/bin/python3 bench/endurance/lossy_presenters.py --minutes 30
"""
import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import endurance_box as eb  # noqa: E402


def presenters(box):
    try:
        return box.status()["presenters"]
    except Exception:  # noqa: BLE001 - a status that does not answer is counted by the caller
        return None


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    eb.binary_argument(parser)
    parser.add_argument("--presenters", type=int, default=4)
    parser.add_argument("--minutes", type=float, default=30)
    parser.add_argument("--loss", type=float, default=0.03)
    parser.add_argument("--report", type=float, default=60, help="seconds between resource reports")
    args = parser.parse_args()
    eb.enter_namespace()
    box = eb.Box(args.binary)
    senders, samples, disturbances, stalls, unanswered = [], [], [], 0, 0
    sender_args = ["--speed", "2", "--bitrate", "800000", "--drop", str(args.loss)]
    t0 = time.monotonic()
    try:
        for index in range(args.presenters):
            log = open(os.path.join(box.directory, f"sender{index}.log"), "w")
            senders.append(eb.start_presenter(box, log, args.minutes * 60 + 120, sender_args, count=index + 1))
        print(f"{args.presenters} presenters live after {time.monotonic() - t0:.0f} s", flush=True)
        t0 = time.monotonic()
        last_frames, next_report, last = {}, t0, None
        while time.monotonic() - t0 < args.minutes * 60 and box.alive():
            time.sleep(10)
            now = round(time.monotonic() - t0)
            last = presenters(box)
            if last is None:
                unanswered += 1
                continue
            if len(last) != args.presenters or any(p["state"] != "live" for p in last):
                disturbances.append((now, [p["state"] for p in last]))
            for p in last:
                frames = p.get("frames_decoded") or 0
                if p["id"] in last_frames and frames <= last_frames[p["id"]]:
                    stalls += 1
                last_frames[p["id"]] = frames
            if time.monotonic() >= next_report:
                samples.append(box.resources())
                print(f"{now} s: {eb.describe(samples[-1])}; fps {[p.get('fps') for p in last]}, loss "
                      f"{[p.get('loss_fraction') for p in last]}, given up {[p.get('packets_lost') for p in last]}",
                      flush=True)
                next_report += args.report
    except KeyboardInterrupt:
        print("stopped early (SIGINT)")
    finally:
        ran = time.monotonic() - t0
        alive = box.alive()
        final = box.resources() if alive else None
        for sender in senders:
            eb.stop_process(sender)
        code = box.stop()
    print(f"ran {ran / 60:.1f} min with {len(senders)} presenters at {args.loss:.0%} loss; daemon alive: {alive}")
    print(f"checks with a presenter missing or not live: {len(disturbances)} {disturbances[:10]}; "
          f"10-s windows without a new frame: {stalls}; status not answered: {unanswered}")
    if last:
        print("at the end: " + "; ".join(
            f"{p['id']}: {p.get('frames_decoded')} frames, {p.get('frames_dropped')} dropped, loss "
            f"{p.get('loss_fraction')}, given up {p.get('packets_lost')}, NACKed {p.get('nacks_sent')}, "
            f"PLIs {p.get('plis_sent')}" for p in last))
    if samples and final:
        rss = [s["rss_kib"] for s in samples]
        print(f"RSS {samples[0]['rss_kib'] / 1024:.1f} -> {final['rss_kib'] / 1024:.1f} MiB (max {max(rss) / 1024:.1f}); "
              f"fds {samples[0]['fds']} -> {final['fds']}; threads {samples[0]['threads']} -> {final['threads']}")
    print(f"presentd exit code {code}; logs in {box.directory}")


if __name__ == "__main__":
    main()
