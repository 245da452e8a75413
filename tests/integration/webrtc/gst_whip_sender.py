#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""A WHIP sender built on GStreamer's webrtcbin, for presentd's integration tests.

Debian 12's GStreamer has no WHIP element, so this script does the WHIP HTTP exchange
(RFC 9725) itself: it POSTs webrtcbin's offer (after ICE gathering, all candidates inside) to the
endpoint, applies the answer, streams a test pattern, and DELETEs the session at the end.

With --ice-restart-after, it restarts ICE mid-stream the WHIP way (RFC 9725 §4.3.2): webrtcbin
1.22 has no ice-restart offer option, so the script restarts the libnice stream underneath
webrtcbin (new ufrag/pwd, the same sockets), PATCHes the sdpfrag with If-Match: "*" and applies
the 200 answer's credentials and candidates to that agent; RTP and DTLS keep their transport.

Prints one line per event on stdout ("offer-sent", "answer 201 <location>", "ice <state>",
"restart 200 <etag>", "restart-ready", "done") so the C++ test can follow it. Exit code 0 on a clean run, 2 when the endpoint refused
the offer (the status is printed), 1 on any other failure.
"""
import argparse
import re
import signal
import ssl
import sys
import threading
import urllib.error
import urllib.request

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstWebRTC", "1.0")
gi.require_version("GstSdp", "1.0")
gi.require_version("Nice", "0.1")
from gi.repository import GLib, Gst, GstSdp, GstWebRTC, Nice  # noqa: E402

ENCODERS = {
    "vp8": "vp8enc deadline=1 keyframe-max-dist=60 target-bitrate=1500000 ! rtpvp8pay pt=96 mtu=1200",
    "h264": "openh264enc gop-size=60 bitrate=1500000 ! h264parse ! "
            "rtph264pay pt=102 mtu=1200 config-interval=-1 aggregate-mode=zero-latency",
}


def say(*words):
    print(*words, flush=True)


def read_ivf_frames(path):
    """The frames of an IVF file (a 32-byte header, then a 12-byte header before each frame)."""
    with open(path, "rb") as f:
        data = f.read()
    frames, offset = [], int.from_bytes(data[6:8], "little")
    while offset + 12 <= len(data):
        size = int.from_bytes(data[offset:offset + 4], "little")
        frames.append(data[offset + 12:offset + 12 + size])
        offset += 12 + size
    return frames


class Sender:
    def __init__(self, args):
        self.args = args
        self.loop = GLib.MainLoop()
        self.location = None
        self.exit_code = 1
        caps = "video/x-raw,width={w},height={h},framerate=30/1".format(w=args.width, h=args.height)
        encoder = ENCODERS[args.codec].replace("1500000", str(args.bitrate))
        description = (
            f"videotestsrc is-live=true pattern={args.pattern} horizontal-speed={args.speed} ! {caps} ! "
            f"videoconvert ! queue ! {encoder} ! webrtcbin name=send bundle-policy=max-bundle"
        )
        if args.replay:
            # A stored VP8 stream (IVF) pushed at 30 frames/s and looped: the load of a 1080p
            # presenter without an encoder's CPU (benchmarks). It cannot make a keyframe on request:
            # the stream's own come every keyframe-max-dist frames.
            self.frames = read_ivf_frames(args.replay)
            self.next_frame = 0
            description = (
                f"appsrc name=replay is-live=true format=time do-timestamp=true "
                f"caps=video/x-vp8,width={args.width},height={args.height},framerate=30/1 ! "
                f"rtpvp8pay pt=96 mtu=1200 ! webrtcbin name=send bundle-policy=max-bundle"
            )
        if args.audio:
            # A live tone as Opus. The queue after the payloader holds packets back without touching
            # their timestamps, as a sender with a slow sound path does: the RTCP sender reports
            # still say when the sound was captured, so the box can tell the sound is late.
            delay_ns = int(args.audio_delay_ms * 1_000_000)
            description += (
                " audiotestsrc is-live=true wave=sine freq=440 ! audioconvert ! audioresample ! "
                "audio/x-raw,rate=48000,channels=2 ! opusenc ! rtpopuspay pt=111 ! "
                f"queue max-size-buffers=0 max-size-bytes=0 max-size-time=0 min-threshold-time={delay_ns} ! send."
            )
        self.pipeline = Gst.parse_launch(description)
        self.webrtc = self.pipeline.get_by_name("send")
        if args.replay:
            GLib.timeout_add(33, self.push_replay_frame)
        if args.turn:
            # The sender's own TURN server, e.g. turn://user:pass@10.200.0.1:3478.
            self.webrtc.set_property("turn-server", args.turn)
        if args.relay_only:
            # Gathers and uses relayed candidates only: every packet to the box goes via TURN.
            self.webrtc.set_property("ice-transport-policy", GstWebRTC.WebRTCICETransportPolicy.RELAY)
        if args.audio:
            # Sender reports map RTP time to the capture time, as browsers do (GStreamer's default
            # maps it to the send time, which would hide a slow sound path from the receiver).
            self.webrtc.get_by_name("rtpbin").set_property("rtcp-sync-send-time", False)
        self.webrtc.connect("on-negotiation-needed", self.on_negotiation_needed)
        if args.drop > 0:
            # Lose packets on the wire, after webrtcbin's RTX history (rtprtxsend) has seen them:
            # an element dropped before webrtcbin would never be retransmitted by anyone.
            self.webrtc.connect("request-aux-sender", self.make_lossy_link)
        self.webrtc.connect("notify::ice-gathering-state", self.on_gathering_state)
        self.webrtc.connect("notify::ice-connection-state", self.on_ice_state)

    def push_replay_frame(self):
        frame = self.frames[self.next_frame]
        self.next_frame = (self.next_frame + 1) % len(self.frames)
        self.pipeline.get_by_name("replay").emit("push-buffer", Gst.Buffer.new_wrapped(frame))
        return True

    # 1. offer, 2. wait for gathering to finish, 3. POST it.
    def make_lossy_link(self, _element, _dtls_transport):
        return Gst.ElementFactory.make_with_properties(
            "identity", ["drop-probability", "silent"], [self.args.drop, True])

    def on_negotiation_needed(self, element):
        for index in range(8):
            transceiver = element.emit("get-transceiver", index)
            if transceiver is None:
                break
            transceiver.set_property("direction", GstWebRTC.WebRTCRTPTransceiverDirection.SENDONLY)
            transceiver.set_property("do-nack", True)  # offer NACK + RTX, as browsers do
        promise = Gst.Promise.new_with_change_func(self.on_offer_created, element, None)
        element.emit("create-offer", None, promise)

    def on_offer_created(self, promise, element, _):
        reply = promise.get_reply()  # keep it alive while the description is used
        offer = reply.get_value("offer")
        element.emit("set-local-description", offer, Gst.Promise.new())

    def on_gathering_state(self, element, _pspec):
        if element.get_property("ice-gathering-state") == GstWebRTC.WebRTCICEGatheringState.COMPLETE:
            sdp = element.get_property("local-description").sdp.as_text()
            threading.Thread(target=self.post_offer, args=(self.mangle(sdp),), daemon=True).start()

    def mangle(self, sdp):
        if self.args.strip_candidates:  # what OBS sends: no candidates at all
            sdp = "".join(line for line in sdp.splitlines(True)
                          if not line.startswith(("a=candidate", "a=end-of-candidates")))
        if self.args.tamper_fingerprint:
            sdp = re.sub(r"(a=fingerprint:sha-256 )([0-9A-F]{2})",
                         lambda m: m.group(1) + ("00" if m.group(2) != "00" else "11"), sdp)
        return sdp

    def ssl_context(self):
        context = ssl.create_default_context(cafile=self.args.ca)
        context.check_hostname = False  # the box's self-signed certificate names its host, not this IP
        return context

    def request(self, method, url, body=None, content_type=None, headers=None):
        request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
        if content_type:
            request.add_header("Content-Type", content_type)
        if self.args.token:
            request.add_header("Authorization", "Bearer " + self.args.token)
        return urllib.request.urlopen(request, context=self.ssl_context(), timeout=10)

    def post_offer(self, sdp):
        if self.args.print_sdp:
            print(sdp, file=sys.stderr, flush=True)
        say("offer-sent")
        try:
            with self.request("POST", self.args.url, sdp.encode(), "application/sdp") as response:
                status = response.status
                self.location = response.headers["Location"]
                answer = response.read().decode()
        except urllib.error.HTTPError as error:
            say("answer", error.code, error.read().decode().strip())
            self.exit_code = 2
            GLib.idle_add(self.loop.quit)
            return
        except Exception as error:  # noqa: BLE001 - reported to the test
            say("error", repr(error))
            GLib.idle_add(self.loop.quit)
            return
        say("answer", status, self.location)
        if self.args.print_sdp:
            print(answer, file=sys.stderr, flush=True)
        GLib.idle_add(self.apply_answer, answer)

    def apply_answer(self, text):
        result, message = GstSdp.SDPMessage.new_from_text(text)
        if result != GstSdp.SDPResult.OK:
            say("error", "unparsable answer")
            self.loop.quit()
            return False
        answer = GstWebRTC.WebRTCSessionDescription.new(GstWebRTC.WebRTCSDPType.ANSWER, message)
        self.webrtc.emit("set-remote-description", answer, Gst.Promise.new())
        GLib.timeout_add(int(self.args.duration * 1000), self.finish)
        if self.args.ice_restart_after > 0:
            GLib.timeout_add(int(self.args.ice_restart_after * 1000), self.restart_ice)
        return False

    # ICE restart: new local credentials on webrtcbin's libnice stream, PATCH, apply the answer.
    def restart_ice(self):
        self.agent = self.webrtc.get_property("ice-agent").get_property("agent")
        self.stream = next(s for s in range(1, 9) if self.agent.get_local_credentials(s)[0])
        self.restarted = False
        self.agent.connect("component-state-changed", self.on_nice_state)
        if not self.agent.restart_stream(self.stream):
            say("error", "libnice refused to restart")
            return False
        _, ufrag, pwd = self.agent.get_local_credentials(self.stream)
        self.restarted = True
        offer = self.webrtc.get_property("local-description").sdp.as_text()
        media = re.search(r"^m=(\S+) \S+ (\S+) (.*)$", offer, re.M)
        mid = re.search(r"^a=mid:(\S+)", offer, re.M).group(1)
        lines = [f"a=ice-ufrag:{ufrag}", f"a=ice-pwd:{pwd}", f"m={media.group(1)} 9 {media.group(2)} {media.group(3).strip()}",
                 f"a=mid:{mid}"]
        for candidate in self.agent.get_local_candidates(self.stream, 1):
            lines.append(self.agent.generate_local_candidate_sdp(candidate))
        lines.append("a=end-of-candidates")
        threading.Thread(target=self.patch_restart, args=("\r\n".join(lines) + "\r\n",), daemon=True).start()
        return False

    def patch_restart(self, fragment):
        base = re.match(r"(https://[^/]+)", self.args.url).group(1)
        try:
            with self.request("PATCH", base + self.location, fragment.encode(), "application/trickle-ice-sdpfrag",
                              {"If-Match": "*"}) as response:
                status, etag, answer = response.status, response.headers["ETag"], response.read().decode()
        except urllib.error.HTTPError as error:
            say("restart", error.code, error.read().decode().strip())
            return
        say("restart", status, etag)
        GLib.idle_add(self.apply_restart_answer, answer)

    def apply_restart_answer(self, answer):
        ufrag = re.search(r"^a=ice-ufrag:(\S+)", answer, re.M).group(1)
        pwd = re.search(r"^a=ice-pwd:(\S+)", answer, re.M).group(1)
        self.agent.set_remote_credentials(self.stream, ufrag, pwd)
        candidates = [self.agent.parse_remote_candidate_sdp(self.stream, line)
                      for line in answer.splitlines() if line.startswith("a=candidate:")]
        added = self.agent.set_remote_candidates(self.stream, 1, [c for c in candidates if c is not None])
        self.agent.peer_candidate_gathering_done(self.stream)
        say("restart-answer-applied", added)
        return False

    def on_nice_state(self, _agent, stream, _component, state):
        if stream == self.stream and self.restarted:
            say("nice-state", Nice.component_state_to_string(state))
            if state == Nice.ComponentState.READY:
                say("restart-ready")

    def on_ice_state(self, element, _pspec):
        state = element.get_property("ice-connection-state")
        say("ice", state.value_nick)

    def finish(self):
        if self.finished:
            return False
        self.finished = True
        if self.location and not self.args.no_delete:
            base = re.match(r"(https://[^/]+)", self.args.url).group(1)
            try:
                with self.request("DELETE", base + self.location) as response:
                    say("deleted", response.status)
            except Exception as error:  # noqa: BLE001
                say("delete-failed", repr(error))
        self.exit_code = 0
        self.loop.quit()
        return False

    def run(self):
        self.pipeline.set_state(Gst.State.PLAYING)
        # The test sends SIGUSR2 once it has seen what it waited for: stop early, cleanly.
        self.finished = False
        GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGUSR2, self.finish)
        GLib.timeout_add(int((self.args.duration + 30) * 1000), self.loop.quit)  # never hang a test
        self.loop.run()
        self.pipeline.set_state(Gst.State.NULL)
        say("done")
        return self.exit_code


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", required=True, help="the WHIP endpoint, e.g. https://10.200.0.1:8443/whip")
    parser.add_argument("--ca", required=True, help="PEM certificate to trust (the box's)")
    parser.add_argument("--token", default="")
    parser.add_argument("--codec", choices=sorted(ENCODERS), default="vp8")
    parser.add_argument("--pattern", default="smpte", help="videotestsrc pattern, e.g. smpte, red, blue")
    parser.add_argument("--width", type=int, default=640)
    parser.add_argument("--height", type=int, default=360)
    parser.add_argument("--duration", type=float, default=6.0, help="seconds to stream after the answer")
    parser.add_argument("--bitrate", type=int, default=1500000, help="encoder target, bit/s")
    parser.add_argument("--speed", type=int, default=0, help="pixels per frame the pattern scrolls (motion)")
    parser.add_argument("--replay", default="", help="send this VP8 IVF file, looped, instead of encoding")
    parser.add_argument("--audio", action="store_true", help="also send a 440 Hz Opus tone")
    parser.add_argument("--audio-delay-ms", type=float, default=0.0,
                        help="hold the sound's packets back this long after capture (a slow sound path)")
    parser.add_argument("--drop", type=float, default=0.0, help="probability of dropping each RTP packet")
    parser.add_argument("--strip-candidates", action="store_true")
    parser.add_argument("--turn", default="", help="TURN server of the sender, turn://user:pass@host:port")
    parser.add_argument("--relay-only", action="store_true", help="ICE transport policy 'relay'")
    parser.add_argument("--tamper-fingerprint", action="store_true")
    parser.add_argument("--no-delete", action="store_true", help="end by vanishing, as a crashed sender would")
    parser.add_argument("--ice-restart-after", type=float, default=0.0,
                        help="seconds after the answer to restart ICE through a WHIP PATCH (0: never)")
    parser.add_argument("--print-sdp", action="store_true", help="print the offer and the answer on stderr")
    args = parser.parse_args()
    Gst.init(None)
    sys.exit(Sender(args).run())


if __name__ == "__main__":
    main()
