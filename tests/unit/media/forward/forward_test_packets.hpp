// SPDX-License-Identifier: Apache-2.0
#pragma once
// Shared by the forwarding tests: presenter packets and the payloads that do or do not start a
// keyframe (each format's own parser in rtp/ decides; keyframe_gate_test.cpp covers it per case).
#include <cstdint>
#include <vector>

#include "presentd/rtp/rtp_packet.hpp"

namespace presentd::media::test {

using Bytes = std::vector<std::uint8_t>;

// VP8 (RFC 7741): descriptor S=1 PID=0, then a keyframe's tag (P=0), start code and 320x240.
inline const Bytes kVp8Keyframe = {0x10, 0x00, 0x00, 0x00, 0x9d, 0x01, 0x2a, 0x40, 0x01, 0xf0, 0x00};
inline const Bytes kVp8InterFrame = {0x10, 0x01, 0x00, 0x00, 0xAB};  // P=1
// H.264 (RFC 6184): NAL headers 0x65 IDR, 0x41 non-IDR slice; a first slice's data starts with
// bit 1 (first_mb_in_slice = 0).
inline const Bytes kH264Idr = {0x65, 0x88, 0x84};
inline const Bytes kH264Slice = {0x41, 0x9a, 0x02};

inline Bytes media_packet(std::uint32_t ssrc, std::uint8_t pt, std::uint16_t seq, std::uint32_t ts,
                          const Bytes& payload = kVp8InterFrame) {
  return rtp::RtpPacketBuilder()
      .ssrc(ssrc)
      .payload_type(pt)
      .sequence_number(seq)
      .timestamp(ts)
      .payload(payload)
      .build();
}

}  // namespace presentd::media::test
