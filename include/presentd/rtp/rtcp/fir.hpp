// SPDX-License-Identifier: Apache-2.0
#pragma once
// RFC 5104 §4.3.1 full intra request (PSFB, FMT 4). The media-source field is unused (zero); each
// FCI entry names the SSRC asked for a keyframe and a command sequence number that the requester
// increments per new request, so the sender can tell a repeat from a new request.
//   0                   1                   2                   3
//   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//  |V=2|P|  FMT=4  |    PT=206     |             length            |
//  |                  SSRC of packet sender                        |
//  |             SSRC of media source (unused, 0)                  |
//  |                              SSRC                             |   (repeated)
//  | Seq nr.       |    Reserved                                   |
#include <cstdint>
#include <optional>
#include <vector>

#include "presentd/rtp/rtcp/rtcp_packet.hpp"

namespace presentd::rtp::rtcp {

struct FirEntry {
  std::uint32_t ssrc = 0;
  std::uint8_t sequence_number = 0;
  bool operator==(const FirEntry&) const = default;
};

struct Fir {
  std::uint32_t sender_ssrc = 0;
  std::vector<FirEntry> entries;

  bool operator==(const Fir&) const = default;

  [[nodiscard]] static std::optional<Fir> parse(const PacketView& packet);
  void write(std::vector<std::uint8_t>& out) const;
};

}  // namespace presentd::rtp::rtcp
