// SPDX-License-Identifier: Apache-2.0
#include "presentd/metrics/rate_meter.hpp"

namespace presentd::metrics {

void RateMeter::add_sample(Clock::TimePoint now, std::uint64_t total) {
  if (!samples_.empty() && (total < samples_.back().total || now < samples_.back().at)) samples_.clear();
  samples_.push_back({now, total});
  // Keep the newest sample at or before the window's start, so the window is always spanned.
  while (samples_.size() > 2 && samples_[1].at <= now - window_) samples_.pop_front();
}

std::optional<double> RateMeter::per_second() const {
  if (samples_.size() < 2) return std::nullopt;
  const auto& first = samples_.front();
  const auto& last = samples_.back();
  const auto seconds = std::chrono::duration<double>(last.at - first.at).count();
  if (seconds <= 0) return std::nullopt;
  return static_cast<double>(last.total - first.total) / seconds;
}

}  // namespace presentd::metrics
