// SPDX-License-Identifier: Apache-2.0
#include "presentd/rtp/rtcp/remb.hpp"

#include <algorithm>
#include <limits>

namespace presentd::rtp::rtcp {
namespace {
constexpr std::uint32_t kIdentifier = 0x52454D42;  // "REMB"
constexpr std::uint32_t kMaxMantissa = (1u << 18) - 1;
constexpr std::size_t kMaxSsrcs = 255;
}  // namespace

std::optional<Remb> Remb::parse(const PacketView& packet) {
  if (packet.type != kTypePayloadFeedback || packet.count != kFmtApplicationLayer) return std::nullopt;
  ByteReader reader(packet.body);
  const auto header = read_feedback_header(reader);
  const auto identifier = reader.u32();
  const auto num_ssrc = reader.u8();
  const auto bitrate = reader.u24();
  if (!header || !identifier || !num_ssrc || !bitrate || *identifier != kIdentifier) return std::nullopt;
  const unsigned exponent = *bitrate >> 18;
  const std::uint64_t mantissa = *bitrate & kMaxMantissa;
  Remb remb;
  remb.sender_ssrc = header->sender_ssrc;
  // Exponents up to 63 fit the field; beyond 46 an 18-bit mantissa no longer fits 64 bits.
  remb.bitrate_bps = (mantissa > (std::numeric_limits<std::uint64_t>::max() >> exponent))
                         ? std::numeric_limits<std::uint64_t>::max()
                         : mantissa << exponent;
  if (reader.remaining() < static_cast<std::size_t>(*num_ssrc) * 4) return std::nullopt;
  for (unsigned i = 0; i < *num_ssrc; ++i) remb.ssrcs.push_back(*reader.u32());
  return remb;
}

void Remb::write(std::vector<std::uint8_t>& out) const {
  unsigned exponent = 0;
  std::uint64_t mantissa = bitrate_bps;
  while (mantissa > kMaxMantissa) {
    mantissa >>= 1;
    ++exponent;
  }
  const std::size_t count = std::min(ssrcs.size(), kMaxSsrcs);
  const std::size_t start = begin_packet(out, kFmtApplicationLayer, kTypePayloadFeedback);
  ByteWriter writer(out);
  writer.u32(sender_ssrc);
  writer.u32(0);
  writer.u32(kIdentifier);
  writer.u8(static_cast<std::uint8_t>(count));
  writer.u24(static_cast<std::uint32_t>((exponent << 18) | mantissa));
  for (std::size_t i = 0; i < count; ++i) writer.u32(ssrcs[i]);
  finish_packet(out, start);
}

}  // namespace presentd::rtp::rtcp
