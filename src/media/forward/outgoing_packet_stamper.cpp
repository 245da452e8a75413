// SPDX-License-Identifier: Apache-2.0
#include "presentd/media/forward/outgoing_packet_stamper.hpp"

#include <algorithm>
#include <optional>

#include "presentd/rtp/rtp_header_extension.hpp"

namespace presentd::media {
namespace {

constexpr std::int64_t kMicrosPerSecond = 1'000'000;
constexpr std::int64_t kAbsSendTimeWrapSeconds = 64;  // 6 integer bits
constexpr int kAbsSendTimeFractionBits = 18;

bool fits(std::span<const std::uint8_t> packet, const std::optional<std::size_t>& offset, std::size_t size) {
  return !offset || (*offset <= packet.size() && packet.size() - *offset >= size);
}

}  // namespace

std::uint32_t abs_send_time(Clock::TimePoint at) {
  // Reduced modulo 64 s first, so the shift below stays far inside 64 bits (2^26 µs << 18).
  constexpr std::int64_t kWrapMicros = kAbsSendTimeWrapSeconds * kMicrosPerSecond;
  const std::int64_t micros = ((at.time_since_epoch().count() % kWrapMicros) + kWrapMicros) % kWrapMicros;
  return static_cast<std::uint32_t>((static_cast<std::uint64_t>(micros) << kAbsSendTimeFractionBits) /
                                    static_cast<std::uint64_t>(kMicrosPerSecond));
}

bool OutgoingPacketStamper::stamp(std::span<std::uint8_t> packet, const RewrittenPacket& placement,
                                  Clock::TimePoint now) {
  const auto& sequence_at = placement.transport_sequence_number_offset;
  const auto& send_time_at = placement.abs_send_time_offset;
  const auto sequence = rtp::write_transport_sequence_number(next_transport_sequence_number_);
  const auto send_time = rtp::write_abs_send_time(abs_send_time(now));
  if (!fits(packet, sequence_at, sequence.size()) || !fits(packet, send_time_at, send_time.size())) return false;
  if (sequence_at) {
    std::copy(sequence.begin(), sequence.end(), packet.begin() + static_cast<std::ptrdiff_t>(*sequence_at));
    ++next_transport_sequence_number_;
  }
  if (send_time_at) {
    std::copy(send_time.begin(), send_time.end(), packet.begin() + static_cast<std::ptrdiff_t>(*send_time_at));
  }
  return true;
}

}  // namespace presentd::media
