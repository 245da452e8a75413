// SPDX-License-Identifier: Apache-2.0
#pragma once
// Lip sync for one presenter: how long to hold each decoded picture so it appears together with
// the sound captured at the same moment.
//
// Both streams' RTP timestamps are mapped to the sender's wall clock through its RTCP sender
// reports (SenderClock). For each stream we track how far our local clock runs ahead of the
// sender's at the moment media reaches the viewer: for audio, when a block becomes audible
// (decoded + what waits in the mixer and the device buffer); for video, when a picture is
// decoded. The unknown offset between the two machines' clocks is the same in both, so the
// difference of the two is exactly how much earlier the picture would be seen than its sound
// is heard. Pictures are held by that difference, never more than `max_video_delay`; sound is
// never delayed (a receiver cannot make audio earlier, and holding video is cheap).
//
// Video waits for audio only while audio is actually flowing (a block in the last second) and
// both streams have a sender report; otherwise the delay is zero.
//
// Thread: event loop.
#include <cstdint>
#include <optional>

#include "presentd/common/clock.hpp"
#include "presentd/media/sync/sender_clock.hpp"

namespace presentd::media {

struct LipSyncState {
  bool active = false;  // audio flowing and both streams mapped to the sender's clock
  Clock::Duration video_delay{};
  // How much later sound reaches the viewer than the picture captured with it, before holding
  // video back (smoothed, unclamped; negative: sound is ahead); nullopt until both are measured.
  std::optional<Clock::Duration> audio_lag;
};

class LipSync {
public:
  LipSync(std::uint32_t audio_clock_rate, std::uint32_t video_clock_rate, Clock::Duration max_video_delay);

  void on_audio_sender_report(std::uint64_t ntp_timestamp, std::uint32_t rtp_timestamp);
  void on_video_sender_report(std::uint64_t ntp_timestamp, std::uint32_t rtp_timestamp);

  // The audio block starting at `rtp_timestamp` will be heard at `audible_at`.
  void on_audio_scheduled(std::uint32_t rtp_timestamp, Clock::TimePoint audible_at);
  // A picture was decoded at `decoded_at`; returns when to show it (never before `decoded_at`,
  // never before a picture shown earlier, so pictures keep their order when the delay shrinks).
  Clock::TimePoint on_video_decoded(std::uint32_t rtp_timestamp, Clock::TimePoint decoded_at);

  LipSyncState state(Clock::TimePoint now) const;

private:
  // Exponentially smoothed offset; jumps of more than a second (a sender that reset its clocks)
  // restart the average instead of dragging it along.
  struct SmoothedOffset {
    std::optional<double> value_us;
    void add(double sample_us);
  };

  Clock::Duration current_delay(Clock::TimePoint now) const;

  SenderClock audio_clock_;
  SenderClock video_clock_;
  Clock::Duration max_video_delay_;
  SmoothedOffset audio_offset_;
  SmoothedOffset video_offset_;
  std::optional<Clock::TimePoint> last_audio_at_;
  Clock::TimePoint last_show_at_{};
};

}  // namespace presentd::media
