// SPDX-License-Identifier: Apache-2.0
// SenderReportClock: the RTP timestamp runs on from the newest packet sent at the clock rate,
// across the 2^32 wrap; counts include every packet; NTP conversion of the system clock.
#include "presentd/media/forward/sender_report_clock.hpp"

#include <gtest/gtest.h>

namespace presentd::media {
namespace {

using namespace std::chrono_literals;

TEST(SenderReportClock, NothingToReportBeforeTheFirstPacket) {
  ManualClock clock;
  const SenderReportClock sr(0x1234, 90000);
  EXPECT_FALSE(sr.report(clock.now(), 0));
}

TEST(SenderReportClock, ExtrapolatesFromTheNewestPacketAcrossTheWrap) {
  ManualClock clock;
  SenderReportClock sr(0x1234, 90000);
  sr.on_packet_sent(0xFFFFF000u, 1000, clock.now());
  clock.advance(33ms);
  sr.on_packet_sent(0xFFFFF000u + 2970u, 900, clock.now());  // the next frame, 33 ms later
  clock.advance(10ms);
  sr.on_packet_sent(0xFFFFF000u, 1000, clock.now());  // a resend of the first: counted, not a reference
  clock.advance(40ms);
  const auto report = sr.report(clock.now(), 0xAABBCCDD00000000ULL);
  ASSERT_TRUE(report);
  EXPECT_EQ(report->sender_ssrc, 0x1234u);
  EXPECT_EQ(report->ntp_timestamp, 0xAABBCCDD00000000ULL);
  EXPECT_EQ(report->rtp_timestamp, static_cast<std::uint32_t>(0xFFFFF000u + 2970u + 50u * 90u));
  EXPECT_EQ(report->packet_count, 3u);
  EXPECT_EQ(report->octet_count, 2900u);
}

TEST(SenderReportClock, NtpFromSystemTime) {
  // 1970-01-01 plus 1.5 s: NTP seconds 2208988801, fraction one half.
  const std::chrono::system_clock::time_point t{std::chrono::milliseconds{1500}};
  EXPECT_EQ(ntp_from_system_time(t), (2208988801ULL << 32) | 0x80000000ULL);
}

}  // namespace
}  // namespace presentd::media
