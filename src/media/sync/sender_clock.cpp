// SPDX-License-Identifier: Apache-2.0
#include "presentd/media/sync/sender_clock.hpp"

namespace presentd::media {

std::int64_t ntp_to_microseconds(std::uint64_t ntp_timestamp) {
  const auto seconds = static_cast<std::int64_t>(ntp_timestamp >> 32);
  const auto fraction = ntp_timestamp & 0xFFFFFFFFu;
  return seconds * 1'000'000 + static_cast<std::int64_t>((fraction * 1'000'000) >> 32);
}

void SenderClock::on_sender_report(std::uint64_t ntp_timestamp, std::uint32_t rtp_timestamp) {
  report_ntp_us_ = ntp_to_microseconds(ntp_timestamp);
  report_rtp_ = rtp_timestamp;
}

std::optional<std::int64_t> SenderClock::sender_time_us(std::uint32_t rtp_timestamp) const {
  if (!report_ntp_us_ || clock_rate_ == 0) return std::nullopt;
  const auto ticks = static_cast<std::int64_t>(static_cast<std::int32_t>(rtp_timestamp - report_rtp_));
  return *report_ntp_us_ + ticks * 1'000'000 / static_cast<std::int64_t>(clock_rate_);
}

}  // namespace presentd::media
