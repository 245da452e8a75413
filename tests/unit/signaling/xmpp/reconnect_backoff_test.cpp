// SPDX-License-Identifier: Apache-2.0
// Reconnect delays: doubling from 1 s to the 60 s cap, jitter within ±20 % and never outside
// [1 s, 60 s], back to 1 s after reset().
#include <gtest/gtest.h>

#include "presentd/signaling/xmpp/reconnect_backoff.hpp"

namespace presentd::xmpp {
namespace {

using std::chrono::milliseconds;

TEST(ReconnectBackoff, DoublesUpToTheCapWithoutJitter) {
  ReconnectBackoff backoff([] { return 0.5; });  // factor 1.0
  const long expected[] = {1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000};
  for (const long ms : expected) EXPECT_EQ(backoff.next_delay(), milliseconds(ms));
  for (int i = 0; i < 100; ++i) EXPECT_EQ(backoff.next_delay(), milliseconds(60000));
  backoff.reset();
  EXPECT_EQ(backoff.next_delay(), milliseconds(1000));
}

TEST(ReconnectBackoff, JitterStaysWithinTwentyPercentAndTheRange) {
  ReconnectBackoff low([] { return 0.0; });
  ReconnectBackoff high([] { return 0.999999; });
  EXPECT_EQ(low.next_delay(), milliseconds(1000));  // 800 ms clamped up to the 1 s floor
  EXPECT_EQ(high.next_delay(), milliseconds(1199));
  EXPECT_EQ(low.next_delay(), milliseconds(1600));
  EXPECT_EQ(high.next_delay(), milliseconds(2399));
  for (int i = 0; i < 10; ++i) {
    (void)low.next_delay();
    (void)high.next_delay();
  }
  EXPECT_EQ(low.next_delay(), milliseconds(48000));
  EXPECT_EQ(high.next_delay(), milliseconds(60000));  // 72 s clamped to the cap
}

}  // namespace
}  // namespace presentd::xmpp
