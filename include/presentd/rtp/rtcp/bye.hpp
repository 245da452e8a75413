// SPDX-License-Identifier: Apache-2.0
#pragma once
// RFC 3550 §6.6 goodbye (PT 203).
//   0                   1                   2                   3
//   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//  |V=2|P|    SC   |   PT=BYE=203  |             length            |
//  |                           SSRC/CSRC (SC of them)              |
//  |     length    |               reason for leaving            ...   (optional)
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "presentd/rtp/rtcp/rtcp_packet.hpp"

namespace presentd::rtp::rtcp {

struct Bye {
  std::vector<std::uint32_t> ssrcs;  // at most 31 are written
  std::string reason;                // at most 255 bytes are written

  bool operator==(const Bye&) const = default;

  [[nodiscard]] static std::optional<Bye> parse(const PacketView& packet);
  void write(std::vector<std::uint8_t>& out) const;
};

}  // namespace presentd::rtp::rtcp
