#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""An authenticated sender that sends garbage after DTLS, for presentd's hostile-input suite.

Publishes over WHIP with aiortc (an independent WebRTC stack: ICE, DTLS, SRTP keys), streams a
real VP8 picture for a moment, then sends hand-made packets through aiortc's own SRTP transport,
so the box authenticates every one of them and has to cope with what is inside:

  ssrcs      2000 packets, each from a random SSRC, random payload
  rtcp       RTCP: generic NACKs with 290 entries, transport-wide feedback announcing 65535
             statuses, PLI/FIR storms, reports with lying length and count fields, random RTCP
  jumps      the real SSRC's sequence and timestamp jumping back and forth by large steps
  garbage    undecodable VP8: random payload descriptors and frames with the marker bit
  switch     a codec switch mid-stream: the other payload types of the offer (H.264) carrying
             garbage, then unknown payload types

then streams real pictures again and DELETEs its session. Prints "answer <status>", one
"phase <name> sent <n> failed <m>" line per phase and "done"; exit 0 when it got that far.
"""
import argparse
import asyncio
import fractions
import os
import random
import signal
import ssl
import struct
import time
import urllib.request

import numpy
from aiortc import RTCPeerConnection, RTCSessionDescription, VideoStreamTrack
from av import VideoFrame

STOP_REQUESTED = False


class SolidColour(VideoStreamTrack):
    def __init__(self):
        super().__init__()
        self.image = numpy.zeros((180, 320, 3), numpy.uint8)
        self.image[:, :] = (0, 0, 255)
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


def rtp(pt, seq, ts, ssrc, payload, marker=False):
    return struct.pack("!BBHII", 0x80, (0x80 if marker else 0) | pt, seq & 0xFFFF, ts & 0xFFFFFFFF, ssrc) + payload


def rtcp(pt, count, body):
    # RFC 3550 §6.4: V=2, count/FMT, packet type, length in 32-bit words minus one.
    return struct.pack("!BBH", 0x80 | count, pt, len(body) // 4) + body


def rtcp_packets(sender_ssrc, media_ssrc):
    out = []
    # Generic NACK (RFC 4585 §6.2.1) with 290 FCI entries, every bitmask bit set.
    fci = b"".join(struct.pack("!HH", random.randrange(65536), 0xFFFF) for _ in range(290))
    out.append(rtcp(205, 1, struct.pack("!II", sender_ssrc, media_ssrc) + fci))
    # Transport-wide feedback (draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1):
    # 65535 statuses announced, 8 bytes of chunks behind them.
    twcc = struct.pack("!HHIB", 0, 65535, 0, 0) + b"\x00" * 3 + struct.pack("!HH", 0xBFFF, 0xBFFF) + b"\x00" * 4
    out.append(rtcp(205, 15, struct.pack("!II", sender_ssrc, media_ssrc) + twcc))
    # A PLI (RFC 4585 §6.3.1) and a FIR (RFC 5104 §4.3.1).
    out.append(rtcp(206, 1, struct.pack("!II", sender_ssrc, media_ssrc)))
    out.append(rtcp(206, 4, struct.pack("!II", sender_ssrc, 0) + struct.pack("!IB3x", media_ssrc, 1)))
    # A sender report whose length field claims far more than is there.
    sr = struct.pack("!IIIIII", sender_ssrc, 0, 0, 0, 0, 0)
    out.append(struct.pack("!BBH", 0x80, 200, 4000) + sr)
    # A receiver report whose count says 31 blocks and carries 1; one with 31 random blocks.
    out.append(rtcp(201, 31, struct.pack("!I", sender_ssrc) + os.urandom(24)))
    out.append(rtcp(201, 31, struct.pack("!I", sender_ssrc) + os.urandom(24 * 31)))
    # XR (RFC 3611) with a block length past the packet; an APP packet; BYE with 31 SSRCs.
    out.append(rtcp(207, 0, struct.pack("!I", sender_ssrc) + struct.pack("!BBH", 4, 0, 500) + os.urandom(8)))
    out.append(rtcp(204, 0, struct.pack("!I", sender_ssrc) + b"EVIL" + os.urandom(400)))
    out.append(rtcp(203, 31, os.urandom(124)))
    # Random bytes that merely look like RTCP (packet type 200..207).
    for _ in range(20):
        out.append(bytes([0x80 | random.randrange(32), random.randrange(200, 208)]) + os.urandom(random.randrange(2, 400)))
    return out


async def send_all(transport, packets, phase, pace=0.0):
    sent = failed = 0
    for index, packet in enumerate(packets):
        try:
            await transport._send_rtp(packet)
            sent += 1
        except Exception:  # noqa: BLE001 - the sender's own SRTP refuses some (e.g. replayed indexes)
            failed += 1
        if index % 50 == 49:
            await asyncio.sleep(pace or 0.005)
    print("phase", phase, "sent", sent, "failed", failed, flush=True)


def payload_types(sdp, codec):
    return [int(m) for m in __import__("re").findall(r"a=rtpmap:(\d+) " + codec + "/", sdp)]


async def run(args):
    pc = RTCPeerConnection()
    transceiver = pc.addTransceiver(SolidColour(), direction="sendonly")
    await pc.setLocalDescription(await pc.createOffer())
    offer = pc.localDescription.sdp
    loop = asyncio.get_running_loop()
    response = await loop.run_in_executor(None, lambda: request(args, "POST", args.url, offer.encode()))
    location = response.headers["Location"]
    answer = response.read().decode()
    print("answer", response.status, location, flush=True)
    await pc.setRemoteDescription(RTCSessionDescription(sdp=answer, type="answer"))
    deadline = time.monotonic() + 20
    transport = transceiver.sender.transport
    while transport.state != "connected" and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    print("dtls", transport.state, flush=True)
    await asyncio.sleep(args.before)

    ssrc = transceiver.sender._ssrc
    vp8 = payload_types(answer, "VP8")[0]
    others = [pt for pt in payload_types(answer, "H264") + payload_types(answer, "rtx") if pt != vp8]
    seq = random.randrange(65536)
    ts = random.randrange(1 << 32)

    await send_all(transport, [rtp(vp8, random.randrange(65536), random.randrange(1 << 32), random.randrange(1 << 32),
                                   os.urandom(random.randrange(1, 1100)), random.random() < 0.3)
                               for _ in range(2000)], "ssrcs")
    await send_all(transport, [p for _ in range(20) for p in rtcp_packets(random.randrange(1 << 32), ssrc)], "rtcp")
    jumps = []
    for step in (30000, -30000, 20000, 1, -1, 32767, -32768, 65535):
        seq = (seq + step) % 65536
        ts = (ts + step * 100003) % (1 << 32)
        jumps += [rtp(vp8, seq + i, ts, ssrc, bytes([0x10, 0]) + os.urandom(800), i == 4) for i in range(5)]
    await send_all(transport, jumps, "jumps")
    garbage = []
    for frame in range(300):
        seq = (seq + 1) % 65536
        ts = (ts + 3000) % (1 << 32)
        # A VP8 payload descriptor (RFC 7741 §4.2) claiming a keyframe start, then noise.
        garbage.append(rtp(vp8, seq, ts, ssrc, bytes([0x10, 0x00, 0x9D, 0x01, 0x2A]) + os.urandom(900), True))
    await send_all(transport, garbage, "garbage", pace=0.02)
    switched = []
    for pt in others + [35, 77, 120, 127]:
        for i in range(60):
            seq = (seq + 1) % 65536
            ts = (ts + 3000) % (1 << 32)
            switched.append(rtp(pt, seq, ts, ssrc, bytes([0x7C, 0x85]) + os.urandom(900), i % 3 == 2))
    await send_all(transport, switched, "switch", pace=0.02)

    end = time.monotonic() + args.after
    while time.monotonic() < end and not STOP_REQUESTED:
        await asyncio.sleep(0.2)
    base = args.url[: args.url.index("/", len("https://"))]
    deleted = await loop.run_in_executor(None, lambda: request(args, "DELETE", base + location))
    print("deleted", deleted.status, flush=True)
    await pc.close()
    print("done", flush=True)


def request_stop(_signum, _frame):
    global STOP_REQUESTED
    STOP_REQUESTED = True


def main():
    signal.signal(signal.SIGUSR2, request_stop)
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", required=True)
    parser.add_argument("--ca", required=True)
    parser.add_argument("--token", default="")
    parser.add_argument("--before", type=float, default=2.0, help="seconds of real pictures before the garbage")
    parser.add_argument("--after", type=float, default=3.0, help="seconds of real pictures after it")
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
