// SPDX-License-Identifier: Apache-2.0
#pragma once
// OutgoingPacketStamper: fills the two header-extension values only the sender knows at sending
// time into the room OutgoingStreamRewriter left for them (issue 15), just before SRTP:
//  - the transport-wide sequence number (draft-holmer-rmcat-transport-wide-cc-extensions-01 §2):
//    one counter per viewer (per transport), shared by all its m-lines, incremented for every
//    packet that carries the extension and for no other, since the viewer's feedback reports
//    every number it misses as lost. A resend is a new transmission and gets a new number;
//  - abs-send-time (webrtc.org/experiments/rtp-hdrext/abs-send-time): the send time as 6.18
//    fixed-point seconds, modulo 64 s. Receivers use only its differences, so the injected
//    monotonic clock is its base.
//
// Thread: event loop (one per viewer, no locks).
#include <cstdint>
#include <span>

#include "presentd/common/clock.hpp"
#include "presentd/media/forward/outgoing_stream_rewriter.hpp"

namespace presentd::media {

// abs-send-time of `at`: 24 bits, units of 1/262144 s (2^-18), wrapping every 64 s.
[[nodiscard]] std::uint32_t abs_send_time(Clock::TimePoint at);

class OutgoingPacketStamper {
public:
  // RFC 3550 §5.1's reasoning holds here too: the caller draws a random first number.
  explicit OutgoingPacketStamper(std::uint16_t first_transport_sequence_number)
      : next_transport_sequence_number_(first_transport_sequence_number) {}

  // Writes the values at `placement`'s offsets in `packet` (the viewer's copy before SRTP).
  // false, with nothing written and no number used, when an offset leaves no room in the packet
  // (a rewriter's bug: the packet must not go out with a placeholder).
  [[nodiscard]] bool stamp(std::span<std::uint8_t> packet, const RewrittenPacket& placement, Clock::TimePoint now);

  std::uint16_t next_transport_sequence_number() const { return next_transport_sequence_number_; }

private:
  std::uint16_t next_transport_sequence_number_;
};

}  // namespace presentd::media
