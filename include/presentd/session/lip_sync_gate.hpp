// SPDX-License-Identifier: Apache-2.0
#pragma once
// Holds one presenter's decoded pictures until their sound is heard (media::LipSync decides how
// long), then hands them on in order. Used only when the session carries audio; without audio,
// pictures go from the decode threads straight to the screen.
//
// Thread: event loop. Decode threads reach it through asio::post; a held picture is a
// reference-counted pointer, so holding it costs no copy.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "presentd/common/clock.hpp"
#include "presentd/common/liveness.hpp"
#include "presentd/media/picture.hpp"
#include "presentd/media/sync/lip_sync.hpp"

namespace presentd::session {

class LipSyncGate {
public:
  using Forward = std::function<void(std::size_t stream, media::PicturePtr)>;

  LipSyncGate(boost::asio::io_context& io, const Clock& clock, std::uint32_t audio_clock_rate,
              Clock::Duration max_video_delay, Forward forward);
  ~LipSyncGate();
  LipSyncGate(const LipSyncGate&) = delete;
  LipSyncGate& operator=(const LipSyncGate&) = delete;

  void on_audio_sender_report(std::uint64_t ntp_timestamp, std::uint32_t rtp_timestamp);
  // Only the first video stream's clock is used: one screen per presenter.
  void on_video_sender_report(std::uint64_t ntp_timestamp, std::uint32_t rtp_timestamp);
  void on_audio_scheduled(std::uint32_t rtp_timestamp, Clock::TimePoint audible_at);
  void on_picture(std::size_t stream, media::PicturePtr picture);

  media::LipSyncState state() const { return sync_.state(clock_.now()); }
  std::uint64_t pictures_held() const { return pictures_held_; }

private:
  struct Held {
    Clock::TimePoint show_at;
    std::size_t stream;
    media::PicturePtr picture;
  };
  void release_due();
  void arm_timer();

  boost::asio::steady_timer timer_;
  const Clock& clock_;
  media::LipSync sync_;
  Forward forward_;
  std::deque<Held> held_;  // in show order (LipSync never lets show times go backwards)
  std::uint64_t pictures_held_ = 0;
  // A wait that already completed cannot be cancelled: its handler may still run after the
  // gate is gone, so it checks this first.
  Liveness liveness_;  // tokens in deferred handlers: liveness.hpp
};

}  // namespace presentd::session
