// SPDX-License-Identifier: Apache-2.0
#include "access/failure_tracker.hpp"

#include <algorithm>

namespace presentd::access {

FailureTracker::FailureTracker(const Clock& clock, FailurePolicy policy) : clock_(clock), policy_(policy) {}

Clock::Duration FailureTracker::room_wait(Clock::TimePoint now) {
  while (!room_failures_.empty() && now - room_failures_.front() >= policy_.room_window) room_failures_.pop_front();
  if (static_cast<int>(room_failures_.size()) < policy_.room_limit) return Clock::Duration::zero();
  // The oldest failure in the window leaving it frees one attempt.
  return room_failures_.front() + policy_.room_window - now;
}

void FailureTracker::forget_stale(Clock::TimePoint now) {
  std::erase_if(addresses_, [&](const auto& entry) {
    return now - entry.second.last_failure >= policy_.forget_after && now >= entry.second.blocked_until;
  });
}

Clock::Duration FailureTracker::wait_for(const std::string& address) {
  const auto now = clock_.now();
  auto wait = room_wait(now);
  if (const auto it = addresses_.find(address); it != addresses_.end() && it->second.blocked_until > now) {
    wait = std::max(wait, it->second.blocked_until - now);
  }
  return wait;
}

FailureOutcome FailureTracker::record_failure(const std::string& address) {
  const auto now = clock_.now();
  room_failures_.push_back(now);
  forget_stale(now);
  auto it = addresses_.find(address);
  if (it == addresses_.end()) {
    if (addresses_.size() >= policy_.max_addresses) {
      addresses_.erase(std::min_element(addresses_.begin(), addresses_.end(), [](const auto& a, const auto& b) {
        return a.second.last_failure < b.second.last_failure;
      }));
    }
    it = addresses_.emplace(address, Address{}).first;
  }
  auto& entry = it->second;
  ++entry.failures;
  entry.last_failure = now;
  FailureOutcome outcome;
  outcome.failures = entry.failures;
  outcome.attempts_left = std::max(0, policy_.free_attempts - entry.failures);
  if (entry.failures >= policy_.free_attempts) {
    // The 5th failure waits 1 s, the 6th 2 s, the 7th 4 s … (the shift is capped long before
    // it could overflow).
    const int doublings = std::min(entry.failures - policy_.free_attempts, 30);
    const auto backoff = std::min<Clock::Duration>(policy_.first_backoff * (std::int64_t{1} << doublings),
                                                   policy_.max_backoff);
    entry.blocked_until = now + backoff;
  }
  const auto wait = wait_for(address);
  if (wait > Clock::Duration::zero()) outcome.retry_after_s = retry_after_seconds(wait);
  return outcome;
}

void FailureTracker::record_success(const std::string& address) { addresses_.erase(address); }

int retry_after_seconds(Clock::Duration wait) {
  const auto seconds = std::chrono::ceil<std::chrono::seconds>(wait).count();
  return static_cast<int>(std::clamp<std::int64_t>(seconds, 1, 24 * 3600));
}

}  // namespace presentd::access
