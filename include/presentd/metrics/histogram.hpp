// SPDX-License-Identifier: Apache-2.0
#pragma once
// A Prometheus histogram with fixed bucket bounds. observe() is lock-free (one relaxed atomic
// add per bucket count and one for the sum), so decoder worker threads record decode times
// straight into it while the event loop reads snapshots for a scrape.
//
// A snapshot taken while another thread observes may count a value in its bucket but not yet in
// the sum; `count` is always derived from the buckets, so _count equals the +Inf bucket, as the
// exposition format requires.
//
// Thread: observe() from any thread; construction on the event loop.
#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

namespace presentd::metrics {

struct HistogramSnapshot {
  std::vector<double> upper_bounds;       // finite bounds, ascending; +Inf is implicit
  std::vector<std::uint64_t> cumulative;  // one per bound, then one for +Inf
  double sum = 0;
  std::uint64_t count = 0;  // == cumulative.back()
};

class Histogram {
public:
  // `upper_bounds` must be finite and strictly ascending (Registry checks before constructing).
  explicit Histogram(std::vector<double> upper_bounds);

  void observe(double value);
  HistogramSnapshot snapshot() const;
  const std::vector<double>& upper_bounds() const { return upper_bounds_; }

private:
  std::vector<double> upper_bounds_;
  // counts_[i] counts values in (bound[i-1], bound[i]]; the last one everything above.
  std::unique_ptr<std::atomic<std::uint64_t>[]> counts_;
  std::atomic<double> sum_{0};
};

// Bounds start, start*factor, ... (count of them), e.g. exponential(0.0005, 2, 12).
[[nodiscard]] std::vector<double> exponential_bounds(double start, double factor, std::size_t count);

}  // namespace presentd::metrics
