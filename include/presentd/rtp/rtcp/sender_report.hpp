// SPDX-License-Identifier: Apache-2.0
#pragma once
// RFC 3550 §6.4.1 sender report (PT 200).
//   0                   1                   2                   3
//   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//  |V=2|P|    RC   |   PT=SR=200   |             length            |
//  |                         SSRC of sender                        |
//  |              NTP timestamp, most significant word             |
//  |             NTP timestamp, least significant word             |
//  |                         RTP timestamp                         |
//  |                     sender's packet count                     |
//  |                      sender's octet count                     |
//  |                 report blocks (RC x 24 bytes)                 |
//  |                  profile-specific extensions                  |
#include <cstdint>
#include <optional>
#include <vector>

#include "presentd/rtp/rtcp/report_block.hpp"
#include "presentd/rtp/rtcp/rtcp_packet.hpp"

namespace presentd::rtp::rtcp {

struct SenderReport {
  std::uint32_t sender_ssrc = 0;
  std::uint64_t ntp_timestamp = 0;
  std::uint32_t rtp_timestamp = 0;
  std::uint32_t packet_count = 0;
  std::uint32_t octet_count = 0;
  std::vector<ReportBlock> report_blocks;  // at most 31 are written

  bool operator==(const SenderReport&) const = default;
  // The middle 32 bits of the NTP timestamp, echoed as LSR in report blocks.
  std::uint32_t compact_ntp() const { return static_cast<std::uint32_t>(ntp_timestamp >> 16); }

  [[nodiscard]] static std::optional<SenderReport> parse(const PacketView& packet);
  void write(std::vector<std::uint8_t>& out) const;
};

}  // namespace presentd::rtp::rtcp
