#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""WHIP session cycles against the presentd binary (issue 12 item 5): RSS, descriptors and threads
of the daemon before and after (goal: RSS +<= 2 MiB, descriptors and threads back to baseline).

One cycle: an aiortc sender (one process for all cycles, so a cycle costs a WHIP exchange, ICE,
DTLS and a few frames, not a Python start) POSTs its offer, waits until presentd has decoded a
picture of it, DELETEs the session and closes; the next cycle starts once the status API shows
no session. Senders take turns over --addresses source addresses, so WHIP's per-address rate
limit (1 request/s sustained) is not what sets the pace.

The baseline is taken after --warmup cycles (allocator arenas, the decoder's first allocation,
OpenSSL's and libnice's one-time state); the figures right after the start are printed too.

Run as root from the repository with the daemon built:
    nice -n 10 /usr/bin/python3 bench/endurance/whip_cycles.py --cycles 1000
"""
import argparse
import asyncio
import fractions
import os
import sys
import time

import numpy
from aiortc import RTCPeerConnection, RTCSessionDescription, VideoStreamTrack
from av import VideoFrame

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import endurance_box as eb  # noqa: E402


class Pattern(VideoStreamTrack):
    """A small moving bar, 320x180 at 30 fps: cheap to encode, yet every frame differs."""

    def __init__(self):
        super().__init__()
        self.count = 0

    async def recv(self):
        await asyncio.sleep(1 / 30)
        image = numpy.zeros((180, 320, 3), numpy.uint8)
        image[:, (self.count * 4) % 320:(self.count * 4) % 320 + 16] = (255, 255, 255)
        frame = VideoFrame.from_ndarray(image, format="rgb24")
        frame.pts = self.count * 3000
        frame.time_base = fractions.Fraction(1, 90000)
        self.count += 1
        return frame


def whip(box, source, method, path, body=None):
    c = box.connection(source)
    headers = {"Authorization": "Bearer " + eb.PIN}
    if body is not None:
        headers["Content-Type"] = "application/sdp"
    c.request(method, path, body, headers)
    response = c.getresponse()
    return response.status, response.getheader("Location"), response.read().decode()


async def one_cycle(box, source, loop):
    pc = RTCPeerConnection()
    pc.addTransceiver(Pattern(), direction="sendonly")
    try:
        await pc.setLocalDescription(await pc.createOffer())  # aiortc gathers before returning
        status, location, answer = await loop.run_in_executor(
            None, whip, box, source, "POST", "/whip", pc.localDescription.sdp)
        if status != 201:
            return f"POST {status}"
        await pc.setRemoteDescription(RTCSessionDescription(sdp=answer, type="answer"))
        decoded = await loop.run_in_executor(None, eb.wait_until, lambda: (box.frames_decoded() or 0) > 0, 20, 0.1)
        status, _, _ = await loop.run_in_executor(None, whip, box, source, "DELETE", location)
        if status not in (200, 204):
            return f"DELETE {status}"
        return None if decoded else "no picture within 20 s"
    finally:
        await pc.close()


async def run(args, box):
    loop = asyncio.get_running_loop()
    sources = eb.add_sender_addresses(args.addresses)
    started = box.resources()
    print("after start:", eb.describe(started), flush=True)
    failures, baseline, t0 = {}, None, time.monotonic()
    for cycle in range(1, args.cycles + 1):
        try:
            failure = await one_cycle(box, sources[cycle % len(sources)], loop)
        except Exception as error:  # noqa: BLE001 - counted, the run goes on
            failure = type(error).__name__
        if failure:
            failures[failure] = failures.get(failure, 0) + 1
        settled = await loop.run_in_executor(None, eb.wait_until, lambda: box.presenters() == [], 15, 0.05)
        if not settled:
            failures["session still listed 15 s after DELETE"] = failures.get("session still listed 15 s after DELETE", 0) + 1
        if not box.alive():
            print(f"presentd exited during cycle {cycle}: {box.process.returncode}", flush=True)
            return 1
        if cycle == args.warmup:
            await asyncio.sleep(2)
            baseline = box.resources()
            print(f"baseline after {cycle} cycles:", eb.describe(baseline), flush=True)
        if cycle % args.report_every == 0:
            print(f"cycle {cycle} ({time.monotonic() - t0:.0f} s): {eb.describe(box.resources())}, failures {failures}",
                  flush=True)
    await asyncio.sleep(5)  # closing sockets and joining decoder threads need no more than this
    final = box.resources()
    print(f"after {args.cycles} cycles ({time.monotonic() - t0:.0f} s):", eb.describe(final), flush=True)
    if baseline:
        print(f"growth since the baseline: RSS {(final['rss_kib'] - baseline['rss_kib']) / 1024:+.2f} MiB, "
              f"fds {final['fds'] - baseline['fds']:+d}, threads {final['threads'] - baseline['threads']:+d}")
    print(f"growth since the start: RSS {(final['rss_kib'] - started['rss_kib']) / 1024:+.2f} MiB, "
          f"fds {final['fds'] - started['fds']:+d}, threads {final['threads'] - started['threads']:+d}")
    print(f"failed cycles: {sum(failures.values())} {failures}")
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    eb.binary_argument(parser)
    parser.add_argument("--cycles", type=int, default=1000)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--addresses", type=int, default=20, help="sender source addresses to take turns over")
    parser.add_argument("--report-every", type=int, default=100)
    args = parser.parse_args()
    eb.enter_namespace()
    box = eb.Box(args.binary)
    try:
        code = asyncio.run(run(args, box))
    finally:
        returncode = box.stop()
    print(f"presentd exit code {returncode}; logs in {box.directory}")
    sys.exit(code)


if __name__ == "__main__":
    main()
