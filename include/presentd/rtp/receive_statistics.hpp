// SPDX-License-Identifier: Apache-2.0
#pragma once
// Receiver-side statistics per media SSRC, as RFC 3550 Appendix A defines them: sequence-number
// validation (A.1), expected and lost packets (A.3) and interarrival jitter (A.8). They feed the
// report blocks of our receiver reports, which the sender uses for its loss-based rate control.
// Thread: event loop (the session's media streams live there).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "presentd/common/clock.hpp"
#include "presentd/rtp/rtcp/report_block.hpp"
#include "presentd/rtp/rtcp/sender_report.hpp"
#include "presentd/rtp/rtp_packet.hpp"

namespace presentd::rtp {

class StreamStatistician {
public:
  // RFC 3550 A.1 constants.
  static constexpr std::uint32_t kMaxDropout = 3000;
  static constexpr std::uint32_t kMaxMisorder = 100;
  static constexpr int kMinSequential = 2;

  // `clock_rate`: RTP timestamp ticks per second (90000 for video).
  StreamStatistician(std::uint32_t ssrc, std::uint32_t clock_rate, const Clock& clock);

  // Records one packet arriving now. Returns false when A.1 does not count it yet: during
  // probation, and for the first packet after a large jump (which counts only once the next packet
  // confirms the new sequence, i.e. the sender restarted).
  bool on_packet(std::uint16_t sequence_number, std::uint32_t rtp_timestamp, std::size_t size_bytes);
  // Remembers the middle 32 bits of the SR's NTP time and when it arrived, for LSR/DLSR.
  void on_sender_report(std::uint64_t ntp_timestamp);

  // A.3: the report block for this interval; starts the next interval. nullopt until a packet has
  // been validated.
  [[nodiscard]] std::optional<rtcp::ReportBlock> make_report_block();

  std::uint32_t ssrc() const { return ssrc_; }
  std::uint64_t packets_received() const { return received_; }
  std::uint64_t bytes_received() const { return bytes_; }
  std::uint32_t extended_highest_sequence() const { return cycles_ + max_seq_; }
  std::int64_t cumulative_lost() const;
  std::uint32_t jitter() const { return jitter_q4_ >> 4; }  // timestamp units

private:
  void init_sequence(std::uint16_t seq);
  bool update_sequence(std::uint16_t seq);
  std::uint32_t expected() const { return extended_highest_sequence() - base_seq_ + 1; }

  const Clock& clock_;
  const Clock::TimePoint start_;
  std::uint32_t ssrc_;
  std::uint32_t clock_rate_;

  // A.1 state, named as in the RFC.
  std::uint16_t max_seq_ = 0;
  std::uint32_t cycles_ = 0;  // count of wraps, shifted left 16
  std::uint32_t base_seq_ = 0;
  std::uint32_t bad_seq_ = 0;
  int probation_ = kMinSequential;
  bool started_ = false;
  std::uint64_t received_ = 0;
  std::uint64_t bytes_ = 0;
  // A.3 interval state.
  std::uint32_t expected_prior_ = 0;
  std::uint64_t received_prior_ = 0;
  // A.8 state: the last relative transit time (timestamp units) and jitter scaled by 16.
  std::optional<std::uint32_t> transit_;
  std::uint32_t jitter_q4_ = 0;
  // Last SR: compact NTP time and arrival.
  std::uint32_t last_sr_ = 0;
  std::optional<Clock::TimePoint> last_sr_arrival_;
};

// The statistics of every SSRC we receive. Packets of an SSRC that was not added are ignored.
class ReceiveStatistics {
public:
  explicit ReceiveStatistics(const Clock& clock) : clock_(clock) {}

  // Starts (or restarts) statistics for an SSRC.
  void add_stream(std::uint32_t ssrc, std::uint32_t clock_rate);
  void remove_stream(std::uint32_t ssrc) { streams_.erase(ssrc); }

  // false for an unknown SSRC or a packet A.1 does not count (see StreamStatistician::on_packet).
  bool on_packet(const RtpPacket& packet);
  void on_sender_report(const rtcp::SenderReport& report);

  // One block per stream that has validated packets, in SSRC order; starts the next interval.
  [[nodiscard]] std::vector<rtcp::ReportBlock> make_report_blocks();
  [[nodiscard]] const StreamStatistician* stream(std::uint32_t ssrc) const;

private:
  const Clock& clock_;
  std::map<std::uint32_t, StreamStatistician> streams_;
};

}  // namespace presentd::rtp
