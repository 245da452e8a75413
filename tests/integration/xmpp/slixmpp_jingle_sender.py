#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""A remote presenter over XMPP, for presentd's cloud-sharing tests.

Logs into an XMPP server with slixmpp, rings the room with Jingle Message Initiation (XEP-0353:
propose → proceed, which also tells us the box's full JID), sends a Jingle session-initiate built
from GStreamer webrtcbin's offer, applies the box's session-accept, streams a VP8 test pattern and
ends with session-terminate. The SDP ↔ Jingle mapping is presentd's own (jingle_sdp_tool, built
from tests/integration/xmpp/jingle_sdp_tool.cpp), so sender and box share one set of rules.

--relay-only keeps only TURN relay candidates in the offer (webrtcbin gets --turn), so media can
only flow through the relay. --print-initiate makes the offer and prints the Jingle without any
XMPP (a quick check of the GStreamer + mapping half).

Prints one line per event on stdout ("online", "proceed <jid>", "initiate-sent", "accepted",
"ice <state>", "terminated <reason>", "rejected <reason>" (XEP-0353 reject), "initiate-error
<condition>", "done"). Exit code 0 on a clean run, 2 when the box refused or terminated the
session, 1 on any other failure. Run with /usr/bin/python3.
"""
import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import threading
import uuid
import xml.etree.ElementTree as ET

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstWebRTC", "1.0")
gi.require_version("GstSdp", "1.0")
from gi.repository import GLib, Gst, GstSdp, GstWebRTC  # noqa: E402

JINGLE = "urn:xmpp:jingle:1"
JMI = "urn:xmpp:jingle-message:0"
RTP = "urn:xmpp:jingle:apps:rtp:1"
DEFAULT_TOOL = os.path.join(os.path.dirname(__file__), "../../../build/tests/jingle_sdp_tool")


def say(*words):
    print(*words, flush=True)


class Media:
    """webrtcbin on its own GLib main loop thread; hands the gathered offer to `on_offer`."""

    def __init__(self, args, on_offer):
        self.args = args
        self.on_offer = on_offer
        self.loop = GLib.MainLoop()
        caps = f"video/x-raw,width={args.width},height={args.height},framerate=30/1"
        self.pipeline = Gst.parse_launch(
            f"videotestsrc is-live=true pattern={args.pattern} ! {caps} ! videoconvert ! queue ! "
            "vp8enc deadline=1 keyframe-max-dist=60 target-bitrate=1500000 ! rtpvp8pay pt=96 mtu=1200 ! "
            "webrtcbin name=send bundle-policy=max-bundle")
        self.webrtc = self.pipeline.get_by_name("send")
        if args.turn:
            self.webrtc.set_property("turn-server", args.turn)
        if args.relay_only:
            self.webrtc.set_property("ice-transport-policy", GstWebRTC.WebRTCICETransportPolicy.RELAY)
        self.webrtc.connect("on-negotiation-needed", self.on_negotiation_needed)
        self.webrtc.connect("notify::ice-gathering-state", self.on_gathering_state)
        self.webrtc.connect("notify::ice-connection-state",
                            lambda element, _: say("ice", element.get_property("ice-connection-state").value_nick))
        self.thread = threading.Thread(target=self.loop.run, daemon=True)

    def start(self):
        self.pipeline.set_state(Gst.State.PLAYING)
        self.thread.start()

    def stop(self):
        GLib.idle_add(self.loop.quit)
        self.thread.join(5)
        self.pipeline.set_state(Gst.State.NULL)

    def on_negotiation_needed(self, element):
        transceiver = element.emit("get-transceiver", 0)
        transceiver.set_property("direction", GstWebRTC.WebRTCRTPTransceiverDirection.SENDONLY)
        transceiver.set_property("do-nack", True)
        promise = Gst.Promise.new_with_change_func(self.on_offer_created, element, None)
        element.emit("create-offer", None, promise)

    def on_offer_created(self, promise, element, _):
        reply = promise.get_reply()  # keep it alive while the description is used
        element.emit("set-local-description", reply.get_value("offer"), Gst.Promise.new())

    def on_gathering_state(self, element, _pspec):
        if element.get_property("ice-gathering-state") == GstWebRTC.WebRTCICEGatheringState.COMPLETE:
            self.on_offer(element.get_property("local-description").sdp.as_text())

    def apply_answer(self, text):
        def apply():
            result, message = GstSdp.SDPMessage.new_from_text(text)
            if result != GstSdp.SDPResult.OK:
                say("error", "unparsable answer")
                return False
            answer = GstWebRTC.WebRTCSessionDescription.new(GstWebRTC.WebRTCSDPType.ANSWER, message)
            self.webrtc.emit("set-remote-description", answer, Gst.Promise.new())
            return False
        GLib.idle_add(apply)


class Mapper:
    """presentd's SDP ↔ Jingle rules through jingle_sdp_tool."""

    def __init__(self, tool):
        self.tool = tool
        self.offer_file = tempfile.NamedTemporaryFile("w", suffix=".sdp", delete=False)

    def offer_to_jingle(self, sdp, sid, initiator, pin, relay_only):
        self.offer_file.write(sdp)
        self.offer_file.flush()
        argv = [self.tool, "offer-to-jingle", "--sid", sid, "--initiator", initiator]
        if pin:
            argv += ["--pin", pin]
        if relay_only:
            argv.append("--relay-only")
        return subprocess.run(argv, input=sdp, capture_output=True, text=True, check=True).stdout

    def accept_to_sdp(self, xml):
        argv = [self.tool, "accept-to-sdp", "--offer", self.offer_file.name]
        return subprocess.run(argv, input=xml, capture_output=True, text=True, check=True).stdout


def print_initiate(args):
    """No XMPP: webrtcbin's offer → Jingle on stdout."""
    done = threading.Event()
    mapper = Mapper(args.tool)
    result = {}

    def on_offer(sdp):
        result["xml"] = mapper.offer_to_jingle(sdp, "dry-run", "presenter@example.net/gst", args.pin, args.relay_only)
        done.set()

    media = Media(args, on_offer)
    media.start()
    ok = done.wait(30)
    media.stop()
    if not ok:
        say("error", "no offer within 30 s")
        return 1
    print(result["xml"], end="")
    return 0


def run_xmpp(args):
    import slixmpp  # only needed here
    from slixmpp.xmlstream.handler import Callback
    from slixmpp.xmlstream.matcher import MatchXPath

    class Presenter(slixmpp.ClientXMPP):
        def __init__(self):
            super().__init__(args.jid, args.password)
            if args.ca:
                self.ca_certs = args.ca
            self.mapper = Mapper(args.tool)
            self.sid = uuid.uuid4().hex
            self.box = args.to_full
            self.exit_code = 1
            self.proceeded = asyncio.Event()
            self.media = None
            self.add_event_handler("session_start", self.on_start)
            self.register_handler(Callback("jingle", MatchXPath(f"{{jabber:client}}iq/{{{JINGLE}}}jingle"), self.on_jingle))
            self.register_handler(Callback("jmi", MatchXPath(f"{{jabber:client}}message/{{{JMI}}}proceed"), self.on_proceed))
            self.register_handler(Callback("jmi-reject", MatchXPath(f"{{jabber:client}}message/{{{JMI}}}reject"), self.on_reject))

        async def on_start(self, _event):
            self.send_presence()
            say("online")
            if not self.box:
                # XEP-0353: ring the room; the box answers <proceed/> from its full JID.
                message = self.make_message(mto=args.room, mtype="chat")
                propose = ET.SubElement(message.xml, f"{{{JMI}}}propose", {"id": self.sid})
                ET.SubElement(propose, f"{{{RTP}}}description", {"media": "video"})
                ET.SubElement(message.xml, "{urn:xmpp:hints}store")
                message.send()
                try:
                    await asyncio.wait_for(self.proceeded.wait(), args.timeout)
                except asyncio.TimeoutError:
                    say("error", "no proceed from the room")
                    self.disconnect()
                    return
            self.media = Media(args, lambda sdp: self.loop.call_soon_threadsafe(self.send_initiate, sdp))
            self.media.start()

        def on_proceed(self, message):
            if message.xml.find(f"{{{JMI}}}proceed").get("id") != self.sid:
                return
            self.box = str(message["from"])
            say("proceed", self.box)
            self.proceeded.set()

        def on_reject(self, message):
            reject = message.xml.find(f"{{{JMI}}}reject")
            if reject is None or reject.get("id") != self.sid:
                return
            reason = reject.find(f"{{{JINGLE}}}reason")
            condition = reason[0].tag.split("}")[1] if reason is not None and len(reason) else "none"
            say("rejected", condition)
            self.exit_code = 2
            self.disconnect()

        def send_initiate(self, sdp):
            xml = self.mapper.offer_to_jingle(sdp, self.sid, str(self.boundjid), args.pin, args.relay_only)
            iq = self.make_iq_set(ito=self.box)
            iq.append(ET.fromstring(xml))
            iq.send(callback=self.on_initiate_reply)
            say("initiate-sent")

        def on_initiate_reply(self, reply):
            if reply["type"] == "error":
                say("initiate-error", reply["error"]["condition"])
                self.exit_code = 2
                self.disconnect()

        def on_jingle(self, iq):
            jingle = iq.xml.find(f"{{{JINGLE}}}jingle")
            if jingle.get("sid") != self.sid:
                return
            iq.reply().send()
            action = jingle.get("action")
            if action == "session-accept":
                self.media.apply_answer(self.mapper.accept_to_sdp(ET.tostring(jingle, encoding="unicode")))
                say("accepted")
                self.loop.call_later(args.duration, self.finish)
            elif action == "session-terminate":
                reason = jingle.find(f"{{{JINGLE}}}reason")
                condition = reason[0].tag.split("}")[1] if reason is not None and len(reason) else "none"
                say("terminated", condition)
                self.exit_code = 2
                self.disconnect()

        def finish(self):
            iq = self.make_iq_set(ito=self.box)
            jingle = ET.SubElement(iq.xml, f"{{{JINGLE}}}jingle", {"action": "session-terminate", "sid": self.sid})
            ET.SubElement(ET.SubElement(jingle, f"{{{JINGLE}}}reason"), f"{{{JINGLE}}}success")
            iq.send()
            self.exit_code = 0
            self.loop.call_later(1, self.disconnect)

    client = Presenter()
    host, _, port = args.server.partition(":")
    client.connect((host, int(port or 5222)))
    client.add_event_handler("disconnected", lambda _e: client.loop.stop())
    client.loop.call_later(args.duration + args.timeout + 30, client.loop.stop)  # never hang a test
    client.loop.run_forever()
    if client.media:
        client.media.stop()
    say("done")
    return client.exit_code


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--jid", help="the presenter's account, e.g. alice@example.net")
    parser.add_argument("--password")
    parser.add_argument("--server", default="127.0.0.1:5222", help="host:port of the XMPP server (STARTTLS)")
    parser.add_argument("--ca", help="PEM CA certificate to trust for the server")
    parser.add_argument("--room", help="the room's JID: <6-digit cloud ID>@<server domain>")
    parser.add_argument("--to-full", help="the box's full JID: skip XEP-0353 and send session-initiate there")
    parser.add_argument("--pin", default="", help="the room PIN shown on the box")
    parser.add_argument("--turn", default="", help="webrtcbin TURN server, e.g. turn://user:pass@10.200.0.3:3478")
    parser.add_argument("--relay-only", action="store_true", help="offer only relay candidates")
    parser.add_argument("--pattern", default="smpte")
    parser.add_argument("--width", type=int, default=640)
    parser.add_argument("--height", type=int, default=360)
    parser.add_argument("--duration", type=float, default=6.0, help="seconds to stream after the accept")
    parser.add_argument("--timeout", type=float, default=20.0, help="seconds to wait for the room")
    parser.add_argument("--tool", default=DEFAULT_TOOL, help="path of jingle_sdp_tool")
    parser.add_argument("--print-initiate", action="store_true", help="no XMPP: print the session-initiate's Jingle")
    args = parser.parse_args()
    Gst.init(None)
    if args.print_initiate:
        sys.exit(print_initiate(args))
    if not (args.jid and args.password and (args.room or args.to_full)):
        parser.error("--jid, --password and --room (or --to-full) are needed")
    sys.exit(run_xmpp(args))


if __name__ == "__main__":
    main()
