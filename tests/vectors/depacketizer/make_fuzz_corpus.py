#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Writes the depacketizer fuzz seed corpora (tests/fuzz/corpus/<fmt>_depacketizer/) from the
captured streams here: each seed is a run of frames in the fuzz driver's input format (2-byte
big-endian payload length + payload, a zero length between frames), plus hand-made edge cases."""
import os
import struct

here = os.path.dirname(os.path.abspath(__file__))
corpus_root = os.path.join(here, "..", "..", "fuzz", "corpus")


def records(name):
    data = open(os.path.join(here, name), "rb").read()
    out, i = [], 0
    while i < len(data):
        (n,) = struct.unpack(">I", data[i:i + 4])
        out.append(data[i + 4:i + 4 + n])
        i += 4 + n
    return out


def rtp_payload(packet):
    cc = packet[0] & 0x0F
    offset = 12 + 4 * cc
    if packet[0] & 0x10:
        (words,) = struct.unpack(">H", packet[offset + 2:offset + 4])
        offset += 4 + 4 * words
    end = len(packet) - (packet[-1] if packet[0] & 0x20 else 0)
    return struct.unpack(">I", packet[4:8])[0], packet[offset:end]


def frames(name):
    out, last_ts = [], None
    for packet in records(name + ".rtp"):
        ts, payload = rtp_payload(packet)
        if ts != last_ts:
            out.append([])
        last_ts = ts
        out[-1].append(payload)
    return out


def encode(frame_list):
    blob = b""
    for frame in frame_list:
        for payload in frame:
            blob += struct.pack(">H", len(payload)) + payload
        blob += b"\x00\x00"
    return blob


def write(fmt, name, blob):
    directory = os.path.join(corpus_root, fmt + "_depacketizer")
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, name), "wb") as f:
        f.write(blob)


def packet(payload):
    return struct.pack(">H", len(payload)) + payload


for fmt in ("vp8", "vp9", "h264", "opus"):
    captured = frames(fmt)
    # The first keyframe with the inter frame after it, a later inter frame alone, a keyframe
    # after inter frames, and for H.264 the second IDR without its SPS/PPS packets.
    write(fmt, "captured_key_then_inter", encode(captured[0:2]))
    write(fmt, "captured_inter", encode(captured[3:4]))
    write(fmt, "captured_second_key", encode(captured[5:7]))
    if fmt == "h264":
        stripped = [p for p in captured[6] if p[0] & 0x1F not in (7, 8)]
        write(fmt, "captured_idr_without_parameter_sets", encode([captured[0], stripped]))
    write(fmt, "empty", b"")
    write(fmt, "truncated_length", b"\x01")

write("h264", "captured_stap_a_idr", encode(frames("h264_stap")[0:1]))
write("vp8", "edge_descriptor_all_extensions", packet(bytes([0x90, 0xF0, 0x81, 0x02, 0x07, 0x45, 0x31, 0x01, 0x00])))
write("vp8", "edge_truncated_keyframe_header", packet(bytes([0x10, 0x10, 0x02, 0x00, 0x9D, 0x01])))
write("vp9", "edge_four_references", packet(bytes([0x58, 0x03, 0x05, 0x07, 0x09, 0x82])))
write("vp9", "edge_ss_eight_layers", packet(bytes([0x0E, 0xF8] + [0x01] * 32 + [0x02, 0x0C, 0x01, 0x02, 0x03, 0x82])))
write("h264", "edge_fu_middle_without_start", packet(bytes([0x5C, 0x05, 0x01])) + packet(bytes([0x5C, 0x45, 0x02])))
write("h264", "edge_fu_start_without_end", packet(bytes([0x5C, 0x85, 0x88])))
write("h264", "edge_stap_a_bad_size", packet(bytes([0x78, 0x00, 0x09, 0x67, 0x42])))
write("h264", "edge_stap_b", packet(bytes([0x79, 0x00, 0x00, 0x00, 0x02, 0x09, 0xF0])))
write("opus", "edge_two_packets_one_frame", packet(b"\xfc\x01") + packet(b"\xfc\x02"))
