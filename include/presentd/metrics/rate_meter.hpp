// SPDX-License-Identifier: Apache-2.0
#pragma once
// Turns a growing total (frames decoded, bytes received) into a rate per second over a sliding
// window, from samples the owner takes on its own timer. Used for the fps and bitrate of each
// presenter in the status API: a rate over the last ~2 s answers "what is happening now"
// whatever the polling interval of the client.
//
// Thread: the owner's (the event loop for sessions). Time is injected: tests need no sleeps.
#include <cstdint>
#include <deque>
#include <optional>

#include "presentd/common/clock.hpp"

namespace presentd::metrics {

class RateMeter {
public:
  explicit RateMeter(Clock::Duration window = std::chrono::seconds(2)) : window_(window) {}

  // `total` is cumulative; a total lower than the previous one (a counter that restarted) starts
  // the window afresh.
  void add_sample(Clock::TimePoint now, std::uint64_t total);
  // Units of the total per second over the window; nullopt until two samples span some time.
  [[nodiscard]] std::optional<double> per_second() const;

private:
  struct Sample {
    Clock::TimePoint at;
    std::uint64_t total = 0;
  };
  Clock::Duration window_;
  std::deque<Sample> samples_;
};

}  // namespace presentd::metrics
