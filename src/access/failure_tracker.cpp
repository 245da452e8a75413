// SPDX-License-Identifier: Apache-2.0
#include "presentd/access/failure_tracker.hpp"

#include <algorithm>

namespace presentd::access {

FailureTracker::FailureTracker(const Clock& clock, FailurePolicy policy) : clock_(clock), policy_(policy) {}

Clock::Duration FailureTracker::window_at(Clock::TimePoint now) {
  auto window = std::min(policy_.room_window * (std::int64_t{1} << room_level_), policy_.max_room_window);
  // Two whole windows without a failure: the brute force (if it was one) has stopped. (One is
  // not enough: a room that filled at once lets nobody with a recent failure through for a whole
  // window.)
  if (room_level_ > 0 && !room_failures_.empty() && now - room_failures_.back() >= 2 * window) {
    room_level_ = 0;
    window = policy_.room_window;
  }
  return window;
}

Clock::Duration FailureTracker::room_window() { return window_at(clock_.now()); }

Clock::Duration FailureTracker::room_wait(Clock::TimePoint now) {
  const auto window = window_at(now);
  if (policy_.room_limit <= 0 || static_cast<int>(room_failures_.size()) < policy_.room_limit) {
    return Clock::Duration::zero();
  }
  // The oldest of the last room_limit failures leaving the window frees one attempt.
  return std::max(Clock::Duration::zero(), room_failures_.front() + window - now);
}

bool FailureTracker::fresh(const std::string& key, Source source, Clock::TimePoint now) const {
  if (source != Source::address) return false;
  const auto it = entries_.find(key);
  return it == entries_.end() || now - it->second.last_failure >= policy_.forget_after;
}

void FailureTracker::forget_stale(Clock::TimePoint now) {
  std::erase_if(entries_, [&](const auto& entry) {
    return now - entry.second.last_failure >= policy_.forget_after && now >= entry.second.blocked_until;
  });
}

Clock::Duration FailureTracker::wait_for(const std::string& key, Source source) {
  const auto now = clock_.now();
  auto wait = fresh(key, source, now) ? Clock::Duration::zero() : room_wait(now);
  if (const auto it = entries_.find(key); it != entries_.end() && it->second.blocked_until > now) {
    wait = std::max(wait, it->second.blocked_until - now);
  }
  return wait;
}

FailureOutcome FailureTracker::record_failure(const std::string& key, Source source) {
  const auto now = clock_.now();
  FailureOutcome outcome;
  if (policy_.room_limit > 0) {
    const auto window = window_at(now);
    room_failures_.push_back(now);
    while (static_cast<int>(room_failures_.size()) > policy_.room_limit) room_failures_.pop_front();
    if (static_cast<int>(room_failures_.size()) == policy_.room_limit && now - room_failures_.front() < window) {
      // The room is full: the next room_limit failures must spread over twice the time.
      outcome.room_filled = true;
      if (policy_.room_window * (std::int64_t{1} << room_level_) < policy_.max_room_window) ++room_level_;
    }
  }
  forget_stale(now);
  auto it = entries_.find(key);
  if (it == entries_.end()) {
    if (entries_.size() >= policy_.max_addresses) {
      entries_.erase(std::min_element(entries_.begin(), entries_.end(), [](const auto& a, const auto& b) {
        return a.second.last_failure < b.second.last_failure;
      }));
    }
    it = entries_.emplace(key, Entry{}).first;
  }
  auto& entry = it->second;
  ++entry.failures;
  entry.last_failure = now;
  outcome.failures = entry.failures;
  outcome.attempts_left = std::max(0, policy_.free_attempts - entry.failures);
  if (entry.failures >= policy_.free_attempts) {
    // The 5th failure waits 1 s, the 6th 2 s, the 7th 4 s … (the shift is capped long before
    // it could overflow).
    const int doublings = std::min(entry.failures - policy_.free_attempts, 30);
    const auto backoff =
        std::min<Clock::Duration>(policy_.first_backoff * (std::int64_t{1} << doublings), policy_.max_backoff);
    entry.blocked_until = now + backoff;
  }
  const auto wait = wait_for(key, source);
  if (wait > Clock::Duration::zero()) outcome.retry_after_s = retry_after_seconds(wait);
  return outcome;
}

void FailureTracker::record_success(const std::string& key) { entries_.erase(key); }

int retry_after_seconds(Clock::Duration wait) {
  const auto seconds = std::chrono::ceil<std::chrono::seconds>(wait).count();
  return static_cast<int>(std::clamp<std::int64_t>(seconds, 1, std::int64_t{24} * 3600));
}

}  // namespace presentd::access
