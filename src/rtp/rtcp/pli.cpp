// SPDX-License-Identifier: Apache-2.0
#include "presentd/rtp/rtcp/pli.hpp"

namespace presentd::rtp::rtcp {

std::optional<Pli> Pli::parse(const PacketView& packet) {
  if (packet.type != kTypePayloadFeedback || packet.count != kFmtPli) return std::nullopt;
  ByteReader reader(packet.body);
  const auto header = read_feedback_header(reader);
  if (!header) return std::nullopt;
  return Pli{header->sender_ssrc, header->media_ssrc};
}

void Pli::write(std::vector<std::uint8_t>& out) const {
  const std::size_t start = begin_packet(out, kFmtPli, kTypePayloadFeedback);
  ByteWriter writer(out);
  writer.u32(sender_ssrc);
  writer.u32(media_ssrc);
  finish_packet(out, start);
}

}  // namespace presentd::rtp::rtcp
