// SPDX-License-Identifier: Apache-2.0
#include "presentd/media/sync/lip_sync.hpp"

#include <algorithm>
#include <cmath>

namespace presentd::media {
namespace {

// 1/16: follows a real change of network delay within about a second of media, while the
// jitter of single packets moves the delay by less than a frame.
constexpr double kSmoothing = 1.0 / 16.0;
constexpr double kRestartAboveUs = 1'000'000.0;
// Audio silent for longer than this (muted, stopped) no longer holds video back.
constexpr Clock::Duration kAudioGone = std::chrono::seconds(1);

double microseconds_since_epoch(Clock::TimePoint t) { return static_cast<double>(t.time_since_epoch().count()); }

}  // namespace

void LipSync::SmoothedOffset::add(double sample_us) {
  if (!value_us || std::abs(sample_us - *value_us) > kRestartAboveUs) {
    value_us = sample_us;
    return;
  }
  *value_us += (sample_us - *value_us) * kSmoothing;
}

LipSync::LipSync(std::uint32_t audio_clock_rate, std::uint32_t video_clock_rate, Clock::Duration max_video_delay)
    : audio_clock_(audio_clock_rate), video_clock_(video_clock_rate), max_video_delay_(max_video_delay) {}

void LipSync::on_audio_sender_report(std::uint64_t ntp_timestamp, std::uint32_t rtp_timestamp) {
  audio_clock_.on_sender_report(ntp_timestamp, rtp_timestamp);
}

void LipSync::on_video_sender_report(std::uint64_t ntp_timestamp, std::uint32_t rtp_timestamp) {
  video_clock_.on_sender_report(ntp_timestamp, rtp_timestamp);
}

void LipSync::on_audio_scheduled(std::uint32_t rtp_timestamp, Clock::TimePoint audible_at) {
  last_audio_at_ = audible_at;
  if (const auto sent = audio_clock_.sender_time_us(rtp_timestamp)) {
    audio_offset_.add(microseconds_since_epoch(audible_at) - static_cast<double>(*sent));
  }
}

Clock::TimePoint LipSync::on_video_decoded(std::uint32_t rtp_timestamp, Clock::TimePoint decoded_at) {
  if (const auto sent = video_clock_.sender_time_us(rtp_timestamp)) {
    video_offset_.add(microseconds_since_epoch(decoded_at) - static_cast<double>(*sent));
  }
  last_show_at_ = std::max(decoded_at + current_delay(decoded_at), last_show_at_);
  return last_show_at_;
}

Clock::Duration LipSync::current_delay(Clock::TimePoint now) const {
  if (max_video_delay_ <= Clock::Duration::zero() || !audio_offset_.value_us || !video_offset_.value_us) return {};
  if (!last_audio_at_ || now - *last_audio_at_ > kAudioGone) return {};
  const auto difference = Clock::Duration(std::llround(*audio_offset_.value_us - *video_offset_.value_us));
  return std::clamp(difference, Clock::Duration::zero(), max_video_delay_);
}

LipSyncState LipSync::state(Clock::TimePoint now) const {
  LipSyncState state;
  state.video_delay = current_delay(now);
  state.active = max_video_delay_ > Clock::Duration::zero() && audio_offset_.value_us && video_offset_.value_us &&
                 last_audio_at_ && now - *last_audio_at_ <= kAudioGone;
  if (audio_offset_.value_us && video_offset_.value_us) {
    state.audio_lag = Clock::Duration(std::llround(*audio_offset_.value_us - *video_offset_.value_us));
  }
  return state;
}

}  // namespace presentd::media
