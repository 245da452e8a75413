// SPDX-License-Identifier: Apache-2.0
#include "presentd/rtp/rtcp/receiver_report.hpp"

#include <algorithm>

namespace presentd::rtp::rtcp {
std::optional<ReceiverReport> ReceiverReport::parse(const PacketView& packet) {
  if (packet.type != kTypeReceiverReport) return std::nullopt;
  ByteReader reader(packet.body);
  const auto ssrc = reader.u32();
  if (!ssrc) return std::nullopt;
  auto blocks = read_report_blocks(reader, packet.count);
  if (!blocks) return std::nullopt;
  return ReceiverReport{*ssrc, std::move(*blocks)};
}

void ReceiverReport::write(std::vector<std::uint8_t>& out) const {
  const std::size_t blocks = std::min(report_blocks.size(), kMaxReportBlocks);
  const std::size_t start = begin_packet(out, static_cast<std::uint8_t>(blocks), kTypeReceiverReport);
  ByteWriter(out).u32(sender_ssrc);
  for (std::size_t i = 0; i < blocks; ++i) report_blocks[i].write(out);
  finish_packet(out, start);
}

}  // namespace presentd::rtp::rtcp
