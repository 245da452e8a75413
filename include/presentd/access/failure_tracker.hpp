// SPDX-License-Identifier: Apache-2.0
#pragma once
// Counts failed secret attempts (PINs, admin tokens) and says when the next one may be made.
//
// Per source (net::address_key: an IPv4 address or an IPv6 /64; "xmpp:<bare JID>" for a
// remote presenter): `free_attempts` failures, then an exponential back-off for that source
// (1 s, 2 s, 4 s … capped at 60 s).
//
// Room-wide (PINs only; `room_limit` 0 turns it off): at most `room_limit` failures per room
// window are looked at. The limit holds back only sources that failed within `forget_after`;
// a source with no recent failure keeps its own attempt, so wrong guesses from many rotating
// addresses cannot lock out a presenter who types the right PIN (each rotating address gets
// one guess an hour while the room is full, and that guess fills the room further). Each
// failure that fills the room doubles the window (60 s, 2 min, 4 min … `max_room_window`): a
// sustained brute force gets slower and slower instead of turning into a denial of service.
// Two whole windows without failures bring it back to `room_window`.
//
// Time comes from an injected clock. Bounded: at most `max_addresses` sources are remembered
// (the stalest goes first), and one that has not failed for `forget_after` starts over.
//
// Thread: event loop.
#include <chrono>
#include <cstddef>
#include <deque>
#include <map>
#include <string>

#include "presentd/common/clock.hpp"

namespace presentd::access {

struct FailurePolicy {
  int free_attempts = 5;
  Clock::Duration first_backoff = std::chrono::seconds(1);
  Clock::Duration max_backoff = std::chrono::seconds(60);
  int room_limit = 10;  // 0: no room-wide limit
  Clock::Duration room_window = std::chrono::seconds(60);
  Clock::Duration max_room_window = std::chrono::minutes(16);
  Clock::Duration forget_after = std::chrono::hours(1);
  std::size_t max_addresses = 4096;
};

// Who is asking: an address (a network source, which a host cannot multiply at will), or an
// account (an XMPP JID: anyone can register more), which never counts as a fresh source.
enum class Source { address, account };

struct FailureOutcome {
  int failures = 0;          // consecutive failures from this source, this one included
  int attempts_left = 0;     // before the back-off starts (0 once it has)
  int retry_after_s = 0;     // > 0: this failure started a wait of that many seconds
  bool room_filled = false;  // this failure filled the room-wide limit (its window grew)
};

class FailureTracker {
public:
  explicit FailureTracker(const Clock& clock, FailurePolicy policy = {});

  // How long `key` must wait before its next attempt (zero: it may try now): its own back-off
  // and, unless it is an address with no recent failure, the room-wide limit.
  [[nodiscard]] Clock::Duration wait_for(const std::string& key, Source source = Source::address);
  FailureOutcome record_failure(const std::string& key, Source source = Source::address);
  // A right secret ends the source's back-off; the room-wide count keeps its history.
  void record_success(const std::string& key);

  const FailurePolicy& policy() const { return policy_; }
  // The room window now (room_window, doubled each time the room filled, at most max_room_window).
  Clock::Duration room_window();

private:
  struct Entry {
    int failures = 0;
    Clock::TimePoint last_failure;
    Clock::TimePoint blocked_until;
  };
  Clock::Duration window_at(Clock::TimePoint now);
  Clock::Duration room_wait(Clock::TimePoint now);
  bool fresh(const std::string& key, Source source, Clock::TimePoint now) const;
  void forget_stale(Clock::TimePoint now);

  const Clock& clock_;
  FailurePolicy policy_;
  std::map<std::string, Entry> entries_;
  std::deque<Clock::TimePoint> room_failures_;  // the last room_limit failures, oldest first
  int room_level_ = 0;                          // the window is room_window << room_level_
};

// Whole seconds for Retry-After, rounded up, at least 1.
[[nodiscard]] int retry_after_seconds(Clock::Duration wait);

}  // namespace presentd::access
