#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Writes the seed corpus of the rtx fuzzer (tests/fuzz/corpus/rtx/).

The media packets are GStreamer's captures in tests/vectors/depacketizer/; the retransmissions
are made by aiortc 1.4's own RTX code (aiortc.rtp.wrap_rtx, what its sender does on a NACK), an
implementation independent of presentd's. Each seed is records of [u16 big-endian length][RTP
packet], the fuzzer's input format. Run with Debian's Python (it has python3-aiortc), from the
repository root: /usr/bin/python3 tests/fuzz/make_rtx_seeds.py
"""
import pathlib
import struct

from aiortc.rtp import RtpPacket, wrap_rtx

ROOT = pathlib.Path(__file__).resolve().parent
VECTORS = ROOT.parent / "vectors" / "depacketizer"
CORPUS = ROOT / "corpus" / "rtx"
RTX_SSRC = 0xAAAA0001


def captured(name, payload_type):
    data = (VECTORS / name).read_bytes()
    packets, i = [], 0
    while i < len(data):
        (n,) = struct.unpack(">I", data[i:i + 4])
        packet = RtpPacket.parse(data[i + 4:i + 4 + n])
        packet.payload_type = payload_type  # the fuzzer's mapping
        packets.append(packet)
        i += 4 + n
    return packets


def records(packets):
    out = b""
    for packet in packets:
        raw = packet.serialize()
        out += struct.pack(">H", len(raw)) + raw
    return out


def lossy_with_retransmissions(packets, rtx_payload_type, every=5, delay=6):
    """Every `every`-th packet arrives only as RTX, `delay` packets late; RTX sequence numbers
    start just below the wrap."""
    out, pending, rtx_seq = [], [], 65530
    for index, packet in enumerate(packets):
        if index > 2 and index % every == 0:
            pending.append((index + delay, packet))
        else:
            out.append(packet)
        for due in [p for p in pending if p[0] <= index]:
            out.append(wrap_rtx(due[1], rtx_payload_type, rtx_seq & 0xFFFF, RTX_SSRC))
            rtx_seq += 1
            pending.remove(due)
    for _, packet in pending:
        out.append(wrap_rtx(packet, rtx_payload_type, rtx_seq & 0xFFFF, RTX_SSRC))
        rtx_seq += 1
    return out


def main():
    CORPUS.mkdir(parents=True, exist_ok=True)
    vp8 = captured("vp8.rtp", 96)
    h264 = captured("h264.rtp", 102)
    seeds = {
        "vp8_every_fifth_by_rtx": lossy_with_retransmissions(vp8, 97),
        "h264_every_fifth_by_rtx": lossy_with_retransmissions(h264, 103),
        # A retransmission of a packet that already arrived, and one sent before any media.
        "vp8_duplicate_and_early_rtx": [wrap_rtx(vp8[1], 97, 7, RTX_SSRC)] + vp8[:20] + [wrap_rtx(vp8[3], 97, 8, RTX_SSRC)],
    }
    # A bandwidth probe between media packets: an OSN and no original payload.
    probe = RtpPacket.parse(vp8[4].serialize())
    probe.payload = b""
    seeds["vp8_padding_probe"] = vp8[:5] + [wrap_rtx(probe, 97, 9, RTX_SSRC)] + vp8[5:20]
    # One byte where the two-byte OSN belongs (the media packet itself arrives after it).
    truncated = wrap_rtx(vp8[2], 97, 10, RTX_SSRC)
    truncated.payload = truncated.payload[:1]
    seeds["vp8_truncated_osn"] = vp8[:2] + [truncated] + vp8[2:20]
    for name, packets in seeds.items():
        (CORPUS / name).write_bytes(records(packets))


if __name__ == "__main__":
    main()
