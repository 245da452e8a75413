// SPDX-License-Identifier: Apache-2.0
#include "presentd/rtp/rtcp/transport_feedback.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "rtcp_test_support.hpp"
#include "support/rtp/wrap_test_support.hpp"

namespace presentd::rtp::rtcp {
namespace {

using test::parse_bytes;
using test::round_trip;

// A transport-cc feedback captured from Chrome (Wireshark dissection published with
// olivermichel/webrtc-analysis, test/include/data.h): P=1, base 1, 9 packets in one run-length
// chunk (0x2009: S=1 small delta, run 9), reference time 6197520, deltas 7, 3, 11, 14, 0, 1, 0, 2,
// 6 ms, one padding byte.
const std::vector<std::uint8_t> kChromeFeedback = {
    0xAF, 0xCD, 0x00, 0x07, 0x00, 0x00, 0x00, 0x01, 0xDD, 0x58, 0x6E, 0xB6, 0x00, 0x01, 0x00, 0x09,
    0x5E, 0x91, 0x10, 0x00, 0x20, 0x09, 0x1C, 0x0C, 0x2C, 0x38, 0x00, 0x04, 0x00, 0x08, 0x18, 0x01,
};

TEST(TransportFeedback, ParsesCapturedChromePacket) {
  const auto feedback = parse_bytes<TransportFeedback>(kChromeFeedback);
  ASSERT_TRUE(feedback);
  EXPECT_EQ(feedback->sender_ssrc, 1u);
  EXPECT_EQ(feedback->media_ssrc, 0xDD586EB6u);
  EXPECT_EQ(feedback->base_sequence, 1);
  EXPECT_EQ(feedback->reference_time, 6197520u);
  EXPECT_EQ(feedback->feedback_count, 0);
  ASSERT_EQ(feedback->packets.size(), 9u);
  const std::int64_t base_us = 6197520LL * 64000;
  const std::int64_t cumulative_ms[] = {7, 10, 21, 35, 35, 36, 36, 38, 44};
  for (std::size_t i = 0; i < 9; ++i) {
    EXPECT_EQ(feedback->packets[i].sequence_number, i + 1);
    ASSERT_TRUE(feedback->packets[i].arrival_time_us);
    EXPECT_EQ(*feedback->packets[i].arrival_time_us, base_us + cumulative_ms[i] * 1000) << i;
  }
  // Our writer encodes the same statuses the same way, padding included.
  std::vector<std::uint8_t> written;
  ASSERT_TRUE(feedback->write(written));
  EXPECT_EQ(written, kChromeFeedback);
}

// Hand-built: base 0xFFFE (crosses the wrap), 5 packets in a two-bit status vector
// [small, not received, large, small, not received], reference time 1.
TEST(TransportFeedback, ParsesTwoBitVectorWithLargeAndNegativeDeltas) {
  const std::vector<std::uint8_t> bytes = {
      0x8F, 0xCD, 0x00, 0x06,                                                  // FMT=15 PT=205 length 6
      0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02, 0xFF, 0xFE, 0x00, 0x05,  // base 65534, count 5
      0x00, 0x00, 0x01, 0x09,                                                  // reference 1 (64 ms), feedback count 9
      0xD2, 0x40,  // 1 1 | 01 00 10 01 00 00 00: small, none, large, small, none
      0x04,        // +1 ms
      0xFF, 0xF0,  // -4 ms (-16 ticks)
      0x08,        // +2 ms
      0x00, 0x00,  // zero padding
  };
  const auto feedback = parse_bytes<TransportFeedback>(bytes);
  ASSERT_TRUE(feedback);
  EXPECT_EQ(feedback->feedback_count, 9);
  ASSERT_EQ(feedback->packets.size(), 5u);
  const std::vector<TransportFeedback::Packet> expected = {
      {65534, 65000}, {65535, std::nullopt}, {0, 61000}, {1, 63000}, {2, std::nullopt}};
  EXPECT_EQ(feedback->packets, expected);
}

TEST(TransportFeedback, RejectsMalformedPackets) {
  // Status count 0.
  EXPECT_FALSE(parse_bytes<TransportFeedback>(
      std::vector<std::uint8_t>{0x8F, 0xCD, 0x00, 0x04, 0, 0, 0, 1, 0, 0, 0, 2, 0x00, 0x01, 0x00, 0x00, 0, 0, 0, 0}));
  // Count 9 but no chunk.
  EXPECT_FALSE(parse_bytes<TransportFeedback>(
      std::vector<std::uint8_t>{0x8F, 0xCD, 0x00, 0x04, 0, 0, 0, 1, 0, 0, 0, 2, 0x00, 0x01, 0x00, 0x09, 0, 0, 0, 0}));
  // Run of 9 small deltas but only 2 delta bytes.
  EXPECT_FALSE(parse_bytes<TransportFeedback>(std::vector<std::uint8_t>{
      0x8F, 0xCD, 0x00, 0x05, 0, 0, 0, 1, 0, 0, 0, 2, 0x00, 0x01, 0x00, 0x09, 0, 0, 0, 0, 0x20, 0x09, 0x01, 0x01}));
  // Reserved symbol 3 in a run.
  EXPECT_FALSE(parse_bytes<TransportFeedback>(std::vector<std::uint8_t>{
      0x8F, 0xCD, 0x00, 0x05, 0, 0, 0, 1, 0, 0, 0, 2, 0x00, 0x01, 0x00, 0x01, 0, 0, 0, 0, 0x60, 0x01, 0x00, 0x00}));
  // Truncated fixed part.
  EXPECT_FALSE(parse_bytes<TransportFeedback>(
      std::vector<std::uint8_t>{0x8F, 0xCD, 0x00, 0x03, 0, 0, 0, 1, 0, 0, 0, 2, 0x00, 0x01, 0x00, 0x09}));
}

std::vector<PacketArrival> arrivals_from(std::uint16_t start, const std::vector<std::optional<std::int64_t>>& times) {
  std::vector<PacketArrival> arrivals;
  for (std::size_t i = 0; i < times.size(); ++i) {
    arrivals.push_back({static_cast<std::uint16_t>(start + i), times[i]});
  }
  return arrivals;
}

// Checks that the messages cover the arrivals in order with times rounded down to 250 µs, all in
// one time base (differences are preserved even though each message has its own reference).
void expect_reports(const std::vector<TransportFeedback>& messages, const std::vector<PacketArrival>& arrivals) {
  std::vector<TransportFeedback::Packet> reported;
  for (const TransportFeedback& message : messages) {
    const auto parsed = round_trip(message);
    ASSERT_TRUE(parsed);
    EXPECT_EQ(*parsed, message);
    reported.insert(reported.end(), parsed->packets.begin(), parsed->packets.end());
  }
  ASSERT_EQ(reported.size(), arrivals.size());
  std::optional<std::int64_t> first_reported;
  std::optional<std::int64_t> first_sent;
  for (std::size_t i = 0; i < arrivals.size(); ++i) {
    EXPECT_EQ(reported[i].sequence_number, arrivals[i].sequence_number);
    ASSERT_EQ(reported[i].arrival_time_us.has_value(), arrivals[i].arrival_time_us.has_value()) << i;
    if (!arrivals[i].arrival_time_us) continue;
    const std::int64_t quantised = *arrivals[i].arrival_time_us / kDeltaTickUs * kDeltaTickUs;
    if (!first_sent) {
      first_sent = quantised;
      first_reported = *reported[i].arrival_time_us;
    }
    EXPECT_EQ(*reported[i].arrival_time_us - *first_reported, quantised - *first_sent) << i;
  }
}

TEST(BuildTransportFeedback, RoundTripsLostPacketsAndLargeDelta) {
  const std::uint16_t start = rtp::test::start_near_wrap(11);
  const std::int64_t t0 = 1'000'000'000;  // 1000 s on some monotonic clock
  // Small deltas, two losses, a 100 ms gap (large delta), a reordered arrival (negative delta).
  const auto arrivals = arrivals_from(start, {t0, t0 + 1'000, std::nullopt, t0 + 2'600, std::nullopt, t0 + 102'600,
                                              t0 + 101'000, t0 + 103'123, t0 + 103'124});
  const auto messages = build_transport_feedback(1, 2, arrivals, 250);
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].base_sequence, start);
  EXPECT_EQ(messages[0].feedback_count, 250);
  EXPECT_EQ(messages[0].reference_time, static_cast<std::uint32_t>(t0 / kReferenceTickUs));
  expect_reports(messages, arrivals);
}

TEST(BuildTransportFeedback, FillsSequenceGapsAndSkipsStaleEntries) {
  const std::uint16_t start = rtp::test::start_near_wrap(12);
  std::vector<PacketArrival> arrivals = {
      {start, 5'000},
      {static_cast<std::uint16_t>(start + 3), 6'000},
      {static_cast<std::uint16_t>(start + 2), 7'000},  // older than the previous entry: skipped
      {static_cast<std::uint16_t>(start + 60), 8'000},
  };
  const auto messages = build_transport_feedback(1, 2, arrivals, 0);
  ASSERT_EQ(messages.size(), 1u);
  ASSERT_EQ(messages[0].packets.size(), 61u);
  std::size_t received = 0;
  for (const auto& packet : messages[0].packets) received += packet.arrival_time_us.has_value();
  EXPECT_EQ(received, 3u);
  const auto parsed = round_trip(messages[0]);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->packets, messages[0].packets);
}

// A gap longer than a 16-bit delta (8.19 s) needs a new message with a new reference time.
TEST(BuildTransportFeedback, SplitsWhenDeltaDoesNotFitSixteenBits) {
  const std::uint16_t start = rtp::test::start_near_wrap(13);
  const auto arrivals = arrivals_from(start, {64'000, 65'000, 64'000 + 10'000'000, 64'000 + 10'000'250});
  const auto messages = build_transport_feedback(1, 2, arrivals, 7);
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(messages[0].packets.size(), 2u);
  EXPECT_EQ(messages[1].base_sequence, static_cast<std::uint16_t>(start + 2));
  EXPECT_EQ(messages[1].feedback_count, 8);
  expect_reports(messages, arrivals);
}

TEST(BuildTransportFeedback, SplitsToRespectMaximumSize) {
  const std::uint16_t start = rtp::test::start_near_wrap(14);
  std::vector<std::optional<std::int64_t>> times;
  for (int i = 0; i < 1000; ++i) {
    // Alternate small and large deltas and an occasional loss so every chunk type appears.
    if (i % 13 == 5) {
      times.push_back(std::nullopt);
    } else {
      times.push_back(5'000'000 + i * 1'000 + (i % 3 == 0 ? 70'000 : 0));
    }
  }
  const auto arrivals = arrivals_from(start, times);
  const auto messages = build_transport_feedback(1, 2, arrivals, 0, 200);
  ASSERT_GT(messages.size(), 1u);
  for (const auto& message : messages) {
    EXPECT_LE(message.encoded_size(), 200u);
  }
  expect_reports(messages, arrivals);
}

TEST(TransportFeedback, WriteRefusesInconsistentMessages) {
  TransportFeedback feedback;
  std::vector<std::uint8_t> out;
  EXPECT_FALSE(feedback.write(out));  // no packets
  feedback.base_sequence = 10;
  feedback.packets = {{10, 0}, {12, 250}};  // not consecutive
  EXPECT_FALSE(feedback.write(out));
  feedback.packets = {{10, 0}, {11, 100}};  // off the 250 µs grid
  EXPECT_FALSE(feedback.write(out));
  feedback.packets = {{10, 0}, {11, 40'000'000}};  // delta beyond 16 bits
  EXPECT_FALSE(feedback.write(out));
  EXPECT_TRUE(out.empty());
}

}  // namespace
}  // namespace presentd::rtp::rtcp
