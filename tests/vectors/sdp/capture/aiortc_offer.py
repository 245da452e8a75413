#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
# Prints the offer aiortc makes for a sendonly video track (and an Opus track with "audio").
# Usage: /usr/bin/python3 aiortc_offer.py [audio]
import asyncio
import sys
from aiortc import RTCPeerConnection
from aiortc.mediastreams import AudioStreamTrack, VideoStreamTrack


async def main():
    pc = RTCPeerConnection()
    pc.addTransceiver(VideoStreamTrack(), direction='sendonly')
    if len(sys.argv) > 1 and sys.argv[1] == 'audio':
        pc.addTransceiver(AudioStreamTrack(), direction='sendonly')
    await pc.setLocalDescription(await pc.createOffer())  # aiortc gathers before returning
    print(pc.localDescription.sdp, end='')
    await pc.close()


asyncio.run(main())
