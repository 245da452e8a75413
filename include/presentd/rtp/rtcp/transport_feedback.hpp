// SPDX-License-Identifier: Apache-2.0
#pragma once
// Transport-wide congestion control feedback, draft-holmer-rmcat-transport-wide-cc-extensions-01
// §3.1 (RTPFB, FMT 15). The sender's bandwidth estimator needs it to ramp up; it reports, for a
// range of transport-wide sequence numbers, which packets arrived and when.
//   0                   1                   2                   3
//   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//  |V=2|P|  FMT=15 |    PT=205     |           length              |
//  |                     SSRC of packet sender                     |
//  |                      SSRC of media source                     |
//  |      base sequence number     |      packet status count      |
//  |                 reference time                | fb pkt. count |
//  |          packet chunk         |         packet chunk          |  ...
//  |         packet chunk          |  recv delta   |  recv delta   |  ...
//  |           recv delta          |  recv delta   | zero padding  |
//
// Packet chunks (16 bits) give one status symbol per packet: 0 not received, 1 received with a
// small delta (1 byte, 0..63.75 ms), 2 received with a large or negative delta (2 bytes, signed),
// 3 reserved.
//   run length:    |T=0| S (2) |        run length (13)        |
//   status vector: |T=1|S=0| 14 one-bit symbols |  or  |T=1|S=1| 7 two-bit symbols |
// Receive deltas count 250 µs; the first is relative to the reference time (24 bits, 64 ms units),
// each next one to the previous received packet. The reference time's base is the receiver's
// choice and only differences between feedback messages matter to the sender, so it is handled as
// an unsigned value modulo 2^24 (wrapping every ~12.4 days), as libwebrtc does.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "presentd/rtp/rtcp/rtcp_packet.hpp"

namespace presentd::rtp::rtcp {

inline constexpr std::int64_t kDeltaTickUs = 250;
inline constexpr std::int64_t kReferenceTickUs = 64000;
inline constexpr std::size_t kMaxPacketStatusCount = 0xFFFF;

struct TransportFeedback {
  struct Packet {
    std::uint16_t sequence_number = 0;
    // In the feedback's time base: reference_time * 64 ms plus the receive deltas so far.
    // nullopt: not received.
    std::optional<std::int64_t> arrival_time_us;
    bool operator==(const Packet&) const = default;
  };

  std::uint32_t sender_ssrc = 0;
  std::uint32_t media_ssrc = 0;
  std::uint16_t base_sequence = 0;
  std::uint32_t reference_time = 0;  // 24 bits, 64 ms units
  std::uint8_t feedback_count = 0;
  std::vector<Packet> packets;  // consecutive sequence numbers starting at base_sequence

  bool operator==(const TransportFeedback&) const = default;

  // nullopt when truncated, when a status is the reserved symbol or when the status count is 0.
  [[nodiscard]] static std::optional<TransportFeedback> parse(const PacketView& packet);
  // false (and nothing written) when the packet cannot be encoded: no packets, more than 65535,
  // sequence numbers not consecutive from base_sequence, arrival times not on the 250 µs grid of
  // the reference time, or a delta outside the signed 16-bit range.
  [[nodiscard]] bool write(std::vector<std::uint8_t>& out) const;
  // Bytes write() would produce (0 when it would fail).
  [[nodiscard]] std::size_t encoded_size() const;
};

// What the receiver recorded for one transport-wide sequence number.
struct PacketArrival {
  std::uint16_t sequence_number = 0;
  std::optional<std::int64_t> arrival_time_us;  // any monotonic time base; nullopt: not received
};

// Turns the arrivals of one feedback interval into as few feedback messages as fit. `arrivals`
// must be in increasing wrap-aware sequence order; an entry that is not newer than the one before
// is skipped, and sequence numbers missing between entries are reported as not received. Arrival
// times are rounded down to 250 µs. A new message starts when a delta does not fit 16 bits, the
// status count would pass 65535, or the message would exceed `max_packet_size` bytes. Messages are
// numbered from `first_feedback_count`.
[[nodiscard]] std::vector<TransportFeedback> build_transport_feedback(std::uint32_t sender_ssrc,
                                                                      std::uint32_t media_ssrc,
                                                                      std::span<const PacketArrival> arrivals,
                                                                      std::uint8_t first_feedback_count,
                                                                      std::size_t max_packet_size = 1200);

}  // namespace presentd::rtp::rtcp
