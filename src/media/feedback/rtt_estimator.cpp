// SPDX-License-Identifier: Apache-2.0
#include "presentd/media/feedback/rtt_estimator.hpp"

#include <algorithm>

namespace presentd::media {
namespace {
// A measured round trip above this is a stale or forged echo, not a network.
constexpr Clock::Duration kMaxPlausibleRtt = std::chrono::seconds(30);
// The sender rounds its hold time to 1/65536 s: on a LAN the difference can come out a hair below
// zero. Up to this much below is read as a zero round trip; more is a bogus echo.
constexpr std::int32_t kRoundingTolerance = 330;  // ~5 ms in 1/65536 s
}  // namespace

std::uint64_t RttEstimator::ntp_time(Clock::TimePoint at) {
  const auto micros = static_cast<std::uint64_t>(at.time_since_epoch().count());
  const std::uint64_t seconds = micros / 1'000'000;
  const std::uint64_t fraction = ((micros % 1'000'000) << 32) / 1'000'000;
  return (seconds << 32) | fraction;
}

rtp::rtcp::ExtendedReport RttEstimator::make_reference_time() const {
  return rtp::rtcp::ExtendedReport{local_ssrc_, ntp_time(clock_.now()), {}};
}

bool RttEstimator::on_extended_report(const rtp::rtcp::ExtendedReport& report) {
  for (const auto& item : report.dlrr) {
    // LRR 0 means "no RRTR received yet" (RFC 3611 §4.5).
    if (item.ssrc != local_ssrc_ || item.last_rr == 0) continue;
    const auto now_compact = static_cast<std::uint32_t>(ntp_time(clock_.now()) >> 16);
    // Unsigned arithmetic wraps like the 16.16 clock itself does (every 18 hours); read as signed.
    const auto units = static_cast<std::int32_t>(now_compact - item.last_rr - item.delay_since_last_rr);
    if (units < -kRoundingTolerance) continue;
    const auto rtt =
        std::chrono::duration_cast<Clock::Duration>(std::chrono::duration<double>(std::max(units, 0) / 65536.0));
    if (rtt > kMaxPlausibleRtt) continue;
    rtt_ = rtt;
    return true;
  }
  return false;
}

}  // namespace presentd::media
