// SPDX-License-Identifier: Apache-2.0
#pragma once
// KeyframeRequester: turns "a keyframe is needed" (from the jitter buffer, the NACK requester or
// the decoder) into paced RTCP requests. PLI (RFC 4585 §6.3.1) when negotiated, else FIR
// (RFC 5104 §4.3.1); at most one request per min_interval (300 ms), repeated every interval until
// a keyframe arrives.
//
// FIR sequence numbers: every FIR we send is a new command with the next number. RFC 5104
// §4.3.1.2 keeps the number for a mere repetition of a lost FIR, but by the time we send again
// (300 ms later) the previous request may have been served with a keyframe that was itself lost,
// and WebRTC senders ignore a FIR whose number equals the last one they saw.
//
// Thread: event loop; driven by the injected clock, polled on the feedback tick.
#include <chrono>
#include <cstdint>
#include <optional>

#include "presentd/common/clock.hpp"

namespace presentd::media {

enum class KeyframeRequestKind { none, pli, fir };

struct [[nodiscard]] KeyframeRequest {
  KeyframeRequestKind kind = KeyframeRequestKind::none;
  std::uint8_t fir_sequence_number = 0;  // meaningful for fir only
};

struct KeyframeRequesterConfig {
  bool pli_negotiated = true;  // a=rtcp-fb:<pt> nack pli
  bool fir_negotiated = true;  // a=rtcp-fb:<pt> ccm fir
  Clock::Duration min_interval = std::chrono::milliseconds{300};
};

struct KeyframeRequesterStats {
  std::uint64_t plis_sent = 0;
  std::uint64_t firs_sent = 0;
  std::uint64_t keyframes_received = 0;
};

class KeyframeRequester {
public:
  explicit KeyframeRequester(const Clock& clock, KeyframeRequesterConfig config = {});

  // A keyframe is needed; the request goes out at the next poll() that the pacing allows.
  void request() { pending_ = true; }
  // A keyframe reached the decoder: stop asking.
  void on_keyframe();
  // What to send now, if anything. Call after request() for an immediate send, and on the tick.
  KeyframeRequest poll();

  bool pending() const { return pending_; }
  const KeyframeRequesterStats& stats() const { return stats_; }

private:
  const Clock& clock_;
  KeyframeRequesterConfig config_;
  KeyframeRequesterStats stats_;
  bool pending_ = false;
  std::optional<Clock::TimePoint> last_sent_;
  std::uint8_t next_fir_sequence_number_ = 0;
};

}  // namespace presentd::media
