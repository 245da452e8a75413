// SPDX-License-Identifier: Apache-2.0
#pragma once
// The last stage of a receiving session: what leaves it for the screen and the speakers.
// Pictures from the decode threads are described (size and mean colour, for the status API) and
// handed on, held back by the lip-sync gate when the session carries sound; Opus packets are
// decoded here (cheap: on the loop) and handed on with the time they will be heard, which is
// what the gate holds pictures against.
//
// Thread: event loop, except on_picture (decode threads) and the picture facts (any thread).
#include <array>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "presentd/common/clock.hpp"
#include "presentd/common/liveness.hpp"
#include "presentd/media/decode/opus_decoder.hpp"
#include "presentd/media/picture.hpp"
#include "presentd/media/receive/receive_pipeline.hpp"
#include "presentd/session/lip_sync_gate.hpp"

namespace presentd::session {

class MediaSink {
public:
  class Output {
  public:
    virtual ~Output() = default;
    // A decode thread, or the loop when lip sync held the picture: hand it over and return.
    virtual void on_picture(std::size_t stream, media::PicturePtr picture) = 0;
    // Event loop: 48 kHz interleaved stereo samples, in order.
    virtual void on_audio(std::span<const float> samples) = 0;
    // Event loop: how long sound handed over now waits before it is heard; nullopt when nobody
    // hears it (then pictures never wait for sound).
    virtual std::optional<Clock::Duration> audio_output_delay() const = 0;
  };

  struct Options {
    std::size_t video_streams = 0;
    std::optional<std::uint32_t> audio_clock_rate;  // the session carries sound
    Clock::Duration max_lip_sync_delay{};           // zero: pictures never wait for sound
    Clock::TimePoint started_at{};                  // the offer, for first_picture_after()
  };

  // What the status API says of a stream's latest picture: measured on the decode thread (a
  // sample of its pixels), so a status request never reads pixels.
  struct PictureFacts {
    int width = 0;
    int height = 0;
    std::array<double, 3> mean_yuv{};
  };

  MediaSink(boost::asio::io_context& io, const Clock& clock, const Options& options, Output& output);
  ~MediaSink();
  MediaSink(const MediaSink&) = delete;
  MediaSink& operator=(const MediaSink&) = delete;

  // Decode thread of `stream`.
  void on_picture(std::size_t stream, media::PicturePtr picture);
  void on_audio_packet(std::span<const std::uint8_t> opus, std::uint32_t rtp_timestamp);
  void on_sender_report(media::ReceivePipeline::ReportedStream kind, std::size_t video_index,
                        std::uint64_t ntp_timestamp, std::uint32_t rtp_timestamp);

  std::optional<PictureFacts> latest_picture(std::size_t stream) const;
  // From the offer to the first decoded picture.
  std::optional<Clock::Duration> first_picture_after() const;
  // Null when the session carries no sound or lip sync is off.
  const LipSyncGate* lip_sync() const { return lip_sync_.get(); }
  std::uint64_t audio_blocks_decoded() const { return audio_decoder_ ? audio_decoder_->stats().packets_decoded : 0; }
  bool has_audio_decoder() const { return audio_decoder_ != nullptr; }

private:
  boost::asio::io_context& io_;
  const Clock& clock_;
  Clock::TimePoint started_at_;
  Output& output_;
  std::unique_ptr<LipSyncGate> lip_sync_;
  std::unique_ptr<media::OpusDecoder> audio_decoder_;  // made with the first packet

  mutable std::mutex pictures_mutex_;
  std::vector<std::optional<PictureFacts>> latest_pictures_;
  std::optional<Clock::Duration> first_picture_after_;
  Liveness liveness_;  // tokens in the pictures posted to the gate
};

}  // namespace presentd::session
