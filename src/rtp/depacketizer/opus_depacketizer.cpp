// SPDX-License-Identifier: Apache-2.0
#include "rtp/depacketizer/opus_depacketizer.hpp"

namespace presentd::rtp {

// RFC 7587 §4.2:
//   0                   1                   2                   3
//   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |                     RTP header (RFC 3550)                     |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |                  one Opus packet (RFC 6716)                   |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// An Opus packet has at least its TOC byte, so an empty payload is malformed (RFC 6716 §3.4 R1).
std::optional<PayloadInfo> OpusDepacketizer::inspect_payload(std::span<const std::uint8_t> payload) {
  if (payload.empty()) return std::nullopt;
  PayloadInfo info;
  info.frame_start = true;
  info.keyframe = true;
  return info;
}

std::optional<AssembledFrame> OpusDepacketizer::assemble(std::span<const std::span<const std::uint8_t>> payloads) {
  // One RTP packet is one Opus packet: a "frame" of any other count is a jitter-buffer mistake.
  if (payloads.size() != 1 || payloads[0].empty()) return std::nullopt;
  AssembledFrame frame;
  frame.bitstream.assign(payloads[0].begin(), payloads[0].end());
  frame.keyframe = true;
  return frame;
}

}  // namespace presentd::rtp
