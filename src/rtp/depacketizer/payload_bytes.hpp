// SPDX-License-Identifier: Apache-2.0
#pragma once
// Internal to the depacketizers: sizing the assembled frame up front, so that a 50-packet
// keyframe is copied once instead of through a chain of vector reallocations.
#include <cstddef>
#include <cstdint>
#include <span>

namespace presentd::rtp {

inline std::size_t total_payload_bytes(std::span<const std::span<const std::uint8_t>> payloads) {
  std::size_t total = 0;
  for (const auto payload : payloads) total += payload.size();
  return total;
}

}  // namespace presentd::rtp
