// SPDX-License-Identifier: Apache-2.0
#pragma once
// A Prometheus counter: a value that only goes up. Increments are relaxed atomic adds, so any
// thread may bump it without a lock (a scrape may see a value a few increments old, never a
// torn one).
//
// Thread: any (lock-free).
#include <atomic>
#include <cstdint>

namespace presentd::metrics {

class Counter {
public:
  void increment(std::uint64_t by = 1) { value_.fetch_add(by, std::memory_order_relaxed); }
  std::uint64_t value() const { return value_.load(std::memory_order_relaxed); }

private:
  std::atomic<std::uint64_t> value_{0};
};

}  // namespace presentd::metrics
