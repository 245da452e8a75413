#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
# Manual check (../README.md): does this stack accept presentd's answer to its own offer?
import os
import subprocess
import gi
gi.require_version('Gst', '1.0'); gi.require_version('GstWebRTC', '1.0'); gi.require_version('GstSdp', '1.0')
from gi.repository import Gst, GstWebRTC, GstSdp, GLib
Gst.init(None)
pipe = Gst.parse_launch('webrtcbin name=w bundle-policy=max-bundle videotestsrc is-live=true ! videoconvert ! vp8enc deadline=1 ! rtpvp8pay pt=96 ! application/x-rtp,media=video ! w. '
                        'audiotestsrc is-live=true ! opusenc ! rtpopuspay pt=111 ! application/x-rtp,media=audio ! w.')
w = pipe.get_by_name('w'); loop = GLib.MainLoop(); state = {}
def on_remote(promise, _):
    r = promise.get_reply()
    print('REJECTED', r.get_value('error')) if r and r.has_field('error') else print('OK', w.get_property('signaling-state').value_nick)
    loop.quit()
def on_offer(promise, _):
    state['reply'] = promise.get_reply(); offer = state['reply'].get_value('offer')
    w.emit('set-local-description', offer, Gst.Promise.new())
    open('/tmp/presentd_offer_gst.sdp', 'w').write(offer.sdp.as_text())
    answer = subprocess.check_output([os.environ.get('SHOW_ANSWER', '/tmp/show_answer'), '/tmp/presentd_offer_gst.sdp']).decode()
    res, msg = GstSdp.SDPMessage.new_from_text(answer)
    desc = GstWebRTC.WebRTCSessionDescription.new(GstWebRTC.WebRTCSDPType.ANSWER, msg)
    w.emit('set-remote-description', desc, Gst.Promise.new_with_change_func(on_remote, None))
w.connect('on-negotiation-needed', lambda e: e.emit('create-offer', None, Gst.Promise.new_with_change_func(on_offer, None)))
pipe.set_state(Gst.State.PLAYING); GLib.timeout_add_seconds(10, loop.quit); loop.run(); pipe.set_state(Gst.State.NULL)
