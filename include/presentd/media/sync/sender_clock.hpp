// SPDX-License-Identifier: Apache-2.0
#pragma once
// Maps a stream's RTP timestamps to the sender's wall clock, from the (NTP, RTP) pair of its
// latest RTCP sender report (RFC 3550 §6.4.1). Audio and video of one sender share that wall
// clock, which is what makes lip sync possible: two packets with the same sender time were
// captured together.
//
// Thread: event loop.
#include <cstdint>
#include <optional>

namespace presentd::media {

class SenderClock {
public:
  explicit SenderClock(std::uint32_t clock_rate) : clock_rate_(clock_rate) {}

  // `ntp_timestamp`: the SR's 64-bit NTP time (32.32 fixed point); `rtp_timestamp`: its RTP time.
  void on_sender_report(std::uint64_t ntp_timestamp, std::uint32_t rtp_timestamp);

  // Sender wall-clock time of `rtp_timestamp`, in microseconds since the NTP epoch; nullopt
  // before the first sender report. RTP timestamps are read relative to the report's, as a
  // signed 32-bit distance, so the 2^32 wrap is harmless.
  std::optional<std::int64_t> sender_time_us(std::uint32_t rtp_timestamp) const;

  bool synchronised() const { return report_ntp_us_.has_value(); }

private:
  std::uint32_t clock_rate_;
  std::optional<std::int64_t> report_ntp_us_;
  std::uint32_t report_rtp_ = 0;
};

// 32.32 NTP time → microseconds.
std::int64_t ntp_to_microseconds(std::uint64_t ntp_timestamp);

}  // namespace presentd::media
