// SPDX-License-Identifier: Apache-2.0
#include "presentd/rtp/receive_statistics.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <vector>

#include "support/rtp/wrap_test_support.hpp"

namespace presentd::rtp {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;

constexpr std::uint32_t kVideoClockRate = 90000;

struct Arrival {
  int offset;  // sequence number relative to the stream's first one
  bool counted;
};

struct SequenceCase {
  const char* name;
  std::vector<Arrival> arrivals;
  std::uint64_t received;
  std::uint32_t highest_offset;  // extended highest sequence relative to the first sequence number
  bool resynced;                 // A.1 init_seq() reset the cycle count
  std::int64_t cumulative_lost;
};

class SequenceValidation : public ::testing::TestWithParam<SequenceCase> {};

// RFC 3550 A.1, starting just below the wrap so every case crosses it.
TEST_P(SequenceValidation, FollowsRfc3550AppendixA1) {
  const SequenceCase& c = GetParam();
  ManualClock clock;
  const std::uint16_t start = test::start_near_wrap(static_cast<std::uint32_t>(c.received * 31 + c.highest_offset));
  StreamStatistician stats(1, kVideoClockRate, clock);
  for (std::size_t i = 0; i < c.arrivals.size(); ++i) {
    const auto seq = static_cast<std::uint16_t>(start + c.arrivals[i].offset);
    EXPECT_EQ(stats.on_packet(seq, 0, 100), c.arrivals[i].counted) << "arrival " << i;
    clock.advance(milliseconds(10));
  }
  EXPECT_EQ(stats.packets_received(), c.received);
  const std::uint32_t expected_highest = static_cast<std::uint32_t>(start) + c.highest_offset;
  EXPECT_EQ(stats.extended_highest_sequence(), c.resynced ? (expected_highest & 0xFFFF) : expected_highest);
  EXPECT_EQ(stats.cumulative_lost(), c.cumulative_lost);
}

std::vector<Arrival> sequential(int first, int last) {
  std::vector<Arrival> out;
  for (int i = first; i <= last; ++i) out.push_back({i, i != 0});
  return out;
}

INSTANTIATE_TEST_SUITE_P(
    Table, SequenceValidation,
    ::testing::Values(
        // The first packet only starts probation; the second validates the source (MIN_SEQUENTIAL 2).
        SequenceCase{"probation_needs_two_sequential", {{0, false}, {1, true}, {2, true}}, 2, 2, false, 0},
        SequenceCase{"probation_restarts_after_gap", {{0, false}, {5, false}, {6, true}, {7, true}}, 2, 7, false, 0},
        SequenceCase{"wrap_adds_a_cycle", sequential(0, 60), 60, 60, false, 0},
        SequenceCase{"loss_is_expected_minus_received",
                     {{0, false}, {1, true}, {2, true}, {4, true}, {5, true}},
                     4,
                     5,
                     false,
                     1},
        // Duplicates count as received, so the loss goes negative (why the field is signed).
        SequenceCase{
            "duplicates_make_loss_negative", {{0, false}, {1, true}, {2, true}, {2, true}, {3, true}}, 4, 3, false, -1},
        SequenceCase{"reordering_within_misorder_counts",
                     {{0, false}, {1, true}, {2, true}, {60, true}, {10, true}},
                     4,
                     60,
                     false,
                     56},
        // 249 behind is beyond MAX_MISORDER (100): treated as a jump, not counted.
        SequenceCase{
            "too_late_is_not_counted", {{0, false}, {1, true}, {2, true}, {251, true}, {2, false}}, 3, 251, false, 248},
        // A jump beyond MAX_DROPOUT (3000) is ignored until the next packet follows it: then the
        // sender restarted, and statistics start over from there.
        SequenceCase{"big_jump_resyncs_after_two_sequential",
                     {{0, false}, {1, true}, {2, true}, {10000, false}, {10001, true}, {10002, true}},
                     2,
                     10002,
                     true,
                     0},
        SequenceCase{"big_jump_not_followed_is_dropped",
                     {{0, false}, {1, true}, {2, true}, {10000, false}, {3, true}},
                     3,
                     3,
                     false,
                     0},
        SequenceCase{"dropout_just_below_limit_is_loss",
                     {{0, false}, {1, true}, {2, true}, {2 + 2999, true}},
                     3,
                     3001,
                     false,
                     2998}),
    [](const ::testing::TestParamInfo<SequenceCase>& param_info) { return std::string(param_info.param.name); });

// A.3: fraction lost covers the interval since the previous report, cumulative loss everything.
TEST(StreamStatistician, FractionLostPerInterval) {
  ManualClock clock;
  const std::uint16_t start = test::start_near_wrap(21);
  StreamStatistician stats(7, kVideoClockRate, clock);
  EXPECT_FALSE(stats.make_report_block());  // nothing validated yet
  // Interval 1: offsets 0..100, 11..20 lost. Offset 0 is the probation packet, so 100 expected
  // (1..100), 90 received: 10 * 256 / 100 = 25.6, truncated to 25.
  for (int i = 0; i <= 100; ++i) {
    if (i < 11 || i > 20) stats.on_packet(static_cast<std::uint16_t>(start + i), 0, 1000);
  }
  auto block = stats.make_report_block();
  ASSERT_TRUE(block);
  EXPECT_EQ(block->source_ssrc, 7u);
  EXPECT_EQ(block->fraction_lost, 25);
  EXPECT_EQ(block->cumulative_lost, 10);
  EXPECT_EQ(block->extended_highest_sequence, static_cast<std::uint32_t>(start) + 100);
  // Interval 2: 101..200 complete.
  for (int i = 101; i <= 200; ++i) stats.on_packet(static_cast<std::uint16_t>(start + i), 0, 1000);
  block = stats.make_report_block();
  EXPECT_EQ(block->fraction_lost, 0);
  EXPECT_EQ(block->cumulative_lost, 10);
  // Interval 3: 201..204 with 202 missing: 1 of 4.
  for (int i : {201, 203, 204}) stats.on_packet(static_cast<std::uint16_t>(start + i), 0, 1000);
  block = stats.make_report_block();
  EXPECT_EQ(block->fraction_lost, 64);
  EXPECT_EQ(block->cumulative_lost, 11);
  // Interval 4: only duplicates: more received than expected, reported as 0, not negative.
  for (int i : {203, 204}) stats.on_packet(static_cast<std::uint16_t>(start + i), 0, 1000);
  block = stats.make_report_block();
  EXPECT_EQ(block->fraction_lost, 0);
  EXPECT_EQ(block->cumulative_lost, 9);
  EXPECT_EQ(stats.bytes_received(), 1000u * (90 + 100 + 3 + 2));
}

TEST(StreamStatistician, CumulativeLossClampsTo24Bits) {
  ManualClock clock;
  StreamStatistician stats(1, kVideoClockRate, clock);
  std::uint16_t seq = test::start_near_wrap(22);
  stats.on_packet(seq++, 0, 1);
  stats.on_packet(seq, 0, 1);
  // Jumps of 2999 stay under MAX_DROPOUT, each losing 2998 packets: 3000 of them lose ~9 million.
  for (int i = 0; i < 3000; ++i) {
    seq = static_cast<std::uint16_t>(seq + 2999);
    ASSERT_TRUE(stats.on_packet(seq, 0, 1));
  }
  EXPECT_EQ(stats.cumulative_lost(), 2998LL * 3000);
  EXPECT_EQ(stats.make_report_block()->cumulative_lost, rtcp::kMaxCumulativeLost);
}

// A.8 by hand: 90 kHz, one packet per 30 ms of media (2700 ticks), arrivals at 0, 30, 62, 88, 120,
// 155, 180 ms (1 ms = 90 ticks). D = arrival spacing - 2700: -, -, +180, -360, +180, +450, -450.
// The first packet is in probation, the second sets the first transit time; then with J scaled
// by 16, J += |D| - ((J + 8) >> 4):
//   180 -> 180 (11), 360 -> 529 (33), 180 -> 676 (42), 450 -> 1084 (67), 450 -> 1466 (91).
TEST(StreamStatistician, InterarrivalJitterMatchesHandComputation) {
  ManualClock clock;
  StreamStatistician stats(1, kVideoClockRate, clock);
  const std::uint16_t start = test::start_near_wrap(23, 4);
  const std::uint32_t ts0 = 0xFFFFF000u;  // the RTP timestamp wraps too
  const int arrivals_ms[] = {0, 30, 62, 88, 120, 155, 180};
  const std::uint32_t expected_jitter[] = {0, 0, 11, 33, 42, 67, 91};
  int now_ms = 0;
  for (int i = 0; i < 7; ++i) {
    clock.advance(milliseconds(arrivals_ms[i] - now_ms));
    now_ms = arrivals_ms[i];
    stats.on_packet(static_cast<std::uint16_t>(start + i), ts0 + 2700u * static_cast<std::uint32_t>(i), 1200);
    EXPECT_EQ(stats.jitter(), expected_jitter[i]) << "packet " << i;
  }
  EXPECT_EQ(stats.make_report_block()->jitter, 91u);
}

// Duplicates and late packets do not feed the jitter estimate (their transit reflects reordering).
TEST(StreamStatistician, JitterIgnoresDuplicates) {
  ManualClock clock;
  StreamStatistician stats(1, kVideoClockRate, clock);
  const std::uint16_t start = test::start_near_wrap(24, 4);
  for (int i = 0; i < 5; ++i) {
    stats.on_packet(static_cast<std::uint16_t>(start + i), 2700u * static_cast<std::uint32_t>(i), 100);
    clock.advance(milliseconds(30));
  }
  EXPECT_EQ(stats.jitter(), 0u);
  clock.advance(milliseconds(500));
  stats.on_packet(static_cast<std::uint16_t>(start + 2), 2700u * 2, 100);
  EXPECT_EQ(stats.jitter(), 0u);
}

TEST(StreamStatistician, ReportsLastSenderReportAndDelay) {
  ManualClock clock;
  StreamStatistician stats(1, kVideoClockRate, clock);
  const std::uint16_t start = test::start_near_wrap(25);
  stats.on_packet(start, 0, 1);
  stats.on_packet(static_cast<std::uint16_t>(start + 1), 0, 1);
  auto block = stats.make_report_block();
  EXPECT_EQ(block->last_sr, 0u);  // no SR yet: both zero (RFC 3550 §6.4.1)
  EXPECT_EQ(block->delay_since_last_sr, 0u);
  stats.on_sender_report(0xE94B3A1080000000ull);
  clock.advance(microseconds(1'500'000));
  block = stats.make_report_block();
  EXPECT_EQ(block->last_sr, 0x3A108000u);
  EXPECT_EQ(block->delay_since_last_sr, 98304u);  // 1.5 s in 1/65536 s
}

TEST(ReceiveStatistics, TracksStreamsBySsrcAndRoutesSenderReports) {
  ManualClock clock;
  ReceiveStatistics stats(clock);
  stats.add_stream(0x200, kVideoClockRate);
  stats.add_stream(0x100, 48000);
  const std::uint16_t start = test::start_near_wrap(26);
  for (int i = 0; i < 3; ++i) {
    for (const std::uint32_t ssrc : {0x100u, 0x200u, 0x300u}) {
      const auto bytes = RtpPacketBuilder().ssrc(ssrc).sequence_number(static_cast<std::uint16_t>(start + i)).build();
      const auto packet = RtpPacket::parse(bytes);
      ASSERT_TRUE(packet);
      EXPECT_EQ(stats.on_packet(*packet), ssrc != 0x300u && i > 0);
    }
  }
  EXPECT_EQ(stats.stream(0x300), nullptr);
  ASSERT_NE(stats.stream(0x100), nullptr);
  EXPECT_EQ(stats.stream(0x100)->packets_received(), 2u);
  EXPECT_EQ(stats.stream(0x100)->bytes_received(), 2u * kRtpFixedHeaderSize);

  rtcp::SenderReport sr;
  sr.sender_ssrc = 0x200;
  sr.ntp_timestamp = 0x0000123456780000ull;
  stats.on_sender_report(sr);
  const auto blocks = stats.make_report_blocks();
  ASSERT_EQ(blocks.size(), 2u);
  EXPECT_EQ(blocks[0].source_ssrc, 0x100u);
  EXPECT_EQ(blocks[0].last_sr, 0u);
  EXPECT_EQ(blocks[1].source_ssrc, 0x200u);
  EXPECT_EQ(blocks[1].last_sr, 0x12345678u);

  stats.remove_stream(0x100);
  EXPECT_EQ(stats.make_report_blocks().size(), 1u);
}

}  // namespace
}  // namespace presentd::rtp
