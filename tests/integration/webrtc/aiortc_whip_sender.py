#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""A WHIP sender built on aiortc (an independent Python WebRTC stack), for presentd's tests.

Streams a solid colour (640x360, 30 fps, VP8) after the WHIP exchange (RFC 9725) and DELETEs
the session at the end. Prints "answer <status>" and "done"; exit 0 on a clean run.
"""
import argparse
import asyncio
import fractions
import signal
import ssl
import time
import urllib.request

import numpy
from aiortc import RTCPeerConnection, RTCSessionDescription, VideoStreamTrack
from av import VideoFrame


class SolidColour(VideoStreamTrack):
    def __init__(self, rgb):
        super().__init__()
        self.image = numpy.zeros((360, 640, 3), numpy.uint8)
        self.image[:, :] = rgb
        self.count = 0

    async def recv(self):
        await asyncio.sleep(1 / 30)
        frame = VideoFrame.from_ndarray(self.image, format="rgb24")
        frame.pts = self.count * 3000
        frame.time_base = fractions.Fraction(1, 90000)
        self.count += 1
        return frame


def request(args, method, url, body=None):
    context = ssl.create_default_context(cafile=args.ca)
    context.check_hostname = False  # the self-signed certificate names the box, not this IP
    req = urllib.request.Request(url, data=body, method=method)
    req.add_header("Authorization", "Bearer " + args.token)
    if body is not None:
        req.add_header("Content-Type", "application/sdp")
    return urllib.request.urlopen(req, context=context, timeout=10)


async def run(args):
    pc = RTCPeerConnection()
    pc.addTransceiver(SolidColour((255, 0, 0)), direction="sendonly")
    await pc.setLocalDescription(await pc.createOffer())  # aiortc gathers before returning
    loop = asyncio.get_running_loop()
    response = await loop.run_in_executor(
        None, lambda: request(args, "POST", args.url, pc.localDescription.sdp.encode()))
    location = response.headers["Location"]
    answer = response.read().decode()
    print("answer", response.status, location, flush=True)
    await pc.setRemoteDescription(RTCSessionDescription(sdp=answer, type="answer"))
    deadline = time.monotonic() + args.duration
    while time.monotonic() < deadline and not STOP_REQUESTED:
        await asyncio.sleep(0.2)
    base = args.url[: args.url.index("/", len("https://"))]
    deleted = await loop.run_in_executor(None, lambda: request(args, "DELETE", base + location))
    print("deleted", deleted.status, flush=True)
    await pc.close()
    print("done", flush=True)


# The test sends SIGUSR2 once it has seen what it waited for: stop streaming early, cleanly.
STOP_REQUESTED = False


def request_stop(_signum, _frame):
    global STOP_REQUESTED
    STOP_REQUESTED = True


def main():
    signal.signal(signal.SIGUSR2, request_stop)
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", required=True)
    parser.add_argument("--ca", required=True)
    parser.add_argument("--token", default="")
    parser.add_argument("--duration", type=float, default=6.0)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
