// SPDX-License-Identifier: Apache-2.0
#include "presentd/rtp/packet_classifier.hpp"

namespace presentd::rtp {

PacketKind classify_packet(std::span<const std::uint8_t> packet) {
  if (packet.empty()) return PacketKind::unknown;
  const std::uint8_t first = packet[0];
  if (first <= 3) return PacketKind::stun;
  if (first >= 20 && first <= 63) return PacketKind::dtls;
  if (first >= 128 && first <= 191) {
    // The second byte is needed to tell RTP from RTCP; a 1-byte datagram is neither.
    if (packet.size() < 2) return PacketKind::unknown;
    const std::uint8_t type = static_cast<std::uint8_t>(packet[1] & 0x7F);
    return (type >= 64 && type <= 95) ? PacketKind::rtcp : PacketKind::rtp;
  }
  return PacketKind::unknown;
}

const char* to_string(PacketKind kind) {
  switch (kind) {
    case PacketKind::stun: return "stun";
    case PacketKind::dtls: return "dtls";
    case PacketKind::rtp: return "rtp";
    case PacketKind::rtcp: return "rtcp";
    case PacketKind::unknown: return "unknown";
  }
  return "unknown";
}

}  // namespace presentd::rtp
