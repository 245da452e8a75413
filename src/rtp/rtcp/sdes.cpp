// SPDX-License-Identifier: Apache-2.0
#include "presentd/rtp/rtcp/sdes.hpp"

#include <algorithm>

namespace presentd::rtp::rtcp {
namespace {
constexpr std::size_t kMaxChunks = 31;  // SC has 5 bits
constexpr std::size_t kMaxItemLength = 255;

// Reads one chunk starting at a 32-bit boundary of the body; leaves the reader on the next one.
std::optional<SdesChunk> read_chunk(ByteReader& reader) {
  const std::size_t chunk_start = reader.offset();
  const auto ssrc = reader.u32();
  if (!ssrc) return std::nullopt;
  SdesChunk chunk{*ssrc, {}};
  for (;;) {
    const auto type = reader.u8();
    if (!type) return std::nullopt;
    if (*type == kSdesItemEnd) break;
    const auto length = reader.u8();
    if (!length) return std::nullopt;
    const auto text = reader.bytes(*length);
    if (!text) return std::nullopt;
    if (*type == kSdesItemCname) chunk.cname.assign(text->begin(), text->end());
  }
  // The end item is followed by zeros up to the next 32-bit boundary (§6.5).
  const std::size_t used = reader.offset() - chunk_start;
  if (!reader.skip((4 - used % 4) % 4)) return std::nullopt;
  return chunk;
}
}  // namespace

std::optional<Sdes> Sdes::parse(const PacketView& packet) {
  if (packet.type != kTypeSdes) return std::nullopt;
  ByteReader reader(packet.body);
  Sdes sdes;
  for (std::size_t i = 0; i < packet.count; ++i) {
    auto chunk = read_chunk(reader);
    if (!chunk) return std::nullopt;
    sdes.chunks.push_back(std::move(*chunk));
  }
  return sdes;
}

void Sdes::write(std::vector<std::uint8_t>& out) const {
  const std::size_t count = std::min(chunks.size(), kMaxChunks);
  const std::size_t start = begin_packet(out, static_cast<std::uint8_t>(count), kTypeSdes);
  ByteWriter writer(out);
  for (std::size_t i = 0; i < count; ++i) {
    const SdesChunk& chunk = chunks[i];
    const std::size_t chunk_start = writer.size();
    writer.u32(chunk.ssrc);
    if (!chunk.cname.empty()) {
      const std::size_t length = std::min(chunk.cname.size(), kMaxItemLength);
      writer.u8(kSdesItemCname);
      writer.u8(static_cast<std::uint8_t>(length));
      writer.bytes({reinterpret_cast<const std::uint8_t*>(chunk.cname.data()), length});
    }
    // The end item plus padding: at least one zero byte, up to the next 32-bit boundary.
    writer.u8(kSdesItemEnd);
    writer.zeros((4 - (writer.size() - chunk_start) % 4) % 4);
  }
  finish_packet(out, start);
}

}  // namespace presentd::rtp::rtcp
