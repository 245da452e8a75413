// SPDX-License-Identifier: Apache-2.0
#pragma once
// Injected time source: protocol state machines take a Clock& so tests drive time by hand
// instead of sleeping. Thread: read from whichever thread owns the component using it.
#include <chrono>

namespace presentd {

class Clock {
public:
  using Duration = std::chrono::microseconds;
  using TimePoint = std::chrono::time_point<std::chrono::steady_clock, Duration>;
  virtual ~Clock() = default;
  virtual TimePoint now() const = 0;
};

class SteadyClock final : public Clock {
public:
  TimePoint now() const override { return std::chrono::time_point_cast<Duration>(std::chrono::steady_clock::now()); }
};

// A clock tests advance explicitly.
class ManualClock final : public Clock {
public:
  explicit ManualClock(TimePoint start = TimePoint{std::chrono::seconds{1000}}) : now_(start) {}
  TimePoint now() const override { return now_; }
  void advance(Duration d) { now_ += d; }

private:
  TimePoint now_;
};

}  // namespace presentd
