// SPDX-License-Identifier: Apache-2.0
#include "presentd/session/media_sink.hpp"

#include <algorithm>

#include <boost/asio/post.hpp>

namespace presentd::session {
namespace {
// Mean Y/U/V of a picture: tells an admin (and the tests) whether real video, not a black or
// frozen screen, is arriving, without exposing what is presented. Read from a grid of at most
// 64x64 samples per plane, so it costs the decode thread a few microseconds whatever the size.
std::array<double, 3> sampled_mean(const media::Picture& picture) {
  constexpr int kSamples = 64;
  std::array<double, 3> mean{};
  for (int plane = 0; plane < std::min(3, picture.plane_count()); ++plane) {
    const int rows = picture.plane_rows(plane);
    const int columns = picture.plane_row_bytes(plane);
    if (rows <= 0 || columns <= 0) continue;
    const int row_step = std::max(1, rows / kSamples);
    const int column_step = std::max(1, columns / kSamples);
    double sum = 0;
    std::size_t count = 0;
    for (int y = 0; y < rows; y += row_step) {
      const auto row = picture.row(plane, y);
      for (std::size_t x = 0; x < row.size(); x += static_cast<std::size_t>(column_step)) {
        sum += row[x];
        ++count;
      }
    }
    mean[static_cast<std::size_t>(plane)] = sum / static_cast<double>(count);
  }
  return mean;
}
}  // namespace

MediaSink::MediaSink(boost::asio::io_context& io, const Clock& clock, const Options& options, Output& output)
    : io_(io),
      clock_(clock),
      started_at_(options.started_at),
      output_(output),
      latest_pictures_(options.video_streams) {
  if (options.audio_clock_rate && options.max_lip_sync_delay.count() > 0) {
    lip_sync_ = std::make_unique<LipSyncGate>(
        io_, clock_, *options.audio_clock_rate, options.max_lip_sync_delay,
        [this](std::size_t stream, media::PicturePtr picture) { output_.on_picture(stream, std::move(picture)); });
  }
}

MediaSink::~MediaSink() { liveness_.end(); }

void MediaSink::on_picture(std::size_t stream, media::PicturePtr picture) {
  const PictureFacts facts{picture->width(), picture->height(), sampled_mean(*picture)};
  {
    std::lock_guard lock(pictures_mutex_);
    if (stream < latest_pictures_.size()) latest_pictures_[stream] = facts;
    if (!first_picture_after_) first_picture_after_ = clock_.now() - started_at_;
  }
  if (!lip_sync_) return output_.on_picture(stream, std::move(picture));
  // lip_sync_ is made in the constructor and never replaced, so reading the pointer here races
  // with nothing; the gate itself is used on the loop.
  boost::asio::post(io_, [this, alive = liveness_.token(), stream, picture = std::move(picture)]() mutable {
    if (alive) lip_sync_->on_picture(stream, std::move(picture));
  });
}

void MediaSink::on_audio_packet(std::span<const std::uint8_t> opus, std::uint32_t rtp_timestamp) {
  if (!audio_decoder_) audio_decoder_ = std::make_unique<media::OpusDecoder>();
  const auto block = audio_decoder_->decode(opus, rtp_timestamp);
  if (!block) return;
  // Measured before the hand-over: this block waits behind what is queued already.
  const auto output_delay = output_.audio_output_delay();
  output_.on_audio(block->samples);
  if (lip_sync_ && output_delay) lip_sync_->on_audio_scheduled(rtp_timestamp, clock_.now() + *output_delay);
}

void MediaSink::on_sender_report(media::ReceivePipeline::ReportedStream kind, std::size_t video_index,
                                 std::uint64_t ntp_timestamp, std::uint32_t rtp_timestamp) {
  if (!lip_sync_) return;
  if (kind == media::ReceivePipeline::ReportedStream::audio) {
    lip_sync_->on_audio_sender_report(ntp_timestamp, rtp_timestamp);
  } else if (video_index == 0) {
    // The gate keeps the main (first) video stream in step with the sound.
    lip_sync_->on_video_sender_report(ntp_timestamp, rtp_timestamp);
  }
}

std::optional<MediaSink::PictureFacts> MediaSink::latest_picture(std::size_t stream) const {
  std::lock_guard lock(pictures_mutex_);
  return stream < latest_pictures_.size() ? latest_pictures_[stream] : std::nullopt;
}

std::optional<Clock::Duration> MediaSink::first_picture_after() const {
  std::lock_guard lock(pictures_mutex_);
  return first_picture_after_;
}

}  // namespace presentd::session
