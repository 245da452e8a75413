#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
# Prints the offer GStreamer's webrtcbin makes for a sendonly video (and optionally Opus) stream,
# after ICE gathering completes. Usage: /usr/bin/python3 gst_offer.py vp8|h264 [audio]
import sys
import gi
gi.require_version('Gst', '1.0')
gi.require_version('GstWebRTC', '1.0')
gi.require_version('GstSdp', '1.0')
from gi.repository import Gst, GstWebRTC, GstSdp, GLib  # noqa: E402

Gst.init(None)
codec = sys.argv[1] if len(sys.argv) > 1 else 'vp8'
audio = len(sys.argv) > 2 and sys.argv[2] == 'audio'
enc = {
    'vp8': 'vp8enc deadline=1 ! rtpvp8pay pt=96',
    'h264': 'openh264enc ! h264parse ! rtph264pay pt=102 config-interval=-1',
}[codec]
desc = f'webrtcbin name=w bundle-policy=max-bundle videotestsrc is-live=true ! videoconvert ! {enc} ! ' \
       'application/x-rtp,media=video ! w.'
if audio:
    desc += ' audiotestsrc is-live=true ! opusenc ! rtpopuspay pt=111 ! application/x-rtp,media=audio ! w.'
pipe = Gst.parse_launch(desc)
w = pipe.get_by_name('w')
loop = GLib.MainLoop()
state = {}


def on_gathering(element, _pspec):
    if element.get_property('ice-gathering-state') == GstWebRTC.WebRTCICEGatheringState.COMPLETE:
        print(element.get_property('local-description').sdp.as_text(), end='')
        loop.quit()


def on_offer(promise, _):
    state['reply'] = promise.get_reply()  # keep alive while the offer is used
    offer = state['reply'].get_value('offer')
    w.emit('set-local-description', offer, Gst.Promise.new())


def on_negotiation_needed(element):
    element.emit('create-offer', None, Gst.Promise.new_with_change_func(on_offer, None))


w.connect('on-negotiation-needed', on_negotiation_needed)
w.connect('notify::ice-gathering-state', on_gathering)
pipe.set_state(Gst.State.PLAYING)
GLib.timeout_add_seconds(15, loop.quit)
loop.run()
pipe.set_state(Gst.State.NULL)
