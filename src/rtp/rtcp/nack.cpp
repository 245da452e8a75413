// SPDX-License-Identifier: Apache-2.0
#include "presentd/rtp/rtcp/nack.hpp"

#include "presentd/common/sequence_number.hpp"

namespace presentd::rtp::rtcp {
namespace {
constexpr std::size_t kItemSize = 4;
constexpr std::uint16_t kBitmaskSpan = 16;
}  // namespace

std::vector<NackItem> make_nack_items(std::span<const std::uint16_t> sequence_numbers) {
  std::vector<NackItem> items;
  for (std::size_t i = 0; i < sequence_numbers.size();) {
    NackItem item{sequence_numbers[i], 0};
    ++i;
    // Greedily fold the following packets into this entry's bitmask while they are within 16.
    while (i < sequence_numbers.size()) {
      const std::uint16_t distance = forward_distance(item.pid, sequence_numbers[i]);
      if (distance == 0 || distance > kBitmaskSpan) break;
      item.blp = static_cast<std::uint16_t>(item.blp | (1u << (distance - 1)));
      ++i;
    }
    items.push_back(item);
  }
  return items;
}

Nack Nack::for_packets(std::uint32_t sender_ssrc, std::uint32_t media_ssrc,
                       std::span<const std::uint16_t> sequence_numbers) {
  return Nack{sender_ssrc, media_ssrc, make_nack_items(sequence_numbers)};
}

std::vector<std::uint16_t> Nack::sequence_numbers() const {
  std::vector<std::uint16_t> out;
  for (const NackItem& item : items) {
    out.push_back(item.pid);
    for (std::uint16_t bit = 0; bit < kBitmaskSpan; ++bit) {
      if (item.blp & (1u << bit)) out.push_back(static_cast<std::uint16_t>(item.pid + bit + 1));
    }
  }
  return out;
}

std::optional<Nack> Nack::parse(const PacketView& packet) {
  if (packet.type != kTypeRtpFeedback || packet.count != kFmtNack) return std::nullopt;
  ByteReader reader(packet.body);
  const auto header = read_feedback_header_and_fci(reader, kItemSize);
  if (!header) return std::nullopt;
  Nack nack{header->sender_ssrc, header->media_ssrc, {}};
  nack.items.reserve(reader.remaining() / kItemSize);
  while (!reader.empty()) {
    const auto pid = reader.u16();
    const auto blp = reader.u16();
    nack.items.push_back({*pid, *blp});
  }
  return nack;
}

void Nack::write(std::vector<std::uint8_t>& out) const {
  const std::size_t start = begin_packet(out, kFmtNack, kTypeRtpFeedback);
  ByteWriter writer(out);
  writer.u32(sender_ssrc);
  writer.u32(media_ssrc);
  for (const NackItem& item : items) {
    writer.u16(item.pid);
    writer.u16(item.blp);
  }
  finish_packet(out, start);
}

}  // namespace presentd::rtp::rtcp
