// SPDX-License-Identifier: Apache-2.0
// OutgoingPacketStamper: the transport-wide sequence number counts only the packets that carry it,
// across the 16-bit wrap, and abs-send-time is the clock's time in 6.18 seconds modulo 64 s, both
// written where a real rewriter left room; a placement past the packet writes nothing.
#include "presentd/media/forward/outgoing_packet_stamper.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "presentd/rtp/rtp_header_extension.hpp"
#include "support/rtp/wrap_test_support.hpp"
#include "unit/media/forward/forward_test_packets.hpp"

namespace presentd::media {
namespace {

using namespace std::chrono_literals;
using test::Bytes;

constexpr std::uint8_t kTransportCcId = 3;
constexpr std::uint8_t kAbsSendTimeId = 2;

Clock::TimePoint at(Clock::Duration since_epoch) { return Clock::TimePoint{since_epoch}; }

TEST(AbsSendTime, IsSixPointEighteenSecondsModulo64) {
  EXPECT_EQ(abs_send_time(at(0s)), 0u);
  EXPECT_EQ(abs_send_time(at(1s)), 1u << 18);
  EXPECT_EQ(abs_send_time(at(1500ms)), 0x60000u);
  EXPECT_EQ(abs_send_time(at(63s)), 63u << 18);
  EXPECT_EQ(abs_send_time(at(64s)), 0u);
  EXPECT_EQ(abs_send_time(at(64s + 250ms)), 1u << 16);
  // One unit is ~3.8 µs: a microsecond clock rounds down.
  EXPECT_EQ(abs_send_time(at(4us)), 1u);
  EXPECT_EQ(abs_send_time(at(3us)), 0u);
  // Days of uptime stay in range.
  EXPECT_LT(abs_send_time(at(std::chrono::hours{24 * 400} + 999'999us)), 1u << 24);
}

// A viewer's copy as the rewriter writes it: its own extension IDs for transport-cc and
// abs-send-time when negotiated, with room left at the offsets it returns.
struct Rewritten {
  Bytes bytes;
  RewrittenPacket placement;
};

Rewritten rewrite(bool transport_cc, bool abs_send_time_negotiated, std::uint16_t seq) {
  ViewerStreamConfig viewer;
  viewer.ssrc = 0x5EE0001;
  if (transport_cc) viewer.extensions.push_back({kTransportCcId, std::string(rtp::kTransportCcUri)});
  if (abs_send_time_negotiated) viewer.extensions.push_back({kAbsSendTimeId, std::string(rtp::kAbsSendTimeUri)});
  OutgoingStreamRewriter rewriter(viewer);
  rewriter.select_source({0xA, {{96, 102, rtp::PayloadFormat::vp8}}, {}});
  const Bytes source = test::media_packet(0xA, 96, seq, 9000, test::kVp8Keyframe);
  Rewritten out;
  const auto placement = rewriter.rewrite(*rtp::RtpPacket::parse(source), Clock::TimePoint{}, out.bytes);
  EXPECT_TRUE(placement);
  if (placement) out.placement = *placement;
  return out;
}

TEST(OutgoingPacketStamper, NumbersOnlyThePacketsThatCarryTheExtensionAcrossTheWrap) {
  const std::uint16_t first = rtp::test::start_near_wrap(21, 5);
  OutgoingPacketStamper stamper(first);
  const auto now = at(10s);
  std::uint16_t expected = first;
  for (int i = 0; i < 12; ++i) {
    // Every third packet is of an m-line that did not negotiate transport-cc (audio, say).
    const bool numbered = i % 3 != 2;
    auto packet = rewrite(numbered, true, static_cast<std::uint16_t>(100 + i));
    ASSERT_TRUE(stamper.stamp(packet.bytes, packet.placement, now));
    const auto parsed = rtp::RtpPacket::parse(packet.bytes);
    ASSERT_TRUE(parsed);
    const auto sequence = parsed->find_extension(kTransportCcId);
    ASSERT_EQ(sequence.has_value(), numbered) << i;
    if (numbered) {
      EXPECT_EQ(rtp::parse_transport_sequence_number(*sequence), expected++) << i;
    }
    EXPECT_EQ(rtp::parse_abs_send_time(*parsed->find_extension(kAbsSendTimeId)), 10u << 18) << i;
  }
  EXPECT_EQ(stamper.next_transport_sequence_number(), expected);
  EXPECT_LT(expected, first);  // wrapped
}

TEST(OutgoingPacketStamper, WritesTheSendTimeOfEachTransmission) {
  OutgoingPacketStamper stamper(7);
  auto packet = rewrite(false, true, 1);
  ASSERT_TRUE(stamper.stamp(packet.bytes, packet.placement, at(2s)));
  EXPECT_EQ(rtp::parse_abs_send_time(*rtp::RtpPacket::parse(packet.bytes)->find_extension(kAbsSendTimeId)), 2u << 18);
  // Stamped again (a resend): the new time replaces the old one.
  ASSERT_TRUE(stamper.stamp(packet.bytes, packet.placement, at(3s)));
  EXPECT_EQ(rtp::parse_abs_send_time(*rtp::RtpPacket::parse(packet.bytes)->find_extension(kAbsSendTimeId)), 3u << 18);
  EXPECT_EQ(stamper.next_transport_sequence_number(), 7);
}

TEST(OutgoingPacketStamper, APacketWithoutPlaceholdersIsLeftAlone) {
  OutgoingPacketStamper stamper(7);
  auto packet = rewrite(false, false, 1);
  const Bytes before = packet.bytes;
  ASSERT_TRUE(stamper.stamp(packet.bytes, packet.placement, at(2s)));
  EXPECT_EQ(packet.bytes, before);
  EXPECT_EQ(stamper.next_transport_sequence_number(), 7);
}

TEST(OutgoingPacketStamper, AnOffsetPastThePacketWritesNothing) {
  OutgoingPacketStamper stamper(7);
  Bytes packet(20, 0xEE);
  const Bytes before = packet;
  for (const std::size_t offset : {std::size_t{19}, std::size_t{20}, std::size_t{1000}}) {
    RewrittenPacket placement;
    placement.abs_send_time_offset = 4;  // fits, but must not be written either
    placement.transport_sequence_number_offset = offset;
    EXPECT_FALSE(stamper.stamp(packet, placement, at(2s))) << offset;
    placement.transport_sequence_number_offset = 4;
    placement.abs_send_time_offset = offset - 1;  // no room for 3 bytes at 18, 19 or 999
    EXPECT_FALSE(stamper.stamp(packet, placement, at(2s))) << offset;
  }
  EXPECT_EQ(packet, before);
  EXPECT_EQ(stamper.next_transport_sequence_number(), 7);
  // The last byte of the packet still takes a 2-byte number that ends there.
  RewrittenPacket placement;
  placement.transport_sequence_number_offset = 18;
  EXPECT_TRUE(stamper.stamp(packet, placement, at(2s)));
  EXPECT_EQ(packet[18], 0x00);
  EXPECT_EQ(packet[19], 0x07);
}

}  // namespace
}  // namespace presentd::media
