// SPDX-License-Identifier: Apache-2.0
#pragma once
// Helpers for the RTCP tests: parse one packet of a known type from bytes, and write then re-parse.
#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <span>
#include <type_traits>
#include <vector>

#include "presentd/rtp/rtcp/rtcp_packet.hpp"

namespace presentd::rtp::rtcp::test {

template <class T>
std::optional<T> parse_bytes(std::span<const std::uint8_t> bytes) {
  const auto view = parse_packet(bytes);
  if (!view || view->data.size() != bytes.size()) return std::nullopt;
  return T::parse(*view);
}

// Writes `message`, checks the framing every RTCP writer must produce, and parses it back.
template <class T>
std::optional<T> round_trip(const T& message) {
  std::vector<std::uint8_t> out;
  if constexpr (std::is_same_v<decltype(message.write(out)), bool>) {
    // Writers that can refuse (transport feedback) report it; a refusal fails the round trip.
    if (!message.write(out)) return std::nullopt;
  } else {
    message.write(out);
  }
  EXPECT_EQ(out.size() % 4, 0u);
  EXPECT_GE(out.size(), kHeaderSize);
  if (out.size() >= kHeaderSize) {
    EXPECT_EQ(out[0] >> 6, 2);
    EXPECT_EQ((static_cast<std::size_t>(out[2]) << 8 | out[3]) * 4 + 4, out.size());
  }
  return parse_bytes<T>(out);
}

}  // namespace presentd::rtp::rtcp::test
