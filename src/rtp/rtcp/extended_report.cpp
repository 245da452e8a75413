// SPDX-License-Identifier: Apache-2.0
#include "presentd/rtp/rtcp/extended_report.hpp"

namespace presentd::rtp::rtcp {

std::optional<ExtendedReport> ExtendedReport::parse(const PacketView& packet) {
  if (packet.type != kTypeExtendedReport) return std::nullopt;
  ByteReader reader(packet.body);
  const auto ssrc = reader.u32();
  if (!ssrc) return std::nullopt;
  ExtendedReport report;
  report.sender_ssrc = *ssrc;
  while (!reader.empty()) {
    const auto type = reader.u8();
    const auto reserved = reader.u8();
    const auto words = reader.u16();
    if (!type || !reserved || !words) return std::nullopt;
    const auto block = reader.bytes(std::size_t{*words} * 4);
    if (!block) return std::nullopt;
    ByteReader contents(*block);
    if (*type == kBlockReceiverReferenceTime) {
      if (*words != 2) return std::nullopt;
      report.rrtr_ntp = contents.u64();
    } else if (*type == kBlockDlrr) {
      if (*words % 3 != 0) return std::nullopt;
      while (!contents.empty()) {
        const auto item_ssrc = contents.u32();
        const auto last_rr = contents.u32();
        const auto delay = contents.u32();
        report.dlrr.push_back(DlrrItem{*item_ssrc, *last_rr, *delay});  // lengths checked above
      }
    }
    // Any other block type: skipped whole by its length.
  }
  return report;
}

void ExtendedReport::write(std::vector<std::uint8_t>& out) const {
  const std::size_t start = begin_packet(out, 0, kTypeExtendedReport);
  ByteWriter writer(out);
  writer.u32(sender_ssrc);
  if (rrtr_ntp) {
    writer.u8(kBlockReceiverReferenceTime);
    writer.u8(0);
    writer.u16(2);
    writer.u64(*rrtr_ntp);
  }
  if (!dlrr.empty()) {
    writer.u8(kBlockDlrr);
    writer.u8(0);
    writer.u16(static_cast<std::uint16_t>(dlrr.size() * 3));
    for (const auto& item : dlrr) {
      writer.u32(item.ssrc);
      writer.u32(item.last_rr);
      writer.u32(item.delay_since_last_rr);
    }
  }
  finish_packet(out, start);
}

}  // namespace presentd::rtp::rtcp
