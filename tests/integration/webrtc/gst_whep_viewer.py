#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""A WHEP viewer built on GStreamer's webrtcbin, for presentd's integration tests (issue 15).

Debian 12's GStreamer has no WHEP element, so this script does the WHEP HTTP exchange
(draft-ietf-wish-whep) itself: it offers recvonly transceivers (--videos video m-lines of one codec,
and Opus with --audio), POSTs the offer after ICE gathering, applies the answer, decodes what
arrives and DELETEs the viewer at the end. Nothing here was written for presentd's forwarding:
webrtcbin's own jitter buffer, depayloader and decoder must accept the box's packets.

Prints one line per event on stdout so the C++ test can follow it:
  "answer <status> <location or reason>", "ice <state>",
  "frame <m-line> <count> <mean R> <mean G> <mean B> <width>x<height> t=<CLOCK_MONOTONIC s>" every
  10th decoded picture and whenever the picture's main colour changes,
  "audio <count>" every 50th decoded audio buffer, "deleted <status>", "done"; with --no-decode
  "rtp <m-line> <count>" every 500th packet instead of frames and audio.
Exit code 0 on a clean run, 2 when the endpoint refused the offer, 1 on any other failure.
SIGUSR2 ends it early (the DELETE is still sent).
"""
import argparse
import random
import signal
import ssl
import threading
import time
import urllib.error
import urllib.request

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstWebRTC", "1.0")
gi.require_version("GstSdp", "1.0")
from gi.repository import GLib, Gst, GstSdp, GstWebRTC  # noqa: E402

VIDEO_CAPS = {
    "vp8": "application/x-rtp,media=video,encoding-name=VP8,payload=96,clock-rate=90000",
    "h264": "application/x-rtp,media=video,encoding-name=H264,payload=102,clock-rate=90000,"
            "packetization-mode=(string)1,profile-level-id=(string)42e01f",
}
AUDIO_CAPS = "application/x-rtp,media=audio,encoding-name=OPUS,payload=111,clock-rate=48000"


def say(*words):
    print(*words, flush=True)


class Viewer:
    def __init__(self, args):
        self.args = args
        self.loop = GLib.MainLoop()
        self.location = None
        self.exit_code = 1
        self.finished = False
        self.frames = {}
        self.colours = {}
        self.audio_buffers = 0
        self.pipeline = Gst.Pipeline.new("viewer")
        self.webrtc = Gst.ElementFactory.make("webrtcbin", "recv")
        self.webrtc.set_property("bundle-policy", GstWebRTC.WebRTCBundlePolicy.MAX_BUNDLE)
        self.pipeline.add(self.webrtc)
        recvonly = GstWebRTC.WebRTCRTPTransceiverDirection.RECVONLY
        if args.audio:
            self.webrtc.emit("add-transceiver", recvonly, Gst.Caps.from_string(AUDIO_CAPS))
        for _ in range(args.videos):
            transceiver = self.webrtc.emit("add-transceiver", recvonly, Gst.Caps.from_string(VIDEO_CAPS[args.codec]))
            transceiver.set_property("do-nack", True)
        self.webrtc.connect("on-negotiation-needed", self.on_negotiation_needed)
        self.webrtc.connect("notify::ice-gathering-state", self.on_gathering_state)
        self.webrtc.connect("notify::ice-connection-state", self.on_ice_state)
        self.webrtc.connect("pad-added", self.on_pad_added)

    def on_negotiation_needed(self, element):
        promise = Gst.Promise.new_with_change_func(self.on_offer_created, element, None)
        element.emit("create-offer", None, promise)

    def on_offer_created(self, promise, element, _):
        reply = promise.get_reply()
        element.emit("set-local-description", reply.get_value("offer"), Gst.Promise.new())

    def on_gathering_state(self, element, _pspec):
        if element.get_property("ice-gathering-state") == GstWebRTC.WebRTCICEGatheringState.COMPLETE:
            sdp = element.get_property("local-description").sdp.as_text()
            threading.Thread(target=self.post_offer, args=(sdp,), daemon=True).start()

    def request(self, method, url, body=None, content_type=None):
        request = urllib.request.Request(url, data=body, method=method)
        if content_type:
            request.add_header("Content-Type", content_type)
        if self.args.token:
            request.add_header("Authorization", "Bearer " + self.args.token)
        context = ssl.create_default_context(cafile=self.args.ca)
        context.check_hostname = False  # the box's self-signed certificate names its host, not this IP
        return urllib.request.urlopen(request, context=context, timeout=10)

    def post_offer(self, sdp):
        try:
            with self.request("POST", self.args.url, sdp.encode(), "application/sdp") as response:
                status = response.status
                self.location = response.headers["Location"]
                answer = response.read().decode()
        except urllib.error.HTTPError as error:
            retry = error.headers.get("Retry-After") or "-"
            say("answer", error.code, "retry-after", retry, error.read().decode().strip())
            self.exit_code = 2
            GLib.idle_add(self.loop.quit)
            return
        except Exception as error:  # noqa: BLE001 - reported to the test
            say("error", repr(error))
            GLib.idle_add(self.loop.quit)
            return
        say("answer", status, self.location)
        GLib.idle_add(self.apply_answer, answer)

    def apply_answer(self, text):
        result, message = GstSdp.SDPMessage.new_from_text(text)
        if result != GstSdp.SDPResult.OK:
            say("error", "unparsable answer")
            self.loop.quit()
            return False
        answer = GstWebRTC.WebRTCSessionDescription.new(GstWebRTC.WebRTCSDPType.ANSWER, message)
        self.webrtc.emit("set-remote-description", answer, Gst.Promise.new())
        if self.args.drop > 0:
            self.add_loss()
        GLib.timeout_add(int(self.args.duration * 1000), self.finish)
        return False

    def on_ice_state(self, element, _pspec):
        say("ice", element.get_property("ice-connection-state").value_nick)

    def on_pad_added(self, _element, pad):
        if pad.direction != Gst.PadDirection.SRC:
            return
        transceiver = pad.get_property("transceiver")
        line = transceiver.get_property("mlineindex") if transceiver is not None else -1
        if self.args.no_decode:
            # Load generation (bench/viewer_fanout_bench.py): webrtcbin's SRTP, jitter buffer and
            # RTCP feedback run, the pictures are not decoded.
            sink = Gst.ElementFactory.make("fakesink")
            sink.set_property("sync", False)
            sink.set_property("async", False)
            self.pipeline.add(sink)
            sink.sync_state_with_parent()
            sink.get_static_pad("sink").add_probe(Gst.PadProbeType.BUFFER, self.count_rtp, line)
            say("pad", line, pad.link(sink.get_static_pad("sink")).value_nick)
            return
        # As GStreamer's webrtc examples do: decodebin first, the rest once it knows the format.
        decoder = Gst.ElementFactory.make("decodebin")
        decoder.connect("pad-added", self.on_decoded_pad, line)
        self.pipeline.add(decoder)
        decoder.sync_state_with_parent()
        say("pad", line, pad.link(decoder.get_static_pad("sink")).value_nick)

    def count_rtp(self, _pad, _info, line):
        count = self.frames.get(line, 0) + 1
        self.frames[line] = count
        if count % 500 == 1:
            say("rtp", line, count)
        return Gst.PadProbeReturn.OK

    def on_decoded_pad(self, _decoder, pad, line):
        name = pad.get_current_caps().get_structure(0).get_name()
        if name.startswith("video/"):
            chain = "videoconvert ! video/x-raw,format=RGB ! appsink name=sink emit-signals=true sync=false"
            handler = self.on_video_sample
        elif name.startswith("audio/"):
            chain = "audioconvert ! appsink name=sink emit-signals=true sync=false"
            handler = self.on_audio_sample
        else:
            return
        bin_ = Gst.parse_bin_from_description(chain, True)
        bin_.get_by_name("sink").connect("new-sample", handler, line)
        self.pipeline.add(bin_)
        bin_.sync_state_with_parent()
        pad.link(bin_.get_static_pad("sink"))

    def on_video_sample(self, sink, line):
        sample = sink.emit("pull-sample")
        count = self.frames.get(line, 0) + 1
        self.frames[line] = count
        structure = sample.get_caps().get_structure(0)
        width, height = structure.get_value("width"), structure.get_value("height")
        buffer = sample.get_buffer()
        ok, info = buffer.map(Gst.MapFlags.READ)
        if not ok:
            return Gst.FlowReturn.OK
        data = info.data
        # Every 97th pixel of the picture is plenty for a solid test pattern's mean.
        sums = [0, 0, 0]
        samples = 0
        for offset in range(0, len(data) - 2, 97 * 3):
            sums[0] += data[offset]
            sums[1] += data[offset + 1]
            sums[2] += data[offset + 2]
            samples += 1
        buffer.unmap(info)
        mean = [round(total / max(samples, 1)) for total in sums]
        # Every 10th picture, and at once when the picture changes (a presenter switch): the time
        # is CLOCK_MONOTONIC, the test's steady clock, so it can time the switch.
        colour = max(range(3), key=lambda channel: mean[channel])
        if count % 10 == 0 or self.colours.get(line) != colour:
            self.colours[line] = colour
            say("frame", line, count, *mean, f"{width}x{height}", f"t={time.monotonic():.3f}")
        return Gst.FlowReturn.OK

    def on_audio_sample(self, sink, _line):
        sink.emit("pull-sample")
        self.audio_buffers += 1
        if self.audio_buffers % 50 == 0:
            say("audio", self.audio_buffers)
        return Gst.FlowReturn.OK

    def finish(self):
        if self.finished:
            return False
        self.finished = True
        if self.args.drop > 0:
            say("dropped", self.dropped)
        if self.location:
            base = "/".join(self.args.url.split("/")[:3])
            try:
                with self.request("DELETE", base + self.location) as response:
                    say("deleted", response.status)
            except Exception as error:  # noqa: BLE001
                say("delete-failed", repr(error))
        self.exit_code = 0
        self.loop.quit()
        return False

    # --drop: lose that share of the box's RTP on arrival, before SRTP and webrtcbin's jitter
    # buffer (a probe on libnice's source), so the viewer's NACKs must bring it back. STUN, DTLS
    # and RTCP pass: only media is lost, as on a lossy Wi-Fi link that still holds the call.
    def lose_media(self, _pad, info):
        buffer = info.get_buffer()
        if buffer is None or buffer.get_size() < 2:
            return Gst.PadProbeReturn.OK
        first = buffer.extract_dup(0, 2)
        is_rtp = 128 <= first[0] <= 191 and not 192 <= first[1] <= 223
        lossy = self.args.drop_for <= 0 or time.monotonic() < self.loss_started + self.args.drop_for
        if is_rtp and lossy and random.random() < self.args.drop:
            self.dropped += 1
            return Gst.PadProbeReturn.DROP
        return Gst.PadProbeReturn.OK

    # Called once the answer is applied: libnice's source exists since the offer was made.
    def add_loss(self):
        sources = []

        def collect(element):
            factory = element.get_factory()
            if factory is not None and factory.get_name() == "nicesrc":
                sources.append(element)

        self.webrtc.iterate_recurse().foreach(collect)
        self.loss_started = time.monotonic()
        for source in sources:
            source.get_static_pad("src").add_probe(Gst.PadProbeType.BUFFER, self.lose_media)
        say("loss", self.args.drop, "on", len(sources), "sources")

    def run(self):
        self.dropped = 0
        self.pipeline.set_state(Gst.State.PLAYING)
        GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGUSR2, self.finish)
        GLib.timeout_add(int((self.args.duration + 30) * 1000), self.loop.quit)  # never hang a test
        self.loop.run()
        self.pipeline.set_state(Gst.State.NULL)
        say("done")
        return self.exit_code


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", required=True, help="the WHEP endpoint, e.g. https://10.200.0.1:8443/whep")
    parser.add_argument("--ca", required=True, help="PEM certificate to trust (the box's)")
    parser.add_argument("--token", default="")
    parser.add_argument("--codec", choices=sorted(VIDEO_CAPS), default="vp8")
    parser.add_argument("--videos", type=int, default=1, help="video m-lines to offer")
    parser.add_argument("--audio", action="store_true", help="offer an Opus m-line too")
    parser.add_argument("--duration", type=float, default=20, help="seconds to watch before DELETE")
    parser.add_argument("--drop", type=float, default=0, help="share of the box's RTP packets to lose, e.g. 0.05")
    parser.add_argument("--drop-for", type=float, default=0, help="seconds the loss lasts (0: to the end)")
    parser.add_argument("--no-decode", action="store_true", help="count RTP packets, decode nothing (benchmarks)")
    args = parser.parse_args()
    Gst.init(None)
    return Viewer(args).run()


if __name__ == "__main__":
    raise SystemExit(main())
