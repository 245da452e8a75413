#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
# Manual check (../README.md): does this stack accept presentd's answer to its own offer?
import os
import asyncio, subprocess
from aiortc import RTCPeerConnection, RTCSessionDescription
from aiortc.mediastreams import AudioStreamTrack, VideoStreamTrack
async def main():
    pc = RTCPeerConnection()
    pc.addTransceiver(VideoStreamTrack(), direction='sendonly')
    pc.addTransceiver(AudioStreamTrack(), direction='sendonly')
    await pc.setLocalDescription(await pc.createOffer())
    open('/tmp/presentd_offer_aiortc.sdp', 'w').write(pc.localDescription.sdp)
    answer = subprocess.check_output([os.environ.get('SHOW_ANSWER', '/tmp/show_answer'), '/tmp/presentd_offer_aiortc.sdp']).decode()
    try:
        await pc.setRemoteDescription(RTCSessionDescription(sdp=answer, type='answer'))
        print('OK', pc.signalingState, [(t.mid, t.currentDirection, [c.mimeType for c in t._codecs]) for t in pc.getTransceivers()])
    except Exception as e:
        print('REJECTED', repr(e))
    await pc.close()
asyncio.run(main())
