// SPDX-License-Identifier: Apache-2.0
#pragma once
// RFC 4585 §6.3.1 picture loss indication (PSFB, FMT 1): the common feedback header and no FCI.
//   0                   1                   2                   3
//   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//  |V=2|P|  FMT=1  |    PT=206     |          length=2             |
//  |                  SSRC of packet sender                        |
//  |                  SSRC of media source                         |
#include <cstdint>
#include <optional>
#include <vector>

#include "presentd/rtp/rtcp/rtcp_packet.hpp"

namespace presentd::rtp::rtcp {

struct Pli {
  std::uint32_t sender_ssrc = 0;
  std::uint32_t media_ssrc = 0;

  bool operator==(const Pli&) const = default;

  [[nodiscard]] static std::optional<Pli> parse(const PacketView& packet);
  void write(std::vector<std::uint8_t>& out) const;
};

}  // namespace presentd::rtp::rtcp
