// SPDX-License-Identifier: Apache-2.0
#include "presentd/session/lip_sync_gate.hpp"

namespace presentd::session {
namespace {
constexpr std::uint32_t kVideoClockRate = 90000;  // every video payload format's RTP clock
// Held pictures are few (a 300 ms hold at 60 fps is 18); a stalled screen must not make them
// pile up, so beyond this the oldest is let go at once.
constexpr std::size_t kMaxHeld = 64;
}  // namespace

LipSyncGate::LipSyncGate(boost::asio::io_context& io, const Clock& clock, std::uint32_t audio_clock_rate,
                         Clock::Duration max_video_delay, Forward forward)
    : timer_(io),
      clock_(clock),
      sync_(audio_clock_rate, kVideoClockRate, max_video_delay),
      forward_(std::move(forward)) {}

LipSyncGate::~LipSyncGate() {
  liveness_.end();
  timer_.cancel();
}

void LipSyncGate::on_audio_sender_report(std::uint64_t ntp_timestamp, std::uint32_t rtp_timestamp) {
  sync_.on_audio_sender_report(ntp_timestamp, rtp_timestamp);
}

void LipSyncGate::on_video_sender_report(std::uint64_t ntp_timestamp, std::uint32_t rtp_timestamp) {
  sync_.on_video_sender_report(ntp_timestamp, rtp_timestamp);
}

void LipSyncGate::on_audio_scheduled(std::uint32_t rtp_timestamp, Clock::TimePoint audible_at) {
  sync_.on_audio_scheduled(rtp_timestamp, audible_at);
}

void LipSyncGate::on_picture(std::size_t stream, media::PicturePtr picture) {
  const auto decoded = picture->timing().decoded;
  const auto show_at = stream == 0 ? sync_.on_video_decoded(picture->rtp_timestamp(), decoded) : decoded;
  if (held_.empty() && show_at <= clock_.now()) {
    forward_(stream, std::move(picture));
    return;
  }
  ++pictures_held_;
  held_.push_back({show_at, stream, std::move(picture)});
  while (held_.size() > kMaxHeld) {
    forward_(held_.front().stream, std::move(held_.front().picture));
    held_.pop_front();
  }
  arm_timer();
}

void LipSyncGate::release_due() {
  const auto now = clock_.now();
  while (!held_.empty() && held_.front().show_at <= now) {
    auto held = std::move(held_.front());
    held_.pop_front();
    forward_(held.stream, std::move(held.picture));
  }
}

void LipSyncGate::arm_timer() {
  if (held_.empty()) return;
  timer_.expires_after(std::max(held_.front().show_at - clock_.now(), Clock::Duration::zero()));
  timer_.async_wait([this, alive = liveness_.token()](const boost::system::error_code& error) {
    // Cancelled (a newer wait replaced this one), or completed after the gate went away.
    if (error || !alive) return;
    release_due();
    arm_timer();
  });
}

}  // namespace presentd::session
