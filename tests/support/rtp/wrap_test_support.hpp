// SPDX-License-Identifier: Apache-2.0
#pragma once
// Shared by the RTP tests: sequence numbers start at a seeded random value just below the 16-bit
// wrap, so every test that sends a few dozen packets crosses it.
#include <cstdint>
#include <random>

namespace presentd::rtp::test {

inline std::uint16_t start_near_wrap(std::uint32_t seed, std::uint16_t max_before_wrap = 40) {
  std::mt19937 rng(seed);
  return static_cast<std::uint16_t>(0x10000 - 1 - (rng() % max_before_wrap));
}

}  // namespace presentd::rtp::test
