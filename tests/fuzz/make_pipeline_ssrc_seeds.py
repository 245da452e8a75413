#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Writes the seed corpus of the receive_pipeline_ssrcs fuzzer from the other corpora.

Its records are [control u8][advance_ms u8][length u16 BE][bytes] (receive_pipeline_ssrcs_fuzzer.cpp
says what the control bits mean). The packets are the GStreamer captures of the receive_pipeline
corpus (tests/vectors/depacketizer/), the aiortc-wrapped retransmissions of the rtx corpus and the
RTCP packets of the rtcp_compound corpus, spread over the screen, camera and audio streams.
Run from the repository root: python3 tests/fuzz/make_pipeline_ssrc_seeds.py
"""
import pathlib
import struct

CORPUS = pathlib.Path(__file__).resolve().parent / "corpus"
SCREEN, CAMERA, AUDIO, RTCP = 0, 1, 2, 3
RTX, RAW, TICK, OWN_SSRC = 0x04, 0x20, 0x40, 0x80
RTX_SSRC = bytes.fromhex("aaaa0001")  # make_rtx_seeds.py
RTCP_SEEDS = ["sr_one_block", "nack_wrap", "pli", "twcc_chrome_capture", "remb", "xr_rrtr", "sr_sdes_pli_app"]


def records(path):
    """The packets of a [u16 length][bytes] corpus file, without the raw (top bit) ones."""
    data, out, at = path.read_bytes(), [], 0
    while at + 2 <= len(data):
        length = struct.unpack(">H", data[at:at + 2])[0]
        body = data[at + 2:at + 2 + (length & 0x7FFF)]
        at += 2 + (length & 0x7FFF)
        if not length & 0x8000:
            out.append(body)
    return out


def record(control, body, advance=3):
    return struct.pack(">BBH", control, advance, len(body)) + body


def stream(packets, target, choice, extra=0):
    """(control, packet) for each packet; retransmissions (the rtx corpus's SSRC) as RTX."""
    return [(target | choice << 3 | extra | (RTX if target != AUDIO and p[8:12] == RTX_SSRC else 0), p)
            for p in packets]


def interleave(*streams, rtcp_every=10, tick_every=4):
    rtcp = [(RTCP, (CORPUS / "rtcp_compound" / name).read_bytes()) for name in RTCP_SEEDS]
    merged, lists = [], [list(s) for s in streams]
    while any(lists):
        for items in lists:
            if items:
                merged.append(items.pop(0))
        if len(merged) % rtcp_every < len(lists) and rtcp:
            merged.append(rtcp.pop(0))
    return b"".join(record(control | (TICK if i % tick_every == 0 else 0), body)
                    for i, (control, body) in enumerate(merged))


def main():
    pipeline, rtx = CORPUS / "receive_pipeline", CORPUS / "rtx"
    target = CORPUS / "receive_pipeline_ssrcs"
    target.mkdir(parents=True, exist_ok=True)
    vp8, h264 = records(pipeline / "vp8_stream"), records(pipeline / "h264_stream")
    seeds = {
        "screen_vp8_camera_h264_audio": interleave(stream(vp8, SCREEN, 0), stream(h264, CAMERA, 1),
                                                   stream(records(pipeline / "opus_stream"), AUDIO, 0)),
        "screen_vp9_camera_vp8_lossy": interleave(stream(records(pipeline / "vp9_lossy"), SCREEN, 1),
                                                  stream(records(pipeline / "vp8_lossy"), CAMERA, 0)),
        "rtx_on_both_video_streams": interleave(stream(records(rtx / "vp8_every_fifth_by_rtx"), SCREEN, 0),
                                                stream(records(rtx / "h264_every_fifth_by_rtx"), CAMERA, 1)),
        "screen_codec_switch_vp8_to_h264": interleave(stream(vp8[:len(vp8) // 2], SCREEN, 0),
                                                      stream(h264, SCREEN, 2)),
        "unknown_ssrcs_and_unauthenticated": interleave(stream(vp8, SCREEN, 0, OWN_SSRC),
                                                        stream(h264[:8], CAMERA, 1, RAW)),
    }
    for name, data in seeds.items():
        (target / name).write_bytes(data)


if __name__ == "__main__":
    main()
