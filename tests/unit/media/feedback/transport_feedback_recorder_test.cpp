// SPDX-License-Identifier: Apache-2.0
#include "presentd/media/feedback/transport_feedback_recorder.hpp"

#include <gtest/gtest.h>

#include <random>

#include "presentd/rtp/rtcp/rtcp_packet.hpp"

namespace presentd::media {
namespace {

using namespace std::chrono_literals;
using rtp::rtcp::TransportFeedback;

class TransportFeedbackRecorderTest : public ::testing::Test {
protected:
  std::uint16_t start_ = static_cast<std::uint16_t>(65536 - 7 - std::mt19937(7)() % 5);  // wraps within the test
  ManualClock clock_;
  TransportFeedbackRecorder recorder_{clock_, 0x11111111};
};

TEST_F(TransportFeedbackRecorderTest, ReportsArrivalsAndLossesAcrossTheWrapWithTheirSpacing) {
  // Packets start+0..start+9 with +3 and +6 lost, 5 ms apart.
  for (int i = 0; i < 10; ++i) {
    if (i != 3 && i != 6) recorder_.on_packet(static_cast<std::uint16_t>(start_ + i), 0xABCD);
    clock_.advance(5ms);
  }
  const auto messages = recorder_.build_feedback();
  ASSERT_EQ(messages.size(), 1u);
  const TransportFeedback& feedback = messages[0];
  EXPECT_EQ(feedback.sender_ssrc, 0x11111111u);
  EXPECT_EQ(feedback.media_ssrc, 0xABCDu);
  EXPECT_EQ(feedback.base_sequence, start_);
  EXPECT_EQ(feedback.feedback_count, 0);
  ASSERT_EQ(feedback.packets.size(), 10u);
  const auto first = *feedback.packets[0].arrival_time_us;
  for (int i = 0; i < 10; ++i) {
    const auto& packet = feedback.packets[static_cast<std::size_t>(i)];
    EXPECT_EQ(packet.sequence_number, static_cast<std::uint16_t>(start_ + i));
    if (i == 3 || i == 6) {
      EXPECT_FALSE(packet.arrival_time_us.has_value()) << i;
    } else {
      ASSERT_TRUE(packet.arrival_time_us.has_value()) << i;
      EXPECT_EQ(*packet.arrival_time_us - first, i * 5000) << i;
    }
  }
  // The message survives its own wire format.
  std::vector<std::uint8_t> wire;
  ASSERT_TRUE(feedback.write(wire));
  const auto view = rtp::rtcp::parse_packet(wire);
  ASSERT_TRUE(view.has_value());
  const auto parsed = TransportFeedback::parse(*view);
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->packets.size(), 10u);
}

TEST_F(TransportFeedbackRecorderTest, ConsecutiveIntervalsContinueTheSequenceAndCountMessages) {
  recorder_.on_packet(start_, 1);
  recorder_.on_packet(static_cast<std::uint16_t>(start_ + 1), 1);
  auto first = recorder_.build_feedback();
  ASSERT_EQ(first.size(), 1u);
  EXPECT_TRUE(recorder_.build_feedback().empty());  // nothing new, nothing sent

  // start+2 lost, start+3 arrives: the next message starts at start+2 to report the loss.
  recorder_.on_packet(static_cast<std::uint16_t>(start_ + 3), 1);
  auto second = recorder_.build_feedback();
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].base_sequence, static_cast<std::uint16_t>(start_ + 2));
  EXPECT_EQ(second[0].feedback_count, 1);
  ASSERT_EQ(second[0].packets.size(), 2u);
  EXPECT_FALSE(second[0].packets[0].arrival_time_us.has_value());

  // start+2 arriving now is too late: it was reported lost and is not reported again.
  recorder_.on_packet(static_cast<std::uint16_t>(start_ + 2), 1);
  EXPECT_TRUE(recorder_.build_feedback().empty());
  EXPECT_EQ(recorder_.stats().late_packets, 1u);
}

TEST_F(TransportFeedbackRecorderTest, ReorderedAndDuplicatePacketsWithinAnIntervalAreReportedOnce) {
  for (int i : {0, 2, 1, 2, 3}) {
    recorder_.on_packet(static_cast<std::uint16_t>(start_ + i), 1);
    clock_.advance(1ms);
  }
  const auto messages = recorder_.build_feedback();
  ASSERT_EQ(messages.size(), 1u);
  ASSERT_EQ(messages[0].packets.size(), 4u);
  for (const auto& packet : messages[0].packets) EXPECT_TRUE(packet.arrival_time_us.has_value());
}

TEST_F(TransportFeedbackRecorderTest, AJumpFarAheadKeepsTheWindowBounded) {
  recorder_.on_packet(start_, 1);
  recorder_.on_packet(static_cast<std::uint16_t>(start_ + 30000), 1);
  const auto messages = recorder_.build_feedback();
  std::size_t reported = 0;
  for (const auto& message : messages) reported += message.packets.size();
  EXPECT_LE(reported, static_cast<std::size_t>(TransportFeedbackRecorder::kMaxWindow));
}

}  // namespace
}  // namespace presentd::media
