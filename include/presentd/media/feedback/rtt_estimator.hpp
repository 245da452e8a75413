// SPDX-License-Identifier: Apache-2.0
#pragma once
// Round-trip time to a sender we only receive from. RFC 3550's LSR/DLSR exchange measures the
// round trip at the *sender* (from our receiver reports); the receiver's side of that is RFC 3611
// §4.4/4.5: we send a Receiver Reference Time block with our NTP-format time, the sender echoes
// its middle 32 bits with the delay it held it (DLRR), and
//
//   RTT = arrival time − LRR − DLRR        (all in 1/65536 s, modulo 2^32)
//
// Senders that ignore XR (GStreamer's rtpbin) never answer: rtt() stays nullopt. The NTP time
// is built from our monotonic clock: it only has to be consistent with itself, since the sender
// echoes it back to us unchanged.
//
// Thread: event loop (the receive pipeline's). Time is injected.
#include <cstdint>
#include <optional>

#include "presentd/common/clock.hpp"
#include "presentd/rtp/rtcp/extended_report.hpp"

namespace presentd::media {

class RttEstimator {
public:
  RttEstimator(const Clock& clock, std::uint32_t local_ssrc) : clock_(clock), local_ssrc_(local_ssrc) {}

  // The XR to send with our receiver report.
  [[nodiscard]] rtp::rtcp::ExtendedReport make_reference_time() const;
  // Reads the DLRR item addressed to us, if any; true when it gave a new measurement.
  bool on_extended_report(const rtp::rtcp::ExtendedReport& report);

  std::optional<Clock::Duration> rtt() const { return rtt_; }

  // 64-bit NTP format of a time point (seconds since the clock's epoch, 32.32 fixed point).
  static std::uint64_t ntp_time(Clock::TimePoint at);

private:
  const Clock& clock_;
  std::uint32_t local_ssrc_;
  std::optional<Clock::Duration> rtt_;
};

}  // namespace presentd::media
