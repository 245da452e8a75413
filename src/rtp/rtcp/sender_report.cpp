// SPDX-License-Identifier: Apache-2.0
#include "presentd/rtp/rtcp/sender_report.hpp"

#include <algorithm>

namespace presentd::rtp::rtcp {
std::optional<SenderReport> SenderReport::parse(const PacketView& packet) {
  if (packet.type != kTypeSenderReport) return std::nullopt;
  ByteReader reader(packet.body);
  SenderReport report;
  const auto ssrc = reader.u32();
  const auto ntp = reader.u64();
  const auto rtp = reader.u32();
  const auto packets = reader.u32();
  const auto octets = reader.u32();
  if (!octets) return std::nullopt;
  report.sender_ssrc = *ssrc;
  report.ntp_timestamp = *ntp;
  report.rtp_timestamp = *rtp;
  report.packet_count = *packets;
  report.octet_count = *octets;
  auto blocks = read_report_blocks(reader, packet.count);
  if (!blocks) return std::nullopt;
  report.report_blocks = std::move(*blocks);
  // Anything left is a profile-specific extension, which no profile we speak defines.
  return report;
}

void SenderReport::write(std::vector<std::uint8_t>& out) const {
  const std::size_t blocks = std::min(report_blocks.size(), kMaxReportBlocks);
  const std::size_t start = begin_packet(out, static_cast<std::uint8_t>(blocks), kTypeSenderReport);
  ByteWriter writer(out);
  writer.u32(sender_ssrc);
  writer.u64(ntp_timestamp);
  writer.u32(rtp_timestamp);
  writer.u32(packet_count);
  writer.u32(octet_count);
  for (std::size_t i = 0; i < blocks; ++i) report_blocks[i].write(out);
  finish_packet(out, start);
}

}  // namespace presentd::rtp::rtcp
