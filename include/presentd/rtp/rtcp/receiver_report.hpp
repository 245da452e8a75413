// SPDX-License-Identifier: Apache-2.0
#pragma once
// RFC 3550 §6.4.2 receiver report (PT 201).
//   0                   1                   2                   3
//   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//  |V=2|P|    RC   |   PT=RR=201   |             length            |
//  |                     SSRC of packet sender                     |
//  |                 report blocks (RC x 24 bytes)                 |
//  |                  profile-specific extensions                  |
#include <cstdint>
#include <optional>
#include <vector>

#include "presentd/rtp/rtcp/report_block.hpp"
#include "presentd/rtp/rtcp/rtcp_packet.hpp"

namespace presentd::rtp::rtcp {

struct ReceiverReport {
  std::uint32_t sender_ssrc = 0;
  std::vector<ReportBlock> report_blocks;  // at most 31 are written

  bool operator==(const ReceiverReport&) const = default;

  [[nodiscard]] static std::optional<ReceiverReport> parse(const PacketView& packet);
  void write(std::vector<std::uint8_t>& out) const;
};

}  // namespace presentd::rtp::rtcp
