// SPDX-License-Identifier: Apache-2.0
#pragma once
// RFC 3550 §6.4.1 report block, shared by sender and receiver reports.
//   0                   1                   2                   3
//   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//  |                 SSRC_1 (SSRC of first source)                 |
//  | fraction lost |       cumulative number of packets lost       |
//  |           extended highest sequence number received           |
//  |                      interarrival jitter                      |
//  |                         last SR (LSR)                         |
//  |                   delay since last SR (DLSR)                  |
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "presentd/common/byte_reader.hpp"

namespace presentd::rtp::rtcp {

inline constexpr std::size_t kReportBlockSize = 24;
inline constexpr std::size_t kMaxReportBlocks = 31;  // the RC field has 5 bits
// Cumulative loss is a signed 24-bit field (duplicates can make it negative).
inline constexpr std::int32_t kMaxCumulativeLost = 0x7FFFFF;
inline constexpr std::int32_t kMinCumulativeLost = -0x800000;

struct ReportBlock {
  std::uint32_t source_ssrc = 0;
  std::uint8_t fraction_lost = 0;  // lost fraction since the last report, in 1/256
  std::int32_t cumulative_lost = 0;
  std::uint32_t extended_highest_sequence = 0;
  std::uint32_t jitter = 0;               // timestamp units
  std::uint32_t last_sr = 0;              // middle 32 bits of the last SR's NTP time
  std::uint32_t delay_since_last_sr = 0;  // 1/65536 s

  bool operator==(const ReportBlock&) const = default;

  [[nodiscard]] static std::optional<ReportBlock> read(ByteReader& reader);
  // cumulative_lost is clamped to the 24-bit range.
  void write(std::vector<std::uint8_t>& out) const;
};

// Reads `count` blocks; nullopt if any is truncated.
[[nodiscard]] std::optional<std::vector<ReportBlock>> read_report_blocks(ByteReader& reader, std::size_t count);

}  // namespace presentd::rtp::rtcp
