// SPDX-License-Identifier: Apache-2.0
// Round trip from RFC 3611 RRTR/DLRR on a manual clock: the sender echoes our reference time
// after holding it, the network adds the rest.
#include "presentd/media/feedback/rtt_estimator.hpp"

#include <gtest/gtest.h>

namespace presentd::media {
namespace {

using namespace std::chrono_literals;

rtp::rtcp::ExtendedReport echo(std::uint32_t to_ssrc, std::uint64_t rrtr_ntp, Clock::Duration held) {
  const auto compact = static_cast<std::uint32_t>(rrtr_ntp >> 16);
  const auto delay = static_cast<std::uint32_t>(std::chrono::duration<double>(held).count() * 65536.0);
  return rtp::rtcp::ExtendedReport{99, std::nullopt, {{to_ssrc, compact, delay}}};
}

double rtt_ms(const RttEstimator& estimator) {
  return std::chrono::duration<double, std::milli>(*estimator.rtt()).count();
}

TEST(RttEstimator, NtpTimeIs32Dot32Seconds) {
  EXPECT_EQ(RttEstimator::ntp_time(Clock::TimePoint{1500ms}), (1ull << 32) | 0x80000000ull);
  EXPECT_EQ(RttEstimator::ntp_time(Clock::TimePoint{250ms}), 0x40000000ull);
}

TEST(RttEstimator, MeasuresTheNetworkPartOfTheRoundTrip) {
  ManualClock clock;
  RttEstimator estimator(clock, 1234);
  EXPECT_EQ(estimator.rtt(), std::nullopt);
  const auto sent = estimator.make_reference_time();
  ASSERT_TRUE(sent.rrtr_ntp);
  EXPECT_EQ(sent.sender_ssrc, 1234u);
  // 20 ms to the sender, held 300 ms, 20 ms back.
  clock.advance(340ms);
  EXPECT_TRUE(estimator.on_extended_report(echo(1234, *sent.rrtr_ntp, 300ms)));
  ASSERT_TRUE(estimator.rtt());
  EXPECT_NEAR(rtt_ms(estimator), 40.0, 0.1);
}

TEST(RttEstimator, IgnoresEchoesForOthersUnsetOnesAndImplausibleOnes) {
  ManualClock clock;
  RttEstimator estimator(clock, 1234);
  const auto sent = estimator.make_reference_time();
  clock.advance(50ms);
  EXPECT_FALSE(estimator.on_extended_report(echo(4321, *sent.rrtr_ntp, 0ms)));                    // another receiver
  EXPECT_FALSE(estimator.on_extended_report(rtp::rtcp::ExtendedReport{99, {}, {{1234, 0, 0}}}));  // LRR 0
  EXPECT_FALSE(estimator.on_extended_report(echo(1234, *sent.rrtr_ntp, 60ms)));  // held longer than passed
  EXPECT_EQ(estimator.rtt(), std::nullopt);
  // A hair below zero is the sender's rounding on a LAN: a zero round trip.
  EXPECT_TRUE(estimator.on_extended_report(echo(1234, *sent.rrtr_ntp, 52ms)));
  EXPECT_EQ(estimator.rtt(), Clock::Duration::zero());
  EXPECT_TRUE(estimator.on_extended_report(echo(1234, *sent.rrtr_ntp, 30ms)));
  EXPECT_NEAR(rtt_ms(estimator), 20.0, 0.1);
}

TEST(RttEstimator, WorksAcrossTheWrapOfTheCompactClock) {
  // The 16.16 compact time wraps every 65536 s; start just before a wrap.
  ManualClock clock(Clock::TimePoint{std::chrono::seconds(65535) + 900ms});
  RttEstimator estimator(clock, 5);
  const auto sent = estimator.make_reference_time();
  clock.advance(250ms);  // now past the wrap
  EXPECT_TRUE(estimator.on_extended_report(echo(5, *sent.rrtr_ntp, 200ms)));
  EXPECT_NEAR(rtt_ms(estimator), 50.0, 0.1);
}

}  // namespace
}  // namespace presentd::media
