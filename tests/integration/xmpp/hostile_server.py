#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""A hostile XMPP server for one test: accepts Direct TLS connections on 127.0.0.1:PORT and
answers each client's stream header with a stream header followed by one kind of hostile XML,
one kind per connection, in the order given. Prints "SERVED <kind>" after each.

Usage: hostile_server.py CERT KEY PORT KIND...   (KIND: bomb, deep, huge, utf8)
"""
import socket
import ssl
import sys

HEADER = (b"<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
          b"xmlns:stream='http://etherx.jabber.org/streams' id='h1' from='localhost' version='1.0'>")
PAYLOADS = {
    "bomb": b"<!DOCTYPE x [<!ENTITY a 'aaaaaaaaaa'><!ENTITY b '&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;'>]><message>&b;</message>",
    "deep": b"<message>" + b"<a>" * 10000,
    "huge": b"<message><body>" + b"x" * (10 * 1024 * 1024) + b"</body></message>",
    "utf8": b"<message><body>\xc3\x28\xff\xfe</body></message>",
}


def main():
    cert, key, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    context.set_alpn_protocols(["xmpp-client"])
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", port))
    server.listen()
    print("LISTENING", flush=True)
    for kind in sys.argv[4:]:
        connection, _ = server.accept()
        try:
            with context.wrap_socket(connection, server_side=True) as tls:
                tls.recv(4096)
                tls.sendall(HEADER + PAYLOADS[kind])
                tls.recv(4096)  # until the client closes
        except (OSError, ssl.SSLError):
            pass  # the client hung up mid-payload: what it should do with a huge stanza
        print("SERVED " + kind, flush=True)


if __name__ == "__main__":
    main()
