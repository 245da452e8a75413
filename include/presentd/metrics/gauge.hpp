// SPDX-License-Identifier: Apache-2.0
#pragma once
// A Prometheus gauge: a value that goes up and down (current sessions, start time).
//
// Thread: any (lock-free; std::atomic<double> arithmetic is C++20).
#include <atomic>

namespace presentd::metrics {

class Gauge {
public:
  void set(double value) { value_.store(value, std::memory_order_relaxed); }
  void add(double by) { value_.fetch_add(by, std::memory_order_relaxed); }
  double value() const { return value_.load(std::memory_order_relaxed); }

private:
  std::atomic<double> value_{0};
};

}  // namespace presentd::metrics
