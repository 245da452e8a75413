// SPDX-License-Identifier: Apache-2.0
#pragma once
// Records when each packet carrying a transport-wide sequence number arrived and turns the
// arrivals into transport-wide congestion control feedback (draft-holmer-rmcat-transport-wide-
// cc-extensions-01 §3.1), sent every 100 ms by the session. This feedback is what lets a sender's
// bandwidth estimator (Chrome's GCC) ramp up; without it Chrome stays near its start rate.
//
// One recorder per session (the sequence space is shared by every stream of the transport).
// Thread: event loop.
#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "presentd/common/clock.hpp"
#include "presentd/common/sequence_number.hpp"
#include "presentd/rtp/rtcp/transport_feedback.hpp"

namespace presentd::media {

struct TransportFeedbackStats {
  std::uint64_t packets_recorded = 0;
  std::uint64_t late_packets = 0;  // arrived after their feedback was sent (reported lost)
  std::uint64_t feedback_messages = 0;
};

class TransportFeedbackRecorder {
public:
  // Packets more than this many sequence numbers behind the newest are dropped from the
  // window, so a sender that jumps ahead cannot make one feedback cover a huge range.
  static constexpr std::int64_t kMaxWindow = 4096;

  TransportFeedbackRecorder(const Clock& clock, std::uint32_t sender_ssrc);

  void on_packet(std::uint16_t transport_sequence_number, std::uint32_t media_ssrc);

  // Feedback for everything recorded since the last call; empty when nothing new arrived.
  [[nodiscard]] std::vector<rtp::rtcp::TransportFeedback> build_feedback();

  const TransportFeedbackStats& stats() const { return stats_; }

private:
  const Clock& clock_;
  std::uint32_t sender_ssrc_;
  std::uint32_t media_ssrc_ = 0;  // the draft uses the SSRC of the first media stream
  SequenceUnwrapper unwrapper_;
  std::map<std::int64_t, std::int64_t> arrivals_us_;  // unwrapped sequence → arrival time
  std::optional<std::int64_t> next_unreported_;
  std::uint8_t feedback_count_ = 0;
  TransportFeedbackStats stats_;
};

}  // namespace presentd::media
