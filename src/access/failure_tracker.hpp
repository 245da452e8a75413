// SPDX-License-Identifier: Apache-2.0
#pragma once
// Counts failed secret attempts (PINs, admin tokens) and says when the next one may be made:
// after `free_attempts` failures from one address, an exponential back-off for that address
// (1 s, 2 s, 4 s … capped at 60 s), and at most `room_limit` failures per `room_window` for
// the whole room, whoever makes them. Time comes from an injected clock.
//
// Bounded: at most `max_addresses` addresses are remembered (the stalest goes first), and an
// address that has not failed for `forget_after` starts over.
//
// Thread: event loop.
#include <chrono>
#include <cstddef>
#include <deque>
#include <map>
#include <string>

#include "common/clock.hpp"

namespace presentd::access {

struct FailurePolicy {
  int free_attempts = 5;
  Clock::Duration first_backoff = std::chrono::seconds(1);
  Clock::Duration max_backoff = std::chrono::seconds(60);
  int room_limit = 10;
  Clock::Duration room_window = std::chrono::seconds(60);
  Clock::Duration forget_after = std::chrono::minutes(15);
  std::size_t max_addresses = 4096;
};

struct FailureOutcome {
  int failures = 0;        // consecutive failures from this address, this one included
  int attempts_left = 0;   // before the back-off starts (0 once it has)
  int retry_after_s = 0;   // > 0: this failure started a wait of that many seconds
};

class FailureTracker {
public:
  explicit FailureTracker(const Clock& clock, FailurePolicy policy = {});

  // How long `address` must wait before its next attempt (zero: it may try now), the longer of
  // its own back-off and the room-wide limit.
  [[nodiscard]] Clock::Duration wait_for(const std::string& address);
  FailureOutcome record_failure(const std::string& address);
  // A right secret ends the address's back-off; the room-wide count keeps its history.
  void record_success(const std::string& address);

  const FailurePolicy& policy() const { return policy_; }

private:
  struct Address {
    int failures = 0;
    Clock::TimePoint last_failure;
    Clock::TimePoint blocked_until;
  };
  Clock::Duration room_wait(Clock::TimePoint now);
  void forget_stale(Clock::TimePoint now);

  const Clock& clock_;
  FailurePolicy policy_;
  std::map<std::string, Address> addresses_;
  std::deque<Clock::TimePoint> room_failures_;  // within the last room_window, oldest first
};

// Whole seconds for Retry-After, rounded up, at least 1.
[[nodiscard]] int retry_after_seconds(Clock::Duration wait);

}  // namespace presentd::access
