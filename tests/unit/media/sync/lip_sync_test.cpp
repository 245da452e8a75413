// SPDX-License-Identifier: Apache-2.0
#include "presentd/media/sync/lip_sync.hpp"

#include <gtest/gtest.h>

#include "presentd/media/sync/sender_clock.hpp"

namespace presentd::media {
namespace {

using namespace std::chrono_literals;

// 32.32 NTP time of `us` microseconds.
double milliseconds(Clock::Duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

std::uint64_t ntp_of(std::int64_t us) {
  const auto seconds = static_cast<std::uint64_t>(us / 1'000'000);
  const auto fraction = (static_cast<std::uint64_t>(us % 1'000'000) << 32) / 1'000'000;
  return (seconds << 32) | fraction;
}

TEST(SenderClock, MapsRtpTimeThroughTheLatestSenderReport) {
  SenderClock clock(90000);
  EXPECT_FALSE(clock.sender_time_us(1234).has_value());
  clock.on_sender_report(ntp_of(3'900'000'000'000'000), 90000);
  EXPECT_EQ(*clock.sender_time_us(90000), 3'900'000'000'000'000);
  EXPECT_EQ(*clock.sender_time_us(180000), 3'900'000'001'000'000);  // one second later
  EXPECT_EQ(*clock.sender_time_us(45000), 3'899'999'999'500'000);   // half a second earlier
}

TEST(SenderClock, RtpTimestampsAcrossTheWrapStayContinuous) {
  SenderClock clock(48000);
  clock.on_sender_report(ntp_of(5'000'000), 0xFFFFFF00u);
  // 0x100 + 0x100 ticks after the report, across 2^32: 512 ticks = 10.666 ms.
  EXPECT_EQ(*clock.sender_time_us(0x00000100u), 5'000'000 + 512 * 1'000'000 / 48000);
  EXPECT_EQ(*clock.sender_time_us(0xFFFFFE00u), 5'000'000 - 256 * 1'000'000 / 48000);
}

TEST(SenderClock, NtpFractionConvertsToMicroseconds) {
  EXPECT_EQ(ntp_to_microseconds(0x0000000180000000ull), 1'500'000);
  EXPECT_EQ(ntp_to_microseconds(0x0000000040000000ull), 250'000);
}

// A sender whose audio (48 kHz) and video (90 kHz) were captured together, and whose clock is
// `skew` away from ours; media reaches the viewer `audio_path` / `video_path` after capture.
class LipSyncScenario : public ::testing::Test {
protected:
  static constexpr std::int64_t kSenderEpochUs = 3'950'000'000'000'000;  // sender's NTP "now"
  const Clock::TimePoint local_start{std::chrono::seconds(5000)};

  void send_reports(LipSync& sync) {
    sync.on_audio_sender_report(ntp_of(kSenderEpochUs), 1000);
    sync.on_video_sender_report(ntp_of(kSenderEpochUs), 77777);
  }

  // Plays `seconds` of media: audio every 20 ms, video every 33 ms; returns the last show time
  // minus the last decode time.
  Clock::Duration play(LipSync& sync, Clock::Duration audio_path, Clock::Duration video_path, int seconds = 3) {
    Clock::Duration held{};
    for (int ms = 0; ms < seconds * 1000; ++ms) {
      const auto captured = local_start + std::chrono::milliseconds(ms);
      if (ms % 20 == 0) sync.on_audio_scheduled(1000 + static_cast<std::uint32_t>(ms * 48), captured + audio_path);
      if (ms % 33 == 0) {
        const auto decoded = captured + video_path;
        held = sync.on_video_decoded(77777 + static_cast<std::uint32_t>(ms * 90), decoded) - decoded;
      }
    }
    return held;
  }
};

TEST_F(LipSyncScenario, VideoIsHeldByHowMuchLaterItsSoundIsHeard) {
  LipSync sync(48000, 90000, 300ms);
  send_reports(sync);
  const auto held = play(sync, 150ms, 40ms);
  EXPECT_NEAR(milliseconds(held), 110.0, 1.0);
  const auto state = sync.state(local_start + 3s);
  EXPECT_TRUE(state.active);
  ASSERT_TRUE(state.audio_lag.has_value());
  EXPECT_NEAR(milliseconds(*state.audio_lag), 110.0, 1.0);
}

TEST_F(LipSyncScenario, SoundAheadOfPictureNeverHoldsVideo) {
  LipSync sync(48000, 90000, 300ms);
  send_reports(sync);
  EXPECT_EQ(play(sync, 20ms, 80ms), Clock::Duration::zero());
  EXPECT_LT(*sync.state(local_start + 3s).audio_lag, Clock::Duration::zero());
}

TEST_F(LipSyncScenario, TheHoldIsBoundedByTheConfiguredMaximum) {
  LipSync sync(48000, 90000, 300ms);
  send_reports(sync);
  EXPECT_EQ(play(sync, 900ms, 40ms), 300ms);
}

TEST_F(LipSyncScenario, WithoutSenderReportsOrWithLipSyncOffNothingIsHeld) {
  LipSync unsynchronised(48000, 90000, 300ms);
  EXPECT_EQ(play(unsynchronised, 150ms, 40ms), Clock::Duration::zero());
  EXPECT_FALSE(unsynchronised.state(local_start + 3s).active);

  LipSync off(48000, 90000, Clock::Duration::zero());
  send_reports(off);
  EXPECT_EQ(play(off, 150ms, 40ms), Clock::Duration::zero());
}

TEST_F(LipSyncScenario, VideoStopsWaitingWhenTheSoundStops) {
  LipSync sync(48000, 90000, 300ms);
  send_reports(sync);
  play(sync, 150ms, 40ms, 1);
  // Two seconds later, only video: audio is gone, pictures show as soon as decoded.
  const auto decoded = local_start + 3s;
  EXPECT_EQ(sync.on_video_decoded(77777 + 3000 * 90, decoded), decoded);
  EXPECT_FALSE(sync.state(decoded).active);
}

TEST_F(LipSyncScenario, PicturesKeepTheirOrderWhenTheDelayShrinks) {
  LipSync sync(48000, 90000, 300ms);
  send_reports(sync);
  play(sync, 250ms, 40ms, 1);
  // The sender's clock restarts (new SR far away): the next picture's delay drops, but it is
  // never shown before the picture before it.
  const auto previous_show = sync.on_video_decoded(77777 + 1000 * 90, local_start + 1040ms);
  sync.on_video_sender_report(ntp_of(kSenderEpochUs + 60'000'000), 77777 + 1000 * 90);
  const auto next_show = sync.on_video_decoded(77777 + 1033 * 90, local_start + 1041ms);
  EXPECT_GE(next_show, previous_show);
}

}  // namespace
}  // namespace presentd::media
