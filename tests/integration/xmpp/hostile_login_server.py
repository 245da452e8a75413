#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""A hostile XMPP server for the login tests: it tries to bring the client online without TLS,
without a login or without binding, by answering out of turn. One connection per KIND, in the
order given; each KIND is a script of steps: wait for something from the client, then answer.
A script stops early when the client hangs up (what a correct client does at the first element
it did not expect).

After each connection it prints "RECEIVED <kind> <what the client sent, repr()>" (everything,
before and after TLS) and "SERVED <kind>". The test checks those bytes: presence, stanzas kept
for resumption, <enable/> or a bind request must never appear.

Usage: hostile_login_server.py MODE CERT KEY PORT KIND...
  MODE: starttls (plain TCP first, as on port 5222) or direct (TLS from the first byte, XEP-0368)
"""
import socket
import ssl
import sys

HEADER = (b"<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
          b"xmlns:stream='http://etherx.jabber.org/streams' id='h1' from='localhost' version='1.0'>")
TLS_FEATURES = (b"<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls>"
                b"</stream:features>")
SASL_FEATURES = (b"<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"
                 b"<mechanism>PLAIN</mechanism></mechanisms></stream:features>")
BIND_FEATURES = (b"<stream:features><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/>"
                 b"<sm xmlns='urn:xmpp:sm:3'/></stream:features>")
RESUMED = b"<resumed xmlns='urn:xmpp:sm:3' h='0' previd='forged'/>"
SUCCESS = b"<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>"
PROCEED = b"<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>"
ENABLED = b"<enabled xmlns='urn:xmpp:sm:3' id='forged' resume='true'/>"
SM_REQUEST = b"<r xmlns='urn:xmpp:sm:3'/>"
BIND_RESULT = (b"<iq type='result' id='bind'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>"
               b"<jid>123456@localhost/presentd</jid></bind></iq>")
MESSAGE = b"<message from='mallory@localhost/x' to='123456@localhost'><body>before bind</body></message>"
JINGLE = (b"<iq type='set' id='j1' from='mallory@localhost/x'><jingle xmlns='urn:xmpp:jingle:1' "
          b"action='session-initiate' sid='s1'/></iq>")
STREAM_ERROR = (b"<stream:error><conflict xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>"
                b"</stream:stream>")

# After a forged login the rest of a fake session, for a client that would go along: a new
# stream (after <success/>), bind, then wait for the presence it must never send.
AFTER_SUCCESS = [("expect", b"<stream:stream"), ("send", HEADER + BIND_FEATURES), ("expect", b"<iq"),
                 ("send", BIND_RESULT), ("expect", b"<presence")]
AFTER_RESUMED = [("expect", b"<presence")]

# Steps after the client's first stream header was answered with HEADER (the first "send"
# below is appended to it). "tls" upgrades the socket (STARTTLS) and waits for the new header.
SCRIPTS = {
    "resumed": [("send", RESUMED)] + AFTER_RESUMED,
    "success": [("send", SUCCESS)] + AFTER_SUCCESS,
    "success_for_starttls": [("send", TLS_FEATURES), ("expect", b"<starttls"), ("send", SUCCESS)] + AFTER_SUCCESS,
    "proceed_unasked": [("send", PROCEED), ("expect", b"<presence")],
    "enabled_early": [("send", ENABLED + SM_REQUEST), ("expect", b"<a ")],
    "bind_early": [("send", BIND_RESULT), ("expect", b"<presence")],
    "stanzas_early": [("send", MESSAGE + JINGLE), ("expect", b"<iq")],
    "stream_error": [("send", STREAM_ERROR)],
    "deep": [("send", b"<message>" + b"<a>" * 10000)],
    "huge": [("send", b"<message><body>" + b"x" * (2 * 1024 * 1024) + b"</body></message>")],
    "tls_resumed": [("send", TLS_FEATURES), ("expect", b"<starttls"), ("send", PROCEED), ("tls", None),
                    ("send", HEADER + RESUMED)] + AFTER_RESUMED,
    "tls_success": [("send", TLS_FEATURES), ("expect", b"<starttls"), ("send", PROCEED), ("tls", None),
                    ("send", HEADER + SUCCESS)] + AFTER_SUCCESS,
    "tls_features_then_resumed": [("send", TLS_FEATURES), ("expect", b"<starttls"), ("send", PROCEED), ("tls", None),
                                  ("send", HEADER + SASL_FEATURES), ("expect", b"<auth"),
                                  ("send", RESUMED)] + AFTER_RESUMED,
}


def read_until(sock, received, token, start=0):
    """Reads into `received` until `token` appears after `start`; False when the client hung up
    or went quiet."""
    while token not in received[start:]:
        try:
            chunk = sock.recv(65536)
        except (OSError, ssl.SSLError):
            return False
        if not chunk:
            return False
        received += chunk
    return True


def serve(connection, mode, context, kind, received):
    sock = connection
    if mode == "direct":
        sock = context.wrap_socket(connection, server_side=True)
    sock.settimeout(8)
    if not read_until(sock, received, b"<stream:stream"):
        return received
    first = True
    seen = len(received)  # an "expect" looks only at what came after the last one
    for step, value in SCRIPTS[kind]:
        if step == "send":
            sock.sendall((HEADER if first else b"") + value)
            first = False
        elif step == "expect":
            if not read_until(sock, received, value, seen):
                return received
            seen = len(received)
        elif step == "tls":
            received += b"[TLS] "
            seen = len(received)
            sock = context.wrap_socket(sock, server_side=True)
            if not read_until(sock, received, b"<stream:stream", seen):  # the client's header over TLS
                return received
            seen = len(received)
    # Keep the connection until the client ends it (or 8 s of silence).
    read_until(sock, received, b"\0never\0")
    return received


def main():
    mode, cert, key, port = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    if mode == "direct":
        context.set_alpn_protocols(["xmpp-client"])
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", port))
    server.listen()
    print("LISTENING", flush=True)
    for kind in sys.argv[5:]:
        connection, _ = server.accept()
        received = bytearray()
        try:
            serve(connection, mode, context, kind, received)
        except (OSError, ssl.SSLError):
            pass  # the client hung up mid-answer: what it should do
        finally:
            connection.close()
        print("RECEIVED " + kind + " " + repr(bytes(received)), flush=True)
        print("SERVED " + kind, flush=True)


if __name__ == "__main__":
    main()
