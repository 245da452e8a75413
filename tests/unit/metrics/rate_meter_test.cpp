// SPDX-License-Identifier: Apache-2.0
// Rates over a sliding window, driven by a manual clock.
#include "presentd/metrics/rate_meter.hpp"

#include <gtest/gtest.h>

namespace presentd::metrics {
namespace {

using namespace std::chrono_literals;

TEST(RateMeter, NoRateUntilTwoSamplesSpanTime) {
  ManualClock clock;
  RateMeter meter;
  EXPECT_EQ(meter.per_second(), std::nullopt);
  meter.add_sample(clock.now(), 10);
  EXPECT_EQ(meter.per_second(), std::nullopt);
  meter.add_sample(clock.now(), 20);  // same instant
  EXPECT_EQ(meter.per_second(), std::nullopt);
  clock.advance(500ms);
  meter.add_sample(clock.now(), 35);
  EXPECT_DOUBLE_EQ(*meter.per_second(), 50.0);  // 25 in 0.5 s
}

TEST(RateMeter, FollowsTheLastWindowOnly) {
  ManualClock clock;
  RateMeter meter(2s);
  std::uint64_t total = 0;
  // 30 per second for 5 s, then 10 per second for 3 s.
  for (int i = 0; i < 10; ++i, clock.advance(500ms)) meter.add_sample(clock.now(), total += 15);
  EXPECT_NEAR(*meter.per_second(), 30.0, 1e-9);
  for (int i = 0; i < 6; ++i) {
    clock.advance(500ms);
    meter.add_sample(clock.now(), total += 5);
  }
  EXPECT_NEAR(*meter.per_second(), 10.0, 1e-9);
  // Nothing new for 4 s: the rate falls to zero.
  for (int i = 0; i < 8; ++i) {
    clock.advance(500ms);
    meter.add_sample(clock.now(), total);
  }
  EXPECT_DOUBLE_EQ(*meter.per_second(), 0.0);
}

TEST(RateMeter, ARestartedTotalStartsAfresh) {
  ManualClock clock;
  RateMeter meter;
  meter.add_sample(clock.now(), 1000);
  clock.advance(1s);
  meter.add_sample(clock.now(), 1100);
  clock.advance(1s);
  meter.add_sample(clock.now(), 5);  // a new decoder counts from zero
  EXPECT_EQ(meter.per_second(), std::nullopt);
  clock.advance(1s);
  meter.add_sample(clock.now(), 35);
  EXPECT_DOUBLE_EQ(*meter.per_second(), 30.0);
}

}  // namespace
}  // namespace presentd::metrics
