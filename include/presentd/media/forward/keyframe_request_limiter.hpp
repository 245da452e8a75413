// SPDX-License-Identifier: Apache-2.0
#pragma once
// KeyframeRequestLimiter: the keyframe requests of every viewer, aggregated per presenter stream
// (issue 15). Each viewer that joins or switches wants a keyframe; 25 viewers joining within a
// second must cost the presenter one keyframe, not 25, since a keyframe is several times the size
// of an inter frame and every viewer of that presenter receives it anyway.
//
// Rules:
//  - at most one request per presenter stream per min_interval (1 s);
//  - a request inside the interval is suppressed (counted) but kept: it comes due in poll() once
//    the interval has passed, so a viewer that asked just after a keyframe still gets its own;
//  - a keyframe from the stream answers every kept request (the viewers' gates open on it).
// The caller sends the actual PLI/FIR (KeyframeRequester's choice of the two is per presenter).
// Time comes in as arguments (the caller's injected clock, read once per event): no sleeps in
// tests, one clock read shared by all viewers of a packet.
//
// Thread: event loop (one per room, shared by all viewers; no locks).
#include <chrono>
#include <cstdint>
#include <optional>
#include <vector>

#include "presentd/common/clock.hpp"

namespace presentd::media {

struct KeyframeRequestLimiterConfig {
  Clock::Duration min_interval = std::chrono::seconds{1};
};

struct KeyframeRequestLimiterStats {
  std::uint64_t requests_sent = 0;        // what the caller was told to send
  std::uint64_t requests_suppressed = 0;  // asked for inside the interval (later sent or answered)
};

class KeyframeRequestLimiter {
public:
  // Names a presenter's media stream: its SSRC as received.
  using StreamId = std::uint32_t;

  explicit KeyframeRequestLimiter(KeyframeRequestLimiterConfig config = {}) : config_(config) {}

  // A viewer needs a keyframe of `stream`. true: send a request to the presenter now; false: one
  // went out less than min_interval ago, and this one is kept for poll().
  [[nodiscard]] bool request(StreamId stream, Clock::TimePoint now);
  // Kept requests whose interval has passed, each now counted as sent (call on the feedback tick).
  [[nodiscard]] std::vector<StreamId> poll(Clock::TimePoint now);
  // A keyframe of `stream` arrived: the kept request, if any, is answered.
  void on_keyframe(StreamId stream);
  // The presenter left: its pacing and kept request go with it.
  void forget(StreamId stream);

  bool pending(StreamId stream) const;
  const KeyframeRequestLimiterStats& stats() const { return stats_; }

private:
  struct Entry {
    StreamId stream = 0;
    std::optional<Clock::TimePoint> last_sent;
    bool pending = false;
  };

  Entry& entry(StreamId stream);
  bool may_send(const Entry& e, Clock::TimePoint now) const;

  KeyframeRequestLimiterConfig config_;
  KeyframeRequestLimiterStats stats_;
  // A room has at most a handful of presenter streams: a flat vector beats a map here.
  std::vector<Entry> entries_;
};

}  // namespace presentd::media
