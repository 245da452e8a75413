// SPDX-License-Identifier: Apache-2.0
// Back-off after failed secrets: five free attempts per address, then 1 s, 2 s, 4 s … 60 s, and
// at most ten failures a minute for the whole room, a window that grows each time it fills and
// that never holds back an address with no recent failure. Time is a ManualClock: no sleeps.
#include "presentd/access/failure_tracker.hpp"

#include <gtest/gtest.h>

namespace presentd::access {
namespace {
using namespace std::chrono_literals;

FailurePolicy policy_with(int room_limit, std::size_t max_addresses = 4096) {
  FailurePolicy policy;
  policy.room_limit = room_limit;
  policy.max_addresses = max_addresses;
  return policy;
}

class FailureTrackerTest : public ::testing::Test {
protected:
  ManualClock clock_;
  FailureTracker tracker_{clock_};
};

TEST_F(FailureTrackerTest, FiveFreeAttemptsThenExponentialBackoffCappedAtSixtySeconds) {
  for (int i = 1; i <= 4; ++i) {
    const auto outcome = tracker_.record_failure("192.0.2.1");
    EXPECT_EQ(outcome.failures, i);
    EXPECT_EQ(outcome.attempts_left, 5 - i);
    EXPECT_EQ(outcome.retry_after_s, 0);
    EXPECT_EQ(tracker_.wait_for("192.0.2.1"), 0s);
  }
  const auto fifth = tracker_.record_failure("192.0.2.1");
  EXPECT_EQ(fifth.attempts_left, 0);
  EXPECT_EQ(fifth.retry_after_s, 1);
  EXPECT_EQ(tracker_.wait_for("192.0.2.1"), 1s);
  clock_.advance(999ms);
  EXPECT_EQ(tracker_.wait_for("192.0.2.1"), 1ms);  // still locked out just before the second ends
  clock_.advance(1ms);
  EXPECT_EQ(tracker_.wait_for("192.0.2.1"), 0s);

  // The 6th … 12th failure, each made as soon as allowed (with the room-wide limit out of the
  // way, so only the address's own back-off is seen).
  FailureTracker tracker(clock_, policy_with(1000));
  for (int i = 0; i < 5; ++i) tracker.record_failure("192.0.2.1");
  std::vector<int> waits;
  for (int i = 0; i < 7; ++i) {
    clock_.advance(tracker.wait_for("192.0.2.1"));
    waits.push_back(tracker.record_failure("192.0.2.1").retry_after_s);
  }
  EXPECT_EQ(waits, (std::vector<int>{2, 4, 8, 16, 32, 60, 60}));
}

TEST_F(FailureTrackerTest, OneAddressBackingOffDoesNotHoldUpAnother) {
  for (int i = 0; i < 5; ++i) tracker_.record_failure("192.0.2.1");
  EXPECT_GT(tracker_.wait_for("192.0.2.1"), 0s);
  EXPECT_EQ(tracker_.wait_for("192.0.2.2"), 0s);
}

TEST_F(FailureTrackerTest, ARightSecretEndsTheAddressBackoff) {
  for (int i = 0; i < 5; ++i) tracker_.record_failure("192.0.2.1");
  clock_.advance(1s);
  tracker_.record_success("192.0.2.1");
  EXPECT_EQ(tracker_.record_failure("192.0.2.1").attempts_left, 4);  // counting starts over
}

TEST_F(FailureTrackerTest, TenFailuresAMinuteForTheWholeRoomHoldBackAddressesThatFailedRecently) {
  // Ten addresses, one wrong attempt each, 3 s apart: none is backing off, but the room is full.
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(tracker_.wait_for("198.51.100." + std::to_string(i)), 0s) << i;
    const auto outcome = tracker_.record_failure("198.51.100." + std::to_string(i));
    EXPECT_EQ(outcome.room_filled, i == 9) << i;
    clock_.advance(3s);
  }
  // The tenth failure filled the room: its window grew to two minutes. The first failure was
  // 30 s ago, so an address that failed recently waits 90 s more...
  EXPECT_EQ(tracker_.room_window(), 120s);
  EXPECT_EQ(tracker_.wait_for("198.51.100.3"), 90s);
  EXPECT_EQ(retry_after_seconds(tracker_.wait_for("198.51.100.3")), 90);
  // ...while an address with no failure is not held back by what others did.
  EXPECT_EQ(tracker_.wait_for("203.0.113.9"), 0s);
  const auto fresh = tracker_.record_failure("203.0.113.9");
  EXPECT_EQ(fresh.attempts_left, 4);
  EXPECT_TRUE(fresh.room_filled);  // its guess counts in the room too, and widens the window
  EXPECT_EQ(tracker_.room_window(), 240s);
  // One guess, then it is an address with a recent failure like the others.
  EXPECT_GT(tracker_.wait_for("203.0.113.9"), 0s);
  EXPECT_EQ(fresh.retry_after_s, retry_after_seconds(tracker_.wait_for("203.0.113.9")));
}

TEST_F(FailureTrackerTest, AnAccountIsNeverAFreshSource) {
  for (int i = 0; i < 10; ++i) tracker_.record_failure("198.51.100." + std::to_string(i));
  // Anyone can register another JID: it waits for the room like an address that failed.
  EXPECT_GT(tracker_.wait_for("xmpp:new@example.net", Source::account), 0s);
  EXPECT_EQ(tracker_.wait_for("192.0.2.50", Source::address), 0s);
}

TEST_F(FailureTrackerTest, TheRoomWindowDoublesEachTimeItFillsUpToSixteenMinutesAndRelaxesWhenQuiet) {
  // A brute force from addresses that already failed, each guess made as soon as the room lets
  // one through, for an hour: the room fills, its window doubles, and the guesses come slower.
  for (int i = 0; i < 10; ++i) tracker_.record_failure("198.51.100." + std::to_string(i));
  const auto start = clock_.now();
  std::vector<Clock::Duration> windows_when_filled;
  int let_through = 0;
  auto last_failure = clock_.now();
  while (true) {
    clock_.advance(tracker_.wait_for("198.51.100.0"));
    if (clock_.now() - start >= 1h) break;
    ++let_through;
    last_failure = clock_.now();
    if (tracker_.record_failure("198.51.100." + std::to_string(let_through % 10)).room_filled) {
      windows_when_filled.push_back(tracker_.room_window());
    }
  }
  // Ten guesses per window: at 0, 2, 6, 14, 30 and 46 minutes (the window grew to 2, 4, 8, 16
  // minutes and stays there).
  EXPECT_EQ(windows_when_filled, (std::vector<Clock::Duration>{240s, 480s, 960s, 960s, 960s}));
  EXPECT_EQ(let_through, 50);  // and the 10 before the loop: 60 an hour, where a fixed minute allows 600
  // Two windows (32 minutes) with no failure at all: the window is a minute again.
  clock_.advance(last_failure + 32min - 1s - clock_.now());
  EXPECT_EQ(tracker_.room_window(), 960s);
  clock_.advance(1s);
  EXPECT_EQ(tracker_.room_window(), 60s);
}

TEST_F(FailureTrackerTest, NoRoomLimitWhenItIsZero) {
  FailureTracker admin(clock_, policy_with(0));
  for (int i = 0; i < 100; ++i) EXPECT_FALSE(admin.record_failure("198.51.100." + std::to_string(i)).room_filled);
  EXPECT_EQ(admin.wait_for("198.51.100.1"), 0s);  // one failure each: nobody waits
}

TEST_F(FailureTrackerTest, AQuietAddressIsForgottenAndMemoryIsBounded) {
  for (int i = 0; i < 4; ++i) tracker_.record_failure("192.0.2.1");
  clock_.advance(tracker_.policy().forget_after);
  EXPECT_EQ(tracker_.record_failure("192.0.2.1").attempts_left, 4);

  FailureTracker small(clock_, policy_with(1000, 3));
  for (int i = 0; i < 4; ++i) small.record_failure("192.0.2.1");
  clock_.advance(1s);
  for (int i = 0; i < 3; ++i) small.record_failure("198.51.100." + std::to_string(i));
  // The stalest address made room for the others, so its count started over.
  EXPECT_EQ(small.record_failure("192.0.2.1").attempts_left, 4);
}

TEST(RetryAfter, RoundsUpToWholeSecondsAndIsAtLeastOne) {
  EXPECT_EQ(retry_after_seconds(1ms), 1);
  EXPECT_EQ(retry_after_seconds(1s), 1);
  EXPECT_EQ(retry_after_seconds(1001ms), 2);
  EXPECT_EQ(retry_after_seconds(0s), 1);
}

}  // namespace
}  // namespace presentd::access
