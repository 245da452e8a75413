// SPDX-License-Identifier: Apache-2.0
#include "presentd/rtp/rtp_packet.hpp"

#include <algorithm>

#include "presentd/common/byte_reader.hpp"
#include "presentd/common/byte_writer.hpp"

namespace presentd::rtp {
namespace {
constexpr std::uint8_t kRtpVersion = 2;
}  // namespace

// RFC 3550 §5.1 fixed header, then CSRCs, then the §5.3.1 extension:
//   0                   1                   2                   3
//   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//  |V=2|P|X|  CC   |M|     PT      |       sequence number         |
//  |                           timestamp                           |
//  |           synchronization source (SSRC) identifier            |
//  |            contributing source (CSRC) identifiers (CC)        |
//  |      defined by profile       |           length              |  (if X)
//  |                  header extension (length words)              |
//  |  payload ...                  | padding ...   | pad count     |  (if P)
std::optional<RtpPacket> RtpPacket::parse(std::span<const std::uint8_t> data) {
  ByteReader reader(data);
  const auto b0 = reader.u8();
  const auto b1 = reader.u8();
  const auto seq = reader.u16();
  const auto ts = reader.u32();
  const auto ssrc = reader.u32();
  if (!ssrc) return std::nullopt;
  if ((*b0 >> 6) != kRtpVersion) return std::nullopt;

  RtpPacket packet;
  packet.data_ = data;
  const bool has_padding = (*b0 & 0x20) != 0;
  packet.has_extension_ = (*b0 & 0x10) != 0;
  packet.csrc_count_ = static_cast<std::uint8_t>(*b0 & 0x0F);
  packet.marker_ = (*b1 & 0x80) != 0;
  packet.payload_type_ = static_cast<std::uint8_t>(*b1 & 0x7F);
  packet.sequence_number_ = *seq;
  packet.timestamp_ = *ts;
  packet.ssrc_ = *ssrc;
  for (std::size_t i = 0; i < packet.csrc_count_; ++i) {
    const auto csrc = reader.u32();
    if (!csrc) return std::nullopt;
    packet.csrcs_[i] = *csrc;
  }
  if (packet.has_extension_) {
    const auto profile = reader.u16();
    const auto words = reader.u16();
    if (!words) return std::nullopt;
    const auto block = reader.bytes(static_cast<std::size_t>(*words) * 4);
    if (!block) return std::nullopt;
    packet.extension_profile_ = *profile;
    packet.extension_block_ = *block;
    if (!validate_extension_block(extension_format(*profile), *block)) return std::nullopt;
  }
  packet.header_size_ = reader.offset();
  std::span<const std::uint8_t> rest = reader.rest();
  if (has_padding) {
    // The count includes itself, so 0 is invalid, and it may not reach into the header.
    if (rest.empty()) return std::nullopt;
    const std::size_t count = rest.back();
    if (count == 0 || count > rest.size()) return std::nullopt;
    packet.padding_size_ = count;
    rest = rest.first(rest.size() - count);
  }
  packet.payload_ = rest;
  return packet;
}

std::optional<std::span<const std::uint8_t>> RtpPacket::find_extension(std::uint8_t id) const {
  if (id == 0) return std::nullopt;
  HeaderExtensionReader reader = extensions();
  while (const auto element = reader.next()) {
    if (element->id == id) return element->data;
  }
  return std::nullopt;
}

RtpPacketBuilder RtpPacketBuilder::from_packet(const RtpPacket& packet) {
  RtpPacketBuilder builder;
  builder.marker(packet.marker())
      .payload_type(packet.payload_type())
      .sequence_number(packet.sequence_number())
      .timestamp(packet.timestamp())
      .ssrc(packet.ssrc())
      .csrcs(packet.csrcs())
      .payload(packet.payload());
  HeaderExtensionReader reader = packet.extensions();
  while (const auto element = reader.next()) builder.add_extension(element->id, element->data);
  return builder;
}

RtpPacketBuilder& RtpPacketBuilder::csrcs(std::span<const std::uint32_t> csrcs) {
  csrcs_.assign(csrcs.begin(), csrcs.begin() + static_cast<std::ptrdiff_t>(std::min(csrcs.size(), kMaxCsrcs)));
  return *this;
}

RtpPacketBuilder& RtpPacketBuilder::add_extension(std::uint8_t id, std::span<const std::uint8_t> data) {
  if (id != 0 && data.size() <= 255) extensions_.push_back({id, {data.begin(), data.end()}});
  return *this;
}

RtpPacketBuilder& RtpPacketBuilder::payload(std::span<const std::uint8_t> payload) {
  payload_.assign(payload.begin(), payload.end());
  return *this;
}

std::vector<std::uint8_t> RtpPacketBuilder::build() const {
  std::vector<std::uint8_t> out;
  out.reserve(kRtpFixedHeaderSize + csrcs_.size() * 4 + payload_.size() + padding_ + 64);
  ByteWriter writer(out);
  const bool has_extension = !extensions_.empty();
  writer.u8(static_cast<std::uint8_t>((kRtpVersion << 6) | (padding_ ? 0x20 : 0) | (has_extension ? 0x10 : 0) |
                                      csrcs_.size()));
  writer.u8(static_cast<std::uint8_t>((marker_ ? 0x80 : 0) | payload_type_));
  writer.u16(sequence_number_);
  writer.u32(timestamp_);
  writer.u32(ssrc_);
  for (const std::uint32_t csrc : csrcs_) writer.u32(csrc);
  if (has_extension) {
    const bool one_byte = std::all_of(extensions_.begin(), extensions_.end(), [](const Element& e) {
      return e.id <= 14 && !e.data.empty() && e.data.size() <= 16;
    });
    writer.u16(one_byte ? kOneByteExtensionProfile : kTwoByteExtensionProfile);
    const std::size_t length_offset = writer.size();
    writer.u16(0);
    const std::size_t block_start = writer.size();
    for (const Element& e : extensions_) {
      if (one_byte) {
        writer.u8(static_cast<std::uint8_t>((e.id << 4) | (e.data.size() - 1)));
      } else {
        writer.u8(e.id);
        writer.u8(static_cast<std::uint8_t>(e.data.size()));
      }
      writer.bytes(e.data);
    }
    // Pad the block to whole 32-bit words with zero (padding) bytes.
    writer.zeros((4 - (writer.size() - block_start) % 4) % 4);
    writer.patch_u16(length_offset, static_cast<std::uint16_t>((writer.size() - block_start) / 4));
  }
  writer.bytes(payload_);
  if (padding_ > 0) {
    writer.zeros(padding_ - 1u);
    writer.u8(padding_);
  }
  return out;
}

}  // namespace presentd::rtp
