// SPDX-License-Identifier: Apache-2.0
#pragma once
// DecodeTimeHistogram: a fixed-size histogram of decode times, for p50/p95/p99 without keeping
// samples. Bucket bounds grow by 25 % from 50 µs to about 5 s, so a percentile is reported as the
// upper bound of its bucket: never lower than the true value, at most 25 % above it.
//
// Thread: not synchronised; DecodeWorker updates and copies it under its queue lock.
#include <array>
#include <cstdint>

#include "presentd/common/clock.hpp"

namespace presentd::media {

class DecodeTimeHistogram {
public:
  static constexpr std::size_t kBuckets = 53;

  void add(Clock::Duration duration);
  // `fraction` in (0, 1], e.g. 0.95. Zero when nothing was recorded.
  Clock::Duration percentile(double fraction) const;
  std::uint64_t count() const { return count_; }
  // Upper bound (inclusive) of a bucket; the last bucket also takes everything longer.
  static Clock::Duration bucket_bound(std::size_t index);

private:
  std::array<std::uint64_t, kBuckets> counts_{};
  std::uint64_t count_ = 0;
};

}  // namespace presentd::media
