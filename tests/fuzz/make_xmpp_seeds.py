#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Writes the seeds of the xmpp_client and jingle_handler fuzz targets (tests/fuzz/corpus/README.md).

xmpp_client: byte 0 chooses STARTTLS (even) or Direct TLS (odd); the rest is what the server sends,
in reads separated by NUL (the server headers are implied): Prosody 0.12's
login as the cloud tests see it (STARTTLS, SASL, bind, stream management, stanzas) and the attack
sequences of tests/integration/xmpp/hostile_login_server.py.

jingle_handler: byte 0 even = the host answers at once, odd = later; the rest is a stream of
stanzas: the session-initiates of tests/fuzz/corpus/jingle_sdp/ (captured offers mapped by
jingle_sdp_tool) wrapped in an iq with the PIN, a transport-info, a terminate, an XEP-0353 propose.
"""
import os
import re

HERE = os.path.dirname(os.path.abspath(__file__))
TLS = "urn:ietf:params:xml:ns:xmpp-tls"
SASL = "urn:ietf:params:xml:ns:xmpp-sasl"
SM = "urn:xmpp:sm:3"
FEAT_TLS = f"<stream:features><starttls xmlns='{TLS}'><required/></starttls></stream:features>"
FEAT_SASL = (f"<stream:features><mechanisms xmlns='{SASL}'><mechanism>SCRAM-SHA-256</mechanism>"
             "<mechanism>PLAIN</mechanism></mechanisms></stream:features>")
FEAT_BIND = ("<stream:features><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><required/></bind>"
             f"<session xmlns='urn:ietf:params:xml:ns:xmpp-session'><optional/></session><sm xmlns='{SM}'/>"
             "<csi xmlns='urn:xmpp:csi:0'/></stream:features>")
FEAT_RESUME = f"<stream:features><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/><sm xmlns='{SM}' resume='yes'/></stream:features>"
FEAT_PLAIN = (f"<stream:features><mechanisms xmlns='{SASL}'><mechanism>PLAIN</mechanism></mechanisms>"
              "</stream:features>")
CHALLENGE = f"<challenge xmlns='{SASL}'>cj1meWtvK2QybGJiRmdPTlJ2OXFreGRhd0wzcmZjTkhZSlkxWlZ2V1ZzN2oscz1RU1hDUitRNnNlazhiZjkyLGk9NDA5Ng==</challenge>"
SUCCESS = f"<success xmlns='{SASL}'>dj02cnJpVFJCaTIzV3BSUi93dHVwK21NaFVaVW4vZEI1bkxUSlJzamw5NUc0PQ==</success>"
BIND = ("<iq type='result' id='bind'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>"
        "<jid>123456@localhost/presentd</jid></bind></iq>")
ONLINE = (f"<enabled xmlns='{SM}' id='some-long-sm-id' resume='true' max='600'/>"
          "<presence from='123456@localhost/presentd' to='123456@localhost/presentd'/>"
          f"<r xmlns='{SM}'/><a xmlns='{SM}' h='1'/>"
          "<iq type='get' id='p1' from='localhost'><ping xmlns='urn:xmpp:ping'/></iq>"
          "<message from='a@localhost/x'><propose xmlns='urn:xmpp:jingle-message:0' id='s1'>"
          "<description xmlns='urn:xmpp:jingle:apps:rtp:1' media='video'/></propose></message>"
          "<presence type='subscribe' from='watcher@localhost'/></stream:stream>")
# "\0" ends a read: the client restarts its stream after <proceed/> and <success/>.
LOGIN = {
    "prosody_starttls_scram": "\x00" + FEAT_TLS + f"<proceed xmlns='{TLS}'/>\0" + FEAT_SASL + CHALLENGE + SUCCESS +
                              "\0" + FEAT_BIND + BIND + ONLINE,
    "prosody_starttls_plain": "\x00" + FEAT_TLS + f"<proceed xmlns='{TLS}'/>\0" + FEAT_PLAIN + "\0" + SUCCESS +
                              "\0" + FEAT_BIND + "\0" + BIND + "\0" + ONLINE,
    "prosody_direct_plain": "\x01" + FEAT_PLAIN + SUCCESS + "\0" + FEAT_BIND + BIND.replace("<iq ", "<iq from='x' ") +
                            ONLINE,
    "resume": "\x01" + FEAT_PLAIN + SUCCESS + "\0" + FEAT_RESUME + f"<resumed xmlns='{SM}' h='3' previd='x'/>" + ONLINE,
    "resume_failed": "\x01" + FEAT_PLAIN + SUCCESS + "\0" + FEAT_RESUME +
                     f"<failed xmlns='{SM}'><item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></failed>" +
                     FEAT_BIND + BIND + ONLINE,
    "attack_resumed_first": "\x00" + f"<resumed xmlns='{SM}' h='0' previd='forged'/>",
    "attack_success_first": "\x00" + SUCCESS,
    "attack_success_for_starttls": "\x00" + FEAT_TLS + SUCCESS + "\0" + FEAT_BIND + BIND,
    "attack_proceed_unasked": "\x00" + f"<proceed xmlns='{TLS}'/>",
    "attack_sm_early": "\x01" + f"<enabled xmlns='{SM}' id='x' resume='true'/><r xmlns='{SM}'/>",
    "attack_stanzas_before_bind": "\x01" + FEAT_PLAIN + SUCCESS + "\0" + "<message><body>x</body></message>" + BIND,
    "stream_error": "\x00<stream:error><conflict xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>",
}


def jingle_seeds():
    seeds = {}
    corpus = os.path.join(HERE, "corpus", "jingle_sdp")
    transport = open(os.path.join(corpus, "transport_info"), encoding="utf-8").read()
    transport = re.sub(r"sid='[^']*'", "sid='s1'", transport)
    for name in sorted(os.listdir(corpus)):
        text = open(os.path.join(corpus, name), encoding="utf-8", errors="replace").read()
        if "action='session-initiate'" not in text or not text.startswith("<jingle"):
            continue
        text = re.sub(r"sid='[^']*'", "sid='s1'", text, count=1)
        close = text.index(">") + 1
        text = text[:close] + "<pin xmlns='urn:presentd:pin:0'>4711</pin>" + text[close:]
        head = "<iq type='set' id='{}' from='a@example.net/x' to='123456@localhost/presentd'>"
        stream = ("<message from='a@example.net/x' to='123456@localhost/presentd'>"
                  "<propose xmlns='urn:xmpp:jingle-message:0' id='s1'>"
                  "<description xmlns='urn:xmpp:jingle:apps:rtp:1' media='video'/></propose></message>" +
                  head.format("i1") + text + "</iq>" + head.format("i2") + transport + "</iq>" +
                  "<iq type='result' id='pd-jingle-1' from='a@example.net/x'/>" +
                  head.format("i3") + "<jingle xmlns='urn:xmpp:jingle:1' action='session-terminate' sid='s1'>"
                  "<reason><success/></reason></jingle></iq>")
        seeds["initiate_" + name] = "\x00" + stream
        seeds["initiate_late_answer_" + name] = "\x01" + stream
    return seeds


def write(target, seeds):
    directory = os.path.join(HERE, "corpus", target)
    os.makedirs(directory, exist_ok=True)
    for name, text in seeds.items():
        with open(os.path.join(directory, name), "wb") as out:
            out.write(text.encode("utf-8"))


if __name__ == "__main__":
    write("xmpp_client", LOGIN)
    write("jingle_handler", jingle_seeds())
