// SPDX-License-Identifier: Apache-2.0
#pragma once
// RFC 3550 §6.5 source description (PT 202). Only CNAME matters to a receiver (it ties the SSRCs of
// one participant together); every other item is skipped by its length.
//   0                   1                   2                   3
//   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//  |V=2|P|    SC   |  PT=SDES=202  |             length            |
//  |                          SSRC/CSRC_1                          |   chunk 1
//  |    CNAME=1    |     length    | user and domain name        ...
//  |  type=0 (end) | zero padding to the next 32-bit boundary      |
//  |                          SSRC/CSRC_2                          |   chunk 2 ...
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "presentd/rtp/rtcp/rtcp_packet.hpp"

namespace presentd::rtp::rtcp {

inline constexpr std::uint8_t kSdesItemEnd = 0;
inline constexpr std::uint8_t kSdesItemCname = 1;

struct SdesChunk {
  std::uint32_t ssrc = 0;
  std::string cname;  // empty when the chunk carries none
  bool operator==(const SdesChunk&) const = default;
};

struct Sdes {
  std::vector<SdesChunk> chunks;  // at most 31 are written

  bool operator==(const Sdes&) const = default;

  // nullopt when a chunk or item runs past the packet or a chunk lacks its end item.
  [[nodiscard]] static std::optional<Sdes> parse(const PacketView& packet);
  // Writes CNAME items (truncated to 255 bytes).
  void write(std::vector<std::uint8_t>& out) const;
};

}  // namespace presentd::rtp::rtcp
