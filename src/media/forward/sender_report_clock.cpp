// SPDX-License-Identifier: Apache-2.0
#include "presentd/media/forward/sender_report_clock.hpp"

#include <algorithm>

#include "presentd/common/sequence_number.hpp"

namespace presentd::media {

std::uint64_t ntp_from_system_time(std::chrono::system_clock::time_point time) {
  // 70 years (17 of them leap years) from the NTP epoch, 1900, to the Unix epoch, 1970.
  constexpr std::uint64_t kNtpToUnixSeconds = 2'208'988'800ULL;
  const auto since_unix = std::chrono::duration_cast<std::chrono::microseconds>(time.time_since_epoch()).count();
  const auto micros = static_cast<std::uint64_t>(std::max<std::int64_t>(0, since_unix));
  const std::uint64_t seconds = micros / 1'000'000 + kNtpToUnixSeconds;
  const std::uint64_t fraction = ((micros % 1'000'000) << 32) / 1'000'000;
  return (seconds << 32) | fraction;
}

void SenderReportClock::on_packet_sent(std::uint32_t rtp_timestamp, std::size_t payload_size,
                                       Clock::TimePoint sent_at) {
  ++packet_count_;
  octet_count_ += static_cast<std::uint32_t>(payload_size);
  if (!reference_sent_at_ || is_newer(rtp_timestamp, reference_timestamp_)) {
    reference_timestamp_ = rtp_timestamp;
    reference_sent_at_ = sent_at;
  }
}

std::optional<rtp::rtcp::SenderReport> SenderReportClock::report(Clock::TimePoint now, std::uint64_t ntp_now) const {
  if (!reference_sent_at_) return std::nullopt;
  const auto elapsed_us = std::max<std::int64_t>(0, (now - *reference_sent_at_).count());
  const auto ticks = elapsed_us * static_cast<std::int64_t>(clock_rate_) / 1'000'000;
  rtp::rtcp::SenderReport report;
  report.sender_ssrc = ssrc_;
  report.ntp_timestamp = ntp_now;
  report.rtp_timestamp = reference_timestamp_ + static_cast<std::uint32_t>(ticks);
  report.packet_count = packet_count_;
  report.octet_count = octet_count_;
  return report;
}

}  // namespace presentd::media
