#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Regenerates the captured vectors with GStreamer 1.22 (Debian 12). Each pipeline tees one encoder
# output: one branch writes every encoded frame to its own file (the elementary stream), the other
# runs the RTP payloader and writes every RTP packet to its own file. pack.py then joins each set
# into one record file. Needs gstreamer1.0-tools, -plugins-base, -plugins-good, -plugins-bad.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

capture() {  # name, encoder chain, payloader chain
  mkdir -p "$tmp/$1"
  # shellcheck disable=SC2086
  gst-launch-1.0 -q $2 ! tee name=t \
    t. ! queue ! multifilesink location="$tmp/$1/es%05d" \
    t. ! queue ! $3 ! identity ! multifilesink location="$tmp/$1/rtp%05d"
  python3 "$here/pack.py" "$here/$1.frames" "$tmp/$1"/es*
  python3 "$here/pack.py" "$here/$1.rtp" "$tmp/$1"/rtp*
}

video="videotestsrc num-buffers=12 pattern=smpte horizontal-speed=4 ! video/x-raw,width=320,height=240,framerate=30/1"
capture vp8 "$video ! vp8enc keyframe-max-dist=6 target-bitrate=300000 deadline=1" \
  "rtpvp8pay mtu=400 picture-id-mode=15-bit"
capture vp9 "$video ! vp9enc keyframe-max-dist=6 target-bitrate=300000 deadline=1" \
  "rtpvp9pay mtu=400 picture-id-mode=15-bit"
capture h264 "$video ! openh264enc gop-size=6 ! h264parse config-interval=-1 ! video/x-h264,stream-format=byte-stream,alignment=au" \
  "rtph264pay mtu=400 config-interval=0"
capture opus "audiotestsrc num-buffers=10 ! audio/x-raw,rate=48000,channels=2 ! opusenc" \
  "rtpopuspay"
# The same H.264 stream with SPS/PPS (and the AUD) aggregated into STAP-A packets, 8 frames.
capture h264_stap "$(echo "$video" | sed 's/num-buffers=12/num-buffers=8/') ! openh264enc gop-size=6 ! h264parse config-interval=-1 ! video/x-h264,stream-format=byte-stream,alignment=au" \
  "rtph264pay mtu=400 config-interval=0 aggregate-mode=zero-latency"
