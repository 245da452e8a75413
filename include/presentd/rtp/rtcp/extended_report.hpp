// SPDX-License-Identifier: Apache-2.0
#pragma once
// RFC 3611 RTCP extended reports (XR, PT=207), the two blocks a receiver needs to measure the
// round trip to a sender it sends no media to: the Receiver Reference Time block (§4.4), which
// we send, and the DLRR block (§4.5), with which the sender echoes it. Other block types are
// skipped by their length.
//
//   0                   1                   2                   3
//   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//  |V=2|P|reserved |   PT=XR=207   |             length            |
//  |                              SSRC                             |
//  :                         report blocks                         :
//
//  RRTR (§4.4):                          DLRR (§4.5), one sub-block per receiver:
//  |  BT=4   | reserved | length=2  |    |  BT=5   | reserved | length=3n |
//  |  NTP timestamp, most significant |    |  SSRC_1 (the receiver's SSRC)  |
//  |  NTP timestamp, least significant|    |  last RR (LRR, middle 32 bits) |
//                                          |  delay since last RR (DLRR)    |
#include <cstdint>
#include <optional>
#include <vector>

#include "presentd/rtp/rtcp/rtcp_packet.hpp"

namespace presentd::rtp::rtcp {

inline constexpr std::uint8_t kTypeExtendedReport = 207;
inline constexpr std::uint8_t kBlockReceiverReferenceTime = 4;
inline constexpr std::uint8_t kBlockDlrr = 5;

struct DlrrItem {
  std::uint32_t ssrc = 0;
  std::uint32_t last_rr = 0;              // middle 32 bits of the RRTR's NTP time
  std::uint32_t delay_since_last_rr = 0;  // units of 1/65536 s
  bool operator==(const DlrrItem&) const = default;
};

struct ExtendedReport {
  std::uint32_t sender_ssrc = 0;
  std::optional<std::uint64_t> rrtr_ntp;  // a Receiver Reference Time block, when present
  std::vector<DlrrItem> dlrr;             // the items of every DLRR block, in order

  bool operator==(const ExtendedReport&) const = default;

  // nullopt when a block's length runs past the packet or an RRTR/DLRR block has a wrong length.
  [[nodiscard]] static std::optional<ExtendedReport> parse(const PacketView& packet);
  void write(std::vector<std::uint8_t>& out) const;
};

}  // namespace presentd::rtp::rtcp
