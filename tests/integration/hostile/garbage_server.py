#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Servers that answer garbage, for presentd's hostile-input suite: configured as the box's TURN
servers (UDP, TCP, and the TLS port of a turns: URL) and its HTTP CONNECT and SOCKS5 proxy.

Each request or connection gets the next answer of its role's list, in turn, so a run with a
few sessions meets every kind:

  TURN/UDP   random bytes; a STUN response with the request's transaction ID whose attributes
             lie about their lengths; an XOR-MAPPED-ADDRESS of family 9; 50 answers at once
  TURN/TCP   the UDP answers framed; 256 KiB of noise; an immediate close; silence
  TLS port   noise instead of a ServerHello; a TLS alert; an immediate close
  HTTP       200 then noise; a header that never ends (256 KiB); 407 without a challenge;
             "HTTP/9 999"; binary; an immediate close
  SOCKS5     the wrong version; no acceptable method; success with address type 9; a domain
             reply cut short; a username/password exchange nobody asked for; noise

Listens on --address; prints "ready" once every port is bound and one line per answer given.
"""
import argparse
import asyncio
import os
import struct

MAGIC = 0x2112A442


def stun(message_type, transaction, attributes):
    return struct.pack("!HHI", message_type, len(attributes), MAGIC) + transaction + attributes


def stun_answers(request):
    transaction = request[8:20] if len(request) >= 20 else os.urandom(12)
    lying = struct.pack("!HH", 0x0020, 0xFFF0) + os.urandom(8)  # length far past the end
    family9 = struct.pack("!HHBBH", 0x0020, 8, 0, 9, 0) + os.urandom(4)
    many = b"".join(struct.pack("!HH", 0x8000 + i, 4) + os.urandom(4) for i in range(300))
    return [
        [os.urandom(200)],
        [stun(0x0113, transaction, lying)],  # Allocate error response
        [stun(0x0103, transaction, family9 + lying)],  # Allocate success response
        [stun(0x0103, transaction, many)],
        [stun(0x0111, transaction, struct.pack("!HH", 0x0009, 4) + b"\x00\x00\x04\x01")] * 50,  # 401s
    ]


class Udp(asyncio.DatagramProtocol):
    def __init__(self):
        self.turn = 0

    def connection_made(self, transport):
        self.transport = transport

    def datagram_received(self, data, addr):
        answers = stun_answers(data)
        for packet in answers[self.turn % len(answers)]:
            self.transport.sendto(packet, addr)
        print("udp", self.turn % len(answers), flush=True)
        self.turn += 1


def tcp_role(name, answers):
    counter = {"turn": 0}

    async def serve(reader, writer):
        index = counter["turn"] % len(answers)
        counter["turn"] += 1
        print(name, index, flush=True)
        try:
            first = await asyncio.wait_for(reader.read(4096), 5)
            reply = answers[index](first)
            if reply is None:
                await asyncio.sleep(30)  # silence
            else:
                for chunk in reply:
                    writer.write(chunk)
                    await writer.drain()
                await asyncio.sleep(2)
        except (asyncio.TimeoutError, ConnectionError):
            pass
        finally:
            writer.close()

    return serve


TCP_TURN = [
    lambda request: [b"".join(stun_answers(request)[1])],
    lambda request: [b"".join(stun_answers(request)[2])],
    lambda request: [os.urandom(65536) for _ in range(4)],
    lambda request: [],
    lambda request: None,
]
TLS_PORT = [
    lambda hello: [os.urandom(3000)],
    lambda hello: [b"\x15\x03\x03\x00\x02\x02\x28"],  # fatal handshake_failure alert
    lambda hello: [b"\x16\x03\x03\xff\xff" + os.urandom(100)],  # a record announcing 64 KiB
    lambda hello: [],
]
HTTP = [
    lambda request: [b"HTTP/1.1 200 Connection established\r\n\r\n" + os.urandom(4000)],
    lambda request: [b"HTTP/1.1 200 OK\r\nX-Filler: " + b"a" * 262144],
    lambda request: [b"HTTP/1.1 407 Proxy Authentication Required\r\n\r\n"],
    lambda request: [b"HTTP/9 999 Whatever\r\n\r\n"],
    lambda request: [os.urandom(2000)],
    lambda request: [],
    lambda request: None,
]
SOCKS = [
    lambda greeting: [b"\x04\x00"],
    lambda greeting: [b"\x05\xff"],
    lambda greeting: [b"\x05\x00", b"\x05\x00\x00\x09" + os.urandom(40)],
    lambda greeting: [b"\x05\x00", b"\x05\x00\x00\x03\xff" + b"a" * 10],
    lambda greeting: [b"\x05\x02", b"\x01\x00"],
    lambda greeting: [os.urandom(5000)],
    lambda greeting: None,
]


async def main(args):
    loop = asyncio.get_running_loop()
    await loop.create_datagram_endpoint(Udp, local_addr=(args.address, args.turn_port))
    servers = [
        await asyncio.start_server(tcp_role("tcp", TCP_TURN), args.address, args.turn_port),
        await asyncio.start_server(tcp_role("tls", TLS_PORT), args.address, args.turns_port),
        await asyncio.start_server(tcp_role("http", HTTP), args.address, args.http_port),
        await asyncio.start_server(tcp_role("socks", SOCKS), args.address, args.socks_port),
    ]
    print("ready", flush=True)
    await asyncio.gather(*(server.serve_forever() for server in servers))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--address", required=True)
    parser.add_argument("--turn-port", type=int, default=3478)
    parser.add_argument("--turns-port", type=int, default=5349)
    parser.add_argument("--http-port", type=int, default=3128)
    parser.add_argument("--socks-port", type=int, default=1080)
    asyncio.run(main(parser.parse_args()))
