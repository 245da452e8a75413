// SPDX-License-Identifier: Apache-2.0
// OpenSSL 3.0 runs its DTLS retransmission timers on gettimeofday() and offers no hook for an
// injected clock. So that DTLS tests never sleep, this test binary interposes gettimeofday(): it
// returns the real time plus an offset that only tests move (advance_openssl_wall_clock()). With a
// zero offset it is the real clock, so nothing else in the binary notices. libssl binds to this
// definition because an executable's exported symbols come first in the dynamic lookup order; the
// test below proves that through a real DTLS timer.
#include <gtest/gtest.h>
#include <sys/time.h>
#include <time.h>

#include <atomic>

#include "dtls_pair.hpp"

namespace {
std::atomic<std::int64_t> g_offset_us{0};
}  // namespace

extern "C" int gettimeofday(struct timeval* tv, void* /*tz*/) {
  timespec now{};
  if (clock_gettime(CLOCK_REALTIME, &now) != 0) return -1;
  const std::int64_t us = static_cast<std::int64_t>(now.tv_sec) * 1000000 + now.tv_nsec / 1000 + g_offset_us.load();
  tv->tv_sec = static_cast<time_t>(us / 1000000);
  tv->tv_usec = static_cast<suseconds_t>(us % 1000000);
  return 0;
}

namespace presentd::dtls::testing {

void advance_openssl_wall_clock(Clock::Duration duration) { g_offset_us += duration.count(); }

TEST(DtlsWallClock, AdvancingTheFakeClockMakesOpenSslTimersDue) {
  DtlsPair pair;
  pair.client.transport->start();
  const auto before = pair.client.transport->next_timeout();
  ASSERT_TRUE(before.has_value());
  EXPECT_GT(*before, std::chrono::milliseconds(50));  // the 100 ms initial timer (DtlsConfig)
  EXPECT_LE(*before, std::chrono::milliseconds(100));
  advance_openssl_wall_clock(*before);
  EXPECT_EQ(pair.client.transport->next_timeout(), Clock::Duration::zero());
}

}  // namespace presentd::dtls::testing
