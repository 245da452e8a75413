// SPDX-License-Identifier: Apache-2.0
#include "presentd/rtp/rtcp/bye.hpp"

#include <algorithm>

namespace presentd::rtp::rtcp {
namespace {
constexpr std::size_t kMaxSsrcs = 31;  // SC has 5 bits
constexpr std::size_t kMaxReasonLength = 255;
}  // namespace

std::optional<Bye> Bye::parse(const PacketView& packet) {
  if (packet.type != kTypeBye) return std::nullopt;
  ByteReader reader(packet.body);
  Bye bye;
  for (std::size_t i = 0; i < packet.count; ++i) {
    const auto ssrc = reader.u32();
    if (!ssrc) return std::nullopt;
    bye.ssrcs.push_back(*ssrc);
  }
  // The reason is optional; when its length byte is present the text must fit.
  if (const auto length = reader.u8(); length && *length > 0) {
    const auto text = reader.bytes(*length);
    if (!text) return std::nullopt;
    bye.reason.assign(text->begin(), text->end());
  }
  return bye;
}

void Bye::write(std::vector<std::uint8_t>& out) const {
  const std::size_t count = std::min(ssrcs.size(), kMaxSsrcs);
  const std::size_t start = begin_packet(out, static_cast<std::uint8_t>(count), kTypeBye);
  ByteWriter writer(out);
  for (std::size_t i = 0; i < count; ++i) writer.u32(ssrcs[i]);
  if (!reason.empty()) {
    const std::size_t length = std::min(reason.size(), kMaxReasonLength);
    writer.u8(static_cast<std::uint8_t>(length));
    writer.bytes({reinterpret_cast<const std::uint8_t*>(reason.data()), length});
  }
  finish_packet(out, start);
}

}  // namespace presentd::rtp::rtcp
