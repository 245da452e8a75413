// SPDX-License-Identifier: Apache-2.0
#include "presentd/common/sequence_number.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>

namespace presentd {
namespace {

TEST(SequenceNumber, NewerAcrossTheWrap) {
  EXPECT_TRUE(is_newer<std::uint16_t>(1, 65535));
  EXPECT_FALSE(is_newer<std::uint16_t>(65535, 1));
  EXPECT_TRUE(is_newer<std::uint16_t>(100, 99));
  EXPECT_FALSE(is_newer<std::uint16_t>(7, 7));
}

TEST(SequenceNumber, HalfwayIsAntisymmetric) {
  EXPECT_NE(is_newer<std::uint16_t>(0, 32768), is_newer<std::uint16_t>(32768, 0));
  EXPECT_NE(is_newer<std::uint32_t>(5, 5u + 0x80000000u), is_newer<std::uint32_t>(5u + 0x80000000u, 5));
}

TEST(SequenceUnwrapper, CountsMonotonicallyThroughSeveralWraps) {
  std::mt19937 rng(12345);
  const auto start = static_cast<std::uint16_t>(rng());
  SequenceUnwrapper unwrapper;
  std::int64_t first = unwrapper.unwrap(start);
  for (std::int64_t i = 1; i < 200000; ++i) {
    ASSERT_EQ(unwrapper.unwrap(static_cast<std::uint16_t>(start + i)), first + i);
  }
}

TEST(SequenceUnwrapper, LatePacketBeforeTheWrapMapsBack) {
  SequenceUnwrapper unwrapper;
  const auto a = unwrapper.unwrap(65534);
  EXPECT_EQ(unwrapper.unwrap(1), a + 3);
  EXPECT_EQ(unwrapper.unwrap(65535), a + 1);  // reordered, from before the wrap
  EXPECT_EQ(unwrapper.unwrap(2), a + 4);
}

}  // namespace
}  // namespace presentd
