// SPDX-License-Identifier: Apache-2.0
// Back-off after failed secrets: five free attempts per address, then 1 s, 2 s, 4 s … 60 s, and
// at most ten failures a minute for the whole room. Time is a ManualClock: no sleeps.
#include "access/failure_tracker.hpp"

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

TEST_F(FailureTrackerTest, TenFailuresAMinuteForTheWholeRoom) {
  // Ten addresses, one wrong attempt each, 3 s apart: none is backing off, but the room is.
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(tracker_.wait_for("198.51.100." + std::to_string(i)), 0s) << i;
    tracker_.record_failure("198.51.100." + std::to_string(i));
    clock_.advance(3s);
  }
  // The first failure was 30 s ago: it leaves the minute's window in 30 s.
  EXPECT_EQ(tracker_.wait_for("203.0.113.9"), 30s);
  EXPECT_EQ(retry_after_seconds(tracker_.wait_for("203.0.113.9")), 30);
  clock_.advance(30s);
  EXPECT_EQ(tracker_.wait_for("203.0.113.9"), 0s);  // one attempt freed
  tracker_.record_failure("203.0.113.9");
  EXPECT_EQ(tracker_.wait_for("203.0.113.10"), 3s);  // the next oldest leaves 3 s later
}

TEST_F(FailureTrackerTest, AQuietAddressIsForgottenAndMemoryIsBounded) {
  for (int i = 0; i < 4; ++i) tracker_.record_failure("192.0.2.1");
  clock_.advance(15min);
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
