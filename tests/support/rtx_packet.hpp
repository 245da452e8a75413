// SPDX-License-Identifier: Apache-2.0
#pragma once
// Builds the RFC 4588 retransmission of an RTP packet, as a sender's RTX stream would send it:
// same header fields, the RTX payload type and SSRC, its own sequence number, and the original
// sequence number (OSN) in front of the original payload.
#include <cstdint>
#include <vector>

#include "presentd/rtp/rtp_packet.hpp"

namespace presentd::test {

inline std::vector<std::uint8_t> make_rtx_packet(const std::vector<std::uint8_t>& original,
                                                 std::uint8_t rtx_payload_type, std::uint32_t rtx_ssrc,
                                                 std::uint16_t rtx_sequence) {
  const auto parsed = rtp::RtpPacket::parse(original);
  std::vector<std::uint8_t> payload{static_cast<std::uint8_t>(parsed->sequence_number() >> 8),
                                    static_cast<std::uint8_t>(parsed->sequence_number())};
  payload.insert(payload.end(), parsed->payload().begin(), parsed->payload().end());
  return rtp::RtpPacketBuilder::from_packet(*parsed)
      .payload_type(rtx_payload_type)
      .ssrc(rtx_ssrc)
      .sequence_number(rtx_sequence)
      .payload(payload)
      .build();
}

}  // namespace presentd::test
