// SPDX-License-Identifier: Apache-2.0
#include "presentd/rtp/rtcp/fir.hpp"

namespace presentd::rtp::rtcp {
namespace {
constexpr std::size_t kEntrySize = 8;
}  // namespace

std::optional<Fir> Fir::parse(const PacketView& packet) {
  if (packet.type != kTypePayloadFeedback || packet.count != kFmtFir) return std::nullopt;
  ByteReader reader(packet.body);
  const auto header = read_feedback_header_and_fci(reader, kEntrySize);
  if (!header) return std::nullopt;
  Fir fir{header->sender_ssrc, {}};
  fir.entries.reserve(reader.remaining() / kEntrySize);
  while (!reader.empty()) {
    const auto ssrc = reader.u32();
    const auto seq = reader.u8();
    reader.skip(3);  // reserved; the entry size was checked above
    fir.entries.push_back({*ssrc, *seq});
  }
  return fir;
}

void Fir::write(std::vector<std::uint8_t>& out) const {
  const std::size_t start = begin_packet(out, kFmtFir, kTypePayloadFeedback);
  ByteWriter writer(out);
  writer.u32(sender_ssrc);
  writer.u32(0);
  for (const FirEntry& entry : entries) {
    writer.u32(entry.ssrc);
    writer.u8(entry.sequence_number);
    writer.zeros(3);
  }
  finish_packet(out, start);
}

}  // namespace presentd::rtp::rtcp
