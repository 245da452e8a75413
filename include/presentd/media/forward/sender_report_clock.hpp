// SPDX-License-Identifier: Apache-2.0
#pragma once
// SenderReportClock: the fields of the sender reports (RFC 3550 §6.4.1) the box sends each viewer
// for one forwarded stream. The viewer's RTP timestamps are the box's own (OutgoingStreamRewriter
// renumbers them), so the box states their wall-clock meaning: the timestamp of the newest packet
// sent stands for the moment it was sent, and time runs on at the clock rate from there. Packet
// and octet counts are what the box sent this viewer (resends included: they were transmitted).
//
// Thread: event loop (one per viewer m-line, no locks).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "presentd/common/clock.hpp"
#include "presentd/rtp/rtcp/sender_report.hpp"

namespace presentd::media {

// 64-bit NTP time (32.32 fixed point, seconds since 1900, RFC 5905 §6) of a system-clock time.
[[nodiscard]] std::uint64_t ntp_from_system_time(std::chrono::system_clock::time_point time);

class SenderReportClock {
public:
  SenderReportClock(std::uint32_t ssrc, std::uint32_t clock_rate) : ssrc_(ssrc), clock_rate_(clock_rate) {}

  // Every RTP packet sent to the viewer; `payload_size` excludes header and padding (§6.4.1).
  void on_packet_sent(std::uint32_t rtp_timestamp, std::size_t payload_size, Clock::TimePoint sent_at);

  // The report for `now`, whose wall-clock time is `ntp_now` (the caller reads both clocks
  // together); nullopt before the first packet, when there is nothing to relate.
  [[nodiscard]] std::optional<rtp::rtcp::SenderReport> report(Clock::TimePoint now, std::uint64_t ntp_now) const;

private:
  std::uint32_t ssrc_;
  std::uint32_t clock_rate_;
  std::uint32_t packet_count_ = 0;
  std::uint32_t octet_count_ = 0;  // RFC 3550: wraps modulo 2^32
  // The newest timestamp sent (a resend of an older packet does not move it) and when.
  std::optional<Clock::TimePoint> reference_sent_at_;
  std::uint32_t reference_timestamp_ = 0;
};

}  // namespace presentd::media
