#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Writes the seed corpora of the rtp_packet and rtcp_compound fuzzers.

The packets are the ones the unit tests in tests/unit/rtp/ parse (same bytes, same names), plus a
few edge cases. Run from the repository root: python3 tests/fuzz/make_rtp_rtcp_seeds.py
"""
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent / "corpus"

RTP = {
    # rtp_packet_test.cpp kChromeLikePacket: one-byte extensions (transport seq, abs-send-time).
    "chrome_vp8_one_byte_ext": "90e01234 11223344 deadbeef bede0002 310102 22abcdef 00 100203",
    # ParsesCsrcsAndStripsPadding: CC=2, P=1 with 4 padding bytes.
    "csrcs_and_padding": "a2080001 000000a0 01020304 0a0a0a0a 0b0b0b0b d5d5 00000004",
    # ParsesTwoByteExtensionsWithPaddingAndEmptyElement.
    "two_byte_ext": "9060ffff 00000001 00000002 10000003 0500 0000 2003aabbcc 000000 42",
    # KeepsUnknownExtensionProfileOpaque.
    "unknown_profile": "90600001 00000001 00000002 abcd0001 13371337 99",
    # OneByteId15StopsTheWalk.
    "one_byte_id15": "90600001 00000001 00000002 bede0001 10aaf03f 99",
    # Playout-delay (ID 6, 3 bytes) as Chrome adds to screen-share keyframes.
    "playout_delay_ext": "90600002 00000001 00000002 bede0001 6200a064 9d012a",
    # Edge cases that must be rejected.
    "padding_longer_than_packet": "a0600001 00000001 00000002 aa05",
    "extension_length_past_end": "90600001 00000001 00000002 bede0002 10aa0000",
}

RTCP = {
    # compound_test.cpp kCompound: SR, SDES, PLI, APP.
    "sr_sdes_pli_app": "80c80006 00000005 e94b3a10 00000000 00001000 00000003 00000bb8"
                       " 81ca0003 00000005 0103616263 000000"
                       " 81ce0002 00000005 00000006"
                       " 80cc0002 00000005 74657374",
    # reports_test.cpp kSenderReport with one report block.
    "sr_one_block": "81c8000c 11223344 e94b3a10 80000000 00015f90 00000064 000186a0"
                    " aabbccdd 40fffffe 00010005 0000012c 3a108000 00010000",
    # reports_test.cpp ParsesCnameAndSkipsOtherItems.
    "sdes_two_chunks": "82ca000a 00000001 0110 71597833 5a703457 4c6b6d4e 6f705172 0000"
                       " 00000002 0603616263 01017a 00000000",
    "bye_reason": "82cb0004 0000000a 0000000b 03627965 00000000",
    # feedback_test.cpp: NACK across the wrap, PLI, FIR, REMB.
    "nack_wrap": "81cd0003 00000001 00000002 fffe0005",
    "pli": "81ce0002 00000001 12345678",
    "fir": "84ce0004 00000001 00000000 abcdef01 07000000",
    "remb": "8fce0006 00000001 00000000 52454d42 020fd090 0000000a 0000000b",
    # transport_feedback_test.cpp: captured Chrome feedback and the two-bit vector case.
    "twcc_chrome_capture": "afcd0007 00000001 dd586eb6 00010009 5e911000 2009 1c0c2c38 00040008 1801",
    "twcc_two_bit_vector": "8fcd0006 00000001 00000002 fffe0005 00000109 d240 04 fff0 08 0000",
    # RR then a malformed NACK (counted, rest kept), and a length past the end (rejected).
    "nack_without_fci_then_rr": "81cd0002 00000001 00000002 80c90001 00000003",
    "length_past_end": "80c90002 00000001",
}


def write(directory: str, seeds: dict) -> None:
    target = ROOT / directory
    target.mkdir(parents=True, exist_ok=True)
    for name, text in seeds.items():
        (target / name).write_bytes(bytes.fromhex(text.replace(" ", "")))


if __name__ == "__main__":
    write("rtp_packet", RTP)
    write("rtcp_compound", RTCP)
