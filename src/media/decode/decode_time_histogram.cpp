// SPDX-License-Identifier: Apache-2.0
#include "presentd/media/decode/decode_time_histogram.hpp"

#include <algorithm>
#include <cmath>

namespace presentd::media {
namespace {

constexpr double kFirstBoundUs = 50.0;
constexpr double kGrowth = 1.25;

const std::array<std::int64_t, DecodeTimeHistogram::kBuckets>& bounds_us() {
  static const auto table = [] {
    std::array<std::int64_t, DecodeTimeHistogram::kBuckets> bounds{};
    double bound = kFirstBoundUs;
    for (auto& b : bounds) {
      b = static_cast<std::int64_t>(std::llround(bound));
      bound *= kGrowth;
    }
    return bounds;
  }();
  return table;
}

}  // namespace

Clock::Duration DecodeTimeHistogram::bucket_bound(std::size_t index) { return Clock::Duration{bounds_us().at(index)}; }

void DecodeTimeHistogram::add(Clock::Duration duration) {
  const auto& bounds = bounds_us();
  const auto it = std::lower_bound(bounds.begin(), bounds.end(), duration.count());
  const auto index = std::min<std::size_t>(static_cast<std::size_t>(it - bounds.begin()), kBuckets - 1);
  ++counts_[index];
  ++count_;
}

Clock::Duration DecodeTimeHistogram::percentile(double fraction) const {
  if (count_ == 0) return Clock::Duration::zero();
  // The rank of the sample at `fraction`, counting from 1; at least the first sample.
  const auto rank =
      std::max<std::uint64_t>(1, static_cast<std::uint64_t>(std::ceil(fraction * static_cast<double>(count_))));
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < kBuckets; ++i) {
    seen += counts_[i];
    if (seen >= rank) return bucket_bound(i);
  }
  return bucket_bound(kBuckets - 1);
}

}  // namespace presentd::media
