// SPDX-License-Identifier: Apache-2.0
#pragma once
// RFC 4585 §6.2.1 generic NACK (RTPFB, FMT 1). Each FCI entry names one lost packet (PID) and,
// in the bitmask BLP, which of the 16 packets after it are lost too (bit i = PID + i + 1).
//   0                   1                   2                   3
//   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//  |V=2|P|  FMT=1  |    PT=205     |             length            |
//  |                  SSRC of packet sender                        |
//  |                  SSRC of media source                         |
//  |            PID                |             BLP               |   (repeated)
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "presentd/rtp/rtcp/rtcp_packet.hpp"

namespace presentd::rtp::rtcp {

struct NackItem {
  std::uint16_t pid = 0;
  std::uint16_t blp = 0;
  bool operator==(const NackItem&) const = default;
};

// The fewest FCI entries naming exactly `sequence_numbers`, which must be in increasing
// wrap-aware order (e.g. 65534, 65535, 0, 1) without duplicates.
[[nodiscard]] std::vector<NackItem> make_nack_items(std::span<const std::uint16_t> sequence_numbers);

struct Nack {
  std::uint32_t sender_ssrc = 0;
  std::uint32_t media_ssrc = 0;
  std::vector<NackItem> items;

  bool operator==(const Nack&) const = default;

  // Builds a NACK for the given lost packets (ordered as for make_nack_items).
  [[nodiscard]] static Nack for_packets(std::uint32_t sender_ssrc, std::uint32_t media_ssrc,
                                        std::span<const std::uint16_t> sequence_numbers);
  // Every packet the items name, in order.
  [[nodiscard]] std::vector<std::uint16_t> sequence_numbers() const;

  [[nodiscard]] static std::optional<Nack> parse(const PacketView& packet);
  void write(std::vector<std::uint8_t>& out) const;
};

}  // namespace presentd::rtp::rtcp
