#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""The baseline receiver of bench/whip_session_bench.py: a GStreamer webrtcbin pipeline that
receives and decodes one WHIP sender's VP8 the way a GStreamer application would
(webrtcbin ! rtpvp8depay ! <decoder> ! fakesink), behind a minimal HTTPS WHIP endpoint so the same
sender (tests/integration/webrtc/gst_whip_sender.py) can publish to it unchanged.

POST /whip answers 201 with webrtcbin's answer after ICE gathering; DELETE /whip/1 ends it.
GET /frames returns the number of pictures decoded so far (a pad probe after the decoder).
Prints "listening" when ready. Run with /usr/bin/python3 (GStreamer bindings).
"""
import argparse
import http.server
import ssl
import sys
import threading

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstWebRTC", "1.0")
gi.require_version("GstSdp", "1.0")
from gi.repository import GLib, Gst, GstSdp, GstWebRTC  # noqa: E402


class Receiver:
    def __init__(self, decoder):
        self.decoder = decoder
        self.pipeline = None
        self.frames = 0
        self.answer = None
        self.answered = threading.Event()

    def start(self, offer_text):
        """Main loop: build the pipeline for one offer; the answer arrives in self.answer."""
        self.pipeline = Gst.Pipeline.new("receiver")
        self.webrtc = Gst.ElementFactory.make("webrtcbin", "recv")
        self.webrtc.set_property("bundle-policy", GstWebRTC.WebRTCBundlePolicy.MAX_BUNDLE)
        self.pipeline.add(self.webrtc)
        self.webrtc.connect("pad-added", self.on_pad_added)
        self.webrtc.connect("notify::ice-gathering-state", self.on_gathering_state)
        self.pipeline.set_state(Gst.State.PLAYING)
        _, message = GstSdp.SDPMessage.new_from_text(offer_text)
        offer = GstWebRTC.WebRTCSessionDescription.new(GstWebRTC.WebRTCSDPType.OFFER, message)
        promise = Gst.Promise.new_with_change_func(self.on_offer_set, None, None)
        self.webrtc.emit("set-remote-description", offer, promise)
        return False

    def on_offer_set(self, promise, _a, _b):
        promise.wait()
        self.webrtc.emit("create-answer", None, Gst.Promise.new_with_change_func(self.on_answer_created, None, None))

    def on_answer_created(self, promise, _a, _b):
        reply = promise.get_reply()  # keep it alive while the description is used
        answer = reply.get_value("answer")
        self.webrtc.emit("set-local-description", answer, Gst.Promise.new())

    def on_gathering_state(self, element, _pspec):
        if element.get_property("ice-gathering-state") == GstWebRTC.WebRTCICEGatheringState.COMPLETE:
            self.answer = element.get_property("local-description").sdp.as_text()
            self.answered.set()

    def on_pad_added(self, _element, pad):
        if pad.get_direction() != Gst.PadDirection.SRC:
            return
        caps = pad.get_current_caps() or pad.query_caps(None)
        if "VP8" not in caps.to_string():
            sink = Gst.ElementFactory.make("fakesink")
            self.pipeline.add(sink)
            sink.sync_state_with_parent()
            pad.link(sink.get_static_pad("sink"))
            return
        branch = Gst.parse_bin_from_description(
            f"queue ! rtpvp8depay ! {self.decoder} name=decoder ! fakesink sync=false", True)
        self.pipeline.add(branch)
        branch.sync_state_with_parent()
        pad.link(branch.get_static_pad("sink"))
        branch.get_by_name("decoder").get_static_pad("src").add_probe(Gst.PadProbeType.BUFFER, self.count)

    def count(self, _pad, _info):
        self.frames += 1
        return Gst.PadProbeReturn.OK

    def stop(self):
        if self.pipeline:
            self.pipeline.set_state(Gst.State.NULL)
            self.pipeline = None
        return False


def make_handler(receiver):
    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def reply(self, status, body=b"", headers=None):
            self.send_response(status)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self):
            offer = self.rfile.read(int(self.headers["Content-Length"])).decode()
            receiver.answered.clear()
            GLib.idle_add(receiver.start, offer)
            if not receiver.answered.wait(10):
                return self.reply(503, b"no answer")
            self.reply(201, receiver.answer.encode(),
                       {"Content-Type": "application/sdp", "Location": "/whip/1", "ETag": '"1"'})

        def do_DELETE(self):
            GLib.idle_add(receiver.stop)
            self.reply(200)

        def do_GET(self):
            self.reply(200, str(receiver.frames).encode(), {"Content-Type": "text/plain"})

    return Handler


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--address", required=True)
    parser.add_argument("--port", type=int, default=8444)
    parser.add_argument("--certificate", required=True, help="PEM certificate for HTTPS")
    parser.add_argument("--key", required=True)
    parser.add_argument("--decoder", default="vp8dec", help="vp8dec (libvpx) or avdec_vp8 (FFmpeg)")
    args = parser.parse_args()
    Gst.init(None)
    receiver = Receiver(args.decoder)
    server = http.server.ThreadingHTTPServer((args.address, args.port), make_handler(receiver))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(args.certificate, args.key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print("listening", flush=True)
    loop = GLib.MainLoop()
    try:
        loop.run()
    except KeyboardInterrupt:
        pass
    receiver.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
