// SPDX-License-Identifier: Apache-2.0
#pragma once
// The fourth stage of a receiving session: one decode worker thread per video stream, made for
// the codec of the first frame and remade when the sender switches codec (a new payload type).
// Figures of replaced decoders are kept, so a session's totals never go backwards.
//
// Thread: event loop, except Listener::on_decoded_picture (the stream's decode thread).
// Keyframe requests of the workers reach the listener on the loop, and never after the set is
// destroyed (the destructor joins every worker).
#include <cstddef>
#include <memory>
#include <optional>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "presentd/common/clock.hpp"
#include "presentd/common/liveness.hpp"
#include "presentd/media/decode/decode_worker.hpp"
#include "presentd/media/jitter/frame_assembler.hpp"
#include "presentd/media/picture.hpp"
#include "presentd/metrics/registry.hpp"
#include "presentd/rtp/depacketizer/depacketizer.hpp"

namespace presentd::session {

struct DecoderSetOptions {
  bool vp8_with_ffmpeg = false;  // FFmpeg's VP8 decoder instead of libvpx
  // Decode times go here, one histogram per codec (observed on the decode threads); null: none.
  metrics::HistogramFamily* decode_seconds = nullptr;
};

std::string_view codec_name(rtp::PayloadFormat format);

class DecoderSet {
public:
  class Listener {
  public:
    virtual ~Listener() = default;
    // Decode thread of `stream`: hand the picture over and return.
    virtual void on_decoded_picture(std::size_t stream, media::PicturePtr picture) = 0;
    // Event loop: the decoder lost its reference (errors, queue overflow) and needs a keyframe.
    virtual void on_keyframe_needed(std::size_t stream) = 0;
  };

  DecoderSet(boost::asio::io_context& io, const Clock& clock, std::size_t streams, DecoderSetOptions options,
             Listener& listener);
  // Stops and joins every worker.
  ~DecoderSet();
  DecoderSet(const DecoderSet&) = delete;
  DecoderSet& operator=(const DecoderSet&) = delete;

  // Queues one assembled frame on its stream's worker (made or remade for `format` first).
  void submit(std::size_t stream, media::Frame&& frame, rtp::PayloadFormat format);

  std::size_t stream_count() const { return workers_.size(); }
  // The codec decoding `stream`; nullopt before its first frame.
  std::optional<rtp::PayloadFormat> format(std::size_t stream) const { return formats_.at(stream); }
  // The worker of `stream`; null before its first frame.
  const media::DecodeWorker* worker(std::size_t stream) const { return workers_.at(stream).get(); }
  // Every decoder's figures this session has had, replaced ones included.
  media::DecodeWorkerStats totals() const;

private:
  std::unique_ptr<media::DecodeWorker> make_worker(std::size_t stream, rtp::PayloadFormat format);

  boost::asio::io_context& io_;
  const Clock& clock_;
  DecoderSetOptions options_;
  Listener& listener_;
  std::vector<std::unique_ptr<media::DecodeWorker>> workers_;
  std::vector<std::optional<rtp::PayloadFormat>> formats_;
  media::DecodeWorkerStats retired_;  // figures of decoders replaced by a codec change
  Liveness liveness_;                 // tokens in the workers' posted keyframe requests
};

}  // namespace presentd::session
