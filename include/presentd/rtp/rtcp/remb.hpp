// SPDX-License-Identifier: Apache-2.0
#pragma once
// Receiver estimated maximum bitrate, draft-alvestrand-rmcat-remb-03 §2.2: an application-layer
// feedback message (PSFB, FMT 15) tagged with the ASCII identifier "REMB".
//   0                   1                   2                   3
//   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//  |V=2|P| FMT=15  |   PT=206      |             length            |
//  |                  SSRC of packet sender                        |
//  |                  SSRC of media source (0)                     |
//  |  Unique identifier 'R' 'E' 'M' 'B'                            |
//  |  Num SSRC     | BR Exp    |  BR Mantissa                      |
//  |   SSRC feedback (Num SSRC of them)                            |
// The bitrate is mantissa * 2^exp bits per second.
#include <cstdint>
#include <optional>
#include <vector>

#include "presentd/rtp/rtcp/rtcp_packet.hpp"

namespace presentd::rtp::rtcp {

struct Remb {
  std::uint32_t sender_ssrc = 0;
  std::uint64_t bitrate_bps = 0;
  std::vector<std::uint32_t> ssrcs;  // at most 255 are written

  bool operator==(const Remb&) const = default;

  // nullopt also for other application-layer messages (wrong identifier). A bitrate that does not
  // fit 64 bits saturates.
  [[nodiscard]] static std::optional<Remb> parse(const PacketView& packet);
  // The bitrate is rounded down to what an 18-bit mantissa can express.
  void write(std::vector<std::uint8_t>& out) const;
};

}  // namespace presentd::rtp::rtcp
