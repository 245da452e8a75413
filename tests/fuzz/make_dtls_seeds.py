#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Writes the seed corpus of the dtls_record fuzzer.

Each seed is a sequence of [u16 big-endian length][datagram]. The real seeds are ClientHellos that
`openssl s_client -dtls1_2 -use_srtp ...` sends to a UDP socket this script listens on (captured,
then the client is killed); the SNI/MTU variant splits the ClientHello over two datagrams, as
Firefox's large DTLS 1.3 key share does. A few hand-made edge cases follow.
Run from the repository root: python3 tests/fuzz/make_dtls_seeds.py
"""
import pathlib
import socket
import struct
import subprocess

ROOT = pathlib.Path(__file__).resolve().parent / "corpus" / "dtls_record"


def capture(extra, datagrams):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    sock.settimeout(5)
    port = sock.getsockname()[1]
    client = subprocess.Popen(
        ["openssl", "s_client", "-dtls1_2", "-connect", f"127.0.0.1:{port}",
         "-use_srtp", "SRTP_AEAD_AES_128_GCM:SRTP_AES128_CM_SHA1_80"] + extra,
        stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        return [sock.recvfrom(2048)[0] for _ in range(datagrams)]
    finally:
        client.kill()
        client.wait()
        sock.close()


def framed(datagrams):
    return b"".join(struct.pack(">H", len(d)) + d for d in datagrams)


def main():
    ROOT.mkdir(parents=True, exist_ok=True)
    hello = capture([], 1)
    seeds = {
        "client_hello": framed(hello),
        "client_hello_fragmented": framed(capture(["-mtu", "300", "-servername", "f" * 250], 2)),
        "client_hello_twice": framed(hello + hello),
        "client_hello_truncated": framed([hello[0][: len(hello[0]) // 2]]),
        "alert_then_garbage": framed([bytes.fromhex("15fefd000000000000000000020228"), b"\x17\xfe\xfd"]),
        "unified_header": framed([bytes.fromhex("2c0001020304")]),
        "empty_datagram": framed([b""]),
    }
    for name, data in seeds.items():
        (ROOT / name).write_bytes(data)


if __name__ == "__main__":
    main()
