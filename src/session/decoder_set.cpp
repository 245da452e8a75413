// SPDX-License-Identifier: Apache-2.0
#include "presentd/session/decoder_set.hpp"

#include <string>

#include <boost/asio/post.hpp>

#include "presentd/media/decode/video_decoder.hpp"

namespace presentd::session {
namespace {
void add_decode_stats(media::DecodeWorkerStats& total, const media::DecodeWorkerStats& more) {
  total.frames_decoded += more.frames_decoded;
  total.frames_dropped_queue_full += more.frames_dropped_queue_full;
  total.frames_dropped_waiting_for_keyframe += more.frames_dropped_waiting_for_keyframe;
  total.frames_dropped_too_large += more.frames_dropped_too_large;
  total.decode_errors += more.decode_errors;
}
}  // namespace

std::string_view codec_name(rtp::PayloadFormat format) {
  switch (format) {
    case rtp::PayloadFormat::vp8: return "vp8";
    case rtp::PayloadFormat::vp9: return "vp9";
    case rtp::PayloadFormat::h264: return "h264";
    case rtp::PayloadFormat::opus: return "opus";
  }
  return "unknown";
}

DecoderSet::DecoderSet(boost::asio::io_context& io, const Clock& clock, std::size_t streams, DecoderSetOptions options,
                       Listener& listener)
    : io_(io), clock_(clock), options_(options), listener_(listener), workers_(streams), formats_(streams) {}

DecoderSet::~DecoderSet() {
  liveness_.end();
  // Ask every worker to stop first, then join them all: one slow decode does not delay the rest.
  for (auto& worker : workers_) {
    if (worker) worker->request_stop(media::StopMode::drop);
  }
  for (auto& worker : workers_) {
    if (worker) worker->stop();
  }
}

void DecoderSet::submit(std::size_t stream, media::Frame&& frame, rtp::PayloadFormat format) {
  if (stream >= workers_.size()) return;
  if (formats_[stream] != format) {
    if (workers_[stream]) {
      workers_[stream]->stop();
      add_decode_stats(retired_, workers_[stream]->stats());
    }
    workers_[stream] = make_worker(stream, format);
    formats_[stream] = format;
  }
  workers_[stream]->submit(std::move(frame));
}

std::unique_ptr<media::DecodeWorker> DecoderSet::make_worker(std::size_t stream, rtp::PayloadFormat format) {
  // The histogram child is looked up here, on the loop; the decode thread only observes into it
  // (lock-free).
  metrics::Histogram* decode_seconds =
      options_.decode_seconds ? &options_.decode_seconds->with({std::string(codec_name(format))}) : nullptr;
  media::DecodeWorkerCallbacks callbacks;
  callbacks.on_picture = [this, stream, decode_seconds](media::PicturePtr picture) {
    if (decode_seconds != nullptr) {
      decode_seconds->observe(std::chrono::duration<double>(picture->timing().decode_duration()).count());
    }
    listener_.on_decoded_picture(stream, std::move(picture));
  };
  callbacks.post_to_loop = [this, alive = liveness_.token()](std::function<void()> work) {
    boost::asio::post(io_, [alive, work = std::move(work)] {
      if (alive) work();
    });
  };
  callbacks.on_keyframe_needed = [this, stream] { listener_.on_keyframe_needed(stream); };
  media::VideoDecoderOptions decoder_options;
  if (format == rtp::PayloadFormat::vp8 && options_.vp8_with_ffmpeg) {
    decoder_options.backend = media::VideoDecoderBackend::libavcodec;
  }
  return std::make_unique<media::DecodeWorker>(media::make_video_decoder(format, decoder_options), clock_,
                                               std::move(callbacks));
}

media::DecodeWorkerStats DecoderSet::totals() const {
  auto total = retired_;
  for (const auto& worker : workers_) {
    if (worker) add_decode_stats(total, worker->stats());
  }
  return total;
}

}  // namespace presentd::session
